package dev.sprocket.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sprocket.api.ApiPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiTest {
    @Test void theDocumentListsEveryRegisteredRouteAndNoOther(@TempDir Path dir) throws Exception {
        try (Farm farm = new Farm(dir)) {
            Api.Response r = farm.api.get(ApiPaths.OPENAPI);
            assertThat(r.status()).isEqualTo(200);
            JsonNode doc = r.tree();
            assertThat(doc.path("openapi").asText()).startsWith("3.");
            JsonNode paths = doc.path("paths");

            List<String> registered = farm.server.routes().stream().map(OpenApiTest::openApiStyle).sorted().toList();
            List<String> documented = new ArrayList<>();
            paths.fieldNames().forEachRemaining(path -> paths.get(path).fieldNames().forEachRemaining(method -> {
                if (List.of("get", "put", "post", "delete", "head", "patch", "options").contains(method)) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
                }
            }));
            assertThat(registered).hasSizeGreaterThan(20);
            assertThat(documented).containsExactlyInAnyOrderElementsOf(registered);

            // Every $ref points at a schema that exists.
            List<String> refs = new ArrayList<>();
            collectRefs(doc, refs);
            assertThat(refs).isNotEmpty();
            assertThat(refs).filteredOn(ref -> doc.at(ref.substring(1)).isMissingNode()).as("dangling $ref").isEmpty();
        }
    }

    /** Javalin's {@code <key>} (may span '/') and {@code {id}} both become OpenAPI's {@code {name}}. */
    static String openApiStyle(String route) {
        return route.replaceAll("<([^>]+)>", "{$1}");
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) out.add(e.getValue().asText());
                else collectRefs(e.getValue(), out);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}
