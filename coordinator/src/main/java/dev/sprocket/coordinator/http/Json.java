package dev.sprocket.coordinator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sprocket.api.ApiJson;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads request bodies and writes responses with the API's one JSON mapping ({@link ApiJson}). */
public final class Json {
    public static final String CONTENT_TYPE = "application/json";
    static final ObjectMapper MAPPER = ApiJson.mapper();

    private Json() {}

    /** @throws IllegalArgumentException (400) when the body is missing or is not a {@code type} */
    public static <T> T read(Context ctx, Class<T> type) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) throw new IllegalArgumentException("request body is empty; expected JSON " + type.getSimpleName());
        try {
            return MAPPER.readValue(body, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad JSON for " + type.getSimpleName() + ": " + oneLine(e), e);
        }
    }

    /** As {@link #read}, but an empty body gives {@code empty} (for requests whose every field is optional). */
    public static <T> T readOrDefault(Context ctx, Class<T> type, T empty) {
        return ctx.bodyAsBytes().length == 0 ? empty : read(ctx, type);
    }

    /** The body as a tree, to check that required fields are there before binding. */
    public static JsonNode tree(Context ctx) {
        try {
            JsonNode node = MAPPER.readTree(ctx.bodyAsBytes());
            if (node == null || !node.isObject()) throw new IllegalArgumentException("request body must be a JSON object");
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("bad JSON: " + oneLine(e), e);
        }
    }

    public static void write(Context ctx, int status, Object body) {
        ctx.status(status).contentType(CONTENT_TYPE).result(bytes(body));
    }

    public static void ok(Context ctx, Object body) { write(ctx, 200, body); }

    public static byte[] bytes(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Jackson's messages run over several lines and quote the source; the client needs the first reason only. */
    static String oneLine(Throwable e) {
        Throwable root = e;
        // Validation in a record's constructor (e.g. samples out of range) says more than Jackson's wrapper.
        while (root.getCause() != null && root.getCause() != root && root instanceof JsonProcessingException) root = root.getCause();
        String text = root instanceof JsonProcessingException j ? j.getOriginalMessage() : root.getMessage();
        if (text == null) text = root.getClass().getSimpleName();
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
