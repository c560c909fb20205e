package dev.sprocket.store;

import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.port.JobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.sprocket.store.Jobs.T0;
import static org.assertj.core.api.Assertions.assertThat;

class SqliteJobStoreTest extends JobStoreContract {
    private static final int PROCESSES = 2;
    private static final int TASKS = 300;
    private static final long PROCESS_TIMEOUT_SECONDS = 60;

    @TempDir Path dir;

    private Path database() { return dir.resolve("db").resolve("sprocket.db"); }

    @Override protected JobStore open() {
        return new SqliteJobStore(database());
    }

    @Test
    void createsParentDirectoriesAndUsesWal() throws IOException {
        assertThat(database()).isRegularFile();
        try (var files = Files.list(database().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("sprocket.db-wal");
        }
    }

    /** The claim that matters for SQLite: separate processes on one file never share a task. */
    @Test
    void separateProcessesHandEveryTaskOutExactlyOnce() throws Exception {
        Job job = Jobs.job("j", "1-" + TASKS, 1);
        store.create(job, job.frames().chunks(1));
        Path go = dir.resolve("go");
        List<Process> processes = new ArrayList<>();
        List<CompletableFuture<List<String>>> outputs = new ArrayList<>();
        try {
            for (int p = 0; p < PROCESSES; p++) {
                Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        LeaseLoop.class.getName(), database().toString(), "proc" + p, go.toString(), TTL.toString())
                        .redirectError(dir.resolve("proc" + p + ".err").toFile())
                        .start();
                processes.add(process);
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).as("child %d started (see %s)", p, dir.resolve("proc" + p + ".err"))
                        .isEqualTo(LeaseLoop.READY);
                outputs.add(CompletableFuture.supplyAsync(() -> out.lines().toList()));
            }
            Files.createFile(go);
            List<String> here = new ArrayList<>();
            for (Optional<Lease> l; (l = store.leaseNext("parent", T0, TTL)).isPresent(); ) here.add(l.get().taskId().toString());

            List<String> all = new ArrayList<>(here);
            for (int p = 0; p < PROCESSES; p++) {
                assertThat(processes.get(p).waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
                assertThat(processes.get(p).exitValue()).isZero();
                all.addAll(outputs.get(p).get(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(TASKS).doesNotHaveDuplicates();
            for (String id : all) assertThat(store.attempts(TaskId.parse(id))).hasSize(1);
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void concurrentWritesCommitTogetherAndAFailingOneFailsAlone() throws Exception {
        JobStore s = store;
        int n = 200;
        s.create(Jobs.job("taken", "1", 1), List.of(List.of(1)));
        List<CompletableFuture<Throwable>> results = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                String id = i == n / 2 ? "taken" : "job-" + i; // one duplicate: it alone must fail
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        s.create(Jobs.job(id, "1-3", 1), List.of(List.of(1), List.of(2), List.of(3)));
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                }, threads));
            }
            for (int i = 0; i < n; i++) {
                Throwable failure = results.get(i).get(30, TimeUnit.SECONDS);
                if (i == n / 2) {
                    assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taken");
                } else {
                    assertThat(failure).isNull();
                    assertThat(s.tasks("job-" + i)).hasSize(3);
                }
            }
        }
        assertThat(s.tasks("taken")).hasSize(1);
        assertThat(s.jobs()).hasSize(n);
    }

    @Test
    void aClosedStoreRefusesWritesWithAClearError() {
        JobStore s = open();
        s.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.setPriority("j", 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
