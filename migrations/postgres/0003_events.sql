-- Events as data: the case timeline stores codes and values instead of zh-TW sentences; an
-- audit log records everything outside cases; both are hash-chained; notifications wait in
-- an outbox; background jobs claim their runs. Kept in step with
-- migrations/sqlite/0003_events.sql.

-- The newest link of each hash chain. Appending takes this row's lock first, so appends from
-- several app servers queue up instead of forking the chain. `seq` counts the rows chained.
CREATE TABLE chain_heads (
    chain      TEXT    PRIMARY KEY CHECK (chain IN ('case_events', 'audit_log')),
    seq        BIGINT  NOT NULL,
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
-- are chained when the app first starts, as on SQLite, so both backends hash alike.
ALTER TABLE case_events
    ADD COLUMN actor_kind TEXT NOT NULL DEFAULT 'user' CHECK (actor_kind IN ('user', 'link', 'system')),
    ADD COLUMN data TEXT NOT NULL DEFAULT '{}',
    ADD COLUMN seq BIGINT,
    ADD COLUMN prev_hash TEXT,
    ADD COLUMN hash TEXT,
    ADD CONSTRAINT case_events_seq_key UNIQUE (seq),
    ADD CHECK (actor_kind = 'system' OR actor_id IS NOT NULL),
    ALTER COLUMN actor_id DROP NOT NULL,
    DROP CONSTRAINT case_events_actor_id_fkey;

-- Old rows keep their sentence as `note` (names and ROC dates in it cannot be turned back
-- into ids); their before/after become status codes, ISO dates or the texts they were.
UPDATE case_events e SET
    action = a.code,
    data = (
        CASE WHEN e.detail <> '' THEN jsonb_build_object('note', e.detail) ELSE '{}'::jsonb END
        || CASE WHEN a.role IS NOT NULL THEN jsonb_build_object('role', a.role) ELSE '{}'::jsonb END
        || CASE
            WHEN e.before_value IS NULL OR e.after_value IS NULL THEN '{}'::jsonb
            WHEN a.change = 'status'
                AND EXISTS (SELECT 1 FROM legacy_status_labels WHERE label = e.before_value)
                AND EXISTS (SELECT 1 FROM legacy_status_labels WHERE label = e.after_value)
                THEN jsonb_build_object('status', jsonb_build_object(
                    'from', (SELECT code FROM legacy_status_labels WHERE label = e.before_value),
                    'to', (SELECT code FROM legacy_status_labels WHERE label = e.after_value)))
            WHEN a.change = 'due' AND e.before_value ~ '^\d+/\d{2}/\d{2}$' AND e.after_value ~ '^\d+/\d{2}/\d{2}$'
                THEN jsonb_build_object('due', jsonb_build_object(
                    'from', to_char(split_part(e.before_value, '/', 1)::int + 1911, 'FM0000') || '-'
                            || split_part(e.before_value, '/', 2) || '-' || split_part(e.before_value, '/', 3),
                    'to', to_char(split_part(e.after_value, '/', 1)::int + 1911, 'FM0000') || '-'
                            || split_part(e.after_value, '/', 2) || '-' || split_part(e.after_value, '/', 3)))
            ELSE jsonb_build_object('text', jsonb_build_object('from', e.before_value, 'to', e.after_value))
        END)::text
FROM legacy_actions a WHERE a.old = e.action;

ALTER TABLE case_events
    DROP COLUMN detail,
    DROP COLUMN before_value,
    DROP COLUMN after_value,
    ALTER COLUMN actor_kind DROP DEFAULT;
DROP TABLE legacy_actions;
DROP TABLE legacy_status_labels;

-- Everything outside cases that someone may later ask about: logins, accounts, reference
-- data, deadline rules, the calendar, downloads and refused access. `actor_name` is the
-- username at the time (or the name typed at a failed login); `target_id` is text because
-- some targets are dates or rule codes.
CREATE TABLE audit_log (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at           BIGINT  NOT NULL,
    actor_kind   TEXT    NOT NULL CHECK (actor_kind IN ('user', 'link', 'system', 'anonymous')),
    actor_id     BIGINT ,
    actor_name   TEXT    NOT NULL DEFAULT '',
    action       TEXT    NOT NULL,
    target_kind  TEXT    NOT NULL DEFAULT '',
    target_id    TEXT    NOT NULL DEFAULT '',
    data         TEXT    NOT NULL DEFAULT '{}',
    client_addr  TEXT    NOT NULL DEFAULT '',
    seq          BIGINT  NOT NULL,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL,
    CONSTRAINT audit_log_seq_key UNIQUE (seq)
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_action_idx ON audit_log (action, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_name, at);

-- The 資通安全 baseline keeps logs at least six months: nothing, not even the app, may delete
-- a younger row.
CREATE FUNCTION audit_log_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.at > extract(epoch FROM now())::bigint - 183 * 86400 THEN
        RAISE EXCEPTION 'audit_log rows are kept for at least six months';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER audit_log_kept_six_months BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_keep();

-- The outbox: one row per person who should hear of something, written in the same
-- transaction as what they hear of. The app shows unread rows; an e-mail sender will mark
-- `emailed_at`. `dedupe_key` makes a reminder once per user and occasion.
CREATE TABLE notifications (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue')),
    case_id     BIGINT  NOT NULL REFERENCES cases (id),
    event_id    BIGINT  REFERENCES case_events (id),
    data        TEXT    NOT NULL DEFAULT '{}',
    created_at  BIGINT  NOT NULL,
    read_at     BIGINT ,
    emailed_at  BIGINT ,
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
    started_at  BIGINT  NOT NULL,
    PRIMARY KEY (job, run_key)
);
