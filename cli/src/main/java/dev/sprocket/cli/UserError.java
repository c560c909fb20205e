package dev.sprocket.cli;

/** An error the user can fix; printed as one line, without a stack trace. */
final class UserError extends RuntimeException {
    private final int exitCode;

    UserError(String message) { this(message, 1); }

    UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() { return exitCode; }
}
