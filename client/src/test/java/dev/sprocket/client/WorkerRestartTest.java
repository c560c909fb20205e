package dev.sprocket.client;

import dev.sprocket.api.Dto;
import dev.sprocket.blender.BlenderInspector;
import dev.sprocket.blender.BlenderRenderer;
import dev.sprocket.blender.BlenderSettings;
import dev.sprocket.blender.testing.Pixels;
import dev.sprocket.blender.testing.ReferenceRender;
import dev.sprocket.blender.testing.TestBlender;
import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.worker.Worker;
import dev.sprocket.worker.WorkerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real worker (real Blender) on {@link HttpWorkSource} and {@link HttpBlobStore}: its coordinator is stopped while
 * a frame renders and started again, on the same data and port, only after the frame is done. The worker keeps
 * rendering, waits for the coordinator, uploads, and its completion is accepted under the original lease.
 */
class WorkerRestartTest {
    @TempDir Path dir;

    @Test void aWorkerRidesOutACoordinatorRestartAndItsFrameIsAccepted() throws Exception {
        // ~1-2 s per frame: long enough to stop the coordinator mid-render.
        Path blend = TestScenes.cycles().heavy().resolution(160, 120).samples(32).frames(1, 2)
                .create(dir.resolve("project/shot.blend"));
        BlendInfo info = new BlenderInspector(TestBlender.get(), BlenderSettings.defaults()).inspect(blend);
        RenderSettings settings = RenderSettings.defaults(OutputFormat.PNG);

        try (TestCoordinator coordinator = new TestCoordinator(dir.resolve("data"));
             CoordinatorClient client = coordinator.client()) {
            RemoteStager.Result staged = new RemoteStager(client).stage(blend, info, RemoteStager.Listener.NONE);
            Job job = client.submit(new Dto.JobSubmission("restart", staged.manifestKey(), "", "2", 1, 0, settings));

            BlenderRenderer renderer = new BlenderRenderer(TestBlender.get(), BlenderSettings.defaults());
            Worker worker = new Worker("w1", new HttpWorkSource(client), new HttpBlobStore(client), renderer,
                    dir.resolve("work"), WorkerSettings.defaults().withThreads(2).withPollWait(Duration.ofSeconds(2))
                    .withHeartbeatEvery(Duration.ofMillis(300)));
            Thread thread = new Thread(worker, "w1");
            thread.start();
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                        client.job(job.id()).tasks().orElseThrow().getFirst().state() == TaskState.RUNNING);
                coordinator.stop();
                // Down for longer than the frame takes: the worker finishes rendering and must hold its result.
                Thread.sleep(4000);
                assertThat(dir.resolve("work/out/" + job.id() + "-0-1/frame_0002.png"))
                        .as("rendered while the coordinator was down, waiting to be uploaded").isRegularFile();
                coordinator.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> client.job(job.id()).job().state().terminal());
                assertThat(client.job(job.id()).job().state()).isEqualTo(JobState.COMPLETED);
                List<Attempt> attempts = client.attempts(job.id(), OptionalInt.empty());
                assertThat(attempts).as("the one lease survived the restart").singleElement().satisfies(a -> {
                    assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
                    assertThat(a.token()).isEqualTo(1);
                    assertThat(a.worker()).isEqualTo("w1");
                });
                OutputFile out = client.outputs(job.id()).getFirst();
                Path got = dir.resolve("got/" + out.name());
                assertThat(client.getBlob(out.key(), got)).isTrue();
                Path expected = ReferenceRender.render(blend, 2, settings, dir.resolve("reference"));
                Pixels.assertIdentical(expected, got);
            } finally {
                worker.stop();
                thread.interrupt();
                thread.join(10_000);
                renderer.close();
            }
        }
    }

    @Test void eachInputIsDownloadedOncePerWorker() throws Exception {
        Path blend = TestScenes.cycles().resolution(32, 24).samples(1).texture(true).frames(1, 3)
                .create(dir.resolve("project/shot.blend"));
        BlendInfo info = new BlenderInspector(TestBlender.get(), BlenderSettings.defaults()).inspect(blend);
        RenderSettings settings = new RenderSettings(Optional.empty(), Optional.empty(), Optional.empty(), OutputFormat.PNG,
                Optional.of(false), false, false);
        try (TestCoordinator coordinator = new TestCoordinator(dir.resolve("data"));
             CoordinatorClient client = coordinator.client();
             CoordinatorClient workerClient = coordinator.client()) {
            RemoteStager.Result staged = new RemoteStager(client).stage(blend, info, RemoteStager.Listener.NONE);
            Job first = client.submit(new Dto.JobSubmission("a", staged.manifestKey(), "", "1-2", 1, 0, settings));
            Job second = client.submit(new Dto.JobSubmission("b", staged.manifestKey(), "", "1-2", 1, 0, settings));
            BlenderRenderer renderer = new BlenderRenderer(TestBlender.get(), BlenderSettings.defaults());
            Worker worker = new Worker("w1", new HttpWorkSource(workerClient), new HttpBlobStore(workerClient), renderer,
                    dir.resolve("work"), WorkerSettings.defaults().withThreads(2).withPollWait(Duration.ofSeconds(2)));
            Thread thread = new Thread(worker, "w1");
            thread.start();
            try {
                await().atMost(Duration.ofSeconds(120)).until(() -> client.job(first.id()).job().state().terminal()
                        && client.job(second.id()).job().state().terminal());
            } finally {
                worker.stop();
                thread.interrupt();
                thread.join(10_000);
                renderer.close();
            }
            assertThat(client.job(first.id()).job().state()).isEqualTo(JobState.COMPLETED);
            assertThat(client.job(second.id()).job().state()).isEqualTo(JobState.COMPLETED);
            // Two jobs of the same project: the .blend and the texture come down once, plus each job's manifest
            // (the same blob here, fetched per job), never per frame.
            long inputs = staged.totalBytes();
            assertThat(workerClient.bytesDownloaded()).isLessThan(inputs + 2 * 4096);
        }
    }
}
