package dev.sprocket.core.submit;

import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.domain.SceneInfo;

import java.util.List;

/** A checked request: what will actually be rendered, plus notes worth telling the user. */
public record JobPlan(SceneInfo scene, FrameSpec frames, int chunk, RenderSettings settings, List<String> notes) {
}
