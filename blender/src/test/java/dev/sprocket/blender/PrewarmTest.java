package dev.sprocket.blender;

import dev.sprocket.blender.testing.BlendFiles;
import dev.sprocket.blender.testing.Pixels;
import dev.sprocket.blender.testing.ReferenceRender;
import dev.sprocket.blender.testing.TestBlender;
import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.port.RenderException;
import dev.sprocket.core.port.RenderListener;
import dev.sprocket.core.port.RenderSession;
import dev.sprocket.core.port.SessionSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sessions opened from pre-warmed Blenders (started without a file, handed the .blend later) against fresh
 * {@code blender -b -Y FILE -f N} renders, pixel by pixel.
 */
class PrewarmTest {
    static final RenderSettings PNG = RenderSettings.defaults(OutputFormat.PNG);
    static final int THREADS = 2;

    BlenderRenderer renderer;

    @TempDir
    Path dir;

    @BeforeEach
    void renderer() {
        renderer = new BlenderRenderer(TestBlender.get(), BlenderSettings.defaults());
        BlenderScripts.session(); // extracted once per JVM: not part of what prewarm() costs
    }

    @AfterEach
    void nothingLeftRunning() {
        renderer.close();
        assertThat(BlenderProcesses.children()).as("Blender processes left behind").isEmpty();
    }

    /** Starts {@code n} pre-warmed Blenders and returns their pids. */
    Set<Long> prewarm(int n, int threads, boolean allowPython) {
        Set<Long> before = pids();
        long t0 = System.nanoTime();
        renderer.prewarm(n, threads, allowPython);
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf("prewarm(%d) returned after %.1f ms%n", n, ms);
        assertThat(ms).as("prewarm returns at once").isLessThan(1000);
        Set<Long> started = pids();
        started.removeAll(before);
        assertThat(started).hasSize(n);
        return started;
    }

    static Set<Long> pids() {
        return BlenderProcesses.children().stream().map(ProcessHandle::pid).collect(Collectors.toCollection(java.util.HashSet::new));
    }

    static long pid(RenderSession session) { return ((BlenderSession) session).firstPid(); }

    record Case(String name, SessionSpec spec, List<Integer> frames, Map<Integer, Path> references) {}

    @Test
    void sessions_opened_from_prewarmed_blenders_render_like_fresh_ones(@TempDir Path work) throws Exception {
        Set<Long> warm = prewarm(4, THREADS, false);
        // Scenes and references are made while the pre-warmed Blenders start (as inspection would overlap them),
        // each reference as soon as its scene exists.
        RenderSettings overrides = new RenderSettings(Optional.of(3), Optional.of(50), Optional.empty(),
                OutputFormat.JPEG, Optional.empty(), false, false);
        var eeveeF = CompletableFuture.supplyAsync(() -> TestScenes.eevee().samples(4).create(work.resolve("eevee/scene.blend")));
        var eeveeRef = eeveeF.thenCompose(b -> reference(b, 2, PNG));
        var texturedF = CompletableFuture.supplyAsync(() -> TestScenes.cycles().texture(true).create(work.resolve("textured/scene.blend")));
        var texturedRefs = texturedF.thenCompose(b -> reference(b, 7, overrides)).thenCombine(
                texturedF.thenCompose(b -> reference(b, 2, overrides)), List::of);
        var texturedRef4 = texturedF.thenCompose(b -> reference(b, 4, PNG));
        Path linked = LinkedScenes.mainLinkingTexturedGround(work.resolve("linked"));
        Path linkedRef = reference(linked, 3, PNG).join();
        Path textured = texturedF.join();
        Path eevee = eeveeF.join();

        List<Case> cases = new ArrayList<>();
        // Cycles with overrides; the texture is read through its relative path (//textures/checker.png).
        cases.add(new Case("cycles overrides", new SessionSpec(textured, "", overrides, Map.of(), THREADS), List.of(7, 2),
                Map.of(7, texturedRefs.join().get(0), 2, texturedRefs.join().get(1))));
        // The texture staged elsewhere and remapped.
        Path job = Files.copy(textured, Files.createDirectories(work.resolve("job")).resolve("scene.blend"));
        Path staged = Files.copy(textured.resolveSibling("textures/checker.png"),
                Files.createDirectories(work.resolve("staged")).resolve("checker.png"));
        cases.add(new Case("texture remap", new SessionSpec(job, "", PNG, Map.of(TestScenes.TEXTURE_PATH, staged.toString()), THREADS),
                List.of(4), Map.of(4, texturedRef4.join())));
        // A linked library (with its own relative texture), moved and remapped.
        Path relocated = Files.move(work.resolve("linked/lib"), work.resolve("linked/elsewhere"));
        cases.add(new Case("library remap", new SessionSpec(linked, "", PNG,
                Map.of("//../lib/scene.blend", relocated.resolve("scene.blend").toString()), THREADS), List.of(3),
                Map.of(3, linkedRef)));
        cases.add(new Case("eevee", new SessionSpec(eevee, "", PNG, Map.of(), THREADS), List.of(2), Map.of(2, eeveeRef.join())));

        // Four workers open at once: each gets its own pre-warmed Blender.
        List<CompletableFuture<Long>> runs = cases.stream().map(c -> CompletableFuture.supplyAsync(() -> renderAndCompare(c))).toList();
        Set<Long> used = runs.stream().map(CompletableFuture::join).collect(Collectors.toSet());
        assertThat(used).as("every session ran in its own pre-warmed Blender").isEqualTo(warm);
    }

    private Long renderAndCompare(Case c) {
        try (RenderSession session = renderer.open(c.spec())) {
            Map<Integer, Path> files = session.render(c.frames(), dir.resolve(c.name()), RenderListener.NONE).files();
            for (int frame : c.frames()) Pixels.assertIdentical(c.references().get(frame), files.get(frame));
            return pid(session);
        } catch (RenderException e) {
            throw new AssertionError(c.name() + ": " + e.getMessage() + "\n" + e.log(), e);
        }
    }

    /** A reference render, in the background (references run two at a time on two cores). */
    private CompletableFuture<Path> reference(Path blend, int frame, RenderSettings settings) {
        Path out = dir.resolve("reference-" + blend.getParent().getFileName() + "-" + settings.outputFormat());
        return CompletableFuture.supplyAsync(() -> ReferenceRender.render(blend, "", frame, settings, THREADS, out), REFERENCES);
    }

    private static final java.util.concurrent.ExecutorService REFERENCES = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "reference-render");
        t.setDaemon(true);
        return t;
    });

    @Test
    void python_drivers_run_only_when_the_job_allows_python(@TempDir Path work) throws Exception {
        Set<Long> warm = new java.util.HashSet<>(prewarm(1, THREADS, false));
        warm.addAll(prewarm(1, THREADS, true));
        Path blend = LinkedScenes.pythonDriver(work);
        RenderSettings python = new RenderSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                OutputFormat.PNG, Optional.empty(), false, true);
        var refYF = CompletableFuture.supplyAsync(() -> ReferenceRender.render(blend, "", 5, PNG, THREADS, dir.resolve("ref-Y")), REFERENCES);
        Path refy = ReferenceRender.render(blend, "", 5, python, THREADS, dir.resolve("ref-y"));
        Path refY = refYF.join();
        assertThat(Files.readAllBytes(refY)).as("the driver changes the image only with -y").isNotEqualTo(Files.readAllBytes(refy));

        for (var run : List.of(Map.entry(PNG, refY), Map.entry(python, refy))) {
            try (RenderSession session = renderer.open(new SessionSpec(blend, "", run.getKey(), Map.of(), THREADS))) {
                assertThat(warm).contains(pid(session));
                Path frame = session.render(List.of(5), dir.resolve("out-" + run.getKey().allowPython()), RenderListener.NONE).files().get(5);
                Pixels.assertIdentical(run.getValue(), frame);
            }
        }
    }

    @Test
    void dead_mismatched_or_failing_prewarmed_blenders_are_replaced_and_close_stops_the_rest(@TempDir Path work) throws Exception {
        Path blend = TestScenes.cycles().create(work.resolve("scene.blend"));
        Set<Long> timed = prewarm(1, THREADS, false); // warms up while the rest runs; used for the timing below

        // Killed before use: open starts a fresh Blender instead.
        long killed = prewarm(1, 1, false).iterator().next();
        ProcessHandle.of(killed).orElseThrow().destroyForcibly();
        ProcessHandle.of(killed).ifPresent(h -> h.onExit().join());
        double freshMs;
        try (RenderSession session = timedOpen(new SessionSpec(blend, "", PNG, Map.of(), 1))) {
            freshMs = lastOpenMs;
            assertThat(pid(session)).isNotEqualTo(killed);
            assertThat(session.render(List.of(1), dir.resolve("out"), RenderListener.NONE).files()).containsKey(1);
        }

        // A file the pre-warmed Blender cannot open fails exactly as with a plain launch (which is retried).
        prewarm(1, 1, false);
        assertThatThrownBy(() -> renderer.open(new SessionSpec(BlendFiles.get("corrupt_only_magic.blend"), "", PNG, Map.of(), 1)))
                .isInstanceOfSatisfying(RenderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RenderException.Kind.ERROR);
                    assertThat(e.getMessage()).startsWith("Blender exited while loading corrupt_only_magic.blend (exit code 1)")
                            .contains("Failed to read blend file");
                });

        // Warm and ready: open only loads the file.
        double warmMs;
        try (RenderSession session = timedOpen(new SessionSpec(blend, "", PNG, Map.of(), THREADS))) {
            warmMs = lastOpenMs;
            assertThat(timed).contains(pid(session));
        }
        System.out.printf("open() to ready: pre-warmed %.0f ms, fresh %.0f ms%n", warmMs, freshMs);
        assertThat(warmMs).as("pre-warmed open (ms) vs fresh %.0f ms", freshMs).isLessThan(freshMs / 2);

        // Other settings than the pre-warmed ones (-y here): a fresh Blender; the pre-warmed one stays until close().
        Set<Long> other = prewarm(1, THREADS, true);
        try (RenderSession session = renderer.open(new SessionSpec(blend, "", PNG, Map.of(), THREADS))) {
            assertThat(other).doesNotContain(pid(session));
        }
        assertThat(pids()).containsAll(other);
        long t0 = System.nanoTime();
        renderer.close();
        System.out.printf("close() took %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        assertThat(BlenderProcesses.children()).as("Blender left after close()").isEmpty();
    }

    private double lastOpenMs;

    private RenderSession timedOpen(SessionSpec spec) throws RenderException {
        long t0 = System.nanoTime();
        RenderSession s = renderer.open(spec);
        lastOpenMs = (System.nanoTime() - t0) / 1e6;
        return s;
    }

    @Test
    void close_right_after_prewarm_leaves_no_blender() throws Exception {
        prewarm(2, THREADS, false); // still starting: they read "quit" once session.py runs
        renderer.close();
        assertThat(BlenderProcesses.children()).as("close() returns once they are gone").isEmpty();
    }
}
