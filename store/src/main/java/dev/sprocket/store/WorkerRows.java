package dev.sprocket.store;

import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.WorkerInfo;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The worker registry's SQL and row mapping (shared by the SQLite and PostgreSQL stores). */
final class WorkerRows {
    private WorkerRows() {}

    static final RowMapper<WorkerInfo> WORKER = (rs, ctx) -> {
        String job = rs.getString("task_job");
        int idx = rs.getInt("task_idx");
        Optional<TaskId> task = job == null ? Optional.empty() : Optional.of(new TaskId(job, idx));
        return new WorkerInfo(rs.getString("name"), Instant.ofEpochMilli(rs.getLong("first_seen")),
                Instant.ofEpochMilli(rs.getLong("last_seen")), rs.getBoolean("drain"), task);
    };

    /**
     * A worker and the task it holds. A worker holds at most one task at a time; should it hold several, both
     * columns come from the same (lowest) one.
     */
    private static final String SELECT;

    static {
        String held = " FROM tasks t WHERE t.worker = w.name AND t.state IN " + Sql.in(Sql.ACTIVE)
                + " ORDER BY t.job_id, t.idx LIMIT 1)";
        SELECT = "SELECT w.name, w.first_seen, w.last_seen, w.drain,"
                + " (SELECT t.job_id" + held + " AS task_job, (SELECT t.idx" + held + " AS task_idx FROM workers w";
    }

    static int touch(Handle h, String worker, Instant now) {
        return h.createUpdate("INSERT INTO workers (name, first_seen, last_seen, drain) VALUES (:name, :now, :now, FALSE)"
                        + " ON CONFLICT (name) DO UPDATE SET last_seen = :now")
                .bind("name", worker).bind("now", Rows.millis(now)).execute();
    }

    static Optional<WorkerInfo> find(Handle h, String name) {
        return h.createQuery(SELECT + " WHERE w.name = :name").bind("name", name).map(WORKER).findOne();
    }

    static List<WorkerInfo> all(Handle h) {
        return h.createQuery(SELECT + " ORDER BY w.name").map(WORKER).list();
    }

    /** Returns the rows changed (0: no such worker). */
    static int setDrain(Handle h, String worker, boolean drain) {
        return h.createUpdate("UPDATE workers SET drain = :drain WHERE name = :name")
                .bind("drain", drain).bind("name", worker).execute();
    }
}
