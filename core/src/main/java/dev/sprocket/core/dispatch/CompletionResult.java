package dev.sprocket.core.dispatch;

public enum CompletionResult {
    ACCEPTED,
    /** The token was not the current one (lease expired and re-leased, or task canceled): result discarded. */
    STALE
}
