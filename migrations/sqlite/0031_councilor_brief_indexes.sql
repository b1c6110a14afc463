-- The councilor brief (issue 32, item 7), measured in issue 28's bench (notes in
-- docs/benchmarks.md). The same as migrations/postgres/0031_councilor_brief_indexes.sql.
--
-- The replies a councilor's office said do not answer (答非所問) are few: the brief starts
-- from them, where it probed every case of the session for one. SQLite uses a partial index
-- only where the query repeats its condition term for term, as
-- `briefs::db::not_answers_statement` does.
CREATE INDEX case_events_not_an_answer_idx ON case_events (case_id)
    WHERE action = 'not_an_answer';

-- A term's approved answers, newest first: the brief walks them until each councilor has
-- their latest few, where it ranked all of them per councilor. On the bench's 25,511 cases
-- with their statistics, the walk's first 400 rows take 2 ms in the sqlite3 shell, the
-- ranking 40 ms; `briefs::db::earlier_walk_statement` repeats the condition term for term.
CREATE INDEX cases_answered_updated_idx ON cases (updated_at, id)
    WHERE status IN ('closed', 'tracking');
