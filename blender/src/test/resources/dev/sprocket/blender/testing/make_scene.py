# Builds a small, deterministic test scene and saves it as a .blend.
# Run: blender -b --factory-startup -Y --python make_scene.py -- '<json options>'
# Options (all required, see TestScenes.java): path, engine, frameStart, frameEnd, resolutionX, resolutionY,
# resolutionPercent, samples, motionBlur, texture, heavy, camera, denoising.
import bpy, json, math, os, sys
from mathutils import Vector

opts = json.loads(sys.argv[sys.argv.index("--") + 1])
path = opts["path"]
folder = os.path.dirname(path)

# Start empty: the factory scene's objects would make the result depend on the startup file.
for ob in list(bpy.data.objects):
    bpy.data.objects.remove(ob, do_unlink=True)
for coll in (bpy.data.meshes, bpy.data.materials, bpy.data.cameras, bpy.data.lights):
    for item in list(coll):
        coll.remove(item)

scene = bpy.context.scene
scene.frame_start = opts["frameStart"]
scene.frame_end = opts["frameEnd"]
render = scene.render
render.engine = opts["engine"]
render.resolution_x = opts["resolutionX"]
render.resolution_y = opts["resolutionY"]
render.resolution_percentage = opts["resolutionPercent"]
render.image_settings.file_format = "PNG"
render.use_motion_blur = opts["motionBlur"]
scene.eevee.use_motion_blur = opts["motionBlur"]
scene.cycles.device = "CPU"
scene.cycles.samples = opts["samples"]
scene.cycles.use_denoising = opts["denoising"]  # off by default: Debian's Blender has no OpenImageDenoise
scene.cycles.use_adaptive_sampling = False  # fixed sample count: render time scales predictably
scene.eevee.taa_render_samples = opts["samples"]


def look_at(ob, target):
    direction = Vector(target) - ob.location
    ob.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()


if opts["camera"]:
    cam = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
    scene.collection.objects.link(cam)
    cam.location = (0.0, -7.0, 3.0)
    look_at(cam, (0.0, 0.0, 0.5))
    scene.camera = cam

sun = bpy.data.objects.new("Sun", bpy.data.lights.new("Sun", type="SUN"))
sun.data.energy = 3.0
sun.rotation_euler = (math.radians(40), math.radians(20), math.radians(30))
scene.collection.objects.link(sun)

world = scene.world or bpy.data.worlds.new("World")
scene.world = world
world.use_nodes = True
world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.05, 0.06, 0.08, 1.0)

# Ground plane, optionally with an external image texture (for staging / remap tests).
bpy.ops.mesh.primitive_plane_add(size=8.0, location=(0, 0, 0))
ground = bpy.context.active_object
ground.name = "Ground"
mat = bpy.data.materials.new("Ground")
mat.use_nodes = True
bsdf = mat.node_tree.nodes["Principled BSDF"]
if opts["texture"]:
    tex_dir = os.path.join(folder, "textures")
    os.makedirs(tex_dir, exist_ok=True)
    size = 16
    img = bpy.data.images.new("checker", size, size)
    pixels = []
    for y in range(size):
        for x in range(size):
            on = ((x // 4) + (y // 4)) % 2 == 0
            pixels += [0.9, 0.2, 0.1, 1.0] if on else [0.1, 0.3, 0.9, 1.0]
    img.pixels = pixels
    img.filepath_raw = os.path.join(tex_dir, "checker.png")
    img.file_format = "PNG"
    img.save()
    img.filepath = "//textures/checker.png"  # relative, as artists usually have it
    node = mat.node_tree.nodes.new("ShaderNodeTexImage")
    node.image = img
    node.interpolation = "Closest"
    mat.node_tree.links.new(node.outputs["Color"], bsdf.inputs["Base Color"])
else:
    bsdf.inputs["Base Color"].default_value = (0.4, 0.4, 0.4, 1.0)
ground.data.materials.append(mat)

# The animated object: moves and turns so that every frame differs (and motion blur shows).
bpy.ops.mesh.primitive_monkey_add(size=1.5, location=(0, 0, 1.0))
monkey = bpy.context.active_object
monkey.name = "Monkey"
bpy.ops.object.shade_smooth()
if opts["heavy"]:
    mod = monkey.modifiers.new("Subdivision", "SUBSURF")
    mod.levels = 3
    mod.render_levels = 3
mmat = bpy.data.materials.new("Monkey")
mmat.use_nodes = True
mbsdf = mmat.node_tree.nodes["Principled BSDF"]
mbsdf.inputs["Base Color"].default_value = (0.8, 0.6, 0.1, 1.0)
mbsdf.inputs["Roughness"].default_value = 0.3
monkey.data.materials.append(mmat)

start, end = opts["frameStart"], max(opts["frameEnd"], opts["frameStart"] + 1)
monkey.location = (-1.5, 0.0, 1.0)
monkey.rotation_euler = (0.0, 0.0, 0.0)
monkey.keyframe_insert("location", frame=start)
monkey.keyframe_insert("rotation_euler", frame=start)
monkey.location = (1.5, 0.0, 1.2)
monkey.rotation_euler = (0.0, 0.0, math.radians(300))
monkey.keyframe_insert("location", frame=end)
monkey.keyframe_insert("rotation_euler", frame=end)
for fc in monkey.animation_data.action.fcurves:
    for kp in fc.keyframe_points:
        kp.interpolation = "LINEAR"

scene.frame_set(start)
bpy.ops.wm.save_as_mainfile(filepath=path)
print("SPROCKET_SCENE_SAVED " + path, flush=True)
