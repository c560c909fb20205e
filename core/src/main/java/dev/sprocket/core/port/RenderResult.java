package dev.sprocket.core.port;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * @param files         frame → the written file
 * @param log           Blender's output for this call
 * @param renderSeconds wall time Blender spent rendering these frames
 */
public record RenderResult(Map<Integer, Path> files, String log, double renderSeconds, Optional<Long> peakMemoryBytes) {
}
