package dev.sprocket.client;

import dev.sprocket.api.Dto;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.stage.Hashing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every typed call against a real coordinator: results, and errors as status plus the server's own line. */
class CoordinatorClientTest {
    @TempDir static Path dir;
    static TestCoordinator coordinator;
    static CoordinatorClient client;

    @BeforeAll static void start() throws IOException {
        coordinator = new TestCoordinator(dir.resolve("data"));
        client = coordinator.client();
    }

    @AfterAll static void stop() {
        client.close();
        coordinator.close();
    }

    @Test void baseUrlsAreNormalisedAndBadOnesRefusedReadably() {
        assertThat(CoordinatorClient.parseBaseUrl("render-box:7070").toString()).isEqualTo("http://render-box:7070");
        assertThat(CoordinatorClient.parseBaseUrl("https://farm.example.com/sprocket/").toString()).isEqualTo("https://farm.example.com/sprocket");
        assertThatThrownBy(() -> CoordinatorClient.parseBaseUrl("ftp://x")).hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> CoordinatorClient.parseBaseUrl("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> CoordinatorClient.parseBaseUrl("http://")).hasMessageContaining("http://");
    }

    @Test void healthNeedsNoToken() {
        try (CoordinatorClient anonymous = new CoordinatorClient(coordinator.url(), "")) {
            assertThat(anonymous.health().status()).isEqualTo("ok");
        }
    }

    @Test void aWrongTokenIsA401WithTheServersReason() {
        try (CoordinatorClient wrong = new CoordinatorClient(coordinator.url(), "not-the-token")) {
            assertThatThrownBy(wrong::jobs).isInstanceOfSatisfying(CoordinatorException.class, e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.getMessage()).contains("wrong token").contains("SPROCKET_TOKEN").doesNotContain("not-the-token");
                assertThat(e.transientFailure()).isFalse();
            });
        }
    }

    @Test void aCoordinatorThatIsNotThereIsNamedInOneLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (CoordinatorClient nowhere = new CoordinatorClient("127.0.0.1:" + port, "t")) {
            assertThatThrownBy(nowhere::jobs).isInstanceOfSatisfying(CoordinatorException.class, e -> {
                assertThat(e.unreachable()).isTrue();
                assertThat(e.transientFailure()).isTrue();
                assertThat(e.getMessage()).startsWith("cannot reach coordinator at http://127.0.0.1:" + port + ": connection refused");
            });
        }
    }

    @Test void unknownJobIs404NamingIt() {
        assertThatThrownBy(() -> client.job("no-such-job")).isInstanceOfSatisfying(CoordinatorException.class, e -> {
            assertThat(e.notFound()).isTrue();
            assertThat(e.getMessage()).contains("no-such-job");
        });
    }

    @Test void blobsRoundTrip() throws IOException {
        byte[] data = "some input bytes".repeat(5000).getBytes(StandardCharsets.UTF_8);
        String sha = Hashing.sha256(data);
        String key = BlobKeys.input(sha);
        assertThat(client.missingInputs(List.of(sha))).containsExactly(sha);
        assertThat(client.blobSize(key)).isEmpty();
        Path file = Files.write(dir.resolve("input.bin"), data);
        client.putBlob(key, file);
        assertThat(client.missingInputs(List.of(sha))).isEmpty();
        assertThat(client.blobSize(key)).contains((long) data.length);
        assertThat(client.readBlob(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));

        Path target = dir.resolve("out/got.bin");
        assertThat(client.getBlob(key, target)).isTrue();
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        try (var files = Files.list(target.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temp file left").containsExactly("got.bin");
        }
        String absent = BlobKeys.input("0".repeat(64));
        assertThat(client.getBlob(absent, dir.resolve("out/absent.bin"))).isFalse();
        assertThat(dir.resolve("out/absent.bin")).doesNotExist();
        assertThat(client.readBlob(absent)).isEmpty();
    }

    @Test void anInputWhoseBytesDoNotMatchItsNameIsRefused() {
        String key = BlobKeys.input("1".repeat(64));
        assertThatThrownBy(() -> client.putBlob(key, "other bytes".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(CoordinatorException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("does not match");
                });
    }

    @Test void jobsAreSubmittedListedAndSteered() throws IOException {
        Path blend = TestCoordinator.project(dir.resolve("steer"), "steer");
        Job job = TestCoordinator.submit(client, blend, "1-4", 3);
        assertThat(job.state()).isEqualTo(JobState.ACTIVE);
        assertThat(job.priority()).isEqualTo(3);

        assertThat(client.jobs()).anySatisfy(v -> assertThat(v.job().id()).isEqualTo(job.id()));
        Dto.JobView view = client.job(job.id());
        assertThat(view.tasks()).hasValueSatisfying(t -> assertThat(t).hasSize(4));
        assertThat(view.progress().framesTotal()).isEqualTo(4);

        assertThat(client.pause(job.id()).job().state()).isEqualTo(JobState.PAUSED);
        assertThat(client.job(job.id()).progress().tasks(TaskState.PAUSED)).isEqualTo(4);
        assertThat(client.resume(job.id()).job().state()).isEqualTo(JobState.ACTIVE);
        assertThat(client.priority(job.id(), -7).job().priority()).isEqualTo(-7);
        assertThat(client.cancel(job.id()).job().state()).isEqualTo(JobState.CANCELED);
        Dto.JobView retried = client.retry(job.id(), Optional.of("2-3"));
        assertThat(retried.job().state()).isEqualTo(JobState.ACTIVE);
        assertThat(retried.progress().tasks(TaskState.QUEUED)).isEqualTo(2);
        assertThat(client.outputs(job.id())).isEmpty();
        assertThat(client.attempts(job.id(), OptionalInt.of(2))).isEmpty();

        assertThatThrownBy(() -> client.retry(job.id(), Optional.of("7-x"))).isInstanceOfSatisfying(CoordinatorException.class,
                e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test void aSubmissionWithoutItsManifestIsRefusedNamingIt() {
        String key = BlobKeys.input("2".repeat(64));
        assertThatThrownBy(() -> client.submit(new Dto.JobSubmission("x", key, "", "1", 1, 0,
                dev.sprocket.core.domain.RenderSettings.defaults(dev.sprocket.core.domain.OutputFormat.PNG))))
                .isInstanceOfSatisfying(CoordinatorException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(key);
                });
    }

    @Test void stagingTwiceSendsNothingTheSecondTime() throws IOException {
        Path blend = TestCoordinator.project(dir.resolve("twice"), "twice");
        RemoteStager.Result first = new RemoteStager(client).stage(blend, TestCoordinator.info(blend), RemoteStager.Listener.NONE);
        assertThat(first.filesUploaded()).isEqualTo(2);
        long received = coordinator.server().bytesReceived();
        RemoteStager.Result again = new RemoteStager(client).stage(blend, TestCoordinator.info(blend), RemoteStager.Listener.NONE);
        assertThat(again.filesUploaded()).isZero();
        assertThat(again.bytesUploaded()).isZero();
        assertThat(again.manifestKey()).isEqualTo(first.manifestKey());
        assertThat(coordinator.server().bytesReceived()).as("not even the manifest is sent again").isEqualTo(received);
    }

    @Test void workersAreListedAndDrained() throws InterruptedException {
        client.register("lister", new Dto.RegisterRequest(Optional.of("3.4.1"), 4, Optional.of("box")));
        assertThat(client.workers()).anySatisfy(w -> {
            assertThat(w.name()).isEqualTo("lister");
            assertThat(w.drain()).isFalse();
        });
        assertThat(client.drain("lister").drain()).isTrue();
        assertThat(client.lease("lister", java.time.Duration.ZERO)).isEqualTo(LeasePoll.drained());
    }
}
