package dev.sprocket.core.domain;

/** A frame spec that cannot be rendered; the message says which part and why. */
public class InvalidFrameSpecException extends IllegalArgumentException {
    public InvalidFrameSpecException(String message) { super(message); }
}
