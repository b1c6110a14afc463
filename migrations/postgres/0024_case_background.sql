-- A case's internal background (issue 32): a note the lead bureau writes for those who
-- judge its reply (背景說明) and flags of sensitivity (媒體關注, 預算影響, 法律風險). Read by
-- the lead bureau, the secretariat and the reviewer only; never by a co-bureau, the admin, a
-- status page, an export to the council or the volume, which do not read these tables.
-- Kept in step with migrations/sqlite/0024_case_background.sql.
CREATE TABLE case_background (
    case_id     BIGINT  PRIMARY KEY REFERENCES cases (id),
    note        TEXT    NOT NULL DEFAULT '',
    version     BIGINT  NOT NULL DEFAULT 1,
    updated_by  BIGINT  NOT NULL REFERENCES users (id),
    updated_at  BIGINT  NOT NULL
);

-- One row per flag a case carries; the reviewer's queue filters by flag.
CREATE TABLE case_flags (
    case_id  BIGINT  NOT NULL REFERENCES cases (id),
    flag     TEXT    NOT NULL CHECK (flag IN ('media', 'budget', 'legal')),
    PRIMARY KEY (case_id, flag)
);
CREATE INDEX case_flags_flag_idx ON case_flags (flag, case_id);
