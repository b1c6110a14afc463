-- Grouped and referral answers (issue 32): several questions on one subject answered by one
-- reply (併案答復: the member follows its anchor, and is approved with it), or a question
-- answered by referring to an earlier approved answer (援引答復: its reply quotes the
-- earlier one and is reviewed as any reply). One row per case answered through another.
-- Kept in step with migrations/postgres/0028_shared_replies.sql.
CREATE TABLE shared_replies (
    case_id     INTEGER PRIMARY KEY REFERENCES cases (id),
    source_id   INTEGER NOT NULL REFERENCES cases (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('grouped', 'referral')),
    linked_by   INTEGER NOT NULL REFERENCES users (id),
    linked_at   INTEGER NOT NULL,
    CHECK (case_id <> source_id)
);
CREATE INDEX shared_replies_source_idx ON shared_replies (source_id, kind);
