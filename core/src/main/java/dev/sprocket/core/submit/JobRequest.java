package dev.sprocket.core.submit;

import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.OutputFormat;

import java.util.Optional;

/** What the user asked for, before it is checked against the file. Empty = take it from the .blend. */
public record JobRequest(
        Optional<String> scene,
        Optional<FrameSpec> frames,
        int chunk,
        Optional<Integer> samples,
        Optional<Integer> resolutionPercent,
        Optional<String> engine,
        Optional<OutputFormat> format,
        Optional<Boolean> motionBlur,
        boolean allowMissing,
        boolean noDenoise,
        boolean allowPython) {

    public static final int MAX_CHUNK = 10_000;

    public static JobRequest defaults() {
        return new JobRequest(Optional.empty(), Optional.empty(), 1, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false, false, false);
    }
}
