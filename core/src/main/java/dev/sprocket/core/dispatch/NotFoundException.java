package dev.sprocket.core.dispatch;

/** An unknown job, task or worker id. The message names it. */
public class NotFoundException extends IllegalArgumentException {
    public NotFoundException(String message) { super(message); }
}
