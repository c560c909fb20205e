package dev.sprocket.core.port;

import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where a worker gets tasks and hands back results: the coordinator in-process, over HTTP, or a queue. */
public interface WorkSource {
    /** Introduces the worker before its first lease (a remote coordinator records it). */
    default void register(String worker) {}

    /** True once the coordinator asked this worker to finish up and exit. */
    default boolean drainRequested(String worker) { return false; }

    /** Waits up to {@code wait} for a task; returns as soon as one is runnable (long-poll, no sleeping loop). */
    Optional<Lease> lease(String worker, Duration wait) throws InterruptedException;

    /** Renews the lease; false means it is gone (expired, canceled, paused) and the worker must stop. */
    boolean heartbeat(Lease lease, Optional<String> progress);

    /** Blender has started on the task. False means the lease is gone. */
    boolean started(Lease lease);

    /** Delivers the outputs. False means the lease was stale and the result was discarded. */
    boolean complete(Lease lease, List<OutputFile> outputs, AttemptReport report);

    /** A render failure ({@link AttemptOutcome#FAILED} or {@link AttemptOutcome#CRASHED}); counts against retries. */
    void fail(Lease lease, AttemptOutcome outcome, AttemptReport report);

    /** Hands the task back without blame (worker shutting down, broken worker). */
    void release(Lease lease, AttemptReport report);

    /**
     * The worker takes no more tasks. A source that fetches the next task ahead (with a completion) hands back
     * whatever it fetched for this worker and did not give out yet.
     */
    default void signOff(String worker) {}
}
