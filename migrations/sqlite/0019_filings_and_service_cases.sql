-- Councilor offices file data requests and service cases through their status links, and
-- the liaison office runs councilors' service cases (議員服務案件, issue 29). Kept in step
-- with migrations/postgres/0019_filings_and_service_cases.sql.
--
-- `cases` gains a kind (service), two statuses (filed: waiting for the secretariat to take
-- it in; refused: not taken, with a reason the office reads) and may be recorded by a link
-- instead of a user. SQLite cannot change a CHECK, so the table is rebuilt; `db::migrate`
-- runs the migrations with foreign keys off and checks every reference afterwards, as
-- SQLite's documented procedure for this asks.
CREATE TABLE cases_0019 (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT    NOT NULL CHECK (kind IN ('question', 'data_request', 'service')),
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
    CHECK (kind <> 'service' OR received_at IS NOT NULL)
);
INSERT INTO cases_0019 (id, kind, session_id, number, topic, body, sitting_type_id, sitting_date,
    received_at, priority, within_three_days, due_on, due_override_reason, status, tracking,
    reply, cannot_provide, reply_version, reply_updated_by, reply_updated_at, review_comment,
    version, created_by, created_at, updated_at, next_check_on, escalated)
SELECT id, kind, session_id, number, topic, body, sitting_type_id, sitting_date,
    received_at, priority, within_three_days, due_on, due_override_reason, status, tracking,
    reply, cannot_provide, reply_version, reply_updated_by, reply_updated_at, review_comment,
    version, created_by, created_at, updated_at, next_check_on, escalated
FROM cases;
DROP TABLE cases;
ALTER TABLE cases_0019 RENAME TO cases;
CREATE INDEX cases_status_due_idx ON cases (status, due_on);
CREATE INDEX cases_session_idx ON cases (session_id, kind, number);
CREATE INDEX cases_kind_number_idx ON cases (kind, number, id);
CREATE INDEX cases_status_kind_number_idx ON cases (status, kind, number, id);
CREATE INDEX cases_due_idx ON cases (due_on, id);

-- What an office filed and what the secretariat made of it. `filed_on` is the Taipei day,
-- for the per-link daily limit.
CREATE TABLE case_filings (
    case_id         INTEGER PRIMARY KEY REFERENCES cases (id),
    link_id         INTEGER NOT NULL REFERENCES status_links (id),
    filed_at        INTEGER NOT NULL,
    filed_on        TEXT    NOT NULL,
    -- Who in the office to call back, as the office typed it.
    contact         TEXT    NOT NULL DEFAULT '',
    decided_by      INTEGER REFERENCES users (id),
    decided_at      INTEGER,
    refusal_reason  TEXT,
    CHECK (refusal_reason IS NULL OR decided_at IS NOT NULL)
);
CREATE INDEX case_filings_link_day_idx ON case_filings (link_id, filed_on);

-- Files an office attached when filing, kept in the database like delivered data.
CREATE TABLE filing_files (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    data          BLOB    NOT NULL,
    uploaded_at   INTEGER NOT NULL
);
CREATE INDEX filing_files_case_idx ON filing_files (case_id);

-- Whether a councilor's link may file at all: the secretariat switches it off per link.
ALTER TABLE status_links ADD COLUMN filing_enabled INTEGER NOT NULL DEFAULT 1 CHECK (filing_enabled IN (0, 1));

-- What a service case is about: reference data the admin keeps, like sitting types.
CREATE TABLE service_categories (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CONSTRAINT service_categories_code_key UNIQUE (code),
    CONSTRAINT service_categories_name_key UNIQUE (name)
);
INSERT INTO service_categories (code, name, sort_order) VALUES
    ('roads', '道路', 1),
    ('traffic', '交通', 2),
    ('building', '建管', 3),
    ('environment', '環保', 4),
    ('welfare', '社福', 5),
    ('parks_lighting', '公園路燈', 6),
    ('public_safety', '治安', 7),
    ('education', '教育', 8),
    ('health', '衛生', 9),
    ('other', '其他', 99);

-- A service case's where and what, beside its case row.
CREATE TABLE service_details (
    case_id         INTEGER PRIMARY KEY REFERENCES cases (id),
    category_id     INTEGER NOT NULL REFERENCES service_categories (id),
    district        TEXT    NOT NULL DEFAULT '',
    address         TEXT    NOT NULL DEFAULT '',
    -- The office's contact for the case (a council staffer, not the constituent).
    office_contact  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX service_details_category_idx ON service_details (category_id);

-- The constituent's name and phone (個資): a table of its own, read only for the roles that
-- may see it, and deleted by the housekeeping once the case has been closed (or refused)
-- for the retention period the admin sets (`personal_data_days`).
CREATE TABLE service_personal_data (
    case_id      INTEGER PRIMARY KEY REFERENCES cases (id),
    name         TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    recorded_at  INTEGER NOT NULL
);

-- Site inspections (會勘) and coordination meetings (協調會) of a service case.
CREATE TABLE service_visits (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('inspection', 'coordination')),
    held_on     TEXT    NOT NULL,
    starts_at   TEXT    NOT NULL DEFAULT '',
    place       TEXT    NOT NULL,
    outcome     TEXT,
    outcome_at  INTEGER,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX service_visits_case_idx ON service_visits (case_id, held_on);

-- Who attends from which bureau.
CREATE TABLE service_visit_bureaus (
    visit_id   INTEGER NOT NULL REFERENCES service_visits (id),
    bureau_id  INTEGER NOT NULL REFERENCES bureaus (id),
    attendees  TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (visit_id, bureau_id)
);

-- Service cases' due date: 7 working days unless the admin says otherwise. The rules'
-- CHECK names every rule, so the small table is rebuilt (nothing refers to it).
CREATE TABLE deadline_rules_0019 (
    rule      TEXT    PRIMARY KEY CHECK (rule IN ('question_reply', 'data_ordinary', 'data_urgent', 'data_most_urgent', 'service_case')),
    days      INTEGER NOT NULL CHECK (days BETWEEN 0 AND 365),
    counting  TEXT    NOT NULL CHECK (counting IN ('calendar', 'working'))
);
INSERT INTO deadline_rules_0019 (rule, days, counting) SELECT rule, days, counting FROM deadline_rules;
INSERT INTO deadline_rules_0019 (rule, days, counting) VALUES ('service_case', 7, 'working');
DROP TABLE deadline_rules;
ALTER TABLE deadline_rules_0019 RENAME TO deadline_rules;

INSERT INTO settings (key, value) VALUES ('link_filings_per_day', '10');
INSERT INTO settings (key, value) VALUES ('personal_data_days', '365');

-- The secretariat hears when an office files: a new notification kind. The table is rebuilt
-- for its CHECK, as in 0015 (nothing refers to it).
CREATE TABLE notifications_0019 (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue', 'meeting_decision', 'not_an_answer', 'reply_corrected', 'meeting_reports', 'meeting_agenda', 'office_filed')),
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    event_id    INTEGER REFERENCES case_events (id),
    data        TEXT    NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    read_at     INTEGER,
    emailed_at  INTEGER,
    dedupe_key  TEXT,
    routed      TEXT,
    CONSTRAINT notifications_user_dedupe_key UNIQUE (user_id, dedupe_key)
);
INSERT INTO notifications_0019 (id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key, routed)
SELECT id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key, routed FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_0019 RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at, id);
CREATE INDEX notifications_unsent_idx ON notifications (emailed_at, id);
CREATE INDEX notifications_routing_idx ON notifications (routed, emailed_at, user_id, id);
