package dev.sprocket.client;

import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.stage.Hashing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's side of the API, against a real coordinator: leases, fencing, drain, and riding out a restart. */
class HttpWorkSourceTest {
    @TempDir Path dir;
    TestCoordinator coordinator;
    CoordinatorClient client;
    HttpWorkSource source;
    HttpBlobStore blobs;

    @BeforeEach void start() throws IOException {
        coordinator = new TestCoordinator(dir.resolve("data"));
        client = coordinator.client();
        source = new HttpWorkSource(client);
        blobs = new HttpBlobStore(client);
        source.register("w1");
    }

    @AfterEach void stop() {
        client.close();
        coordinator.close();
    }

    private Job submit(String frames) throws IOException {
        return TestCoordinator.submit(client, TestCoordinator.project(dir.resolve("project"), "p"), frames, 0);
    }

    /** Uploads one "frame" for the lease, as a worker does, and returns its description. */
    private OutputFile upload(Lease lease, int frame, String content) throws IOException {
        Path file = Files.writeString(dir.resolve("frame-" + frame + "-" + lease.token() + ".png"), content);
        String name = String.format("frame_%04d.png", frame);
        String key = BlobKeys.output(lease.taskId(), lease.token(), name);
        blobs.put(key, file);
        return new OutputFile(frame, name, key, Hashing.sha256(file), Files.size(file));
    }

    @Test void anEmptyQueueAnswersAfterTheWait() throws InterruptedException {
        long t0 = System.nanoTime();
        assertThat(source.lease("w1", Duration.ofMillis(400))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(350), Duration.ofSeconds(5));
        assertThat(source.drainRequested("w1")).isFalse();
    }

    @Test void aWaitingWorkerGetsANewTaskAtOnce() throws Exception {
        CompletableFuture<Optional<Lease>> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return source.lease("w1", Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        long t0 = System.nanoTime();
        Job job = submit("5");
        Optional<Lease> lease = poll.get(10, TimeUnit.SECONDS);
        assertThat(lease).hasValueSatisfying(l -> assertThat(l.job().id()).isEqualTo(job.id()));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test void aCompletionFetchesTheNextTaskAheadAndAStoppingWorkerHandsItBack() throws Exception {
        Job job = submit("1-3");
        Lease first = source.lease("w1", Duration.ofSeconds(5)).orElseThrow();
        assertThat(source.complete(first, List.of(upload(first, 1, "one")), AttemptReport.empty())).isTrue();
        // The next task came with the completion: it is held for w1 already, and lease() hands it out without asking.
        assertThat(client.job(job.id()).tasks().orElseThrow().get(1).state()).isEqualTo(TaskState.LEASED);
        Lease second = source.lease("w1", Duration.ZERO).orElseThrow();
        assertThat(second.taskId()).isEqualTo(new TaskId(job.id(), 1));
        assertThat(source.complete(second, List.of(upload(second, 2, "two")), AttemptReport.empty())).isTrue();

        // The worker stops before starting the third: it goes back to the queue at once, not after a lease TTL.
        source.signOff("w1");
        Task third = client.job(job.id()).tasks().orElseThrow().get(2);
        assertThat(third.state()).isEqualTo(TaskState.QUEUED);
        assertThat(client.attempts(job.id(), OptionalInt.of(3))).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.LOST));
    }

    @Test void aTaskRunsItsWholeLifeThroughTheApi() throws Exception {
        Job job = submit("7");
        Lease lease = source.lease("w1", Duration.ofSeconds(5)).orElseThrow();
        assertThat(lease.task().frames()).containsExactly(7);
        assertThat(source.started(lease)).isTrue();
        assertThat(source.heartbeat(lease, Optional.of("frame 7, sample 3/8"))).isTrue();
        assertThat(client.job(job.id()).tasks().orElseThrow().getFirst().progress()).contains("frame 7, sample 3/8");

        OutputFile out = upload(lease, 7, "pixels of frame 7");
        String logKey = BlobKeys.log(lease.taskId(), lease.token());
        blobs.putBytes(logKey, "Blender log\n".getBytes(StandardCharsets.UTF_8));
        AttemptReport report = new AttemptReport(Optional.empty(), Optional.of(logKey), Optional.of("3.4.1"), Optional.empty(), Optional.of(0.5));
        assertThat(source.complete(lease, List.of(out), report)).isTrue();

        assertThat(client.job(job.id()).job().state()).isEqualTo(JobState.COMPLETED);
        assertThat(client.outputs(job.id())).containsExactly(out);
        List<Attempt> attempts = client.attempts(job.id(), OptionalInt.of(7));
        assertThat(attempts).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
            assertThat(a.worker()).isEqualTo("w1");
            assertThat(a.logKey()).contains(logKey);
        });
        assertThat(blobs.readBytes(logKey)).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("Blender log\n"));
        Path fetched = dir.resolve("fetched.png");
        blobs.get(out.key(), fetched);
        assertThat(Hashing.sha256(fetched)).isEqualTo(out.sha256());
        assertThat(blobs.exists(out.key())).isTrue();
        assertThat(blobs.size(out.key())).contains(out.size());
        blobs.delete(out.key()); // a no-op: the coordinator keeps what it accepted
        assertThat(blobs.exists(out.key())).isTrue();
    }

    @Test void aFailureCountsAndAReleaseDoesNot() throws Exception {
        Job job = submit("1");
        Lease first = source.lease("w1", Duration.ofSeconds(5)).orElseThrow();
        source.fail(first, AttemptOutcome.FAILED, AttemptReport.message("Error: boom"));
        Lease second = source.lease("w1", Duration.ofSeconds(5)).orElseThrow();
        assertThat(second.token()).isGreaterThan(first.token());
        source.release(second, AttemptReport.message("shutting down"));
        var task = client.job(job.id()).tasks().orElseThrow().getFirst();
        assertThat(task.state()).isEqualTo(TaskState.QUEUED);
        assertThat(task.failures()).isEqualTo(1);
        assertThat(client.attempts(job.id(), OptionalInt.empty())).extracting(Attempt::outcome)
                .containsExactly(AttemptOutcome.FAILED, AttemptOutcome.LOST);
    }

    @Test void aLostLeaseStopsHeartbeatsAndItsResultIsRefused() throws Exception {
        Job job = submit("3");
        Lease lease = source.lease("w1", Duration.ofSeconds(5)).orElseThrow();
        assertThat(source.started(lease)).isTrue();
        client.cancel(job.id());
        assertThat(source.heartbeat(lease, Optional.empty())).as("409: stop Blender").isFalse();
        assertThatThrownBy(() -> upload(lease, 3, "too late")).isInstanceOf(IOException.class).hasMessageContaining("upload of");
        assertThat(source.complete(lease, List.of(), AttemptReport.empty())).isFalse();
        // an unknown task: 404, also "stop"
        Lease ghost = new Lease(lease.job(), new dev.sprocket.core.domain.Task(new TaskId(job.id(), 99), List.of(1), TaskState.RUNNING, 1, 0,
                Optional.of("w1"), Optional.empty(), Optional.empty()), "w1", 1, Instant.now());
        assertThat(source.heartbeat(ghost, Optional.empty())).isFalse();
    }

    @Test void drainIsNoticedOnTheNextPoll() throws Exception {
        client.drain("w1");
        assertThat(source.lease("w1", Duration.ofSeconds(5))).isEmpty();
        assertThat(source.drainRequested("w1")).isTrue();
    }

    @Test void aDrainReachesAWorkerWaitingForWorkAndRegisteringAgainDoesNotUndoIt() throws Exception {
        CompletableFuture<Optional<Lease>> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return source.lease("w1", Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        long t0 = System.nanoTime();
        client.drain("w1");
        assertThat(poll.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(source.drainRequested("w1")).isTrue();
        source.register("w1"); // Worker.run registers too: that must not clear the drain
        assertThat(client.workers()).singleElement().satisfies(w -> assertThat(w.drain()).isTrue());
    }

    @Test void stopLeasingAbandonsAPollInProgress() throws Exception {
        CompletableFuture<Optional<Lease>> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return source.lease("w1", Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        long t0 = System.nanoTime();
        source.stopLeasing();
        assertThat(poll.get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(source.drainRequested("w1")).isTrue();
        assertThat(source.lease("w1", Duration.ofSeconds(30))).isEmpty();

        // The abandoned request is really gone (its connection closed): a task that comes now is not handed to it
        // (or, if the coordinator's waiting handler took it, the failed delivery hands it back at once), so the
        // next worker gets it — not only after the lease expired.
        Job job = submit("9");
        Thread.sleep(300);
        HttpWorkSource other = new HttpWorkSource(client);
        other.register("w2");
        Optional<Lease> next = other.lease("w2", Duration.ofSeconds(10));
        assertThat(next).hasValueSatisfying(l -> assertThat(l.job().id()).isEqualTo(job.id()));
    }

    @Test void anInterruptedPollHandsBackTheTaskItStillBrings() throws Exception {
        Thread poller = new Thread(() -> {
            try {
                source.lease("w1", Duration.ofSeconds(30));
            } catch (InterruptedException expected) {
                // the worker is being stopped
            }
        });
        poller.start();
        Thread.sleep(300);
        poller.interrupt();
        poller.join(2000);
        assertThat(poller.isAlive()).as("an interrupt ends the wait at once").isFalse();
        // The coordinator is still waiting to answer that poll: the task goes to it, and comes straight back.
        Job job = submit("6");
        assertThat(source.awaitAbandoned(Duration.ofSeconds(10))).isTrue();
        assertThat(client.attempts(job.id(), OptionalInt.empty())).singleElement().satisfies(a -> {
            assertThat(a.worker()).isEqualTo("w1");
            assertThat(a.outcome()).isEqualTo(AttemptOutcome.LOST);
        });
        HttpWorkSource other = new HttpWorkSource(client);
        other.register("w2");
        assertThat(other.lease("w2", Duration.ofSeconds(5))).hasValueSatisfying(l -> assertThat(l.token()).isEqualTo(2));
    }

    @Test void whileTheCoordinatorRestartsWorkGoesOnAndTheResultGetsThrough() throws Exception {
        Job job = submit("4");
        Lease lease = source.lease("w1", Duration.ofSeconds(5)).orElseThrow();
        assertThat(source.started(lease)).isTrue();
        Path file = Files.writeString(dir.resolve("frame4.png"), "pixels of frame 4");

        coordinator.stop();
        assertThat(source.heartbeat(lease, Optional.empty())).as("no answer is not a lost lease").isTrue();
        assertThat(source.lease("w2", Duration.ofMillis(300))).as("polling an absent coordinator waits, then empty").isEmpty();
        // The upload and the completion start while the coordinator is down and get through once it is back.
        CompletableFuture<Boolean> delivered = CompletableFuture.supplyAsync(() -> {
            try {
                String key = BlobKeys.output(lease.taskId(), lease.token(), "frame_0004.png");
                blobs.put(key, file);
                return source.complete(lease, List.of(new OutputFile(4, "frame_0004.png", key, Hashing.sha256(file), Files.size(file))),
                        AttemptReport.empty());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1500);
        assertThat(delivered).isNotDone();
        coordinator.start();
        assertThat(delivered.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(client.job(job.id()).job().state()).isEqualTo(JobState.COMPLETED);
        assertThat(client.attempts(job.id(), OptionalInt.empty())).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED));
    }

    @Test void completionsGiveUpAfterTheirTimeLimit() throws Exception {
        submit("2");
        Lease lease = source.lease("w1", Duration.ofSeconds(5)).orElseThrow();
        HttpWorkSource impatient = new HttpWorkSource(client, HttpWorkSource.Settings.defaults()
                .withDeliverFor(RetryPolicy.defaults().withGiveUpAfter(Duration.ofMillis(800))));
        coordinator.stop();
        long t0 = System.nanoTime();
        assertThat(impatient.complete(lease, List.of(), AttemptReport.empty())).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
        coordinator.start();
    }
}
