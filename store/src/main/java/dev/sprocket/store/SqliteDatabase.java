package dev.sprocket.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SQLite file: a connection pool with the pragmas every connection needs, the schema, and two ways in —
 * {@link #read} (autocommit) and {@link #write} (one {@code BEGIN IMMEDIATE} transaction).
 */
final class SqliteDatabase implements AutoCloseable {
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    /**
     * SQLite has one writer at a time. Threads of this process queue here (fairly, woken at once) rather than in
     * SQLite's busy handler, which sleeps and polls; the busy timeout then only serves other processes.
     */
    private final ReentrantLock writeGate = new ReentrantLock(true);

    SqliteDatabase(Path file, SqliteSettings settings) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            if (absolute.getParent() != null) Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of database " + absolute, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL); // readers never block the writer, nor the writer them
        config.setSynchronous(settings.synchronous());
        config.setBusyTimeout((int) settings.busyTimeout().toMillis());
        config.enforceForeignKeys(true);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + absolute);

        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(sqlite);
        hikari.setPoolName("sprocket-sqlite");
        hikari.setMaximumPoolSize(settings.poolSize());
        this.pool = new HikariDataSource(hikari);
        try {
            Schema.migrate(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        this.jdbi = Jdbi.create(pool);
    }

    <T> T read(HandleCallback<T, RuntimeException> work) {
        return jdbi.withHandle(work);
    }

    /**
     * Runs {@code work} in one transaction that holds SQLite's write lock from its first statement. Taking the lock
     * up front (IMMEDIATE) is what makes read-then-update atomic across processes, and it avoids the deadlock where
     * two deferred transactions both read and then both try to upgrade to write.
     * <p>We issue BEGIN/COMMIT ourselves: sqlite-jdbc's own transaction mode re-opens a transaction right after
     * every commit, which would hold the write lock until the connection is handed back.
     */
    <T> T write(HandleCallback<T, RuntimeException> work) {
        writeGate.lock();
        try {
            return jdbi.withHandle(handle -> {
                handle.execute("BEGIN IMMEDIATE");
                T result;
                try {
                    result = work.withHandle(handle);
                    handle.execute("COMMIT");
                } catch (RuntimeException | Error e) {
                    rollback(handle, e);
                    throw e;
                }
                return result;
            });
        } finally {
            writeGate.unlock();
        }
    }

    private void rollback(Handle handle, Throwable cause) {
        try {
            handle.execute("ROLLBACK");
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            // The connection may still be inside a transaction: never hand it to anyone else.
            pool.evictConnection(handle.getConnection());
        }
    }

    @Override public void close() {
        pool.close();
    }
}
