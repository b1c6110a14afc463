-- The report's daily sums summed again by month (issue 28): a decade's report reads 120
-- months and at most two part-months of days, not 3,650 days of rows. Kept in step with
-- migrations/postgres/0018_report_months.sql; filled by `app/src/reports/db/rollup.rs`.

-- report_days by month ('YYYY-MM').
CREATE TABLE report_months (
    month        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    bureau_id    BIGINT  NOT NULL,
    recorded     BIGINT  NOT NULL,
    replied      BIGINT  NOT NULL,
    on_time      BIGINT  NOT NULL,
    days         BIGINT  NOT NULL,
    returns      BIGINT  NOT NULL,
    not_answers  BIGINT  NOT NULL,
    PRIMARY KEY (month, kind, bureau_id)
);

-- report_councilor_days by month.
CREATE TABLE report_councilor_months (
    month         TEXT    NOT NULL,
    councilor_id  BIGINT  NOT NULL,
    kind          TEXT    NOT NULL,
    cases         BIGINT  NOT NULL,
    replied       BIGINT  NOT NULL,
    on_time       BIGINT  NOT NULL,
    not_answers   BIGINT  NOT NULL,
    PRIMARY KEY (month, councilor_id, kind)
);

-- Built from the daily sums on the next refresh.
UPDATE report_state SET seq = 0;
