package dev.sprocket.store;

import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Column lists and row mappers for the job store tables; the one place that knows both shapes. */
final class Rows {
    static final String JOB_COLUMNS = "id, name, manifest_key, scene, frames, chunk, priority, state, created_at,"
            + " samples, resolution_percent, engine, output_format, motion_blur, disable_denoising, allow_python";
    static final String TASK_COLUMNS =
            "job_id, idx, frames, state, token, failures, worker, lease_expires_at, progress";
    static final String ATTEMPT_COLUMNS = "job_id, idx, token, worker, started_at, ended_at, outcome, message,"
            + " log_key, blender_version, peak_memory, render_seconds";
    static final String OUTPUT_COLUMNS = "frame, name, blob_key, sha256, size";

    static final RowMapper<Job> JOB = (rs, ctx) -> new Job(
            rs.getString("id"),
            rs.getString("name"),
            rs.getString("manifest_key"),
            rs.getString("scene"),
            FrameSpec.parse(rs.getString("frames")),
            rs.getInt("chunk"),
            new RenderSettings(
                    optInt(rs, "samples"),
                    optInt(rs, "resolution_percent"),
                    Optional.ofNullable(rs.getString("engine")),
                    OutputFormat.valueOf(rs.getString("output_format")),
                    optBoolean(rs, "motion_blur"),
                    rs.getBoolean("disable_denoising"),
                    rs.getBoolean("allow_python")),
            rs.getInt("priority"),
            JobState.valueOf(rs.getString("state")),
            Instant.ofEpochMilli(rs.getLong("created_at")));

    static final RowMapper<Task> TASK = (rs, ctx) -> new Task(
            new TaskId(rs.getString("job_id"), rs.getInt("idx")),
            FrameListCodec.decode(rs.getString("frames")),
            TaskState.valueOf(rs.getString("state")),
            rs.getLong("token"),
            rs.getInt("failures"),
            Optional.ofNullable(rs.getString("worker")),
            optLong(rs, "lease_expires_at").map(Instant::ofEpochMilli),
            Optional.ofNullable(rs.getString("progress")));

    static final RowMapper<Attempt> ATTEMPT = (rs, ctx) -> new Attempt(
            new TaskId(rs.getString("job_id"), rs.getInt("idx")),
            rs.getLong("token"),
            rs.getString("worker"),
            Instant.ofEpochMilli(rs.getLong("started_at")),
            optLong(rs, "ended_at").map(Instant::ofEpochMilli),
            AttemptOutcome.valueOf(rs.getString("outcome")),
            Optional.ofNullable(rs.getString("message")),
            Optional.ofNullable(rs.getString("log_key")),
            Optional.ofNullable(rs.getString("blender_version")),
            optLong(rs, "peak_memory"),
            optDouble(rs, "render_seconds"));

    static final RowMapper<OutputFile> OUTPUT = (rs, ctx) -> new OutputFile(
            rs.getInt("frame"),
            rs.getString("name"),
            rs.getString("blob_key"),
            rs.getString("sha256"),
            rs.getLong("size"));

    private Rows() {}

    /** Instants are stored as epoch milliseconds; finer precision is dropped. */
    static long millis(Instant instant) {
        return instant.toEpochMilli();
    }

    private static Optional<Integer> optInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static Optional<Long> optLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static Optional<Double> optDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static Optional<Boolean> optBoolean(ResultSet rs, String column) throws SQLException {
        boolean v = rs.getBoolean(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
