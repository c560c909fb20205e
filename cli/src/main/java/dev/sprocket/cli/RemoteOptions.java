package dev.sprocket.cli;

import dev.sprocket.client.CoordinatorClient;
import picocli.CommandLine.Option;

/**
 * Where the coordinator is ({@code --coordinator URL}, else {@code SPROCKET_COORDINATOR}) and the API token
 * ({@code SPROCKET_TOKEN}). The token is only ever read from the environment, so it never shows in {@code ps} or
 * shell history, and it is never printed.
 */
final class RemoteOptions {
    static final String COORDINATOR_ENV = "SPROCKET_COORDINATOR";
    static final String TOKEN_ENV = "SPROCKET_TOKEN";

    @Option(names = "--coordinator", paramLabel = "URL",
            description = "The coordinator, e.g. http://render-box:7070 (default: $SPROCKET_COORDINATOR).")
    String coordinator;

    /** A client for the coordinator; a missing address or token is a one-line error naming what to set. */
    CoordinatorClient connect() {
        String url = coordinator != null ? coordinator : setting("sprocket.coordinator", COORDINATOR_ENV);
        if (url == null || url.isBlank()) {
            throw new UserError("no coordinator given: pass --coordinator URL or set " + COORDINATOR_ENV
                    + " (e.g. http://render-box:7070)");
        }
        String token = setting("sprocket.token", TOKEN_ENV);
        if (token == null || token.isBlank()) {
            throw new UserError(TOKEN_ENV + " is not set: export " + TOKEN_ENV + "=<the coordinator's API token>"
                    + " (`sprocket server` keeps it in <data dir>/token)");
        }
        try {
            return new CoordinatorClient(url, token);
        } catch (IllegalArgumentException e) {
            throw new UserError("--coordinator: " + e.getMessage());
        }
    }

    /** A system property (tests cannot set environment variables) or else the environment variable. */
    private static String setting(String property, String env) {
        String p = System.getProperty(property);
        return p != null ? p : System.getenv(env);
    }
}
