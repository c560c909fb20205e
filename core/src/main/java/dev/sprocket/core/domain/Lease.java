package dev.sprocket.core.domain;

import java.time.Instant;

/** A task handed to one worker until {@code expiresAt}; {@code token} fences out older holders. */
public record Lease(Job job, Task task, String worker, long token, Instant expiresAt) {
    public TaskId taskId() { return task.id(); }
}
