package dev.sprocket.core.domain;

import java.util.Optional;

/** What a worker tells about a finished attempt, good or bad. */
public record AttemptReport(
        Optional<String> message,
        Optional<String> logKey,
        Optional<String> blenderVersion,
        Optional<Long> peakMemoryBytes,
        Optional<Double> renderSeconds) {

    public static AttemptReport empty() {
        return new AttemptReport(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static AttemptReport message(String m) {
        return new AttemptReport(Optional.of(m), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
