# Test fixture: adds a full copy of the active scene named "Second" (rendering at another size, 3 samples) and
# keeps the original scene active, then saves. Run: blender -b --factory-startup -Y FILE --python add_scene.py
import bpy

first = bpy.context.window.scene
bpy.ops.scene.new(type="FULL_COPY")
second = bpy.context.window.scene
second.name = "Second"
second.render.resolution_x = 40
second.cycles.samples = 3
second.objects["Monkey.001"].location.z += 0.5
bpy.context.window.scene = first
bpy.ops.wm.save_mainfile()
