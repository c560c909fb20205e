package dev.sprocket.core.domain;

public enum TaskState {
    QUEUED, LEASED, RUNNING, DONE, FAILED, PAUSED, CANCELED;

    public boolean terminal() { return this == DONE || this == FAILED || this == CANCELED; }
    /** Held by a worker right now. */
    public boolean active() { return this == LEASED || this == RUNNING; }
}
