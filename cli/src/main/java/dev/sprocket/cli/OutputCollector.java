package dev.sprocket.cli;

import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.port.BlobStore;
import dev.sprocket.core.port.JobStore;
import dev.sprocket.core.stage.Hashing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Copies accepted frames from the blob store into the user's output folder. Each frame appears whole or not at
 * all (the blob store writes a temp file and renames it), under its deterministic name.
 */
final class OutputCollector {
    private final JobStore store;
    private final BlobStore blobs;
    private final String jobId;
    private final Path dir;
    private final Set<String> collected = new HashSet<>();

    OutputCollector(JobStore store, BlobStore blobs, String jobId, Path dir) {
        this.store = store;
        this.blobs = blobs;
        this.jobId = jobId;
        this.dir = dir;
    }

    /** Collects whatever was accepted since the last call. Returns how many files are in place in total. */
    int collect() throws IOException {
        for (OutputFile o : store.outputs(jobId)) {
            if (collected.contains(o.key())) continue;
            Path target = dir.resolve(o.name());
            if (!(Files.isRegularFile(target) && Files.size(target) == o.size() && Hashing.sha256(target).equals(o.sha256()))) {
                Files.createDirectories(dir);
                blobs.get(o.key(), target);
            }
            collected.add(o.key());
        }
        return collected.size();
    }
}
