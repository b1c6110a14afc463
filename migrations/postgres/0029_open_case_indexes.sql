-- Two indexes PostgreSQL's planner needs at 400,000 cases (issue 28's bench; EXPLAIN ANALYZE
-- in docs/benchmarks.md's notes). Kept in step with migrations/sqlite/0029_open_case_indexes.sql,
-- which adds nothing.
--
-- The cases still open, in due order. A bureau's start page lists its owing cases by due day
-- and probes each for the bureau's part; through cases_due_idx PostgreSQL walked 104,000
-- closed cases (their due days come first) to find 100 open ones (237 ms). The secretariat's
-- chase of overdue cases read the same way (221 ms). Through this index: 3 to 6 ms.
CREATE INDEX cases_open_due_idx ON cases (due_on, id)
    WHERE status IN ('unassigned', 'assigned', 'in_progress', 'awaiting_signoff',
                     'signed_off', 'in_review', 'returned');

-- Each case's accepted lead bureau, read without the table. The follow-up meeting's agenda
-- counts the tracked cases per lead bureau and reads one bureau's page: through
-- assignments_open_lead_key every probe visited the table to check the bureau and the state
-- (75 ms and 90 ms); index-only, 12 ms and 22 ms.
CREATE INDEX assignments_lead_idx ON assignments (case_id, bureau_id)
    WHERE role = 'lead' AND state = 'accepted';
