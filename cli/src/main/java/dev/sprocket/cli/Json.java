package dev.sprocket.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sprocket.api.ApiJson;

/** JSON output of the commands: the API's own mapping (so --json shows jobs as the API does), indented. */
final class Json {
    static final ObjectMapper MAPPER = ApiJson.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
