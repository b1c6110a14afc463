//! The councils the generated cases belong to: terms 11–14, sixty councilors each, and their
//! regular sessions (spring and autumn) up to today, without the demo session.

use super::words::{DISTRICTS, GIVEN, PARTIES, SURNAMES};
use app::reference::{
    db::{upsert_councilor, upsert_session, upsert_term, NewCouncilor},
    SessionKind,
};
use chrono::{Duration, NaiveDate};
use sqlx::AnyPool;

pub(super) struct Session {
    pub id: i64,
    pub starts_on: NaiveDate,
    /// Ended long enough ago that its cases are settled.
    pub settled: bool,
    /// The share of its settled cases still tracked (列管) today.
    pub tracked_share: f64,
    pub councilors: Vec<i64>,
}

/// The terms, councilors and sessions, made or found; the sessions in order.
pub(super) async fn sessions(
    pool: &AnyPool,
    today: NaiveDate,
) -> Result<Vec<Session>, sqlx::Error> {
    // Terms 11–14 and their regular sessions (spring and autumn), without the demo session.
    let mut sessions = Vec::new();
    for term in 11..=14_i64 {
        let year = 2010 + 4 * (term - 11) as i32;
        let term_id = upsert_term(
            pool,
            term,
            &format!("{year}-12-25"),
            &format!("{}-12-24", year + 4),
        )
        .await?;
        let mut councilors = Vec::new();
        for i in 0..60 {
            let surname: Vec<char> = SURNAMES.chars().collect();
            let name = format!(
                "{}{}",
                surname[(i * 7 + term as usize) % surname.len()],
                GIVEN[(i + term as usize * 3) % GIVEN.len()]
            );
            let party = PARTIES[i % PARTIES.len()];
            let c = NewCouncilor {
                name: &name,
                party,
                caucus: party,
                district: DISTRICTS[i % DISTRICTS.len()],
            };
            councilors.push(upsert_councilor(pool, term_id, &c).await?);
        }
        councilors.sort_unstable();
        councilors.dedup();
        for number in 1..=8_i64 {
            if term == 14 && number == 3 {
                continue;
            }
            let y = year + 1 + ((number - 1) / 2) as i32;
            let (from, to) = if number % 2 == 1 {
                (
                    NaiveDate::from_ymd_opt(y, 3, 1),
                    NaiveDate::from_ymd_opt(y, 6, 30),
                )
            } else {
                (
                    NaiveDate::from_ymd_opt(y, 9, 1),
                    NaiveDate::from_ymd_opt(y, 12, 31),
                )
            };
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            if from > today {
                continue;
            }
            let id = upsert_session(
                pool,
                term_id,
                SessionKind::Regular,
                number,
                &from.to_string(),
                &to.to_string(),
            )
            .await?;
            sessions.push(Session {
                id,
                starts_on: from,
                settled: to + Duration::days(60) < today,
                tracked_share: tracked_share(to, today),
                councilors: councilors.clone(),
            });
        }
    }
    Ok(sessions)
}

/// How many of a settled session's cases are still tracked, by how long ago it ended: the
/// biweekly meeting releases most within a year, a few stay for years (a works project).
/// A flat 10 % kept 40,000 cases of a decade on the agenda at 400,000, which no office has.
fn tracked_share(ended: NaiveDate, today: NaiveDate) -> f64 {
    match (today - ended).num_days() {
        ..=365 => 0.10,
        366..=1096 => 0.02,
        _ => 0.005,
    }
}
