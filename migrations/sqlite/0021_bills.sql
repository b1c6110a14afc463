-- Major bills and caucus briefings (issue 31, seed 四(三)): each session the bureaus' bills
-- (議法案) with their way through the council, the secretariat's call for them, and the
-- mayor's briefings to each caucus (黨團報告) with the caucus's positions and asks.
-- Kept in step with migrations/postgres/0021_bills.sql.

-- The session's bills come in by a due day: a rule beside the others (rebuilt as in 0020).
CREATE TABLE deadline_rules_0021 (
    rule      TEXT    PRIMARY KEY CHECK (rule IN ('question_reply', 'data_ordinary', 'data_urgent', 'data_most_urgent', 'service_case', 'execution_report', 'bill_call')),
    days      INTEGER NOT NULL CHECK (days BETWEEN 0 AND 365),
    counting  TEXT    NOT NULL CHECK (counting IN ('calendar', 'working'))
);
INSERT INTO deadline_rules_0021 (rule, days, counting) SELECT rule, days, counting FROM deadline_rules;
INSERT INTO deadline_rules_0021 (rule, days, counting) VALUES ('bill_call', 10, 'working');
DROP TABLE deadline_rules;
ALTER TABLE deadline_rules_0021 RENAME TO deadline_rules;

-- The secretariat asks every bureau for the session's bills once, with a due day counted as
-- the rules count; a bureau answers with its bills or by saying it has none.
CREATE TABLE bill_calls (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES council_sessions (id),
    asked_on    TEXT    NOT NULL,
    due_on      TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    asked_by    INTEGER NOT NULL REFERENCES users (id),
    asked_at    INTEGER NOT NULL,
    CONSTRAINT bill_calls_session_key UNIQUE (session_id),
    CHECK (asked_on <= due_on)
);

CREATE TABLE bill_call_nothing (
    call_id    INTEGER NOT NULL REFERENCES bill_calls (id),
    bureau_id  INTEGER NOT NULL REFERENCES bureaus (id),
    said_by    INTEGER NOT NULL REFERENCES users (id),
    said_at    INTEGER NOT NULL,
    PRIMARY KEY (call_id, bureau_id)
);

-- A bill a bureau sends to the council in a session; `stage` and `stage_on` are its latest
-- step (kept beside the timeline so that the session view reads one row per bill).
CREATE TABLE bills (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES council_sessions (id),
    bureau_id       INTEGER NOT NULL REFERENCES bureaus (id),
    bill_kind       TEXT    NOT NULL CHECK (bill_kind IN ('ordinance_new', 'ordinance_amended', 'ordinance_repealed', 'budget', 'supplementary_budget', 'other', 'report')),
    title           TEXT    NOT NULL,
    why             TEXT    NOT NULL,
    changes         TEXT    NOT NULL DEFAULT '',
    committee       TEXT    NOT NULL DEFAULT '',
    council_number  TEXT    NOT NULL DEFAULT '',
    contact         TEXT    NOT NULL DEFAULT '',
    major           INTEGER NOT NULL DEFAULT 0 CHECK (major IN (0, 1)),
    stage           TEXT    NOT NULL CHECK (stage IN ('planned', 'sent', 'first_reading', 'committee', 'second_reading', 'passed', 'passed_amended', 'returned', 'withdrawn', 'held')),
    stage_on        TEXT    NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      INTEGER NOT NULL REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX bills_session_bureau_idx ON bills (session_id, bureau_id, id);

-- A bill's own timeline: every write to it, as data. The audit log has each too.
CREATE TABLE bill_events (
    id        INTEGER PRIMARY KEY,
    bill_id   INTEGER NOT NULL REFERENCES bills (id),
    at        INTEGER NOT NULL,
    actor_id  INTEGER NOT NULL REFERENCES users (id),
    action    TEXT    NOT NULL CHECK (action IN ('recorded', 'edited', 'stage', 'marked_major', 'unmarked_major', 'file_added')),
    stage     TEXT,
    on_date   TEXT,
    note      TEXT    NOT NULL DEFAULT '',
    CHECK (action <> 'stage' OR (stage IS NOT NULL AND on_date IS NOT NULL))
);
CREATE INDEX bill_events_bill_idx ON bill_events (bill_id, id);

-- A bill's papers: the draft text, the comparison table (條文對照表), anything else. Held to
-- the upload limits of a data request's files.
CREATE TABLE bill_files (
    id            INTEGER PRIMARY KEY,
    bill_id       INTEGER NOT NULL REFERENCES bills (id),
    file_kind     TEXT    NOT NULL CHECK (file_kind IN ('draft', 'comparison', 'other')),
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    data          BLOB   NOT NULL,
    uploaded_by   INTEGER NOT NULL REFERENCES users (id),
    uploaded_at   INTEGER NOT NULL
);
CREATE INDEX bill_files_bill_idx ON bill_files (bill_id, id);

-- The mayor briefs a caucus (黨團, as the councilors' reference data names them) on the
-- session's major bills; after it, the caucus's position on each and what it asked.
CREATE TABLE caucus_briefings (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES council_sessions (id),
    caucus        TEXT    NOT NULL,
    held_on       TEXT    NOT NULL,
    starts_at     TEXT    NOT NULL DEFAULT '',
    place         TEXT    NOT NULL DEFAULT '',
    attendees     TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL CHECK (status IN ('scheduled', 'held')),
    outcome_note  TEXT    NOT NULL DEFAULT '',
    created_by    INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX caucus_briefings_session_idx ON caucus_briefings (session_id, held_on);

CREATE TABLE briefing_bills (
    briefing_id  INTEGER NOT NULL REFERENCES caucus_briefings (id),
    bill_id      INTEGER NOT NULL REFERENCES bills (id),
    position     TEXT    CHECK (position IN ('support', 'conditional', 'oppose', 'undecided')),
    PRIMARY KEY (briefing_id, bill_id)
);
CREATE INDEX briefing_bills_bill_idx ON briefing_bills (bill_id);

-- An ask may become a data request: `case_id` links it, and the case finds its ask by it.
CREATE TABLE briefing_asks (
    id           INTEGER PRIMARY KEY,
    briefing_id  INTEGER NOT NULL REFERENCES caucus_briefings (id),
    bill_id      INTEGER REFERENCES bills (id),
    ask          TEXT    NOT NULL,
    case_id      INTEGER REFERENCES cases (id),
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX briefing_asks_briefing_idx ON briefing_asks (briefing_id, id);
CREATE UNIQUE INDEX briefing_asks_case_key ON briefing_asks (case_id);
