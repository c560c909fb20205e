package dev.sprocket.cli;

import dev.sprocket.blender.testing.Pixels;
import dev.sprocket.blender.testing.ReferenceRender;
import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.store.SqliteJobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 of a Blender session in the middle of a task: the task is retried, the job completes, frames are identical. */
class CrashRecoveryTest {
    @TempDir Path dir;

    @Test void blenderKilledMidTaskIsRestartedAndTheTaskRetried() throws Exception {
        Path blend = TestScenes.cycles().frames(1, 6).resolution(96, 72).heavy().create(dir.resolve("crash.blend"));
        Path out = dir.resolve("out");
        Path home = dir.resolve("home");
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.run(home, "render", blend.toString(),
                "--frames", "1-6", "--workers", "2", "--motion-blur", "off", "--output", out.toString()));

        // Wait until frames are landing (sessions warm, tasks in flight), then SIGKILL one Blender session.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!(Files.isDirectory(out) && Files.list(out).findAny().isPresent())) {
            assertThat(System.nanoTime()).as("first frame within 3 minutes").isLessThan(deadline);
            Thread.sleep(50);
        }
        Thread.sleep(200); // into the next frame's render
        ProcessHandle victim = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("blender")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no Blender session running to kill"));
        assertThat(victim.destroyForcibly()).isTrue(); // SIGKILL

        CliRun r = run.get(5, TimeUnit.MINUTES);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Rendered 6/6 frames");
        try (SqliteJobStore store = new SqliteJobStore(home.resolve("sprocket.db"))) {
            String job = store.jobs().getFirst().id();
            long crashed = store.tasks(job).stream().flatMap(t -> store.attempts(t.id()).stream())
                    .filter(a -> a.outcome() == AttemptOutcome.CRASHED).count();
            assertThat(crashed).as("the killed attempt is recorded as a crash").isEqualTo(1);
        }
        RenderSettings s = new RenderSettings(Optional.empty(), Optional.empty(), Optional.empty(), OutputFormat.PNG,
                Optional.of(false), false, false);
        for (int f : List.of(1, 2, 3, 4, 5, 6)) {
            Pixels.assertIdentical(ReferenceRender.render(blend, f, s, dir.resolve("ref")), out.resolve(OutputFormat.PNG.fileName(f)));
        }
    }
}
