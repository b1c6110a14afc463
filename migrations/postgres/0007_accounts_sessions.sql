-- Hardening (issue 10): account lifecycle and sessions. Kept in step with
-- migrations/sqlite/0007_accounts_sessions.sql.

-- An account an admin created or whose password an admin reset must choose its own
-- password before anything else. Existing accounts chose theirs already.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT;

-- Sessions are keyed by a SHA-256 of the cookie's id, so a copy of this table (a backup,
-- a read-only account) opens no session. Each row names its user, so deactivating an
-- account or resetting its password ends its sessions at once; created_at and
-- last_seen_at carry the absolute and idle limits. The old rows (keyed by the bare id)
-- cannot be carried over: everyone signs in once more after this upgrade.
DROP TABLE sessions;
CREATE TABLE sessions (
    id_hash       TEXT    PRIMARY KEY,
    user_id       BIGINT  REFERENCES users (id),
    data          TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    last_seen_at  BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL
);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
CREATE INDEX sessions_last_seen_at_idx ON sessions (last_seen_at);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Data requests are numbered MAX + 1 within their session. Two recorded at the same moment
-- read the same maximum; this row, written first by each, makes the second wait until the
-- first has committed, so it reads the new maximum. `taken` counts the numbers handed out.
CREATE TABLE case_number_locks (
    session_id  BIGINT NOT NULL REFERENCES council_sessions (id),
    kind        TEXT   NOT NULL,
    taken       BIGINT NOT NULL,
    PRIMARY KEY (session_id, kind)
);
