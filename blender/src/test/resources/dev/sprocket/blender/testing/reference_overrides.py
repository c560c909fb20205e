# Applies a job's RenderSettings to the scene before `-f N`, for ReferenceRender (written apart from session.py).
import json
import sys

import bpy

s = json.loads(sys.argv[sys.argv.index("--") + 1])
scene = bpy.context.scene
if s["engine"]:
    scene.render.engine = s["engine"]
if s["samples"] is not None:
    scene.cycles.samples = s["samples"]
    scene.eevee.taa_render_samples = s["samples"]
if s["resolutionPercent"] is not None:
    scene.render.resolution_percentage = s["resolutionPercent"]
if s["motionBlur"] is not None:
    scene.render.use_motion_blur = s["motionBlur"]
    scene.eevee.use_motion_blur = s["motionBlur"]
if s["disableDenoising"]:
    scene.cycles.use_denoising = False
scene.render.image_settings.file_format = s["format"]
scene.render.use_file_extension = True
