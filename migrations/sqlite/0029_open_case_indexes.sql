-- Kept in step with migrations/postgres/0029_open_case_indexes.sql, which adds two partial
-- indexes for PostgreSQL's planner at 400,000 cases. SQLite adds none: it uses a partial
-- index only where a query repeats the index's condition word for word, and given these two
-- (tried on the bench's 20,000 cases) its plans for the start page and the agenda did not
-- change; they would only cost every write.
SELECT 1;
