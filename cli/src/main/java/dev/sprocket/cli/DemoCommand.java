package dev.sprocket.cli;

import dev.sprocket.blender.Blender;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
                "Makes a small animated scene (24 frames, Cycles) and renders it here, end to end:",
                "inspection, staging, local workers with persistent Blender sessions, progress, frames.",
                "The scene is saved to SPROCKET_HOME/demo/demo.blend; frames go to ./renders/demo."})
final class DemoCommand implements Callable<Integer> {
    private static final long MAKE_TIMEOUT_SECONDS = 120;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where frames go (default: ./renders/demo).")
    Path output;

    @Option(names = "--frames", paramLabel = "SPEC", description = "Frames to render (default: all 24).")
    String frames;

    @Option(names = "--workers", paramLabel = "N", description = "Local Blender sessions (default: one per two cores).")
    Integer workers;

    @Mixin CommonOptions common;

    @Override public Integer call() throws Exception {
        SprocketHome home = SprocketHome.fromEnvironment();
        Path blend = home.dir().resolve("demo").resolve("demo.blend");
        make(Farm.blender(), blend);
        RenderOptions r = new RenderOptions();
        r.frames = frames;
        return RenderCommand.execute(blend, r, output != null ? output : Path.of("renders", "demo"), workers, null,
                3, false, common.verbose, System.out, System.err);
    }

    static void make(Blender blender, Path blend) throws IOException, InterruptedException {
        Files.createDirectories(blend.getParent());
        Path script = Files.createTempFile("sprocket-demo", ".py");
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo_scene.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            System.err.println("Making the demo scene " + blend + " …");
            Process p = new ProcessBuilder(List.of(blender.executable().toString(), "-b", "--factory-startup",
                    "--python", script.toString(), "--", blend.toString())).redirectErrorStream(true).start();
            byte[] log = p.getInputStream().readAllBytes();
            if (!p.waitFor(MAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(blend)) {
                p.destroyForcibly();
                throw new UserError("could not make the demo scene with " + blender.executable() + ": "
                        + new String(log, StandardCharsets.UTF_8).lines().filter(l -> l.contains("Error")).findFirst().orElse("see --verbose"));
            }
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
