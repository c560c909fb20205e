package dev.sprocket.cli;

import dev.sprocket.api.Dto;
import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.client.CoordinatorException;
import dev.sprocket.core.domain.JobState;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Polls a job until it ends (COMPLETED, FAILED or CANCELED). Rides out a coordinator restart: while it cannot be
 * reached (or answers 5xx) polling goes on for up to {@link #AWAY_LIMIT}, with one note on stderr.
 */
final class JobWaiter {
    static final Duration AWAY_LIMIT = Duration.ofMinutes(10);
    /** Overridable so tests need not wait a whole period. */
    static final long POLL_MILLIS = Long.getLong("sprocket.poll.millis", 500);

    private JobWaiter() {}

    /** Calls {@code onUpdate} with each view; returns the last (terminal) one, or null when {@code timeout} passed. */
    static Dto.JobView await(CoordinatorClient client, String jobId, Duration timeout, PrintStream err,
                             Consumer<Dto.JobView> onUpdate) throws InterruptedException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long awaySince = 0;
        while (true) {
            Dto.JobView v;
            try {
                v = client.job(jobId);
                if (awaySince != 0) err.println("coordinator " + client.baseUrl() + " is back");
                awaySince = 0;
            } catch (CoordinatorException e) {
                if (!e.transientFailure()) throw e;
                long now = System.nanoTime();
                if (awaySince == 0) {
                    awaySince = now;
                    err.println(e.getMessage() + "; still trying for up to " + AWAY_LIMIT.toMinutes() + " min");
                } else if (now - awaySince > AWAY_LIMIT.toNanos()) {
                    throw e;
                }
                Thread.sleep(POLL_MILLIS * 2);
                continue;
            }
            onUpdate.accept(v);
            if (v.job().state().terminal()) return v;
            if (System.nanoTime() - deadline >= 0) return null;
            Thread.sleep(POLL_MILLIS);
        }
    }

    static int exitCode(JobState s) { return s == JobState.COMPLETED ? 0 : 1; }
}
