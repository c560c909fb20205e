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
import org.jdbi.v3.core.statement.PreparedBatch;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded {@link JobStore}: one SQLite file (WAL), safe to share between threads and between processes.
 * Every write is one {@code BEGIN IMMEDIATE} transaction, so a read-then-update (leasing) is atomic everywhere.
 * Times come from the caller and are stored as epoch milliseconds (sub-millisecond precision is dropped).
 */
public final class SqliteJobStore implements JobStore {
    private static final String LEASE = TaskTransitions.lease();
    private static final Map<TaskEvent, String> FENCED = new EnumMap<>(TaskEvent.class);
    private static final Map<TaskEvent, String> UNFENCED = new EnumMap<>(TaskEvent.class);

    static {
        for (TaskEvent event : TaskEvent.values()) {
            if (event == TaskEvent.LEASE || TaskTransitions.moves(event).isEmpty()) continue;
            FENCED.put(event, TaskTransitions.update(event, true));
            UNFENCED.put(event, TaskTransitions.update(event, false));
        }
    }

    private static final String LEASABLE = "t.job_id = j.id AND t.state IN " + Sql.in(TaskTransitions.sources(TaskEvent.LEASE));
    /**
     * Highest priority, then oldest job, then lowest index, among queued tasks of active jobs. Written as "first
     * job with a queued task, then its lowest queued index" so both steps are index seeks: a plain join sorts all
     * queued tasks of the job (8 ms instead of 0.1 ms with 50,000 queued).
     */
    private static final String NEXT_RUNNABLE = "SELECT j.id AS job_id,"
            + " (SELECT MIN(t.idx) FROM tasks t WHERE " + LEASABLE + ") AS idx"
            + " FROM jobs j WHERE j.state = " + Sql.literal(JobState.ACTIVE)
            + " AND EXISTS (SELECT 1 FROM tasks t WHERE " + LEASABLE + ")"
            + " AND (:only_job IS NULL OR j.id = :only_job)"
            + " AND NOT EXISTS (SELECT 1 FROM blocklist b WHERE b.job_id = j.id AND b.worker = :worker)"
            + " ORDER BY j.priority DESC, j.created_at, j.id LIMIT 1";

    private final SqliteDatabase db;

    /** Opens (creating file, parent directories and schema as needed) the database at {@code file}. */
    public SqliteJobStore(Path file) {
        this(file, SqliteSettings.defaults());
    }

    public SqliteJobStore(Path file, SqliteSettings settings) {
        this.db = new SqliteDatabase(file, settings);
    }

    @Override public void create(Job job, List<List<Integer>> chunks) {
        List<String> frames = chunks.stream().map(FrameListCodec::encode).toList(); // validate before writing
        db.write(h -> {
            if (h.createQuery("SELECT 1 FROM jobs WHERE id = :id").bind("id", job.id()).mapTo(Integer.class).findOne().isPresent()) {
                throw new IllegalArgumentException("job " + job.id() + " already exists");
            }
            insertJob(h, job);
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

    private static void insertJob(Handle h, Job job) {
        RenderSettings s = job.settings();
        h.createUpdate("INSERT INTO jobs (" + Rows.JOB_COLUMNS + ") VALUES (:id, :name, :manifestKey, :scene, :frames,"
                        + " :chunk, :priority, :state, :createdAt, :samples, :resolutionPercent, :engine, :outputFormat,"
                        + " :motionBlur, :disableDenoising, :allowPython)")
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
        return db.read(h -> findJob(h, jobId));
    }

    private static Optional<Job> findJob(Handle h, String jobId) {
        return h.createQuery("SELECT " + Rows.JOB_COLUMNS + " FROM jobs WHERE id = :id")
                .bind("id", jobId).map(Rows.JOB).findOne();
    }

    @Override public List<Job> jobs() {
        return db.read(h -> h.createQuery("SELECT " + Rows.JOB_COLUMNS + " FROM jobs ORDER BY created_at DESC, id DESC")
                .map(Rows.JOB).list());
    }

    @Override public List<Task> tasks(String jobId) {
        return db.read(h -> h.createQuery("SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE job_id = :job ORDER BY idx")
                .bind("job", jobId).map(Rows.TASK).list());
    }

    @Override public Optional<Task> task(TaskId id) {
        return db.read(h -> findTask(h, id));
    }

    private static Optional<Task> findTask(Handle h, TaskId id) {
        return h.createQuery("SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE job_id = :job AND idx = :idx")
                .bind("job", id.jobId()).bind("idx", id.index()).map(Rows.TASK).findOne();
    }

    /** Counts every state (zero when none), so callers need no defaults. An unknown job has no tasks. */
    @Override public JobProgress progress(String jobId) {
        record Row(TaskState state, int tasks, int frames) {}
        List<Row> rows = db.read(h -> h.createQuery("SELECT state, COUNT(*) AS tasks, SUM(frame_count) AS frames"
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
        return db.read(h -> h.createQuery("SELECT " + Rows.ATTEMPT_COLUMNS + " FROM attempts"
                        + " WHERE job_id = :job AND idx = :idx ORDER BY token")
                .bind("job", id.jobId()).bind("idx", id.index()).map(Rows.ATTEMPT).list());
    }

    @Override public List<OutputFile> outputs(String jobId) {
        return db.read(h -> h.createQuery("SELECT o.frame, o.name, o.blob_key, o.sha256, o.size FROM outputs o"
                        + " JOIN tasks t ON t.job_id = o.job_id AND t.idx = o.idx"
                        + " WHERE o.job_id = :job AND t.state = " + Sql.literal(TaskState.DONE)
                        + " ORDER BY o.frame, o.name")
                .bind("job", jobId).map(Rows.OUTPUT).list());
    }

    /** @throws IllegalArgumentException when there is no such job */
    @Override public void setJobState(String jobId, JobState state) {
        int changed = db.write(h -> h.createUpdate("UPDATE jobs SET state = :state WHERE id = :id")
                .bind("state", state.name()).bind("id", jobId).execute());
        if (changed == 0) throw new IllegalArgumentException("unknown job " + jobId);
    }

    @Override public Optional<Lease> leaseNext(String worker, Optional<String> onlyJob, Instant now, Duration ttl) {
        // Idle workers poll often: look without the write lock first, so they do not queue behind real writers.
        // Missing a task queued a moment later is the same as having asked a moment earlier.
        if (db.read(h -> nextRunnable(h, worker, onlyJob)).isEmpty()) return Optional.empty();
        long expires = Rows.millis(now.plus(ttl));
        return db.write(h -> {
            Optional<TaskId> next = nextRunnable(h, worker, onlyJob);
            if (next.isEmpty()) return Optional.empty();
            TaskId id = next.get();
            int changed = h.createUpdate(LEASE).bind("job", id.jobId()).bind("idx", id.index())
                    .bind("worker", worker).bind("expires", expires).bind("now", Rows.millis(now)).execute();
            if (changed != 1) {
                throw new IllegalStateException("task " + id + " changed while this transaction held the write lock");
            }
            Task task = findTask(h, id).orElseThrow();
            h.createUpdate("INSERT INTO attempts (job_id, idx, token, worker, started_at, outcome)"
                            + " VALUES (:job, :idx, :token, :worker, :now, :outcome)")
                    .bind("job", id.jobId()).bind("idx", id.index()).bind("token", task.token())
                    .bind("worker", worker).bind("now", Rows.millis(now))
                    .bind("outcome", AttemptOutcome.RUNNING.name()).execute();
            Job job = findJob(h, id.jobId()).orElseThrow();
            return Optional.of(new Lease(job, task, worker, task.token(), Instant.ofEpochMilli(expires)));
        });
    }

    private static Optional<TaskId> nextRunnable(Handle h, String worker, Optional<String> onlyJob) {
        return h.createQuery(NEXT_RUNNABLE).bind("only_job", onlyJob.orElse(null)).bind("worker", worker)
                .map((rs, ctx) -> new TaskId(rs.getString("job_id"), rs.getInt("idx"))).findOne();
    }

    @Override public Optional<Instant> renew(TaskId id, long token, Instant now, Duration ttl, Optional<String> progress) {
        long expires = Rows.millis(now.plus(ttl));
        int changed = db.write(h -> h.createUpdate("UPDATE tasks SET lease_expires_at = :expires,"
                        // progress_at moves only when the progress text changes: that is how a hung Blender shows
                        + " progress_at = CASE WHEN :progress IS NOT NULL AND (progress IS NULL OR progress <> :progress)"
                        + " THEN :now ELSE progress_at END,"
                        + " progress = COALESCE(:progress, progress), updated_at = :now"
                        + " WHERE job_id = :job AND idx = :idx AND token = :token AND state IN " + Sql.in(Sql.ACTIVE))
                .bind("expires", expires).bind("progress", progress.orElse(null)).bind("now", Rows.millis(now))
                .bind("job", id.jobId()).bind("idx", id.index()).bind("token", token).execute());
        return changed == 1 ? Optional.of(Instant.ofEpochMilli(expires)) : Optional.empty();
    }

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
        String sql = (token.isPresent() ? FENCED : UNFENCED).get(event);
        if (sql == null) return false; // no state allows this event
        return db.write(h -> {
            var update = h.createUpdate(sql).bind("job", id.jobId()).bind("idx", id.index()).bind("now", Rows.millis(now));
            token.ifPresent(t -> update.bind("token", t));
            if (update.execute() != 1) return false;
            long attemptToken = token.orElseGet(() -> findTask(h, id).orElseThrow().token());
            if (event == TaskEvent.COMPLETE) replaceOutputs(h, id, outputs);
            if (event == TaskEvent.RETRY) deleteOutputs(h, id);
            outcome.ifPresent(o -> closeAttempt(h, id, attemptToken, o, report, now));
            return true;
        });
    }

    private static void deleteOutputs(Handle h, TaskId id) {
        h.createUpdate("DELETE FROM outputs WHERE job_id = :job AND idx = :idx")
                .bind("job", id.jobId()).bind("idx", id.index()).execute();
    }

    private static void replaceOutputs(Handle h, TaskId id, List<OutputFile> outputs) {
        deleteOutputs(h, id);
        if (outputs.isEmpty()) return;
        PreparedBatch batch = h.prepareBatch("INSERT INTO outputs (job_id, idx, " + Rows.OUTPUT_COLUMNS + ")"
                + " VALUES (:job, :idx, :frame, :name, :key, :sha256, :size)");
        for (OutputFile o : outputs) {
            batch.bind("job", id.jobId()).bind("idx", id.index()).bind("frame", o.frame()).bind("name", o.name())
                    .bind("key", o.key()).bind("sha256", o.sha256()).bind("size", o.size()).add();
        }
        batch.execute();
    }

    private static void closeAttempt(Handle h, TaskId id, long token, AttemptOutcome outcome, AttemptReport report,
                                     Instant now) {
        h.createUpdate("UPDATE attempts SET outcome = :outcome, ended_at = :now, message = :message,"
                        + " log_key = :logKey, blender_version = :blenderVersion, peak_memory = :peakMemory,"
                        + " render_seconds = :renderSeconds"
                        + " WHERE job_id = :job AND idx = :idx AND token = :token AND ended_at IS NULL")
                .bind("outcome", outcome.name()).bind("now", Rows.millis(now))
                .bind("message", report.message().orElse(null))
                .bind("logKey", report.logKey().orElse(null))
                .bind("blenderVersion", report.blenderVersion().orElse(null))
                .bind("peakMemory", report.peakMemoryBytes().orElse(null))
                .bind("renderSeconds", report.renderSeconds().orElse(null))
                .bind("job", id.jobId()).bind("idx", id.index()).bind("token", token)
                .execute();
    }

    @Override public List<Task> expired(Instant now) {
        return db.read(h -> h.createQuery("SELECT " + Rows.TASK_COLUMNS + " FROM tasks"
                        + " WHERE state IN " + Sql.in(Sql.ACTIVE) + " AND lease_expires_at < :now"
                        + " ORDER BY lease_expires_at, job_id, idx")
                .bind("now", Rows.millis(now)).map(Rows.TASK).list());
    }

    @Override public Optional<Instant> nextExpiry() {
        List<Long> min = db.read(h -> h.createQuery("SELECT MIN(lease_expires_at) FROM tasks"
                        + " WHERE lease_expires_at IS NOT NULL AND state IN " + Sql.in(Sql.ACTIVE))
                .map((rs, ctx) -> {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? null : v;
                }).list());
        return min.isEmpty() || min.get(0) == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(min.get(0)));
    }

    @Override public List<TaskId> transitionAll(String jobId, TaskEvent event, Set<TaskState> from,
                                                Optional<Set<Integer>> frames, Instant now) {
        String sql = UNFENCED.get(event);
        if (sql == null) return List.of();
        Set<TaskState> states = EnumSet.noneOf(TaskState.class);
        states.addAll(from);
        states.retainAll(TaskTransitions.sources(event));
        if (states.isEmpty()) return List.of();
        return db.write(h -> {
            List<Task> candidates = h.createQuery("SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE job_id = :job"
                            + " AND state IN " + Sql.in(states) + " ORDER BY idx")
                    .bind("job", jobId).map(Rows.TASK).list();
            List<TaskId> changed = new ArrayList<>();
            for (Task t : candidates) {
                if (frames.isPresent() && t.frames().stream().noneMatch(frames.get()::contains)) continue;
                if (h.createUpdate(sql).bind("job", jobId).bind("idx", t.id().index()).bind("now", Rows.millis(now)).execute() != 1) {
                    continue;
                }
                if (t.state().active()) {
                    closeAttempt(h, t.id(), t.token(), AttemptOutcome.STOPPED, AttemptReport.message(event.name().toLowerCase()
                            + " by user"), now);
                }
                if (event == TaskEvent.RETRY) deleteOutputs(h, t.id());
                changed.add(t.id());
            }
            return changed;
        });
    }

    @Override public void setPriority(String jobId, int priority) {
        int changed = db.write(h -> h.createUpdate("UPDATE jobs SET priority = :p WHERE id = :id")
                .bind("p", priority).bind("id", jobId).execute());
        if (changed == 0) throw new IllegalArgumentException("unknown job " + jobId);
    }

    @Override public void blocklist(String jobId, String worker) {
        db.write(h -> h.createUpdate("INSERT INTO blocklist (job_id, worker) VALUES (:job, :worker) ON CONFLICT DO NOTHING")
                .bind("job", jobId).bind("worker", worker).execute());
    }

    @Override public Set<String> blocklisted(String jobId) {
        List<String> workers = db.read(h -> h.createQuery("SELECT worker FROM blocklist WHERE job_id = :job")
                .bind("job", jobId).mapTo(String.class).list());
        return new TreeSet<>(workers);
    }

    @Override public int renderFailures(String jobId, String worker) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM attempts WHERE job_id = :job AND worker = :worker"
                        + " AND outcome IN (" + Sql.literal(AttemptOutcome.FAILED) + ", " + Sql.literal(AttemptOutcome.CRASHED) + ")")
                .bind("job", jobId).bind("worker", worker).mapTo(Integer.class).one());
    }

    @Override public void touchWorker(String worker, Instant now) {
        db.write(h -> h.createUpdate("INSERT INTO workers (name, first_seen, last_seen, drain) VALUES (:name, :now, :now, FALSE)"
                        + " ON CONFLICT (name) DO UPDATE SET last_seen = :now")
                .bind("name", worker).bind("now", Rows.millis(now)).execute());
    }

    @Override public Optional<WorkerInfo> worker(String name) {
        return db.read(h -> h.createQuery(WORKER_SELECT + " WHERE w.name = :name").bind("name", name).map(WorkerRows.WORKER).findOne());
    }

    @Override public List<WorkerInfo> workers() {
        return db.read(h -> h.createQuery(WORKER_SELECT + " ORDER BY w.name").map(WorkerRows.WORKER).list());
    }

    @Override public void setDrain(String worker, boolean drain) {
        int changed = db.write(h -> h.createUpdate("UPDATE workers SET drain = :drain WHERE name = :name")
                .bind("drain", drain).bind("name", worker).execute());
        if (changed == 0) throw new IllegalArgumentException("unknown worker " + worker);
    }

    @Override public List<Task> stalled(Instant before) {
        return db.read(h -> h.createQuery("SELECT " + Rows.TASK_COLUMNS + " FROM tasks"
                        + " WHERE state IN " + Sql.in(Sql.ACTIVE) + " AND COALESCE(progress_at, updated_at) < :before"
                        + " ORDER BY job_id, idx")
                .bind("before", Rows.millis(before)).map(Rows.TASK).list());
    }

    @Override public int extendActiveLeases(Instant until) {
        return db.write(h -> h.createUpdate("UPDATE tasks SET lease_expires_at = :until"
                        + " WHERE state IN " + Sql.in(Sql.ACTIVE) + " AND lease_expires_at < :until")
                .bind("until", Rows.millis(until)).execute());
    }

    /** A worker and the task it currently holds (at most one per worker). */
    private static final String WORKER_SELECT = "SELECT w.name, w.first_seen, w.last_seen, w.drain,"
            + " (SELECT t.job_id FROM tasks t WHERE t.worker = w.name AND t.state IN " + Sql.in(Sql.ACTIVE) + " LIMIT 1) AS task_job,"
            + " (SELECT t.idx FROM tasks t WHERE t.worker = w.name AND t.state IN " + Sql.in(Sql.ACTIVE) + " LIMIT 1) AS task_idx"
            + " FROM workers w";

    @Override public void close() {
        db.close();
    }
}
