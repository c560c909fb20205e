package dev.sprocket.blender.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real-world .blend files in {@code ../shared/blendfiles} (relative to the project root, which surefire passes as
 * the system property {@code sprocket.root}). Read them in place; never copy them into the repository.
 */
public final class BlendFiles {
    private BlendFiles() {}

    /** The folder holding the shared files. */
    public static Path dir() {
        String root = System.getProperty("sprocket.root");
        Path base = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        Path dir = base.resolve("../shared/blendfiles").normalize();
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("shared test .blend files not found at " + dir + " (system property sprocket.root="
                    + root + "; run the tests through Maven from the project, which sets it)");
        }
        return dir;
    }

    /** One file, e.g. {@code get("udim/v01_UDIM_BAT_debugging.blend")}. */
    public static Path get(String relative) {
        Path p = dir().resolve(relative);
        if (!Files.exists(p)) throw new AssertionError("shared test file missing: " + p);
        return p;
    }
}
