package dev.sprocket.cli;

import dev.sprocket.client.CoordinatorException;
import dev.sprocket.core.port.BlendFileException;
import dev.sprocket.core.port.RenderException;
import dev.sprocket.core.submit.RefusedException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Errors go to stderr as one readable line; the stack trace only with --verbose. */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        boolean verbose = CommonOptions.verbose(cmd.getCommand());
        String message = switch (e) {
            case UserError u -> u.getMessage();
            case CoordinatorException c -> c.getMessage();
            case RefusedException r -> "refused: " + r.getMessage();
            case BlendFileException b -> b.getMessage();
            case RenderException r -> r.getMessage();
            case IllegalArgumentException i -> i.getMessage();
            default -> e.getClass().getSimpleName() + ": " + e.getMessage() + " (run with --verbose for details)";
        };
        cmd.getErr().println("sprocket: " + oneLine(message));
        if (verbose) e.printStackTrace(cmd.getErr());
        return e instanceof UserError u ? u.exitCode() : 1;
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
