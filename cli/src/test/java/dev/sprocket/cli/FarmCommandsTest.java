package dev.sprocket.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.client.HttpBlobStore;
import dev.sprocket.client.HttpWorkSource;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.port.BlobKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client commands against a real coordinator, without rendering: steering jobs (pause, resume, priority,
 * cancel, retry), failures as `status`, `logs` and `wait` show them, JSON output, and errors as one line.
 */
class FarmCommandsTest {
    @TempDir static Path scenes;
    static Path blend;
    @TempDir Path dir;
    TestFarm farm;

    @BeforeAll static void scene() {
        blend = TestScenes.cycles().frames(1, 4).resolution(32, 24).samples(1).texture(true).create(scenes.resolve("shot.blend"));
    }

    @BeforeEach void start() throws Exception { farm = new TestFarm(dir); }

    @AfterEach void stop() { farm.close(); }

    private String submit(String... extra) {
        String[] args = new String[2 + extra.length];
        args[0] = "submit";
        args[1] = blend.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        CliRun r = farm.cli(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.lastLine();
    }

    @Test void jobsArePausedResumedReprioritisedCanceledAndRetried() throws Exception {
        String job = submit("--frames", "1-3", "--motion-blur", "off", "--priority", "1");
        CliRun pause = farm.cli("pause", job);
        assertThat(pause.exitCode()).as(pause.toString()).isZero();
        assertThat(pause.out()).startsWith("Paused: job " + job + " 'shot' PAUSED");
        assertThat(farm.cli("status", job).out()).contains("PAUSED").contains("3 paused");

        assertThat(farm.cli("resume", job).out()).contains("ACTIVE").contains("3 queued");
        assertThat(farm.cli("priority", job, "10").out()).contains("priority 10");
        CliRun negative = farm.cli("priority", job, "-5", "--json");
        assertThat(negative.exitCode()).as(negative.toString()).isZero();
        assertThat(Json.MAPPER.readTree(negative.out()).at("/job/priority").asInt()).isEqualTo(-5);

        CliRun cancel = farm.cli("cancel", job);
        assertThat(cancel.out()).as(cancel.toString()).contains("CANCELED");
        CliRun wait = farm.cli("wait", job, "--timeout", "120");
        assertThat(wait.exitCode()).as("wait on a canceled job").isEqualTo(1);
        assertThat(wait.out()).contains("CANCELED");
        assertThat(farm.cli("watch", job).exitCode()).as("watch on a canceled job").isEqualTo(1);

        CliRun retry = farm.cli("retry", job, "--frames", "2");
        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        assertThat(retry.out()).contains("Requeued").contains("ACTIVE").contains("1 queued");
        CliRun badSpec = farm.cli("retry", job, "--frames", "2-x");
        assertThat(badSpec.exitCode()).isEqualTo(1);
        assertThat(badSpec.errorLine()).contains("'2-x' is not a valid frame spec");
        CliRun timeout = farm.cli("wait", job, "--timeout", "1");
        assertThat(timeout.exitCode()).isEqualTo(WaitCommand.TIMED_OUT);
        assertThat(farm.cli("pause", job, "--json").exitCode()).isZero();
        assertThat(farm.client.job(job).job().state().name()).isEqualTo("PAUSED");
    }

    @Test void failuresAreShownWithTheirMessagesAndLogs() throws Exception {
        String job = submit("--frames", "4");
        // A worker, through the API, fails the task until it is out of attempts (3 by default).
        HttpWorkSource source = new HttpWorkSource(farm.client);
        HttpBlobStore blobs = new HttpBlobStore(farm.client);
        source.register("box-1");
        for (int i = 1; i <= 3; i++) {
            Lease lease = source.lease("box-1", Duration.ofSeconds(5)).orElseThrow();
            String logKey = BlobKeys.log(lease.taskId(), lease.token());
            blobs.putBytes(logKey, ("Blender 3.4.1\nFra:4 Mem:10M | Error: Cannot read texture (try " + i + ")\n").getBytes(StandardCharsets.UTF_8));
            source.fail(lease, AttemptOutcome.FAILED, new AttemptReport(Optional.of("Error: Cannot read texture"), Optional.of(logKey),
                    Optional.of("3.4.1"), Optional.empty(), Optional.empty()));
        }
        CliRun wait = farm.cli("wait", job, "--timeout", "120");
        assertThat(wait.exitCode()).as(wait + "\n" + Json.write(farm.client.job(job))).isEqualTo(1);
        assertThat(wait.out()).contains("FAILED");

        CliRun status = farm.cli("status", job);
        assertThat(status.out()).as(status.toString())
                .contains("FAILED    task 0 frames [4] after 3 attempt(s), last on box-1: Error: Cannot read texture")
                .contains("sprocket logs " + job + " --frame 4");
        JsonNode json = Json.MAPPER.readTree(farm.cli("status", job, "--json").out());
        assertThat(json.at("/failures/0/message").asText()).isEqualTo("Error: Cannot read texture");
        assertThat(json.at("/failures/0/attempts").asInt()).isEqualTo(3);

        CliRun logs = farm.cli("logs", job, "--frame", "4");
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out().lines().filter(l -> l.startsWith("=== task 0 frames [4] · worker box-1 · token ")
                && l.contains("· FAILED: Error: Cannot read texture"))).hasSize(3);
        assertThat(logs.out()).contains("Error: Cannot read texture (try 1)").contains("(try 3)");
        CliRun noSuchFrame = farm.cli("logs", job, "--frame", "99");
        assertThat(noSuchFrame.exitCode()).isEqualTo(1);
        assertThat(noSuchFrame.errorLine()).isEqualTo("sprocket: job " + job + " does not render frame 99");

        CliRun retry = farm.cli("retry", job);
        assertThat(retry.out()).as(retry.toString()).contains("ACTIVE").contains("1 queued");
    }

    @Test void errorsAreOneLineNamingTheProblem() {
        Map<String, String> noToken = new HashMap<>(farm.env());
        noToken.put("sprocket.token", "");
        for (String[] args : new String[][]{{"jobs"}, {"submit", blend.toString()}, {"worker"}, {"status", "x"}}) {
            CliRun r = CliRun.run(dir.resolve("home"), noToken, args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.errorLine()).startsWith("sprocket: SPROCKET_TOKEN is not set");
            assertThat(r.err().lines().count()).as(r.toString()).isEqualTo(1);
        }

        Map<String, String> wrongToken = new HashMap<>(farm.env());
        wrongToken.put("sprocket.token", "guess");
        CliRun wrong = CliRun.run(dir.resolve("home"), wrongToken, "jobs");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.errorLine()).contains("wrong token").doesNotContain("guess").doesNotContain(TestFarm.TOKEN);

        Map<String, String> noCoordinator = new HashMap<>(farm.env());
        noCoordinator.put("sprocket.coordinator", "");
        assertThat(CliRun.run(dir.resolve("home"), noCoordinator, "jobs").errorLine())
                .isEqualTo("sprocket: no coordinator given: pass --coordinator URL or set SPROCKET_COORDINATOR (e.g. http://render-box:7070)");

        CliRun unreachable = farm.cli("jobs", "--coordinator", "http://127.0.0.1:1");
        assertThat(unreachable.errorLine()).startsWith("sprocket: cannot reach coordinator at http://127.0.0.1:1: connection refused");

        CliRun unknown = farm.cli("status", "no-such-job");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.errorLine()).contains("no-such-job");
        assertThat(farm.cli("worker", "drain", "nobody").errorLine()).contains("nobody");

        // A file `render` would refuse is refused by `submit` too, before anything is sent.
        Path noCamera = TestScenes.cycles().noCamera().create(dir.resolve("nocam.blend"));
        CliRun refused = farm.cli("submit", noCamera.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.errorLine()).startsWith("sprocket: refused: nocam.blend: scene 'Scene' has no camera");
        assertThat(farm.server.bytesReceived()).isZero();
        assertThat(farm.cli("jobs").out()).contains("No jobs");
    }

    @Test void resubmittingAnUnchangedProjectSendsNoBytes() throws Exception {
        CliRun first = farm.cli("submit", blend.toString(), "--frames", "1");
        assertThat(first.err()).as(first.toString()).contains("Uploaded 2 of 2 file(s)");
        long received = farm.server.bytesReceived();
        Map<Path, Long> inputs = mtimes(farm.dir.resolve("data/blobs/inputs"));
        assertThat(inputs).hasSize(3); // the .blend, its texture, the manifest

        CliRun second = farm.cli("submit", blend.toString(), "--frames", "2", "--priority", "2");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.err()).contains("Uploaded 0 of 2 file(s) (0 B of");
        assertThat(farm.server.bytesReceived()).as("bytes the coordinator received").isEqualTo(received);
        assertThat(mtimes(farm.dir.resolve("data/blobs/inputs"))).as("no input blob written again").isEqualTo(inputs);
        assertThat(farm.client.job(second.lastLine()).job().manifestKey()).isEqualTo(farm.client.job(first.lastLine()).job().manifestKey());
    }

    private static Map<Path, Long> mtimes(Path dir) throws java.io.IOException {
        Map<Path, Long> out = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            for (Path p : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                out.put(p, java.nio.file.Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }

    @Test void helpTeachesWithExamples() {
        for (String cmd : new String[]{"submit", "jobs", "status", "watch", "wait", "logs", "download", "pause", "resume",
                "cancel", "retry", "priority", "workers", "worker"}) {
            CliRun r = farm.cli(cmd, "--help");
            assertThat(r.exitCode()).as(cmd).isZero();
            assertThat(r.out()).as(cmd).contains("Usage: sprocket " + cmd).contains("Example");
        }
        assertThat(farm.cli("worker", "drain", "--help").out()).contains("Usage: sprocket worker drain");
    }
}
