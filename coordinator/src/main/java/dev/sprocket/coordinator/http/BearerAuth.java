package dev.sprocket.coordinator.http;

import dev.sprocket.api.ApiPaths;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Requires {@code Authorization: Bearer <token>} on every route but the open ones. The comparison takes the same
 * time whatever the guess, so the token cannot be found byte by byte by timing; nothing here logs the header.
 */
public final class BearerAuth implements Handler {
    private static final String PREFIX = "Bearer ";
    /** Load balancers and `sprocket status` probe this without credentials; it reveals nothing. */
    private static final Set<String> OPEN = Set.of(ApiPaths.HEALTH);

    private final byte[] expected;

    public BearerAuth(String token) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override public void handle(Context ctx) {
        if (OPEN.contains(ctx.path())) return;
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw HttpError.unauthorized("missing token: send 'Authorization: Bearer <token>' (the server's token file, or SPROCKET_TOKEN)");
        }
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                || !MessageDigest.isEqual(expected, header.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8))) {
            throw HttpError.unauthorized("wrong token: check SPROCKET_TOKEN against the server's token file");
        }
    }
}
