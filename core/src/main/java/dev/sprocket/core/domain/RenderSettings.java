package dev.sprocket.core.domain;

import java.util.Optional;

/**
 * What a job changes in the scene before rendering. Empty means "as saved in the file".
 *
 * @param outputFormat  the image format the frames are written in (resolved at submission; never empty)
 * @param allowPython   run the .blend's own Python (drivers, scripts); off by default for untrusted files
 */
public record RenderSettings(
        Optional<Integer> samples,
        Optional<Integer> resolutionPercent,
        Optional<String> engine,
        OutputFormat outputFormat,
        Optional<Boolean> motionBlur,
        boolean disableDenoising,
        boolean allowPython) {

    public RenderSettings {
        samples.ifPresent(s -> { if (s < 1 || s > 1 << 24) throw new IllegalArgumentException("samples must be 1-16777216, got " + s); });
        resolutionPercent.ifPresent(p -> { if (p < 1 || p > 32767) throw new IllegalArgumentException("resolution percent must be 1-32767, got " + p); });
    }

    public static RenderSettings defaults(OutputFormat format) {
        return new RenderSettings(Optional.empty(), Optional.empty(), Optional.empty(), format, Optional.empty(), false, false);
    }
}
