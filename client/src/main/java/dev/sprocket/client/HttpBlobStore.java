package dev.sprocket.client;

import dev.sprocket.core.port.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The coordinator's blob store, seen from a worker or a client: {@code PUT} streams files from disk, {@code GET}
 * streams into a temp file that is then renamed into place, {@code HEAD} answers exists/size. Transfers that fail
 * because the coordinator is away (no answer, 5xx) are retried per the {@link RetryPolicy}, so a frame rendered
 * during a coordinator restart is still uploaded. Refusals (400, 409 for an output of a stale lease) are not retried
 * and come out as IOException naming the key and the server's reason.
 * <p>{@link #delete} does nothing: the API has no delete, and the coordinator discards outputs of stale attempts
 * itself.
 */
public final class HttpBlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(HttpBlobStore.class);

    private final CoordinatorClient client;
    private final RetryPolicy retry;

    public HttpBlobStore(CoordinatorClient client) {
        this(client, RetryPolicy.defaults());
    }

    public HttpBlobStore(CoordinatorClient client, RetryPolicy retry) {
        this.client = client;
        this.retry = retry;
    }

    @Override public boolean exists(String key) throws IOException {
        return size(key).isPresent();
    }

    @Override public void put(String key, Path source) throws IOException {
        run("upload of " + key, () -> {
            client.putBlob(key, source);
            return null;
        });
    }

    @Override public void putBytes(String key, byte[] data) throws IOException {
        run("upload of " + key, () -> {
            client.putBlob(key, data);
            return null;
        });
    }

    /** @throws NoSuchFileException when the coordinator has no blob under {@code key} */
    @Override public void get(String key, Path target) throws IOException {
        boolean found = run("download of " + key, () -> client.getBlob(key, target));
        if (!found) throw new NoSuchFileException(describe(key), null, "no blob '" + key + "' on the coordinator");
    }

    @Override public Optional<byte[]> readBytes(String key) throws IOException {
        return run("download of " + key, () -> client.readBlob(key));
    }

    @Override public Optional<Long> size(String key) throws IOException {
        return run("size of " + key, () -> client.blobSize(key));
    }

    /** Does nothing: the coordinator discards stale outputs itself, and its API deletes no blob. */
    @Override public void delete(String key) {
        log.debug("not deleting {} (the coordinator discards stale outputs itself)", key);
    }

    @Override public String describe(String key) {
        return client.blobUrl(key).toString();
    }

    private <T> T run(String what, Retrier.Call<T> call) throws IOException {
        try {
            return Retrier.run(retry, what, call);
        } catch (CoordinatorException e) {
            throw new IOException(what + " failed: " + e.getMessage(), e);
        }
    }
}
