package dev.sprocket.core.port;

import dev.sprocket.core.domain.RenderSettings;

import java.nio.file.Path;
import java.util.Map;

/**
 * How to open a render session on a materialised job.
 *
 * @param blend    the staged .blend inside the worker's job directory
 * @param scene    scene to render; empty for the file's active scene
 * @param remaps   paths as written in the .blend → absolute paths in the job directory
 * @param threads  render threads for this session (0 = all cores)
 */
public record SessionSpec(Path blend, String scene, RenderSettings settings, Map<String, String> remaps, int threads) {
}
