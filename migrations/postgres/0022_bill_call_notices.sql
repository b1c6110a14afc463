-- The secretariat's call for a session's bills (issue 31) reaches the bureaus as notices
-- in the inbox and by mail, as a case's due dates do: told when it is sent, reminded the
-- working day before it is due and chased when overdue. A notice is therefore about a case
-- or about a call, never both. Kept in step with migrations/sqlite/0022_bill_call_notices.sql.
ALTER TABLE notifications ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN bill_call_id BIGINT REFERENCES bill_calls (id);
ALTER TABLE notifications ADD CONSTRAINT notifications_about_check
    CHECK ((case_id IS NULL) <> (bill_call_id IS NULL));
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue', 'meeting_decision', 'not_an_answer', 'reply_corrected', 'meeting_reports', 'meeting_agenda', 'office_filed', 'bill_call', 'bill_call_due', 'bill_call_overdue'));
