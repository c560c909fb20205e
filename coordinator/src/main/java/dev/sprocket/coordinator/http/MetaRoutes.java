package dev.sprocket.coordinator.http;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import io.javalin.config.RoutesConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Health (open, for probes) and the API's own description. */
public final class MetaRoutes {
    /** Hand-written beside docs/api.md; a test checks that it lists every registered route. */
    public static final String OPENAPI_RESOURCE = "/dev/sprocket/coordinator/openapi.json";
    private static final byte[] HEALTH = Json.bytes(new Dto.Health("ok"));

    private final byte[] openApi;

    public MetaRoutes() {
        try (InputStream in = MetaRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + OPENAPI_RESOURCE + " is missing from the build");
            this.openApi = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(RoutesConfig routes) {
        routes.get(ApiPaths.HEALTH, ctx -> ctx.contentType(Json.CONTENT_TYPE).result(HEALTH));
        routes.get(ApiPaths.OPENAPI, ctx -> ctx.contentType(Json.CONTENT_TYPE).result(openApi));
    }
}
