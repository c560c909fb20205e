-- Blocklisting counts a worker's failed attempts of a job. Index only those: an index over every attempt took a
-- write at a random place (keyed by worker) on every lease and every completion, most of a busy farm's page writes.
DROP INDEX attempts_job_worker;
CREATE INDEX attempts_failed ON attempts (job_id, worker) WHERE outcome IN ('FAILED', 'CRASHED');
