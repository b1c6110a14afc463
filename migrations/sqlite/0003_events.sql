-- Events as data: the case timeline stores codes and values instead of zh-TW sentences; an
-- audit log records everything outside cases; both are hash-chained; notifications wait in
-- an outbox; background jobs claim their runs. Kept in step with
-- migrations/postgres/0003_events.sql.

-- The newest link of each hash chain. Appending takes this row's lock first, so appends from
-- several app servers queue up instead of forking the chain. `seq` counts the rows chained.
CREATE TABLE chain_heads (
    chain      TEXT    PRIMARY KEY CHECK (chain IN ('case_events', 'audit_log')),
    seq        INTEGER NOT NULL,
    last_hash  TEXT    NOT NULL
);
INSERT INTO chain_heads (chain, seq, last_hash) VALUES
    ('case_events', 0, '0000000000000000000000000000000000000000000000000000000000000000'),
    ('audit_log', 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- How the code before this migration named steps and statuses. Only the conversion below
-- reads these; they are dropped at the end.
CREATE TABLE legacy_actions (
    old     TEXT PRIMARY KEY,
    code    TEXT NOT NULL,
    role    TEXT,
    change  TEXT NOT NULL CHECK (change IN ('status', 'due', 'text'))
);
INSERT INTO legacy_actions (old, code, role, change) VALUES
    ('Record', 'record', NULL, 'status'),
    ('Assign', 'assign', NULL, 'status'),
    ('AddCoBureau', 'add_co_bureau', NULL, 'status'),
    ('Reassign', 'reassign', NULL, 'text'),
    ('OverrideDue', 'override_due', NULL, 'due'),
    ('AcceptLead', 'accept', 'lead', 'status'),
    ('AcceptCo', 'accept', 'co', 'status'),
    ('RejectLead', 'reject', 'lead', 'status'),
    ('RejectCo', 'reject', 'co', 'status'),
    ('WriteSubAnswer', 'write_sub_answer', NULL, 'text'),
    ('EditReply', 'edit_reply', NULL, 'text'),
    ('Deliver', 'deliver', NULL, 'status'),
    ('Postpone', 'postpone', NULL, 'due'),
    ('SubmitForSignOff', 'submit', NULL, 'status'),
    ('SignOff', 'sign_off', NULL, 'status'),
    ('SendBack', 'send_back', NULL, 'status'),
    ('PassToReview', 'pass_to_review', NULL, 'status'),
    ('ReturnFromCheck', 'return_from_check', NULL, 'status'),
    ('Approve', 'approve', NULL, 'status'),
    ('ReturnFromReview', 'return_from_review', NULL, 'status'),
    ('Release', 'release', NULL, 'status');
CREATE TABLE legacy_status_labels (
    label  TEXT PRIMARY KEY,
    code   TEXT NOT NULL
);
INSERT INTO legacy_status_labels (label, code) VALUES
    ('待分派', 'unassigned'),
    ('待局處接受', 'assigned'),
    ('辦理中', 'in_progress'),
    ('待主管核定', 'awaiting_signoff'),
    ('待秘書處檢核', 'signed_off'),
    ('待副秘書長審查', 'in_review'),
    ('退回修正', 'returned'),
    ('已結案', 'closed'),
    ('列管中', 'tracking');

-- The case timeline. `action` is a stable code; the actor is a user, a councilor office
-- acting through a status link, or the system, so `actor_id` names a user or a link and has
-- no foreign key. `data` is JSON: status codes, ISO dates, ids, and the texts typed.
-- `seq`, `prev_hash` and `hash` chain the rows (see app/src/chain.rs); rows converted here
-- are chained when the app first starts, because SQL alone cannot hash them on SQLite.
CREATE TABLE case_events_v3 (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    at          INTEGER NOT NULL,
    actor_kind  TEXT    NOT NULL CHECK (actor_kind IN ('user', 'link', 'system')),
    actor_id    INTEGER,
    action      TEXT    NOT NULL,
    data        TEXT    NOT NULL DEFAULT '{}',
    seq         INTEGER,
    prev_hash   TEXT,
    hash        TEXT,
    CONSTRAINT case_events_seq_key UNIQUE (seq),
    CHECK (actor_kind = 'system' OR actor_id IS NOT NULL)
);

-- Old rows keep their sentence as `note` (names and ROC dates in it cannot be turned back
-- into ids); their before/after become status codes, ISO dates or the texts they were.
INSERT INTO case_events_v3 (id, case_id, at, actor_kind, actor_id, action, data)
SELECT e.id, e.case_id, e.at, 'user', e.actor_id, COALESCE(a.code, e.action),
    json_patch(json_patch(
        CASE WHEN e.detail <> '' THEN json_object('note', e.detail) ELSE '{}' END,
        CASE WHEN a.role IS NOT NULL THEN json_object('role', a.role) ELSE '{}' END),
        CASE
            WHEN e.before_value IS NULL OR e.after_value IS NULL THEN '{}'
            WHEN a.change = 'status' AND sb.code IS NOT NULL AND sa.code IS NOT NULL
                THEN json_object('status', json_object('from', sb.code, 'to', sa.code))
            WHEN a.change = 'due' AND e.before_value GLOB '[0-9]*/[0-9][0-9]/[0-9][0-9]'
                    AND e.after_value GLOB '[0-9]*/[0-9][0-9]/[0-9][0-9]'
                THEN json_object('due', json_object(
                    'from', printf('%04d-%s', CAST(substr(e.before_value, 1, length(e.before_value) - 6) AS INTEGER) + 1911,
                                   replace(substr(e.before_value, -5), '/', '-')),
                    'to', printf('%04d-%s', CAST(substr(e.after_value, 1, length(e.after_value) - 6) AS INTEGER) + 1911,
                                 replace(substr(e.after_value, -5), '/', '-'))))
            ELSE json_object('text', json_object('from', e.before_value, 'to', e.after_value))
        END)
FROM case_events e
LEFT JOIN legacy_actions a ON a.old = e.action
LEFT JOIN legacy_status_labels sb ON sb.label = e.before_value
LEFT JOIN legacy_status_labels sa ON sa.label = e.after_value;

DROP TABLE case_events;
ALTER TABLE case_events_v3 RENAME TO case_events;
CREATE INDEX case_events_case_idx ON case_events (case_id, id);
DROP TABLE legacy_actions;
DROP TABLE legacy_status_labels;

-- Everything outside cases that someone may later ask about: logins, accounts, reference
-- data, deadline rules, the calendar, downloads and refused access. `actor_name` is the
-- username at the time (or the name typed at a failed login); `target_id` is text because
-- some targets are dates or rule codes.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor_kind   TEXT    NOT NULL CHECK (actor_kind IN ('user', 'link', 'system', 'anonymous')),
    actor_id     INTEGER,
    actor_name   TEXT    NOT NULL DEFAULT '',
    action       TEXT    NOT NULL,
    target_kind  TEXT    NOT NULL DEFAULT '',
    target_id    TEXT    NOT NULL DEFAULT '',
    data         TEXT    NOT NULL DEFAULT '{}',
    client_addr  TEXT    NOT NULL DEFAULT '',
    seq          INTEGER NOT NULL,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL,
    CONSTRAINT audit_log_seq_key UNIQUE (seq)
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_action_idx ON audit_log (action, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_name, at);

-- The 資通安全 baseline keeps logs at least six months: nothing, not even the app, may delete
-- a younger row.
CREATE TRIGGER audit_log_kept_six_months BEFORE DELETE ON audit_log
WHEN old.at > CAST(strftime('%s', 'now') AS INTEGER) - 183 * 86400
BEGIN
    SELECT RAISE(ABORT, 'audit_log rows are kept for at least six months');
END;

-- The outbox: one row per person who should hear of something, written in the same
-- transaction as what they hear of. The app shows unread rows; an e-mail sender will mark
-- `emailed_at`. `dedupe_key` makes a reminder once per user and occasion.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue')),
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    event_id    INTEGER REFERENCES case_events (id),
    data        TEXT    NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    read_at     INTEGER,
    emailed_at  INTEGER,
    dedupe_key  TEXT,
    CONSTRAINT notifications_user_dedupe_key UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at, id);
CREATE INDEX notifications_unsent_idx ON notifications (emailed_at, id);

-- Runs of time-based jobs. A server claims a run by inserting its key; only the one whose
-- insert lands runs it, in the same transaction, so several servers never run it twice.
CREATE TABLE job_runs (
    job         TEXT    NOT NULL,
    run_key     TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    PRIMARY KEY (job, run_key)
);
