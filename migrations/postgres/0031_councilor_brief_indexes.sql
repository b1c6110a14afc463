-- The councilor brief (issue 32, item 7), measured in issue 28's bench at 400,000 cases
-- (notes in docs/benchmarks.md). Kept in step with
-- migrations/sqlite/0031_councilor_brief_indexes.sql, which has only the first.
--
-- The replies a councilor's office said do not answer (答非所問) are few: the brief starts
-- from them, where it probed every case of the session for one (82 ms, for none found).
CREATE INDEX case_events_not_an_answer_idx ON case_events (case_id)
    WHERE action = 'not_an_answer';

-- A term's approved answers, newest first: the brief walks them until each councilor has
-- their latest few (about 10 ms), where it ranked all 89,000 per councilor (200 ms).
CREATE INDEX cases_answered_updated_idx ON cases (updated_at, id)
    WHERE status IN ('closed', 'tracking');
