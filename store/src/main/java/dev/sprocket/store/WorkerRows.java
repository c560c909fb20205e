package dev.sprocket.store;

import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.WorkerInfo;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.Optional;

/** Maps the worker registry's rows (shared by the SQLite and PostgreSQL stores). */
final class WorkerRows {
    private WorkerRows() {}

    static final RowMapper<WorkerInfo> WORKER = (rs, ctx) -> {
        String job = rs.getString("task_job");
        int idx = rs.getInt("task_idx");
        Optional<TaskId> task = job == null ? Optional.empty() : Optional.of(new TaskId(job, idx));
        return new WorkerInfo(rs.getString("name"), Instant.ofEpochMilli(rs.getLong("first_seen")),
                Instant.ofEpochMilli(rs.getLong("last_seen")), rs.getBoolean("drain"), task);
    };
}
