package dev.sprocket.client;

import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.stage.Hashing;
import dev.sprocket.core.stage.Manifest;
import dev.sprocket.core.stage.ManifestEntry;
import dev.sprocket.core.stage.StagingPlan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stages a project on a coordinator: hashes every file (the .blend and each dependency, in the relative layout of
 * {@link StagingPlan}), asks the coordinator which hashes it lacks ({@code POST /blobs/missing}), uploads only those
 * (streamed). The manifest is content-addressed too (an input named by its own hash), so re-submitting a project
 * the coordinator already has sends no bytes at all: one query, then the job.
 */
public final class RemoteStager {
    /** Progress, for displays. */
    public interface Listener {
        void hashed(String path, long bytes);

        void uploading(String path, long bytes);

        Listener NONE = new Listener() {
            @Override public void hashed(String path, long bytes) {}
            @Override public void uploading(String path, long bytes) {}
        };
    }

    /**
     * @param filesUploaded input files sent (0 when the coordinator had them all)
     * @param bytesUploaded bytes of those files (the manifest not counted)
     */
    public record Result(Manifest manifest, String manifestKey, int files, long totalBytes, int filesUploaded, long bytesUploaded) {}

    private final CoordinatorClient client;
    private final HttpBlobStore blobs;

    public RemoteStager(CoordinatorClient client) {
        this(client, new HttpBlobStore(client, RetryPolicy.none()));
    }

    public RemoteStager(CoordinatorClient client, HttpBlobStore blobs) {
        this.client = client;
        this.blobs = blobs;
    }

    /** Stages {@code blend} and its present dependencies; the result names the manifest's key for the submission. */
    public Result stage(Path blend, BlendInfo info, Listener listener) throws IOException {
        StagingPlan plan = StagingPlan.of(blend, info);
        List<ManifestEntry> entries = new ArrayList<>();
        Map<String, Path> sourceOf = new LinkedHashMap<>();
        for (Map.Entry<Path, String> f : plan.files().entrySet()) {
            Path source = f.getKey();
            long size = Files.size(source);
            String sha = Hashing.sha256(source);
            entries.add(new ManifestEntry(f.getValue(), sha, size));
            sourceOf.putIfAbsent(sha, source);
            listener.hashed(f.getValue(), size);
        }
        Manifest manifest = new Manifest(plan.mainBlend(), entries, plan.remaps());
        byte[] manifestBytes = manifest.encode().getBytes(StandardCharsets.UTF_8);
        String manifestSha = Hashing.sha256(manifestBytes);
        List<String> query = new ArrayList<>(sourceOf.keySet());
        query.add(manifestSha);
        Set<String> missing = new LinkedHashSet<>(client.missingInputs(query));
        int uploaded = 0;
        long bytes = 0;
        for (ManifestEntry e : entries) {
            if (!missing.remove(e.sha256())) continue;
            Path source = sourceOf.get(e.sha256());
            long size = Files.size(source);
            listener.uploading(e.path(), size);
            blobs.put(BlobKeys.input(e.sha256()), source);
            uploaded++;
            bytes += size;
        }
        String manifestKey = BlobKeys.input(manifestSha);
        if (missing.contains(manifestSha)) blobs.putBytes(manifestKey, manifestBytes);
        long total = entries.stream().mapToLong(ManifestEntry::size).sum();
        return new Result(manifest, manifestKey, entries.size(), total, uploaded, bytes);
    }
}
