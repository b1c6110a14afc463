//! `seed-demo --cases N`: a decade (or more) of believable data for trying the app at scale
//! and for the benchmark. Cases spread over the 11th–14th councils' regular sessions, with
//! councilors per term, joint questions, lead and co-bureau parts (some first rejected),
//! sub-answers, replies of realistic length, data deliveries with a file, and a timeline
//! for every case, chained like any other. Rows go in with multi-row INSERTs inside one
//! transaction, not through the step functions: 20,000 cases in seconds rather than
//! minutes. Deterministic (a fixed seed), so two runs build the same data.
//!
//! By phase: who acts (`cases::People`), the councils (`council`), the cases (`cases`),
//! their rows written (`rows`), out of `words`.

mod cases;
mod council;
mod rows;
mod words;

use app::{
    chain::{Appender, Chain},
    db::resync_ids,
    error::AppError,
    state::AppState,
};
use rand::{rngs::StdRng, SeedableRng};
use sqlx::AnyPool;

/// Builds `count` cases; returns how many questions and data requests.
pub async fn generate(state: &AppState, count: usize) -> Result<(usize, usize), AppError> {
    let pool = &state.db;
    let mut rng = StdRng::seed_from_u64(20_240_315);
    let people = people(pool).await?;
    let sessions = council::sessions(pool, state.today()).await?;
    let already: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM cases WHERE session_id IN ({})",
        sessions
            .iter()
            .map(|s| s.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .fetch_one(pool)
    .await?;
    if already > 0 {
        return Err(AppError::Conflict(format!(
            "已有 {already} 件產生的案件，未重複產生。"
        )));
    }
    let sittings: Vec<i64> = sqlx::query_scalar("SELECT id FROM sitting_types ORDER BY sort_order")
        .fetch_all(pool)
        .await?;

    let mut tx = app::db::begin(pool).await?;
    let mut ids = cases::Counters {
        next_case: sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM cases")
            .fetch_one(&mut *tx)
            .await?,
        next_delivery: sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM deliveries")
            .fetch_one(&mut *tx)
            .await?,
        questions: 0,
        requests: 0,
    };
    let mut chain = Appender::lock(&mut tx, Chain::CaseEvents).await?;
    let mut rows = rows::Rows::default();
    cases::build(
        &mut rng, &people, &sessions, &sittings, count, &mut ids, &mut chain, &mut rows,
    );
    rows.write(&mut tx).await?;
    chain.finish(&mut tx).await?;
    resync_ids(&mut tx, &["cases", "deliveries"]).await?;
    tx.commit().await?;
    // Fresh statistics, so the planner knows the tables are large now.
    let _ = sqlx::query("ANALYZE").execute(pool).await;
    Ok((ids.questions, ids.requests))
}

/// Who the generated steps are by; a secretariat officer there must be.
async fn people(pool: &AnyPool) -> Result<cases::People, AppError> {
    let bureaus = sqlx::query_as("SELECT id, code FROM bureaus")
        .fetch_all(pool)
        .await?;
    let first_user = |role: &'static str| async move {
        sqlx::query_scalar::<_, i64>(&format!(
            "SELECT id FROM users WHERE role = '{role}' ORDER BY id LIMIT 1"
        ))
        .fetch_optional(pool)
        .await
    };
    let secretariat = first_user("secretariat").await?.ok_or_else(|| {
        AppError::internal("generate", "no secretariat user; run seed-demo first")
    })?;
    let reviewer = first_user("reviewer").await?.unwrap_or(secretariat);
    let bureau_users = sqlx::query_as(
        "SELECT bureau_id, MIN(id) FROM users WHERE bureau_id IS NOT NULL GROUP BY bureau_id",
    )
    .fetch_all(pool)
    .await?;
    Ok(cases::People {
        bureaus,
        secretariat,
        reviewer,
        bureau_users,
    })
}
