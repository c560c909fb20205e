package dev.sprocket.client;

/**
 * A coordinator call that did not succeed: either the server answered with an error ({@link #status()} is the HTTP
 * status and the message is the server's one-line {@code {"error"}}), or it could not be reached at all
 * ({@link #unreachable()}; status 0, the message says "cannot reach coordinator at URL: ...").
 */
public class CoordinatorException extends RuntimeException {
    private final int status;

    public CoordinatorException(int status, String message) {
        super(message);
        this.status = status;
    }

    public CoordinatorException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() { return status; }

    /** No answer: connection refused, timed out or cut off. */
    public boolean unreachable() { return status == 0; }

    /** Worth trying again later: the coordinator may be restarting (no answer, or a 5xx). */
    public boolean transientFailure() { return status == 0 || status >= 500; }

    /** 409: a stale lease token, or a state that does not allow the action. */
    public boolean conflict() { return status == 409; }

    public boolean notFound() { return status == 404; }
}
