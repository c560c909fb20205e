package dev.sprocket.cli;

import dev.sprocket.blender.BlenderRenderer;
import dev.sprocket.blender.BlenderSettings;
import dev.sprocket.blender.testing.TestBlender;
import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.client.HttpBlobStore;
import dev.sprocket.client.HttpWorkSource;
import dev.sprocket.coordinator.CoordinatorServer;
import dev.sprocket.coordinator.ServerConfig;
import dev.sprocket.worker.Worker;
import dev.sprocket.worker.WorkerSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real coordinator in-process (ephemeral loopback port, temp data dir), optionally with real workers on
 * {@link HttpWorkSource} — each with its own work dir and its own client, as on separate machines — and a way to run
 * CLI commands against it.
 */
final class TestFarm implements AutoCloseable {
    static final String TOKEN = "cli-test-token-7";

    final Path dir;
    final CoordinatorServer server;
    final CoordinatorClient client;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    TestFarm(Path dir) throws IOException {
        this.dir = dir;
        this.server = new CoordinatorServer(ServerConfig.defaults(dir.resolve("data")).withListen("127.0.0.1", 0).withToken(TOKEN),
                line -> {});
        server.start();
        this.client = new CoordinatorClient(url(), TOKEN);
    }

    String url() { return server.uri().toString(); }

    /** Starts a worker thread named {@code name}, single-threaded Blender, work dir of its own. */
    void startWorker(String name) {
        CoordinatorClient own = new CoordinatorClient(url(), TOKEN);
        BlenderRenderer renderer = new BlenderRenderer(TestBlender.get(), BlenderSettings.defaults());
        closeables.add(renderer::close);
        closeables.add(own);
        Worker w = new Worker(name, new HttpWorkSource(own), new HttpBlobStore(own), renderer, dir.resolve("work-" + name),
                WorkerSettings.defaults().withThreads(1).withPollWait(Duration.ofSeconds(2)));
        Thread t = new Thread(w, name);
        t.setDaemon(true);
        workers.add(w);
        threads.add(t);
        t.start();
    }

    /** Runs the CLI with this coordinator and token (as SPROCKET_COORDINATOR and SPROCKET_TOKEN would give them). */
    CliRun cli(String... args) {
        return CliRun.run(dir.resolve("home"), env(), args);
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("sprocket.coordinator", url());
        env.put("sprocket.token", TOKEN);
        return env;
    }

    @Override public void close() {
        workers.forEach(Worker::stop);
        threads.forEach(Thread::interrupt);
        try {
            for (Thread t : threads) t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        client.close();
        server.close();
    }
}
