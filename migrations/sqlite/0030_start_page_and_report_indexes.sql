-- Partial indexes for the start pages and the report (issue 28's bench at 25,000 cases on
-- SQLite; notes in docs/benchmarks.md). Kept in step with
-- migrations/postgres/0030_start_page_and_report_indexes.sql, which adds only the last.
--
-- The cases that still owe an answer, in due order. SQLite uses a partial index only where
-- the query repeats its condition term for term, so the IN list is the one
-- `cases::db::owing_sql` writes (the statuses of `cases::OWING`, in that order; a unit test
-- beside it reads this file). The secretariat's chase and a bureau's 本局待辦案件 walked
-- cases_due_idx through every closed case due earlier: 4.5 ms and 3.6 ms a statement in
-- the sqlite3 shell, against 0.2 ms and 0.6 ms. status is a column so that the chase reads
-- the index alone.
CREATE INDEX cases_owing_due_idx ON cases (due_on, id, status)
    WHERE status IN ('unassigned', 'assigned', 'in_progress', 'awaiting_signoff', 'returned');

-- The report's open cases per lead bureau, in bureau order without the table: 2.3 ms
-- through report_facts_open_idx (due_on, start_on) and a sort, 0.8 ms through this.
CREATE INDEX report_facts_open_bureau_idx ON report_facts (bureau_id, due_on, start_on)
    WHERE open = 1;
