package dev.sprocket.cli;

import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.submit.JobRequest;
import picocli.CommandLine.Option;

import java.util.Optional;

/** Render options shared by `render` (and, later, `submit`). */
final class RenderOptions {
    enum OnOff { on, off }

    @Option(names = "--frames", paramLabel = "SPEC", description = {
            "Frames to render (default: the scene's range). Ranges 1-240, steps 1-240x2,",
            "lists 2,3,5,7, reverse 10-1, or a mix: 1-10,20,30-40x5. 0-1048574, each frame once."})
    String frames;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "1",
            description = "Frames per task (default ${DEFAULT-VALUE}). Sessions stay open across tasks, so 1 balances best.")
    int chunk = 1;

    @Option(names = "--scene", paramLabel = "NAME", description = "Scene to render (default: the file's active scene).")
    String scene;

    @Option(names = "--samples", paramLabel = "N", description = "Override render samples (Cycles and EEVEE).")
    Integer samples;

    @Option(names = "--resolution-percent", paramLabel = "P", description = "Override the resolution percentage (1-32767).")
    Integer resolutionPercent;

    @Option(names = "--engine", paramLabel = "ENGINE", description = "Override the engine: CYCLES, EEVEE or WORKBENCH.")
    String engine;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Output format: PNG, JPEG, OPEN_EXR or TIFF (default: the scene's, or PNG for movie outputs).")
    String format;

    @Option(names = "--motion-blur", paramLabel = "on|off", description = {
            "Turn motion blur on or off. Required for an animation whose scene has motion blur off,",
            "so a forgotten setting does not cost a whole render."})
    OnOff motionBlur;

    @Option(names = "--allow-missing", description = "Render even though some textures/libraries/caches are missing.")
    boolean allowMissing;

    @Option(names = "--no-denoise", description = "Turn Cycles denoising off (needed where Blender lacks OpenImageDenoise).")
    boolean noDenoise;

    @Option(names = "--allow-python", description = "Let the .blend run its own Python (drivers, scripts). Off by default: only for files you trust.")
    boolean allowPython;

    JobRequest toRequest() {
        return new JobRequest(
                Optional.ofNullable(scene),
                Optional.ofNullable(frames).map(FrameSpec::parse),
                chunk,
                Optional.ofNullable(samples),
                Optional.ofNullable(resolutionPercent),
                Optional.ofNullable(engine),
                Optional.ofNullable(format).map(OutputFormat::parse),
                Optional.ofNullable(motionBlur).map(m -> m == OnOff.on),
                allowMissing,
                noDenoise,
                allowPython);
    }
}
