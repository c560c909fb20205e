package dev.sprocket.cli;

import dev.sprocket.blender.testing.Pixels;
import dev.sprocket.blender.testing.ReferenceRender;
import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `sprocket render` end to end, with real Blender: every frame it writes is compared pixel for pixel with a
 * fresh `blender -b FILE -f N` of the same frame and settings.
 */
class RenderEndToEndTest {
    @TempDir static Path dir;
    static Path blend;
    static Path home;

    @BeforeAll static void scene() {
        blend = TestScenes.cycles().frames(1, 12).resolution(64, 48).samples(4).texture(true).create(dir.resolve("shot.blend"));
        home = dir.resolve("home");
    }

    private static void assertFramesMatchReference(Path out, List<Integer> frames, RenderSettings settings) throws IOException {
        Path ref = dir.resolve("reference-" + settings.hashCode());
        for (int f : frames) {
            Path expected = ref.resolve(settings.outputFormat().fileName(f));
            if (!Files.exists(expected)) ReferenceRender.render(blend, f, settings, ref);
            Pixels.assertIdentical(expected, out.resolve(settings.outputFormat().fileName(f)));
        }
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .as("exactly the requested frames, no temp files")
                    .containsExactlyElementsOf(frames.stream().sorted().map(settings.outputFormat()::fileName).toList());
        }
    }

    private static RenderSettings defaults() { return RenderSettings.defaults(OutputFormat.PNG); }

    @Test void singleFrame() throws IOException {
        Path out = dir.resolve("single");
        CliRun r = CliRun.run(home, "render", blend.toString(), "--frames", "7", "--output", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Rendered 1/1 frames");
        assertFramesMatchReference(out, List.of(7), defaults());
    }

    @Test void chunksOfSeveralFramesWithTwoWorkers() throws IOException {
        Path out = dir.resolve("chunks");
        CliRun r = CliRun.run(home, "render", blend.toString(), "--frames", "1-6", "--chunk", "3", "--workers", "2",
                "--motion-blur", "off", "--output", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("6 frame(s) in 2 task(s), 2 worker(s)");
        assertFramesMatchReference(out, List.of(1, 2, 3, 4, 5, 6), defaults());
    }

    @Test void stepSpec() throws IOException {
        Path out = dir.resolve("step");
        CliRun r = CliRun.run(home, "render", blend.toString(), "--frames", "1-12x5", "--motion-blur", "off", "--output", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertFramesMatchReference(out, List.of(1, 6, 11), defaults());
    }

    @Test void listSpecInReverseAndMixedOrder() throws IOException {
        Path out = dir.resolve("list");
        CliRun r = CliRun.run(home, "render", blend.toString(), "--frames", "12,3,9-8", "--chunk", "2",
                "--motion-blur", "off", "--output", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertFramesMatchReference(out, List.of(12, 3, 9, 8), defaults());
    }

    @Test void samplesAndResolutionOverrides() throws IOException {
        Path out = dir.resolve("overrides");
        CliRun r = CliRun.run(home, "render", blend.toString(), "--frames", "4-5", "--samples", "2",
                "--resolution-percent", "50", "--motion-blur", "off", "--output", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        RenderSettings s = new RenderSettings(Optional.of(2), Optional.of(50), Optional.empty(), OutputFormat.PNG,
                Optional.of(false), false, false);
        assertFramesMatchReference(out, List.of(4, 5), s);
        assertThat(Pixels.read(out.resolve("frame_0004.png")).getWidth()).isEqualTo(32);
    }

    @Test void jpegAndTiffFormats() throws IOException {
        for (OutputFormat f : List.of(OutputFormat.JPEG, OutputFormat.TIFF)) {
            Path out = dir.resolve("format-" + f);
            CliRun r = CliRun.run(home, "render", blend.toString(), "--frames", "2", "--format", f.name(), "--output", out.toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertFramesMatchReference(out, List.of(2), RenderSettings.defaults(f));
        }
    }

    @Test void reRenderingUnchangedFileCopiesNothingNewAndJsonSummaryIsComplete() throws Exception {
        Path out = dir.resolve("json");
        CliRun first = CliRun.run(home, "render", blend.toString(), "--frames", "1", "--output", out.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        CliRun again = CliRun.run(home, "render", blend.toString(), "--frames", "1", "--output", out.toString(), "--json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.err()).contains("0 B new");
        var json = Json.MAPPER.readTree(again.out());
        assertThat(json.get("framesDone").asInt()).isEqualTo(1);
        assertThat(json.get("framesTotal").asInt()).isEqualTo(1);
        assertThat(json.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(json.get("renderSeconds").asDouble()).isPositive();
        assertFramesMatchReference(out, List.of(1), defaults());
    }
}
