package dev.sprocket.coordinator.http;

/** An error response with a status of its own (401, 410, ...); the message is the one line the client sees. */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String message) {
        super(message, null, false, false); // control flow, not a bug: no stack trace
        this.status = status;
    }

    public int status() { return status; }

    public static HttpError unauthorized(String message) { return new HttpError(401, message); }
    public static HttpError gone(String message) { return new HttpError(410, message); }
    public static HttpError unavailable(String message) { return new HttpError(503, message); }
}
