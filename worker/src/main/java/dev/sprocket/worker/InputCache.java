package dev.sprocket.worker;

import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.port.BlobStore;
import dev.sprocket.core.stage.Hashing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker's content-addressed cache of job inputs: each file is fetched from the blob store once per worker,
 * whatever job needs it, and verified against its hash.
 */
final class InputCache {
    private final BlobStore blobs;
    private final Path dir;

    InputCache(BlobStore blobs, Path dir) {
        this.blobs = blobs;
        this.dir = dir;
    }

    /** The cached file for this hash, fetched if needed. Callers must not modify it. */
    synchronized Path fetch(String sha256, long size) throws IOException {
        Path file = dir.resolve(sha256.substring(0, 2)).resolve(sha256);
        if (Files.isRegularFile(file) && Files.size(file) == size) return file;
        Files.createDirectories(file.getParent());
        blobs.get(BlobKeys.input(sha256), file);
        String actual = Hashing.sha256(file);
        if (!actual.equals(sha256)) {
            Files.deleteIfExists(file);
            throw new IOException("input " + sha256 + " from " + blobs.describe(BlobKeys.input(sha256))
                    + " is corrupt (its content hashes to " + actual + ")");
        }
        return file;
    }
}
