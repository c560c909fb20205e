package dev.sprocket.blender;

/**
 * Blender cannot be started on this machine (not installed, bad {@code SPROCKET_BLENDER}, not executable).
 * Unchecked because it is a broken installation, not a bad input: the message says what to install or set.
 */
public class BlenderUnavailableException extends RuntimeException {
    public BlenderUnavailableException(String message) { super(message); }
    public BlenderUnavailableException(String message, Throwable cause) { super(message, cause); }
}
