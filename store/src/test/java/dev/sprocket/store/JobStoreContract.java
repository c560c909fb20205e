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
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.port.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
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
