package dev.sprocket.store;

import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.port.JobStore;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The embedded {@link JobStore}: one SQLite file (WAL), safe to share between threads and between processes.
 * Every write is one {@code BEGIN IMMEDIATE} transaction, so a read-then-update (leasing) is atomic everywhere.
 * Times come from the caller and are stored as epoch milliseconds (sub-millisecond precision is dropped).
 */
public final class SqliteJobStore extends SqlJobStore {
    private static final String LEASABLE = "t.job_id = j.id AND t." + LEASABLE_STATE;
    /**
     * Highest priority, then oldest job, then lowest index, among queued tasks of active jobs the worker is not
     * blocklisted for. Written as "first job with a queued task, then its lowest queued index" so both steps are
     * index seeks: a plain join sorts all queued tasks of the job (8 ms instead of 0.1 ms with 50,000 queued).
     */
    private static final String NEXT_RUNNABLE_SQL = "SELECT j.id AS job_id,"
            + " (SELECT MIN(t.idx) FROM tasks t WHERE " + LEASABLE + ") AS idx"
            + " FROM jobs j WHERE j.state = " + Sql.literal(JobState.ACTIVE)
            + " AND EXISTS (SELECT 1 FROM tasks t WHERE " + LEASABLE + ")"
            + " AND (:only_job IS NULL OR j.id = :only_job)"
            + " AND NOT EXISTS (SELECT 1 FROM blocklist b WHERE b.job_id = j.id AND b.worker = :worker)"
            + " ORDER BY j.priority DESC, j.created_at, j.id LIMIT 1";
    private static final FastSql.Named NEXT_RUNNABLE = FastSql.Named.of(NEXT_RUNNABLE_SQL);

    /** Picks the next runnable task and leases it in one statement, returning the leased row. */
    private static final FastSql.Named LEASE_NEXT = FastSql.Named.of(TaskTransitions.leaseWhere(
            "(job_id, idx) = (" + NEXT_RUNNABLE_SQL + ")") + " RETURNING " + Rows.TASK_COLUMNS);

    private final SqliteDatabase db;

    /** Opens (creating file, parent directories and schema as needed) the database at {@code file}. */
    public SqliteJobStore(Path file) {
        this(file, SqliteSettings.defaults());
    }

    public SqliteJobStore(Path file, SqliteSettings settings) {
        this.db = new SqliteDatabase(file, settings);
    }

    @Override <T> T read(HandleCallback<T, RuntimeException> work) {
        return db.read(work);
    }

    @Override <T> T write(HandleCallback<T, RuntimeException> work) {
        return db.write(work);
    }

    /** One unit of the writer's group commit: every store call inside runs on the writer's transaction. */
    @Override public <T> T atomically(java.util.function.Supplier<T> work) {
        return db.write(h -> work.get());
    }

    /** A write transaction holds SQLite's one write lock: what it read cannot change under it. */
    @Override String lockRowsForUpdate() {
        return "";
    }

    @Override public Optional<Lease> leaseNext(String worker, Optional<String> onlyJob, Instant now, Duration ttl) {
        // Idle workers poll often: look without the write lock first, so they do not queue behind real writers.
        // Missing a task queued a moment later is the same as having asked a moment earlier.
        // (Inside an atomically() unit the write lock is already held: one look is enough.)
        if (!db.inWrite() && db.read(h -> nextRunnable(h, worker, onlyJob)).isEmpty()) return Optional.empty();
        long expires = Rows.millis(now.plus(ttl));
        return db.write(h -> {
            return FastSql.first(statements(h), LEASE_NEXT, Rows.TASK, "only_job", FastSql.text(onlyJob), "worker", worker,
                    "expires", expires, "now", Rows.millis(now)).map(task -> openAttempt(h, task, worker, now, expires));
        });
    }

    private Optional<TaskId> nextRunnable(Handle h, String worker, Optional<String> onlyJob) {
        return FastSql.first(statements(h), NEXT_RUNNABLE, (rs, ctx) -> new TaskId(rs.getString("job_id"), rs.getInt("idx")),
                "only_job", FastSql.text(onlyJob), "worker", worker);
    }

    @Override FastSql.Statements statements(Handle h) {
        return db.inWrite() ? db.writerStatements() : FastSql.perUse(h.getConnection());
    }

    @Override public void close() {
        db.close();
    }
}
