package dev.sprocket.coordinator.http;

import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.port.BlobStore;
import dev.sprocket.core.port.JobStore;

import java.time.Clock;
import java.time.Duration;

/**
 * What the routes work with. Policy stays in the {@link Dispatcher}; the routes translate HTTP to its calls, and
 * read the store directly only for views and for telling a 404 from a 409.
 *
 * @param maxLeaseWait cap on a worker's long-poll
 */
public record Services(Dispatcher dispatcher, BlobStore blobs, Uploads uploads, Clock clock, Duration maxLeaseWait,
                       AttemptFiles attemptFiles) {
    public Services(Dispatcher dispatcher, BlobStore blobs, Uploads uploads, Clock clock, Duration maxLeaseWait) {
        this(dispatcher, blobs, uploads, clock, maxLeaseWait, new AttemptFiles());
    }

    JobStore store() { return dispatcher.store(); }
}
