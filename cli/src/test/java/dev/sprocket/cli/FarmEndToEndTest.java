package dev.sprocket.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sprocket.blender.testing.Pixels;
import dev.sprocket.blender.testing.ReferenceRender;
import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A farm on loopback, end to end with real Blender: `submit` a scene to a real coordinator, two real workers on
 * HttpWorkSource render it, `wait` exits 0, `download` gives every frame pixel-identical to a fresh
 * `blender -b -f N`, and a second `download` fetches nothing.
 */
class FarmEndToEndTest {
    @TempDir static Path dir;
    static Path blend;
    static TestFarm farm;

    @BeforeAll static void start() throws Exception {
        blend = TestScenes.cycles().frames(1, 6).resolution(64, 48).samples(4).texture(true).create(dir.resolve("project/shot.blend"));
        farm = new TestFarm(dir.resolve("farm"));
        farm.startWorker("w1");
        farm.startWorker("w2");
    }

    @AfterAll static void stop() {
        farm.close();
    }

    @Test void submitWaitDownloadGivesReferenceFramesAndASecondDownloadFetchesNothing() throws Exception {
        CliRun submit = farm.cli("submit", blend.toString(), "--frames", "1-4", "--motion-blur", "off", "--name", "e2e");
        assertThat(submit.exitCode()).as(submit.toString()).isZero();
        String job = submit.lastLine();
        assertThat(job).matches("\\d{6}-\\d{6}-[0-9a-z]+");
        assertThat(submit.err()).contains("Uploaded 2 of 2 file(s)").contains("Submitted job " + job + " 'e2e'")
                .contains("4 frame(s) in 4 task(s)");

        CliRun wait = farm.cli("wait", job, "--timeout", "120");
        assertThat(wait.exitCode()).as(wait.toString()).isZero();
        assertThat(wait.out()).contains("COMPLETED").contains("frames 4/4");

        Path out = dir.resolve("frames");
        CliRun download = farm.cli("download", job, "--output", out.toString());
        assertThat(download.exitCode()).as(download.toString()).isZero();
        assertThat(download.out()).contains("Fetched 4 frame(s)").contains("skipped 0");
        RenderSettings settings = new RenderSettings(Optional.empty(), Optional.empty(), Optional.empty(), OutputFormat.PNG,
                Optional.of(false), false, false);
        for (int f = 1; f <= 4; f++) {
            Path expected = ReferenceRender.render(blend, f, settings, dir.resolve("reference"));
            Pixels.assertIdentical(expected, out.resolve(OutputFormat.PNG.fileName(f)));
        }
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).as("the frames and nothing else")
                    .containsExactly("frame_0001.png", "frame_0002.png", "frame_0003.png", "frame_0004.png");
        }

        CliRun again = farm.cli("download", job, "--output", out.toString(), "--json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        JsonNode summary = Json.MAPPER.readTree(again.out());
        assertThat(summary.get("fetched").asInt()).isZero();
        assertThat(summary.get("skipped").asInt()).isEqualTo(4);

        // A damaged frame is fetched again, and only that one.
        Files.write(out.resolve("frame_0003.png"), new byte[]{1, 2, 3});
        CliRun repair = farm.cli("download", job, "--output", out.toString());
        assertThat(repair.out()).as(repair.toString()).contains("Fetched 1 frame(s)").contains("skipped 3");
        Pixels.assertIdentical(dir.resolve("reference").resolve("frame_0003.png"), out.resolve("frame_0003.png"));

        // Read commands: human text and JSON.
        CliRun status = farm.cli("status", job);
        assertThat(status.out()).as(status.toString()).contains("COMPLETED").contains("4/4 done").contains("4 done");
        JsonNode statusJson = Json.MAPPER.readTree(farm.cli("status", job, "--json").out());
        assertThat(statusJson.at("/job/id").asText()).isEqualTo(job);
        assertThat(statusJson.at("/progress/framesDone").asInt()).isEqualTo(4);
        assertThat(statusJson.get("tasks")).hasSize(4);
        JsonNode jobs = Json.MAPPER.readTree(farm.cli("jobs", "--json").out());
        assertThat(jobs.findValuesAsText("id")).contains(job);
        assertThat(farm.cli("jobs").out()).contains(job).contains("COMPLETED").contains("e2e");

        CliRun logs = farm.cli("logs", job, "--frame", "2");
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out()).containsPattern("=== task 1 frames \\[2\\] · worker w[12] · token 1 · SUCCEEDED")
                .contains("Blender");
        JsonNode logsJson = Json.MAPPER.readTree(farm.cli("logs", job, "--json").out());
        assertThat(logsJson).hasSize(4);
        assertThat(logsJson.get(0).at("/attempt/outcome").asText()).isEqualTo("SUCCEEDED");

        JsonNode workers = Json.MAPPER.readTree(farm.cli("workers", "--json").out());
        assertThat(workers.findValuesAsText("name")).contains("w1", "w2");
        assertThat(farm.cli("workers").out()).contains("w1").contains("w2").contains("LAST SEEN");

        CliRun watch = farm.cli("watch", job);
        assertThat(watch.exitCode()).as(watch.toString()).isZero();
        assertThat(watch.out()).contains("COMPLETED");
    }
}
