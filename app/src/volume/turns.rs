//! Writing volumes on several app servers: turns and jobs claimed in the database, so that
//! at most K volumes are written at once in the whole cluster (K = `RENDER_SLOTS`), each user
//! has one written at a time, and a job whose server stops is taken up by another once its
//! lease runs out — with no second copy of the result, because every write of a run names
//! the attempt it belongs to (migration 0016).
//!
//! A turn is a row of `render_slots` (0 … K-1) whose lease has not run out. Taking one is a
//! conditional `UPDATE`: two servers after the same slot both wait on its row, and the second
//! finds the lease taken when it gets the row (PostgreSQL re-checks the condition on the
//! updated row; SQLite has one writer at a time), so the bound holds without a lock table.

use crate::db::{begin, Backend, Db};
use sqlx::AnyPool;

/// How long a turn or a job's run is held without being renewed. Runs renew every third of
/// it; a server that died gives its turns back when this has passed.
pub const LEASE_SECS: i64 = 60;

/// Runs of one job before it is given up as the thing that stops servers.
pub const MAX_ATTEMPTS: i64 = 3;

/// What a job failed with when its runs kept being cut off, in words users read.
pub const GIVEN_UP: &str =
    "產生時伺服器中斷了三次，已停止重試。請縮小範圍（例如分次產生）後再試，或洽系統管理員。";

/// A job taken up by this server: what to compile, and the attempt its writes must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub attempt: i64,
    pub user: i64,
    pub query: String,
    pub format: String,
    pub slot: i64,
}

/// Makes sure slots 0 … `slots`-1 exist (run at start; servers asking for more add rows,
/// and each takes only slots below its own K, so set the same K everywhere).
pub async fn ensure_slots(pool: &AnyPool, slots: i64) -> Result<(), sqlx::Error> {
    for slot in 0..slots {
        sqlx::query(
            "INSERT INTO render_slots (slot, lease_until) VALUES ($1, 0) \
             ON CONFLICT (slot) DO NOTHING",
        )
        .bind(slot)
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// Takes a free turn below `slots` for `user` under `holder`, unless the user holds one
/// already: the slot taken, or none (no room, or another server got there first — try
/// again later).
pub async fn take_slot<'c>(
    db: impl Db<'c>,
    slots: i64,
    user: i64,
    holder: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE render_slots SET holder = $1, user_id = $2, lease_until = $3 + $5 \
         WHERE slot = (SELECT MIN(slot) FROM render_slots WHERE slot < $4 AND lease_until < $3) \
           AND lease_until < $3 \
           AND NOT EXISTS (SELECT 1 FROM render_slots \
                           WHERE user_id = $2 AND lease_until >= $3) \
         RETURNING slot",
    )
    .bind(holder)
    .bind(user)
    .bind(now)
    .bind(slots)
    .bind(LEASE_SECS)
    .fetch_optional(db)
    .await
}

/// Keeps a turn `LEASE_SECS` longer; false when it was lost (its lease ran out and another
/// took the slot).
pub async fn renew_slot(
    pool: &AnyPool,
    slot: i64,
    holder: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query(
            "UPDATE render_slots SET lease_until = $3 + $4 WHERE slot = $1 AND holder = $2",
        )
        .bind(slot)
        .bind(holder)
        .bind(now)
        .bind(LEASE_SECS)
        .execute(pool)
        .await?
        .rows_affected()
            == 1,
    )
}

/// Gives a turn back at once.
pub async fn give_back(pool: &AnyPool, slot: i64, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE render_slots SET holder = NULL, user_id = NULL, lease_until = 0 \
         WHERE slot = $1 AND holder = $2",
    )
    .bind(slot)
    .bind(holder)
    .execute(pool)
    .await?;
    Ok(())
}

/// Takes up the oldest job that waits — queued, or running under a lease that ran out —
/// whose user has no volume being written, with a turn for it; none when there is no such
/// job or no room. Jobs cut off `MAX_ATTEMPTS` times are failed instead.
pub async fn claim_job(
    pool: &AnyPool,
    slots: i64,
    holder: &str,
    now: i64,
) -> Result<Option<Claimed>, sqlx::Error> {
    // A read first, so that an idle worker's look every two seconds takes no write lock
    // (on SQLite every write transaction does, whatever it matches).
    let waiting: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM volume_jobs \
         WHERE state = 'queued' OR (state = 'running' AND lease_until < $1) LIMIT 1",
    )
    .bind(now)
    .fetch_optional(pool)
    .await?;
    if waiting.is_none() {
        return Ok(None);
    }
    sqlx::query(
        "UPDATE volume_jobs SET state = 'failed', error = $1, updated_at = $2 \
         WHERE state = 'running' AND lease_until < $2 AND attempt >= $3",
    )
    .bind(GIVEN_UP)
    .bind(now)
    .bind(MAX_ATTEMPTS)
    .execute(pool)
    .await?;
    let backend = Backend::of_pool(pool).unwrap_or(Backend::Sqlite);
    let mut tx = begin(pool).await?;
    let next: Option<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT id, requested_by FROM volume_jobs \
         WHERE (state = 'queued' OR (state = 'running' AND lease_until < $1)) \
           AND requested_by NOT IN (SELECT user_id FROM render_slots \
                                    WHERE lease_until >= $1 AND user_id IS NOT NULL) \
         ORDER BY id LIMIT 1{}",
        backend.skip_locked()
    ))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, user)) = next else {
        return Ok(None);
    };
    let Some(slot) = take_slot(&mut *tx, slots, user, holder, now).await? else {
        return Ok(None);
    };
    let claimed: Option<(i64, String, String)> = sqlx::query_as(
        "UPDATE volume_jobs SET state = 'running', attempt = attempt + 1, \
           lease_until = $2 + $3, updated_at = $2 \
         WHERE id = $1 AND (state = 'queued' OR (state = 'running' AND lease_until < $2)) \
         RETURNING attempt, filter, format",
    )
    .bind(id)
    .bind(now)
    .bind(LEASE_SECS)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((attempt, query, format)) = claimed else {
        // Another server took it between the look and the claim; the turn goes back with
        // the rollback.
        return Ok(None);
    };
    tx.commit().await?;
    Ok(Some(Claimed {
        id,
        attempt,
        user,
        query,
        format,
        slot,
    }))
}

/// Keeps a run's job and turn `LEASE_SECS` longer; false when the run lost its job (another
/// server took it up), and should stop.
pub async fn renew_job(
    pool: &AnyPool,
    job: &Claimed,
    holder: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let kept = sqlx::query(
        "UPDATE volume_jobs SET lease_until = $3 + $4, updated_at = $3 \
         WHERE id = $1 AND attempt = $2 AND state = 'running'",
    )
    .bind(job.id)
    .bind(job.attempt)
    .bind(now)
    .bind(LEASE_SECS)
    .execute(pool)
    .await?
    .rows_affected()
        == 1;
    Ok(renew_slot(pool, job.slot, holder, now).await? && kept)
}

/// Tells the job pages that queued jobs still wait for a turn (not interrupted); any server
/// whose worker is alive does.
pub async fn still_waiting(pool: &AnyPool, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE volume_jobs SET updated_at = $1 WHERE state = 'queued'")
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}
