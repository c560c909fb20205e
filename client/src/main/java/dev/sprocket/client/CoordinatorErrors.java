package dev.sprocket.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/** Turns HTTP failures into one readable line: the server's {@code {"error"}}, or why the coordinator was not reached. */
final class CoordinatorErrors {
    private static final int MAX_RAW_CHARS = 200;

    private CoordinatorErrors() {}

    /** The server's {@code {"error"}} line, or the start of whatever it sent. */
    static CoordinatorException fromResponse(ObjectMapper json, int status, byte[] body) {
        String message = null;
        if (body != null && body.length > 0) {
            try {
                JsonNode n = json.readTree(body);
                if (n != null && n.hasNonNull("error")) message = n.get("error").asText();
            } catch (IOException notJson) {
                // fall through to the raw text
            }
            if (message == null) {
                String text = new String(body, StandardCharsets.UTF_8).strip();
                message = text.lines().findFirst().orElse("");
                if (message.length() > MAX_RAW_CHARS) message = message.substring(0, MAX_RAW_CHARS) + "…";
            }
        }
        if (message == null || message.isBlank()) message = "HTTP " + status;
        if (status == 401 && !message.contains("SPROCKET_TOKEN")) {
            message = message + " (HTTP 401: check SPROCKET_TOKEN; it must match the coordinator's token)";
        }
        return new CoordinatorException(status, message);
    }

    /** Unwraps an async failure into what the caller should see. */
    static RuntimeException rethrow(URI base, Throwable cause, Duration connectTimeout) {
        if (cause instanceof CompletionException c && c.getCause() != null) cause = c.getCause();
        if (cause instanceof CoordinatorException e) return e;
        if (cause instanceof CancellationException e) return e;
        if (cause instanceof IOException io) return unreachable(base, io, connectTimeout);
        if (cause instanceof RuntimeException r) return r;
        return new CoordinatorException("cannot reach coordinator at " + base + ": " + cause, cause);
    }

    static CoordinatorException unreachable(URI base, IOException e, Duration connectTimeout) {
        String why;
        if (e instanceof HttpConnectTimeoutException) why = "no answer to connect within " + connectTimeout.toSeconds() + " s";
        else if (e instanceof HttpTimeoutException) why = "no answer in time (" + e.getMessage() + ")";
        else if (e.getCause() instanceof java.nio.channels.UnresolvedAddressException || e instanceof java.net.UnknownHostException) {
            why = "unknown host " + base.getHost();
        } else if (e instanceof ConnectException) why = "connection refused (is `sprocket server` running there?)";
        else why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        return new CoordinatorException("cannot reach coordinator at " + base + ": " + why, e);
    }
}
