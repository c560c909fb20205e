# Builds Sprocket's demo scene: an animated, textured monkey on a floor, 24 frames, Cycles at low samples.
# Run as: blender -b --factory-startup --python demo_scene.py -- OUT.blend
import bpy, sys, os, math

out = os.path.abspath(sys.argv[sys.argv.index("--") + 1])
os.makedirs(os.path.join(os.path.dirname(out), "textures"), exist_ok=True)
bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
scene.name = "Demo"
scene.render.engine = "CYCLES"
scene.cycles.device = "CPU"
scene.cycles.samples = 12
scene.cycles.use_denoising = False
scene.cycles.use_adaptive_sampling = False
scene.render.resolution_x, scene.render.resolution_y, scene.render.resolution_percentage = 480, 270, 100
scene.render.use_motion_blur = True
scene.frame_start, scene.frame_end = 1, 24
scene.render.image_settings.file_format = "PNG"

# An external texture, so the demo exercises dependency staging like a real project.
size = 64
img = bpy.data.images.new("checker", size, size)
px = []
for y in range(size):
    for x in range(size):
        c = 0.9 if ((x // 8) + (y // 8)) % 2 == 0 else 0.15
        px += [c, c * 0.6, 0.2, 1.0]
img.pixels = px
img.filepath_raw = os.path.join(os.path.dirname(out), "textures", "checker.png")
img.file_format = "PNG"
img.save()

mat = bpy.data.materials.new("Checker")
mat.use_nodes = True
nodes = mat.node_tree.nodes
tex = nodes.new("ShaderNodeTexImage")
tex.image = bpy.data.images.load(img.filepath_raw)
mat.node_tree.links.new(tex.outputs["Color"], nodes["Principled BSDF"].inputs["Base Color"])

bpy.ops.mesh.primitive_monkey_add(size=1.6, location=(0, 0, 1))
monkey = bpy.context.object
bpy.ops.object.shade_smooth()
monkey.data.materials.append(mat)
monkey.rotation_euler = (0, 0, 0)
monkey.keyframe_insert("rotation_euler", frame=1)
monkey.rotation_euler = (0, 0, math.radians(330))
monkey.keyframe_insert("rotation_euler", frame=24)

bpy.ops.mesh.primitive_plane_add(size=12, location=(0, 0, 0))
bpy.ops.object.light_add(type="SUN", location=(3, -3, 6))
bpy.context.object.data.energy = 4
bpy.ops.object.camera_add(location=(0, -6.5, 2.6), rotation=(math.radians(78), 0, 0))
scene.camera = bpy.context.object
world = bpy.data.worlds.new("World")
world.color = (0.05, 0.06, 0.08)
scene.world = world

bpy.ops.file.make_paths_relative()
bpy.ops.wm.save_as_mainfile(filepath=out, relative_remap=True)
print("SPROCKET_DEMO_SAVED " + out)
