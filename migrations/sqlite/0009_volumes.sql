-- The written-reply volume as sent to the council (issue 12): the exact file, the day it
-- was sent, and the questions it answered. Kept in step with
-- migrations/postgres/0009_volumes.sql.
CREATE TABLE volumes (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES council_sessions (id),
    title         TEXT    NOT NULL,
    -- The volume page's query that compiled it, to tell the volumes of a session apart.
    filter        TEXT    NOT NULL,
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    data          BLOB    NOT NULL,
    sha256        TEXT    NOT NULL,
    replies       INTEGER NOT NULL,
    outstanding   INTEGER NOT NULL,
    sent_on       TEXT    NOT NULL,
    recorded_by   INTEGER NOT NULL REFERENCES users (id),
    recorded_at   INTEGER NOT NULL
);
CREATE INDEX volumes_session_idx ON volumes (session_id, sent_on);

CREATE TABLE volume_cases (
    volume_id  INTEGER NOT NULL REFERENCES volumes (id),
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    PRIMARY KEY (volume_id, case_id)
);
CREATE INDEX volume_cases_case_idx ON volume_cases (case_id);
