-- What the council decides, carried out (issue 30): resolutions (議決案, 附帶決議, 議員提案,
-- 請願案) as a fourth kind of case, the city's reconsideration requests (覆議), execution
-- updates with a percent and the bureau's letter, and the per-session execution report
-- (決議案執行情形報告). Kept in step with migrations/postgres/0020_resolutions.sql.
--
-- `cases` gains the kind; SQLite cannot change a CHECK, so the table is rebuilt as in 0019
-- (`db::migrate` runs with foreign keys off and checks every reference afterwards).
CREATE TABLE cases_0020 (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT    NOT NULL CHECK (kind IN ('question', 'data_request', 'service', 'resolution')),
    session_id           INTEGER NOT NULL REFERENCES council_sessions (id),
    number               INTEGER NOT NULL CHECK (number > 0),
    topic                TEXT    NOT NULL,
    body                 TEXT    NOT NULL,
    sitting_type_id      INTEGER REFERENCES sitting_types (id),
    sitting_date         TEXT,
    received_at          INTEGER,
    priority             TEXT    CHECK (priority IN ('ordinary', 'urgent', 'most_urgent')),
    within_three_days    INTEGER NOT NULL DEFAULT 0 CHECK (within_three_days IN (0, 1)),
    due_on               TEXT    NOT NULL,
    due_override_reason  TEXT,
    status               TEXT    NOT NULL CHECK (status IN ('filed', 'refused', 'unassigned', 'assigned', 'in_progress', 'awaiting_signoff', 'signed_off', 'in_review', 'returned', 'closed', 'tracking')),
    tracking             INTEGER NOT NULL DEFAULT 0 CHECK (tracking IN (0, 1)),
    reply                TEXT    NOT NULL DEFAULT '',
    cannot_provide       INTEGER NOT NULL DEFAULT 0 CHECK (cannot_provide IN (0, 1)),
    reply_version        INTEGER NOT NULL DEFAULT 0,
    reply_updated_by     INTEGER REFERENCES users (id),
    reply_updated_at     INTEGER,
    review_comment       TEXT    NOT NULL DEFAULT '',
    version              INTEGER NOT NULL DEFAULT 1,
    created_by           INTEGER REFERENCES users (id),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    next_check_on        TEXT,
    escalated            INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),
    -- The status link an office filed it through; NULL for a case the secretariat recorded.
    filed_link_id        INTEGER REFERENCES status_links (id),
    CONSTRAINT cases_session_kind_number_key UNIQUE (session_id, kind, number),
    CONSTRAINT cases_recorded_by_check CHECK (created_by IS NOT NULL OR filed_link_id IS NOT NULL),
    CHECK (kind <> 'question' OR (sitting_type_id IS NOT NULL AND sitting_date IS NOT NULL)),
    CHECK (kind <> 'data_request' OR (received_at IS NOT NULL AND priority IS NOT NULL)),
    CHECK (kind <> 'service' OR received_at IS NOT NULL),
    CHECK (kind <> 'resolution' OR received_at IS NOT NULL)
);
INSERT INTO cases_0020 (id, kind, session_id, number, topic, body, sitting_type_id, sitting_date,
    received_at, priority, within_three_days, due_on, due_override_reason, status, tracking,
    reply, cannot_provide, reply_version, reply_updated_by, reply_updated_at, review_comment,
    version, created_by, created_at, updated_at, next_check_on, escalated, filed_link_id)
SELECT id, kind, session_id, number, topic, body, sitting_type_id, sitting_date,
    received_at, priority, within_three_days, due_on, due_override_reason, status, tracking,
    reply, cannot_provide, reply_version, reply_updated_by, reply_updated_at, review_comment,
    version, created_by, created_at, updated_at, next_check_on, escalated, filed_link_id
FROM cases;
DROP TABLE cases;
ALTER TABLE cases_0020 RENAME TO cases;
CREATE INDEX cases_status_due_idx ON cases (status, due_on);
CREATE INDEX cases_session_idx ON cases (session_id, kind, number);
CREATE INDEX cases_kind_number_idx ON cases (kind, number, id);
CREATE INDEX cases_status_kind_number_idx ON cases (status, kind, number, id);
CREATE INDEX cases_due_idx ON cases (due_on, id);
-- The reconsideration window and the start page's warning read resolutions by the day they
-- arrived.
CREATE INDEX cases_kind_received_idx ON cases (kind, received_at);

-- A resolution's own facts beside its case row. The council's letter is `letter_number`; the
-- day it arrived is the case's `received_at`. What it requires: an action, a report to a
-- committee by a day, or a reasoned written reply.
CREATE TABLE resolution_details (
    case_id                INTEGER PRIMARY KEY REFERENCES cases (id),
    resolution_kind        TEXT    NOT NULL CHECK (resolution_kind IN ('bill', 'budget_rider', 'motion', 'petition')),
    -- The sitting that passed it, as the council's letter names it (第3次定期大會第10次會議).
    sitting                TEXT    NOT NULL DEFAULT '',
    letter_number          TEXT    NOT NULL,
    requirement            TEXT    NOT NULL CHECK (requirement IN ('action', 'report', 'reply')),
    committee              TEXT    NOT NULL DEFAULT '',
    report_by              TEXT,
    budget_item            TEXT    NOT NULL DEFAULT '',
    -- The reviewer's finding that it cannot be carried out, with the reasoned reply that went
    -- to the council and that letter.
    not_executable_on      TEXT,
    not_executable_letter  TEXT,
    not_executable_reply   TEXT,
    not_executable_by      INTEGER REFERENCES users (id),
    CHECK (requirement <> 'report' OR report_by IS NOT NULL),
    CHECK (resolution_kind <> 'budget_rider' OR budget_item <> ''),
    CHECK ((not_executable_on IS NULL) = (not_executable_reply IS NULL))
);

-- The city asks the council to reconsider (覆議, Local Government Act §39) within 30 days of
-- receiving a resolution; the council's answer comes later.
CREATE TABLE resolution_reconsiderations (
    case_id        INTEGER PRIMARY KEY REFERENCES cases (id),
    asked_on       TEXT    NOT NULL,
    letter_number  TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    -- sustained: the council kept its resolution, which is then carried out; overturned: it
    -- did not, and nothing is owed.
    outcome        TEXT    CHECK (outcome IN ('sustained', 'overturned')),
    outcome_on     TEXT,
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    recorded_at    INTEGER NOT NULL,
    CHECK ((outcome IS NULL) = (outcome_on IS NULL))
);

-- Execution updates (執行情形) are progress reports with how far along they are and the
-- bureau's letter when it replied formally.
ALTER TABLE progress_reports ADD COLUMN percent INTEGER CHECK (percent BETWEEN 0 AND 100);
ALTER TABLE progress_reports ADD COLUMN letter_number TEXT NOT NULL DEFAULT '';

-- The execution report is due this many working days before a regular session opens: a
-- rule beside the others, kept per council by the admin. The rules' CHECK names every
-- rule, so the small table is rebuilt (nothing refers to it).
CREATE TABLE deadline_rules_0020 (
    rule      TEXT    PRIMARY KEY CHECK (rule IN ('question_reply', 'data_ordinary', 'data_urgent', 'data_most_urgent', 'service_case', 'execution_report')),
    days      INTEGER NOT NULL CHECK (days BETWEEN 0 AND 365),
    counting  TEXT    NOT NULL CHECK (counting IN ('calendar', 'working'))
);
INSERT INTO deadline_rules_0020 (rule, days, counting) SELECT rule, days, counting FROM deadline_rules;
INSERT INTO deadline_rules_0020 (rule, days, counting) VALUES ('execution_report', 7, 'working');
DROP TABLE deadline_rules;
ALTER TABLE deadline_rules_0020 RENAME TO deadline_rules;

-- A compiled execution report for the regular session it goes to, covering the resolutions
-- of the sessions chosen. `content` keeps what it said when compiled (JSON), as a held
-- meeting keeps its minutes, so the report reads the same when downloaded again later.
CREATE TABLE execution_reports (
    id              INTEGER PRIMARY KEY,
    for_session_id  INTEGER NOT NULL REFERENCES council_sessions (id),
    due_on          TEXT    NOT NULL,
    compiled_at     INTEGER NOT NULL,
    compiled_by     INTEGER NOT NULL REFERENCES users (id),
    content         TEXT    NOT NULL
);
CREATE INDEX execution_reports_session_idx ON execution_reports (for_session_id, compiled_at);

CREATE TABLE execution_report_sessions (
    report_id   INTEGER NOT NULL REFERENCES execution_reports (id),
    session_id  INTEGER NOT NULL REFERENCES council_sessions (id),
    PRIMARY KEY (report_id, session_id)
);

-- The council's list of resolutions arrives as a file after a session, like its list of
-- questions: uploaded lists are kept for their preview with what they list.
ALTER TABLE question_imports ADD COLUMN kind TEXT NOT NULL DEFAULT 'question' CHECK (kind IN ('question', 'resolution'));
