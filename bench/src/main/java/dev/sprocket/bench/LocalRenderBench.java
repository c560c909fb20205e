package dev.sprocket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Wall time of `./sprocket render` against plain Blender on the same frames, measured in one run, rounds
 * interleaved so that machine noise hits every contender alike. Writes its section of docs/benchmarks.md.
 *
 * Usage: LocalRenderBench ROOT [--frames N] [--samples N] [--rounds N]
 */
public final class LocalRenderBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        int frames = intArg(args, "--frames", 24);
        int samples = intArg(args, "--samples", 32);
        int rounds = intArg(args, "--rounds", 3);
        String blender = System.getenv().getOrDefault("SPROCKET_BLENDER", "blender");
        Path work = Files.createTempDirectory("sprocket-bench");
        Path blend = work.resolve("bench.blend");
        makeScene(blender, blend, frames, samples);

        Map<String, List<Double>> times = new LinkedHashMap<>();
        List<JsonNode> sprocketRuns = new ArrayList<>();
        List<Double> sprocketProcess = new ArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        String frameSpec = "1-" + frames;
        Map<String, String> noEnv = Map.of();
        for (int r = 1; r <= rounds; r++) {
            System.err.printf("round %d/%d%n", r, rounds);
            Path a = fresh(work, "blender-a");
            times.computeIfAbsent("blender -a (one process, all frames)", k -> new ArrayList<>()).add(Timed.run(List.of(blender, "-b", "-Y",
                    blend.toString(), "-o", a.resolve("frame_####").toString(), "-s", "1", "-e", String.valueOf(frames), "-a"), work, noEnv).seconds());

            Path f = fresh(work, "blender-f");
            long t0 = System.nanoTime();
            for (int i = 1; i <= frames; i++) {
                Timed.run(List.of(blender, "-b", "-Y", blend.toString(), "-o", f.resolve("frame_####").toString(), "-f", String.valueOf(i)), work, noEnv);
            }
            times.computeIfAbsent("blender -f N (one launch per frame)", k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e9);

            for (String[] variant : new String[][]{{"default", null, null}, {cores + " workers x 1 thread", String.valueOf(cores), "1"}}) {
                Path out = fresh(work, "sprocket-" + variant[0].replace(' ', '_'));
                Path home = fresh(work, "home-" + r + "-" + variant[0].replace(' ', '_'));
                List<String> cmd = new ArrayList<>(List.of(root.resolve("sprocket").toString(), "render", blend.toString(),
                        "--frames", frameSpec, "--motion-blur", "off", "--output", out.toString(), "--json"));
                if (variant[1] != null) cmd.addAll(List.of("--workers", variant[1], "--threads", variant[2]));
                Timed t = Timed.run(cmd, work, Map.of("SPROCKET_HOME", home.toString()));
                JsonNode summary = JSON.readTree(t.output());
                String label = "sprocket render (" + (variant[1] == null
                        ? "default: " + summary.get("workers").asInt() + " worker(s) x " + summary.get("threadsPerWorker").asInt() + " threads"
                        : variant[0]) + ")";
                times.computeIfAbsent(label, k -> new ArrayList<>()).add(t.seconds());
                if (variant[1] == null) {
                    sprocketRuns.add(summary);
                    sprocketProcess.add(t.seconds());
                    verifyIdentical(a, out, frames);
                }
            }
        }
        String section = report(times, sprocketRuns, sprocketProcess, frames, samples, rounds, blender, root);
        System.out.println(section);
        BenchmarksDoc.replaceSection(root.resolve("docs/benchmarks.md"), "local-render", section);
        deleteTree(work);
    }

    private static String report(Map<String, List<Double>> times, List<JsonNode> runs, List<Double> process, int frames,
                                 int samples, int rounds, String blender, Path root) throws Exception {
        double base = median(times.values().iterator().next());
        StringBuilder sb = new StringBuilder();
        sb.append("## Local render: `sprocket render` vs plain Blender\n\n");
        sb.append("Measured ").append(LocalDate.now()).append(" on ").append(Machine.describe()).append(", ")
                .append(Timed.run(List.of(blender, "--version"), root, Map.of()).output().lines().findFirst().orElse("Blender ?"))
                .append(".\n\n");
        sb.append(String.format(Locale.ROOT, "Scene: %d frames, Cycles %d samples, 320×240, no denoising (made by `bench_scene.py`). "
                + "Median of %d interleaved rounds; every frame of each sprocket run checked pixel-identical to `blender -a`'s.%n%n", frames, samples, rounds));
        sb.append("| contender | median wall (s) | min (s) | ratio to `blender -a` |\n|---|---:|---:|---:|\n");
        for (Map.Entry<String, List<Double>> e : times.entrySet()) {
            double m = median(e.getValue());
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f× |%n", e.getKey(), m,
                    e.getValue().stream().min(Comparator.naturalOrder()).orElseThrow(), m / base));
        }
        double inspect = median(runs.stream().map(j -> j.at("/timings/inspect").asDouble()).toList());
        double stage = median(runs.stream().map(j -> j.at("/timings/stage").asDouble()).toList());
        double render = median(runs.stream().map(j -> j.at("/timings/render").asDouble()).toList());
        double collect = median(runs.stream().map(j -> j.at("/timings/collect").asDouble()).toList());
        double inner = median(runs.stream().map(j -> j.get("wallSeconds").asDouble()).toList());
        double outer = median(process);
        double blenderSum = median(runs.stream().map(j -> j.get("renderSeconds").asDouble()).toList());
        sb.append("\nWhere `sprocket render`'s time goes (default settings, medians):\n\n");
        sb.append("| phase | seconds |\n|---|---:|\n");
        sb.append(String.format(Locale.ROOT, "| JVM start, launcher, CLI parsing | %.2f |%n", Math.max(0, outer - inner)));
        sb.append(String.format(Locale.ROOT, "| inspect (one Blender launch reading the file) | %.2f |%n", inspect));
        sb.append(String.format(Locale.ROOT, "| stage (hash + copy into the blob store, queue the job) | %.2f |%n", stage));
        sb.append(String.format(Locale.ROOT, "| render (workers start Blender sessions, render, upload; until the last frame is accepted) | %.2f |%n", render));
        sb.append(String.format(Locale.ROOT, "| final collect | %.2f |%n", collect));
        sb.append(String.format(Locale.ROOT, "| (summed Blender render time inside the sessions) | %.2f |%n", blenderSum));
        sb.append("\nReproduce: `bench/run local` (options: `--frames N --samples N --rounds N`).\n");
        return sb.toString();
    }

    private static void verifyIdentical(Path expectedDir, Path actualDir, int frames) throws IOException {
        for (int i = 1; i <= frames; i++) {
            String name = String.format("frame_%04d.png", i);
            BufferedImage a = ImageIO.read(expectedDir.resolve(name).toFile());
            BufferedImage b = ImageIO.read(actualDir.resolve(name).toFile());
            if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) throw new IllegalStateException(name + ": sizes differ");
            for (int y = 0; y < a.getHeight(); y++) {
                for (int x = 0; x < a.getWidth(); x++) {
                    if (a.getRGB(x, y) != b.getRGB(x, y)) {
                        throw new IllegalStateException(name + " differs from blender -a at pixel " + x + "," + y);
                    }
                }
            }
        }
    }

    private static void makeScene(String blender, Path blend, int frames, int samples) throws Exception {
        Path script = blend.resolveSibling("bench_scene.py");
        try (InputStream in = LocalRenderBench.class.getResourceAsStream("bench_scene.py")) {
            Files.write(script, in.readAllBytes());
        }
        Timed.run(List.of(blender, "-b", "--factory-startup", "--python", script.toString(), "--", blend.toString(),
                String.valueOf(frames), String.valueOf(samples), "320", "240"), blend.getParent(), Map.of());
    }

    static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static Path fresh(Path work, String name) throws IOException {
        Path p = work.resolve(name);
        deleteTree(p);
        return Files.createDirectories(p);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }

    private static int intArg(String[] args, String name, int def) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        return def;
    }
}
