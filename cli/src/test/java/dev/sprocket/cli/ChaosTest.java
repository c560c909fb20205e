package dev.sprocket.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sprocket.blender.testing.Pixels;
import dev.sprocket.blender.testing.ReferenceRender;
import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The farm loses nothing: one server, three workers (separate processes and work dirs) on a 24-frame job; one
 * worker is kill -9'd mid-frame and the server is kill -9'd mid-job and restarted on the same data. The job completes
 * and `download` yields every frame exactly once, pixel-identical to Blender's own render.
 */
class ChaosTest {
    private static final int FRAMES = 24;
    private static final String TOKEN = "chaos-token-" + Long.toHexString(System.nanoTime());

    @TempDir Path dir;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach void killEverything() throws InterruptedException {
        for (Process p : processes) SprocketProcess.kill9(p);
    }

    @Test void killedWorkerAndKilledServerLoseNothing() throws Exception {
        Path blend = TestScenes.cycles().frames(1, FRAMES).resolution(80, 60).samples(24).create(dir.resolve("chaos.blend"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        String url = "http://127.0.0.1:" + port;
        Map<String, String> env = new HashMap<>(Map.of("SPROCKET_TOKEN", TOKEN, "SPROCKET_COORDINATOR", url,
                "SPROCKET_HOME", dir.resolve("home").toString()));
        Path data = dir.resolve("server-data");

        Process server = startServer(port, data, env);
        List<Process> workers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            workers.add(start(env, "worker-" + i + ".log", "worker", "--name", "w" + i,
                    "--workdir", dir.resolve("work-" + i).toString(), "--threads", "1"));
        }

        CliRun submit = SprocketProcess.run(dir, env, 300, "submit", blend.toString(), "--motion-blur", "off");
        assertThat(submit.exitCode()).as(submit.toString()).isZero();
        String job = submit.out().strip().lines().reduce((a, b) -> b).orElseThrow();

        // kill -9 a worker while it holds a task (mid-frame), together with its Blender
        awaitFramesDone(url, job, 3);
        String victim = workerHoldingATask(url);
        int victimIndex = Integer.parseInt(victim.substring(1)) - 1;
        SprocketProcess.kill9(workers.get(victimIndex));

        // kill -9 the server mid-job, then restart it on the same data
        awaitFramesDone(url, job, 8);
        SprocketProcess.kill9(server);
        Thread.sleep(1500);
        server = startServer(port, data, env);

        CliRun wait = SprocketProcess.run(dir, env, 600, "wait", job);
        assertThat(wait.exitCode()).as("job completes after the chaos: " + wait + tail("worker-1.log")).isZero();

        Path out = dir.resolve("frames");
        CliRun download = SprocketProcess.run(dir, env, 300, "download", job, "--output", out.toString());
        assertThat(download.exitCode()).as(download.toString()).isZero();
        List<String> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> expected = new ArrayList<>();
        for (int f = 1; f <= FRAMES; f++) expected.add(OutputFormat.PNG.fileName(f));
        assertThat(files).as("every frame exactly once, nothing else").containsExactlyElementsOf(expected);

        JsonNode outputs = api(url, "/api/v1/jobs/" + job + "/outputs");
        assertThat(outputs.size()).as("one accepted output per frame").isEqualTo(FRAMES);

        RenderSettings settings = new RenderSettings(Optional.empty(), Optional.empty(), Optional.empty(), OutputFormat.PNG,
                Optional.of(false), false, false);
        for (int f = 1; f <= FRAMES; f++) {
            Pixels.assertIdentical(ReferenceRender.render(blend, f, settings, dir.resolve("reference")),
                    out.resolve(OutputFormat.PNG.fileName(f)));
        }
        JsonNode attempts = api(url, "/api/v1/jobs/" + job + "/attempts");
        boolean victimLost = false;
        for (JsonNode a : attempts) {
            if (a.get("worker").asText().equals(victim) && a.get("outcome").asText().equals("LOST")) victimLost = true;
        }
        assertThat(victimLost).as("the killed worker's attempt is recorded as LOST (not a render failure)").isTrue();
    }

    private Process startServer(int port, Path data, Map<String, String> env) throws Exception {
        Process p = start(env, "server.log", "server", "--listen", "127.0.0.1:" + port, "--data", data.toString(),
                "--lease-seconds", "6");
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            assertThat(p.isAlive()).as("server running: " + tail("server.log")).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) return p;
            } catch (IOException notYet) {
                assertThat(System.nanoTime()).as("server healthy within 60 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    private Process start(Map<String, String> env, String log, String... args) throws IOException {
        Process p = SprocketProcess.start(dir.resolve(log), env, args);
        processes.add(p);
        return p;
    }

    private void awaitFramesDone(String url, String job, int frames) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (api(url, "/api/v1/jobs/" + job + "/outputs").size() < frames) {
            assertThat(System.nanoTime()).as(frames + " frames within 5 minutes").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private String workerHoldingATask(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode w : api(url, "/api/v1/workers")) {
                if (w.hasNonNull("task") && !w.get("task").isEmpty()) return w.get("name").asText();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no worker holds a task");
    }

    private static JsonNode api(String url, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private String tail(String log) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(log));
            return "\n--- " + log + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
