package dev.sprocket.coordinator;

import dev.sprocket.core.dispatch.Dispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Requeues expired leases and fails hung tasks on a timer. Waiting workers also sweep, but when every worker is busy
 * rendering (or gone) nobody polls, and a lost worker's task would sit leased forever.
 */
final class Sweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
    private final ScheduledExecutorService timer;

    Sweeper(Dispatcher dispatcher) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sprocket-sweeper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, dispatcher.settings().sweepEvery().toMillis());
        timer.scheduleWithFixedDelay(() -> sweep(dispatcher), period, period, TimeUnit.MILLISECONDS);
    }

    private static void sweep(Dispatcher dispatcher) {
        // A failing sweep must not cancel the schedule (an exception would): log it and try again next period.
        try {
            int expired = dispatcher.expireLeases();
            int hung = dispatcher.failHungTasks();
            int settled = dispatcher.settleFinishedJobs();
            if (expired > 0 || hung > 0 || settled > 0) {
                log.info("Sweep: {} expired lease(s) requeued, {} hung task(s) failed, {} job(s) settled", expired, hung, settled);
            }
        } catch (RuntimeException e) {
            log.warn("Lease sweep failed; retrying next period", e);
        }
    }

    @Override public void close() {
        timer.shutdownNow();
    }
}
