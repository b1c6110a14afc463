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
