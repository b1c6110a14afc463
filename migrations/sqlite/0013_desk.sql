-- A day at the desk (issue 26). Kept in step with migrations/postgres/0013_desk.sql.

-- Words officers use for the same thing (社宅 / 社會住宅), one group per row, the words
-- separated by single spaces as the admin wrote them. The keyword search and the
-- similar-question lookup read a term as any word of its group. Words every city uses are
-- here; the admin adds the city's own.
CREATE TABLE synonym_groups (
    id     INTEGER PRIMARY KEY,
    words  TEXT NOT NULL
);
INSERT INTO synonym_groups (words) VALUES ('社宅 社會住宅');
INSERT INTO synonym_groups (words) VALUES ('都更 都市更新');
INSERT INTO synonym_groups (words) VALUES ('長照 長期照顧');
INSERT INTO synonym_groups (words) VALUES ('危老 危險及老舊建築物');

-- The case list sorted by due date (either way), paged by number.
CREATE INDEX cases_due_idx ON cases (due_on, id);

-- A case list's filters saved under a name by one user (the query string of /cases).
CREATE TABLE saved_filters (
    id       INTEGER PRIMARY KEY,
    user_id  INTEGER NOT NULL REFERENCES users (id),
    name     TEXT NOT NULL,
    query    TEXT NOT NULL,
    CONSTRAINT saved_filters_user_name_key UNIQUE (user_id, name)
);

-- The lead bureau hears when its approver or the secretariat corrected the wording of its
-- reply while signing it off or checking it (修改後核定): a new notification kind. SQLite
-- cannot change a CHECK, so the table is rebuilt (nothing refers to it), as in 0011.
CREATE TABLE notifications_0013 (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue', 'meeting_decision', 'not_an_answer', 'reply_corrected')),
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    event_id    INTEGER REFERENCES case_events (id),
    data        TEXT    NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    read_at     INTEGER,
    emailed_at  INTEGER,
    dedupe_key  TEXT,
    CONSTRAINT notifications_user_dedupe_key UNIQUE (user_id, dedupe_key)
);
INSERT INTO notifications_0013 (id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key)
SELECT id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_0013 RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at, id);
CREATE INDEX notifications_unsent_idx ON notifications (emailed_at, id);
