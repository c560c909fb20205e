package dev.sprocket.store;

import org.sqlite.SQLiteConfig.SynchronousMode;

import java.time.Duration;

/**
 * Tuning of the SQLite job store.
 *
 * @param busyTimeout how long a write waits for another process's write transaction before failing. Threads of
 *                    one process queue on a Java lock instead, so this only covers other processes and checkpoints.
 * @param poolSize    open connections: one writer at a time plus concurrent readers (WAL lets reads run during a write)
 * @param synchronous {@code NORMAL} (default) survives process crashes ({@code kill -9}) at any moment; a power loss
 *                    may roll back the last commits, so a lease token could be granted twice — harmless, because
 *                    both holders render the same deterministic frames under the same names. {@code FULL} syncs the
 *                    WAL on every commit (survives power loss) at several milliseconds per commit.
 * @param cacheKib    page cache per connection in KiB (SQLite's default is 2 MB)
 * @param checkpointEvery how often a background thread copies the write-ahead log into the database file
 */
public record SqliteSettings(Duration busyTimeout, int poolSize, SynchronousMode synchronous, int cacheKib,
                             Duration checkpointEvery) {
    /** Long enough to ride out another process's burst of writes or a WAL checkpoint. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);
    /** A writer, the dispatcher's reads, and a couple of UI/progress readers. */
    public static final int DEFAULT_POOL_SIZE = 4;
    /** Page cache per connection, at most (it grows with use): room for the hot part of a million tasks. */
    public static final int DEFAULT_CACHE_KIB = 64 * 1024;
    /** How often the WAL is copied into the database file: at a busy farm's write rate, a few MB each time. */
    public static final Duration DEFAULT_CHECKPOINT_EVERY = Duration.ofMillis(200);

    public SqliteSettings {
        if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("busyTimeout must be 0.." + Integer.MAX_VALUE + " ms, got " + busyTimeout);
        }
        if (poolSize < 1) throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
        if (cacheKib < 1) throw new IllegalArgumentException("cacheKib must be at least 1, got " + cacheKib);
        if (checkpointEvery.toMillis() < 1) throw new IllegalArgumentException("checkpointEvery must be at least 1 ms, got " + checkpointEvery);
    }

    public static SqliteSettings defaults() {
        return new SqliteSettings(DEFAULT_BUSY_TIMEOUT, DEFAULT_POOL_SIZE, SynchronousMode.NORMAL, DEFAULT_CACHE_KIB,
                DEFAULT_CHECKPOINT_EVERY);
    }

    public SqliteSettings withSynchronous(SynchronousMode mode) {
        return new SqliteSettings(busyTimeout, poolSize, mode, cacheKib, checkpointEvery);
    }

    public SqliteSettings withPoolSize(int n) {
        return new SqliteSettings(busyTimeout, n, synchronous, cacheKib, checkpointEvery);
    }
}
