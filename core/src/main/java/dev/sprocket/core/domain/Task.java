package dev.sprocket.core.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A chunk of frames of one job.
 *
 * @param token     fencing token: the number of the latest lease; only a result carrying it is accepted
 * @param failures  real render failures so far (lost leases do not count)
 * @param worker    holder of the current lease, if any
 * @param progress  last progress the worker reported, e.g. "frame 12 sample 40/128"
 */
public record Task(
        TaskId id,
        List<Integer> frames,
        TaskState state,
        long token,
        int failures,
        Optional<String> worker,
        Optional<Instant> leaseExpiresAt,
        Optional<String> progress) {
}
