package dev.sprocket.blender;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the Blender adapter.
 *
 * @param inspectTimeout      how long one inspection may take before Blender is killed (loading huge files is slow)
 * @param sessionStartTimeout how long a session's Blender may take to load the .blend and apply remaps/overrides
 * @param frameTimeout        how long one frame may render before Blender is killed; {@link Duration#ZERO} = no limit
 *                            (frames legitimately take hours; a worker's lease is the usual guard)
 * @param closeGrace          how long {@code close()} waits for Blender to quit politely before killing it
 * @param maxLogChars         the log kept per render call; older output is dropped first (Cycles prints a line per
 *                            sample update, so long renders produce megabytes)
 */
public record BlenderSettings(Duration inspectTimeout, Duration sessionStartTimeout, Duration frameTimeout,
                              Duration closeGrace, int maxLogChars) {

    public BlenderSettings {
        Objects.requireNonNull(inspectTimeout);
        Objects.requireNonNull(sessionStartTimeout);
        Objects.requireNonNull(frameTimeout);
        Objects.requireNonNull(closeGrace);
        if (inspectTimeout.isNegative() || inspectTimeout.isZero()) throw new IllegalArgumentException("inspectTimeout must be > 0");
        if (sessionStartTimeout.isNegative() || sessionStartTimeout.isZero()) throw new IllegalArgumentException("sessionStartTimeout must be > 0");
        if (frameTimeout.isNegative()) throw new IllegalArgumentException("frameTimeout must be >= 0");
        if (closeGrace.isNegative()) throw new IllegalArgumentException("closeGrace must be >= 0");
        if (maxLogChars < 1000) throw new IllegalArgumentException("maxLogChars must be >= 1000");
    }

    public static BlenderSettings defaults() {
        return new BlenderSettings(Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ZERO, Duration.ofSeconds(5), 1_000_000);
    }

    public BlenderSettings withInspectTimeout(Duration d) { return new BlenderSettings(d, sessionStartTimeout, frameTimeout, closeGrace, maxLogChars); }
    public BlenderSettings withSessionStartTimeout(Duration d) { return new BlenderSettings(inspectTimeout, d, frameTimeout, closeGrace, maxLogChars); }
    public BlenderSettings withFrameTimeout(Duration d) { return new BlenderSettings(inspectTimeout, sessionStartTimeout, d, closeGrace, maxLogChars); }
}
