package dev.sprocket.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.LockSupport;

/** Runs a call again, with backoff, while it fails transiently (coordinator unreachable or 5xx). */
final class Retrier {
    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    interface Call<T> {
        T call() throws java.io.IOException;
    }

    private Retrier() {}

    /**
     * Tries until the call succeeds, fails for good (a 4xx), or {@code policy.giveUpAfter()} has passed. Sleeps are
     * not cut short by interrupts (a worker that is being stopped must still deliver what it has); the interrupt
     * status is kept for the caller.
     */
    static <T> T run(RetryPolicy policy, String what, Call<T> call) throws java.io.IOException {
        long start = System.nanoTime();
        long deadline = start + policy.giveUpAfter().toNanos();
        long backoff = policy.firstBackoff().toNanos();
        int failures = 0;
        while (true) {
            try {
                T result = call.call();
                if (failures > 0) {
                    log.info("{}: got through after {} failed tr{} ({})", what, failures, failures == 1 ? "y" : "ies",
                            seconds(System.nanoTime() - start));
                }
                return result;
            } catch (CoordinatorException e) {
                if (!e.transientFailure()) throw e;
                failures++;
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    throw new CoordinatorException(e.status(), e.getMessage() + " (gave up " + what + " after "
                            + seconds(now - start) + " of retrying)");
                }
                if (failures == 1) log.warn("{}: {}; retrying for up to {} s", what, e.getMessage(), policy.giveUpAfter().toSeconds());
                else log.debug("{}: still failing ({})", what, e.getMessage());
                sleepUninterruptibly(Math.min(backoff, deadline - now));
                backoff = Math.min(backoff * 2, policy.maxBackoff().toNanos());
            }
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    static void sleepUninterruptibly(long nanos) {
        long end = System.nanoTime() + nanos;
        boolean interrupted = false;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) interrupted = true;
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
