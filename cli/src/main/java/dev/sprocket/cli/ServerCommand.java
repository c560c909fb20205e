package dev.sprocket.cli;

import dev.sprocket.coordinator.CoordinatorServer;
import dev.sprocket.coordinator.ServerConfig;
import dev.sprocket.core.dispatch.DispatchSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs the coordinator: the job database, the blob store and the JSON API that workers and",
                "artists' `sprocket submit` talk to. Every call but /health needs the access token.",
                "",
                "The token is SPROCKET_TOKEN if set; otherwise one is generated on first start and kept in",
                "DATA/token (readable only by you) — give it to workers and clients as SPROCKET_TOKEN.",
                "Jobs survive restarts (and kill -9): state lives in the database; after a restart, running",
                "workers carry on and their results are accepted."},
        footer = {"", "Examples:",
                "  sprocket server                                   # 127.0.0.1:7070, data in ~/.sprocket/server",
                "  sprocket server --listen 0.0.0.0:7070            # reachable from the LAN",
                "  sprocket server --db jdbc:postgresql://db/sprocket?user=s&password=p   # several coordinators",
                "Then on each render box:  SPROCKET_TOKEN=... sprocket worker --coordinator http://HOST:7070"})
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7070",
            description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only; use 0.0.0.0:PORT for the LAN).")
    String listen;

    @Option(names = "--data", paramLabel = "DIR", description = "Database, blobs and token (default: $SPROCKET_HOME/server).")
    Path data;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "A PostgreSQL database (jdbc:postgresql://...) instead of SQLite in DATA; several servers may share it.")
    String db;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3",
            description = "Render failures a task may have before it fails (default ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--blocklist-after", paramLabel = "N", defaultValue = "3",
            description = "Failed tasks of one job after which a worker gets no more of that job (default ${DEFAULT-VALUE}).")
    int blocklistAfter;

    @Option(names = "--hung-after", paramLabel = "SECONDS", defaultValue = "600",
            description = "A task whose Blender shows no progress this long is stopped and retried (default ${DEFAULT-VALUE}).")
    long hungAfter;

    @Option(names = "--lease-seconds", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long a worker that stops heartbeating keeps its task before it is requeued (default ${DEFAULT-VALUE}).")
    long leaseSeconds;

    @Mixin CommonOptions common;

    @Override public Integer call() throws Exception {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) throw new UserError("--listen must be HOST:PORT, e.g. 127.0.0.1:7070, got '" + listen + "'");
        String host = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UserError("--listen port must be a number, got '" + listen.substring(colon + 1) + "'");
        }
        if (maxAttempts < 1 || blocklistAfter < 1 || hungAfter < 1 || leaseSeconds < 3) {
            throw new UserError("--max-attempts, --blocklist-after and --hung-after must be positive and --lease-seconds at least 3");
        }
        Path dir = data != null ? data : SprocketHome.fromEnvironment().dir().resolve("server");
        DispatchSettings dispatch = DispatchSettings.defaults()
                .withLeaseTtl(Duration.ofSeconds(leaseSeconds))
                .withMaxAttempts(maxAttempts)
                .withBlocklistAfter(blocklistAfter)
                .withHungAfter(Duration.ofSeconds(hungAfter));
        ServerConfig config = ServerConfig.defaults(dir).withListen(host, port).withDispatch(dispatch);
        if (db != null) config = config.withJdbcUrl(db);
        String token = System.getenv("SPROCKET_TOKEN");
        if (token != null && !token.isBlank()) config = config.withToken(token.strip());

        CoordinatorServer server = new CoordinatorServer(config, notice -> System.err.println("sprocket server: " + notice));
        int bound = server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "sprocket-server-stop"));
        System.err.println("sprocket server: listening on http://" + host + ":" + bound + " (data in " + dir.toAbsolutePath() + ")");
        stopped.await();
        return 0;
    }
}
