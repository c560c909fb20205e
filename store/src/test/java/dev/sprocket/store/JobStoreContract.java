package dev.sprocket.store;

import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobProgress;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskEvent;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.domain.TaskStateMachine;
import dev.sprocket.core.domain.WorkerInfo;
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.port.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.sprocket.store.Jobs.T0;
import static dev.sprocket.store.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link JobStore} adapter must do. An adapter's test extends this and says how to open a store;
 * PostgreSQL runs the same cases as SQLite.
 */
public abstract class JobStoreContract {
    protected static final Duration TTL = Duration.ofSeconds(60);
    private static final int CONCURRENT_TASKS = 200;
    private static final int CONCURRENT_THREADS = 8;

    private final List<JobStore> opened = new ArrayList<>();
    protected JobStore store;

    /** Opens a store on this test's database: empty at the first call, the same database at every later call. */
    protected abstract JobStore open();

    @BeforeEach
    void openStore() {
        store = another();
    }

    @AfterEach
    void closeStores() {
        Collections.reverse(opened);
        opened.forEach(JobStore::close);
    }

    /** A second (third, ...) store on the same database, like another process would have; closed after the test. */
    protected JobStore another() {
        JobStore s = open();
        opened.add(s);
        return s;
    }

    // ---- helpers

    private Job create(Job job) {
        store.create(job, job.frames().chunks(job.chunk()));
        return job;
    }

    private Lease lease(String worker, Instant now) {
        return store.leaseNext(worker, now, TTL).orElseThrow(() -> new AssertionError("nothing to lease"));
    }

    private boolean apply(TaskId id, Optional<Long> token, TaskEvent event, Optional<AttemptOutcome> outcome, Instant now) {
        return store.transition(id, token, event, outcome, AttemptReport.empty(), List.of(), now);
    }

    private boolean apply(Lease lease, TaskEvent event, AttemptOutcome outcome, Instant now) {
        return apply(lease.taskId(), Optional.of(lease.token()), event, Optional.of(outcome), now);
    }

    private static OutputFile output(TaskId task, long token, int frame) {
        String name = OutputFormat.PNG.fileName(frame);
        return new OutputFile(frame, name, BlobKeys.output(task, token, name), "%064x".formatted(frame), 1000L + frame);
    }

    private Task task(TaskId id) {
        return store.task(id).orElseThrow();
    }

    private static Task queued(TaskId id, List<Integer> frames, long token, int failures) {
        return new Task(id, frames, TaskState.QUEUED, token, failures, Optional.empty(), Optional.empty(), Optional.empty());
    }

    // ---- atomically

    @Test
    void atomicallyKeepsAllOfItsWorkOrNoneAndReadsItsOwnChanges() {
        create(job("j", "1-2", 1));
        Lease lease = store.atomically(() -> {
            Lease l = lease("w1", T0);
            // a read inside sees the unit's own change
            assertThat(store.task(l.taskId()).orElseThrow().state()).isEqualTo(TaskState.LEASED);
            assertThat(apply(l, TaskEvent.COMPLETE, AttemptOutcome.SUCCEEDED, T0)).isTrue();
            return l;
        });
        assertThat(task(lease.taskId()).state()).isEqualTo(TaskState.DONE);

        TaskId second = new TaskId("j", 1);
        assertThatThrownBy(() -> store.atomically(() -> {
            lease("w2", T0);
            store.setJobState("j", JobState.PAUSED);
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(task(second)).isEqualTo(queued(second, List.of(2), 0, 0));
        assertThat(store.attempts(second)).isEmpty();
        assertThat(store.job("j").orElseThrow().state()).isEqualTo(JobState.ACTIVE);
    }

    // ---- create and read

    @Test
    void createdJobAndTasksReadBackExactly() {
        Job full = new Job("j-full", "Shot 1", "jobs/j-full/manifest", "Scene.001", FrameSpec.parse("1-10x2,20,30-25"), 3,
                new RenderSettings(Optional.of(64), Optional.of(50), Optional.of("CYCLES"), OutputFormat.OPEN_EXR,
                        Optional.of(true), true, false),
                7, JobState.ACTIVE, T0.plusMillis(123));
        Job plain = new Job("j-plain", "", "jobs/j-plain/manifest", "", FrameSpec.parse("5"), 1,
                new RenderSettings(Optional.empty(), Optional.empty(), Optional.empty(), OutputFormat.PNG,
                        Optional.of(false), false, true),
                -3, JobState.PAUSED, T0);
        create(full);
        create(plain);

        assertThat(store.job("j-full")).contains(full);
        assertThat(store.job("j-plain")).contains(plain);
        List<List<Integer>> chunks = List.of(List.of(1, 3, 5), List.of(7, 9, 20), List.of(30, 29, 28), List.of(27, 26, 25));
        List<Task> expected = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) expected.add(queued(new TaskId("j-full", i), chunks.get(i), 0, 0));
        assertThat(store.tasks("j-full")).isEqualTo(expected);
        assertThat(store.task(new TaskId("j-full", 2))).contains(expected.get(2));
        assertThat(store.tasks("j-plain")).containsExactly(queued(new TaskId("j-plain", 0), List.of(5), 0, 0));
        assertThat(store.attempts(new TaskId("j-full", 0))).isEmpty();
        assertThat(store.outputs("j-full")).isEmpty();
    }

    @Test
    void tasksKeepArbitraryChunksInOrder() {
        Job j = job("j", "1-100", 100);
        List<List<Integer>> chunks = List.of(List.of(100, 1, 50), List.of(2, 4, 6, 8, 7), List.of(3));
        store.create(j, chunks);
        assertThat(store.tasks("j")).extracting(Task::frames).isEqualTo(chunks);
    }

    @Test
    void duplicateJobOrInvalidChunkIsRejectedAndChangesNothing() {
        Job first = create(job("j", "1-4", 2));
        assertThatThrownBy(() -> store.create(job("j", "1-9", 1), List.of(List.of(1)))).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.job("j")).contains(first);
        assertThat(store.tasks("j")).hasSize(2);

        assertThatThrownBy(() -> store.create(job("k", "1-4", 2), List.of(List.of(1, 2), List.of(3, 3))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.job("k")).isEmpty();
        assertThat(store.tasks("k")).isEmpty();
    }

    @Test
    void unknownIdsReadAsEmpty() {
        TaskId nobody = new TaskId("nope", 0);
        assertThat(store.job("nope")).isEmpty();
        assertThat(store.jobs()).isEmpty();
        assertThat(store.tasks("nope")).isEmpty();
        assertThat(store.task(nobody)).isEmpty();
        assertThat(store.attempts(nobody)).isEmpty();
        assertThat(store.outputs("nope")).isEmpty();
        JobProgress p = store.progress("nope");
        assertThat(p.framesTotal()).isZero();
        assertThat(p.framesDone()).isZero();
        for (TaskState s : TaskState.values()) assertThat(p.tasks(s)).isZero();
        assertThat(store.leaseNext("w", T0, TTL)).isEmpty();
        assertThat(apply(nobody, Optional.empty(), TaskEvent.CANCEL, Optional.empty(), T0)).isFalse();
        assertThat(store.renew(nobody, 1, T0, TTL, Optional.empty())).isEmpty();
        assertThatThrownBy(() -> store.setJobState("nope", JobState.PAUSED)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jobsAreListedNewestFirst() {
        create(job("old", "1", 1, 0, T0));
        create(job("new", "1", 1, 0, T0.plusSeconds(2)));
        create(job("mid", "1", 1, 0, T0.plusSeconds(1)));
        assertThat(store.jobs()).extracting(Job::id).containsExactly("new", "mid", "old");
    }

    @Test
    void setJobStateChangesOnlyTheState() {
        Job j = create(job("j", "1-3", 1));
        store.setJobState("j", JobState.CANCELED);
        assertThat(store.job("j")).contains(j.withState(JobState.CANCELED));
    }

    // ---- leasing

    @Test
    void leasesByPriorityThenJobAgeThenIndex() {
        create(job("low", "1-2", 1, 0, T0));
        create(job("high-old", "1-2", 1, 5, T0.plusSeconds(1)));
        create(job("high-new", "1", 1, 5, T0.plusSeconds(2)));
        create(job("tie-b", "1", 1, 1, T0.plusSeconds(3)));
        create(job("tie-a", "1", 1, 1, T0.plusSeconds(3)));
        create(job("paused", "1-2", 1, 9, T0));
        store.setJobState("paused", JobState.PAUSED);
        create(job("completed", "1", 1, 9, T0));
        store.setJobState("completed", JobState.COMPLETED);
        TaskId pausedTask = new TaskId("high-old", 1);
        assertThat(apply(pausedTask, Optional.empty(), TaskEvent.PAUSE, Optional.empty(), T0)).isTrue();

        List<String> order = new ArrayList<>();
        for (Optional<Lease> l; (l = store.leaseNext("w", T0, TTL)).isPresent(); ) order.add(l.get().taskId().toString());
        assertThat(order).containsExactly("high-old/0", "high-new/0", "tie-a/0", "tie-b/0", "low/0", "low/1");
        assertThat(task(pausedTask).state()).isEqualTo(TaskState.PAUSED);

        assertThat(apply(pausedTask, Optional.empty(), TaskEvent.RESUME, Optional.empty(), T0)).isTrue();
        assertThat(lease("w", T0).taskId()).isEqualTo(pausedTask);
        store.setJobState("paused", JobState.ACTIVE);
        assertThat(lease("w", T0).taskId()).isEqualTo(new TaskId("paused", 0));
        assertThat(lease("w", T0).taskId()).isEqualTo(new TaskId("paused", 1));
        assertThat(store.leaseNext("w", T0, TTL)).isEmpty();
    }

    @Test
    void leasingScopedToOneJobIgnoresOtherJobsEvenOfHigherPriority() {
        create(job("mine", "1-2", 1, 0, T0.plusSeconds(1)));
        create(job("other", "1-2", 1, 9, T0));
        assertThat(store.leaseNext("w", Optional.of("mine"), T0, TTL).orElseThrow().taskId()).isEqualTo(new TaskId("mine", 0));
        assertThat(store.leaseNext("w", Optional.of("mine"), T0, TTL).orElseThrow().taskId()).isEqualTo(new TaskId("mine", 1));
        assertThat(store.leaseNext("w", Optional.of("mine"), T0, TTL)).isEmpty();
        assertThat(store.leaseNext("w", Optional.of("nope"), T0, TTL)).isEmpty();
        assertThat(store.leaseNext("w", T0, TTL).orElseThrow().taskId()).isEqualTo(new TaskId("other", 0));
    }

    @Test
    void leaseBumpsTokenSetsWorkerAndExpiryAndOpensARunningAttempt() {
        Job j = create(job("j", "1-4", 2));
        Instant now = T0.plusSeconds(5);
        Lease lease = lease("w1", now);

        TaskId id = new TaskId("j", 0);
        Task leased = new Task(id, List.of(1, 2), TaskState.LEASED, 1, 0, Optional.of("w1"), Optional.of(now.plus(TTL)),
                Optional.empty());
        assertThat(lease).isEqualTo(new Lease(j, leased, "w1", 1, now.plus(TTL)));
        assertThat(task(id)).isEqualTo(leased);
        assertThat(store.attempts(id)).containsExactly(new Attempt(id, 1, "w1", now, Optional.empty(),
                AttemptOutcome.RUNNING, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(task(new TaskId("j", 1))).isEqualTo(queued(new TaskId("j", 1), List.of(3, 4), 0, 0));
    }

    @Test
    void renewExtendsOnlyTheCurrentLease() {
        create(job("j", "1", 1));
        Lease lease = lease("w1", T0);
        TaskId id = lease.taskId();

        Instant later = T0.plusSeconds(30);
        assertThat(store.renew(id, 1, later, TTL, Optional.of("frame 1, sample 4/16"))).contains(later.plus(TTL));
        assertThat(task(id).leaseExpiresAt()).contains(later.plus(TTL));
        assertThat(task(id).progress()).contains("frame 1, sample 4/16");

        Instant evenLater = T0.plusSeconds(50);
        assertThat(store.renew(id, 1, evenLater, TTL, Optional.empty())).contains(evenLater.plus(TTL));
        assertThat(task(id).progress()).as("no new progress keeps the last").contains("frame 1, sample 4/16");

        Task before = task(id);
        assertThat(store.renew(id, 0, T0.plusSeconds(55), TTL, Optional.of("stale"))).isEmpty();
        assertThat(store.renew(id, 2, T0.plusSeconds(55), TTL, Optional.of("future"))).isEmpty();
        assertThat(task(id)).isEqualTo(before);

        assertThat(apply(lease, TaskEvent.COMPLETE, AttemptOutcome.SUCCEEDED, T0.plusSeconds(56))).isTrue();
        assertThat(store.renew(id, 1, T0.plusSeconds(57), TTL, Optional.empty())).as("done tasks have no lease").isEmpty();
    }

    @Test
    void startMovesToRunningAndKeepsTheLease() {
        create(job("j", "1", 1));
        Lease lease = lease("w1", T0);
        assertThat(apply(lease.taskId(), Optional.of(1L), TaskEvent.START, Optional.empty(), T0.plusSeconds(1))).isTrue();
        Task running = task(lease.taskId());
        assertThat(running.state()).isEqualTo(TaskState.RUNNING);
        assertThat(running.worker()).contains("w1");
        assertThat(running.leaseExpiresAt()).contains(T0.plus(TTL));
        assertThat(store.attempts(lease.taskId())).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.RUNNING));
        assertThat(apply(lease.taskId(), Optional.of(1L), TaskEvent.START, Optional.empty(), T0.plusSeconds(2)))
                .as("START is only allowed from LEASED").isFalse();
        assertThat(store.renew(lease.taskId(), 1, T0.plusSeconds(3), TTL, Optional.empty())).isPresent();
    }

    // ---- transitions

    @Test
    void transitionWithStaleTokenChangesNothing() {
        create(job("j", "1", 1));
        Lease first = lease("w1", T0);
        assertThat(apply(first, TaskEvent.EXPIRE, AttemptOutcome.LOST, T0.plusSeconds(61))).isTrue();
        Lease second = lease("w2", T0.plusSeconds(62));
        assertThat(second.token()).isEqualTo(2);

        Task before = task(first.taskId());
        List<Attempt> attemptsBefore = store.attempts(first.taskId());
        TaskId id = first.taskId();
        Optional<Long> stale = Optional.of(first.token());
        assertThat(store.transition(id, stale, TaskEvent.COMPLETE, Optional.of(AttemptOutcome.SUCCEEDED),
                AttemptReport.message("late"), List.of(output(id, 1, 1)), T0.plusSeconds(63))).isFalse();
        assertThat(apply(id, stale, TaskEvent.FAIL_RETRY, Optional.of(AttemptOutcome.FAILED), T0.plusSeconds(63))).isFalse();
        assertThat(apply(id, stale, TaskEvent.START, Optional.empty(), T0.plusSeconds(63))).isFalse();
        assertThat(apply(id, stale, TaskEvent.CANCEL, Optional.of(AttemptOutcome.STOPPED), T0.plusSeconds(63))).isFalse();

        assertThat(task(id)).isEqualTo(before);
        assertThat(store.attempts(id)).isEqualTo(attemptsBefore);
        assertThat(attemptsBefore).extracting(Attempt::outcome).containsExactly(AttemptOutcome.LOST, AttemptOutcome.RUNNING);
        assertThat(store.outputs("j")).isEmpty();
    }

    @Test
    void completeStoresOutputsAndClosesTheAttemptOnce() {
        create(job("j", "1-2", 2));
        Lease lease = lease("w1", T0);
        TaskId id = lease.taskId();
        List<OutputFile> outputs = List.of(output(id, 1, 2), output(id, 1, 1));
        AttemptReport report = new AttemptReport(Optional.of("2 frames"), Optional.of(BlobKeys.log(id, 1)),
                Optional.of("3.4.1"), Optional.of(123_456_789L), Optional.of(4.25));
        Instant done = T0.plusSeconds(20);

        assertThat(store.transition(id, Optional.of(1L), TaskEvent.COMPLETE, Optional.of(AttemptOutcome.SUCCEEDED),
                report, outputs, done)).isTrue();
        assertThat(task(id)).isEqualTo(new Task(id, List.of(1, 2), TaskState.DONE, 1, 0, Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertThat(store.outputs("j")).containsExactly(outputs.get(1), outputs.get(0));
        assertThat(store.attempts(id)).containsExactly(new Attempt(id, 1, "w1", T0, Optional.of(done),
                AttemptOutcome.SUCCEEDED, report.message(), report.logKey(), report.blenderVersion(),
                report.peakMemoryBytes(), report.renderSeconds()));

        assertThat(store.transition(id, Optional.of(1L), TaskEvent.COMPLETE, Optional.of(AttemptOutcome.SUCCEEDED),
                AttemptReport.message("again"), List.of(output(id, 1, 9)), done.plusSeconds(1))).isFalse();
        assertThat(store.outputs("j")).containsExactly(outputs.get(1), outputs.get(0));
        assertThat(store.attempts(id)).singleElement().satisfies(a -> assertThat(a.message()).contains("2 frames"));
    }

    @Test
    void failRetryRequeuesAndCountsAFailure() {
        create(job("j", "1", 1));
        Lease first = lease("w1", T0);
        TaskId id = first.taskId();
        store.renew(id, 1, T0.plusSeconds(1), TTL, Optional.of("frame 1"));
        assertThat(store.transition(id, Optional.of(1L), TaskEvent.FAIL_RETRY, Optional.of(AttemptOutcome.FAILED),
                AttemptReport.message("Error: out of memory"), List.of(), T0.plusSeconds(2))).isTrue();
        assertThat(task(id)).isEqualTo(queued(id, List.of(1), 1, 1));
        assertThat(store.attempts(id)).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(AttemptOutcome.FAILED);
            assertThat(a.endedAt()).contains(T0.plusSeconds(2));
            assertThat(a.message()).contains("Error: out of memory");
        });

        Lease second = lease("w2", T0.plusSeconds(3));
        assertThat(second.token()).isEqualTo(2);
        assertThat(second.task().failures()).isEqualTo(1);
        assertThat(apply(second, TaskEvent.FAIL_FINAL, AttemptOutcome.CRASHED, T0.plusSeconds(4))).isTrue();
        assertThat(task(id)).isEqualTo(new Task(id, List.of(1), TaskState.FAILED, 2, 2, Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertThat(store.attempts(id)).extracting(Attempt::outcome).containsExactly(AttemptOutcome.FAILED, AttemptOutcome.CRASHED);
        assertThat(store.leaseNext("w3", T0.plusSeconds(5), TTL)).isEmpty();
    }

    @Test
    void expireAndReleaseRequeueWithoutCountingAFailure() {
        create(job("j", "1", 1));
        Lease first = lease("w1", T0);
        TaskId id = first.taskId();
        assertThat(apply(first, TaskEvent.EXPIRE, AttemptOutcome.LOST, T0.plusSeconds(61))).isTrue();
        assertThat(task(id)).isEqualTo(queued(id, List.of(1), 1, 0));

        Lease second = lease("w2", T0.plusSeconds(62));
        assertThat(apply(second, TaskEvent.RELEASE, AttemptOutcome.LOST, T0.plusSeconds(63))).isTrue();
        assertThat(task(id)).isEqualTo(queued(id, List.of(1), 2, 0));
        assertThat(store.attempts(id)).extracting(Attempt::outcome).containsExactly(AttemptOutcome.LOST, AttemptOutcome.LOST);
    }

    @Test
    void retryResetsFailuresAndDropsOutputs() {
        create(job("j", "1-2", 1));
        Lease failing = lease("w1", T0);
        assertThat(apply(failing, TaskEvent.FAIL_FINAL, AttemptOutcome.FAILED, T0.plusSeconds(1))).isTrue();
        Lease done = lease("w1", T0.plusSeconds(2));
        assertThat(store.transition(done.taskId(), Optional.of(1L), TaskEvent.COMPLETE, Optional.of(AttemptOutcome.SUCCEEDED),
                AttemptReport.empty(), List.of(output(done.taskId(), 1, 2)), T0.plusSeconds(3))).isTrue();
        assertThat(store.outputs("j")).hasSize(1);

        assertThat(apply(failing.taskId(), Optional.empty(), TaskEvent.RETRY, Optional.empty(), T0.plusSeconds(4))).isTrue();
        assertThat(task(failing.taskId())).isEqualTo(queued(failing.taskId(), List.of(1), 1, 0));
        assertThat(apply(done.taskId(), Optional.empty(), TaskEvent.RETRY, Optional.empty(), T0.plusSeconds(4))).isTrue();
        assertThat(task(done.taskId())).isEqualTo(queued(done.taskId(), List.of(2), 1, 0));
        assertThat(store.outputs("j")).isEmpty();
        assertThat(store.attempts(done.taskId())).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED));

        assertThat(lease("w2", T0.plusSeconds(5)).token()).as("tokens never repeat").isEqualTo(2);
    }

    @Test
    void disallowedTransitionsReturnFalseAndChangeNothing() {
        create(job("j", "1", 1));
        TaskId id = new TaskId("j", 0);
        Task before = task(id);
        assertThat(apply(id, Optional.empty(), TaskEvent.RESUME, Optional.empty(), T0)).isFalse();
        assertThat(apply(id, Optional.empty(), TaskEvent.START, Optional.empty(), T0)).isFalse();
        assertThat(apply(id, Optional.of(0L), TaskEvent.COMPLETE, Optional.of(AttemptOutcome.SUCCEEDED), T0)).isFalse();
        assertThat(apply(id, Optional.empty(), TaskEvent.EXPIRE, Optional.empty(), T0)).isFalse();
        assertThat(apply(id, Optional.empty(), TaskEvent.RETRY, Optional.empty(), T0)).isFalse();
        assertThat(task(id)).isEqualTo(before);
    }

    @Test
    void cancelAndPauseOfAHeldTaskStopTheAttempt() {
        create(job("j", "1-3", 1));
        Lease canceled = lease("w1", T0);
        assertThat(apply(canceled.taskId(), Optional.empty(), TaskEvent.CANCEL, Optional.of(AttemptOutcome.STOPPED),
                T0.plusSeconds(1))).isTrue();
        assertThat(task(canceled.taskId())).isEqualTo(new Task(canceled.taskId(), List.of(1), TaskState.CANCELED, 1, 0,
                Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(store.attempts(canceled.taskId())).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(AttemptOutcome.STOPPED);
            assertThat(a.endedAt()).contains(T0.plusSeconds(1));
        });

        Lease paused = lease("w1", T0);
        assertThat(apply(paused.taskId(), Optional.empty(), TaskEvent.PAUSE, Optional.of(AttemptOutcome.STOPPED),
                T0.plusSeconds(2))).isTrue();
        assertThat(task(paused.taskId()).state()).isEqualTo(TaskState.PAUSED);
        assertThat(task(paused.taskId()).worker()).isEmpty();
        assertThat(apply(paused.taskId(), Optional.empty(), TaskEvent.RESUME, Optional.empty(), T0.plusSeconds(3))).isTrue();
        assertThat(task(paused.taskId())).isEqualTo(queued(paused.taskId(), List.of(2), 1, 0));

        // A queued task's last attempt is already closed: canceling it leaves that attempt as it was.
        assertThat(apply(paused.taskId(), Optional.empty(), TaskEvent.CANCEL, Optional.of(AttemptOutcome.STOPPED),
                T0.plusSeconds(4))).isTrue();
        assertThat(store.attempts(paused.taskId())).singleElement()
                .satisfies(a -> assertThat(a.endedAt()).contains(T0.plusSeconds(2)));
    }

    /** Every (state, event) pair does exactly what the state machine says, and nothing when it says no. */
    @Test
    void transitionsFollowTheStateMachineExactly() {
        int n = 0;
        for (TaskState from : TaskState.values()) {
            for (TaskEvent event : TaskEvent.values()) {
                if (event == TaskEvent.LEASE) continue; // only leaseNext leases
                String jobId = "case-" + n;
                // Each case is a newer job of higher priority, so leaseNext picks its task and no earlier one.
                create(job(jobId, "1", 1, n++, T0));
                TaskId id = new TaskId(jobId, 0);
                putInState(id, from);
                Task before = task(id);
                boolean applied = apply(id, Optional.of(before.token()), event, Optional.empty(), T0.plusSeconds(1));
                Optional<TaskState> expected = TaskStateMachine.next(from, event);
                assertThat(applied).as("%s on %s", event, from).isEqualTo(expected.isPresent());
                assertThat(task(id).state()).as("%s on %s", event, from).isEqualTo(expected.orElse(from));
                if (expected.isEmpty()) assertThat(task(id)).isEqualTo(before);
                else assertThat(task(id).worker().isPresent()).isEqualTo(expected.get().active());
            }
        }
    }

    private void putInState(TaskId id, TaskState state) {
        Optional<Long> none = Optional.empty();
        switch (state) {
            case QUEUED -> { }
            case PAUSED -> assertThat(apply(id, none, TaskEvent.PAUSE, Optional.empty(), T0)).isTrue();
            case CANCELED -> assertThat(apply(id, none, TaskEvent.CANCEL, Optional.empty(), T0)).isTrue();
            default -> {
                Lease lease = lease("w", T0);
                assertThat(lease.taskId()).isEqualTo(id);
                TaskEvent then = switch (state) {
                    case RUNNING -> TaskEvent.START;
                    case DONE -> TaskEvent.COMPLETE;
                    case FAILED -> TaskEvent.FAIL_FINAL;
                    default -> null;
                };
                if (then != null) assertThat(apply(id, Optional.of(lease.token()), then, Optional.empty(), T0)).isTrue();
            }
        }
        assertThat(task(id).state()).isEqualTo(state);
    }

    // ---- expiry and progress

    @Test
    void expiredListsLeasesThatRanOutAndNextExpiryIsTheEarliest() {
        create(job("j", "1-3", 1));
        assertThat(store.nextExpiry()).isEmpty();
        Lease a = lease("w1", T0);
        Lease b = lease("w2", T0.plusSeconds(10));
        assertThat(store.nextExpiry()).contains(T0.plus(TTL));

        assertThat(store.expired(T0.plus(TTL))).as("expiry is exclusive").isEmpty();
        assertThat(store.expired(T0.plus(TTL).plusMillis(1))).extracting(Task::id).containsExactly(a.taskId());
        assertThat(store.expired(T0.plusSeconds(100))).extracting(Task::id).containsExactly(a.taskId(), b.taskId());

        assertThat(apply(a, TaskEvent.COMPLETE, AttemptOutcome.SUCCEEDED, T0.plusSeconds(20))).isTrue();
        assertThat(store.nextExpiry()).contains(T0.plusSeconds(10).plus(TTL));
        store.renew(b.taskId(), b.token(), T0.plusSeconds(30), TTL, Optional.empty());
        assertThat(store.nextExpiry()).contains(T0.plusSeconds(30).plus(TTL));
        assertThat(store.expired(T0.plusSeconds(80))).isEmpty();
        assertThat(apply(b, TaskEvent.EXPIRE, AttemptOutcome.LOST, T0.plusSeconds(100))).isTrue();
        assertThat(store.nextExpiry()).isEmpty();
    }

    @Test
    void progressCountsTasksAndFramesByState() {
        create(job("j", "1-10", 3)); // tasks of 3, 3, 3 and 1 frames
        Lease done = lease("w1", T0);
        assertThat(apply(done, TaskEvent.COMPLETE, AttemptOutcome.SUCCEEDED, T0)).isTrue();
        lease("w2", T0);
        assertThat(apply(new TaskId("j", 3), Optional.empty(), TaskEvent.PAUSE, Optional.empty(), T0)).isTrue();

        JobProgress p = store.progress("j");
        assertThat(p.tasks(TaskState.DONE)).isEqualTo(1);
        assertThat(p.tasks(TaskState.LEASED)).isEqualTo(1);
        assertThat(p.tasks(TaskState.QUEUED)).isEqualTo(1);
        assertThat(p.tasks(TaskState.PAUSED)).isEqualTo(1);
        assertThat(p.tasks(TaskState.FAILED)).isZero();
        assertThat(p.framesTotal()).isEqualTo(10);
        assertThat(p.framesDone()).isEqualTo(3);
    }

    // ---- bulk transitions (job actions)

    /** Tasks in every state: 0 LEASED by w1, 1 RUNNING by w2 with progress, 2 DONE, 3 and 4 QUEUED, 5 PAUSED. */
    private List<TaskId> sixTasksInEveryState() {
        create(job("j", "1-6", 1));
        List<TaskId> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) ids.add(new TaskId("j", i));
        assertThat(lease("w1", T0).taskId()).isEqualTo(ids.get(0));
        Lease running = lease("w2", T0);
        assertThat(apply(running.taskId(), Optional.of(running.token()), TaskEvent.START, Optional.empty(), T0)).isTrue();
        assertThat(store.renew(running.taskId(), running.token(), T0.plusSeconds(1), TTL, Optional.of("frame 2"))).isPresent();
        assertThat(apply(lease("w3", T0), TaskEvent.COMPLETE, AttemptOutcome.SUCCEEDED, T0.plusSeconds(2))).isTrue();
        assertThat(apply(ids.get(5), Optional.empty(), TaskEvent.PAUSE, Optional.empty(), T0)).isTrue();
        assertThat(store.tasks("j")).extracting(Task::state).containsExactly(TaskState.LEASED, TaskState.RUNNING,
                TaskState.DONE, TaskState.QUEUED, TaskState.QUEUED, TaskState.PAUSED);
        return ids;
    }

    @Test
    void transitionAllChangesTheTasksInTheGivenStatesAndStopsHeldAttempts() {
        List<TaskId> ids = sixTasksInEveryState();
        Instant paused = T0.plusSeconds(10);

        List<TaskId> changed = store.transitionAll("j", TaskEvent.PAUSE,
                EnumSet.of(TaskState.QUEUED, TaskState.LEASED, TaskState.RUNNING), Optional.empty(), paused);

        assertThat(changed).containsExactly(ids.get(0), ids.get(1), ids.get(3), ids.get(4));
        assertThat(store.tasks("j")).extracting(Task::state).containsExactly(TaskState.PAUSED, TaskState.PAUSED,
                TaskState.DONE, TaskState.PAUSED, TaskState.PAUSED, TaskState.PAUSED);
        for (int i : List.of(0, 1)) {
            Task t = task(ids.get(i));
            assertThat(t).as("held task %d lets go of its lease but keeps its token", i).isEqualTo(new Task(ids.get(i),
                    List.of(i + 1), TaskState.PAUSED, 1, 0, Optional.empty(), Optional.empty(), Optional.empty()));
            assertThat(store.attempts(ids.get(i))).singleElement().satisfies(a -> {
                assertThat(a.outcome()).isEqualTo(AttemptOutcome.STOPPED);
                assertThat(a.endedAt()).contains(paused);
                assertThat(a.message()).contains("stopped: task paused");
            });
            assertThat(store.renew(ids.get(i), 1, paused, TTL, Optional.empty())).as("the old holder is out").isEmpty();
        }
        assertThat(store.attempts(ids.get(2))).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED));
        assertThat(store.outputs("j")).isEmpty(); // the DONE task completed without outputs; RETRY is not involved
        assertThat(store.nextExpiry()).isEmpty();

        assertThat(store.transitionAll("j", TaskEvent.RESUME, EnumSet.of(TaskState.PAUSED), Optional.empty(), paused))
                .containsExactly(ids.get(0), ids.get(1), ids.get(3), ids.get(4), ids.get(5));
        assertThat(store.tasks("j")).extracting(Task::state).containsExactly(TaskState.QUEUED, TaskState.QUEUED,
                TaskState.DONE, TaskState.QUEUED, TaskState.QUEUED, TaskState.QUEUED);
        assertThat(store.attempts(ids.get(0))).as("resuming a queued task closes nothing").singleElement()
                .satisfies(a -> assertThat(a.endedAt()).contains(paused));
        assertThat(lease("w1", paused).token()).as("a resumed task leases with the next token").isEqualTo(2);
    }

    @Test
    void transitionAllCancelsHeldTasksToo() {
        List<TaskId> ids = sixTasksInEveryState();
        List<TaskId> changed = store.transitionAll("j", TaskEvent.CANCEL, EnumSet.allOf(TaskState.class), Optional.empty(),
                T0.plusSeconds(10));
        assertThat(changed).as("every state CANCEL allows; DONE is not one").containsExactly(ids.get(0), ids.get(1),
                ids.get(3), ids.get(4), ids.get(5));
        assertThat(store.progress("j").tasks(TaskState.CANCELED)).isEqualTo(5);
        assertThat(store.attempts(ids.get(1))).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.STOPPED));
        assertThat(store.transition(ids.get(1), Optional.of(1L), TaskEvent.COMPLETE, Optional.of(AttemptOutcome.SUCCEEDED),
                AttemptReport.empty(), List.of(), T0.plusSeconds(11))).as("a late completion is refused").isFalse();
        assertThat(store.leaseNext("w", T0.plusSeconds(11), TTL)).isEmpty();
    }

    @Test
    void transitionAllHonoursTheFromStatesAndTheFramesFilter() {
        create(job("j", "1-10", 2)); // [1,2] [3,4] [5,6] [7,8] [9,10]
        create(job("other", "1-10", 2));
        Instant now = T0.plusSeconds(1);

        assertThat(store.transitionAll("j", TaskEvent.CANCEL, EnumSet.of(TaskState.QUEUED), Optional.of(Set.of(4, 5, 11)), now))
                .containsExactly(new TaskId("j", 1), new TaskId("j", 2));
        assertThat(store.tasks("j")).extracting(Task::state).containsExactly(TaskState.QUEUED, TaskState.CANCELED,
                TaskState.CANCELED, TaskState.QUEUED, TaskState.QUEUED);
        assertThat(store.tasks("other")).as("other jobs are not touched").allSatisfy(t ->
                assertThat(t.state()).isEqualTo(TaskState.QUEUED));

        assertThat(store.transitionAll("j", TaskEvent.CANCEL, EnumSet.of(TaskState.PAUSED), Optional.empty(), now))
                .as("no task is in a from state").isEmpty();
        assertThat(store.transitionAll("j", TaskEvent.RESUME, EnumSet.of(TaskState.QUEUED), Optional.empty(), now))
                .as("RESUME is not allowed from QUEUED").isEmpty();
        assertThat(store.transitionAll("j", TaskEvent.RETRY, EnumSet.of(TaskState.CANCELED), Optional.of(Set.of(99)), now))
                .as("no task renders frame 99").isEmpty();
        assertThat(store.transitionAll("j", TaskEvent.PAUSE, EnumSet.of(TaskState.QUEUED), Optional.of(Set.of()), now))
                .as("an empty frame set matches nothing").isEmpty();
        assertThat(store.transitionAll("j", TaskEvent.CANCEL, EnumSet.noneOf(TaskState.class), Optional.empty(), now)).isEmpty();
        assertThat(store.transitionAll("nope", TaskEvent.CANCEL, EnumSet.allOf(TaskState.class), Optional.empty(), now)).isEmpty();
        assertThat(store.progress("j").tasks(TaskState.CANCELED)).isEqualTo(2);

        assertThat(store.transitionAll("j", TaskEvent.RETRY, EnumSet.of(TaskState.CANCELED), Optional.of(Set.of(6)), now))
                .containsExactly(new TaskId("j", 2));
        assertThat(store.tasks("j")).extracting(Task::state).containsExactly(TaskState.QUEUED, TaskState.CANCELED,
                TaskState.QUEUED, TaskState.QUEUED, TaskState.QUEUED);
    }

    @Test
    void transitionAllRetryRequeuesFinishedTasksResetsFailuresAndDropsOutputs() {
        create(job("j", "1-3", 1));
        TaskId done = new TaskId("j", 0);
        TaskId failed = new TaskId("j", 1);
        TaskId canceled = new TaskId("j", 2);
        Lease d = lease("w1", T0);
        assertThat(store.transition(done, Optional.of(d.token()), TaskEvent.COMPLETE, Optional.of(AttemptOutcome.SUCCEEDED),
                AttemptReport.empty(), List.of(output(done, 1, 1)), T0.plusSeconds(1))).isTrue();
        assertThat(apply(lease("w1", T0), TaskEvent.FAIL_RETRY, AttemptOutcome.FAILED, T0.plusSeconds(1))).isTrue();
        assertThat(apply(lease("w2", T0.plusSeconds(2)), TaskEvent.FAIL_FINAL, AttemptOutcome.CRASHED, T0.plusSeconds(3))).isTrue();
        assertThat(apply(canceled, Optional.empty(), TaskEvent.CANCEL, Optional.empty(), T0)).isTrue();
        assertThat(task(failed).failures()).isEqualTo(2);
        assertThat(store.outputs("j")).hasSize(1);

        List<TaskId> changed = store.transitionAll("j", TaskEvent.RETRY,
                EnumSet.of(TaskState.DONE, TaskState.FAILED, TaskState.CANCELED), Optional.of(Set.of(1, 2)), T0.plusSeconds(5));

        assertThat(changed).containsExactly(done, failed);
        assertThat(task(done)).isEqualTo(queued(done, List.of(1), 1, 0));
        assertThat(task(failed)).isEqualTo(queued(failed, List.of(2), 2, 0));
        assertThat(task(canceled).state()).as("frame 3 was not asked for").isEqualTo(TaskState.CANCELED);
        assertThat(store.outputs("j")).isEmpty();
        assertThat(store.attempts(done)).as("finished attempts are history, not touched").singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED));
        assertThat(store.attempts(failed)).extracting(Attempt::outcome)
                .containsExactly(AttemptOutcome.FAILED, AttemptOutcome.CRASHED);

        Lease again = lease("w3", T0.plusSeconds(6));
        assertThat(again.taskId()).isEqualTo(done);
        assertThat(again.token()).as("tokens never repeat").isEqualTo(2);
        assertThat(store.transition(done, Optional.of(2L), TaskEvent.COMPLETE, Optional.of(AttemptOutcome.SUCCEEDED),
                AttemptReport.empty(), List.of(), T0.plusSeconds(7))).isTrue();
        assertThat(store.outputs("j")).as("the dropped outputs do not come back").isEmpty();
    }

    // ---- priority and blocklist

    @Test
    void setPriorityReordersLeasing() {
        create(job("old", "1-2", 1, 0, T0));
        create(job("new", "1-2", 1, 0, T0.plusSeconds(1)));
        store.setPriority("new", 3);
        assertThat(store.job("new").orElseThrow().priority()).isEqualTo(3);
        assertThat(lease("w", T0).taskId()).isEqualTo(new TaskId("new", 0));
        store.setPriority("old", 4);
        assertThat(lease("w", T0).taskId()).isEqualTo(new TaskId("old", 0));
        store.setPriority("old", -1);
        assertThat(lease("w", T0).taskId()).isEqualTo(new TaskId("new", 1));
        assertThat(store.job("old")).contains(job("old", "1-2", 1, -1, T0));
        assertThatThrownBy(() -> store.setPriority("nope", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBlocklistedWorkerGetsNothingFromThatJobButDoesFromOthers() {
        create(job("a", "1-2", 1, 5, T0));
        create(job("b", "1", 1, 0, T0));
        assertThat(store.blocklisted("a")).isEmpty();
        store.blocklist("a", "w1");
        store.blocklist("a", "w1"); // twice is once
        store.blocklist("a", "w0");
        assertThat(store.blocklisted("a")).containsExactly("w0", "w1");
        assertThat(store.blocklisted("b")).isEmpty();
        assertThat(store.blocklisted("nope")).isEmpty();
        assertThatThrownBy(() -> store.blocklist("nope", "w1")).isInstanceOf(IllegalArgumentException.class);

        assertThat(store.leaseNext("w1", Optional.of("a"), T0, TTL)).isEmpty();
        assertThat(lease("w1", T0).taskId()).as("the lower-priority job it may still render").isEqualTo(new TaskId("b", 0));
        assertThat(store.leaseNext("w1", T0, TTL)).isEmpty();
        assertThat(lease("w2", T0).taskId()).isEqualTo(new TaskId("a", 0));
        assertThat(store.leaseNext("w2", Optional.of("a"), T0, TTL).orElseThrow().taskId()).isEqualTo(new TaskId("a", 1));
    }

    @Test
    void renderFailuresCountFailedAndCrashedAttemptsOfOneWorkerInOneJob() {
        create(job("j", "1-4", 1, 1, T0));
        create(job("k", "1", 1, 0, T0));
        assertThat(store.renderFailures("j", "w1")).isZero();

        assertThat(apply(lease("w1", T0), TaskEvent.FAIL_RETRY, AttemptOutcome.FAILED, T0)).isTrue();
        assertThat(apply(lease("w1", T0), TaskEvent.FAIL_RETRY, AttemptOutcome.CRASHED, T0)).isTrue();
        assertThat(apply(lease("w1", T0), TaskEvent.EXPIRE, AttemptOutcome.LOST, T0)).isTrue();
        assertThat(apply(lease("w1", T0), TaskEvent.RELEASE, AttemptOutcome.LOST, T0)).isTrue();
        assertThat(apply(lease("w1", T0), TaskEvent.COMPLETE, AttemptOutcome.SUCCEEDED, T0)).isTrue();
        assertThat(apply(lease("w2", T0), TaskEvent.FAIL_FINAL, AttemptOutcome.FAILED, T0)).isTrue();
        lease("w1", T0); // still running: not a failure
        Lease other = lease("w1", T0);
        assertThat(other.taskId().jobId()).isEqualTo("j");
        assertThat(apply(other, TaskEvent.FAIL_FINAL, AttemptOutcome.FAILED, T0)).isTrue();
        assertThat(apply(lease("w1", T0), TaskEvent.FAIL_FINAL, AttemptOutcome.FAILED, T0)).isTrue(); // job k

        // distinct tasks: task 0 (failed, then crashed) and task 3 — a frame failing twice is the frame's problem
        assertThat(store.renderFailures("j", "w1")).isEqualTo(2);
        assertThat(store.renderFailures("j", "w2")).isEqualTo(1);
        assertThat(store.renderFailures("k", "w1")).isEqualTo(1);
        assertThat(store.renderFailures("k", "w2")).isZero();
        assertThat(store.renderFailures("nope", "w1")).isZero();
    }

    // ---- workers

    @Test
    void touchWorkerRegistersAndKeepsTheFirstSighting() {
        assertThat(store.worker("w1")).isEmpty();
        assertThat(store.workers()).isEmpty();
        store.touchWorker("w1", T0);
        store.touchWorker("w0", T0.plusSeconds(5));
        store.touchWorker("w1", T0.plusSeconds(10));

        assertThat(store.worker("w1")).contains(new WorkerInfo("w1", T0, T0.plusSeconds(10), false, Optional.empty()));
        assertThat(store.workers()).extracting(WorkerInfo::name).containsExactly("w0", "w1");
        assertThat(store.workers().get(0)).isEqualTo(new WorkerInfo("w0", T0.plusSeconds(5), T0.plusSeconds(5), false,
                Optional.empty()));
    }

    @Test
    void drainIsAFlagOnTheWorkerThatTouchingKeeps() {
        store.touchWorker("w1", T0);
        store.touchWorker("w2", T0);
        store.setDrain("w1", true);
        assertThat(store.worker("w1").orElseThrow().drain()).isTrue();
        assertThat(store.worker("w2").orElseThrow().drain()).isFalse();
        store.touchWorker("w1", T0.plusSeconds(1));
        assertThat(store.worker("w1").orElseThrow().drain()).isTrue();
        store.setDrain("w1", false);
        assertThat(store.worker("w1").orElseThrow().drain()).isFalse();
        assertThatThrownBy(() -> store.setDrain("nobody", true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.worker("nobody")).isEmpty();
    }

    @Test
    void aWorkerShowsTheTaskItHolds() {
        create(job("j", "1-2", 1));
        store.touchWorker("w1", T0);
        store.touchWorker("w2", T0);
        Lease lease = lease("w1", T0);
        assertThat(store.worker("w1").orElseThrow().task()).contains(lease.taskId());
        assertThat(store.worker("w2").orElseThrow().task()).isEmpty();
        assertThat(apply(lease.taskId(), Optional.of(lease.token()), TaskEvent.START, Optional.empty(), T0)).isTrue();
        assertThat(store.workers()).extracting(WorkerInfo::task)
                .containsExactly(Optional.of(lease.taskId()), Optional.empty());

        assertThat(apply(lease, TaskEvent.COMPLETE, AttemptOutcome.SUCCEEDED, T0.plusSeconds(1))).isTrue();
        assertThat(store.worker("w1").orElseThrow().task()).as("done: holds nothing").isEmpty();
        Lease next = lease("w1", T0.plusSeconds(2));
        assertThat(store.worker("w1").orElseThrow().task()).contains(next.taskId());
        assertThat(apply(next, TaskEvent.EXPIRE, AttemptOutcome.LOST, T0.plusSeconds(100))).isTrue();
        assertThat(store.worker("w1").orElseThrow().task()).isEmpty();
        assertThat(store.workers()).as("leasing alone does not register a worker").extracting(WorkerInfo::name)
                .containsExactly("w1", "w2");
    }

    // ---- hung tasks and restarts

    @Test
    void stalledListsHeldTasksWhoseProgressTextLastChangedBefore() {
        create(job("j", "1-3", 1));
        TaskId a = lease("w1", T0).taskId();
        TaskId b = lease("w2", T0.plusSeconds(10)).taskId(); // c stays queued: never stalled
        assertThat(store.stalled(T0)).as("exclusive").isEmpty();
        assertThat(store.stalled(T0.plusSeconds(1))).extracting(Task::id).containsExactly(a);
        assertThat(store.stalled(T0.plusSeconds(11))).extracting(Task::id).containsExactly(a, b);

        store.renew(a, 1, T0.plusSeconds(20), TTL, Optional.of("sample 1/8"));
        assertThat(store.stalled(T0.plusSeconds(11))).extracting(Task::id).containsExactly(b);
        store.renew(a, 1, T0.plusSeconds(40), TTL, Optional.of("sample 1/8"));
        store.renew(a, 1, T0.plusSeconds(45), TTL, Optional.empty());
        assertThat(store.stalled(T0.plusSeconds(30))).as("the same text, or none, is no progress")
                .extracting(Task::id).containsExactly(a, b);
        store.renew(a, 1, T0.plusSeconds(50), TTL, Optional.of("sample 2/8"));
        assertThat(store.stalled(T0.plusSeconds(30))).extracting(Task::id).containsExactly(b);
        assertThat(store.stalled(T0.plusSeconds(51))).extracting(Task::id).containsExactly(a, b);

        store.renew(b, 1, T0.plusSeconds(50), TTL, Optional.empty());
        assertThat(apply(b, Optional.of(1L), TaskEvent.START, Optional.empty(), T0.plusSeconds(50))).isTrue();
        assertThat(store.stalled(T0.plusSeconds(30))).as("heartbeats and START are not progress")
                .extracting(Task::id).containsExactly(b);
        assertThat(store.renew(b, 0, T0.plusSeconds(55), TTL, Optional.of("stale token"))).isEmpty();
        assertThat(store.stalled(T0.plusSeconds(30))).extracting(Task::id).containsExactly(b);

        assertThat(apply(b, Optional.of(1L), TaskEvent.EXPIRE, Optional.of(AttemptOutcome.LOST), T0.plusSeconds(100))).isTrue();
        assertThat(store.stalled(T0.plusSeconds(200))).as("queued tasks are not stalled").extracting(Task::id).containsExactly(a);
        Lease again = lease("w3", T0.plusSeconds(100)); // lowest queued index: b again
        assertThat(again.taskId()).isEqualTo(b);
        assertThat(store.stalled(T0.plusSeconds(99))).as("a new lease starts a new clock").extracting(Task::id).containsExactly(a);
        assertThat(store.stalled(T0.plusSeconds(101))).extracting(Task::id).containsExactly(a, b);
        store.renew(b, again.token(), T0.plusSeconds(110), TTL, Optional.of("sample 2/8"));
        assertThat(store.stalled(T0.plusSeconds(101))).as("progress text of an earlier attempt is forgotten")
                .extracting(Task::id).containsExactly(a);
    }

    @Test
    void extendActiveLeasesOnlyExtendsHeldLeases() {
        create(job("j", "1-4", 1));
        Lease early = lease("w1", T0);                  // expires T0+60
        Lease late = lease("w2", T0.plusSeconds(100));  // expires T0+160
        assertThat(apply(lease("w3", T0), TaskEvent.COMPLETE, AttemptOutcome.SUCCEEDED, T0)).isTrue(); // task 2 done; 3 queued

        assertThat(store.extendActiveLeases(T0.plusSeconds(120))).isEqualTo(1);
        assertThat(task(early.taskId()).leaseExpiresAt()).contains(T0.plusSeconds(120));
        assertThat(task(late.taskId()).leaseExpiresAt()).as("never shortened").contains(T0.plusSeconds(160));
        assertThat(task(new TaskId("j", 2)).leaseExpiresAt()).isEmpty();
        assertThat(task(new TaskId("j", 3)).leaseExpiresAt()).isEmpty();
        assertThat(store.expired(T0.plusSeconds(100))).isEmpty();
        assertThat(store.nextExpiry()).contains(T0.plusSeconds(120));

        assertThat(store.extendActiveLeases(T0.plusSeconds(50))).isZero();
        assertThat(store.extendActiveLeases(T0.plusSeconds(120))).as("already there").isZero();
        assertThat(task(early.taskId()).leaseExpiresAt()).contains(T0.plusSeconds(120));
        assertThat(task(early.taskId()).token()).isEqualTo(early.token());
        assertThat(store.renew(early.taskId(), early.token(), T0.plusSeconds(110), TTL, Optional.empty()))
                .contains(T0.plusSeconds(170));
    }

    // ---- concurrency

    @Test
    void concurrentLeasesHandEveryTaskOutExactlyOnce() throws Exception {
        leaseEverythingConcurrently(List.of(store));
    }

    @Test
    void twoStoresOnOneDatabaseHandEveryTaskOutExactlyOnce() throws Exception {
        leaseEverythingConcurrently(List.of(store, another()));
    }

    private void leaseEverythingConcurrently(List<JobStore> stores) throws Exception {
        create(job("j", "1-" + CONCURRENT_TASKS, 1));
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Lease>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < CONCURRENT_THREADS; t++) {
                JobStore s = stores.get(t % stores.size());
                String worker = "w" + t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<Lease> mine = new ArrayList<>();
                    for (Optional<Lease> l; (l = s.leaseNext(worker, T0, TTL)).isPresent(); ) mine.add(l.get());
                    return mine;
                }));
            }
            start.countDown();
            List<Lease> all = new ArrayList<>();
            for (Future<List<Lease>> f : results) all.addAll(f.get(1, TimeUnit.MINUTES));

            assertThat(all).hasSize(CONCURRENT_TASKS);
            assertThat(all).extracting(Lease::taskId).doesNotHaveDuplicates();
            assertThat(all).allSatisfy(l -> assertThat(l.token()).isEqualTo(1));
            for (Lease l : all) {
                assertThat(task(l.taskId()).worker()).contains(l.worker());
                assertThat(store.attempts(l.taskId())).singleElement()
                        .satisfies(a -> assertThat(a.worker()).isEqualTo(l.worker()));
            }
            assertThat(store.progress("j").tasks(TaskState.LEASED)).isEqualTo(CONCURRENT_TASKS);
        } finally {
            pool.shutdownNow();
        }
    }
}
