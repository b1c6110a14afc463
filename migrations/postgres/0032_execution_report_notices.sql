-- The execution report owed before each regular session (issue 30) reaches the
-- secretariat as notices in the inbox and by mail: the working day before it is due, and
-- chased while it is overdue and the session not yet open, until it is compiled. A notice
-- is therefore about a case, a call for bills or the regular session a report goes to:
-- exactly one. Kept in step with migrations/sqlite/0032_execution_report_notices.sql.
ALTER TABLE notifications ADD COLUMN report_session_id BIGINT REFERENCES council_sessions (id);
ALTER TABLE notifications DROP CONSTRAINT notifications_about_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_about_check CHECK (
    (case_id IS NOT NULL)::int + (bill_call_id IS NOT NULL)::int
      + (report_session_id IS NOT NULL)::int = 1);
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue', 'meeting_decision', 'not_an_answer', 'reply_corrected', 'meeting_reports', 'meeting_agenda', 'office_filed', 'bill_call', 'bill_call_due', 'bill_call_overdue', 'execution_report_due', 'execution_report_overdue'));
