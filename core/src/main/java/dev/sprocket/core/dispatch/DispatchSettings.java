package dev.sprocket.core.dispatch;

import java.time.Duration;

/**
 * Dispatch policy numbers.
 *
 * @param leaseTtl     how long a lease lives without a heartbeat; workers renew at a third of it
 * @param maxAttempts  real render failures after which a task is failed (lost leases do not count)
 * @param sweepEvery   upper bound on how long a waiting worker sleeps before re-checking expired leases
 */
public record DispatchSettings(Duration leaseTtl, int maxAttempts, Duration sweepEvery) {
    public DispatchSettings {
        if (leaseTtl.isNegative() || leaseTtl.isZero()) throw new IllegalArgumentException("leaseTtl must be positive");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    }

    public static DispatchSettings defaults() {
        return new DispatchSettings(Duration.ofSeconds(60), 3, Duration.ofSeconds(1));
    }

    public DispatchSettings withLeaseTtl(Duration ttl) { return new DispatchSettings(ttl, maxAttempts, sweepEvery); }
    public DispatchSettings withMaxAttempts(int n) { return new DispatchSettings(leaseTtl, n, sweepEvery); }
}
