-- The letters a case travels by (issue 32): the council's incoming letter (來文字號, with its
-- day) recorded by the secretariat, and the city's outgoing letter (發文字號, with its day)
-- recorded when the reply is sent outside the volume. Both are searched and shown on the
-- councilor's status page; the letter draft (函稿) names them. Kept in step with
-- migrations/sqlite/0025_case_letters.sql.
CREATE TABLE case_letters (
    case_id          BIGINT  PRIMARY KEY REFERENCES cases (id),
    incoming_number  TEXT    NOT NULL DEFAULT '',
    incoming_on      TEXT,
    outgoing_number  TEXT    NOT NULL DEFAULT '',
    outgoing_on      TEXT,
    updated_by       BIGINT  NOT NULL REFERENCES users (id),
    updated_at       BIGINT  NOT NULL
);
