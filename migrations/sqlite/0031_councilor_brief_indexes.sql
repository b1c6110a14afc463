-- The councilor brief (issue 32, item 7), measured in issue 28's bench (notes in
-- docs/benchmarks.md). Kept in step with migrations/postgres/0031_councilor_brief_indexes.sql,
-- which also has an index to walk a term's answers newest first: SQLite, with the bench's
-- statistics, reads the term's sessions and sorts them instead (the brief measured 66.8 ms
-- p95 with that index and 64.0 ms without it, in one run of the bench at 25,511 cases).
--
-- The replies a councilor's office said do not answer (答非所問) are few: the brief starts
-- from them, where it probed every case of the session for one. SQLite uses a partial index
-- only where the query repeats its condition term for term, as
-- `briefs::db::not_answers_statement` does.
CREATE INDEX case_events_not_an_answer_idx ON case_events (case_id)
    WHERE action = 'not_an_answer';
