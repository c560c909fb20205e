# Benchmark scene: Cycles, animated, denoising off, motion blur off; per-frame cost set by samples/resolution.
# blender -b --factory-startup --python bench_scene.py -- OUT.blend FRAMES SAMPLES RES_X RES_Y
import bpy, sys, math
args = sys.argv[sys.argv.index("--") + 1:]
out, frames, samples, rx, ry = args[0], int(args[1]), int(args[2]), int(args[3]), int(args[4])
bpy.ops.wm.read_factory_settings(use_empty=True)
s = bpy.context.scene
s.render.engine = "CYCLES"
s.cycles.device = "CPU"
s.cycles.samples = samples
s.cycles.use_adaptive_sampling = False
s.cycles.use_denoising = False
s.render.use_motion_blur = False
s.render.resolution_x, s.render.resolution_y, s.render.resolution_percentage = rx, ry, 100
s.frame_start, s.frame_end = 1, frames
s.render.image_settings.file_format = "PNG"
for i in range(5):
    bpy.ops.mesh.primitive_uv_sphere_add(radius=0.6, location=(i * 1.4 - 2.8, 0, 0.6))
    o = bpy.context.object
    m = bpy.data.materials.new("m%d" % i)
    m.diffuse_color = (0.2 + 0.15 * i, 0.5, 0.9 - 0.15 * i, 1)
    o.data.materials.append(m)
    o.location.z = 0.6
    o.keyframe_insert("location", frame=1)
    o.location.z = 0.6 + 0.8 * math.sin(i)
    o.keyframe_insert("location", frame=frames)
bpy.ops.mesh.primitive_plane_add(size=20)
bpy.ops.object.light_add(type="POINT", location=(2, -3, 5))
bpy.context.object.data.energy = 800
bpy.ops.object.camera_add(location=(0, -8, 3), rotation=(math.radians(75), 0, 0))
s.camera = bpy.context.object
bpy.ops.wm.save_as_mainfile(filepath=out)
