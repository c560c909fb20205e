package dev.sprocket.core.domain;

import java.time.Instant;
import java.util.Optional;

/** One try of a task by one worker. */
public record Attempt(
        TaskId taskId,
        long token,
        String worker,
        Instant startedAt,
        Optional<Instant> endedAt,
        AttemptOutcome outcome,
        Optional<String> message,
        Optional<String> logKey,
        Optional<String> blenderVersion,
        Optional<Long> peakMemoryBytes,
        Optional<Double> renderSeconds) {
}
