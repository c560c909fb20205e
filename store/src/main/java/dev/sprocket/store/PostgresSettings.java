package dev.sprocket.store;

import java.time.Duration;

/**
 * Tuning of the PostgreSQL job store.
 *
 * @param poolSize          open connections per store (per coordinator): leasing workers, heartbeats and the UI share them
 * @param connectionTimeout how long a caller waits for a free connection (and the first connect) before failing
 */
public record PostgresSettings(int poolSize, Duration connectionTimeout) {
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    public PostgresSettings {
        if (poolSize < 1) throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
        // HikariCP's floor
        if (connectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("connectionTimeout must be at least 250 ms, got " + connectionTimeout);
        }
    }

    public static PostgresSettings defaults() {
        return new PostgresSettings(DEFAULT_POOL_SIZE, DEFAULT_CONNECTION_TIMEOUT);
    }

    public PostgresSettings withPoolSize(int n) { return new PostgresSettings(n, connectionTimeout); }
}
