package dev.sprocket.coordinator;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.core.dispatch.DispatchSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a coordinator needs to start. {@link #defaults(Path)} gives a working server on this machine only.
 *
 * @param host          address to listen on; loopback by default so a fresh install is not reachable from the LAN
 * @param port          TCP port; 0 picks a free one (tests), {@link CoordinatorServer#start()} returns the real one
 * @param dataDir       holds {@code sprocket.db} (SQLite), {@code blobs/}, {@code token} and {@code tmp/} (uploads in flight)
 * @param jdbcUrl       a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL instead of {@code <data>/sprocket.db}
 * @param token         the API token; empty = read {@code <data>/token}, or generate it there on first start
 * @param dispatch      lease, retry and blocklist policy; {@code sweepEvery} is also the background sweep period
 * @param maxLeaseWait  longest long-poll a worker may ask for; longer requests are cut to this
 * @param idleTimeout   a connection silent this long is closed; must exceed {@code maxLeaseWait}, or Jetty would
 *                      close connections of workers that are legitimately waiting for a task
 * @param acceptQueue   TCP backlog: a thousand workers reconnecting at once after a restart must not be refused
 * @param maxJsonBytes  largest JSON request body (a missing-blobs query of a big project is the largest)
 */
public record ServerConfig(String host, int port, Path dataDir, Optional<String> jdbcUrl, Optional<String> token,
                           DispatchSettings dispatch, Duration maxLeaseWait, Duration idleTimeout, int acceptQueue,
                           long maxJsonBytes) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7070;
    public static final Duration DEFAULT_MAX_LEASE_WAIT = Duration.ofMillis(ApiPaths.MAX_WAIT_MILLIS);
    /** Long-poll limit plus time for a slow response to be written. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = DEFAULT_MAX_LEASE_WAIT.plusSeconds(30);
    public static final int DEFAULT_ACCEPT_QUEUE = 1024;
    /** About 200,000 sha256 values in one missing-blobs query. */
    public static final long DEFAULT_MAX_JSON_BYTES = 16L << 20;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(dispatch, "dispatch");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0-65535, got " + port);
        token.ifPresent(t -> {
            if (t.isBlank()) throw new IllegalArgumentException("token is blank; leave it unset to use a generated one");
        });
        if (maxLeaseWait.isNegative()) throw new IllegalArgumentException("maxLeaseWait must not be negative");
        if (idleTimeout.compareTo(maxLeaseWait) <= 0) {
            throw new IllegalArgumentException("idleTimeout (" + idleTimeout + ") must exceed maxLeaseWait (" + maxLeaseWait + ")");
        }
        if (acceptQueue < 1) throw new IllegalArgumentException("acceptQueue must be at least 1");
        if (maxJsonBytes < 1024) throw new IllegalArgumentException("maxJsonBytes must be at least 1024");
    }

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, dataDir, Optional.empty(), Optional.empty(),
                DispatchSettings.defaults(), DEFAULT_MAX_LEASE_WAIT, DEFAULT_IDLE_TIMEOUT, DEFAULT_ACCEPT_QUEUE,
                DEFAULT_MAX_JSON_BYTES);
    }

    public ServerConfig withListen(String h, int p) {
        return new ServerConfig(h, p, dataDir, jdbcUrl, token, dispatch, maxLeaseWait, idleTimeout, acceptQueue, maxJsonBytes);
    }

    public ServerConfig withJdbcUrl(String url) {
        return new ServerConfig(host, port, dataDir, Optional.of(url), token, dispatch, maxLeaseWait, idleTimeout, acceptQueue, maxJsonBytes);
    }

    public ServerConfig withToken(String t) {
        return new ServerConfig(host, port, dataDir, jdbcUrl, Optional.of(t), dispatch, maxLeaseWait, idleTimeout, acceptQueue, maxJsonBytes);
    }

    public ServerConfig withDispatch(DispatchSettings d) {
        return new ServerConfig(host, port, dataDir, jdbcUrl, token, d, maxLeaseWait, idleTimeout, acceptQueue, maxJsonBytes);
    }

    /** Sets the long-poll limit and keeps the idle timeout the same margin above it. */
    public ServerConfig withMaxLeaseWait(Duration wait) {
        return new ServerConfig(host, port, dataDir, jdbcUrl, token, dispatch, wait,
                wait.plus(DEFAULT_IDLE_TIMEOUT.minus(DEFAULT_MAX_LEASE_WAIT)), acceptQueue, maxJsonBytes);
    }

    public Path databaseFile() { return dataDir.resolve("sprocket.db"); }
    public Path blobDir() { return dataDir.resolve("blobs"); }
    public Path tokenFile() { return dataDir.resolve("token"); }
    /** Uploads stream here first: inside the data dir, so the final copy into the blob store stays on one disk. */
    public Path uploadDir() { return dataDir.resolve("tmp"); }
}
