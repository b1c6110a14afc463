-- Volumes compiled in the background (issue 12): who asked, for what, how far it has come,
-- and the finished file, kept until housekeeping removes it. Kept in step with
-- migrations/postgres/0010_volumes_in_background_and_imports.sql.
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

-- Lists of questions uploaded for import (issue 12): the file's rows as text (JSON), kept so
-- that the columns can be chosen again without uploading again, and how many questions
-- were imported from it once that is done.
CREATE TABLE question_imports (
    id            INTEGER PRIMARY KEY,
    requested_by  INTEGER NOT NULL REFERENCES users (id),
    session_id    INTEGER NOT NULL REFERENCES council_sessions (id),
    file_name     TEXT    NOT NULL,
    header        TEXT    NOT NULL,
    data_rows     TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    imported_at   INTEGER,
    imported      INTEGER
);
CREATE INDEX question_imports_created_idx ON question_imports (created_at);
