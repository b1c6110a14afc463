-- Delivery (issue 27): notices leave the app by e-mail and by a signed webhook.

-- A user's e-mail address, set by the admin; a user who changes their own confirms the new
-- one by a link first (one change waits at a time, the token kept only as its hash).
ALTER TABLE users ADD COLUMN email TEXT;
CREATE TABLE email_changes (
    user_id       INTEGER    NOT NULL PRIMARY KEY REFERENCES users (id),
    address       TEXT    NOT NULL,
    token_sha256  TEXT    NOT NULL,
    expires_at    INTEGER    NOT NULL,
    created_at    INTEGER    NOT NULL,
    CONSTRAINT email_changes_token_key UNIQUE (token_sha256)
);

-- How a person hears of each kind of notice, where they chose other than their role's
-- default (notifications::delivery::default_mode).
CREATE TABLE notification_prefs (
    user_id  INTEGER  NOT NULL REFERENCES users (id),
    kind     TEXT    NOT NULL,
    mode     TEXT    NOT NULL CHECK (mode IN ('now', 'digest', 'off')),
    PRIMARY KEY (user_id, kind)
);

-- Where each notice went: NULL until the delivery runner routes it, then 'now' (queued at
-- once), 'digest' (waits for the morning digest; emailed_at marks it taken) or 'off'.
-- Notices from before delivery existed are never mailed.
ALTER TABLE notifications ADD COLUMN routed TEXT;
UPDATE notifications SET routed = 'off';
CREATE INDEX notifications_routing_idx ON notifications (routed, emailed_at, user_id, id);

-- The city's messaging gateways (LINE official account, Teams): each gets every message
-- as signed JSON.
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    secret      TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  INTEGER    NOT NULL,
    CONSTRAINT webhooks_name_key UNIQUE (name)
);

-- The outbox of messages: queued, claimed by one runner for a lease ('sending', not_before
-- = the lease's end, so a runner killed mid-send leaves it to be claimed again), sent, or
-- failed for good. A message keeps its Message-ID through every attempt.
CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    channel     TEXT    NOT NULL CHECK (channel IN ('email', 'webhook')),
    topic       TEXT    NOT NULL CHECK (topic IN ('notice', 'digest', 'email_confirm')),
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
CREATE INDEX messages_due_idx ON messages (state, not_before, id);
