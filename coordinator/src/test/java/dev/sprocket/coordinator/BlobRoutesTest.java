package dev.sprocket.coordinator;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.port.BlobKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BlobRoutesTest {
    @TempDir static Path dir;
    static Farm farm;

    @BeforeAll static void start() throws Exception { farm = new Farm(dir); }
    @AfterAll static void stop() { farm.close(); }

    @Test void anInputIsStoredUnderItsHashAndReadBack() {
        byte[] data = "some texture".getBytes(StandardCharsets.UTF_8);
        String sha = Farm.sha256(data);
        assertThat(farm.missingInputs(List.of(sha))).containsExactly(sha);
        assertThat(farm.api.head(ApiPaths.blob(BlobKeys.input(sha))).status()).isEqualTo(404);

        assertThat(farm.api.put(ApiPaths.blob(BlobKeys.input(sha)), data).status()).isEqualTo(200);

        assertThat(farm.missingInputs(List.of(sha))).isEmpty();
        Api.Response get = farm.api.get(ApiPaths.blob(BlobKeys.input(sha)));
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(data);
        Api.Response head = farm.api.head(ApiPaths.blob(BlobKeys.input(sha)));
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.raw().headers().firstValueAsLong("Content-Length")).hasValue(data.length);
    }

    @Test void anInputWhoseContentDoesNotMatchItsKeyIsRefused() {
        byte[] data = "honest".getBytes(StandardCharsets.UTF_8);
        String key = BlobKeys.input(Farm.sha256("something else".getBytes(StandardCharsets.UTF_8)));
        Api.Response r = farm.api.put(ApiPaths.blob(key), data);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("does not match").contains(Farm.sha256(data));
        assertThat(farm.api.head(ApiPaths.blob(key)).status()).isEqualTo(404);
    }

    @Test void missingAnswersOnlyForWhatItLacksAndRefusesNonHashes() {
        byte[] data = "known".getBytes(StandardCharsets.UTF_8);
        String known = Farm.sha256(data);
        farm.api.put(ApiPaths.blob(BlobKeys.input(known)), data);
        String unknown = "0".repeat(64);
        assertThat(farm.missingInputs(List.of(known, unknown))).containsExactly(unknown);
        Api.Response bad = farm.api.post(ApiPaths.BLOBS_MISSING, Map.of("sha256", List.of("../../etc/passwd")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).contains("not a sha256");
    }

    @Test void keysThatCouldEscapeTheStoreAreRefused() {
        for (String key : List.of("inputs/%2e%2e/%2e%2e/token", "jobs/x/tasks/0/1/%2e%2e/%2e%2e/%2e%2e/manifest",
                "jobs/x/tasks/0/1/a%5cb", "%2fetc/passwd", "jobs//manifest", "jobs/x/tasks/0/1/.hidden", "other/thing",
                "inputs/00/" + "1".repeat(64))) {
            Api.Response put = farm.api.put(ApiPaths.BLOBS + "/" + key, new byte[]{1});
            Api.Response get = farm.api.get(ApiPaths.BLOBS + "/" + key);
            assertThat(put.status()).as(key + " " + put).isIn(400, 404);
            assertThat(get.status()).as(key + " " + get).isIn(400, 404);
            assertThat(put.error()).as(key).isNotBlank();
        }
        Api.Response dots = farm.api.get(ApiPaths.BLOBS + "/inputs/%2e%2e/%2e%2e/token");
        assertThat(dots.status()).isEqualTo(400);
        assertThat(dots.error()).contains("'..'");
    }

    @Test void anAttemptMayUploadOnlyWhileItHoldsTheLease() {
        farm.submit("1");
        Lease lease = farm.leaseNow("uploader");
        String current = BlobKeys.output(lease.taskId(), lease.token(), "frame_0001.png");
        String stale = BlobKeys.output(lease.taskId(), lease.token() - 1, "frame_0001.png");
        String unknown = BlobKeys.output(new dev.sprocket.core.domain.TaskId("nope", 0), 1, "frame_0001.png");

        assertThat(farm.api.put(ApiPaths.blob(current), new byte[]{1, 2, 3}).status()).isEqualTo(200);
        Api.Response staleUpload = farm.api.put(ApiPaths.blob(stale), new byte[]{1});
        assertThat(staleUpload.status()).isEqualTo(409);
        assertThat(staleUpload.error()).contains("no longer valid");
        assertThat(farm.api.put(ApiPaths.blob(unknown), new byte[]{1}).status()).isEqualTo(404);
        assertThat(farm.api.get(ApiPaths.blob(current)).body()).containsExactly(1, 2, 3);
    }

    @Test void aSubmittedJobsManifestCannotBeReplaced() {
        var job = farm.submit("1");
        Api.Response r = farm.api.put(ApiPaths.blob(BlobKeys.manifest(job.id())), "x".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(409);
        Api.Response fresh = farm.api.put(ApiPaths.blob(BlobKeys.manifest("not-yet-a-job")), "x".getBytes(StandardCharsets.UTF_8));
        assertThat(fresh.status()).isEqualTo(200);
    }

    @Test void uploadingAKnownProjectAgainSendsNoFileBytes() {
        Map<String, byte[]> project = Farm.project("reupload");
        long before = farm.server.bytesReceived();
        String first = farm.stage(project);
        long firstBytes = farm.server.bytesReceived() - before;
        long projectBytes = project.values().stream().mapToLong(b -> b.length).sum();
        assertThat(firstBytes).isGreaterThan(projectBytes); // files plus manifest

        long mid = farm.server.bytesReceived();
        String second = farm.stage(project);
        assertThat(second).isEqualTo(first);
        assertThat(farm.server.bytesReceived() - mid).isZero();
        Api.Response r = farm.api.post(ApiPaths.JOBS, Farm.submission(second, "1-3", 1));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(farm.server.bytesReceived() - mid).isZero();
        Dto.JobView view = farm.job(r.tree().path("id").asText());
        assertThat(view.job().manifestKey()).isEqualTo(first);
    }
}
