package dev.sprocket.core.stage;

import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.port.BlobStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies a project into the content-addressed blob store: every file under its SHA-256 (a file the store already
 * has is not copied again), plus a manifest that keeps the relative layout.
 */
public final class Stager {
    /** Called after each file, for progress displays. */
    public interface Listener {
        void staged(String path, long bytes, boolean copied);
        Listener NONE = (p, b, c) -> {};
    }

    /** @param bytesCopied bytes actually written to the store (0 when everything was already there) */
    public record Result(Manifest manifest, String manifestKey, int filesCopied, long bytesCopied) {}

    private final BlobStore blobs;

    public Stager(BlobStore blobs) { this.blobs = blobs; }

    public Result stage(String jobId, Path blend, BlendInfo info, Listener listener) throws IOException {
        StagingPlan plan = StagingPlan.of(blend, info);
        List<ManifestEntry> entries = new ArrayList<>();
        int copied = 0;
        long bytes = 0;
        for (Map.Entry<Path, String> f : plan.files().entrySet()) {
            Path source = f.getKey();
            long size = Files.size(source);
            String sha = Hashing.sha256(source);
            String key = BlobKeys.input(sha);
            boolean copy = !blobs.exists(key);
            if (copy) {
                blobs.put(key, source);
                copied++;
                bytes += size;
            }
            entries.add(new ManifestEntry(f.getValue(), sha, size));
            listener.staged(f.getValue(), size, copy);
        }
        Manifest manifest = new Manifest(plan.mainBlend(), entries, plan.remaps());
        String key = BlobKeys.manifest(jobId);
        blobs.putBytes(key, manifest.encode().getBytes(StandardCharsets.UTF_8));
        return new Result(manifest, key, copied, bytes);
    }
}
