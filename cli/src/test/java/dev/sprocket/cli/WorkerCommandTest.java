package dev.sprocket.cli;

import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * `sprocket worker` as its own process (as on a render box), with SPROCKET_TOKEN from the environment: SIGTERM
 * hands the running task back and exits 0; `sprocket worker drain NAME` makes an idle worker exit 0.
 */
class WorkerCommandTest {
    @TempDir Path dir;
    TestFarm farm;
    Process worker;

    @BeforeEach void start() throws IOException { farm = new TestFarm(dir); }

    @AfterEach void stop() throws Exception {
        if (worker != null && worker.isAlive()) worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        farm.close();
    }

    private Process startWorker(String name) throws IOException {
        return SprocketProcess.start(dir.resolve(name + ".log"),
                Map.of("SPROCKET_TOKEN", TestFarm.TOKEN, "SPROCKET_HOME", dir.resolve("home").toString()),
                "worker", "--coordinator", farm.url(), "--name", name, "--threads", "2", "--workdir", dir.resolve("work-" + name).toString());
    }

    /**
     * TCP sockets in LISTEN state held by the process (Linux: its socket inodes in /proc/PID/fd, matched against
     * /proc/net/tcp and tcp6 rows in state 0A).
     */
    private static List<String> listeningSockets(Process p) throws IOException {
        Path fds = Path.of("/proc", Long.toString(p.pid()), "fd");
        assertThat(Files.isDirectory(fds) && Files.exists(Path.of("/proc/net/tcp")))
                .as("this check reads Linux /proc (run the suite on Linux, as .ci/run does)").isTrue();
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (var links = Files.list(fds)) {
            for (Path fd : links.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        assertThat(inodes).as("the worker has sockets open (to the coordinator)").isNotEmpty();
        List<String> listening = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path t = Path.of(table);
            if (!Files.exists(t)) continue;
            List<String> rows = Files.readAllLines(t);
            for (String line : rows.subList(1, rows.size())) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) listening.add(table + " " + f[1]);
            }
        }
        return listening;
    }

    private String log(String name) throws IOException { return Files.readString(dir.resolve(name + ".log")); }

    @Test void sigtermHandsTheRunningTaskBackAndExitsZero() throws Exception {
        // A frame that takes a while, so that the signal lands mid-render.
        Path blend = TestScenes.cycles().heavy().samples(2000).frames(1, 1).create(dir.resolve("slow.blend"));
        CliRun submit = farm.cli("submit", blend.toString());
        assertThat(submit.exitCode()).as(submit.toString()).isZero();
        String job = submit.lastLine();

        worker = startWorker("proc-1");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Task t = farm.client.job(job).tasks().orElseThrow().getFirst();
            return t.state() == TaskState.RUNNING && t.progress().isPresent();
        });
        assertThat(listeningSockets(worker)).as("a worker opens no port, even while rendering").isEmpty();
        long t0 = System.nanoTime();
        worker.destroy(); // SIGTERM
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as(log("proc-1")).isTrue();
        assertThat(worker.exitValue()).as(log("proc-1")).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("handed back at once, not after the frame").isLessThan(Duration.ofSeconds(15));
        assertThat(log("proc-1")).contains("stopping (handing back its current task");

        Task task = farm.client.job(job).tasks().orElseThrow().getFirst();
        assertThat(task.state()).as("back in the queue for another worker, no failure counted").isEqualTo(TaskState.QUEUED);
        assertThat(task.failures()).isZero();
        List<Attempt> attempts = farm.client.attempts(job, OptionalInt.empty());
        assertThat(attempts).singleElement().satisfies(a -> {
            assertThat(a.worker()).isEqualTo("proc-1");
            assertThat(a.outcome()).isEqualTo(AttemptOutcome.LOST);
        });
        farm.client.cancel(job);
    }

    @Test void aDrainedIdleWorkerExitsZero() throws Exception {
        worker = startWorker("proc-2");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                farm.client.workers().stream().anyMatch(w -> w.name().equals("proc-2")));
        assertThat(listeningSockets(worker)).as("a worker opens no port").isEmpty();
        CliRun drain = farm.cli("worker", "drain", "proc-2");
        assertThat(drain.exitCode()).as(drain.toString()).isZero();
        assertThat(drain.out()).contains("Asked worker proc-2 to finish");
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as(log("proc-2")).isTrue();
        assertThat(worker.exitValue()).as(log("proc-2")).isZero();
        assertThat(log("proc-2")).contains("drained by the coordinator");
    }
}
