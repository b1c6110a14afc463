-- Indexes for a decade of cases (issue 9). Found with the plan guard
-- (server/tests/integration/plans.rs) over generated data: before these, the secretariat's
-- rejection queue probed every assignment for every case, and the case list sorted the
-- whole table for each page. Kept in step with migrations/postgres/0004_scale_indexes.sql.

-- A case's parts (the case page, the rejection queue, NOT IN for the unassigned queue).
CREATE INDEX assignments_case_idx ON assignments (case_id, state);
-- Parts by state: the rejection queue starts here.
CREATE INDEX assignments_state_idx ON assignments (state, case_id);
-- The case list's order: newest number first, the id breaking ties between sessions.
CREATE INDEX cases_kind_number_idx ON cases (kind, number, id);
-- A status filter (tracked cases, say) pages through its cases in the list's order.
CREATE INDEX cases_status_kind_number_idx ON cases (status, kind, number, id);
