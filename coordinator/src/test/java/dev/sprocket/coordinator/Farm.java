package dev.sprocket.coordinator;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.dispatch.DispatchSettings;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.stage.Manifest;
import dev.sprocket.core.stage.ManifestEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A real coordinator on an ephemeral port over a temp data dir, and the client steps tests repeat. */
final class Farm implements AutoCloseable {
    static final String TOKEN = "test-token-0123456789";
    /** Short enough that tests of expiry are quick; long enough that nothing expires by accident. */
    static final DispatchSettings SETTINGS = DispatchSettings.defaults().withLeaseTtl(Duration.ofSeconds(30));

    final Path dir;
    final CoordinatorServer server;
    final Api api;

    Farm(Path dir) throws IOException { this(dir, SETTINGS); }

    Farm(Path dir, DispatchSettings settings) throws IOException {
        this(dir, ServerConfig.defaults(dir).withListen("127.0.0.1", 0).withToken(TOKEN).withDispatch(settings));
    }

    Farm(Path dir, ServerConfig config) throws IOException {
        this.dir = dir;
        this.server = new CoordinatorServer(config, line -> {});
        server.start();
        this.api = new Api(server.uri(), Optional.of(TOKEN));
    }

    @Override public void close() { server.close(); }

    // ---- staging and submitting, as a client does

    /** Files of a small project: path → content. */
    static Map<String, byte[]> project(String salt) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("shot.blend", ("BLENDER-v304 " + salt).getBytes(StandardCharsets.UTF_8));
        files.put("textures/wood.png", ("png bytes " + salt).repeat(100).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asks which inputs are missing, uploads only those and the manifest; returns the manifest key. */
    String stage(Map<String, byte[]> files) {
        List<ManifestEntry> entries = new ArrayList<>();
        Map<String, byte[]> bySha = new LinkedHashMap<>();
        files.forEach((path, data) -> {
            String sha = sha256(data);
            entries.add(new ManifestEntry(path, sha, data.length));
            bySha.put(sha, data);
        });
        Api.Response missing = api.post(ApiPaths.BLOBS_MISSING, new Dto.MissingRequest(List.copyOf(bySha.keySet())));
        assertThat(missing.status()).as(missing.toString()).isEqualTo(200);
        for (String sha : missing.as(Dto.MissingResponse.class).missing()) {
            assertThat(api.put(ApiPaths.blob(BlobKeys.input(sha)), bySha.get(sha)).status()).isEqualTo(200);
        }
        byte[] manifest = new Manifest("shot.blend", entries, Map.of()).encode().getBytes(StandardCharsets.UTF_8);
        String key = BlobKeys.input(sha256(manifest));
        if (missingInputs(List.of(sha256(manifest))).size() == 1) {
            assertThat(api.put(ApiPaths.blob(key), manifest).status()).isEqualTo(200);
        }
        return key;
    }

    List<String> missingInputs(List<String> shas) {
        return api.post(ApiPaths.BLOBS_MISSING, new Dto.MissingRequest(shas)).as(Dto.MissingResponse.class).missing();
    }

    static Dto.JobSubmission submission(String manifestKey, String frames, int chunk) {
        return new Dto.JobSubmission("shot", manifestKey, "", frames, chunk, 0, RenderSettings.defaults(OutputFormat.PNG));
    }

    Job submit(String frames) {
        return submit(frames, 1);
    }

    Job submit(String frames, int chunk) {
        Api.Response r = api.post(ApiPaths.JOBS, submission(stage(project("p")), frames, chunk));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.as(Job.class);
    }

    Optional<Lease> lease(String worker, long waitMs) {
        Api.Response r = api.postEmpty(ApiPaths.worker(worker, "lease") + "?waitMs=" + waitMs);
        if (r.status() == 204) return Optional.empty();
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return Optional.of(r.as(Lease.class));
    }

    Lease leaseNow(String worker) {
        return lease(worker, 0).orElseThrow(() -> new AssertionError("no task for " + worker));
    }

    Dto.JobView job(String id) {
        Api.Response r = api.get(ApiPaths.job(id));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.as(Dto.JobView.class);
    }

    static String task(TaskId t, String action) { return ApiPaths.task(t, action); }
}
