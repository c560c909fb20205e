package dev.sprocket.blender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Dependency;
import dev.sprocket.core.domain.SceneInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns the JSON line printed by inspect_blend.py into a {@link BlendInfo}. */
final class InspectionReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InspectionReport() {}

    static BlendInfo parse(String json, String compression) throws IOException {
        JsonNode root = JSON.readTree(json);
        List<SceneInfo> scenes = new ArrayList<>();
        for (JsonNode s : root.path("scenes")) scenes.add(scene(s));
        List<Dependency> deps = new ArrayList<>();
        for (JsonNode d : root.path("dependencies")) deps.add(dependency(d));
        return new BlendInfo(
                root.path("file").asText(),
                root.path("savedWith").asText(),
                root.path("inspectedWith").asText(),
                compression,
                root.path("activeScene").asText(),
                List.copyOf(scenes),
                List.copyOf(deps),
                root.path("denoiserAvailable").asBoolean());
    }

    private static SceneInfo scene(JsonNode s) {
        return new SceneInfo(
                s.path("name").asText(),
                s.path("frameStart").asInt(),
                s.path("frameEnd").asInt(),
                s.path("frameStep").asInt(1),
                s.path("fps").asDouble(),
                s.path("resolutionX").asInt(),
                s.path("resolutionY").asInt(),
                s.path("resolutionPercent").asInt(),
                s.path("engine").asText(),
                s.path("samples").isNumber() ? Optional.of(s.path("samples").asInt()) : Optional.empty(),
                s.path("denoising").asBoolean(),
                s.path("camera").isTextual() ? Optional.of(s.path("camera").asText()) : Optional.empty(),
                s.path("motionBlur").asBoolean(),
                s.path("outputFormat").asText());
    }

    private static Dependency dependency(JsonNode d) {
        List<String> files = new ArrayList<>();
        for (JsonNode f : d.path("files")) files.add(f.asText());
        return new Dependency(
                d.path("kind").asText(),
                d.path("path").asText(),
                d.path("absolute").asText(),
                List.copyOf(files),
                d.path("present").asBoolean(),
                d.path("owner").asText());
    }
}
