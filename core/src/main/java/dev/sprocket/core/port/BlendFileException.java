package dev.sprocket.core.port;

/** A .blend that cannot be used; the message names the file and what to do. */
public class BlendFileException extends Exception {
    public BlendFileException(String message) { super(message); }
    public BlendFileException(String message, Throwable cause) { super(message, cause); }
}
