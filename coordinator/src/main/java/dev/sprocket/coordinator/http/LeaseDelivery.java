package dev.sprocket.coordinator.http;

import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Lease;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes an answer that carries a lease, now rather than after the handler returns, so that a worker that is no
 * longer there (it gave up waiting; its connection is gone) is noticed at once and the task goes back to the queue
 * instead of waiting a lease TTL for it.
 */
final class LeaseDelivery {
    private static final Logger log = LoggerFactory.getLogger(LeaseDelivery.class);

    private LeaseDelivery() {}

    /** Sends {@code body} (JSON holding {@code lease}); on a failed write the lease is released. */
    static void send(Context ctx, Dispatcher dispatcher, Lease lease, Object body) {
        byte[] bytes = Json.bytes(body);
        ctx.status(200).contentType(Json.CONTENT_TYPE).header("Content-Length", Integer.toString(bytes.length));
        try {
            OutputStream out = ctx.outputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException | RuntimeException e) {
            log.info("Worker {} left before its lease of {} was delivered ({}); releasing it", lease.worker(), lease.taskId(), e.toString());
            dispatcher.release(lease.taskId(), lease.token(), AttemptReport.message("lease not delivered: worker disconnected"));
        }
    }
}
