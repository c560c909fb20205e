package dev.sprocket.core.port;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Job inputs (content-addressed, see {@link BlobKeys}) and outputs, by key. Keys are '/'-separated relative names.
 * Every write is atomic: a reader sees the whole blob or nothing.
 */
public interface BlobStore {
    boolean exists(String key) throws IOException;

    /** Stores a copy of {@code source} under {@code key}, replacing what was there. */
    void put(String key, Path source) throws IOException;

    void putBytes(String key, byte[] data) throws IOException;

    /** Writes the blob to {@code target} atomically (temp file, then rename). */
    void get(String key, Path target) throws IOException;

    Optional<byte[]> readBytes(String key) throws IOException;

    /** Size in bytes, or empty when absent. */
    Optional<Long> size(String key) throws IOException;

    void delete(String key) throws IOException;

    /** A human-readable location of the blob (a path or URL), for messages and log links. */
    String describe(String key);
}
