package dev.sprocket.blender;

import dev.sprocket.blender.testing.TestBlender;
import dev.sprocket.blender.testing.TestScenes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/** Test files built from generated scenes by small Blender scripts: linked libraries, several scenes, drivers. */
final class LinkedScenes {
    private LinkedScenes() {}

    /** A Cycles scene file with a second, inactive scene "Second" (other resolution, samples and monkey height). */
    static Path twoScenes(Path dir) {
        Path blend = TestScenes.cycles().create(dir.resolve("two/scene.blend"));
        runScript(dir, blend, "add_scene.py");
        return blend;
    }

    /** Writes {@code dir/lib/scene.blend} (+ textures/) and {@code dir/main/scene.blend} linking its Ground. */
    static Path mainLinkingTexturedGround(Path dir) {
        Path lib = TestScenes.cycles().texture(true).create(dir.resolve("lib/scene.blend"));
        Path main = TestScenes.cycles().create(dir.resolve("main/scene.blend"));
        runScript(dir, main, "link_ground.py", lib.toString());
        return main;
    }

    /** A Cycles scene whose Monkey is scaled by a Python driver (runs with -y, skipped with -Y). */
    static Path pythonDriver(Path dir) {
        Path blend = TestScenes.cycles().create(dir.resolve("driver/scene.blend"));
        runScript(dir, blend, "python_driver.py");
        return blend;
    }

    private static void runScript(Path dir, Path blend, String name, String... args) {
        try (InputStream in = LinkedScenes.class.getResourceAsStream(name)) {
            Path script = dir.resolve(name);
            Path out = dir.resolve(name + ".log");
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(TestBlender.get().executable().toString(),
                    "-b", "--factory-startup", "-Y", blend.toString(), "--python", script.toString(), "--"));
            cmd.addAll(java.util.List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(name + " failed: " + Files.readString(out));
            }
            Files.delete(script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
