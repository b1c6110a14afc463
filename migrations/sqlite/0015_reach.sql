-- Reaching people outside the app (issue 27, continued): councilor offices' mail contacts,
-- the office notices an answer or a delivery leaves for the delivery runner, sending
-- recorded on a status link's row, the follow-up meeting's eve as notices, and the new
-- kinds of message. Kept in step with migrations/postgres/0015_reach.sql.

-- A councilor office's addresses for status links and answer notices; an office that
-- asked not to be mailed keeps its addresses but hears nothing.
CREATE TABLE councilor_contacts (
    id            INTEGER PRIMARY KEY,
    councilor_id  INTEGER NOT NULL REFERENCES councilors (id),
    address       TEXT    NOT NULL,
    added_by      INTEGER NOT NULL REFERENCES users (id),
    added_at      INTEGER NOT NULL,
    CONSTRAINT councilor_contacts_address_key UNIQUE (councilor_id, address)
);
ALTER TABLE councilors ADD COLUMN mail_opt_out INTEGER NOT NULL DEFAULT 0 CHECK (mail_opt_out IN (0, 1));

-- When a link was last mailed to the office, and to how many addresses (never the token).
ALTER TABLE status_links ADD COLUMN sent_at INTEGER;
ALTER TABLE status_links ADD COLUMN sent_to INTEGER NOT NULL DEFAULT 0;

-- A case answered or its data delivered, written in the step's transaction; the runner
-- makes the office a link to that case and mails it (done_at set by the run that wins it).
CREATE TABLE office_notices (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    reason      TEXT    NOT NULL CHECK (reason IN ('answered', 'delivered')),
    actor_id    INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    done_at     INTEGER
);
CREATE INDEX office_notices_due_idx ON office_notices (done_at, id);

-- The follow-up meeting's eve as notices: each bureau's tracked cases still without a
-- progress report, and the reviewer's agenda. SQLite cannot change a CHECK, so the table
-- is rebuilt (nothing refers to it), as in 0013.
CREATE TABLE notifications_0015 (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue', 'meeting_decision', 'not_an_answer', 'reply_corrected', 'meeting_reports', 'meeting_agenda')),
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
INSERT INTO notifications_0015 (id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key, routed)
SELECT id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key, routed FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_0015 RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at, id);
CREATE INDEX notifications_unsent_idx ON notifications (emailed_at, id);
CREATE INDEX notifications_routing_idx ON notifications (routed, emailed_at, user_id, id);

-- Messages to councilor offices (a status link, an answer's notice): a new topic. The
-- outbox is rebuilt for its CHECK like the notices (nothing refers to it).
CREATE TABLE messages_0015 (
    id          INTEGER PRIMARY KEY,
    channel     TEXT    NOT NULL CHECK (channel IN ('email', 'webhook')),
    topic       TEXT    NOT NULL CHECK (topic IN ('notice', 'digest', 'email_confirm', 'status_link')),
    user_id     INTEGER REFERENCES users (id),
    webhook_id  INTEGER REFERENCES webhooks (id),
    recipient   TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body_text   TEXT    NOT NULL,
    body_html   TEXT    NOT NULL,
    payload     TEXT    NOT NULL DEFAULT '{}',
    message_id  TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts    INTEGER    NOT NULL DEFAULT 0,
    not_before  INTEGER    NOT NULL,
    claimed_by  TEXT,
    answer      TEXT,
    created_at  INTEGER    NOT NULL,
    sent_at     INTEGER,
    dedupe_key  TEXT,
    CONSTRAINT messages_message_id_key UNIQUE (message_id),
    CONSTRAINT messages_dedupe_key UNIQUE (dedupe_key)
);
INSERT INTO messages_0015 SELECT * FROM messages;
DROP TABLE messages;
ALTER TABLE messages_0015 RENAME TO messages;
CREATE INDEX messages_due_idx ON messages (state, not_before, id);
