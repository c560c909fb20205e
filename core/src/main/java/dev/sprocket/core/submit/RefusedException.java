package dev.sprocket.core.submit;

/** A job that must not be queued; the message is one line that names the cause and what to do. */
public class RefusedException extends Exception {
    public RefusedException(String message) { super(message); }
}
