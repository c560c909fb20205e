-- Job store schema, shared by the SQLite and PostgreSQL adapters: keep it to SQL both accept.
-- * Times are epoch milliseconds in BIGINT (no TIMESTAMP: SQLite has no such type and the domain uses Instant).
-- * Enums (job/task state, attempt outcome, output format) are their Java names as TEXT.
-- * BOOLEAN is native in PostgreSQL; SQLite stores 0/1. DOUBLE PRECISION is REAL in SQLite.
-- * Partial indexes (WHERE ...) and ON DELETE CASCADE work in both; SQLite needs PRAGMA foreign_keys=ON.
-- * No CHECK constraints on enum columns: SQLite cannot alter them without rebuilding the table.

CREATE TABLE jobs (
    id                 TEXT    NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    manifest_key       TEXT    NOT NULL,
    scene              TEXT    NOT NULL,           -- '' = the file's active scene
    frames             TEXT    NOT NULL,           -- FrameSpec.text(), parsed back with FrameSpec.parse
    chunk              INTEGER NOT NULL,
    priority           INTEGER NOT NULL,
    state              TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    -- RenderSettings, one column each (NULL = as saved in the .blend)
    samples            INTEGER,
    resolution_percent INTEGER,
    engine             TEXT,
    output_format      TEXT    NOT NULL,
    motion_blur        BOOLEAN,
    disable_denoising  BOOLEAN NOT NULL,
    allow_python       BOOLEAN NOT NULL
);
-- Dispatch walks active jobs in priority order and stops at the first with a queued task.
CREATE INDEX jobs_dispatch ON jobs (state, priority DESC, created_at, id);
-- jobs(): newest first.
CREATE INDEX jobs_created ON jobs (created_at DESC, id DESC);

CREATE TABLE tasks (
    job_id           TEXT    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx              INTEGER NOT NULL,
    frames           TEXT    NOT NULL,             -- compact frame spec text, e.g. '1-10' or '2,3,5'
    frame_count      INTEGER NOT NULL,             -- so progress sums frames without parsing text
    state            TEXT    NOT NULL,
    token            BIGINT  NOT NULL,             -- fencing token = number of the latest lease
    failures         INTEGER NOT NULL,
    worker           TEXT,                         -- set only while LEASED/RUNNING
    lease_expires_at BIGINT,                       -- set only while LEASED/RUNNING
    progress         TEXT,
    updated_at       BIGINT  NOT NULL,
    PRIMARY KEY (job_id, idx)
);
-- The first queued task of a job, by index (dispatch), and counts by state (progress).
CREATE INDEX tasks_job_state ON tasks (job_id, state, idx);
-- Expiry sweeps and the next expiry; only held tasks have an expiry, so the index stays small.
CREATE INDEX tasks_lease_expiry ON tasks (lease_expires_at) WHERE lease_expires_at IS NOT NULL;

CREATE TABLE attempts (
    job_id          TEXT    NOT NULL,
    idx             INTEGER NOT NULL,
    token           BIGINT  NOT NULL,
    worker          TEXT    NOT NULL,
    started_at      BIGINT  NOT NULL,
    ended_at        BIGINT,
    outcome         TEXT    NOT NULL,
    message         TEXT,
    log_key         TEXT,
    blender_version TEXT,
    peak_memory     BIGINT,
    render_seconds  DOUBLE PRECISION,
    PRIMARY KEY (job_id, idx, token),
    FOREIGN KEY (job_id, idx) REFERENCES tasks (job_id, idx) ON DELETE CASCADE
);

-- Accepted outputs only: written by COMPLETE, dropped by RETRY.
CREATE TABLE outputs (
    job_id   TEXT    NOT NULL,
    idx      INTEGER NOT NULL,
    frame    INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    blob_key TEXT    NOT NULL,
    sha256   TEXT    NOT NULL,
    size     BIGINT  NOT NULL,
    PRIMARY KEY (job_id, idx, frame, name),
    FOREIGN KEY (job_id, idx) REFERENCES tasks (job_id, idx) ON DELETE CASCADE
);
CREATE INDEX outputs_job_frame ON outputs (job_id, frame);
