-- Several app servers on one database (issue 28): limits every server counts against, turns
-- at writing volumes shared by the cluster, and volume jobs any server may take up again when
-- the one running it stops. Kept in step with migrations/sqlite/0016_cluster.sql.

-- One row per limiter and subject (an address, a link): the generic cell rate algorithm's
-- theoretical arrival time in milliseconds. A subject is allowed while that time is less than
-- the limiter's window ahead of now; `allowed` says whether the last check was.
CREATE TABLE rate_limits (
    bucket   TEXT    NOT NULL,
    subject  TEXT    NOT NULL,
    tat_ms   BIGINT  NOT NULL,
    allowed  BIGINT  NOT NULL DEFAULT 1,
    PRIMARY KEY (bucket, subject)
);
CREATE INDEX rate_limits_tat_idx ON rate_limits (tat_ms);

-- Turns at writing a volume, shared by every server: slots 0 … K-1 in use; a slot is free
-- when its lease has run out, so a server that died gives its turn back by itself.
CREATE TABLE render_slots (
    slot         BIGINT  PRIMARY KEY,
    holder       TEXT,
    user_id      BIGINT,
    lease_until  BIGINT  NOT NULL DEFAULT 0
);

-- A running job's lease: another server takes it up again once it runs out. `attempt`
-- counts the takes and is the claim's token: a stale run cannot write a second result.
ALTER TABLE volume_jobs ADD COLUMN attempt BIGINT NOT NULL DEFAULT 0;
ALTER TABLE volume_jobs ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
CREATE INDEX volume_jobs_state_idx ON volume_jobs (state, id);
