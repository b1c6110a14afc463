-- The execution report owed before each regular session (issue 30) reaches the
-- secretariat as notices in the inbox and by mail: the working day before it is due, and
-- chased while it is overdue and the session not yet open, until it is compiled. A notice
-- is therefore about a case, a call for bills or the regular session a report goes to:
-- exactly one. Kept in step with migrations/postgres/0032_execution_report_notices.sql.
--
-- SQLite cannot change a CHECK, so the table is rebuilt (as in 0022).
CREATE TABLE notifications_0032 (
    id                 INTEGER PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users (id),
    kind               TEXT    NOT NULL CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue', 'meeting_decision', 'not_an_answer', 'reply_corrected', 'meeting_reports', 'meeting_agenda', 'office_filed', 'bill_call', 'bill_call_due', 'bill_call_overdue', 'execution_report_due', 'execution_report_overdue')),
    case_id            INTEGER REFERENCES cases (id),
    bill_call_id       INTEGER REFERENCES bill_calls (id),
    report_session_id  INTEGER REFERENCES council_sessions (id),
    event_id           INTEGER REFERENCES case_events (id),
    data               TEXT    NOT NULL DEFAULT '{}',
    created_at         INTEGER NOT NULL,
    read_at            INTEGER,
    emailed_at         INTEGER,
    dedupe_key         TEXT,
    routed             TEXT,
    CONSTRAINT notifications_user_dedupe_key UNIQUE (user_id, dedupe_key),
    CONSTRAINT notifications_about_check CHECK (
        (case_id IS NOT NULL) + (bill_call_id IS NOT NULL) + (report_session_id IS NOT NULL) = 1)
);
INSERT INTO notifications_0032 (id, user_id, kind, case_id, bill_call_id, event_id, data, created_at, read_at, emailed_at, dedupe_key, routed)
SELECT id, user_id, kind, case_id, bill_call_id, event_id, data, created_at, read_at, emailed_at, dedupe_key, routed FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_0032 RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at, id);
CREATE INDEX notifications_unsent_idx ON notifications (emailed_at, id);
CREATE INDEX notifications_routing_idx ON notifications (routed, emailed_at, user_id, id);
