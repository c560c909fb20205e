-- Coordinator features: worker registry (drain), per-job worker blocklist, and when a task's progress last moved
-- (hung detection). Portable between SQLite and PostgreSQL.
ALTER TABLE tasks ADD COLUMN progress_at BIGINT;
CREATE INDEX tasks_worker ON tasks (worker) WHERE worker IS NOT NULL;

CREATE TABLE workers (
    name       TEXT    NOT NULL PRIMARY KEY,
    first_seen BIGINT  NOT NULL,
    last_seen  BIGINT  NOT NULL,
    drain      BOOLEAN NOT NULL
);

CREATE TABLE blocklist (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    worker TEXT NOT NULL,
    PRIMARY KEY (job_id, worker)
);

CREATE INDEX attempts_job_worker ON attempts (job_id, worker, outcome);
