package dev.sprocket.coordinator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sprocket.api.ApiJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** A test client of the API: plain java.net.http, the shared JSON mapping, and the status of every answer. */
final class Api {
    static final ObjectMapper JSON = ApiJson.mapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final Optional<String> token;

    Api(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
    }

    Api withToken(String t) { return new Api(base, Optional.of(t)); }
    Api withoutToken() { return new Api(base, Optional.empty()); }

    record Response(int status, byte[] body, HttpResponse<byte[]> raw) {
        String text() { return new String(body, java.nio.charset.StandardCharsets.UTF_8); }

        JsonNode tree() {
            try { return JSON.readTree(body); } catch (IOException e) { throw new UncheckedIOException(text(), e); }
        }

        <T> T as(Class<T> type) {
            try { return JSON.readValue(body, type); } catch (IOException e) { throw new UncheckedIOException(text(), e); }
        }

        <T> T as(TypeReference<T> type) {
            try { return JSON.readValue(body, type); } catch (IOException e) { throw new UncheckedIOException(text(), e); }
        }

        String error() { return tree().path("error").asText(); }

        @Override public String toString() { return status + " " + text(); }
    }

    Response get(String path) { return send(request(path).GET()); }
    Response head(String path) { return send(request(path).HEAD()); }
    Response post(String path, Object body) { return send(request(path).POST(json(body)).header("Content-Type", "application/json")); }
    Response postEmpty(String path) { return send(request(path).POST(HttpRequest.BodyPublishers.noBody())); }
    Response put(String path, byte[] body) { return send(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body))); }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(body instanceof String s ? s.getBytes() : JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
