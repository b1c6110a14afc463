-- Similar questions (issue 9) look up a topic's three-character pieces. Through
-- case_topics' trigram index (0005) every match of a piece was re-read and sorted before
-- the newest could be taken: a common piece matches 16,000 topics, and a case page spent
-- 140–200 ms on it at 400,000 cases. Here a piece is a range of one B-tree, read newest
-- first and left after enough. Rows are written by the app with the document
-- (`cases::db::search::store`); `search::DOC_VERSION` 2 makes the server build them for
-- the cases already there when it starts. Kept in step with migrations/sqlite/0006.
CREATE TABLE topic_pieces (
    piece    TEXT   NOT NULL,
    case_id  BIGINT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (piece, case_id)
);
CREATE INDEX topic_pieces_case_idx ON topic_pieces (case_id);

DROP TABLE case_topics;
