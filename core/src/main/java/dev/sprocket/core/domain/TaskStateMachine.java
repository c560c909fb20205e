package dev.sprocket.core.domain;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import static dev.sprocket.core.domain.TaskEvent.*;
import static dev.sprocket.core.domain.TaskState.*;

/** The one table of allowed task transitions. Every store adapter applies transitions through it. */
public final class TaskStateMachine {
    private static final Map<TaskState, Map<TaskEvent, TaskState>> TABLE = new EnumMap<>(TaskState.class);

    static {
        allow(QUEUED, LEASE, LEASED);
        allow(QUEUED, PAUSE, PAUSED);
        allow(QUEUED, CANCEL, CANCELED);

        allow(LEASED, START, RUNNING);
        allow(LEASED, COMPLETE, DONE);
        allow(LEASED, FAIL_RETRY, QUEUED);
        allow(LEASED, FAIL_FINAL, FAILED);
        allow(LEASED, EXPIRE, QUEUED);
        allow(LEASED, RELEASE, QUEUED);
        allow(LEASED, CANCEL, CANCELED);
        allow(LEASED, PAUSE, PAUSED);

        allow(RUNNING, COMPLETE, DONE);
        allow(RUNNING, FAIL_RETRY, QUEUED);
        allow(RUNNING, FAIL_FINAL, FAILED);
        allow(RUNNING, EXPIRE, QUEUED);
        allow(RUNNING, RELEASE, QUEUED);
        allow(RUNNING, CANCEL, CANCELED);
        allow(RUNNING, PAUSE, PAUSED);

        allow(PAUSED, RESUME, QUEUED);
        allow(PAUSED, CANCEL, CANCELED);

        allow(DONE, RETRY, QUEUED);
        allow(FAILED, RETRY, QUEUED);
        allow(CANCELED, RETRY, QUEUED);
    }

    private TaskStateMachine() {}

    private static void allow(TaskState from, TaskEvent event, TaskState to) {
        TABLE.computeIfAbsent(from, k -> new EnumMap<>(TaskEvent.class)).put(event, to);
    }

    public static Optional<TaskState> next(TaskState from, TaskEvent event) {
        return Optional.ofNullable(TABLE.getOrDefault(from, Map.of()).get(event));
    }

    /** @throws IllegalStateException when the event is not allowed in that state */
    public static TaskState require(TaskState from, TaskEvent event) {
        return next(from, event).orElseThrow(() ->
                new IllegalStateException("task in state " + from + " cannot take event " + event));
    }
}
