package dev.sprocket.core.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * A worker the coordinator has heard from.
 *
 * @param drain  asked to finish its current task and exit
 * @param task   the task it holds a lease on, if any
 */
public record WorkerInfo(String name, Instant firstSeen, Instant lastSeen, boolean drain, Optional<TaskId> task) {
}
