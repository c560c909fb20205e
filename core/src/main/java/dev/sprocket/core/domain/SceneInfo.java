package dev.sprocket.core.domain;

import java.util.List;
import java.util.Optional;

/** What Blender says about one scene of a .blend. */
public record SceneInfo(
        String name,
        int frameStart,
        int frameEnd,
        int frameStep,
        double fps,
        int resolutionX,
        int resolutionY,
        int resolutionPercent,
        String engine,
        Optional<Integer> samples,
        boolean denoising,
        Optional<String> camera,
        boolean motionBlur,
        String outputFormat) {

    public FrameSpec frameRange() {
        return FrameSpec.range(frameStart, frameEnd, Math.max(1, frameStep));
    }

    public List<String> describe() {
        return List.of(
                "frames " + frameStart + "-" + frameEnd + (frameStep > 1 ? " step " + frameStep : "") + " at " + fps + " fps",
                "resolution " + resolutionX + "x" + resolutionY + " at " + resolutionPercent + "%",
                "engine " + engine + samples.map(s -> ", " + s + " samples").orElse("") + (denoising ? ", denoising on" : ""),
                "camera " + camera.orElse("(none)"),
                "motion blur " + (motionBlur ? "on" : "off"),
                "output " + outputFormat);
    }
}
