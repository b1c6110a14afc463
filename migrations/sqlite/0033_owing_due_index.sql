-- Kept in step with migrations/postgres/0033_owing_due_index.sql, which gives PostgreSQL
-- the cases_owing_due_idx SQLite has had since 0030 (there with status as a column, so
-- that SQLite reads its chase from the index alone). Nothing to do here.
SELECT 1;
