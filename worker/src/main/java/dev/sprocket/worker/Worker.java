package dev.sprocket.worker;

import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.port.BlobStore;
import dev.sprocket.core.port.RenderException;
import dev.sprocket.core.port.RenderListener;
import dev.sprocket.core.port.RenderResult;
import dev.sprocket.core.port.RenderSession;
import dev.sprocket.core.port.Renderer;
import dev.sprocket.core.port.SessionSpec;
import dev.sprocket.core.port.WorkSource;
import dev.sprocket.core.port.WorkerStatus;
import dev.sprocket.core.stage.Hashing;
import dev.sprocket.core.stage.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * One worker: leases a task, materialises the job's inputs in its own directory, renders with a Blender session
 * kept open across the tasks of one job, uploads the frames, and completes with its fencing token.
 * Heartbeats keep the lease alive; if the lease is lost, Blender is stopped and the result is never delivered.
 */
public final class Worker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final String name;
    private final WorkSource source;
    private final BlobStore blobs;
    private final Renderer renderer;
    private final Path workDir;
    private final WorkerSettings settings;
    private final InputCache cache;
    private final ScheduledExecutorService heartbeats;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private volatile String doing;
    private volatile RenderSession session;
    private String sessionJob;
    private JobWorkspace workspace;

    public Worker(String name, WorkSource source, BlobStore blobs, Renderer renderer, Path workDir, WorkerSettings settings) {
        this.name = name;
        this.source = source;
        this.blobs = blobs;
        this.renderer = renderer;
        this.workDir = workDir.toAbsolutePath();
        this.settings = settings;
        this.cache = new InputCache(blobs, this.workDir.resolve("cache"));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    public String name() { return name; }

    public WorkerStatus status() { return new WorkerStatus(name, Optional.ofNullable(doing)); }

    /** Asks the worker to stop: the running render is aborted and its task handed back. */
    public void stop() {
        stopping.set(true);
        RenderSession s = session;
        if (s != null) s.abort();
    }

    /** True while the worker is between tasks or rendering, false once it has stopped. */
    public boolean stopping() { return stopping.get(); }

    @Override public void run() {
        try {
            source.register(name);
            while (!stopping.get() && !source.drainRequested(name)) {
                Optional<Lease> lease = source.lease(name, settings.pollWait());
                if (lease.isPresent()) work(lease.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            source.signOff(name);
            closeSession();
            heartbeats.shutdownNow();
        }
    }

    private void work(Lease lease) {
        String task = "task " + lease.taskId() + " " + lease.task().frames();
        doing = "preparing " + task;
        AtomicBoolean lost = new AtomicBoolean();
        Progress progress = new Progress(lease);
        long third = Duration.between(java.time.Instant.now(), lease.expiresAt()).toMillis() / 3;
        long period = Math.max(100, Math.min(settings.heartbeatEvery().toMillis(), third));
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                if (!source.heartbeat(lease, Optional.ofNullable(progress.text))) {
                    lost.set(true);
                    RenderSession s = session;
                    if (s != null) s.abort();
                }
            } catch (RuntimeException e) {
                // A throwing task would cancel every later heartbeat; keep beating and let the lease decide.
                log.warn("{}: heartbeat failed: {}", name, e.toString());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        Path out = workDir.resolve("out").resolve(lease.taskId().jobId() + "-" + lease.taskId().index() + "-" + lease.token());
        try {
            if (Diagnostic.is(lease.job())) {
                // Farm plumbing check: the whole protocol, no Blender, no files. Nothing starts, so no start notice:
                // the task goes from leased to done.
                source.complete(lease, List.of(), AttemptReport.message("diagnostic task"));
                return;
            }
            RenderSession s = sessionFor(lease.job());
            if (!source.started(lease)) return;
            Files.createDirectories(out);
            RenderResult result = s.render(lease.task().frames(), out, progress);
            doing = "uploading " + task;
            String logKey = BlobKeys.log(lease.taskId(), lease.token());
            blobs.putBytes(logKey, result.log().getBytes(StandardCharsets.UTF_8));
            List<OutputFile> outputs = upload(lease, result.files());
            AttemptReport report = new AttemptReport(Optional.empty(), Optional.of(logKey), Optional.of(s.blenderVersion()),
                    result.peakMemoryBytes(), Optional.of(result.renderSeconds()));
            if (lost.get() || !source.complete(lease, outputs, report)) {
                log.info("{}: result of {} was not accepted (lease lost); discarding it", name, task);
                for (OutputFile o : outputs) blobs.delete(o.key());
            }
        } catch (RenderException e) {
            onRenderFailure(lease, e, lost.get(), task);
        } catch (IOException | RuntimeException e) {
            // Inputs unreadable or uploads failing: this worker's problem as much as the task's; hand it back.
            log.warn("{}: {} could not run: {}", name, task, e.toString());
            source.release(lease, AttemptReport.message(name + ": " + e.getMessage()));
            closeSession();
        } finally {
            beat.cancel(false);
            doing = null;
            if (!settings.keepOutputs()) deleteTree(out);
        }
    }

    private void onRenderFailure(Lease lease, RenderException e, boolean lost, String task) {
        String logKey = BlobKeys.log(lease.taskId(), lease.token());
        try {
            blobs.putBytes(logKey, e.log().getBytes(StandardCharsets.UTF_8));
        } catch (IOException io) {
            log.warn("{}: could not store the log of {}: {}", name, task, io.toString());
        }
        AttemptReport report = new AttemptReport(Optional.of(e.getMessage()), Optional.of(logKey), Optional.empty(),
                Optional.empty(), Optional.empty());
        switch (e.kind()) {
            case ERROR -> source.fail(lease, AttemptOutcome.FAILED, report);
            case CRASH -> {
                log.warn("{}: Blender died on {}: {}", name, task, e.getMessage());
                source.fail(lease, AttemptOutcome.CRASHED, report);
            }
            case ABORTED -> {
                if (!lost) source.release(lease, report); // stopping; a lost lease is already someone else's
            }
            case UNAVAILABLE -> {
                source.release(lease, report);
                closeSession();
                stop(); // Blender cannot start here: take no more work
                log.error("{}: {}", name, e.getMessage());
            }
        }
    }

    private RenderSession sessionFor(Job job) throws IOException, RenderException {
        if (session != null && job.id().equals(sessionJob)) return session;
        closeSession();
        doing = "fetching inputs of job " + job.id();
        Manifest manifest = Manifest.decode(new String(blobs.readBytes(job.manifestKey()).orElseThrow(() ->
                new IOException("manifest of job " + job.id() + " is missing from " + blobs.describe(job.manifestKey()))),
                StandardCharsets.UTF_8));
        Path jobDir = workDir.resolve("jobs").resolve(job.id());
        workspace = JobWorkspace.materialise(manifest, jobDir, cache);
        doing = "loading " + manifest.mainBlend();
        session = renderer.open(new SessionSpec(workspace.blend(), job.scene(), job.settings(), workspace.remaps(), settings.threads()));
        sessionJob = job.id();
        return session;
    }

    private List<OutputFile> upload(Lease lease, Map<Integer, Path> files) throws IOException {
        List<OutputFile> out = new ArrayList<>();
        for (Map.Entry<Integer, Path> f : files.entrySet()) {
            Path file = f.getValue();
            String fileName = file.getFileName().toString();
            String key = BlobKeys.output(lease.taskId(), lease.token(), fileName);
            blobs.put(key, file);
            out.add(new OutputFile(f.getKey(), fileName, key, Hashing.sha256(file), Files.size(file)));
        }
        return out;
    }

    private void closeSession() {
        RenderSession s = session;
        session = null;
        sessionJob = null;
        if (s != null) s.close();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // leftovers in our own work dir are harmless
        }
    }

    /** Keeps the latest progress text for heartbeats and status displays. */
    private final class Progress implements RenderListener {
        private final Lease lease;
        volatile String text;

        Progress(Lease lease) { this.lease = lease; }

        @Override public void progress(int frame, String t) {
            text = t;
            doing = t;
        }
    }
}
