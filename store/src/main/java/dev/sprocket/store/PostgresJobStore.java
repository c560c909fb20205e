package dev.sprocket.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.port.JobStore;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The scale-out {@link JobStore}: one PostgreSQL database that several coordinators share. Same schema (the shared
 * Flyway migrations) and the same SQL as {@link SqliteJobStore}, except leasing: the next task is locked with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED}, so coordinators never lease one task twice and never wait for each
 * other — a task another transaction is leasing is simply passed over. Every other write is one plain
 * (READ COMMITTED) transaction; bulk transitions lock their rows first ({@code FOR UPDATE}).
 * <p>Connections are pooled with HikariCP; {@link #close()} closes the pool.
 */
public final class PostgresJobStore extends SqlJobStore {
    /**
     * More jobs than this whose every queued task is being leased by someone else at this very moment: report none
     * (the worker asks again at the next sweep) rather than walk every job.
     */
    private static final int CANDIDATE_LIMIT = 32;
    /** Active jobs with a queued task the worker may take, in dispatch order. */
    private static final FastSql.Named CANDIDATE_JOBS = FastSql.Named.of("SELECT j.id FROM jobs j WHERE j.state = " + Sql.literal(JobState.ACTIVE)
            + " AND (CAST(:only_job AS TEXT) IS NULL OR j.id = CAST(:only_job AS TEXT))"
            + " AND EXISTS (SELECT 1 FROM tasks t WHERE t.job_id = j.id AND t." + LEASABLE_STATE + ")"
            + " AND NOT EXISTS (SELECT 1 FROM blocklist b WHERE b.job_id = j.id AND b.worker = :worker)"
            + " ORDER BY j.priority DESC, j.created_at, j.id LIMIT " + CANDIDATE_LIMIT);
    /**
     * The job's lowest queued task that no other transaction holds. An index seek on tasks (job_id, state, idx);
     * a row that another transaction just leased and committed is re-checked and skipped, one it is leasing right
     * now is skipped without waiting.
     */
    private static final FastSql.Named FIRST_FREE_TASK = FastSql.Named.of("SELECT idx FROM tasks WHERE job_id = :job AND "
            + LEASABLE_STATE + " ORDER BY idx LIMIT 1 FOR UPDATE SKIP LOCKED");
    /** Deadlock and serialization failure: the transaction was rolled back and may simply run again. */
    private static final Set<String> RETRYABLE = Set.of("40P01", "40001");
    private static final int TRIES = 3;

    private final HikariDataSource pool;
    private final Jdbi jdbi;

    /** Connects to {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db}, credentials in it if any). */
    public PostgresJobStore(String jdbcUrl) {
        this(jdbcUrl, null, null, PostgresSettings.defaults());
    }

    public PostgresJobStore(String jdbcUrl, String user, String password) {
        this(jdbcUrl, user, password, PostgresSettings.defaults());
    }

    /**
     * Connects, creates or upgrades the schema (Flyway; safe when several coordinators start at once), and pools
     * {@code settings.poolSize()} connections.
     *
     * @throws IllegalStateException when the database cannot be reached or migrated; the message says which
     */
    public PostgresJobStore(String jdbcUrl, String user, String password, PostgresSettings settings) {
        this(config(settings, redact(jdbcUrl), c -> {
            c.setJdbcUrl(jdbcUrl);
            if (user != null) c.setUsername(user);
            if (password != null) c.setPassword(password);
        }));
    }

    /** Pools connections of {@code dataSource} (give it a plain, unpooled one, e.g. {@code PGSimpleDataSource}). */
    public PostgresJobStore(DataSource dataSource) {
        this(dataSource, PostgresSettings.defaults());
    }

    public PostgresJobStore(DataSource dataSource, PostgresSettings settings) {
        this(config(settings, "the given " + dataSource.getClass().getSimpleName(), c -> c.setDataSource(dataSource)));
    }

    private record Target(HikariConfig config, String where) {}

    private static Target config(PostgresSettings settings, String where, java.util.function.Consumer<HikariConfig> source) {
        HikariConfig c = new HikariConfig();
        source.accept(c);
        c.setPoolName("sprocket-postgres");
        c.setMaximumPoolSize(settings.poolSize());
        c.setConnectionTimeout(settings.connectionTimeout().toMillis());
        return new Target(c, where);
    }

    private PostgresJobStore(Target target) {
        try {
            this.pool = new HikariDataSource(target.config());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to PostgreSQL at " + target.where() + ": " + rootMessage(e), e);
        }
        try {
            Schema.migrate(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw new IllegalStateException("cannot create or upgrade the job store schema in PostgreSQL at "
                    + target.where() + ": " + rootMessage(e), e);
        }
        this.jdbi = Jdbi.create(pool);
    }

    /** The URL without its query (which may hold a password). */
    private static String redact(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /** The transaction of the {@link #atomically} unit running on this thread, if any. */
    private final ThreadLocal<org.jdbi.v3.core.Handle> unit = new ThreadLocal<>();

    @Override <T> T read(HandleCallback<T, RuntimeException> work) {
        org.jdbi.v3.core.Handle open = unit.get();
        return open != null ? work.withHandle(open) : jdbi.withHandle(work);
    }

    @Override public <T> T atomically(java.util.function.Supplier<T> work) {
        if (unit.get() != null) return work.get();
        return write(h -> {
            unit.set(h);
            try {
                return work.get();
            } finally {
                unit.remove();
            }
        });
    }

    @Override <T> T write(HandleCallback<T, RuntimeException> work) {
        org.jdbi.v3.core.Handle open = unit.get();
        if (open != null) return work.withHandle(open); // part of the atomically() unit: it commits or retries as one
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(work);
            } catch (RuntimeException e) { // JdbiException, or FastSql's wrapper of an SQLException
                if (attempt >= TRIES || !retryable(e)) throw e;
            }
        }
    }

    private static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && RETRYABLE.contains(sql.getSQLState())) return true;
        }
        return false;
    }

    /** pgjdbc keeps server-side prepared statements per connection itself; closing ours does not lose them. */
    @Override FastSql.Statements statements(org.jdbi.v3.core.Handle h) {
        return FastSql.perUse(h.getConnection());
    }

    @Override String lockRowsForUpdate() {
        return " FOR UPDATE";
    }

    @Override public Optional<Lease> leaseNext(String worker, Optional<String> onlyJob, Instant now, Duration ttl) {
        return write(h -> {
            FastSql.Statements st = statements(h);
            List<String> jobs = FastSql.list(st, CANDIDATE_JOBS, (rs, ctx) -> rs.getString(1),
                    "only_job", FastSql.text(onlyJob), "worker", worker);
            for (String job : jobs) {
                Optional<Integer> idx = FastSql.first(st, FIRST_FREE_TASK, (rs, ctx) -> rs.getInt(1), "job", job);
                if (idx.isPresent()) return Optional.of(leaseTask(h, new TaskId(job, idx.get()), worker, now, ttl));
            }
            return Optional.empty();
        });
    }

    @Override public void close() {
        pool.close();
    }
}
