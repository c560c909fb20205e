package dev.sprocket.core.submit;

import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Dependency;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.domain.SceneInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything that must be true before a job is queued. Each refusal is one line naming the file, scene, field or
 * frame, and what to do about it — so nothing is left to fail on a worker at 3 a.m.
 */
public final class SubmissionCheck {
    private static final Map<String, String> ENGINES = Map.of(
            "CYCLES", "CYCLES", "EEVEE", "BLENDER_EEVEE", "BLENDER_EEVEE", "BLENDER_EEVEE",
            "WORKBENCH", "BLENDER_WORKBENCH", "BLENDER_WORKBENCH", "BLENDER_WORKBENCH");

    private SubmissionCheck() {}

    public static JobPlan check(Path blend, JobRequest req, BlendInfo info) throws RefusedException {
        String file = blend.getFileName().toString();
        List<String> notes = new ArrayList<>();
        String sceneName = req.scene().orElse(info.activeScene());
        SceneInfo scene = info.scenes().stream().filter(s -> s.name().equals(sceneName)).findFirst().orElseThrow(() ->
                refused(file + " has no scene '" + sceneName + "'; it has " + info.scenes().stream().map(SceneInfo::name).toList()));

        if (scene.camera().isEmpty()) {
            throw refused(file + ": scene '" + scene.name() + "' has no camera; add one and make it the scene camera, then save");
        }
        List<Dependency> missing = info.missing();
        if (!missing.isEmpty() && !req.allowMissing()) {
            throw refused(file + " needs " + missing.size() + " missing file" + (missing.size() == 1 ? "" : "s") + ": "
                    + missing.stream().map(d -> d.path() + " (" + d.kind() + ")").collect(Collectors.joining(", "))
                    + "; restore them or pass --allow-missing to render without them");
        }
        if (!missing.isEmpty()) notes.add("rendering without " + missing.size() + " missing file(s) (--allow-missing)");

        if (req.chunk() < 1 || req.chunk() > JobRequest.MAX_CHUNK) {
            throw refused("--chunk must be between 1 and " + JobRequest.MAX_CHUNK + ", got " + req.chunk());
        }
        FrameSpec frames;
        try {
            frames = req.frames().orElseGet(scene::frameRange);
        } catch (IllegalArgumentException e) {
            throw refused(file + ": scene '" + scene.name() + "' frame range " + scene.frameStart() + "-" + scene.frameEnd()
                    + " cannot be rendered (" + e.getMessage() + "); pass --frames");
        }

        Optional<String> engine = Optional.empty();
        if (req.engine().isPresent()) {
            String e = ENGINES.get(req.engine().get().strip().toUpperCase(Locale.ROOT));
            if (e == null) throw refused("unknown --engine '" + req.engine().get() + "'; use CYCLES, EEVEE or WORKBENCH");
            engine = Optional.of(e);
        }
        String effectiveEngine = engine.orElse(scene.engine());

        if (frames.size() > 1 && !scene.motionBlur() && req.motionBlur().isEmpty()) {
            throw refused(file + ": scene '" + scene.name() + "' has motion blur off for a " + frames.size()
                    + "-frame animation; pass --motion-blur on to turn it on, or --motion-blur off to render as saved");
        }

        boolean denoising = scene.denoising() && effectiveEngine.equals("CYCLES") && !req.noDenoise();
        if (denoising && !info.denoiserAvailable()) {
            throw refused(file + ": scene '" + scene.name() + "' has Cycles denoising on, but this Blender ("
                    + info.inspectedWith() + ") was built without OpenImageDenoise; pass --no-denoise to render without it");
        }

        OutputFormat format = req.format().orElseGet(() -> OutputFormat.fromBlender(scene.outputFormat()).orElseGet(() -> {
            notes.add("the scene writes " + scene.outputFormat() + "; frames are written as PNG (use --format to choose)");
            return OutputFormat.PNG;
        }));

        RenderSettings settings;
        try {
            settings = new RenderSettings(req.samples(), req.resolutionPercent(), engine, format, req.motionBlur(),
                    req.noDenoise(), req.allowPython());
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
        return new JobPlan(scene, frames, req.chunk(), settings, notes);
    }

    private static RefusedException refused(String message) { return new RefusedException(message); }
}
