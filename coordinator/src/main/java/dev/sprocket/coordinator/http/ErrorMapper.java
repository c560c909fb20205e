package dev.sprocket.coordinator.http;

import dev.sprocket.api.Dto;
import dev.sprocket.core.dispatch.ConflictException;
import dev.sprocket.core.dispatch.NotFoundException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns exceptions into {@code {"error": "one line"}} with a fitting status, so every client can show the same
 * message whatever went wrong. Only unexpected errors are logged with a stack trace.
 */
public final class ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

    public static void register(RoutesConfig routes) {
        routes.exception(HttpError.class, (e, ctx) -> send(ctx, e.status(), e.getMessage()));
        routes.exception(NotFoundException.class, (e, ctx) -> send(ctx, 404, e.getMessage()));
        // A blob deleted between its size check and its read.
        routes.exception(java.nio.file.NoSuchFileException.class, (e, ctx) -> send(ctx, 404, "no such blob (it was just removed)"));
        routes.exception(ConflictException.class, (e, ctx) -> send(ctx, 409, e.getMessage()));
        // After NotFoundException (a subclass): Javalin picks the most specific handler.
        routes.exception(IllegalArgumentException.class, (e, ctx) -> send(ctx, 400, e.getMessage()));
        // Javalin's own: unknown route (404), wrong method, body too large (413), ...
        routes.exception(HttpResponseException.class, (e, ctx) -> send(ctx, e.getStatus(), e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            send(ctx, 500, "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        });
    }

    static void send(Context ctx, int status, String message) {
        String line = message == null || message.isBlank() ? "HTTP " + status : message.replace('\n', ' ').strip();
        Json.write(ctx, status, new Dto.Error(line));
    }
}
