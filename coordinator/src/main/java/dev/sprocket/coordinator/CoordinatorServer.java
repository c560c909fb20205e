package dev.sprocket.coordinator;

import dev.sprocket.coordinator.http.BearerAuth;
import dev.sprocket.coordinator.http.BlobRoutes;
import dev.sprocket.coordinator.http.ErrorMapper;
import dev.sprocket.coordinator.http.JobRoutes;
import dev.sprocket.coordinator.http.MetaRoutes;
import dev.sprocket.coordinator.http.Services;
import dev.sprocket.coordinator.http.TaskRoutes;
import dev.sprocket.coordinator.http.Uploads;
import dev.sprocket.coordinator.http.WorkerRoutes;
import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.port.BlobStore;
import dev.sprocket.core.port.JobStore;
import dev.sprocket.store.DirectoryBlobStore;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The coordinator: the HTTP API of docs/api.md over a {@link Dispatcher}, a {@link JobStore} and a {@link BlobStore}.
 * <pre>{@code
 * try (CoordinatorServer server = new CoordinatorServer(ServerConfig.defaults(dataDir))) {
 *     int port = server.start();
 *     ...
 * }
 * }</pre>
 * Requests run on virtual threads (Jetty's platform threads only select and accept), so handlers may block: a
 * worker's long-poll parks its virtual thread in {@link Dispatcher#lease} until a task is runnable.
 */
public final class CoordinatorServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorServer.class);
    /** Jetty's selector and acceptor threads; handlers do not run on them, so a few are plenty. */
    static final int PLATFORM_THREADS = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
    /** How long stop() waits for requests still running (e.g. a completion being written) before closing the store. */
    static final Duration DRAIN_ON_STOP = Duration.ofSeconds(5);

    private final ServerConfig config;
    private final Consumer<String> notices;
    private final Clock clock = Clock.systemUTC();

    private JobStore store;
    private BlobStore blobs;
    private Dispatcher dispatcher;
    private Uploads uploads;
    private Sweeper sweeper;
    private ExecutorService handlers;
    private Javalin app;
    private Optional<Path> tokenFile = Optional.empty();

    /** Notices (where the token is, recovered leases) go to the log. */
    public CoordinatorServer(ServerConfig config) {
        this(config, log::info);
    }

    /** @param notices lines for the operator (the CLI prints them); never contain the token itself */
    public CoordinatorServer(ServerConfig config, Consumer<String> notices) {
        this.config = config;
        this.notices = notices;
    }

    /**
     * Opens the stores, recovers leases that ran out while no coordinator was up, and starts listening.
     *
     * @return the port listened on (the real one when {@link ServerConfig#port()} is 0)
     * @throws IOException when the data dir or token file cannot be used
     * @throws IllegalArgumentException for an unusable {@link ServerConfig#jdbcUrl()}
     */
    public synchronized int start() throws IOException {
        if (app != null) throw new IllegalStateException("already started");
        try {
            Files.createDirectories(config.dataDir());
            String token = ServerToken.resolve(config.token(), config.tokenFile(), notices);
            if (config.token().isEmpty()) tokenFile = Optional.of(config.tokenFile());
            store = JobStores.open(config);
            blobs = new DirectoryBlobStore(config.blobDir());
            dispatcher = new Dispatcher(store, clock, config.dispatch());
            int recovered = dispatcher.recoverAfterRestart();
            if (recovered > 0) notices.accept("Extended " + recovered + " lease(s) from before the restart so their workers can report back");
            clearUploadsInFlight(config.uploadDir());
            uploads = new Uploads(blobs, config.uploadDir());
            Services services = new Services(dispatcher, blobs, uploads, clock, config.maxLeaseWait());
            handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sprocket-http-", 0).factory());
            app = Javalin.create(cfg -> configure(cfg, token, services)).start();
            sweeper = new Sweeper(dispatcher);
            log.info("Coordinator listening on {} (data in {})", uri(), config.dataDir());
            return port();
        } catch (IOException | RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    private void configure(JavalinConfig cfg, String token, Services services) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.http.maxRequestSize = config.maxJsonBytes();
        // Blobs are PNG/EXR (already compressed) and JSON is small: compression would only cost CPU on the hot path.
        cfg.http.compressionStrategy = CompressionStrategy.NONE;
        QueuedThreadPool pool = new QueuedThreadPool(PLATFORM_THREADS);
        pool.setName("sprocket-jetty");
        pool.setVirtualThreadsExecutor(handlers);
        cfg.jetty.threadPool = pool;
        cfg.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(config.host());
            connector.setPort(config.port());
            connector.setIdleTimeout(config.idleTimeout().toMillis());
            connector.setAcceptQueueSize(config.acceptQueue());
            return connector;
        });
        cfg.routes.before(new BearerAuth(token));
        ErrorMapper.register(cfg.routes);
        new MetaRoutes().register(cfg.routes);
        new BlobRoutes(services).register(cfg.routes);
        new JobRoutes(services).register(cfg.routes);
        new WorkerRoutes(services).register(cfg.routes);
        new TaskRoutes(services).register(cfg.routes);
    }

    /** Temp files of uploads cut off by a crash: nothing refers to them. */
    private static void clearUploadsInFlight(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "upload-*.tmp")) {
            for (Path f : files) Files.deleteIfExists(f);
        }
    }

    public int port() {
        if (app == null) throw new IllegalStateException("not started");
        return app.port();
    }

    /** Base URI for clients, e.g. {@code http://127.0.0.1:7070}. */
    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port());
    }

    public ServerConfig config() { return config; }

    /** Where the token is kept, when it was not given in the config. */
    public Optional<Path> tokenFile() { return tokenFile; }

    /** The dispatcher the API drives; in-process workers may lease from it directly. */
    public Dispatcher dispatcher() { return dispatcher; }

    public BlobStore blobs() { return blobs; }

    /** Body bytes received by blob uploads since start (known inputs are not sent again: this shows it). */
    public long bytesReceived() { return uploads == null ? 0 : uploads.bytesReceived(); }

    /** Every route, as "METHOD /path" (Javalin's syntax: {@code {param}}, {@code <param>} may contain '/'). */
    public List<String> routes() {
        if (app == null) throw new IllegalStateException("not started");
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .toList();
    }

    /**
     * Stops listening, interrupts waiting long-polls (their workers get 503 or a closed connection and poll again
     * elsewhere or later), and closes the store. Leases stay in the store: after a restart they can still complete.
     */
    public synchronized void stop() {
        if (sweeper != null) sweeper.close();
        if (app != null) app.stop();
        if (handlers != null) {
            handlers.shutdownNow();
            try {
                if (!handlers.awaitTermination(DRAIN_ON_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("Some requests were still running {} after stop; closing the store anyway", DRAIN_ON_STOP);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (store != null) store.close();
        sweeper = null;
        app = null;
        handlers = null;
        store = null;
    }

    @Override public void close() { stop(); }
}
