package dev.sprocket.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One SQLite file: a connection pool for reads, with the pragmas every connection needs, the schema, and two ways
 * in — {@link #read} (autocommit, concurrent) and {@link #write} (handed to the one {@link GroupCommitWriter}, which
 * commits whatever writes are waiting together).
 */
final class SqliteDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final GroupCommitWriter writer;
    private final ScheduledExecutorService checkpoints;

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
        // The default 2 MB page cache holds a small part of a farm's task table and its indexes: every lease and
        // completion then re-read B-tree pages from the file, which was most of the writer's time.
        config.setCacheSize(-settings.cacheKib());
        // Checkpoints (copying the WAL back into the database file, with its fsyncs) run on their own thread, not
        // inside whichever commit crossed the WAL size limit: that commit's callers would wait for the disk.
        config.setWalAutocheckpoint(0);
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
        // The writer's connection is its own (not pooled: the pool would close its cached statements on return).
        Jdbi writerJdbi = Jdbi.create(sqlite);
        writerJdbi.setStatementBuilderFactory(c -> new CachingStatementBuilder());
        this.writer = new GroupCommitWriter("sprocket-sqlite-writer " + absolute.getFileName(), writerJdbi::open);
        this.checkpoints = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("sprocket-sqlite-checkpoint " + absolute.getFileName()).unstarted(r));
        long every = settings.checkpointEvery().toMillis();
        checkpoints.scheduleWithFixedDelay(this::checkpoint, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Copies what the WAL holds into the database file, as far as no reader still needs it (PASSIVE: it never
     * blocks the writer or a reader). Once a checkpoint caught up, the next commit starts the WAL over.
     */
    private void checkpoint() {
        try {
            jdbi.withHandle(h -> h.createQuery("PRAGMA wal_checkpoint(PASSIVE)").mapToMap().list());
        } catch (RuntimeException e) {
            log.warn("SQLite checkpoint failed; trying again shortly: {}", e.toString());
        }
    }

    /**
     * Runs {@code work} outside any transaction (one-statement reads see the last commit). On the writer thread —
     * a read inside a write — it runs on the writer's connection, so it sees the unit's own changes.
     */
    <T> T read(HandleCallback<T, RuntimeException> work) {
        if (writer.onWriterThread()) return work.withHandle(writer.handle());
        return jdbi.withHandle(work);
    }

    /** The writer's statements, kept prepared; only inside {@link #write}'s work. */
    FastSql.Statements writerStatements() {
        return writer.statements();
    }

    /** True inside {@link #write}'s work, where reads already hold the write lock. */
    boolean inWrite() {
        return writer.onWriterThread();
    }

    /**
     * Runs {@code work} as one atomic unit of a write transaction that holds SQLite's write lock from its first
     * statement (IMMEDIATE), which is what makes read-then-update atomic across processes too. Returns once it
     * committed; on an exception nothing of it is kept.
     */
    <T> T write(HandleCallback<T, RuntimeException> work) {
        return writer.write(work);
    }

    @Override public void close() {
        checkpoints.shutdownNow();
        try {
            checkpoints.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        checkpoint();
        pool.close();
    }
}
