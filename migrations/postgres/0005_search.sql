-- Keyword search (issue 9): one document per case, topic, question text and reply folded
-- by `app::cases::search::doc` (Latin case, full width, 臺/台), with a pg_trgm GIN index
-- that answers `doc LIKE '%…%'` (terms of one or two characters through the words the
-- document lists for them: ` 社 `, ` 社宅`). `case_topics` holds the folded topic alone,
-- for similar questions, which compare topics: a table of its own, because the trigram
-- index re-checks every row it offers, and reading 16,000 rows of full documents for one
-- piece of a topic took 60–320 ms against a few for these short rows. The key column is called `rowid` so that the
-- same SQL serves SQLite's FTS5 table (migrations/sqlite/0005_search.sql), whose key can
-- only be its rowid.
-- pg_trgm ships with PostgreSQL and is a trusted extension (13+): the database owner may
-- create it without superuser rights. It indexes Chinese only where the database's
-- character type is a UTF-8 locale (C.UTF-8, zh_TW.UTF-8), not plain C.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Documents (a few KB) stay in the row, uncompressed: every match the trigram index
-- offers is re-checked against the text, and fetching a compressed out-of-line value for
-- each cost 15 µs a row against 3.5 (measured on 400,000 generated cases).
CREATE TABLE case_search (
    rowid    BIGINT  PRIMARY KEY REFERENCES cases (id),
    doc      TEXT    NOT NULL,
    version  INTEGER NOT NULL
) WITH (toast_tuple_target = 8160);
ALTER TABLE case_search ALTER COLUMN doc SET STORAGE MAIN;
CREATE INDEX case_search_doc_trgm_idx ON case_search USING gin (doc gin_trgm_ops);

CREATE TABLE case_topics (
    rowid  BIGINT PRIMARY KEY REFERENCES cases (id),
    topic  TEXT   NOT NULL
);
CREATE INDEX case_topics_topic_trgm_idx ON case_topics USING gin (topic gin_trgm_ops);
