package dev.sprocket.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Renders a .blend's frames on this machine, with every core busy.",
                "",
                "Checks the file first and refuses, before anything renders, when it is unreadable, has no",
                "camera, misses textures/libraries/caches, or asks for something this Blender cannot do.",
                "The project is staged (hashed and copied once) and each local worker renders from its own",
                "copy with a Blender session kept open across frames. A crashed Blender is restarted and",
                "its frames retried. Frames land atomically as OUTPUT/frame_0001.png ...",
                "Exit code 0 only when every frame rendered."},
        footer = {"", "Examples:",
                "  sprocket render shot.blend",
                "  sprocket render shot.blend --frames 1-240x2 --samples 64 --output /tmp/preview",
                "  sprocket render shot.blend --frames 12 --resolution-percent 50 --format JPEG"})
final class RenderCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The .blend file to render.")
    Path file;

    @Mixin RenderOptions render;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where frames go (default: ./renders/<file name>).")
    Path output;

    @Option(names = "--workers", paramLabel = "N", description = "Local Blender sessions (default: one per two cores).")
    Integer workers;

    @Option(names = "--threads", paramLabel = "N", description = "Render threads per session (default: cores / workers).")
    Integer threads;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3", description = {
            "Render failures (Blender errors or crashes) a task may have before it is failed (default ${DEFAULT-VALUE}).",
            "A worker that disappears does not count against it."})
    int maxAttempts;

    @Option(names = "--json", description = "Print the final summary as JSON on stdout.")
    boolean json;

    @Mixin CommonOptions common;

    @Override public Integer call() throws Exception {
        return execute(file, render, output, workers, threads, maxAttempts, json, common.verbose, System.out, System.err);
    }

    static int execute(Path file, RenderOptions render, Path output, Integer workers, Integer threads, int maxAttempts,
                       boolean json, boolean verbose, PrintStream out, PrintStream err) throws Exception {
        var request = render.toRequest();
        if (workers != null && (workers < 1 || workers > 256)) throw new UserError("--workers must be 1-256, got " + workers);
        if (threads != null && (threads < 1 || threads > 1024)) throw new UserError("--threads must be 1-1024, got " + threads);
        if (maxAttempts < 1 || maxAttempts > 100) throw new UserError("--max-attempts must be 1-100, got " + maxAttempts);
        String stem = file.getFileName().toString().replaceFirst("\\.blend\\d*$", "");
        Path dir = output != null ? output : Path.of("renders", stem);
        // 0 = decide once the frame count is known
        int w = workers != null ? workers : 0;
        int t = threads != null ? threads : 0;
        RenderRun.Options o = new RenderRun.Options(file, request, dir, w, t, maxAttempts, stem, System.console() != null, verbose);
        RenderSummary s = new RenderRun(SprocketHome.fromEnvironment(), err).run(o);
        if (json) out.println(Json.write(s));
        else print(s, out);
        return s.ok() ? 0 : 1;
    }

    static void print(RenderSummary s, PrintStream out) {
        out.printf("%s %d/%d frames in %.1fs (Blender render time %.1fs, %d worker(s); %d retr%s) -> %s%n",
                s.ok() ? "Rendered" : "INCOMPLETE:", s.framesDone(), s.framesTotal(), s.wallSeconds(), s.renderSeconds(),
                s.workers(), s.retries(), s.retries() == 1 ? "y" : "ies", s.outputDir());
        for (RenderSummary.Failure f : s.failures()) {
            out.printf("  failed task %s frames %s: %s%n    log: %s%n", f.task(), f.frames(), f.message(), f.log());
        }
        if (!s.ok() && s.failures().isEmpty()) out.println("  job ended " + s.state());
    }
}
