package dev.sprocket.cli;

import dev.sprocket.blender.Blender;
import dev.sprocket.blender.BlenderInspector;
import dev.sprocket.blender.BlenderRenderer;
import dev.sprocket.core.port.Renderer;
import dev.sprocket.blender.BlenderSettings;
import dev.sprocket.core.dispatch.DispatchSettings;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.stage.Stager;
import dev.sprocket.core.submit.JobPlan;
import dev.sprocket.core.submit.JobRequest;
import dev.sprocket.core.submit.SubmissionCheck;
import dev.sprocket.worker.LocalFleet;
import dev.sprocket.worker.WorkerSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * `sprocket render`, as a reusable unit: inspect, refuse bad input before anything is queued, stage into the
 * blob store, queue the job, run local workers through the real dispatcher, collect frames, summarise.
 */
final class RenderRun {
    /**
     * @param workers          local workers (Blender sessions)
     * @param threadsPerWorker render threads per session (0 = Blender decides)
     */
    record Options(Path file, JobRequest request, Path outputDir, int workers, int threadsPerWorker, int maxAttempts, String name,
                   boolean interactive, boolean verbose) {}

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final long POLL_MILLIS = 100;

    private final SprocketHome home;
    private final PrintStream err;

    RenderRun(SprocketHome home, PrintStream err) {
        this.home = home;
        this.err = err;
    }

    RenderSummary run(Options o) throws Exception {
        long t0 = System.nanoTime();
        Path file = o.file().toAbsolutePath().normalize();
        Blender blender = Farm.blender();
        // Start the workers' Blender processes and open the job database while Blender inspects the file:
        // their start-up then costs no wall time. If the job is refused, they are stopped having rendered nothing.
        int expectedWorkers = o.workers() > 0 ? o.workers()
                : LocalDefaults.workers(o.request().frames().map(f -> f.size()).orElse(LocalDefaults.cores()));
        int expectedThreads = o.threadsPerWorker() > 0 ? o.threadsPerWorker() : LocalDefaults.threadsPerWorker(expectedWorkers);
        Renderer renderer = new BlenderRenderer(blender, BlenderSettings.defaults());
        // Inspection keeps one core busy; pre-warming more sessions than the other cores only slows it down.
        renderer.prewarm(Math.min(expectedWorkers, LocalDefaults.cores() - 1), expectedThreads, o.request().allowPython());
        DispatchSettings dispatch = DispatchSettings.defaults().withMaxAttempts(o.maxAttempts());
        CompletableFuture<LocalFarm> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return new LocalFarm(home, renderer, dispatch);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        BlendInfo info;
        JobPlan plan;
        try {
            err.println("Inspecting " + file.getFileName() + " …");
            info = new BlenderInspector(blender, BlenderSettings.defaults()).inspect(file);
            plan = SubmissionCheck.check(file, o.request(), info);
        } catch (Exception | Error e) {
            renderer.close();
            opening.handle((farm, x) -> { if (farm != null) farm.close(); return null; });
            throw e;
        }
        plan.notes().forEach(n -> err.println("note: " + n));
        long t1 = System.nanoTime();

        int workers = o.workers() > 0 ? o.workers() : LocalDefaults.workers(plan.frames().size());
        int threads = o.threadsPerWorker() > 0 ? o.threadsPerWorker() : LocalDefaults.threadsPerWorker(workers);
        String jobId = newJobId();
        try (LocalFarm farm = join(opening)) {
            Stager.Result staged = new Stager(farm.blobs).stage(jobId, file, info, (p, b, copied) -> {
                if (o.verbose()) err.println((copied ? "  staged   " : "  unchanged ") + p + " (" + b + " bytes)");
            });
            err.printf("Staged %d file(s), %s new; job %s: %d frame(s) in %d task(s), %d worker(s) × %d thread(s)%n",
                    staged.manifest().entries().size(), bytes(staged.bytesCopied()), jobId, plan.frames().size(),
                    plan.frames().chunks(plan.chunk()).size(), workers, threads);
            long t2 = System.nanoTime();

            Job job = new Job(jobId, o.name(), staged.manifestKey(), plan.scene().name(), plan.frames(), plan.chunk(),
                    plan.settings(), 0, JobState.ACTIVE, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            farm.dispatcher.submit(job);
            Thread hook = new Thread(() -> {
                farm.store.setJobState(jobId, JobState.CANCELED);
                farm.close();
            }, "sprocket-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);

            OutputCollector collector = new OutputCollector(farm.store, farm.blobs, jobId, o.outputDir());
            LocalFleet fleet = farm.startWorkers(jobId, workers,
                    WorkerSettings.defaults().withThreads(threads));
            JobState state;
            try (ProgressDisplay progress = new ProgressDisplay("Rendering", plan.frames().size(), err, o.interactive())) {
                while (true) {
                    state = farm.store.job(jobId).orElseThrow().state();
                    progress.update(collector.collect(), fleet.status());
                    if (state.terminal()) break;
                    if (!fleet.anyAlive()) {
                        throw new UserError("every worker stopped before the job finished: " + lastMessage(farm, jobId));
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            } finally {
                fleet.close();
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            long t3 = System.nanoTime();
            int collected = collector.collect();
            long t4 = System.nanoTime();
            return summary(farm, jobId, state, o, workers, threads, collected, plan.frames().size(),
                    new RenderSummary.Timings(sec(t1 - t0), sec(t2 - t1), sec(t3 - t2), sec(t4 - t3)), sec(t4 - t0));
        }
    }

    private RenderSummary summary(LocalFarm farm, String jobId, JobState state, Options o, int workers, int threads,
                                  int collected, int total,
                                  RenderSummary.Timings timings, double wall) {
        double renderSeconds = 0;
        int retries = 0;
        List<RenderSummary.Failure> failures = new ArrayList<>();
        for (Task t : farm.store.tasks(jobId)) {
            List<Attempt> attempts = farm.store.attempts(t.id());
            for (Attempt a : attempts) {
                if (a.outcome() == AttemptOutcome.SUCCEEDED) renderSeconds += a.renderSeconds().orElse(0.0);
                else if (a.outcome() != AttemptOutcome.RUNNING) retries++;
            }
            if (t.state() == TaskState.FAILED) {
                retries--; // the last failed attempt was not retried
                Attempt last = attempts.getLast();
                failures.add(new RenderSummary.Failure(t.id().toString(), t.frames(), last.message().orElse("failed"),
                        last.logKey().map(farm.blobs::describe).orElse("")));
            }
        }
        return new RenderSummary(jobId, state.name(), o.outputDir().toAbsolutePath().toString(), total, collected, wall,
                renderSeconds, Math.max(0, retries), failures, timings, workers, threads);
    }

    private static String lastMessage(LocalFarm farm, String jobId) {
        for (Task t : farm.store.tasks(jobId)) {
            for (Attempt a : farm.store.attempts(t.id()).reversed()) {
                if (a.message().isPresent()) return a.message().get();
            }
        }
        return "no worker reported why";
    }

    static String newJobId() {
        SecureRandom r = new SecureRandom();
        return ID_TIME.format(Instant.now()) + "-" + Integer.toString(0x10000 + r.nextInt(0xeffff), 36);
    }

    private static double sec(long nanos) { return nanos / 1e9; }

    private static LocalFarm join(CompletableFuture<LocalFarm> f) throws IOException {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1 << 20) return String.format("%.1f KiB", b / 1024.0);
        if (b < 1 << 30) return String.format("%.1f MiB", b / 1048576.0);
        return String.format("%.2f GiB", b / 1073741824.0);
    }

    static Optional<String> nonBlank(String s) { return s == null || s.isBlank() ? Optional.empty() : Optional.of(s); }
}
