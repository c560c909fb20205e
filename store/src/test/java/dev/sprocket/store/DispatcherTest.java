package dev.sprocket.store;

import dev.sprocket.core.dispatch.CompletionResult;
import dev.sprocket.core.dispatch.DispatchSettings;
import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.dispatch.ConflictException;
import dev.sprocket.core.dispatch.NotFoundException;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.JobProgress;
import dev.sprocket.core.domain.Task;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.TaskEvent;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.port.BlobKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.sprocket.store.Jobs.T0;
import static dev.sprocket.store.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The dispatch policy over the real SQLite store, with a hand-moved clock instead of sleeps. */
class DispatcherTest {
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration NO_WAIT = Duration.ZERO;

    @TempDir Path dir;
    private final TestClock clock = new TestClock(T0);
    private SqliteJobStore store;
    private Dispatcher dispatcher;

    @BeforeEach
    void open() {
        store = new SqliteJobStore(dir.resolve("sprocket.db"));
        dispatcher = new Dispatcher(store, clock, DispatchSettings.defaults().withLeaseTtl(TTL).withMaxAttempts(MAX_ATTEMPTS));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Lease lease(String worker) throws InterruptedException {
        return dispatcher.lease(worker, NO_WAIT).orElseThrow(() -> new AssertionError("nothing to lease"));
    }

    private CompletionResult complete(Lease lease) {
        TaskId id = lease.taskId();
        List<OutputFile> outputs = lease.task().frames().stream().map(f -> {
            String name = OutputFormat.PNG.fileName(f);
            return new OutputFile(f, name, BlobKeys.output(id, lease.token(), name), "%064x".formatted(f), f);
        }).toList();
        return dispatcher.complete(id, lease.token(), outputs, AttemptReport.empty());
    }

    private JobState jobState(String id) {
        return store.job(id).orElseThrow().state();
    }

    @Test
    void onlyRealFailuresCountAgainstRetries() throws Exception {
        dispatcher.submit(job("j", "1", 1));
        TaskId id = new TaskId("j", 0);

        dispatcher.fail(id, lease("w1").token(), AttemptOutcome.FAILED, AttemptReport.message("Error: boom"));
        assertThat(store.task(id).orElseThrow().failures()).isEqualTo(1);

        lease("w2");
        clock.advance(TTL.plusSeconds(1)); // w2 vanished
        assertThat(dispatcher.expireLeases()).isEqualTo(1);
        lease("w3");
        dispatcher.release(id, 3, AttemptReport.message("worker shutting down"));
        assertThat(store.task(id).orElseThrow().failures()).as("lost and released leases are not failures").isEqualTo(1);

        dispatcher.fail(id, lease("w4").token(), AttemptOutcome.CRASHED, AttemptReport.message("signal 11"));
        assertThat(store.task(id).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
        dispatcher.fail(id, lease("w5").token(), AttemptOutcome.FAILED, AttemptReport.message("Error: boom"));

        assertThat(store.task(id).orElseThrow().state()).isEqualTo(TaskState.FAILED);
        assertThat(store.task(id).orElseThrow().failures()).isEqualTo(MAX_ATTEMPTS);
        assertThat(store.attempts(id)).extracting(Attempt::outcome).containsExactly(AttemptOutcome.FAILED,
                AttemptOutcome.LOST, AttemptOutcome.LOST, AttemptOutcome.CRASHED, AttemptOutcome.FAILED);
        assertThat(jobState("j")).isEqualTo(JobState.FAILED);
    }

    @Test
    void aTaskOutOfAttemptsFailsTheJobOnceTheRestAreDone() throws Exception {
        dispatcher.submit(job("j", "1-2", 1));
        TaskId failing = new TaskId("j", 0);
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            // The requeued task 0 comes first again (lowest index). A new worker each time: one that failed
            // blocklistAfter tasks of the job would get none of its tasks any more.
            Lease l = lease("w" + i);
            assertThat(l.taskId()).isEqualTo(failing);
            dispatcher.fail(l.taskId(), l.token(), AttemptOutcome.FAILED, AttemptReport.message("Error"));
        }
        assertThat(store.task(failing).orElseThrow().state()).isEqualTo(TaskState.FAILED);
        assertThat(jobState("j")).as("task 1 is still open").isEqualTo(JobState.ACTIVE);

        assertThat(complete(lease("w"))).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("j")).isEqualTo(JobState.FAILED);
        assertThat(store.outputs("j")).extracting(OutputFile::frame).containsExactly(2);
    }

    @Test
    void theJobCompletesWhenEveryTaskIsDone() throws Exception {
        dispatcher.submit(job("j", "1-5", 2));
        Lease a = lease("w1");
        Lease b = lease("w2");
        Lease c = lease("w1");
        assertThat(dispatcher.lease("w3", NO_WAIT)).isEmpty();
        assertThat(complete(b)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(complete(a)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("j")).isEqualTo(JobState.ACTIVE);
        assertThat(complete(c)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("j")).isEqualTo(JobState.COMPLETED);
        assertThat(store.outputs("j")).extracting(OutputFile::frame).containsExactly(1, 2, 3, 4, 5);
        assertThat(store.progress("j").framesDone()).isEqualTo(5);
    }

    @Test
    void anExpiredLeaseIsRequeuedAndTheOldHolderIsFencedOut() throws Exception {
        dispatcher.submit(job("j", "1", 1));
        Lease old = lease("w1");
        assertThat(dispatcher.heartbeat(old.taskId(), old.token(), Optional.of("frame 1"))).isTrue();

        clock.advance(TTL.plusSeconds(1));
        Lease fresh = lease("w2"); // leasing sweeps expired leases first
        assertThat(fresh.taskId()).isEqualTo(old.taskId());
        assertThat(fresh.token()).isEqualTo(old.token() + 1);
        assertThat(fresh.task().failures()).isZero();

        assertThat(dispatcher.heartbeat(old.taskId(), old.token(), Optional.empty())).isFalse();
        assertThat(dispatcher.started(old.taskId(), old.token())).isFalse();
        assertThat(complete(old)).isEqualTo(CompletionResult.STALE);
        assertThat(jobState("j")).isEqualTo(JobState.ACTIVE);
        assertThat(complete(fresh)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("j")).isEqualTo(JobState.COMPLETED);
        assertThat(store.outputs("j")).singleElement()
                .satisfies(o -> assertThat(o.key()).isEqualTo(BlobKeys.output(fresh.taskId(), fresh.token(), "frame_0001.png")));
        assertThat(store.attempts(old.taskId())).extracting(Attempt::outcome)
                .containsExactly(AttemptOutcome.LOST, AttemptOutcome.SUCCEEDED);
    }

    @Test
    void startedMovesToRunningAndHeartbeatsKeepTheLease() throws Exception {
        dispatcher.submit(job("j", "1", 1));
        Lease l = lease("w1");
        assertThat(dispatcher.started(l.taskId(), l.token())).isTrue();
        assertThat(store.task(l.taskId()).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
        for (int i = 0; i < 3; i++) {
            clock.advance(TTL.dividedBy(2));
            assertThat(dispatcher.heartbeat(l.taskId(), l.token(), Optional.empty())).isTrue();
            assertThat(dispatcher.expireLeases()).isZero();
        }
        assertThat(complete(l)).isEqualTo(CompletionResult.ACCEPTED);
    }

    @Test
    void aWaitingWorkerGetsASubmittedJobAtOnce() throws Exception {
        Duration wait = Duration.ofSeconds(30);
        // Sweeps as rare as the wait: only the submit's wake-up can end the wait early.
        DispatchSettings d = DispatchSettings.defaults();
        Dispatcher waiting = new Dispatcher(store, clock, new DispatchSettings(TTL, MAX_ATTEMPTS, wait, d.heartbeatEvery(),
                d.blocklistAfter(), d.jobFailureRatio(), d.jobFailureMinimum(), d.hungAfter()));
        ExecutorService threads = Executors.newFixedThreadPool(2); // not the common pool: it may have one thread
        try {
            AtomicReference<Thread> worker = new AtomicReference<>();
            Future<Optional<Lease>> leased = threads.submit(() -> {
                worker.set(Thread.currentThread());
                return waiting.lease("w1", wait);
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.get() != null
                    && worker.get().getState() == Thread.State.TIMED_WAITING);
            assertThat(leased).isNotDone();

            long submitted = System.nanoTime();
            threads.submit(() -> waiting.submit(job("j", "1", 1))).get(10, TimeUnit.SECONDS);
            Optional<Lease> lease = leased.get(wait.toSeconds() / 3, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - submitted);

            assertThat(lease).hasValueSatisfying(l -> assertThat(l.taskId()).isEqualTo(new TaskId("j", 0)));
            assertThat(took).isLessThan(wait.dividedBy(10));
        } finally {
            threads.shutdownNow();
        }
    }

    // ---- job actions

    private Dispatcher dispatcher(DispatchSettings settings) {
        return new Dispatcher(store, clock, settings);
    }

    /** {@code settings} with another sweep interval (no wither in core). */
    private static DispatchSettings sweepingEvery(DispatchSettings s, Duration sweepEvery) {
        return new DispatchSettings(s.leaseTtl(), s.maxAttempts(), sweepEvery, s.heartbeatEvery(), s.blocklistAfter(),
                s.jobFailureRatio(), s.jobFailureMinimum(), s.hungAfter());
    }

    private List<TaskState> states(String jobId) {
        return store.tasks(jobId).stream().map(Task::state).toList();
    }

    private List<AttemptOutcome> outcomes(TaskId id) {
        return store.attempts(id).stream().map(Attempt::outcome).toList();
    }

    @Test
    void pauseStopsHandingOutAndStopsHeldTasksAndResumeRequeuesThem() throws Exception {
        dispatcher.submit(job("j", "1-4", 1));
        Lease running = lease("w1");
        assertThat(dispatcher.started(running.taskId(), running.token())).isTrue();
        Lease leased = lease("w2");
        assertThat(complete(lease("w3"))).isEqualTo(CompletionResult.ACCEPTED);

        assertThat(dispatcher.pause("j").state()).isEqualTo(JobState.PAUSED);
        assertThat(states("j")).containsExactly(TaskState.PAUSED, TaskState.PAUSED, TaskState.DONE, TaskState.PAUSED);
        assertThat(dispatcher.lease("w4", NO_WAIT)).isEmpty();
        assertThat(dispatcher.heartbeat(running.taskId(), running.token(), Optional.of("frame 1"))).as("tells w1 to stop").isFalse();
        assertThat(dispatcher.started(leased.taskId(), leased.token())).isFalse();
        assertThat(complete(running)).isEqualTo(CompletionResult.STALE);
        assertThat(outcomes(running.taskId())).containsExactly(AttemptOutcome.STOPPED);
        assertThat(outcomes(leased.taskId())).containsExactly(AttemptOutcome.STOPPED);
        assertThat(dispatcher.pause("j").state()).as("pausing twice is pausing once").isEqualTo(JobState.PAUSED);
        assertThat(store.outputs("j")).extracting(OutputFile::frame).containsExactly(3);

        assertThat(dispatcher.resume("j").state()).isEqualTo(JobState.ACTIVE);
        assertThat(states("j")).containsExactly(TaskState.QUEUED, TaskState.QUEUED, TaskState.DONE, TaskState.QUEUED);
        assertThat(store.task(running.taskId()).orElseThrow().failures()).as("a pause is not a failure").isZero();
        assertThat(dispatcher.resume("j").state()).isEqualTo(JobState.ACTIVE);
        Lease again = lease("w1");
        assertThat(again.taskId()).isEqualTo(running.taskId());
        assertThat(again.token()).isEqualTo(running.token() + 1);
        for (Lease l : List.of(again, lease("w2"), lease("w3"))) assertThat(complete(l)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("j")).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void cancelCancelsQueuedAndHeldTasks() throws Exception {
        dispatcher.submit(job("j", "1-3", 1));
        Lease running = lease("w1");
        assertThat(dispatcher.started(running.taskId(), running.token())).isTrue();
        Lease leased = lease("w2");

        assertThat(dispatcher.cancel("j").state()).isEqualTo(JobState.CANCELED);
        assertThat(states("j")).containsOnly(TaskState.CANCELED);
        assertThat(dispatcher.heartbeat(running.taskId(), running.token(), Optional.empty())).isFalse();
        assertThat(complete(running)).isEqualTo(CompletionResult.STALE);
        dispatcher.fail(leased.taskId(), leased.token(), AttemptOutcome.FAILED, AttemptReport.message("late"));
        assertThat(store.task(leased.taskId()).orElseThrow().failures()).as("a late failure changes nothing").isZero();
        assertThat(outcomes(running.taskId())).containsExactly(AttemptOutcome.STOPPED);
        assertThat(outcomes(leased.taskId())).containsExactly(AttemptOutcome.STOPPED);
        assertThat(dispatcher.lease("w3", NO_WAIT)).isEmpty();
        assertThat(dispatcher.cancel("j").state()).isEqualTo(JobState.CANCELED);
        assertThat(dispatcher.settleJob("j")).isEqualTo(JobState.CANCELED);
        assertThat(store.outputs("j")).isEmpty();
    }

    @Test
    void actionsOnUnknownJobsAreNotFoundAndOnFinishedJobsAreConflicts() throws Exception {
        dispatcher.submit(job("done", "1", 1));
        assertThat(complete(lease("w1"))).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("done")).isEqualTo(JobState.COMPLETED);

        assertThatThrownBy(() -> dispatcher.pause("done")).isInstanceOf(ConflictException.class).hasMessageContaining("COMPLETED");
        assertThatThrownBy(() -> dispatcher.resume("done")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> dispatcher.cancel("done")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> dispatcher.retry("done", Optional.empty())).as("nothing failed")
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> dispatcher.retry("done", Optional.of(FrameSpec.parse("2")))).as("no task renders frame 2")
                .isInstanceOf(ConflictException.class);
        assertThat(jobState("done")).isEqualTo(JobState.COMPLETED);

        for (ThrowingCallable action : List.<ThrowingCallable>of(() -> dispatcher.job("nope"), () -> dispatcher.pause("nope"),
                () -> dispatcher.resume("nope"), () -> dispatcher.cancel("nope"), () -> dispatcher.retry("nope", Optional.empty()),
                () -> dispatcher.setPriority("nope", 1), () -> dispatcher.drain("nobody"))) {
            assertThatThrownBy(action).isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void retryRequeuesFailedTasksAndTheJobIsActiveAgain() throws Exception {
        Dispatcher d = dispatcher(DispatchSettings.defaults().withLeaseTtl(TTL).withMaxAttempts(1));
        d.submit(job("j", "1-3", 1));
        Lease failed = d.lease("w1", NO_WAIT).orElseThrow();
        d.fail(failed.taskId(), failed.token(), AttemptOutcome.FAILED, AttemptReport.message("Error: boom"));
        assertThat(complete(d.lease("w2", NO_WAIT).orElseThrow())).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(complete(d.lease("w3", NO_WAIT).orElseThrow())).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("j")).isEqualTo(JobState.FAILED);

        assertThat(d.retry("j", Optional.empty()).state()).isEqualTo(JobState.ACTIVE);
        assertThat(states("j")).containsExactly(TaskState.QUEUED, TaskState.DONE, TaskState.DONE);
        assertThat(store.task(failed.taskId()).orElseThrow().failures()).as("failures start over").isZero();
        Lease again = d.lease("w4", NO_WAIT).orElseThrow();
        assertThat(again.taskId()).isEqualTo(failed.taskId());
        assertThat(again.token()).isEqualTo(failed.token() + 1);
        assertThat(complete(again)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("j")).isEqualTo(JobState.COMPLETED);
        assertThat(store.outputs("j")).extracting(OutputFile::frame).containsExactly(1, 2, 3);
    }

    @Test
    void retryOfGivenFramesRequeuesTheirTasksEvenDoneOnes() throws Exception {
        dispatcher.submit(job("j", "1-4", 2)); // [1,2] [3,4]
        Lease first = lease("w1");
        Lease second = lease("w2");
        assertThat(complete(first)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(complete(second)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("j")).isEqualTo(JobState.COMPLETED);

        assertThat(dispatcher.retry("j", Optional.of(FrameSpec.parse("4,9"))).state()).isEqualTo(JobState.ACTIVE);
        assertThat(states("j")).containsExactly(TaskState.DONE, TaskState.QUEUED);
        assertThat(store.outputs("j")).as("the redone frames' outputs are dropped").extracting(OutputFile::frame)
                .containsExactly(1, 2);
        Lease redo = lease("w3");
        assertThat(redo.taskId()).isEqualTo(second.taskId());
        assertThat(complete(redo)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("j")).isEqualTo(JobState.COMPLETED);
        assertThat(store.outputs("j")).extracting(OutputFile::key).containsExactly(
                BlobKeys.output(first.taskId(), first.token(), "frame_0001.png"),
                BlobKeys.output(first.taskId(), first.token(), "frame_0002.png"),
                BlobKeys.output(redo.taskId(), redo.token(), "frame_0003.png"),
                BlobKeys.output(redo.taskId(), redo.token(), "frame_0004.png"));

        // On an active job, a given frame retries its task when it is finished, and is refused when it is not.
        assertThat(dispatcher.retry("j", Optional.of(FrameSpec.parse("1"))).state()).isEqualTo(JobState.ACTIVE);
        Lease held = lease("w4");
        assertThatThrownBy(() -> dispatcher.retry("j", Optional.of(FrameSpec.parse("1")))).isInstanceOf(ConflictException.class);
        assertThat(complete(held)).isEqualTo(CompletionResult.ACCEPTED);
    }

    @Test
    void changingPriorityReordersLeasing() throws Exception {
        dispatcher.submit(job("old", "1-2", 1, 0, T0));
        dispatcher.submit(job("new", "1-2", 1, 0, T0.plusSeconds(1)));
        assertThat(lease("w1").taskId()).isEqualTo(new TaskId("old", 0));
        assertThat(dispatcher.setPriority("new", 10).priority()).isEqualTo(10);
        assertThat(lease("w1").taskId()).isEqualTo(new TaskId("new", 0));
        assertThat(lease("w1").taskId()).isEqualTo(new TaskId("new", 1));
        assertThat(lease("w1").taskId()).isEqualTo(new TaskId("old", 1));
    }

    // ---- failure policy

    @Test
    void aWorkerThatFailsBlocklistAfterTasksOfAJobGetsNoMoreOfThem() throws Exception {
        Dispatcher d = dispatcher(DispatchSettings.defaults().withLeaseTtl(TTL).withMaxAttempts(5).withBlocklistAfter(2));
        d.submit(job("j", "1-3", 1, 1, T0));
        d.submit(job("k", "1", 1, 0, T0));
        store.touchWorker("w2", T0); // another worker is around, so blocklisting w1 does not strand the job
        Lease first = d.lease("w1", NO_WAIT).orElseThrow();
        d.fail(first.taskId(), first.token(), AttemptOutcome.CRASHED, AttemptReport.message("signal 9"));
        Lease again = d.lease("w1", NO_WAIT).orElseThrow();
        assertThat(again.taskId()).as("the same task again").isEqualTo(first.taskId());
        Lease second = d.lease("w1", NO_WAIT).orElseThrow();
        assertThat(second.taskId().jobId()).isEqualTo("j");
        d.fail(again.taskId(), again.token(), AttemptOutcome.CRASHED, AttemptReport.message("signal 9"));
        assertThat(store.blocklisted("j")).as("two failures of one task are that task's problem").isEmpty();
        d.fail(second.taskId(), second.token(), AttemptOutcome.FAILED, AttemptReport.message("error"));
        assertThat(store.blocklisted("j")).as("failures on 2 distinct tasks").containsExactly("w1");
        assertThat(store.blocklisted("k")).isEmpty();

        assertThat(d.lease("w1", NO_WAIT).orElseThrow().taskId()).as("other jobs it still gets").isEqualTo(new TaskId("k", 0));
        assertThat(d.lease("w1", NO_WAIT)).as("j has queued tasks, but not for w1").isEmpty();
        Lease other = d.lease("w2", NO_WAIT).orElseThrow();
        assertThat(other.taskId()).isEqualTo(new TaskId("j", 0));
        assertThat(other.task().failures()).isEqualTo(2);
        assertThat(complete(other)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(jobState("j")).isEqualTo(JobState.ACTIVE);
    }

    @Test
    void aJobWhoseLastTaskEndedWithoutSettlingIsSettledByTheSweep() throws Exception {
        Dispatcher d = dispatcher(DispatchSettings.defaults().withLeaseTtl(TTL));
        d.submit(job("j", "1", 1));
        Lease l = d.lease("w", NO_WAIT).orElseThrow();
        // the task moves but the request dies before the job is settled (e.g. an error half-way)
        assertThat(store.transition(l.taskId(), Optional.of(l.token()), TaskEvent.FAIL_FINAL, Optional.of(AttemptOutcome.FAILED),
                AttemptReport.message("boom"), List.of(), T0)).isTrue();
        assertThat(jobState("j")).isEqualTo(JobState.ACTIVE);
        assertThat(d.settleFinishedJobs()).isEqualTo(1);
        assertThat(jobState("j")).isEqualTo(JobState.FAILED);
        assertThat(d.settleFinishedJobs()).isZero();
    }

    @Test
    void aJobEveryWorkerIsBlocklistedForFailsInsteadOfWaitingForever() throws Exception {
        Dispatcher d = dispatcher(DispatchSettings.defaults().withLeaseTtl(TTL).withMaxAttempts(5).withBlocklistAfter(2)
                .withJobFailure(1.0, 100));
        d.submit(job("j", "1-5", 1, 1, T0));
        Lease a = d.lease("only", NO_WAIT).orElseThrow();
        Lease b = d.lease("only", NO_WAIT).orElseThrow();
        d.fail(a.taskId(), a.token(), AttemptOutcome.FAILED, AttemptReport.message("error"));
        assertThat(jobState("j")).isEqualTo(JobState.ACTIVE);
        d.fail(b.taskId(), b.token(), AttemptOutcome.FAILED, AttemptReport.message("error"));
        assertThat(store.blocklisted("j")).containsExactly("only");
        assertThat(jobState("j")).as("no worker may take the rest").isEqualTo(JobState.FAILED);
        assertThat(store.progress("j").tasks(TaskState.QUEUED)).isZero();
    }

    @Test
    void aJobWhoseFailedTasksReachTheLimitStopsAsFailedAndCancelsTheRest() throws Exception {
        DispatchSettings settings = DispatchSettings.defaults().withLeaseTtl(TTL).withMaxAttempts(1).withJobFailure(0.2, 2);
        assertThat(settings.jobFailureLimit(10)).isEqualTo(2);
        Dispatcher d = dispatcher(settings);
        d.submit(job("j", "1-10", 1));
        d.submit(job("other", "1", 1, 0, T0.plusSeconds(1)));

        Lease first = d.lease("w1", NO_WAIT).orElseThrow();
        d.fail(first.taskId(), first.token(), AttemptOutcome.FAILED, AttemptReport.message("Error"));
        assertThat(jobState("j")).as("one failed task is bad luck").isEqualTo(JobState.ACTIVE);
        Lease running = d.lease("w2", NO_WAIT).orElseThrow();
        assertThat(d.started(running.taskId(), running.token())).isTrue();
        Lease second = d.lease("w3", NO_WAIT).orElseThrow();
        d.fail(second.taskId(), second.token(), AttemptOutcome.FAILED, AttemptReport.message("Error"));

        assertThat(jobState("j")).isEqualTo(JobState.FAILED);
        JobProgress p = store.progress("j");
        assertThat(p.tasks(TaskState.FAILED)).isEqualTo(2);
        assertThat(p.tasks(TaskState.CANCELED)).isEqualTo(8);
        assertThat(d.heartbeat(running.taskId(), running.token(), Optional.empty())).as("w2 is told to stop").isFalse();
        assertThat(complete(running)).isEqualTo(CompletionResult.STALE);
        assertThat(outcomes(running.taskId())).containsExactly(AttemptOutcome.STOPPED);
        assertThat(d.lease("w4", NO_WAIT).orElseThrow().taskId().jobId()).as("other jobs go on").isEqualTo("other");
        assertThat(d.lease("w4", NO_WAIT)).isEmpty();
    }

    /** Heartbeats every 30 s for {@code total}, all with the same progress text (or none). */
    private void heartbeatFor(Dispatcher d, Lease lease, Duration total, Optional<String> progress) {
        Duration step = Duration.ofSeconds(30);
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plus(step)) {
            clock.advance(step);
            assertThat(d.heartbeat(lease.taskId(), lease.token(), progress)).isTrue();
        }
    }

    @Test
    void aTaskWhoseProgressStandsStillForHungAfterIsAFailedAttempt() throws Exception {
        Duration hungAfter = Duration.ofMinutes(5);
        // Sweeping on every call: the hung sweep is rate-limited by the real clock, and this test does not sleep.
        Dispatcher d = dispatcher(sweepingEvery(DispatchSettings.defaults().withLeaseTtl(TTL).withHungAfter(hungAfter),
                Duration.ZERO));
        d.submit(job("j", "1", 1));
        TaskId id = new TaskId("j", 0);
        Lease hung = d.lease("w1", NO_WAIT).orElseThrow();
        assertThat(d.started(hung.taskId(), hung.token())).isTrue();
        heartbeatFor(d, hung, Duration.ofMinutes(4), Optional.of("Fra:1 Sample 1/128"));
        heartbeatFor(d, hung, Duration.ofMinutes(4), Optional.of("Fra:1 Sample 2/128")); // moved at 4:30
        assertThat(d.failHungTasks()).as("3.5 minutes without progress").isZero();
        heartbeatFor(d, hung, Duration.ofMinutes(1).plusSeconds(30), Optional.of("Fra:1 Sample 2/128"));
        assertThat(d.failHungTasks()).as("exactly 5 minutes without progress").isZero();
        heartbeatFor(d, hung, Duration.ofSeconds(30), Optional.of("Fra:1 Sample 2/128"));
        assertThat(d.failHungTasks()).as("5.5 minutes without progress").isEqualTo(1);

        assertThat(store.task(id).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
        assertThat(store.task(id).orElseThrow().failures()).as("counts as a failure").isEqualTo(1);
        assertThat(store.renderFailures("j", "w1")).isEqualTo(1);
        assertThat(store.attempts(id)).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(AttemptOutcome.FAILED);
            assertThat(a.message()).hasValueSatisfying(m -> assertThat(m).contains("hung").contains("w1"));
        });
        assertThat(d.heartbeat(hung.taskId(), hung.token(), Optional.of("Fra:1 Sample 3/128"))).isFalse();
        assertThat(complete(hung)).isEqualTo(CompletionResult.STALE);

        // Heartbeats without any progress text keep the lease but not the task: leasing sweeps it as hung.
        Lease silent = d.lease("w2", NO_WAIT).orElseThrow();
        assertThat(silent.token()).isEqualTo(hung.token() + 1);
        heartbeatFor(d, silent, hungAfter.plusSeconds(30), Optional.empty());
        assertThat(d.lease("w3", NO_WAIT)).hasValueSatisfying(l -> {
            assertThat(l.taskId()).isEqualTo(id);
            assertThat(l.task().failures()).isEqualTo(2);
        });
        assertThat(d.heartbeat(silent.taskId(), silent.token(), Optional.empty())).isFalse();
    }

    // ---- restarts and workers

    @Test
    void afterARestartLeasesThatRanOutWhileDownAreExtendedSoLiveWorkersCarryOn() throws Exception {
        dispatcher.submit(job("j", "1-4", 1));
        Lease early = lease("w1");                 // expires T0+60
        assertThat(dispatcher.started(early.taskId(), early.token())).isTrue();
        clock.advance(Duration.ofSeconds(50));
        Lease late = lease("w2");                  // expires T0+110
        Lease fresh = lease("w3");
        clock.advance(Duration.ofSeconds(5));
        assertThat(dispatcher.heartbeat(fresh.taskId(), fresh.token(), Optional.empty())).isTrue(); // expires T0+115

        store.close();                             // the coordinator dies ...
        clock.advance(Duration.ofMinutes(2));      // ... and is back at T0+175
        store = new SqliteJobStore(dir.resolve("sprocket.db"));
        Dispatcher restarted = new Dispatcher(store, clock, dispatcher.settings());
        assertThat(store.expired(clock.instant())).hasSize(3);

        assertThat(restarted.recoverAfterRestart()).isEqualTo(3);
        assertThat(store.expired(clock.instant())).isEmpty();
        assertThat(store.task(early.taskId()).orElseThrow().leaseExpiresAt()).contains(clock.instant().plus(TTL));
        Lease last = restarted.lease("w4", NO_WAIT).orElseThrow();
        assertThat(last.taskId()).as("held tasks are not requeued").isEqualTo(new TaskId("j", 3));
        assertThat(restarted.heartbeat(early.taskId(), early.token(), Optional.of("frame 1"))).isTrue();
        assertThat(restarted.complete(late.taskId(), late.token(), List.of(), AttemptReport.empty()))
                .isEqualTo(CompletionResult.ACCEPTED);

        // w3 really died with the coordinator: one TTL later its task is requeued after all.
        clock.advance(TTL.minusSeconds(1));
        assertThat(restarted.heartbeat(early.taskId(), early.token(), Optional.empty())).isTrue();
        assertThat(restarted.heartbeat(last.taskId(), last.token(), Optional.empty())).isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(restarted.expireLeases()).isEqualTo(1);
        assertThat(store.task(fresh.taskId()).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
        assertThat(store.task(early.taskId()).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void leasingRegistersTheWorkerAndDrainIsVisibleToIt() throws Exception {
        assertThat(dispatcher.draining("w1")).isFalse();
        assertThat(dispatcher.lease("w1", NO_WAIT)).isEmpty();
        assertThat(store.worker("w1")).hasValueSatisfying(w -> {
            assertThat(w.firstSeen()).isEqualTo(T0);
            assertThat(w.lastSeen()).isEqualTo(T0);
            assertThat(w.drain()).isFalse();
            assertThat(w.task()).isEmpty();
        });
        assertThat(dispatcher.draining("w1")).isFalse();

        dispatcher.drain("w1");
        assertThat(dispatcher.draining("w1")).isTrue();
        assertThat(store.worker("w1").orElseThrow().drain()).isTrue();
        assertThat(dispatcher.draining("nobody")).isFalse();
    }

    @Test
    void completingCanLeaseTheWorkersNextTaskInTheSameCall() throws Exception {
        dispatcher.submit(job("j", "1-3", 1));
        Lease first = lease("w1");
        Dispatcher.Completion done = dispatcher.complete(first.taskId(), first.token(), List.of(), AttemptReport.empty(),
                Optional.of("w1"));
        assertThat(done.result()).isEqualTo(CompletionResult.ACCEPTED);
        Lease next = done.next().orElseThrow();
        assertThat(next.taskId()).isEqualTo(new TaskId("j", 1));
        assertThat(next.worker()).isEqualTo("w1");
        assertThat(store.task(first.taskId()).orElseThrow().state()).isEqualTo(TaskState.DONE);
        assertThat(store.task(next.taskId()).orElseThrow()).satisfies(t -> {
            assertThat(t.state()).isEqualTo(TaskState.LEASED);
            assertThat(t.token()).isEqualTo(next.token());
            assertThat(t.worker()).contains("w1");
        });
        assertThat(store.attempts(next.taskId())).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.RUNNING));

        Lease last = dispatcher.complete(next.taskId(), next.token(), List.of(), AttemptReport.empty(), Optional.of("w1"))
                .next().orElseThrow();
        Dispatcher.Completion end = dispatcher.complete(last.taskId(), last.token(), List.of(), AttemptReport.empty(),
                Optional.of("w1"));
        assertThat(end.next()).isEmpty(); // nothing left
        assertThat(jobState("j")).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void theNextLeaseMayBeOfAnotherJobAndTheFinishedJobIsStillSettled() throws Exception {
        dispatcher.submit(job("a", "1", 1));
        Lease a = lease("w1");
        dispatcher.submit(job("b", "1", 1));
        Lease b = dispatcher.complete(a.taskId(), a.token(), List.of(), AttemptReport.empty(), Optional.of("w1"))
                .next().orElseThrow();
        assertThat(b.taskId().jobId()).isEqualTo("b");
        assertThat(jobState("a")).isEqualTo(JobState.COMPLETED);
        assertThat(jobState("b")).isEqualTo(JobState.ACTIVE);
    }

    @Test
    void aDrainingWorkerAndAStaleCompletionGetNoNextLease() throws Exception {
        dispatcher.submit(job("j", "1-4", 1));
        Lease first = lease("w1");
        dispatcher.drain("w1");
        Dispatcher.Completion drained = dispatcher.complete(first.taskId(), first.token(), List.of(), AttemptReport.empty(),
                Optional.of("w1"));
        assertThat(drained.result()).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(drained.next()).isEmpty();

        Lease second = lease("w2");
        clock.advance(TTL.plusSeconds(1));
        assertThat(dispatcher.expireLeases()).isEqualTo(1);
        Dispatcher.Completion stale = dispatcher.complete(second.taskId(), second.token(), List.of(), AttemptReport.empty(),
                Optional.of("w2"));
        assertThat(stale.result()).isEqualTo(CompletionResult.STALE);
        assertThat(stale.next()).isEmpty();
        assertThat(store.tasks("j").stream().filter(t -> t.state() == TaskState.LEASED)).isEmpty();
    }

    @Test
    void theSameCompletionSentAgainIsAcceptedAgainAndChangesNothing() throws Exception {
        dispatcher.submit(job("j", "1-2", 1));
        Lease l = lease("w1");
        assertThat(complete(l)).isEqualTo(CompletionResult.ACCEPTED);
        List<OutputFile> accepted = store.outputs("j");
        assertThat(accepted).hasSize(1);
        // Its answer was lost (a dropped connection): the worker sends it again. It must not read as stale, or the
        // server would delete the accepted frame's files.
        assertThat(complete(l)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(store.outputs("j")).isEqualTo(accepted);
        assertThat(store.attempts(l.taskId())).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED));
        // An older token of a task completed since is still stale.
        Lease other = lease("w2");
        clock.advance(TTL.plusSeconds(1));
        dispatcher.expireLeases();
        Lease again = lease("w3");
        assertThat(complete(again)).isEqualTo(CompletionResult.ACCEPTED);
        assertThat(dispatcher.complete(other.taskId(), other.token(), List.of(), AttemptReport.empty()))
                .isEqualTo(CompletionResult.STALE);
    }
}
