-- Interim replies and agreed extensions (issue 32): a lead bureau that cannot answer in time
-- tells the councilor's office what it knows, why it needs more time and by when it will
-- answer; when the office agrees to the later day (延後) or to delivery in batches (分批),
-- the due date moves and the reply, if it comes by then, is on time after an agreed
-- extension: the reports count it apart from on time and late. Kept in step with
-- migrations/postgres/0026_interim_replies.sql.
CREATE TABLE interim_replies (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER  NOT NULL REFERENCES cases (id),
    bureau_id        INTEGER  NOT NULL REFERENCES bureaus (id),
    known            TEXT    NOT NULL,
    why              TEXT    NOT NULL,
    previous_due_on  TEXT    NOT NULL,
    new_due_on       TEXT    NOT NULL,
    agreement        TEXT    NOT NULL CHECK (agreement IN ('none', 'later', 'batches')),
    agreed_with      TEXT    NOT NULL DEFAULT '',
    recorded_by      INTEGER  NOT NULL REFERENCES users (id),
    recorded_at      INTEGER  NOT NULL,
    CHECK (previous_due_on < new_due_on)
);
CREATE INDEX interim_replies_case_idx ON interim_replies (case_id, id);

-- The third figure: replies on time after an agreed extension (also counted in on_time).
ALTER TABLE report_facts ADD COLUMN on_time_extended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_days ADD COLUMN on_time_extended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_months ADD COLUMN on_time_extended BIGINT NOT NULL DEFAULT 0;
-- Built again on the next refresh, postponements already agreed counted.
UPDATE report_state SET seq = 0;
