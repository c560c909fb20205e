package dev.sprocket.coordinator.http;

import dev.sprocket.core.dispatch.ConflictException;
import dev.sprocket.core.dispatch.NotFoundException;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.port.JobStore;

/** Tells an unknown task (404) from a lease that is no longer the holder's (409), with a message that says which. */
final class Leases {
    private Leases() {}

    /** @return the task, when {@code token} is its current lease and the task is still leased or running */
    static Task requireCurrent(JobStore store, TaskId id, long token) {
        Task task = store.task(id).orElseThrow(() -> notFound(id));
        if (task.token() != token || !task.state().active()) throw stale(task, token);
        return task;
    }

    /** After a fenced call was refused: which of the two reasons it was. */
    static RuntimeException refused(JobStore store, TaskId id, long token) {
        return store.task(id).<RuntimeException>map(t -> stale(t, token)).orElseGet(() -> notFound(id));
    }

    static NotFoundException notFound(TaskId id) {
        return new NotFoundException("no task " + id + " (unknown job or index)");
    }

    static ConflictException stale(Task task, long token) {
        String now = task.token() == token ? "is " + task.state()
                : token > task.token() ? "never had that token (its latest is " + task.token() + ")"
                : "was leased again (token " + task.token() + ")";
        return new ConflictException("lease " + token + " of task " + task.id() + " is no longer valid: the task " + now
                + "; stop this attempt, its results are discarded");
    }
}
