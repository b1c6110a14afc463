-- The secretariat's call for a session's bills (issue 31) reaches the bureaus as notices
-- in the inbox and by mail, as a case's due dates do: told when it is sent, reminded the
-- working day before it is due and chased when overdue. A notice is therefore about a case
-- or about a call, never both. Kept in step with migrations/postgres/0022_bill_call_notices.sql.
--
-- SQLite cannot change a CHECK or drop NOT NULL, so the table is rebuilt (as in 0019).
CREATE TABLE notifications_0022 (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue', 'meeting_decision', 'not_an_answer', 'reply_corrected', 'meeting_reports', 'meeting_agenda', 'office_filed', 'bill_call', 'bill_call_due', 'bill_call_overdue')),
    case_id       INTEGER REFERENCES cases (id),
    bill_call_id  INTEGER REFERENCES bill_calls (id),
    event_id      INTEGER REFERENCES case_events (id),
    data          TEXT    NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL,
    read_at       INTEGER,
    emailed_at    INTEGER,
    dedupe_key    TEXT,
    routed        TEXT,
    CONSTRAINT notifications_user_dedupe_key UNIQUE (user_id, dedupe_key),
    CONSTRAINT notifications_about_check CHECK ((case_id IS NULL) <> (bill_call_id IS NULL))
);
INSERT INTO notifications_0022 (id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key, routed)
SELECT id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key, routed FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_0022 RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at, id);
CREATE INDEX notifications_unsent_idx ON notifications (emailed_at, id);
CREATE INDEX notifications_routing_idx ON notifications (routed, emailed_at, user_id, id);
