package dev.sprocket.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sprocket.blender.testing.BlendFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class InspectCommandTest {
    @TempDir Path home;

    @Test void humanReportOfALinkedFile() {
        CliRun r = CliRun.run(home, "inspect", BlendFiles.get("geometry-nodes/file_to_pack.blend").toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("saved with Blender 2.93").contains("scene 'Scene' (active)").contains("camera Camera")
                .containsPattern("present\\s+library\\s+//node_lib.blend").containsPattern("present\\s+library\\s+//object_lib.blend");
    }

    @Test void jsonReportMarksMissingFiles() throws Exception {
        CliRun r = CliRun.run(home, "inspect", BlendFiles.get("missing_textures.blend").toString(), "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        long missing = 0;
        for (JsonNode d : json.get("dependencies")) if (!d.get("present").asBoolean()) missing++;
        assertThat(missing).isEqualTo(2);
        assertThat(json.get("scenes").get(0).get("name").asText()).isNotEmpty();
    }

    @Test void zstdFileIsReadAndSaysSo() {
        CliRun r = CliRun.run(home, "inspect", BlendFiles.get("basic_file_zstandard.blend").toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("zstd-compressed").contains("camera (none)");
    }

    @Test void everyCommandExplainsItselfWithHelp() {
        for (String cmd : new String[]{"inspect", "render", "demo"}) {
            CliRun r = CliRun.run(home, cmd, "--help");
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("Usage: sprocket " + cmd);
        }
        assertThat(CliRun.run(home, "render", "--help").out()).contains("--frames").contains("--motion-blur").contains("--allow-missing")
                .contains("--chunk").contains("--workers").contains("--format").contains("--samples").contains("--resolution-percent");
    }

    @Test void unknownOptionIsAUsageError() {
        CliRun r = CliRun.run(home, "render", "x.blend", "--framez", "1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--framez");
    }
}
