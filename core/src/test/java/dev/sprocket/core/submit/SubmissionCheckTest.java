package dev.sprocket.core.submit;

import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Dependency;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.SceneInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubmissionCheckTest {
    private static final Path FILE = Path.of("/p/shot.blend");

    private static SceneInfo scene(Optional<String> camera, boolean motionBlur, boolean denoising, String format) {
        return new SceneInfo("Scene", 1, 24, 1, 24, 1920, 1080, 100, "CYCLES", Optional.of(64), denoising, camera,
                motionBlur, format);
    }

    private static BlendInfo info(SceneInfo s, boolean oidn, Dependency... deps) {
        return new BlendInfo(FILE.toString(), "3.4.1", "3.4.1", "none", "Scene", List.of(s), List.of(deps), oidn);
    }

    private static JobRequest req(Optional<Boolean> motionBlur, boolean allowMissing, boolean noDenoise) {
        return new JobRequest(Optional.empty(), Optional.empty(), 1, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), motionBlur, allowMissing, noDenoise, false);
    }

    private static final SceneInfo GOOD = scene(Optional.of("Camera"), true, false, "PNG");

    @Test void acceptsAGoodSceneWithItsOwnRangeAndFormat() throws Exception {
        JobPlan plan = SubmissionCheck.check(FILE, JobRequest.defaults(), info(GOOD, false));
        assertThat(plan.frames()).isEqualTo(FrameSpec.parse("1-24"));
        assertThat(plan.settings().outputFormat()).isEqualTo(OutputFormat.PNG);
        assertThat(plan.notes()).isEmpty();
    }

    @Test void refusesNoCamera() {
        assertThatThrownBy(() -> SubmissionCheck.check(FILE, JobRequest.defaults(), info(scene(Optional.empty(), true, false, "PNG"), false)))
                .hasMessage("shot.blend: scene 'Scene' has no camera; add one and make it the scene camera, then save");
    }

    @Test void refusesMissingFilesListingEachUnlessAllowed() throws Exception {
        Dependency a = new Dependency("image", "//tex/a.png", "/p/tex/a.png", List.of(), false, FILE.toString());
        Dependency b = new Dependency("library", "//lib.blend", "/p/lib.blend", List.of(), false, FILE.toString());
        assertThatThrownBy(() -> SubmissionCheck.check(FILE, JobRequest.defaults(), info(GOOD, false, a, b)))
                .hasMessageContaining("2 missing files: //tex/a.png (image), //lib.blend (library)")
                .hasMessageContaining("--allow-missing");
        assertThat(SubmissionCheck.check(FILE, req(Optional.empty(), true, false), info(GOOD, false, a, b)).notes())
                .anyMatch(n -> n.contains("missing"));
    }

    @Test void refusesAnAnimationWithMotionBlurOffUnlessTheUserSaysSo() throws Exception {
        BlendInfo noBlur = info(scene(Optional.of("Camera"), false, false, "PNG"), false);
        assertThatThrownBy(() -> SubmissionCheck.check(FILE, JobRequest.defaults(), noBlur))
                .hasMessageContaining("motion blur off for a 24-frame animation").hasMessageContaining("--motion-blur");
        assertThat(SubmissionCheck.check(FILE, req(Optional.of(false), false, false), noBlur).settings().motionBlur()).contains(false);
        JobRequest oneFrame = new JobRequest(Optional.empty(), Optional.of(FrameSpec.parse("5")), 1, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false, false);
        assertThat(SubmissionCheck.check(FILE, oneFrame, noBlur).frames().frames()).containsExactly(5);
    }

    @Test void refusesDenoisingWithoutOpenImageDenoiseAndSuggestsTheFlag() throws Exception {
        BlendInfo denoise = info(scene(Optional.of("Camera"), true, true, "PNG"), false);
        assertThatThrownBy(() -> SubmissionCheck.check(FILE, JobRequest.defaults(), denoise))
                .hasMessageContaining("without OpenImageDenoise").hasMessageContaining("--no-denoise");
        assertThat(SubmissionCheck.check(FILE, req(Optional.empty(), false, true), denoise).settings().disableDenoising()).isTrue();
        assertThat(SubmissionCheck.check(FILE, JobRequest.defaults(), info(scene(Optional.of("Camera"), true, true, "PNG"), true))).isNotNull();
    }

    @Test void unknownEngineSceneAndBadNumbersAreRefused() {
        JobRequest badEngine = new JobRequest(Optional.empty(), Optional.empty(), 1, Optional.empty(), Optional.empty(),
                Optional.of("povray"), Optional.empty(), Optional.empty(), false, false, false);
        assertThatThrownBy(() -> SubmissionCheck.check(FILE, badEngine, info(GOOD, false))).hasMessageContaining("unknown --engine 'povray'");
        JobRequest badScene = new JobRequest(Optional.of("Nope"), Optional.empty(), 1, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false, false, false);
        assertThatThrownBy(() -> SubmissionCheck.check(FILE, badScene, info(GOOD, false))).hasMessageContaining("no scene 'Nope'");
        JobRequest badSamples = new JobRequest(Optional.empty(), Optional.empty(), 1, Optional.of(0), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false, false, false);
        assertThatThrownBy(() -> SubmissionCheck.check(FILE, badSamples, info(GOOD, false))).hasMessageContaining("samples");
        JobRequest badChunk = new JobRequest(Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false, false, false);
        assertThatThrownBy(() -> SubmissionCheck.check(FILE, badChunk, info(GOOD, false))).hasMessageContaining("--chunk");
    }

    @Test void aMovieOutputBecomesPngWithANote() throws Exception {
        JobPlan plan = SubmissionCheck.check(FILE, JobRequest.defaults(), info(scene(Optional.of("Camera"), true, false, "FFMPEG"), false));
        assertThat(plan.settings().outputFormat()).isEqualTo(OutputFormat.PNG);
        assertThat(plan.notes()).anyMatch(n -> n.contains("FFMPEG"));
    }
}
