package dev.sprocket.client;

import dev.sprocket.core.domain.Lease;

import java.util.Optional;

/**
 * The answer to one long-poll for work: a lease (200), nothing within the wait (204), or "drain" (410: the worker
 * was asked to finish up and exit).
 */
public record LeasePoll(Optional<Lease> lease, boolean drain) {
    public static LeasePoll of(Lease lease) { return new LeasePoll(Optional.of(lease), false); }
    public static LeasePoll none() { return new LeasePoll(Optional.empty(), false); }
    public static LeasePoll drained() { return new LeasePoll(Optional.empty(), true); }
}
