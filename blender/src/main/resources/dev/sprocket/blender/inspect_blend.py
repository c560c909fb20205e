# Prints one line "@@SPROCKET@@ {json}" describing the loaded .blend: scenes and external dependencies.
# Run: blender -b -Y FILE --python inspect_blend.py
import json
import os
import sys

import bpy

sys.dont_write_bytecode = True  # the script folder is a temp dir the JVM deletes on exit
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sprocket_paths  # noqa: E402

MARKER = "@@SPROCKET@@ "


def has_denoiser():
    try:
        import _cycles
        return bool(_cycles.with_openimagedenoise)
    except Exception:
        return False


def scene_info(scene):
    render = scene.render
    engine = render.engine
    if engine == "CYCLES":
        samples = scene.cycles.samples
    elif engine == "BLENDER_EEVEE":
        samples = scene.eevee.taa_render_samples
    else:
        samples = None
    # Blender 3.x keeps EEVEE's motion blur switch apart from the one Cycles reads.
    motion_blur = scene.eevee.use_motion_blur if engine == "BLENDER_EEVEE" else render.use_motion_blur
    return {
        "name": scene.name,
        "frameStart": scene.frame_start,
        "frameEnd": scene.frame_end,
        "frameStep": scene.frame_step,
        "fps": render.fps / render.fps_base,
        "resolutionX": render.resolution_x,
        "resolutionY": render.resolution_y,
        "resolutionPercent": render.resolution_percentage,
        "engine": engine,
        "samples": samples,
        "denoising": engine == "CYCLES" and bool(scene.cycles.use_denoising),
        "camera": scene.camera.name if scene.camera else None,
        "motionBlur": bool(motion_blur),
        "outputFormat": render.image_settings.file_format,
    }


def dependencies():
    deps = []
    seen = set()
    refs = sprocket_paths.all_refs()
    for ref in refs:
        files, present = ref.resolve()
        if not ref.needed and not files:
            continue  # optional and absent: Blender does without it (see sprocket_paths)
        key = (ref.kind, ref.absolute, sprocket_paths.owner_path(ref.lib))
        if key in seen:
            continue
        seen.add(key)
        deps.append({
            "kind": ref.kind,
            "path": ref.written,
            "absolute": ref.absolute,
            "files": files,
            "present": bool(present) if ref.needed else True,
            "owner": sprocket_paths.owner_path(ref.lib),
        })
    known = set(r.absolute for r in refs)
    for f in deps:
        known.update(f["files"])
    for path in sprocket_paths.other_paths(known):
        deps.append({"kind": "other", "path": path, "absolute": path, "files": [path], "present": True,
                     "owner": sprocket_paths.main_blend()})
    deps.sort(key=lambda d: (d["kind"], d["path"], d["owner"]))
    return deps


def main():
    info = {
        "file": sprocket_paths.main_blend(),
        "savedWith": "%d.%d.%d" % tuple(bpy.data.version),
        "inspectedWith": bpy.app.version_string,
        "activeScene": bpy.context.scene.name,
        "scenes": [scene_info(s) for s in bpy.data.scenes],
        "dependencies": dependencies(),
        "denoiserAvailable": has_denoiser(),
    }
    sys.stdout.write(MARKER + json.dumps(info) + "\n")
    sys.stdout.flush()


main()
