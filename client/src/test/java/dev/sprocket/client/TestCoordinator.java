package dev.sprocket.client;

import dev.sprocket.api.Dto;
import dev.sprocket.coordinator.CoordinatorServer;
import dev.sprocket.coordinator.ServerConfig;
import dev.sprocket.core.dispatch.DispatchSettings;
import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Dependency;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real coordinator on an ephemeral loopback port over a temp data dir, which can be stopped and started again
 * on the same port and data (a restart, as seen by its workers).
 */
final class TestCoordinator implements AutoCloseable {
    static final String TOKEN = "client-test-token-42";

    final Path data;
    private final ServerConfig config;
    private CoordinatorServer server;
    private int port;

    TestCoordinator(Path data) throws IOException {
        this(data, DispatchSettings.defaults());
    }

    TestCoordinator(Path data, DispatchSettings dispatch) throws IOException {
        this.data = data;
        this.config = ServerConfig.defaults(data).withListen("127.0.0.1", 0).withToken(TOKEN).withDispatch(dispatch);
        this.server = new CoordinatorServer(config, line -> {});
        this.port = server.start();
    }

    String url() { return "http://127.0.0.1:" + port; }

    CoordinatorClient client() { return new CoordinatorClient(url(), TOKEN); }

    CoordinatorServer server() { return server; }

    void stop() { server.stop(); }

    /** Starts a new coordinator on the same port and data dir. */
    void start() throws IOException {
        server = new CoordinatorServer(config.withListen("127.0.0.1", port), line -> {});
        server.start();
    }

    @Override public void close() { server.close(); }

    // ---- a small fake project (the coordinator never looks inside the files)

    /** Writes {@code dir/shot.blend} and {@code dir/textures/wood.png} with contents derived from {@code salt}. */
    static Path project(Path dir, String salt) throws IOException {
        Files.createDirectories(dir.resolve("textures"));
        Files.writeString(dir.resolve("textures/wood.png"), ("png " + salt + "\n").repeat(1000));
        return Files.writeString(dir.resolve("shot.blend"), "BLENDER-v304 " + salt);
    }

    /** What inspection would say about {@link #project}: the .blend and one relative texture. */
    static BlendInfo info(Path blend) {
        Path tex = blend.resolveSibling("textures/wood.png");
        return new BlendInfo(blend.toString(), "3.4.1", "3.4.1", "none", "Scene", List.of(),
                List.of(new Dependency("image", "//textures/wood.png", tex.toString(), List.of(tex.toString()), true, blend.toString())),
                true);
    }

    /** Stages the project through the API and creates a job of it. */
    static Job submit(CoordinatorClient client, Path blend, String frames, int priority) throws IOException {
        RemoteStager.Result staged = new RemoteStager(client).stage(blend, info(blend), RemoteStager.Listener.NONE);
        return client.submit(new Dto.JobSubmission("shot", staged.manifestKey(), "", frames, 1, priority,
                RenderSettings.defaults(OutputFormat.PNG)));
    }
}
