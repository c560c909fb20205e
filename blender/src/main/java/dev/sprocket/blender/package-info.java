/**
 * Blender adapter: {@link dev.sprocket.blender.BlenderInspector} (the {@code Inspector} port) and
 * {@link dev.sprocket.blender.BlenderRenderer} (the {@code Renderer} port, persistent sessions).
 *
 * <p>Blender is found by {@link dev.sprocket.blender.Blender#locate()} ({@code SPROCKET_BLENDER}, else {@code blender}
 * on the PATH) and always started as {@code blender -b -Y} ({@code -y} when a job allows the file's Python).
 * The Python that runs inside Blender lives next to these classes as resources: {@code inspect_blend.py},
 * {@code session.py} and {@code sprocket_paths.py} (the one place that knows where Blender reads external files,
 * and which of them are really needed to render).
 */
package dev.sprocket.blender;
