package dev.sprocket.core.dispatch;

import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.port.WorkSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Workers in the same process as the dispatcher (the embedded `render` command) talk to it directly. */
public final class InProcessWorkSource implements WorkSource {
    private final Dispatcher dispatcher;
    private final Optional<String> onlyJob;

    public InProcessWorkSource(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
        this.onlyJob = Optional.empty();
    }

    /** Workers that take only this job's tasks (one `sprocket render` run). */
    public InProcessWorkSource(Dispatcher dispatcher, String jobId) {
        this.dispatcher = dispatcher;
        this.onlyJob = Optional.of(jobId);
    }

    @Override public boolean drainRequested(String worker) { return dispatcher.draining(worker); }

    @Override public Optional<Lease> lease(String worker, Duration wait) throws InterruptedException {
        return dispatcher.lease(worker, onlyJob, wait);
    }

    @Override public boolean heartbeat(Lease lease, Optional<String> progress) {
        return dispatcher.heartbeat(lease.taskId(), lease.token(), progress);
    }

    @Override public boolean started(Lease lease) { return dispatcher.started(lease.taskId(), lease.token()); }

    @Override public boolean complete(Lease lease, List<OutputFile> outputs, AttemptReport report) {
        return dispatcher.complete(lease.taskId(), lease.token(), outputs, report) == CompletionResult.ACCEPTED;
    }

    @Override public void fail(Lease lease, AttemptOutcome outcome, AttemptReport report) {
        dispatcher.fail(lease.taskId(), lease.token(), outcome, report);
    }

    @Override public void release(Lease lease, AttemptReport report) {
        dispatcher.release(lease.taskId(), lease.token(), report);
    }
}
