package dev.sprocket.api;

import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobProgress;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.domain.Task;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Request and response bodies of the v1 API (see docs/api.md). Domain records (Job, Task, Lease, ...) travel as-is. */
public final class Dto {
    private Dto() {}

    /** Every error: one readable line. */
    public record Error(String error) {}

    public record Health(String status) {}

    // ---- blobs
    public record MissingRequest(List<String> sha256) {}
    public record MissingResponse(List<String> missing) {}

    // ---- jobs
    /** @param frames a FrameSpec text; @param scene "" for the file's active scene */
    public record JobSubmission(String name, String manifestKey, String scene, String frames, int chunk, int priority,
                                RenderSettings settings) {}

    /** @param tasks present on the single-job route only */
    public record JobView(Job job, JobProgress progress, Optional<List<Task>> tasks) {}

    public record RetryRequest(Optional<String> frames) {}
    public record PriorityRequest(int priority) {}

    // ---- workers
    public record RegisterRequest(Optional<String> blenderVersion, int cores, Optional<String> host) {}
    public record RegisterResponse(String name, long heartbeatMillis, long leaseMillis) {}

    // ---- tasks (worker side, fenced by token)
    public record Heartbeat(long token, Optional<String> progress) {}
    public record HeartbeatResponse(Instant expiresAt) {}
    public record Token(long token) {}
    /**
     * @param leaseNextFor when given (the worker's name), the answer also carries that worker's next lease, if a task
     *                     is runnable: one request per task instead of a completion and a lease
     */
    public record Complete(long token, List<OutputFile> outputs, AttemptReport report, Optional<String> leaseNextFor) {
        public Complete(long token, List<OutputFile> outputs, AttemptReport report) {
            this(token, outputs, report, Optional.empty());
        }
    }

    /** The answer to an accepted completion; {@code next} only when it asked for one and a task was runnable. */
    public record Completed(Optional<dev.sprocket.core.domain.Lease> next) {}
    public record Fail(long token, AttemptOutcome outcome, AttemptReport report) {}
    public record Release(long token, AttemptReport report) {}
}
