-- The case workflow: questions (質詢) and data requests (索資), their bureau assignments,
-- answers, data deliveries, and the audit trail every change leaves behind.
-- Kept in step with migrations/postgres/0002_cases.sql; same portability rules as 0001.

-- The sittings at which questions are asked. A table rather than a fixed list so the
-- admin can rename or retire one when the council changes its rules of procedure.
CREATE TABLE sitting_types (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CONSTRAINT sitting_types_code_key UNIQUE (code),
    CONSTRAINT sitting_types_name_key UNIQUE (name)
);
INSERT INTO sitting_types (code, name, sort_order) VALUES
    ('policy_report', '施政報告', 1),
    ('special_report', '專案報告', 2),
    ('general', '市政總質詢', 3),
    ('department', '部門質詢', 4);

-- How long bureaus have: written replies to questions, and data requests by priority.
-- Defaults follow shared/docs/domain.md (7 days; 6/3/1 for 普通件/速件/最速件).
CREATE TABLE deadline_rules (
    rule      TEXT    PRIMARY KEY CHECK (rule IN ('question_reply', 'data_ordinary', 'data_urgent', 'data_most_urgent')),
    days      INTEGER NOT NULL CHECK (days BETWEEN 0 AND 365),
    counting  TEXT    NOT NULL CHECK (counting IN ('calendar', 'working'))
);
INSERT INTO deadline_rules (rule, days, counting) VALUES
    ('question_reply', 7, 'calendar'),
    ('data_ordinary', 6, 'working'),
    ('data_urgent', 3, 'working'),
    ('data_most_urgent', 1, 'working');

-- Exceptions to "Monday to Friday are working days": holidays on weekdays and make-up
-- working days (補行上班) on weekends.
CREATE TABLE calendar_days (
    day   TEXT PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name  TEXT NOT NULL DEFAULT ''
);

-- One row per question or data request. `version` grows with every change to the case
-- row so a stale form is refused; `reply_version` does the same for the reply text alone.
CREATE TABLE cases (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT    NOT NULL CHECK (kind IN ('question', 'data_request')),
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
    status               TEXT    NOT NULL CHECK (status IN ('unassigned', 'assigned', 'in_progress', 'awaiting_signoff', 'signed_off', 'in_review', 'returned', 'closed', 'tracking')),
    tracking             INTEGER NOT NULL DEFAULT 0 CHECK (tracking IN (0, 1)),
    reply                TEXT    NOT NULL DEFAULT '',
    cannot_provide       INTEGER NOT NULL DEFAULT 0 CHECK (cannot_provide IN (0, 1)),
    reply_version        INTEGER NOT NULL DEFAULT 0,
    reply_updated_by     INTEGER REFERENCES users (id),
    reply_updated_at     INTEGER,
    review_comment       TEXT    NOT NULL DEFAULT '',
    version              INTEGER NOT NULL DEFAULT 1,
    created_by           INTEGER NOT NULL REFERENCES users (id),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    CONSTRAINT cases_session_kind_number_key UNIQUE (session_id, kind, number),
    -- A question has a sitting; a data request has a receipt time and a priority.
    CHECK (kind <> 'question' OR (sitting_type_id IS NOT NULL AND sitting_date IS NOT NULL)),
    CHECK (kind <> 'data_request' OR (received_at IS NOT NULL AND priority IS NOT NULL))
);
CREATE INDEX cases_status_due_idx ON cases (status, due_on);
CREATE INDEX cases_session_idx ON cases (session_id, kind, number);

-- The councilors who asked; several for a joint question (聯合質詢), in the order named.
CREATE TABLE case_councilors (
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    councilor_id  INTEGER NOT NULL REFERENCES councilors (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (case_id, councilor_id)
);
CREATE INDEX case_councilors_councilor_idx ON case_councilors (councilor_id);

-- A bureau's part in a case. Rows are never deleted: a rejection or a reassignment closes
-- the row and the history stays readable.
CREATE TABLE assignments (
    id                   INTEGER PRIMARY KEY,
    case_id              INTEGER NOT NULL REFERENCES cases (id),
    bureau_id            INTEGER NOT NULL REFERENCES bureaus (id),
    role                 TEXT    NOT NULL CHECK (role IN ('lead', 'co')),
    state                TEXT    NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected', 'reassigned', 'withdrawn')),
    reject_reason        TEXT,
    suggested_bureau_id  INTEGER REFERENCES bureaus (id),
    assigned_by          INTEGER NOT NULL REFERENCES users (id),
    assigned_at          INTEGER NOT NULL,
    responded_by         INTEGER REFERENCES users (id),
    responded_at         INTEGER,
    CHECK (state <> 'rejected' OR reject_reason IS NOT NULL)
);
-- A bureau holds at most one open part in a case, and a case has at most one open lead.
CREATE UNIQUE INDEX assignments_open_bureau_key ON assignments (case_id, bureau_id) WHERE state IN ('pending', 'accepted');
CREATE UNIQUE INDEX assignments_open_lead_key ON assignments (case_id) WHERE role = 'lead' AND state IN ('pending', 'accepted');
CREATE INDEX assignments_bureau_idx ON assignments (bureau_id, state);

-- A co-bureau's contribution, which the lead bureau sees beside its reply.
CREATE TABLE sub_answers (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    bureau_id   INTEGER NOT NULL REFERENCES bureaus (id),
    body        TEXT    NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES users (id),
    updated_at  INTEGER NOT NULL,
    CONSTRAINT sub_answers_case_bureau_key UNIQUE (case_id, bureau_id)
);

-- Data handed over in batches (分批提供).
CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    batch         INTEGER NOT NULL,
    note          TEXT    NOT NULL,
    delivered_by  INTEGER NOT NULL REFERENCES users (id),
    delivered_at  INTEGER NOT NULL,
    CONSTRAINT deliveries_case_batch_key UNIQUE (case_id, batch)
);

-- Files live in the database so that app servers stay stateless; the size limit is
-- enforced by the upload handler before anything is written.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    delivery_id   INTEGER NOT NULL REFERENCES deliveries (id),
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    data          BLOB    NOT NULL,
    uploaded_by   INTEGER NOT NULL REFERENCES users (id),
    uploaded_at   INTEGER NOT NULL
);
CREATE INDEX attachments_delivery_idx ON attachments (delivery_id);

-- The audit trail and the case timeline: who did what when, with the value before and after.
CREATE TABLE case_events (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    at            INTEGER NOT NULL,
    actor_id      INTEGER NOT NULL REFERENCES users (id),
    action        TEXT    NOT NULL,
    detail        TEXT    NOT NULL DEFAULT '',
    before_value  TEXT,
    after_value   TEXT
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);
