-- Keyword search (issue 9): one document per case, topic, question text and reply folded
-- by `app::cases::search::doc` (Latin case, full width, 臺/台), in an FTS5 table with the
-- trigram tokenizer; a phrase MATCH of three characters or more is answered from the
-- index. A term of one or two characters is found through the words the document lists
-- for it (` 社 `, ` 社宅`; see `search::doc`). `case_topics` holds the folded topic alone,
-- for similar questions, which compare topics. The rowid is the case's id. Rows are written by
-- the app (`cases::db::search`), not by triggers, because the folding is Rust; the server
-- rebuilds any document whose `version` is not the current `search::DOC_VERSION` when it
-- starts. Kept in step with migrations/postgres/0005_search.sql, which names the same
-- columns.
CREATE VIRTUAL TABLE case_search USING fts5 (doc, version UNINDEXED, tokenize = 'trigram');
CREATE VIRTUAL TABLE case_topics USING fts5 (topic, tokenize = 'trigram');
