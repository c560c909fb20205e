package dev.sprocket.core.domain;

public enum JobState {
    ACTIVE, PAUSED, COMPLETED, FAILED, CANCELED;

    public boolean terminal() { return this == COMPLETED || this == FAILED || this == CANCELED; }
}
