package dev.sprocket.client;

import java.time.Duration;

/**
 * How long a worker keeps trying a call that must get through (an upload, a completion) while the coordinator
 * cannot be reached or answers 5xx — e.g. while it is being restarted. Backoff doubles from {@code firstBackoff} up
 * to {@code maxBackoff}; after {@code giveUpAfter} the call fails.
 */
public record RetryPolicy(Duration giveUpAfter, Duration firstBackoff, Duration maxBackoff) {
    public RetryPolicy {
        if (giveUpAfter.isNegative()) throw new IllegalArgumentException("giveUpAfter must not be negative");
        if (firstBackoff.isNegative() || firstBackoff.isZero()) throw new IllegalArgumentException("firstBackoff must be positive");
        if (maxBackoff.compareTo(firstBackoff) < 0) throw new IllegalArgumentException("maxBackoff must be at least firstBackoff");
    }

    /** Ten minutes: long enough for a coordinator restart (or a reboot of its machine). */
    public static RetryPolicy defaults() {
        return new RetryPolicy(Duration.ofMinutes(10), Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    /** One try, no retry. */
    public static RetryPolicy none() {
        return new RetryPolicy(Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(1));
    }

    public RetryPolicy withGiveUpAfter(Duration d) { return new RetryPolicy(d, firstBackoff, maxBackoff); }
}
