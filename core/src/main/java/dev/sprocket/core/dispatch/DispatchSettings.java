package dev.sprocket.core.dispatch;

import java.time.Duration;

/**
 * Dispatch policy numbers.
 *
 * @param leaseTtl     how long a lease lives without a heartbeat; workers renew at a third of it
 * @param maxAttempts  real render failures after which a task is failed (lost leases do not count)
 * @param sweepEvery   upper bound on how long a waiting worker sleeps before re-checking expired leases
 * @param heartbeatEvery how often workers renew; also how fast a cancel or pause reaches a running Blender
 * @param blocklistAfter render failures of one job on one worker after which that worker gets no more of its tasks
 * @param jobFailureRatio share of a job's tasks that may fail before the job stops as failed (at least
 *                       {@code jobFailureMinimum} tasks)
 * @param hungAfter    a task whose Blender shows no progress for this long is treated as a failed attempt
 */
public record DispatchSettings(Duration leaseTtl, int maxAttempts, Duration sweepEvery, Duration heartbeatEvery,
                               int blocklistAfter, double jobFailureRatio, int jobFailureMinimum, Duration hungAfter) {
    public DispatchSettings {
        if (leaseTtl.isNegative() || leaseTtl.isZero()) throw new IllegalArgumentException("leaseTtl must be positive");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        if (heartbeatEvery.isNegative() || heartbeatEvery.isZero() || heartbeatEvery.compareTo(leaseTtl) >= 0) {
            throw new IllegalArgumentException("heartbeatEvery must be positive and shorter than leaseTtl");
        }
        if (blocklistAfter < 1) throw new IllegalArgumentException("blocklistAfter must be at least 1");
        if (jobFailureRatio <= 0 || jobFailureRatio > 1) throw new IllegalArgumentException("jobFailureRatio must be in (0, 1]");
        if (jobFailureMinimum < 1) throw new IllegalArgumentException("jobFailureMinimum must be at least 1");
        if (hungAfter.isNegative() || hungAfter.isZero()) throw new IllegalArgumentException("hungAfter must be positive");
    }

    public static DispatchSettings defaults() {
        return new DispatchSettings(Duration.ofSeconds(60), 3, Duration.ofSeconds(1), Duration.ofSeconds(2),
                3, 0.1, 3, Duration.ofMinutes(10));
    }

    public DispatchSettings withLeaseTtl(Duration ttl) {
        return new DispatchSettings(ttl, maxAttempts, sweepEvery, heartbeatEvery.compareTo(ttl) < 0 ? heartbeatEvery : ttl.dividedBy(3),
                blocklistAfter, jobFailureRatio, jobFailureMinimum, hungAfter);
    }

    public DispatchSettings withMaxAttempts(int n) {
        return new DispatchSettings(leaseTtl, n, sweepEvery, heartbeatEvery, blocklistAfter, jobFailureRatio, jobFailureMinimum, hungAfter);
    }

    public DispatchSettings withBlocklistAfter(int n) {
        return new DispatchSettings(leaseTtl, maxAttempts, sweepEvery, heartbeatEvery, n, jobFailureRatio, jobFailureMinimum, hungAfter);
    }

    public DispatchSettings withHungAfter(Duration d) {
        return new DispatchSettings(leaseTtl, maxAttempts, sweepEvery, heartbeatEvery, blocklistAfter, jobFailureRatio, jobFailureMinimum, d);
    }

    public DispatchSettings withJobFailure(double ratio, int minimum) {
        return new DispatchSettings(leaseTtl, maxAttempts, sweepEvery, heartbeatEvery, blocklistAfter, ratio, minimum, hungAfter);
    }

    /** Failed tasks at which a job of {@code tasks} tasks stops. */
    public int jobFailureLimit(int tasks) {
        return Math.max(jobFailureMinimum, (int) Math.ceil(jobFailureRatio * tasks));
    }
}
