package dev.sprocket.core.dispatch;

/** An action the current state does not allow (e.g. pausing a completed job). The message says why. */
public class ConflictException extends IllegalStateException {
    public ConflictException(String message) { super(message); }
}
