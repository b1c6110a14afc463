-- Corrections (勘誤, issue 32): an answer already sent to the council is corrected by its
-- own text, reviewed by the deputy secretary-general like a reply. The original stays as
-- it was sent (kept here too, as it read when the correction was started); an approved
-- correction tells the councilor's office at once and waits for the next volume sent to
-- the council, which carries it in a corrections section. Kept in step with
-- migrations/postgres/0027_corrections.sql.
CREATE TABLE corrections (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    original        TEXT    NOT NULL,
    original_on     TEXT,
    body            TEXT    NOT NULL,
    why             TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('in_review', 'returned', 'approved')),
    review_comment  TEXT    NOT NULL DEFAULT '',
    drafted_by      INTEGER NOT NULL REFERENCES users (id),
    drafted_at      INTEGER NOT NULL,
    approved_by     INTEGER REFERENCES users (id),
    approved_at     INTEGER,
    volume_id       INTEGER REFERENCES volumes (id),
    CHECK ((state = 'approved') = (approved_at IS NOT NULL))
);
-- One correction under way per case at a time.
CREATE UNIQUE INDEX corrections_open_key ON corrections (case_id) WHERE state <> 'approved';
CREATE INDEX corrections_case_idx ON corrections (case_id, id);
CREATE INDEX corrections_state_idx ON corrections (state, id);

-- The office hears of a correction as of an answer. SQLite cannot change a CHECK, so the
-- table is rebuilt (nothing refers to it), as in 0013.
CREATE TABLE office_notices_new (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    reason      TEXT    NOT NULL CHECK (reason IN ('answered', 'delivered', 'corrected')),
    actor_id    INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    done_at     INTEGER
);
INSERT INTO office_notices_new (id, case_id, reason, actor_id, created_at, done_at)
    SELECT id, case_id, reason, actor_id, created_at, done_at FROM office_notices;
DROP TABLE office_notices;
ALTER TABLE office_notices_new RENAME TO office_notices;
CREATE INDEX office_notices_due_idx ON office_notices (done_at, id);
