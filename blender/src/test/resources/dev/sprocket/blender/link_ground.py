# Test fixture: replaces the local "Ground" object of the open file by the one linked from a library, then saves.
# Run: blender -b --factory-startup -Y MAIN.blend --python link_ground.py -- /abs/library.blend
import sys

import bpy

library = sys.argv[sys.argv.index("--") + 1]
bpy.data.objects.remove(bpy.data.objects["Ground"], do_unlink=True)
with bpy.data.libraries.load(library, link=True, relative=True) as (src, dst):
    dst.objects = ["Ground"]
bpy.context.scene.collection.objects.link(dst.objects[0])
bpy.ops.wm.save_mainfile()
