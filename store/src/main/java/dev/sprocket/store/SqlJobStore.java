package dev.sprocket.store;

import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobProgress;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskEvent;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.domain.WorkerInfo;
import dev.sprocket.core.port.JobStore;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@link JobStore} in SQL that SQLite and PostgreSQL both run: everything but how a transaction is opened and
 * how the next task is picked for leasing (a whole-database write lock in SQLite, row locks with
 * {@code SKIP LOCKED} in PostgreSQL). Times are epoch milliseconds (sub-millisecond precision is dropped).
 */
abstract sealed class SqlJobStore implements JobStore permits SqliteJobStore, PostgresJobStore {
    private static final FastSql.Named LEASE = FastSql.Named.of(TaskTransitions.lease());
    private static final Map<TaskEvent, FastSql.Named> FENCED = new EnumMap<>(TaskEvent.class);
    private static final Map<TaskEvent, String> UNFENCED = new EnumMap<>(TaskEvent.class);
    private static final Map<TaskEvent, FastSql.Named> UNFENCED_FAST = new EnumMap<>(TaskEvent.class);

    static {
        for (TaskEvent event : TaskEvent.values()) {
            if (event == TaskEvent.LEASE || TaskTransitions.moves(event).isEmpty()) continue;
            FENCED.put(event, FastSql.Named.of(TaskTransitions.update(event, true)));
            UNFENCED.put(event, TaskTransitions.update(event, false));
            UNFENCED_FAST.put(event, FastSql.Named.of(UNFENCED.get(event)));
        }
    }

    // The hot path's statements (plain JDBC, see FastSql).
    private static final FastSql.Named FIND_TASK = FastSql.Named.of("SELECT " + Rows.TASK_COLUMNS
            + " FROM tasks WHERE job_id = :job AND idx = :idx");
    private static final FastSql.Named OPEN_ATTEMPT = FastSql.Named.of("INSERT INTO attempts"
            + " (job_id, idx, token, worker, started_at, outcome) VALUES (:job, :idx, :token, :worker, :now, :outcome)");
    private static final FastSql.Named CLOSE_ATTEMPT = FastSql.Named.of("UPDATE attempts SET outcome = :outcome,"
            + " ended_at = :now, message = :message, log_key = :logKey, blender_version = :blenderVersion,"
            + " peak_memory = :peakMemory, render_seconds = :renderSeconds"
            + " WHERE job_id = :job AND idx = :idx AND token = :token AND ended_at IS NULL");
    private static final FastSql.Named DELETE_OUTPUTS = FastSql.Named.of("DELETE FROM outputs WHERE job_id = :job AND idx = :idx");
    private static final FastSql.Named INSERT_OUTPUT = FastSql.Named.of("INSERT INTO outputs (job_id, idx, "
            + Rows.OUTPUT_COLUMNS + ") VALUES (:job, :idx, :frame, :name, :key, :sha256, :size)");
    private static final FastSql.Named RENEW = FastSql.Named.of("UPDATE tasks SET lease_expires_at = :expires,"
            // progress_at moves only when the progress text changes: that is how a hung Blender shows
            // (CAST: PostgreSQL must know the parameter's type even when it is bound as NULL)
            + " progress_at = CASE WHEN CAST(:progress AS TEXT) IS NOT NULL"
            + " AND (progress IS NULL OR progress <> CAST(:progress AS TEXT)) THEN :now ELSE progress_at END,"
            + " progress = COALESCE(CAST(:progress AS TEXT), progress), updated_at = :now"
            + " WHERE job_id = :job AND idx = :idx AND token = :token AND state IN " + Sql.in(Sql.ACTIVE));

    /** {@code t.state IN (...)} for the states LEASE starts from. */
    static final String LEASABLE_STATE = "state IN " + Sql.in(TaskTransitions.sources(TaskEvent.LEASE));

    /**
     * Statements for the hot path on {@code h}'s connection: kept prepared where the connection is long-lived and
     * used by one thread (SQLite's writer), else prepared and closed per use.
     */
    abstract FastSql.Statements statements(Handle h);

    /** Runs {@code work} with a connection outside any transaction the store opens itself (one-statement reads). */
    abstract <T> T read(HandleCallback<T, RuntimeException> work);

    /** Runs {@code work} in one transaction: all of it commits, or (on an exception) none of it. */
    abstract <T> T write(HandleCallback<T, RuntimeException> work);

    /**
     * Appended to the SELECT of the rows a bulk transition is about to change, so that a row changed meanwhile by
     * another transaction is seen as it is now: {@code " FOR UPDATE"} where the database has row locks, empty
     * where a write transaction already excludes every other writer (SQLite).
     */
    abstract String lockRowsForUpdate();

    // ---- create and read

    @Override public void create(Job job, List<List<Integer>> chunks) {
        List<String> frames = chunks.stream().map(FrameListCodec::encode).toList(); // validate before writing
        write(h -> {
            if (insertJob(h, job) == 0) throw new IllegalArgumentException("job " + job.id() + " already exists");
            PreparedBatch batch = h.prepareBatch("INSERT INTO tasks (job_id, idx, frames, frame_count, state, token,"
                    + " failures, updated_at) VALUES (:job, :idx, :frames, :count, :state, 0, 0, :now)");
            for (int i = 0; i < chunks.size(); i++) {
                batch.bind("job", job.id()).bind("idx", i).bind("frames", frames.get(i))
                        .bind("count", chunks.get(i).size()).bind("state", TaskState.QUEUED.name())
                        .bind("now", Rows.millis(job.createdAt())).add();
            }
            if (!chunks.isEmpty()) batch.execute();
            return null;
        });
    }

    /** Inserts the job unless one with its id exists (even one committed a moment ago by another process): 1 or 0. */
    private static int insertJob(Handle h, Job job) {
        RenderSettings s = job.settings();
        return h.createUpdate("INSERT INTO jobs (" + Rows.JOB_COLUMNS + ") VALUES (:id, :name, :manifestKey, :scene, :frames,"
                        + " :chunk, :priority, :state, :createdAt, :samples, :resolutionPercent, :engine, :outputFormat,"
                        + " :motionBlur, :disableDenoising, :allowPython) ON CONFLICT (id) DO NOTHING")
                .bind("id", job.id()).bind("name", job.name()).bind("manifestKey", job.manifestKey())
                .bind("scene", job.scene()).bind("frames", job.frames().text()).bind("chunk", job.chunk())
                .bind("priority", job.priority()).bind("state", job.state().name())
                .bind("createdAt", Rows.millis(job.createdAt()))
                .bind("samples", s.samples().orElse(null))
                .bind("resolutionPercent", s.resolutionPercent().orElse(null))
                .bind("engine", s.engine().orElse(null))
                .bind("outputFormat", s.outputFormat().name())
                .bind("motionBlur", s.motionBlur().orElse(null))
                .bind("disableDenoising", s.disableDenoising())
                .bind("allowPython", s.allowPython())
                .execute();
    }

    @Override public Optional<Job> job(String jobId) {
        return read(h -> findJob(h, jobId));
    }

    static Optional<Job> findJob(Handle h, String jobId) {
        return h.createQuery("SELECT " + Rows.JOB_COLUMNS + " FROM jobs WHERE id = :id")
                .bind("id", jobId).map(Rows.JOB).findOne();
    }

    @Override public List<Job> jobs() {
        return read(h -> h.createQuery("SELECT " + Rows.JOB_COLUMNS + " FROM jobs ORDER BY created_at DESC, id DESC")
                .map(Rows.JOB).list());
    }

    @Override public List<Task> tasks(String jobId) {
        return read(h -> h.createQuery("SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE job_id = :job ORDER BY idx")
                .bind("job", jobId).map(Rows.TASK).list());
    }

    @Override public Optional<Task> task(TaskId id) {
        return read(h -> findTask(h, id));
    }

    static Optional<Task> findTask(Handle h, TaskId id) {
        return h.createQuery("SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE job_id = :job AND idx = :idx")
                .bind("job", id.jobId()).bind("idx", id.index()).map(Rows.TASK).findOne();
    }

    /** Counts every state (zero when none), so callers need no defaults. An unknown job has no tasks. */
    private static final Set<TaskState> OPEN = EnumSet.of(TaskState.QUEUED, TaskState.LEASED, TaskState.RUNNING, TaskState.PAUSED);

    @Override public List<String> activeJobsWithoutOpenTasks() {
        // Runs every sweep: seeks ACTIVE jobs by the jobs_dispatch index instead of reading every job ever submitted.
        return read(h -> h.createQuery("SELECT j.id FROM jobs j WHERE j.state = " + Sql.literal(JobState.ACTIVE)
                        + " AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.job_id = j.id AND t.state IN " + Sql.in(OPEN) + ")")
                .mapTo(String.class).list());
    }

    private static final FastSql.Named HAS_OPEN = FastSql.Named.of("SELECT EXISTS (SELECT 1 FROM tasks WHERE job_id = :job"
            + " AND state IN " + Sql.in(OPEN) + ")");

    @Override public boolean hasOpenTasks(String jobId) {
        return read(h -> FastSql.first(statements(h), HAS_OPEN, (rs, ctx) -> rs.getBoolean(1), "job", jobId).orElse(false));
    }

    @Override public JobProgress progress(String jobId) {
        record Row(TaskState state, int tasks, int frames) {}
        List<Row> rows = read(h -> h.createQuery("SELECT state, COUNT(*) AS tasks, SUM(frame_count) AS frames"
                        + " FROM tasks WHERE job_id = :job GROUP BY state")
                .bind("job", jobId)
                .map((rs, ctx) -> new Row(TaskState.valueOf(rs.getString("state")), rs.getInt("tasks"), rs.getInt("frames")))
                .list());
        Map<TaskState, Integer> tasks = new EnumMap<>(TaskState.class);
        for (TaskState s : TaskState.values()) tasks.put(s, 0);
        int framesTotal = 0;
        int framesDone = 0;
        for (Row row : rows) {
            tasks.put(row.state(), row.tasks());
            framesTotal += row.frames();
            if (row.state() == TaskState.DONE) framesDone += row.frames();
        }
        return new JobProgress(tasks, framesTotal, framesDone);
    }

    @Override public List<Attempt> attempts(TaskId id) {
        return read(h -> h.createQuery("SELECT " + Rows.ATTEMPT_COLUMNS + " FROM attempts"
                        + " WHERE job_id = :job AND idx = :idx ORDER BY token")
                .bind("job", id.jobId()).bind("idx", id.index()).map(Rows.ATTEMPT).list());
    }

    @Override public List<OutputFile> outputs(String jobId) {
        return read(h -> h.createQuery("SELECT o.frame, o.name, o.blob_key, o.sha256, o.size FROM outputs o"
                        + " JOIN tasks t ON t.job_id = o.job_id AND t.idx = o.idx"
                        + " WHERE o.job_id = :job AND t.state = " + Sql.literal(TaskState.DONE)
                        + " ORDER BY o.frame, o.name")
                .bind("job", jobId).map(Rows.OUTPUT).list());
    }

    /** @throws IllegalArgumentException when there is no such job */
    @Override public void setJobState(String jobId, JobState state) {
        int changed = write(h -> h.createUpdate("UPDATE jobs SET state = :state WHERE id = :id")
                .bind("state", state.name()).bind("id", jobId).execute());
        if (changed == 0) throw new IllegalArgumentException("unknown job " + jobId);
    }

    // ---- leasing

    /**
     * Applies LEASE to a task the caller has found leasable and that no other transaction can lease meanwhile
     * (SQLite: the write lock; PostgreSQL: a row lock), and opens its RUNNING attempt.
     */
    /**
     * Jobs as last read for a lease, by id. A lease carries its job, and reading (and mapping) the job row on every
     * lease was a large share of dispatch time. The job is ACTIVE whenever it is leased (the lease query checks the
     * row), so only its priority can be stale here, which a worker does not use.
     */
    private final Map<String, Job> leaseJobs = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Job> e) { return size() > 256; }
    });

    Lease leaseTask(Handle h, TaskId id, String worker, Instant now, Duration ttl) {
        long expires = Rows.millis(now.plus(ttl));
        FastSql.Statements st = statements(h);
        long nowMs = Rows.millis(now);
        int changed = FastSql.update(st, LEASE, "job", id.jobId(), "idx", id.index(), "worker", worker,
                "expires", expires, "now", nowMs);
        if (changed != 1) {
            throw new IllegalStateException("task " + id + " changed while this transaction held it locked");
        }
        return openAttempt(h, fastFindTask(st, id).orElseThrow(), worker, now, expires);
    }

    /** Writes the RUNNING attempt of a task just leased (its new token) and makes its {@link Lease}. */
    Lease openAttempt(Handle h, Task task, String worker, Instant now, long expires) {
        TaskId id = task.id();
        FastSql.update(statements(h), OPEN_ATTEMPT, "job", id.jobId(), "idx", id.index(), "token", task.token(),
                "worker", worker, "now", Rows.millis(now), "outcome", AttemptOutcome.RUNNING.name());
        Job job = leaseJobs.get(id.jobId());
        if (job == null || job.state() != JobState.ACTIVE) {
            job = findJob(h, id.jobId()).orElseThrow();
            leaseJobs.put(id.jobId(), job);
        }
        return new Lease(job, task, worker, task.token(), Instant.ofEpochMilli(expires));
    }

    @Override public Optional<Instant> renew(TaskId id, long token, Instant now, Duration ttl, Optional<String> progress) {
        long expires = Rows.millis(now.plus(ttl));
        int changed = write(h -> FastSql.update(statements(h), RENEW, "expires", expires, "progress", FastSql.text(progress),
                "now", Rows.millis(now), "job", id.jobId(), "idx", id.index(), "token", token));
        return changed == 1 ? Optional.of(Instant.ofEpochMilli(expires)) : Optional.empty();
    }

    // ---- transitions

    /**
     * See {@link JobStore#transition}. The attempt closed is the one of {@code token}, or of the task's current
     * token when none is given, and only if it is still open (a user's CANCEL of a queued task leaves the last,
     * already closed attempt as it was).
     *
     * @throws IllegalArgumentException for {@link TaskEvent#LEASE}, which needs a worker and an expiry: use
     *                                  {@link #leaseNext}
     */
    @Override public boolean transition(TaskId id, Optional<Long> token, TaskEvent event, Optional<AttemptOutcome> outcome,
                                        AttemptReport report, List<OutputFile> outputs, Instant now) {
        if (event == TaskEvent.LEASE) throw new IllegalArgumentException("LEASE is applied by leaseNext, not transition");
        FastSql.Named sql = (token.isPresent() ? FENCED : UNFENCED_FAST).get(event);
        if (sql == null) return false; // no state allows this event
        return write(h -> {
            FastSql.Statements st = statements(h);
            if (FastSql.update(st, sql, "job", id.jobId(), "idx", id.index(), "now", Rows.millis(now),
                    "token", token.orElse(0L)) != 1) {
                return false;
            }
            long attemptToken = token.orElseGet(() -> fastFindTask(st, id).orElseThrow().token());
            if (event == TaskEvent.COMPLETE) insertOutputs(st, id, outputs);
            if (event == TaskEvent.RETRY) FastSql.update(st, DELETE_OUTPUTS, "job", id.jobId(), "idx", id.index());
            outcome.ifPresent(o -> closeAttempt(st, id, attemptToken, o, report, now));
            return true;
        });
    }

    /**
     * See {@link JobStore#transitionAll}. One transaction; tasks are changed in index order. The attempts of tasks
     * that were held are closed STOPPED with the message "stopped: task {new state}" (a user's action, or the
     * dispatcher stopping a failing job).
     */
    @Override public List<TaskId> transitionAll(String jobId, TaskEvent event, Set<TaskState> from,
                                                Optional<Set<Integer>> frames, Instant now) {
        String sql = UNFENCED.get(event);
        if (sql == null) return List.of();
        Set<TaskState> states = EnumSet.noneOf(TaskState.class);
        states.addAll(from);
        states.retainAll(TaskTransitions.sources(event));
        if (states.isEmpty()) return List.of();
        return write(h -> {
            List<Task> candidates = h.createQuery("SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE job_id = :job"
                            + " AND state IN " + Sql.in(states) + " ORDER BY idx" + lockRowsForUpdate())
                    .bind("job", jobId).map(Rows.TASK).list();
            List<TaskId> changed = new ArrayList<>();
            for (Task t : candidates) {
                if (frames.isPresent() && t.frames().stream().noneMatch(frames.get()::contains)) continue;
                if (h.createUpdate(sql).bind("job", jobId).bind("idx", t.id().index()).bind("now", Rows.millis(now)).execute() != 1) {
                    continue;
                }
                if (t.state().active()) {
                    closeAttempt(h, t.id(), t.token(), AttemptOutcome.STOPPED,
                            AttemptReport.message("stopped: task " + TaskTransitions.moves(event).get(t.state()).name().toLowerCase()), now);
                }
                if (event == TaskEvent.RETRY) deleteOutputs(h, t.id());
                changed.add(t.id());
            }
            return changed;
        });
    }

    private void deleteOutputs(Handle h, TaskId id) {
        FastSql.update(statements(h), DELETE_OUTPUTS, "job", id.jobId(), "idx", id.index());
    }

    /**
     * A task has outputs only while DONE (COMPLETE writes them, RETRY — the only way out of DONE — drops them), so a
     * completing task has none to replace.
     */
    private static void insertOutputs(FastSql.Statements st, TaskId id, List<OutputFile> outputs) {
        for (OutputFile o : outputs) {
            FastSql.update(st, INSERT_OUTPUT, "job", id.jobId(), "idx", id.index(), "frame", o.frame(), "name", o.name(),
                    "key", o.key(), "sha256", o.sha256(), "size", o.size());
        }
    }

    static Optional<Task> fastFindTask(FastSql.Statements st, TaskId id) {
        return FastSql.first(st, FIND_TASK, Rows.TASK, "job", id.jobId(), "idx", id.index());
    }

    private void closeAttempt(Handle h, TaskId id, long token, AttemptOutcome outcome, AttemptReport report, Instant now) {
        closeAttempt(statements(h), id, token, outcome, report, now);
    }

    private static void closeAttempt(FastSql.Statements st, TaskId id, long token, AttemptOutcome outcome,
                                     AttemptReport report, Instant now) {
        FastSql.update(st, CLOSE_ATTEMPT, "outcome", outcome.name(), "now", Rows.millis(now),
                "message", FastSql.text(report.message()), "logKey", FastSql.text(report.logKey()),
                "blenderVersion", FastSql.text(report.blenderVersion()),
                "peakMemory", FastSql.bigint(report.peakMemoryBytes()),
                "renderSeconds", FastSql.dbl(report.renderSeconds()),
                "job", id.jobId(), "idx", id.index(), "token", token);
    }

    // ---- expiry, hung tasks, restart

    @Override public List<Task> expired(Instant now) {
        return read(h -> h.createQuery("SELECT " + Rows.TASK_COLUMNS + " FROM tasks"
                        + " WHERE state IN " + Sql.in(Sql.ACTIVE) + " AND lease_expires_at < :now"
                        + " ORDER BY lease_expires_at, job_id, idx")
                .bind("now", Rows.millis(now)).map(Rows.TASK).list());
    }

    @Override public Optional<Instant> nextExpiry() {
        List<Long> min = read(h -> h.createQuery("SELECT MIN(lease_expires_at) FROM tasks"
                        + " WHERE lease_expires_at IS NOT NULL AND state IN " + Sql.in(Sql.ACTIVE))
                .map((rs, ctx) -> {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? null : v;
                }).list());
        return min.isEmpty() || min.get(0) == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(min.get(0)));
    }

    /**
     * Held tasks whose progress text last changed, or that were leased (LEASE sets progress_at), before
     * {@code before}; by job and index. Runs every sweep, so it reads only held tasks (the partial index on worker:
     * held ⇔ worker set) and sorts those few here — an ORDER BY in SQL makes SQLite walk every task instead.
     */
    @Override public List<Task> stalled(Instant before) {
        List<Task> stalled = read(h -> h.createQuery("SELECT " + Rows.TASK_COLUMNS + " FROM tasks"
                        + " WHERE worker IS NOT NULL AND state IN " + Sql.in(Sql.ACTIVE)
                        + " AND COALESCE(progress_at, updated_at) < :before")
                .bind("before", Rows.millis(before)).map(Rows.TASK).list());
        return stalled.stream().sorted(BY_ID).toList();
    }

    private static final Comparator<Task> BY_ID =
            Comparator.comparing((Task t) -> t.id().jobId()).thenComparingInt(t -> t.id().index());

    @Override public int extendActiveLeases(Instant until) {
        return write(h -> h.createUpdate("UPDATE tasks SET lease_expires_at = :until"
                        + " WHERE state IN " + Sql.in(Sql.ACTIVE) + " AND lease_expires_at < :until")
                .bind("until", Rows.millis(until)).execute());
    }

    // ---- jobs: priority, blocklist

    /** @throws IllegalArgumentException when there is no such job */
    @Override public void setPriority(String jobId, int priority) {
        int changed = write(h -> h.createUpdate("UPDATE jobs SET priority = :p WHERE id = :id")
                .bind("p", priority).bind("id", jobId).execute());
        if (changed == 0) throw new IllegalArgumentException("unknown job " + jobId);
    }

    /** Idempotent. @throws IllegalArgumentException when there is no such job */
    @Override public void blocklist(String jobId, String worker) {
        write(h -> {
            if (findJob(h, jobId).isEmpty()) throw new IllegalArgumentException("unknown job " + jobId);
            return h.createUpdate("INSERT INTO blocklist (job_id, worker) VALUES (:job, :worker) ON CONFLICT DO NOTHING")
                    .bind("job", jobId).bind("worker", worker).execute();
        });
    }

    @Override public Set<String> blocklisted(String jobId) {
        List<String> workers = read(h -> h.createQuery("SELECT worker FROM blocklist WHERE job_id = :job")
                .bind("job", jobId).mapTo(String.class).list());
        return new TreeSet<>(workers);
    }

    @Override public int renderFailures(String jobId, String worker) {
        return read(h -> h.createQuery("SELECT COUNT(DISTINCT idx) FROM attempts WHERE job_id = :job AND worker = :worker"
                        + " AND outcome IN " + Sql.in(EnumSet.of(AttemptOutcome.FAILED, AttemptOutcome.CRASHED)))
                .bind("job", jobId).bind("worker", worker).mapTo(Integer.class).one());
    }

    // ---- workers (SQL in WorkerRows)

    @Override public void touchWorker(String worker, Instant now) { write(h -> WorkerRows.touch(h, worker, now)); }

    @Override public Optional<WorkerInfo> worker(String name) { return read(h -> WorkerRows.find(h, name)); }

    @Override public List<WorkerInfo> workers() { return read(WorkerRows::all); }

    @Override public Set<String> drainingWorkers() {
        List<String> names = read(h -> h.createQuery("SELECT name FROM workers WHERE drain").mapTo(String.class).list());
        return new TreeSet<>(names);
    }

    /** @throws IllegalArgumentException when the worker never registered */
    @Override public void setDrain(String worker, boolean drain) {
        if (write(h -> WorkerRows.setDrain(h, worker, drain)) == 0) throw new IllegalArgumentException("unknown worker " + worker);
    }
}
