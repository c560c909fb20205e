package dev.sprocket.core.port;

/** A render that did not produce every frame. {@link Kind} tells whose fault it was. */
public class RenderException extends Exception {
    public enum Kind {
        /** Blender reported an error (exit code, "Error: ..."): the task failed. */
        ERROR,
        /** Blender died (signal, crash, killed). */
        CRASH,
        /** We stopped it on purpose (cancel, lost lease, shutdown). */
        ABORTED,
        /** Blender could not be started at all (not installed, bad path): the worker is broken, not the task. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String log;

    public RenderException(Kind kind, String message, String log) {
        super(message);
        this.kind = kind;
        this.log = log == null ? "" : log;
    }

    public RenderException(Kind kind, String message, String log, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.log = log == null ? "" : log;
    }

    public Kind kind() { return kind; }
    public String log() { return log; }
}
