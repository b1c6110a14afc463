-- Kept in step with migrations/sqlite/0033_owing_due_index.sql, which is empty: SQLite has
-- had this index since 0030.
--
-- The cases that still owe an answer, in due order, read from the index alone. 0030 said
-- PostgreSQL needs none beside cases_open_due_idx (0029), which holds two statuses more
-- (signed_off, in_review): so every case walked through it was read from the table to
-- check its status. At 405,537 cases, the secretariat's chase (2,000 owing cases, most
-- overdue first) took 7.2 ms through cases_open_due_idx and 0.6 ms through this; a
-- bureau's 本局待辦案件 5.5 ms and 1.9 ms. The IN list is the one `cases::db::owing_sql`
-- writes, as in SQLite's.
CREATE INDEX cases_owing_due_idx ON cases (due_on, id)
    WHERE status IN ('unassigned', 'assigned', 'in_progress', 'awaiting_signoff', 'returned');
