package dev.sprocket.blender.testing;

import dev.sprocket.blender.Blender;
import dev.sprocket.blender.BlenderUnavailableException;

/**
 * The Blender that tests run. Tests that need Blender FAIL (never skip) when it is missing, with a message that
 * says what to install: a green build must mean the renders were really checked.
 */
public final class TestBlender {
    public static final String MISSING = "These tests render with real Blender, which was not found. "
            + "Install it (Debian/Ubuntu: apt-get install -y blender) or set SPROCKET_BLENDER=/path/to/blender.";

    private static volatile Blender blender;

    private TestBlender() {}

    /** Blender from {@code SPROCKET_BLENDER} or the PATH, version-checked once; throws AssertionError if missing. */
    public static Blender get() {
        Blender b = blender;
        if (b == null) {
            try {
                b = Blender.locate();
                b.version();
            } catch (BlenderUnavailableException e) {
                throw new AssertionError(MISSING + " (" + e.getMessage() + ")", e);
            }
            blender = b;
        }
        return b;
    }
}
