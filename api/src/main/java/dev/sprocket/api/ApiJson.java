package dev.sprocket.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sprocket.core.domain.FrameSpec;

import java.io.IOException;

/** The one JSON mapping of the API, used by the server and every client, so both sides agree by construction. */
public final class ApiJson {
    private ApiJson() {}

    public static ObjectMapper mapper() {
        SimpleModule sprocket = new SimpleModule("sprocket");
        sprocket.addSerializer(FrameSpec.class, new JsonSerializer<>() {
            @Override public void serialize(FrameSpec v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(v.text());
            }
        });
        sprocket.addDeserializer(FrameSpec.class, new JsonDeserializer<>() {
            @Override public FrameSpec deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return FrameSpec.parse(p.getValueAsString());
            }
        });
        // Buffers recycled through a shared pool: Jackson's default pool is per thread, and every request runs on a
        // new virtual thread, so each would allocate fresh parse and write buffers (a fifth of the server's garbage).
        JsonFactory factory = JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
        return new ObjectMapper(factory)
                .registerModule(new Jdk8Module())
                .registerModule(new JavaTimeModule())
                .registerModule(sprocket)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
