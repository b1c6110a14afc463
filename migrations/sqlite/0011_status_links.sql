-- Status links for councilor offices (issue 13): a private address per councilor (all of
-- its cases) or per case. Only the SHA-256 digest of the token is kept; the token itself is
-- shown once. Kept in step with migrations/postgres/0011_status_links.sql.
CREATE TABLE status_links (
    id            INTEGER PRIMARY KEY,
    token_sha256  TEXT    NOT NULL,
    councilor_id  INTEGER NOT NULL REFERENCES councilors (id),
    -- Set for a link to one case; NULL for all of the councilor's cases.
    case_id       INTEGER REFERENCES cases (id),
    expires_on    TEXT    NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER,
    revoked_by    INTEGER REFERENCES users (id),
    CONSTRAINT status_links_token_key UNIQUE (token_sha256)
);
CREATE INDEX status_links_councilor_idx ON status_links (councilor_id);

-- The secretariat and the lead bureau hear when an office says a reply does not answer
-- (答非所問): a new notification kind. SQLite cannot change a CHECK, so the table is rebuilt
-- (nothing refers to it), as in 0008.
CREATE TABLE notifications_0011 (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue', 'meeting_decision', 'not_an_answer')),
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    event_id    INTEGER REFERENCES case_events (id),
    data        TEXT    NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    read_at     INTEGER,
    emailed_at  INTEGER,
    dedupe_key  TEXT,
    CONSTRAINT notifications_user_dedupe_key UNIQUE (user_id, dedupe_key)
);
INSERT INTO notifications_0011 (id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key)
SELECT id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_0011 RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at, id);
CREATE INDEX notifications_unsent_idx ON notifications (emailed_at, id);
