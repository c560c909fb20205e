package dev.sprocket.blender;

import dev.sprocket.blender.testing.Pixels;
import dev.sprocket.blender.testing.ReferenceRender;
import dev.sprocket.blender.testing.TestBlender;
import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.port.RenderException;
import dev.sprocket.core.port.RenderListener;
import dev.sprocket.core.port.RenderResult;
import dev.sprocket.core.port.RenderSession;
import dev.sprocket.core.port.SessionSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Persistent sessions against fresh {@code blender -b -Y FILE -f N} renders, pixel by pixel, with real Blender. */
class BlenderSessionTest {
    static final RenderSettings PNG = RenderSettings.defaults(OutputFormat.PNG);
    static final int THREADS = 2;

    @TempDir
    static Path shared;
    static Path textured;
    static Path heavy;
    static BlenderRenderer renderer;

    @TempDir
    Path dir;

    @BeforeAll
    static void scenes() {
        renderer = new BlenderRenderer(TestBlender.get(), BlenderSettings.defaults());
        textured = TestScenes.cycles().frames(1, 10).texture(true).create(shared.resolve("textured/scene.blend"));
        heavy = TestScenes.cycles().heavy().create(shared.resolve("heavy/scene.blend"));
    }

    @AfterEach
    void nothingLeftRunning() {
        assertThat(BlenderProcesses.children()).as("Blender processes left behind").isEmpty();
    }

    static RenderSession open(Path blend, RenderSettings settings) throws RenderException {
        return renderer.open(new SessionSpec(blend, "", settings, Map.of(), THREADS));
    }

    void assertMatchesReference(Path blend, RenderSettings settings, Map<Integer, Path> files) {
        for (var e : files.entrySet()) {
            Path ref = ReferenceRender.render(blend, "", e.getKey(), settings, THREADS, dir.resolve("reference"));
            Pixels.assertIdentical(ref, e.getValue());
        }
    }

    @Test
    void frames_in_any_order_and_chunking_match_fresh_renders() throws Exception {
        Path out = dir.resolve("out");
        List<Integer> done = new CopyOnWriteArrayList<>();
        List<String> progress = new CopyOnWriteArrayList<>();
        RenderListener listener = new RenderListener() {
            @Override public void progress(int frame, String text) { progress.add(text); }
            @Override public void frameDone(int frame) { done.add(frame); }
        };
        Map<Integer, Path> files = new java.util.TreeMap<>();
        try (RenderSession session = open(textured, PNG)) {
            assertThat(session.blenderVersion()).isEqualTo(TestBlender.get().version());
            for (List<Integer> chunk : List.of(List.of(1), List.of(3, 4, 5), List.of(9, 2), List.of(8, 6, 12))) {
                RenderResult r = session.render(chunk, out, listener);
                assertThat(r.files()).containsOnlyKeys(chunk);
                assertThat(r.log()).contains("Fra:" + chunk.get(0));
                assertThat(r.renderSeconds()).isPositive();
                assertThat(r.peakMemoryBytes()).get().satisfies(b -> assertThat(b).isGreaterThan(1 << 20));
                files.putAll(r.files());
            }
        }
        assertThat(done).containsExactly(1, 3, 4, 5, 9, 2, 8, 6, 12); // 12 is past the scene's end, like -f 12
        assertThat(progress).contains("frame 4, sample 8/8");
        assertThat(files.values()).allMatch(f -> f.getParent().equals(out));
        assertThat(files.get(3)).hasFileName("frame_0003.png");
        try (var left = Files.list(out)) {
            assertThat(left).as("no temporary files left").hasSize(files.size());
        }
        assertMatchesReference(textured, PNG, files);
    }

    @Test
    void overrides_match_fresh_renders_with_the_same_overrides() throws Exception {
        RenderSettings overrides = new RenderSettings(Optional.of(3), Optional.of(50), Optional.empty(),
                OutputFormat.JPEG, Optional.of(true), true, false);
        Map<Integer, Path> files;
        try (RenderSession session = open(textured, overrides)) {
            files = session.render(List.of(7, 2), dir.resolve("out"), RenderListener.NONE).files();
        }
        assertThat(files.get(7)).hasFileName("frame_0007.jpg");
        assertThat(Pixels.read(files.get(7)).getWidth()).isEqualTo(32); // 64 px at 50 %
        assertMatchesReference(textured, overrides, files);
        // and the overrides really changed something
        Path plain = ReferenceRender.render(textured, "", 7, RenderSettings.defaults(OutputFormat.JPEG), THREADS, dir.resolve("plain"));
        assertThat(Pixels.read(plain).getWidth()).isEqualTo(64);
    }

    @Test
    void eevee_frames_match_fresh_renders() throws Exception {
        Path eevee = TestScenes.eevee().samples(4).create(dir.resolve("eevee/scene.blend"));
        Map<Integer, Path> files;
        try (RenderSession session = open(eevee, PNG)) {
            files = session.render(List.of(6, 2), dir.resolve("out"), RenderListener.NONE).files();
        }
        assertMatchesReference(eevee, PNG, files);
    }

    @Test
    void renders_the_requested_scene_like_dash_S(@TempDir Path work) throws Exception {
        Path blend = LinkedScenes.twoScenes(work);
        Path frame;
        try (RenderSession session = renderer.open(new SessionSpec(blend, "Second", PNG, Map.of(), THREADS))) {
            frame = session.render(List.of(5), dir.resolve("out"), RenderListener.NONE).files().get(5);
        }
        assertThat(Pixels.read(frame).getWidth()).isEqualTo(40);
        Pixels.assertIdentical(ReferenceRender.render(blend, "Second", 5, PNG, THREADS, dir.resolve("reference")), frame);
    }

    @Test
    void remapped_texture_renders_like_the_original(@TempDir Path moved) throws Exception {
        Path original = ReferenceRender.render(textured, "", 4, PNG, THREADS, dir.resolve("reference"));
        // The job directory: the .blend without its textures/ folder; the texture staged somewhere else.
        Path blend = Files.copy(textured, Files.createDirectories(moved.resolve("job")).resolve("scene.blend"));
        Path texture = Files.copy(textured.resolveSibling("textures/checker.png"),
                Files.createDirectories(moved.resolve("staged")).resolve("checker.png"));
        SessionSpec spec = new SessionSpec(blend, "", PNG, Map.of(TestScenes.TEXTURE_PATH, texture.toString()), THREADS);

        try (RenderSession session = renderer.open(spec)) {
            Pixels.assertIdentical(original, session.render(List.of(4), dir.resolve("out"), RenderListener.NONE).files().get(4));
        }
    }

    @Test
    void remapped_library_is_relocated_and_reloaded(@TempDir Path work) throws Exception {
        Path main = LinkedScenes.mainLinkingTexturedGround(work);
        Path original = ReferenceRender.render(main, "", 3, PNG, THREADS, dir.resolve("reference"));
        // Move the library (and its texture, which it references relative to itself) out of the way.
        Path relocated = Files.move(work.resolve("lib"), work.resolve("elsewhere"));
        SessionSpec spec = new SessionSpec(main, "", PNG,
                Map.of("//../lib/scene.blend", relocated.resolve("scene.blend").toString()), THREADS);

        try (RenderSession session = renderer.open(spec)) {
            Pixels.assertIdentical(original, session.render(List.of(3), dir.resolve("out"), RenderListener.NONE).files().get(3));
        }
    }

    @Test
    void remaps_reach_fonts_and_external_multires_and_report_what_matched_nothing() throws Exception {
        Path btx = dir.resolve("staged/Cube.btx");
        Files.createDirectories(btx.getParent());
        Files.copy(dev.sprocket.blender.testing.BlendFiles.get("Cube.btx"), btx);
        try (var session = (BlenderSession) renderer.open(new SessionSpec(dev.sprocket.blender.testing.BlendFiles.get(
                "multires_external.blend"), "", PNG, Map.of("//Cube.btx", btx.toString(), "//nothing.png", "/x.png"), 1))) {
            assertThat(session.unresolvedRemaps()).containsExactly("//nothing.png");
        }
        try (var session = (BlenderSession) renderer.open(new SessionSpec(dev.sprocket.blender.testing.BlendFiles.get(
                "with_font.blend"), "", PNG, Map.of("/usr/share/fonts/truetype/hack/Hack-Bold.ttf", dir.resolve("f.ttf").toString()), 1))) {
            assertThat(session.unresolvedRemaps()).isEmpty();
        }
    }

    @Test
    void killed_blender_is_a_crash_and_the_next_render_starts_a_new_one() throws Exception {
        try (RenderSession session = open(heavy, PNG)) {
            CountDownLatch sampling = new CountDownLatch(1);
            RenderListener listener = (frame, text) -> { if (text.matches("frame 1, sample [1-9].*")) sampling.countDown(); };
            CompletableFuture<RenderResult> render = CompletableFuture.supplyAsync(() -> renderUnchecked(session, List.of(1, 2), dir.resolve("out"), listener));
            assertThat(sampling.await(60, TimeUnit.SECONDS)).as("render started sampling").isTrue();

            BlenderProcesses.running(heavy.toString()).destroyForcibly(); // kill -9

            RenderException e = causeOf(render);
            assertThat(e.kind()).isEqualTo(RenderException.Kind.CRASH);
            assertThat(e.getMessage()).startsWith("Blender died while rendering frame ").endsWith("(killed by signal 9)");
            assertThat(e.log()).contains("Fra:1");

            Path frame = session.render(List.of(2), dir.resolve("out"), RenderListener.NONE).files().get(2);
            Pixels.assertIdentical(ReferenceRender.render(heavy, "", 2, PNG, THREADS, dir.resolve("reference")), frame);
        }
    }

    @Test
    void abort_stops_the_render_promptly() throws Exception {
        try (RenderSession session = open(heavy, PNG)) {
            CountDownLatch sampling = new CountDownLatch(1);
            RenderListener listener = (frame, text) -> { if (text.matches("frame 1, sample [1-9].*")) sampling.countDown(); };
            CompletableFuture<RenderResult> render = CompletableFuture.supplyAsync(() -> renderUnchecked(session, List.of(1, 2, 3), dir.resolve("out"), listener));
            assertThat(sampling.await(60, TimeUnit.SECONDS)).isTrue();

            long t0 = System.nanoTime();
            session.abort();
            RenderException e = causeOf(render);
            double seconds = (System.nanoTime() - t0) / 1e9;

            assertThat(e.kind()).isEqualTo(RenderException.Kind.ABORTED);
            assertThat(seconds).as("seconds from abort() to ABORTED").isLessThan(2.0);
            assertThat(dir.resolve("out").resolve("frame_0003.png")).doesNotExist();
        }
    }

    @Test
    void no_camera_is_an_error_with_blenders_message_and_the_session_survives(@TempDir Path work) throws Exception {
        Path blend = TestScenes.cycles().noCamera().create(work.resolve("nocam.blend"));
        try (RenderSession session = open(blend, PNG)) {
            for (int attempt = 0; attempt < 2; attempt++) {
                RenderException e = catchThrowableOfType(RenderException.class,
                        () -> session.render(List.of(1), dir.resolve("out"), RenderListener.NONE));
                assertThat(e.kind()).isEqualTo(RenderException.Kind.ERROR);
                assertThat(e.getMessage()).isEqualTo("frame 1: Cannot render, no camera");
            }
        }
    }

    @Test
    void denoising_without_openimagedenoise_is_an_error_unless_disabled(@TempDir Path work) throws Exception {
        Path blend = TestScenes.cycles().denoising(true).create(work.resolve("denoise.blend"));
        assertThat(new BlenderInspector(TestBlender.get(), BlenderSettings.defaults()).inspect(blend).denoiserAvailable())
                .as("this test expects Debian's Blender, built without OpenImageDenoise").isFalse();
        try (RenderSession session = open(blend, PNG)) {
            RenderException e = catchThrowableOfType(RenderException.class,
                    () -> session.render(List.of(1), dir.resolve("out"), RenderListener.NONE));
            assertThat(e.kind()).isEqualTo(RenderException.Kind.ERROR);
            assertThat(e.getMessage()).contains("Build without OpenImageDenoiser");
        }
        RenderSettings noDenoise = new RenderSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                OutputFormat.PNG, Optional.empty(), true, false);
        try (RenderSession session = open(blend, noDenoise)) {
            assertThat(session.render(List.of(1), dir.resolve("out"), RenderListener.NONE).files()).containsKey(1);
        }
    }

    @Test
    void unreadable_file_fails_at_open_with_blenders_reason() {
        assertThatThrownBy(() -> open(dev.sprocket.blender.testing.BlendFiles.get("corrupt_only_magic.blend"), PNG))
                .isInstanceOfSatisfying(RenderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RenderException.Kind.ERROR);
                    assertThat(e.getMessage()).startsWith("Blender exited while loading corrupt_only_magic.blend (exit code 1)")
                            .contains("Failed to read blend file");
                });
    }

    @Test
    void blender_that_cannot_start_is_unavailable(@TempDir Path bin) throws Exception {
        Path fake = Files.writeString(bin.resolve("blender"), "#!/bin/sh\nexit 1\n");
        fake.toFile().setExecutable(true);
        BlenderRenderer broken = new BlenderRenderer(Blender.at(fake), BlenderSettings.defaults());
        Files.delete(fake);

        assertThatThrownBy(() -> broken.open(new SessionSpec(textured, "", PNG, Map.of(), 1)))
                .isInstanceOfSatisfying(RenderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RenderException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).endsWith(Blender.NOT_FOUND);
                });
    }

    @Test
    void unknown_scene_fails_at_open() {
        assertThatThrownBy(() -> renderer.open(new SessionSpec(textured, "Nope", PNG, Map.of(), THREADS)))
                .isInstanceOfSatisfying(RenderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RenderException.Kind.ERROR);
                    assertThat(e.getMessage()).contains("no scene named 'Nope'");
                });
    }

    static RenderResult renderUnchecked(RenderSession session, List<Integer> frames, Path out, RenderListener listener) {
        try {
            return session.render(frames, out, listener);
        } catch (RenderException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    static RenderException causeOf(CompletableFuture<?> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RenderException re) return re;
            throw e;
        }
        throw new AssertionError("render did not fail");
    }

}
