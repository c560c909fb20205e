package dev.sprocket.store;

import dev.sprocket.core.dispatch.CompletionResult;
import dev.sprocket.core.dispatch.DispatchSettings;
import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.OutputFormat;
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
            Lease l = lease("w"); // the requeued task 0 comes first again: lowest index
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
        Dispatcher waiting = new Dispatcher(store, clock, new DispatchSettings(TTL, MAX_ATTEMPTS, wait));
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
}
