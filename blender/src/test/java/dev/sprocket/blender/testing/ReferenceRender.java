package dev.sprocket.blender.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sprocket.core.domain.RenderSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ground truth for render tests: a fresh {@code blender -b -Y FILE -t THREADS --python overrides.py -o DIR -f N}
 * (with {@code -y} instead of {@code -Y} when the settings allow Python), the overrides applied by a script written
 * independently of the session's, so that a test compares two implementations.
 */
public final class ReferenceRender {
    private ReferenceRender() {}

    /** Frame {@code frame} of the active scene, all cores; returns {@code outputDir/OutputFormat.fileName(frame)}. */
    public static Path render(Path blend, int frame, RenderSettings settings, Path outputDir) {
        return render(blend, "", frame, settings, 0, outputDir);
    }

    /**
     * @param scene   scene name, or "" for the file's active scene
     * @param threads Blender's {@code -t} (0 = all cores; Cycles output does not depend on it)
     */
    public static Path render(Path blend, String scene, int frame, RenderSettings settings, int threads, Path outputDir) {
        try {
            Files.createDirectories(outputDir);
            Path tmp = Files.createTempDirectory(outputDir, ".reference-");
            List<String> cmd = new ArrayList<>();
            cmd.add(TestBlender.get().executable().toString());
            cmd.add("-b");
            cmd.add(settings.allowPython() ? "-y" : "-Y");
            cmd.add(blend.toAbsolutePath().toString());
            if (scene != null && !scene.isEmpty()) cmd.addAll(List.of("-S", scene));
            cmd.addAll(List.of("-t", Integer.toString(threads),
                    "--python", BlenderRun.script("reference_overrides.py").toString(),
                    "-o", tmp.resolve("frame_####").toString(),
                    "-f", Integer.toString(frame),
                    "--", overrides(settings)));
            BlenderRun.run(cmd, 600);
            Path written;
            try (Stream<Path> files = Files.list(tmp)) {
                written = files.findFirst().orElseThrow(() -> new AssertionError("reference render of frame " + frame
                        + " of " + blend + " wrote no file"));
            }
            Path target = outputDir.resolve(settings.outputFormat().fileName(frame));
            Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(tmp);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String overrides(RenderSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", s.samples().orElse(null));
        m.put("resolutionPercent", s.resolutionPercent().orElse(null));
        m.put("engine", s.engine().orElse(null));
        m.put("motionBlur", s.motionBlur().orElse(null));
        m.put("disableDenoising", s.disableDenoising());
        m.put("format", s.outputFormat().blenderName());
        try {
            return new ObjectMapper().writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
