package dev.sprocket.core.port;

import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobProgress;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskEvent;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.domain.WorkerInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The source of truth for jobs, tasks and attempts. Every method is atomic. Task state changes go through
 * {@link dev.sprocket.core.domain.TaskStateMachine}: an adapter never invents a transition.
 * Policy (retries, when a job is done) lives in {@link dev.sprocket.core.dispatch.Dispatcher}, not here.
 */
public interface JobStore extends AutoCloseable {

    /**
     * Runs {@code work} — calls on this store — as one transaction: all of its changes are kept, or (when it throws)
     * none. Reads inside see its own changes. The dispatcher's hot path (complete a task and lease the worker's next
     * one) is one such unit. Keep the work short and free of anything but store calls: it holds the write lock.
     */
    <T> T atomically(java.util.function.Supplier<T> work);

    /** Creates the job and one QUEUED task per chunk (task index = position in the list), token 0. */
    void create(Job job, List<List<Integer>> chunks);

    Optional<Job> job(String jobId);

    /** All jobs, newest first. */
    List<Job> jobs();

    /** Tasks of a job by index. */
    List<Task> tasks(String jobId);

    Optional<Task> task(TaskId id);

    JobProgress progress(String jobId);

    /** ACTIVE jobs none of whose tasks is QUEUED, LEASED, RUNNING or PAUSED (jobs waiting to be settled). */
    List<String> activeJobsWithoutOpenTasks();

    /** Whether any task of the job is QUEUED, LEASED, RUNNING or PAUSED (cheap: checked on every completion). */
    boolean hasOpenTasks(String jobId);

    /** Attempts of a task, oldest first. */
    List<Attempt> attempts(TaskId id);

    /** Accepted outputs of a job (those of DONE tasks), by frame. */
    List<OutputFile> outputs(String jobId);

    void setJobState(String jobId, JobState state);

    /**
     * Atomically takes the next runnable task: a QUEUED task of an ACTIVE job; highest job priority first, then
     * oldest job (created_at, then id), then lowest task index. Applies {@link TaskEvent#LEASE}: token + 1,
     * worker and expiry set, and a RUNNING attempt row is written for (task, new token, worker, now).
     * With {@code onlyJob}, only that job's tasks are considered (the workers of one embedded `render` run).
     * Never hands one task to two callers, even from several processes on one database.
     */
    Optional<Lease> leaseNext(String worker, Optional<String> onlyJob, Instant now, Duration ttl);

    /** {@link #leaseNext(String, Optional, Instant, Duration)} over every job. */
    default Optional<Lease> leaseNext(String worker, Instant now, Duration ttl) {
        return leaseNext(worker, Optional.empty(), now, ttl);
    }

    /**
     * Extends the lease to now + ttl when the task is LEASED or RUNNING with this token, and records the progress
     * text if given. Returns the new expiry, or empty when the token is stale or the task is no longer active.
     */
    Optional<Instant> renew(TaskId id, long token, Instant now, Duration ttl, Optional<String> progress);

    /**
     * Applies {@code event} to the task if its current state allows it (per the state machine) and, when
     * {@code token} is present, the task's token equals it. On success: clears worker/expiry/progress when the
     * new state is not active; increments failures for FAIL_RETRY and FAIL_FINAL; for COMPLETE stores
     * {@code outputs} as the task's accepted outputs (replacing earlier ones); for RETRY resets failures to 0 and
     * drops earlier outputs. When {@code outcome} is present, closes the attempt (task, token) with it, the report
     * and {@code now}. Returns false (and changes nothing) when the transition is not allowed or the token is stale.
     */
    boolean transition(TaskId id, Optional<Long> token, TaskEvent event, Optional<AttemptOutcome> outcome,
                       AttemptReport report, List<OutputFile> outputs, Instant now);

    /**
     * Applies {@code event} to every task of the job that is in one of {@code from} (and the state machine allows
     * it), and — when {@code frames} is given — that renders at least one of those frames. Tasks that were active
     * get their attempt closed with {@link AttemptOutcome#STOPPED}. Returns the changed tasks.
     */
    List<TaskId> transitionAll(String jobId, TaskEvent event, java.util.Set<TaskState> from,
                               Optional<java.util.Set<Integer>> frames, Instant now);

    void setPriority(String jobId, int priority);

    /** Keeps {@code worker} from leasing tasks of the job (it failed too many of them). */
    void blocklist(String jobId, String worker);

    java.util.Set<String> blocklisted(String jobId);

    /**
     * Distinct tasks of the job on which this worker had an attempt end FAILED or CRASHED (one bad frame failing
     * three times on the same worker is the frame's problem, not the worker's).
     */
    int renderFailures(String jobId, String worker);

    /** Registers a worker or records that it was seen. */
    void touchWorker(String worker, Instant now);

    Optional<WorkerInfo> worker(String name);

    /** Every known worker, by name. */
    List<WorkerInfo> workers();

    void setDrain(String worker, boolean drain);

    /** Names of the workers asked to drain. */
    java.util.Set<String> drainingWorkers();

    /** LEASED or RUNNING tasks whose progress text last changed (or, without progress, were leased) before {@code before}. */
    List<Task> stalled(Instant before);

    /** Pushes every active lease's expiry to at least {@code until}; used once when a coordinator starts. */
    int extendActiveLeases(Instant until);

    /** LEASED or RUNNING tasks whose lease expired before {@code now}. */
    List<Task> expired(Instant now);

    /** The earliest lease expiry among active tasks, if any (so waiters know when to sweep). */
    Optional<Instant> nextExpiry();

    @Override void close();
}
