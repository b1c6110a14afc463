-- The biweekly follow-up meeting (追蹤會議, issue 11): bureaus' progress reports on tracked
-- cases, the meetings with their attendees, and the reviewer's decision on each case.
-- Kept in step with migrations/postgres/0008_meetings.sql.

-- A dated report by a bureau on a case under tracking, with the date it expects to be done.
CREATE TABLE progress_reports (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    bureau_id    INTEGER NOT NULL REFERENCES bureaus (id),
    body         TEXT    NOT NULL,
    expected_on  TEXT,
    reported_by  INTEGER NOT NULL REFERENCES users (id),
    reported_at  INTEGER NOT NULL
);
CREATE INDEX progress_reports_case_idx ON progress_reports (case_id, reported_at);

-- At most one meeting is scheduled at a time; a held one is read-only and keeps its
-- minutes as they were confirmed (JSON), so later changes to cases or names never rewrite
-- what was decided.
CREATE TABLE meetings (
    id            INTEGER PRIMARY KEY,
    held_on       TEXT    NOT NULL,
    starts_at     TEXT    NOT NULL DEFAULT '',
    place         TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL CHECK (status IN ('scheduled', 'held')),
    scheduled_by  INTEGER NOT NULL REFERENCES users (id),
    scheduled_at  INTEGER NOT NULL,
    confirmed_by  INTEGER REFERENCES users (id),
    confirmed_at  INTEGER,
    minutes       TEXT,
    CHECK (status <> 'held' OR (confirmed_at IS NOT NULL AND minutes IS NOT NULL))
);
CREATE UNIQUE INDEX meetings_one_scheduled_key ON meetings (status) WHERE status = 'scheduled';
CREATE INDEX meetings_held_on_idx ON meetings (held_on);

CREATE TABLE meeting_attendees (
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id),
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    PRIMARY KEY (meeting_id, position)
);

-- The reviewer's decision on one tracked case, recorded during or after the meeting and
-- applied to the case when the meeting is confirmed.
CREATE TABLE meeting_decisions (
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id),
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    decision       TEXT    NOT NULL CHECK (decision IN ('keep', 'release', 'reassign', 'escalate')),
    next_check_on  TEXT,
    bureau_id      INTEGER REFERENCES bureaus (id),
    remark         TEXT    NOT NULL,
    decided_by     INTEGER NOT NULL REFERENCES users (id),
    decided_at     INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, case_id),
    CHECK (decision <> 'keep' OR next_check_on IS NOT NULL),
    CHECK (decision <> 'reassign' OR bureau_id IS NOT NULL)
);
CREATE INDEX meeting_decisions_case_idx ON meeting_decisions (case_id);

-- What the last meeting set for a tracked case: when to check it next, and whether it was
-- escalated (to the secretary-general's attention).
ALTER TABLE cases ADD COLUMN next_check_on TEXT;
ALTER TABLE cases ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1));

-- Bureaus hear of the meeting's decisions on their cases: a new notification kind. SQLite
-- cannot change a CHECK, so the table is rebuilt (nothing refers to it).
CREATE TABLE notifications_0008 (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('assigned', 'rejected', 'returned', 'approved', 'due_tomorrow', 'overdue', 'meeting_decision')),
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    event_id    INTEGER REFERENCES case_events (id),
    data        TEXT    NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    read_at     INTEGER,
    emailed_at  INTEGER,
    dedupe_key  TEXT,
    CONSTRAINT notifications_user_dedupe_key UNIQUE (user_id, dedupe_key)
);
INSERT INTO notifications_0008 (id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key)
SELECT id, user_id, kind, case_id, event_id, data, created_at, read_at, emailed_at, dedupe_key FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_0008 RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at, id);
CREATE INDEX notifications_unsent_idx ON notifications (emailed_at, id);
