package dev.sprocket.coordinator.http;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.dispatch.CompletionResult;
import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.TaskId;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The worker side of a lease: heartbeat, start, complete, fail, release, each fenced by the lease token.
 * A refused call is 404 for an unknown task and 409 for a lease that is no longer the caller's.
 */
public final class TaskRoutes {
    private static final Logger log = LoggerFactory.getLogger(TaskRoutes.class);
    static final String TASK = ApiPaths.JOBS + "/{job}/tasks/{index}";

    private final Services s;

    public TaskRoutes(Services services) { this.s = services; }

    public void register(RoutesConfig routes) {
        routes.post(TASK + "/heartbeat", this::heartbeat);
        routes.post(TASK + "/start", this::start);
        routes.post(TASK + "/complete", this::complete);
        routes.post(TASK + "/fail", this::fail);
        routes.post(TASK + "/release", this::release);
    }

    private void heartbeat(Context ctx) {
        TaskId id = taskId(ctx);
        Dto.Heartbeat hb = Json.read(ctx, Dto.Heartbeat.class);
        if (!d().heartbeat(id, hb.token(), hb.progress())) throw Leases.refused(s.store(), id, hb.token());
        // The store sets the expiry from the same clock and TTL; computing it saves a read on this hot path.
        Json.ok(ctx, new Dto.HeartbeatResponse(s.clock().instant().plus(d().settings().leaseTtl()).truncatedTo(ChronoUnit.MILLIS)));
    }

    private void start(Context ctx) {
        TaskId id = taskId(ctx);
        Dto.Token t = Json.read(ctx, Dto.Token.class);
        if (!d().started(id, t.token())) throw Leases.refused(s.store(), id, t.token());
        Json.ok(ctx, Map.of());
    }

    private void complete(Context ctx) throws IOException {
        TaskId id = taskId(ctx);
        Dto.Complete c = Json.read(ctx, Dto.Complete.class);
        List<OutputFile> outputs = c.outputs() == null ? List.of() : c.outputs();
        AttemptReport report = c.report() == null ? AttemptReport.empty() : c.report();
        checkOwnFiles(id, c.token(), outputs, report);
        Optional<String> missing = missingOutput(outputs);
        if (missing.isPresent()) {
            // A stale attempt is told it is stale (and its files go), whatever it forgot to upload.
            try {
                Leases.requireCurrent(s.store(), id, c.token());
            } catch (RuntimeException refused) {
                discard(id, c.token(), outputs, report);
                throw refused;
            }
            throw new IllegalArgumentException(missing.get());
        }
        Optional<String> nextFor = c.leaseNextFor() == null ? Optional.empty() : c.leaseNextFor();
        if (nextFor.isPresent()) WorkerRoutes.checkName(nextFor.get());
        Dispatcher.Completion done = d().complete(id, c.token(), outputs, report, nextFor);
        if (done.result() == CompletionResult.ACCEPTED) {
            s.attemptFiles().forget(id, c.token());
            if (done.next().isPresent()) {
                LeaseDelivery.send(ctx, d(), done.next().get(), new Dto.Completed(done.next()));
            } else {
                Json.ok(ctx, new Dto.Completed(Optional.empty()));
            }
            return;
        }
        RuntimeException refused = Leases.refused(s.store(), id, c.token());
        discard(id, c.token(), outputs, report);
        throw refused;
    }

    private void fail(Context ctx) {
        TaskId id = taskId(ctx);
        Dto.Fail f = Json.read(ctx, Dto.Fail.class);
        if (f.outcome() == null) throw new IllegalArgumentException("field 'outcome' is required: FAILED or CRASHED");
        AttemptReport report = f.report() == null ? AttemptReport.empty() : f.report();
        checkOwnFiles(id, f.token(), List.of(), report);
        // The dispatcher ignores stale failures silently; the worker should hear that its lease was gone.
        Leases.requireCurrent(s.store(), id, f.token());
        d().fail(id, f.token(), f.outcome(), report);
        s.attemptFiles().forget(id, f.token()); // the log stays: the attempt record points at it
        Json.ok(ctx, Map.of());
    }

    private void release(Context ctx) {
        TaskId id = taskId(ctx);
        Dto.Release r = Json.read(ctx, Dto.Release.class);
        AttemptReport report = r.report() == null ? AttemptReport.empty() : r.report();
        checkOwnFiles(id, r.token(), List.of(), report);
        Leases.requireCurrent(s.store(), id, r.token());
        d().release(id, r.token(), report);
        s.attemptFiles().forget(id, r.token());
        Json.ok(ctx, Map.of());
    }

    /** An attempt may only report files under its own directory: it cannot claim another attempt's or an input. */
    private static void checkOwnFiles(TaskId id, long token, List<OutputFile> outputs, AttemptReport report) {
        String prefix = BlobKey.AttemptFile.prefix(id, token);
        for (OutputFile o : outputs) {
            if (o == null || o.key() == null) throw new IllegalArgumentException("an output has no key");
            BlobKey.parse(o.key());
            if (!o.key().startsWith(prefix)) throw new IllegalArgumentException("output " + o.key() + " is not under " + prefix);
        }
        report.logKey().ifPresent(k -> {
            BlobKey.parse(k);
            if (!k.startsWith(prefix)) throw new IllegalArgumentException("logKey " + k + " is not under " + prefix);
        });
    }

    /** An output the worker did not upload, or whose size differs from the upload, would be a hole in the result. */
    private Optional<String> missingOutput(List<OutputFile> outputs) throws IOException {
        for (OutputFile o : outputs) {
            Optional<Long> size = s.blobs().size(o.key());
            if (size.isEmpty()) return Optional.of("output " + o.key() + " (frame " + o.frame() + ") was not uploaded");
            if (size.get() != o.size()) {
                return Optional.of("output " + o.key() + " is " + size.get() + " bytes on the server, the completion says " + o.size());
            }
        }
        return Optional.empty();
    }

    /** Deletes what a stale attempt uploaded: it must never be mistaken for, or overwrite, an accepted result. */
    private void discard(TaskId id, long token, List<OutputFile> outputs, AttemptReport report) {
        Set<String> keys = new LinkedHashSet<>(s.attemptFiles().forget(id, token));
        outputs.forEach(o -> keys.add(o.key()));
        report.logKey().ifPresent(keys::add);
        for (String key : keys) {
            try {
                s.blobs().delete(key);
            } catch (IOException | RuntimeException e) {
                log.warn("Could not delete {} of stale attempt {} of {}: {}", key, token, id, e.toString());
            }
        }
    }

    private static TaskId taskId(Context ctx) {
        String index = ctx.pathParam("index");
        try {
            int i = Integer.parseInt(index);
            if (i < 0) throw new NumberFormatException();
            return new TaskId(ctx.pathParam("job"), i);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task index '" + index + "' is not a whole number >= 0");
        }
    }

    private Dispatcher d() { return s.dispatcher(); }
}
