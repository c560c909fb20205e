# Test fixture: drives the Monkey's scale with a Python expression that needs auto-run. With -Y, Blender 3.x still
# evaluates simple expressions and Python made of a small set of safe opcodes; a lambda is neither, so -Y skips the
# driver ("restricted access disallows opcode") and -y runs it.
# Run: blender -b --factory-startup -Y FILE --python python_driver.py
import bpy

monkey = bpy.data.objects["Monkey"]
for axis in range(3):
    driver = monkey.driver_add("scale", axis).driver
    driver.type = "SCRIPTED"
    driver.expression = "(lambda f: 0.5 + 0.1 * f)(frame)"
bpy.ops.wm.save_mainfile()
