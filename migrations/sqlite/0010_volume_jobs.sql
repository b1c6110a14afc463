-- Volumes compiled in the background (issue 12): who asked, for what, how far it has come,
-- and the finished file, kept until housekeeping removes it. Kept in step with
-- migrations/postgres/0010_volume_jobs.sql.
CREATE TABLE volume_jobs (
    id            INTEGER PRIMARY KEY,
    requested_by  INTEGER NOT NULL REFERENCES users (id),
    session_id    INTEGER NOT NULL REFERENCES council_sessions (id),
    -- The volume page's query that selects the questions.
    filter        TEXT    NOT NULL,
    format        TEXT    NOT NULL CHECK (format IN ('odt', 'pdf')),
    state         TEXT    NOT NULL DEFAULT 'queued'
                          CHECK (state IN ('queued', 'running', 'done', 'failed')),
    done          INTEGER NOT NULL DEFAULT 0,
    total         INTEGER NOT NULL DEFAULT 0,
    file_name     TEXT,
    content_type  TEXT,
    data          BLOB,
    -- A message the user may read, when the job failed.
    error         TEXT,
    created_at    INTEGER NOT NULL,
    -- Moves while the job runs: a running job that stopped moving was cut off.
    updated_at    INTEGER NOT NULL
);
CREATE INDEX volume_jobs_created_idx ON volume_jobs (created_at);
