package dev.sprocket.blender;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The Python scripts Blender runs, copied out of the jar once per JVM (Blender's --python needs real files). */
final class BlenderScripts {
    private static final List<String> FILES = List.of("sprocket_paths.py", "inspect_blend.py", "session.py");

    private BlenderScripts() {}

    private static final class Holder {
        static final Path DIR = extract();
    }

    static Path inspect() { return Holder.DIR.resolve("inspect_blend.py"); }

    static Path session() { return Holder.DIR.resolve("session.py"); }

    private static Path extract() {
        try {
            Path dir = Files.createTempDirectory("sprocket-blender-scripts-");
            dir.toFile().deleteOnExit();
            for (String name : FILES) {
                try (InputStream in = BlenderScripts.class.getResourceAsStream(name)) {
                    if (in == null) throw new IllegalStateException("resource " + name + " missing from the sprocket-blender jar");
                    Path target = dir.resolve(name);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().deleteOnExit();
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Sprocket's Blender scripts to the temp directory", e);
        }
    }
}
