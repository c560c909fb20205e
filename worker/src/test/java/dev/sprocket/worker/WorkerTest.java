package dev.sprocket.worker;

import dev.sprocket.blender.BlenderInspector;
import dev.sprocket.blender.BlenderRenderer;
import dev.sprocket.blender.BlenderSettings;
import dev.sprocket.blender.testing.TestBlender;
import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.core.dispatch.DispatchSettings;
import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.dispatch.InProcessWorkSource;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.stage.Stager;
import dev.sprocket.store.DirectoryBlobStore;
import dev.sprocket.store.SqliteJobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker loop with real parts: SQLite, a directory blob store, the dispatcher in-process, real Blender. */
class WorkerTest {
    @TempDir Path dir;
    SqliteJobStore store;
    DirectoryBlobStore blobs;
    Dispatcher dispatcher;
    LocalFleet fleet;

    @BeforeEach void setUp() throws Exception {
        store = new SqliteJobStore(dir.resolve("db/sprocket.db"));
        blobs = new DirectoryBlobStore(dir.resolve("blobs"));
        dispatcher = new Dispatcher(store, Clock.systemUTC(), DispatchSettings.defaults());
    }

    @AfterEach void tearDown() {
        if (fleet != null) fleet.close();
        store.close();
    }

    private Job submit(String id, Path blend, String frames, RenderSettings settings) throws Exception {
        var info = new BlenderInspector(TestBlender.get(), BlenderSettings.defaults()).inspect(blend);
        Stager.Result staged = new Stager(blobs).stage(id, blend, info, Stager.Listener.NONE);
        Job job = new Job(id, id, staged.manifestKey(), "", FrameSpec.parse(frames), 1, settings, 0, JobState.ACTIVE,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        dispatcher.submit(job);
        return job;
    }

    private void startWorkers(int n) {
        fleet = new LocalFleet(new InProcessWorkSource(dispatcher), blobs,
                new BlenderRenderer(TestBlender.get(), BlenderSettings.defaults()), dir.resolve("workers"),
                WorkerSettings.defaults().withHeartbeatEvery(Duration.ofMillis(300)).withPollWait(Duration.ofSeconds(1)));
        fleet.start(n);
    }

    @Test void diagnosticTasksCompleteWithoutBlenderOrInputs() throws Exception {
        Path blend = TestScenes.cycles().frames(1, 2).resolution(16, 12).samples(1).create(dir.resolve("d.blend"));
        RenderSettings diagnostic = new RenderSettings(Optional.empty(), Optional.empty(), Optional.of(Diagnostic.ENGINE),
                OutputFormat.PNG, Optional.empty(), false, false);
        submit("diag", blend, "1-20", diagnostic);
        startWorkers(2);
        assertThat(dispatcher.awaitTerminal("diag", Duration.ofSeconds(30))).isEqualTo(JobState.COMPLETED);
        assertThat(store.outputs("diag")).isEmpty();
        assertThat(Files.exists(dir.resolve("workers/local-1/jobs"))).as("no inputs materialised").isFalse();
        assertThat(store.attempts(new TaskId("diag", 0))).extracting(Attempt::message).containsExactly(Optional.of("diagnostic task"));
    }

    @Test void cancelStopsTheRunningBlenderPromptlyAndDeliversNothing() throws Exception {
        Path blend = TestScenes.cycles().frames(1, 4).resolution(320, 240).samples(4000).create(dir.resolve("slow.blend"));
        submit("slow", blend, "1", RenderSettings.defaults(OutputFormat.PNG));
        startWorkers(1);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!blenderRendering()) {
            assertThat(System.nanoTime()).as("Blender started rendering").isLessThan(deadline);
            Thread.sleep(50);
        }
        Thread.sleep(1500); // into the frame
        long canceled = System.nanoTime();
        dispatcher.cancel("slow");
        while (blenderRendering()) {
            assertThat((System.nanoTime() - canceled) / 1e9).as("seconds until the worker stopped Blender").isLessThan(5.0);
            Thread.sleep(20);
        }
        assertThat(store.job("slow").orElseThrow().state()).isEqualTo(JobState.CANCELED);
        Thread.sleep(500); // a completion, if the worker wrongly sent one, would have landed by now
        assertThat(store.outputs("slow")).isEmpty();
        List<Attempt> attempts = store.attempts(new TaskId("slow", 0));
        assertThat(attempts).extracting(Attempt::outcome).containsExactly(AttemptOutcome.STOPPED);
    }

    /** A Blender session of this JVM is busy rendering (using CPU), not just idle. */
    private static boolean blenderRendering() {
        return ProcessHandle.current().descendants()
                .anyMatch(p -> p.info().command().map(c -> c.endsWith("blender")).orElse(false)
                        && p.info().totalCpuDuration().map(d -> d.toMillis() > 1500).orElse(false));
    }
}
