# Sprocket render session: runs inside one Blender process and renders frames on request.
#
# Protocol: one JSON object per line on stdin; answers are lines on stdout starting with MARKER.
#   {"cmd": "open", "scene": "", "settings": {...}, "remaps": {...}}  -> {"event": "ready", ...} or "fatal"
#       A pre-warmed Blender (started without a .blend) gets "blend" and "allowPython" too, as its first command,
#       and loads the file then (see open_blend).
#   {"cmd": "render", "frames": [3, 1], "dir": "/abs/tmp"}         -> "frame_start"/"frame_done" per frame, then
#                                                                      "done" or "error" (render stops there)
#   {"cmd": "quit"}                                                 -> Blender exits
# Blender's own output (progress, "Saved:" ...) stays on stdout/stderr for the log.
#
# Each frame is rendered the way `blender -b FILE -f N` renders it: the scene's range is set to N..N and the
# animation render operator runs, which calls the same RE_RenderAnim(sfra=N, efra=N) as `-f N`. The range is
# restored afterwards so that the next frame starts from the file's own settings.
import json
import os
import sys
import time
import traceback

import bpy

sys.dont_write_bytecode = True  # the script folder is a temp dir the JVM deletes on exit
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sprocket_paths  # noqa: E402  (shared with inspect.py)

MARKER = "@@SPROCKET@@ "


def send(event, **fields):
    fields["event"] = event
    sys.stdout.write(MARKER + json.dumps(fields) + "\n")
    sys.stdout.flush()


def select_scene(name):
    if not name:
        return bpy.context.scene
    scene = bpy.data.scenes.get(name)
    if scene is None:
        raise ValueError("no scene named '%s' (the file has %s)" % (name, [s.name for s in bpy.data.scenes]))
    # Like `-S name`: make it the window's scene so that the render uses it as the context scene.
    if bpy.context.window is not None:
        bpy.context.window.scene = scene
    return scene


def open_blend(path, allow_python):
    """Loads the .blend into a Blender started without one, the way `blender -b -Y|-y FILE` loads it.

    The command line load (creator_args.c, arg_handle_load_file) and this operator (wm_files.c, open_mainfile)
    both go through WM_file_read; what differs, and why it does not change what is rendered:
      - auto-run: -Y/-y set G_FLAG_SCRIPT_OVERRIDE_PREF, so the command line ignores the preferences' excluded
        paths; the operator sets auto-run from use_scripts, and its own excluded-path check returns early under
        the same flag, so use_scripts = the launch flag gives the same result. The launch flag is checked first,
        so a -Y Blender can never be asked to run the file's scripts.
      - load_ui is left unset: the operator then takes G.fileflags, which start-up set from the preferences
        exactly as for a file on the command line.
      - working directory: a fresh launch runs in the .blend's folder (plain relative paths resolve against it).
      - context: both leave the first window and its scene active while a --python script runs.
      - the operator also resets viewport-local collections and the outliner selection sync: viewport only.
    """
    if bpy.data.filepath:
        raise RuntimeError("a .blend is already loaded")
    if allow_python != launched_allowing_python():
        raise RuntimeError("this Blender was started with %s" % ("-y" if launched_allowing_python() else "-Y"))
    os.chdir(os.path.dirname(path))
    bpy.ops.wm.open_mainfile(filepath=path, use_scripts=allow_python)


def launched_allowing_python():
    args = sys.argv[:sys.argv.index("--python")] if "--python" in sys.argv else sys.argv
    flags = [a for a in args if a in ("-y", "-Y", "--enable-autoexec", "--disable-autoexec")]
    return bool(flags) and flags[-1] in ("-y", "--enable-autoexec")


def apply_settings(scene, s):
    render = scene.render
    if s.get("engine"):
        render.engine = s["engine"]
    if s.get("samples") is not None:
        scene.cycles.samples = s["samples"]
        scene.eevee.taa_render_samples = s["samples"]
    if s.get("resolutionPercent") is not None:
        render.resolution_percentage = s["resolutionPercent"]
    if s.get("motionBlur") is not None:
        # Blender 3.x keeps EEVEE's switch apart from Cycles'; set both so the override means the same everywhere.
        render.use_motion_blur = s["motionBlur"]
        scene.eevee.use_motion_blur = s["motionBlur"]
    if s.get("disableDenoising"):
        scene.cycles.use_denoising = False
    render.image_settings.file_format = s["format"]
    render.use_file_extension = True
    # A session re-renders frames after crashes and retries: never skip an existing file, never leave placeholders.
    render.use_overwrite = True
    render.use_placeholder = False


def render_frames(scene, frames, folder):
    original = (scene.frame_start, scene.frame_end, scene.frame_step, scene.render.filepath)
    try:
        scene.render.filepath = os.path.join(folder, "frame_####")
        for frame in frames:
            if frame < 0:  # scene.frame_start cannot go below 0 (Blender's MINFRAME); FrameSpec forbids them too
                send("error", frame=frame, message="negative frame numbers cannot be rendered")
                return
            send("frame_start", frame=frame)
            started = time.monotonic()
            # Order matters: Blender refuses frame_end < frame_start.
            if frame < scene.frame_start:
                scene.frame_start = frame
                scene.frame_end = frame
            else:
                scene.frame_end = frame
                scene.frame_start = frame
            scene.frame_step = 1
            bpy.ops.render.render(animation=True, scene=scene.name)
            path = scene.render.frame_path(frame=frame)
            if not os.path.isfile(path):
                send("error", frame=frame, message="Blender wrote no file for frame %d (expected %s)" % (frame, path))
                return
            send("frame_done", frame=frame, file=path, seconds=time.monotonic() - started)
    finally:
        start, end, step, filepath = original
        if end < scene.frame_start:
            scene.frame_start, scene.frame_end = start, end
        else:
            scene.frame_end, scene.frame_start = end, start
        scene.frame_step = step
        scene.render.filepath = filepath
    send("done")


def error_text(exc):
    # bpy.ops raise RuntimeError("Error: Cannot render, no camera\n"): keep Blender's words, one line.
    text = str(exc).strip()
    if text.startswith("Error: "):
        text = text[len("Error: "):]
    return " ".join(text.split()) or type(exc).__name__


def main():
    scene = None
    while True:
        line = sys.stdin.readline()
        if not line:
            break  # stdin closed: the JVM is gone or closed the session
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        kind = cmd.get("cmd")
        if kind == "quit":
            break
        try:
            if kind == "open":
                if "blend" in cmd:
                    open_blend(cmd["blend"], bool(cmd["allowPython"]))
                scene = select_scene(cmd.get("scene") or "")
                unresolved = sprocket_paths.apply_remaps(cmd.get("remaps") or {})
                apply_settings(scene, cmd["settings"])
                send("ready", version=bpy.app.version_string, scene=scene.name, engine=scene.render.engine,
                     unresolvedRemaps=unresolved)
            elif kind == "render":
                if scene is None:
                    raise RuntimeError("render before open")
                render_frames(scene, cmd["frames"], cmd["dir"])
            else:
                raise ValueError("unknown command %r" % kind)
        except Exception as exc:  # report, keep serving: one bad request must not kill the session
            traceback.print_exc()
            send("fatal" if kind == "open" else "error", message=error_text(exc))
            if kind == "open":
                break
    sys.stdout.flush()


main()
