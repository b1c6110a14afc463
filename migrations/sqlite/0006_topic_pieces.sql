-- Similar questions (issue 9) look up a topic's three-character pieces: each piece a range
-- of one B-tree, read newest first, instead of case_topics' FTS5 index (0005), whose
-- matches had all to be gathered and sorted. Rows are written by the app with the document
-- (`cases::db::search::store`); `search::DOC_VERSION` 2 makes the server build them for
-- the cases already there when it starts. Kept in step with migrations/postgres/0006.
CREATE TABLE topic_pieces (
    piece    TEXT    NOT NULL,
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    PRIMARY KEY (piece, case_id)
) WITHOUT ROWID;
CREATE INDEX topic_pieces_case_idx ON topic_pieces (case_id);

DROP TABLE case_topics;
