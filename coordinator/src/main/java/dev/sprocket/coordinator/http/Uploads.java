package dev.sprocket.coordinator.http;

import dev.sprocket.core.port.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives upload bodies: streamed to a temp file (never held in memory, blobs can be gigabytes), hashed on the
 * way, then handed to the {@link BlobStore}. Counts every body byte received, so operators and tests can see that
 * known files were not sent again.
 */
public final class Uploads {
    /** Large enough that a gigabit link is not slowed by system calls, small enough for a thousand uploads at once. */
    static final int BUFFER_BYTES = 64 * 1024;

    private final BlobStore blobs;
    private final Path tempDir;
    private final AtomicLong bytesReceived = new AtomicLong();

    public Uploads(BlobStore blobs, Path tempDir) throws IOException {
        this.blobs = blobs;
        this.tempDir = Files.createDirectories(tempDir);
    }

    /** A body on disk; delete it with {@link #close}. */
    public record Received(Path file, String sha256, long size) implements AutoCloseable {
        @Override public void close() throws IOException { Files.deleteIfExists(file); }
    }

    public Received receive(InputStream body) throws IOException {
        Path temp = Files.createTempFile(tempDir, "upload-", ".tmp");
        try {
            MessageDigest sha = sha256();
            long size = 0;
            byte[] buffer = new byte[BUFFER_BYTES];
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha)) {
                for (int n; (n = body.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    size += n;
                    bytesReceived.addAndGet(n);
                }
            }
            return new Received(temp, HexFormat.of().formatHex(sha.digest()), size);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    public void store(String key, Received received) throws IOException {
        blobs.put(key, received.file());
    }

    /** Body bytes received by blob uploads since the server started. */
    public long bytesReceived() { return bytesReceived.get(); }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
