package dev.sprocket.core.dispatch;

import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.WorkerInfo;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobProgress;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskEvent;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.port.JobStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Dispatch policy over a {@link JobStore}: leasing with long-poll, renewals, completions fenced by token,
 * retries that count only real render failures, lease expiry, and job completion. The embedded `render`
 * command and the server run this same class.
 */
public final class Dispatcher {
    private final JobStore store;
    private final Clock clock;
    private final DispatchSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition runnable = lock.newCondition();
    /** Bumped whenever a task may have become runnable; waiters re-check when it moves. */
    private long generation;
    /** Workers waiting in {@link #lease} (guarded by {@link #lock}). */
    private int waiting;

    public Dispatcher(JobStore store, Clock clock, DispatchSettings settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
    }

    public DispatchSettings settings() { return settings; }
    public JobStore store() { return store; }

    public void submit(Job job) {
        List<List<Integer>> chunks = job.frames().chunks(job.chunk());
        store.create(job, chunks);
        wake(chunks.size());
    }

    /**
     * Leases the next runnable task, waiting up to {@code wait} for one. Waiters are woken the moment a task
     * becomes runnable in this process; they also re-check at least every {@code sweepEvery} (for leases that
     * expire, or tasks another coordinator queued).
     */
    public Optional<Lease> lease(String worker, Duration wait) throws InterruptedException {
        return lease(worker, Optional.empty(), wait);
    }

    /** As {@link #lease(String, Duration)}, restricted to one job when {@code onlyJob} is given. */
    public Optional<Lease> lease(String worker, Optional<String> onlyJob, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        touch(worker);
        while (true) {
            long seen;
            lock.lock();
            try { seen = generation; } finally { lock.unlock(); }
            sweepExpiredLeases();
            sweepHungTasks();
            if (draining(worker)) return Optional.empty();
            Optional<Lease> lease = store.leaseNext(worker, onlyJob, clock.instant(), settings.leaseTtl());
            if (lease.isPresent()) return lease;
            long left = deadline - System.nanoTime();
            if (left <= 0) return Optional.empty();
            lock.lock();
            try {
                if (generation == seen) {
                    waiting++;
                    try {
                        runnable.awaitNanos(Math.min(left, settings.sweepEvery().toNanos()));
                    } finally {
                        waiting--;
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Long> lastTouch = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Records that the worker is alive; at most once per quarter lease, so a thousand polling workers cost a few
     * writes a second, not hundreds (a worker's held lease shows its liveness more precisely anyway).
     */
    public void touch(String worker) {
        long now = System.nanoTime();
        Long last = lastTouch.get(worker);
        if (last != null && now - last < settings.leaseTtl().toNanos() / 4) return;
        lastTouch.put(worker, now);
        store.touchWorker(worker, clock.instant());
    }

    public boolean heartbeat(TaskId task, long token, Optional<String> progress) {
        return store.renew(task, token, clock.instant(), settings.leaseTtl(), progress).isPresent();
    }

    public boolean started(TaskId task, long token) {
        boolean ok = store.transition(task, Optional.of(token), TaskEvent.START, Optional.empty(),
                AttemptReport.empty(), List.of(), clock.instant());
        // START is only allowed from LEASED; a worker that re-reports start still holds the lease if renew works.
        return ok || heartbeat(task, token, Optional.empty());
    }

    public CompletionResult complete(TaskId task, long token, List<OutputFile> outputs, AttemptReport report) {
        return complete(task, token, outputs, report, Optional.empty()).result();
    }

    /** What a completion did, and the worker's next lease when it asked for one and a task was runnable. */
    public record Completion(CompletionResult result, Optional<Lease> next) {}

    /**
     * Accepts the result when {@code token} is still the task's lease and, when {@code nextFor} names the worker,
     * leases its next task in the same transaction. A busy worker then costs one request and one unit of the
     * store's group commit per task, instead of a completion and a lease each. No next lease for a draining worker
     * or after a stale completion (the worker asks again the usual way).
     */
    public Completion complete(TaskId task, long token, List<OutputFile> outputs, AttemptReport report,
                               Optional<String> nextFor) {
        Instant now = clock.instant();
        nextFor.ifPresent(this::touch);
        Optional<String> next = nextFor.filter(w -> !draining(w));
        record Done(boolean accepted, boolean jobOpen, Optional<Lease> next) {}
        Done done = store.atomically(() -> {
            if (!store.transition(task, Optional.of(token), TaskEvent.COMPLETE, Optional.of(AttemptOutcome.SUCCEEDED),
                    report, outputs, now)) {
                // The same completion again (its answer was lost: a dropped connection, a coordinator restart):
                // it was accepted the first time, and must not be mistaken for a stale one whose files are deleted.
                boolean replay = store.task(task).filter(t -> t.state() == TaskState.DONE && t.token() == token).isPresent();
                return new Done(replay, true, Optional.empty());
            }
            Optional<Lease> lease = next.flatMap(w -> store.leaseNext(w, now, settings.leaseTtl()));
            // A next task of the same job is an open task of it: no need to ask.
            boolean open = lease.filter(l -> l.taskId().jobId().equals(task.jobId())).isPresent()
                    || store.hasOpenTasks(task.jobId());
            return new Done(true, open, lease);
        });
        if (!done.accepted()) return new Completion(CompletionResult.STALE, Optional.empty());
        if (!done.jobOpen()) settleJob(task.jobId()); // the job's last task: settle it now, not at the next sweep
        return new Completion(CompletionResult.ACCEPTED, done.next());
    }

    /** A real render failure: retried until {@code maxAttempts} failures, then the task fails. */
    public void fail(TaskId id, long token, AttemptOutcome outcome, AttemptReport report) {
        if (outcome != AttemptOutcome.FAILED && outcome != AttemptOutcome.CRASHED) {
            throw new IllegalArgumentException("fail() takes FAILED or CRASHED, not " + outcome);
        }
        Optional<Task> task = store.task(id);
        if (task.isEmpty() || task.get().token() != token) return;
        TaskEvent event = task.get().failures() + 1 >= settings.maxAttempts() ? TaskEvent.FAIL_FINAL : TaskEvent.FAIL_RETRY;
        if (!store.transition(id, Optional.of(token), event, Optional.of(outcome), report, List.of(), clock.instant())) return;
        Optional<String> blocked = task.get().worker().filter(w -> store.renderFailures(id.jobId(), w) >= settings.blocklistAfter());
        if (blocked.isPresent()) {
            store.blocklist(id.jobId(), blocked.get());
            if (noWorkerLeftFor(id.jobId())) {
                // Nobody may take the rest: fail it now rather than leave it queued forever.
                store.transitionAll(id.jobId(), TaskEvent.CANCEL, OPEN, Optional.empty(), clock.instant());
                store.setJobState(id.jobId(), JobState.FAILED);
                return;
            }
        }
        if (event == TaskEvent.FAIL_FINAL) {
            JobProgress p = store.progress(id.jobId());
            int total = p.tasksByState().values().stream().mapToInt(Integer::intValue).sum();
            if (p.tasks(TaskState.FAILED) >= settings.jobFailureLimit(total)) {
                // Too much is failing for this to be bad luck: stop spending machines on it.
                store.transitionAll(id.jobId(), TaskEvent.CANCEL, OPEN, Optional.empty(), clock.instant());
                store.setJobState(id.jobId(), JobState.FAILED);
                return;
            }
            settleJob(id.jobId());
        }
        wake();
    }

    private static final Set<TaskState> OPEN = EnumSet.of(TaskState.QUEUED, TaskState.LEASED, TaskState.RUNNING, TaskState.PAUSED);
    private static final Set<TaskState> ACTIVE_OR_QUEUED = EnumSet.of(TaskState.QUEUED, TaskState.LEASED, TaskState.RUNNING);

    private volatile Instant lastHungSweep = Instant.MIN;
    private volatile Instant lastExpirySweep = Instant.MIN;

    /** {@link #expireLeases()}, at most once per {@code sweepEvery}: it would otherwise run a query per lease. */
    private void sweepExpiredLeases() {
        Instant now = clock.instant();
        if (now.isBefore(lastExpirySweep.plus(settings.sweepEvery()))) return;
        lastExpirySweep = now;
        expireLeases();
    }
    /** Progress reports sent while this coordinator was down were lost: hung timers restart from here. */
    private volatile Instant startedAt = Instant.MIN;

    /** Every known worker that is not draining is blocklisted for the job. */
    private boolean noWorkerLeftFor(String jobId) {
        Set<String> blocklisted = store.blocklisted(jobId);
        return store.workers().stream().filter(w -> !w.drain()).allMatch(w -> blocklisted.contains(w.name()));
    }

    /** {@link #failHungTasks()}, at most once per {@code sweepEvery} (it runs inside every long-poll). */
    private void sweepHungTasks() {
        Instant now = clock.instant();
        if (now.isBefore(lastHungSweep.plus(settings.sweepEvery()))) return;
        lastHungSweep = now;
        failHungTasks();
    }

    /** Tasks whose Blender showed no progress for {@code hungAfter} count as failed attempts; their worker stops. */
    public int failHungTasks() {
        Instant cutoff = clock.instant().minus(settings.hungAfter());
        if (!cutoff.isAfter(startedAt)) return 0;
        int n = 0;
        for (Task t : store.stalled(cutoff)) {
            fail(t.id(), t.token(), AttemptOutcome.FAILED, AttemptReport.message("hung: no Blender progress for "
                    + settings.hungAfter().toSeconds() + " s on " + t.worker().orElse("?")));
            n++;
        }
        return n;
    }

    // ---- job actions (the server's API and the CLI client call these)

    public Job job(String jobId) {
        return store.job(jobId).orElseThrow(() -> new NotFoundException("no job '" + jobId + "'; `sprocket jobs` lists them"));
    }

    /** Hands out nothing more; running tasks are stopped (their workers' next heartbeat fails) and requeued on resume. */
    public Job pause(String jobId) {
        Job job = job(jobId);
        if (job.state() == JobState.PAUSED) return job;
        if (job.state() != JobState.ACTIVE) throw new ConflictException("job " + jobId + " is " + job.state() + "; only an active job can be paused");
        store.setJobState(jobId, JobState.PAUSED);
        store.transitionAll(jobId, TaskEvent.PAUSE, ACTIVE_OR_QUEUED, Optional.empty(), clock.instant());
        return job(jobId);
    }

    public Job resume(String jobId) {
        Job job = job(jobId);
        if (job.state() == JobState.ACTIVE) return job;
        if (job.state() != JobState.PAUSED) throw new ConflictException("job " + jobId + " is " + job.state() + "; only a paused job can be resumed");
        store.transitionAll(jobId, TaskEvent.RESUME, EnumSet.of(TaskState.PAUSED), Optional.empty(), clock.instant());
        store.setJobState(jobId, JobState.ACTIVE);
        wake();
        return job(jobId);
    }

    /** Stops the job: queued tasks are canceled, running ones stopped (their workers stop Blender). */
    public Job cancel(String jobId) {
        Job job = job(jobId);
        if (job.state() == JobState.CANCELED) return job;
        if (job.state().terminal()) throw new ConflictException("job " + jobId + " is already " + job.state());
        store.setJobState(jobId, JobState.CANCELED);
        store.transitionAll(jobId, TaskEvent.CANCEL, OPEN, Optional.empty(), clock.instant());
        return job(jobId);
    }

    /**
     * Queues frames again: without {@code frames}, every failed or canceled task; with them, every finished task
     * that renders one of those frames (done ones too). Failure counts start over.
     */
    public Job retry(String jobId, Optional<FrameSpec> frames) {
        Job job = job(jobId);
        Set<TaskState> from = frames.isPresent() ? EnumSet.of(TaskState.DONE, TaskState.FAILED, TaskState.CANCELED)
                : EnumSet.of(TaskState.FAILED, TaskState.CANCELED);
        List<TaskId> changed = store.transitionAll(jobId, TaskEvent.RETRY, from,
                frames.map(f -> (Set<Integer>) new java.util.HashSet<>(f.frames())), clock.instant());
        if (changed.isEmpty()) {
            throw new ConflictException("job " + jobId + " has no " + (frames.isPresent() ? "finished tasks with frames " + frames.get()
                    : "failed or canceled tasks") + " to retry");
        }
        if (job.state().terminal()) store.setJobState(jobId, JobState.ACTIVE);
        wake();
        return job(jobId);
    }

    public Job setPriority(String jobId, int priority) {
        job(jobId);
        store.setPriority(jobId, priority);
        wake();
        return job(jobId);
    }

    // ---- workers

    public void drain(String worker) {
        if (store.worker(worker).isEmpty()) throw new NotFoundException("no worker '" + worker + "'; `sprocket workers` lists them");
        store.setDrain(worker, true);
        draining.add(worker);
        wake(); // a draining worker blocked in lease() should hear it now
    }

    /** A worker that registers again starts afresh: one that was drained and exited may come back under its name. */
    public void undrain(String worker) {
        if (store.worker(worker).map(WorkerInfo::drain).orElse(false)) store.setDrain(worker, false);
        draining.remove(worker);
    }

    /**
     * Whether the worker was asked to drain. Asked on every lease, so it is answered from memory, re-read from the
     * store at most once per {@code sweepEvery} (another coordinator on the same database may have drained it).
     */
    public boolean draining(String worker) {
        Instant now = clock.instant();
        if (!now.isBefore(drainReadAt.plus(settings.sweepEvery())) || now.isBefore(drainReadAt)) {
            drainReadAt = now;
            Set<String> fresh = store.drainingWorkers();
            draining.retainAll(fresh);
            draining.addAll(fresh);
        }
        return draining.contains(worker);
    }

    private final Set<String> draining = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Instant drainReadAt = Instant.MIN;

    /**
     * Called once when a coordinator starts: leases that ran out while it was down are extended by one TTL, so live
     * workers can heartbeat again before anything is requeued under them.
     */
    public int recoverAfterRestart() {
        Instant now = clock.instant();
        startedAt = now;
        return store.extendActiveLeases(now.plus(settings.leaseTtl()));
    }

    /** The worker hands the task back; no blame. */
    public void release(TaskId id, long token, AttemptReport report) {
        if (store.transition(id, Optional.of(token), TaskEvent.RELEASE, Optional.of(AttemptOutcome.LOST), report,
                List.of(), clock.instant())) {
            wake();
        }
    }

    /**
     * Settles every active job that has no open task left. Completions settle their job as they go; this catches a
     * job whose last task ended in a request that failed half-way (the task moved, the job did not).
     */
    public int settleFinishedJobs() {
        int n = 0;
        for (String id : store.activeJobsWithoutOpenTasks()) {
            if (settleJob(id) != JobState.ACTIVE) n++;
        }
        return n;
    }

    /** Requeues every task whose lease ran out. Returns how many. */
    public int expireLeases() {
        Instant now = clock.instant();
        int n = 0;
        for (Task t : store.expired(now)) {
            if (store.transition(t.id(), Optional.of(t.token()), TaskEvent.EXPIRE, Optional.of(AttemptOutcome.LOST),
                    AttemptReport.message("lease expired (worker " + t.worker().orElse("?") + " stopped heartbeating)"),
                    List.of(), now)) {
                n++;
            }
        }
        if (n > 0) wake();
        return n;
    }

    /** Marks the job COMPLETED when every task is done, FAILED when the rest are done and some failed. */
    public JobState settleJob(String jobId) {
        Job job = store.job(jobId).orElseThrow(() -> new IllegalArgumentException("unknown job " + jobId));
        if (job.state().terminal()) return job.state();
        if (store.hasOpenTasks(jobId)) return job.state(); // the common case, answered by an index seek
        JobProgress p = store.progress(jobId);
        int total = p.tasksByState().values().stream().mapToInt(Integer::intValue).sum();
        int open = p.tasks(TaskState.QUEUED) + p.tasks(TaskState.LEASED) + p.tasks(TaskState.RUNNING) + p.tasks(TaskState.PAUSED);
        JobState next = job.state();
        if (p.tasks(TaskState.DONE) == total) next = JobState.COMPLETED;
        else if (open == 0 && p.tasks(TaskState.FAILED) > 0) next = JobState.FAILED;
        else if (open == 0) next = JobState.CANCELED;
        if (next != job.state()) store.setJobState(jobId, next);
        return next;
    }

    /** Tells long-polling workers that something may be runnable. */
    public void wake() {
        wake(Integer.MAX_VALUE);
    }

    /**
     * Tells up to {@code tasks} long-polling workers that that many tasks became runnable. Waking all thousand
     * waiters for a one-task job made them all query the store at once, and the one that got the task waited its
     * turn among them (wake p99 of 150 ms instead of a few). A woken worker that may not take the task (it is
     * blocklisted for the job, or draining) leaves it to the others' next re-check, at most {@code sweepEvery} later.
     */
    private void wake(int tasks) {
        lock.lock();
        try {
            generation++;
            if (tasks >= waiting) {
                runnable.signalAll();
            } else {
                for (int i = 0; i < tasks; i++) runnable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** For tests and shutdown: waits until the job is terminal or the timeout passes. */
    public JobState awaitTerminal(String jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobState s = store.job(jobId).orElseThrow().state();
            if (s.terminal() || System.nanoTime() > deadline) return s;
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
