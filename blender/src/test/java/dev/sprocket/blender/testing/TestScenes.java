package dev.sprocket.blender.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small, deterministic test scenes made by real Blender: a camera, a sun, a ground plane and a monkey that moves and
 * turns, so that every frame differs. Denoising is off (Debian's Blender has no OpenImageDenoise) and the sample
 * count is fixed (adaptive sampling off). Example:
 * <pre>{@code
 * Path blend = TestScenes.cycles().frames(1, 24).resolution(64, 48).samples(8).texture(true).create(dir.resolve("shot.blend"));
 * }</pre>
 * With {@link Builder#texture(boolean) texture}, the ground uses {@code //textures/checker.png}, written next to the
 * .blend (for staging and remap tests). {@link Builder#heavy() heavy()} makes one frame take roughly 0.5–1 s on two
 * cores (for benchmarks, and for tests that need a render in progress).
 */
public final class TestScenes {
    /** The external texture path, as written in the .blend, when {@link Builder#texture(boolean)} is on. */
    public static final String TEXTURE_PATH = "//textures/checker.png";

    private TestScenes() {}

    public static Builder cycles() { return new Builder("CYCLES"); }

    /** EEVEE renders through software OpenGL here: the first frame of a process takes ~5 s (shader compilation). */
    public static Builder eevee() { return new Builder("BLENDER_EEVEE"); }

    public static final class Builder {
        private final Map<String, Object> opts = new LinkedHashMap<>();
        private boolean resolutionSet;
        private boolean samplesSet;

        private Builder(String engine) {
            opts.put("engine", engine);
            opts.put("frameStart", 1);
            opts.put("frameEnd", 10);
            opts.put("resolutionX", 64);
            opts.put("resolutionY", 48);
            opts.put("resolutionPercent", 100);
            opts.put("samples", 8);
            opts.put("motionBlur", false);
            opts.put("texture", false);
            opts.put("heavy", false);
            opts.put("camera", true);
            opts.put("denoising", false);
        }

        /** Scene frame range (default 1-10); the monkey moves from start to end. */
        public Builder frames(int start, int end) { opts.put("frameStart", start); opts.put("frameEnd", end); return this; }

        /** Pixels at 100 % (default 64x48). */
        public Builder resolution(int x, int y) {
            opts.put("resolutionX", x);
            opts.put("resolutionY", y);
            resolutionSet = true;
            return this;
        }

        public Builder resolutionPercent(int percent) { opts.put("resolutionPercent", percent); return this; }

        /** Cycles samples / EEVEE TAA render samples (default 8). */
        public Builder samples(int samples) {
            opts.put("samples", samples);
            samplesSet = true;
            return this;
        }

        public Builder motionBlur(boolean on) { opts.put("motionBlur", on); return this; }

        /** Ground textured with an external PNG at {@link #TEXTURE_PATH}. */
        public Builder texture(boolean on) { opts.put("texture", on); return this; }

        /** No camera: rendering fails with "Cannot render, no camera". */
        public Builder noCamera() { opts.put("camera", false); return this; }

        /** Cycles denoising on (fails on a Blender without OpenImageDenoise). */
        public Builder denoising(boolean on) { opts.put("denoising", on); return this; }

        /**
         * ~0.5–1 s per frame on two cores (measured 0.76 s): subdivided monkey, and 320x240 at 24 samples unless
         * {@link #resolution} / {@link #samples} are given (in any order), which then win.
         */
        public Builder heavy() {
            opts.put("heavy", true);
            return this;
        }

        /** Makes the scene with Blender and returns the .blend path (parent folders are created). */
        public Path create(Path blendFile) {
            Path file = blendFile.toAbsolutePath();
            try {
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, Object> all = new LinkedHashMap<>(opts);
            all.put("path", file.toString());
            if (Boolean.TRUE.equals(opts.get("heavy"))) {
                if (!resolutionSet) { all.put("resolutionX", 320); all.put("resolutionY", 240); }
                if (!samplesSet) all.put("samples", 24);
            }
            String json;
            try {
                json = new ObjectMapper().writeValueAsString(all);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            // --factory-startup: the scene must not depend on whoever runs the tests.
            BlenderRun.run(List.of(TestBlender.get().executable().toString(), "-b", "--factory-startup", "-Y",
                    "--python", BlenderRun.script("make_scene.py").toString(), "--", json), 120);
            if (!Files.isRegularFile(file)) throw new AssertionError("Blender did not write " + file);
            return file;
        }
    }
}
