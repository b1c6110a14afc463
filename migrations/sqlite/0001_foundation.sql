-- Foundation: reference data the whole product hangs on, accounts, login throttling and
-- server-side sessions. Kept in step with migrations/postgres/0001_foundation.sql.
--
-- Portability rules shared by both backends (the app talks to either through sqlx's Any
-- driver, which only knows integers, floats, text, blobs and booleans):
--   * instants are BIGINT seconds since the Unix epoch (UTC);
--   * calendar dates are TEXT 'YYYY-MM-DD', which sorts and compares correctly;
--   * flags are BOOLEAN in PostgreSQL and INTEGER 0/1 here (sqlx's Any driver cannot read a
--     column SQLite declares BOOLEAN).

-- The city government's bureaus (局處), from the petition table of the seed report.
CREATE TABLE bureaus (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    short_name  TEXT    NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CONSTRAINT bureaus_code_key UNIQUE (code),
    CONSTRAINT bureaus_name_key UNIQUE (name)
);

-- A council term (屆) lasts four years; sessions (次) are regular or extraordinary.
CREATE TABLE council_terms (
    id         INTEGER PRIMARY KEY,
    number     INTEGER NOT NULL,
    starts_on  TEXT    NOT NULL,
    ends_on    TEXT    NOT NULL,
    CONSTRAINT council_terms_number_key UNIQUE (number),
    CHECK (starts_on <= ends_on)
);

CREATE TABLE council_sessions (
    id         INTEGER PRIMARY KEY,
    term_id    INTEGER NOT NULL REFERENCES council_terms (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('regular', 'extraordinary')),
    number     INTEGER NOT NULL,
    starts_on  TEXT    NOT NULL,
    ends_on    TEXT    NOT NULL,
    CONSTRAINT council_sessions_term_kind_number_key UNIQUE (term_id, kind, number),
    CHECK (starts_on <= ends_on)
);

CREATE TABLE councilors (
    id        INTEGER PRIMARY KEY,
    term_id   INTEGER NOT NULL REFERENCES council_terms (id),
    name      TEXT    NOT NULL,
    party     TEXT    NOT NULL DEFAULT '',
    caucus    TEXT    NOT NULL DEFAULT '',
    district  TEXT    NOT NULL DEFAULT '',
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CONSTRAINT councilors_term_name_key UNIQUE (term_id, name)
);

-- Bureau roles act for exactly one bureau; the others for the whole government.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL,
    display_name   TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'secretariat', 'bureau_liaison', 'bureau_approver', 'reviewer')),
    bureau_id      INTEGER REFERENCES bureaus (id),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     INTEGER NOT NULL,
    last_login_at  INTEGER,
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_bureau_matches_role CHECK ((role IN ('bureau_liaison', 'bureau_approver')) = (bureau_id IS NOT NULL))
);

-- Failed logins per submitted username, whether or not such a user exists, so that a lock
-- says nothing about which accounts exist.
CREATE TABLE login_throttle (
    username         TEXT    PRIMARY KEY,
    failures         INTEGER NOT NULL,
    last_failure_at  INTEGER NOT NULL,
    locked_until     INTEGER
);

-- Sessions live here, not in server memory, so any app server can answer any request.
CREATE TABLE sessions (
    id          TEXT    PRIMARY KEY,
    data        TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
