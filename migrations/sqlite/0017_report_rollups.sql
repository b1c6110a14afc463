-- The report's figures kept as cases change (issue 28), so that a report reads a few rows a
-- day rather than every case with its events. Kept in step with
-- migrations/postgres/0017_report_rollups.sql.
--
-- `app/src/reports/db/rollup.rs` fills these from the case events: the cases with events
-- after `report_state.seq` (the events' chain position) get their facts again, and the days
-- those facts fall on are summed again. A watermark of 0 rebuilds everything.

-- One row per case: what the figures count. Dates are 'YYYY-MM-DD' like cases.due_on.
-- `replied`, `on_time` and `open` are 0 or 1; `days` is the days to the reply (0 while
-- there is none); `bureau_id` 0 when no bureau leads the case.
CREATE TABLE report_facts (
    case_id          BIGINT  PRIMARY KEY REFERENCES cases (id),
    kind             TEXT    NOT NULL,
    session_id       BIGINT  NOT NULL,
    sitting_type_id  BIGINT  NOT NULL,
    bureau_id        BIGINT  NOT NULL,
    start_on         TEXT    NOT NULL,
    due_on           TEXT    NOT NULL,
    replied_on       TEXT,
    replied          BIGINT  NOT NULL,
    on_time          BIGINT  NOT NULL,
    days             BIGINT  NOT NULL,
    returns          BIGINT  NOT NULL,
    not_answers      BIGINT  NOT NULL,
    open             BIGINT  NOT NULL
);
CREATE INDEX report_facts_start_idx ON report_facts (start_on);
CREATE INDEX report_facts_replied_idx ON report_facts (replied_on);
-- Open cases are few (a few thousand of 400,000): "open" and "overdue" read only them.
CREATE INDEX report_facts_open_idx ON report_facts (due_on, start_on) WHERE open = 1;

-- Cases that started on a day, by kind and lead bureau.
CREATE TABLE report_days (
    day          TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    bureau_id    BIGINT  NOT NULL,
    recorded     BIGINT  NOT NULL,
    replied      BIGINT  NOT NULL,
    on_time      BIGINT  NOT NULL,
    days         BIGINT  NOT NULL,
    returns      BIGINT  NOT NULL,
    not_answers  BIGINT  NOT NULL,
    PRIMARY KEY (day, kind, bureau_id)
);

-- Questions asked at a day's sittings, by session and sitting type.
CREATE TABLE report_sittings (
    day              TEXT    NOT NULL,
    session_id       BIGINT  NOT NULL,
    sitting_type_id  BIGINT  NOT NULL,
    questions        BIGINT  NOT NULL,
    PRIMARY KEY (day, session_id, sitting_type_id)
);

-- Cases that started on a day, by councilor (a joint question counts for each) and kind.
CREATE TABLE report_councilor_days (
    day           TEXT    NOT NULL,
    councilor_id  BIGINT  NOT NULL,
    kind          TEXT    NOT NULL,
    cases         BIGINT  NOT NULL,
    replied       BIGINT  NOT NULL,
    on_time       BIGINT  NOT NULL,
    not_answers   BIGINT  NOT NULL,
    PRIMARY KEY (day, councilor_id, kind)
);

-- Replies given on a day, whenever their case started.
CREATE TABLE report_reply_days (
    day      TEXT    PRIMARY KEY,
    replied  BIGINT  NOT NULL
);

-- How far the figures are kept: the chain position of the last case event counted.
CREATE TABLE report_state (
    id   BIGINT  PRIMARY KEY CHECK (id = 1),
    seq  BIGINT  NOT NULL
);
INSERT INTO report_state (id, seq) VALUES (1, 0);
