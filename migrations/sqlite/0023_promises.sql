-- Promises made in session (會後補資料, issue 32): an official answering a question orally
-- says the figures will follow after the meeting. The promise is a data request of the
-- question's councilor, due by the `promise` rule (five working days, as New Taipei's rules
-- ask of an unfinished oral answer) or a day typed, and linked to the question both ways.
-- Kept in step with migrations/postgres/0023_promises.sql.
CREATE TABLE deadline_rules_0023 (
    rule      TEXT    PRIMARY KEY CHECK (rule IN ('question_reply', 'data_ordinary', 'data_urgent', 'data_most_urgent', 'service_case', 'execution_report', 'bill_call', 'promise')),
    days      INTEGER NOT NULL CHECK (days BETWEEN 0 AND 365),
    counting  TEXT    NOT NULL CHECK (counting IN ('calendar', 'working'))
);
INSERT INTO deadline_rules_0023 (rule, days, counting) SELECT rule, days, counting FROM deadline_rules;
INSERT INTO deadline_rules_0023 (rule, days, counting) VALUES ('promise', 5, 'working');
DROP TABLE deadline_rules;
ALTER TABLE deadline_rules_0023 RENAME TO deadline_rules;

-- One row per promise: the question it was made on, the data request that carries it (one
-- promise each), who promised and what.
CREATE TABLE case_promises (
    id           INTEGER PRIMARY KEY,
    question_id  INTEGER NOT NULL REFERENCES cases (id),
    request_id   INTEGER NOT NULL REFERENCES cases (id),
    promised_by  TEXT    NOT NULL,
    what         TEXT    NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES users (id),
    recorded_at  INTEGER NOT NULL,
    CONSTRAINT case_promises_request_key UNIQUE (request_id),
    CHECK (question_id <> request_id)
);
CREATE INDEX case_promises_question_idx ON case_promises (question_id, id);
