//! Service cases in the database: recording one (by an officer or by an office's link), the
//! case page's facts, and the retention job that deletes constituents' personal data.

use super::{
    Category, Constituent, NewVisit, PersonalView, ServiceCase, ServiceFacts, Visit, VisitKind,
};
use crate::{
    caller::Caller,
    cases::{
        db::{
            append_event, check_session, computed_due, link_councilor, next_number,
            reference_error, EventActor, RecordedBy,
        },
        events::{EventAction, EventData},
        CaseKind,
    },
    db::Tx,
    deadlines::RuleKind,
    error::AppError,
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

/// The categories a new case may take, in their order.
pub async fn categories(pool: &AnyPool) -> Result<Vec<Category>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM service_categories WHERE active = $1 ORDER BY sort_order, id",
    )
    .bind(true)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Category { id, name })
        .collect())
}

/// Records a service case of `councilor_id` received at `received_at`, due by the
/// `service_case` rule from that day. Returns its id.
pub async fn record(
    tx: &mut Tx,
    session_id: i64,
    councilor_id: i64,
    received_at: i64,
    case: &ServiceCase,
    by: RecordedBy<'_>,
    now: i64,
) -> Result<i64, AppError> {
    check_session(tx, session_id).await?;
    let active: Option<i64> =
        sqlx::query_scalar("SELECT id FROM service_categories WHERE id = $1 AND active = $2")
            .bind(case.category_id)
            .bind(true)
            .fetch_optional(&mut **tx)
            .await?;
    if active.is_none() {
        return Err(AppError::validation(
            "category_id",
            "找不到所選的案件類別，請重新選擇。",
        ));
    }
    let received = crate::dates::taipei_date(received_at).ok_or(AppError::BadRequest)?;
    let due_on = computed_due(tx, RuleKind::ServiceCase, received).await?;
    let number = next_number(tx, session_id, CaseKind::Service).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (kind, session_id, number, topic, body, received_at, due_on, status, \
           created_by, filed_link_id, created_at, updated_at) \
         VALUES ('service', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(session_id)
    .bind(number)
    .bind(&case.topic)
    .bind(&case.body)
    .bind(received_at)
    .bind(due_on.to_string())
    .bind(by.status().as_str())
    .bind(by.user_id())
    .bind(by.link_id())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| reference_error(e, "session_id"))?;
    sqlx::query(
        "INSERT INTO service_details (case_id, category_id, district, address, office_contact) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(case.category_id)
    .bind(&case.district)
    .bind(&case.address)
    .bind(&case.office_contact)
    .execute(&mut **tx)
    .await?;
    if !case.constituent.is_empty() {
        sqlx::query(
            "INSERT INTO service_personal_data (case_id, name, phone, recorded_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&case.constituent.name)
        .bind(&case.constituent.phone)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    link_councilor(tx, id, councilor_id).await?;
    crate::cases::db::store_search(tx, id).await?;
    // The event names the due date only: never the constituent, whom the chained timeline
    // could not forget.
    let data = EventData {
        due_on: Some(due_on),
        ..Default::default()
    };
    append_event(tx, id, now, by.actor(), EventAction::Record, &data).await?;
    Ok(id)
}

/// A service case's own facts for the case page; the constituent only if `may_see`.
pub async fn facts(
    pool: &AnyPool,
    case_id: i64,
    may_see: bool,
) -> Result<Option<ServiceFacts>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT sc.name AS category, d.district, d.address, d.office_contact, \
           p.name, p.phone, p.case_id AS kept \
         FROM service_details d JOIN service_categories sc ON sc.id = d.category_id \
         LEFT JOIN service_personal_data p ON p.case_id = d.case_id WHERE d.case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let constituent = if row.try_get::<Option<i64>, _>("kept")?.is_some() {
        if may_see {
            PersonalView::Shown(Constituent {
                name: row
                    .try_get::<Option<String>, _>("name")?
                    .unwrap_or_default(),
                phone: row
                    .try_get::<Option<String>, _>("phone")?
                    .unwrap_or_default(),
            })
        } else {
            PersonalView::Withheld
        }
    } else {
        let removed: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(at) FROM case_events WHERE case_id = $1 AND action = $2",
        )
        .bind(case_id)
        .bind(EventAction::PersonalDataRemoved.as_str())
        .fetch_one(pool)
        .await?;
        match removed.and_then(crate::dates::taipei_date) {
            Some(on) => PersonalView::Removed(on),
            None => PersonalView::NotGiven,
        }
    };
    Ok(Some(ServiceFacts {
        category: row.try_get("category")?,
        district: row.try_get("district")?,
        address: row.try_get("address")?,
        office_contact: row.try_get("office_contact")?,
        constituent,
        visits: visits(pool, &[case_id])
            .await?
            .into_iter()
            .map(|(_, v)| v)
            .collect(),
        can_arrange: false,
    }))
}

/// The visits of `cases`, each with its case id, soonest first.
pub async fn visits(pool: &AnyPool, cases: &[i64]) -> Result<Vec<(i64, Visit)>, sqlx::Error> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    let ids = crate::cases::db::id_list(cases.iter().copied());
    let rows = sqlx::query(&format!(
        "SELECT id, case_id, kind, held_on, starts_at, place, outcome FROM service_visits \
         WHERE case_id IN ({ids}) ORDER BY held_on, starts_at, id"
    ))
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push((
            r.try_get("case_id")?,
            Visit {
                id: r.try_get("id")?,
                kind: VisitKind::parse(r.try_get("kind")?)
                    .ok_or_else(|| crate::db::unexpected("visit kind"))?,
                held_on: crate::db::date(r, "held_on")?,
                starts_at: r.try_get("starts_at")?,
                place: r.try_get("place")?,
                bureaus: Vec::new(),
                outcome: r.try_get("outcome")?,
            },
        ));
    }
    if !out.is_empty() {
        let visit_ids = crate::cases::db::id_list(out.iter().map(|(_, v)| v.id));
        let who: Vec<(i64, String, String)> = sqlx::query_as(&format!(
            "SELECT vb.visit_id, b.name, vb.attendees FROM service_visit_bureaus vb \
             JOIN bureaus b ON b.id = vb.bureau_id WHERE vb.visit_id IN ({visit_ids}) \
             ORDER BY b.sort_order, b.id"
        ))
        .fetch_all(pool)
        .await?;
        for (visit, name, attendees) in who {
            if let Some((_, v)) = out.iter_mut().find(|(_, v)| v.id == visit) {
                v.bureaus.push((name, attendees));
            }
        }
    }
    Ok(out)
}

/// Checks that `c` may arrange visits on service case `case_id` now; its status.
async fn arranging(c: &Caller, tx: &mut Tx, case_id: i64) -> Result<(), AppError> {
    let row = sqlx::query("SELECT kind, status FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let part = crate::cases::db::my_part(&mut **tx, case_id, c.user.bureau_id).await?;
    if !crate::cases::db::standing(&c.user).may_view(part) {
        return Err(AppError::NotFound);
    }
    if row.try_get::<String, _>("kind")? != CaseKind::Service.as_str() {
        return Err(AppError::NotFound);
    }
    let status = crate::cases::CaseStatus::parse(row.try_get("status")?)
        .ok_or_else(|| crate::db::unexpected("case status"))?;
    let leads = part.is_some_and(|p| p.role == crate::cases::PartRole::Lead);
    // Who, by the one rule: asked of a case being worked, so only the party decides here.
    if !super::may_arrange_visit(c.user.role, leads, crate::cases::CaseStatus::InProgress) {
        return Err(AppError::Forbidden);
    }
    if !super::may_arrange_visit(c.user.role, leads, status) {
        return Err(AppError::Conflict(
            "這個案件目前不能安排會勘或協調會（尚未受理或已結案）。".into(),
        ));
    }
    Ok(())
}

/// Schedules a site inspection or coordination meeting on service case `case_id`.
pub async fn schedule_visit(c: &Caller, case_id: i64, visit: &NewVisit) -> Result<i64, AppError> {
    let mut tx = c.begin().await?;
    arranging(c, &mut tx, case_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO service_visits (case_id, kind, held_on, starts_at, place, created_by, \
           created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(case_id)
    .bind(visit.kind.as_str())
    .bind(visit.held_on.to_string())
    .bind(&visit.starts_at)
    .bind(&visit.place)
    .bind(c.user.id)
    .bind(c.ts())
    .fetch_one(&mut *tx)
    .await?;
    for (bureau, attendees) in &visit.bureaus {
        sqlx::query(
            "INSERT INTO service_visit_bureaus (visit_id, bureau_id, attendees) \
             VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(bureau)
        .bind(attendees)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                AppError::validation("bureau", "找不到所選的機關，請重新選擇。")
            }
            _ => e.into(),
        })?;
    }
    let data = EventData {
        visit_id: Some(id),
        visit_kind: Some(visit.kind),
        held_on: Some(visit.held_on),
        starts_at: (!visit.starts_at.is_empty()).then(|| visit.starts_at.clone()),
        place: Some(visit.place.clone()),
        attending: visit.bureaus.iter().map(|(b, _)| *b).collect(),
        ..Default::default()
    };
    append_event(
        &mut tx,
        case_id,
        c.ts(),
        EventActor::user(&c.user),
        EventAction::ScheduleVisit,
        &data,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records what came of visit `visit_id` (once); returns its case.
pub async fn record_outcome(c: &Caller, visit_id: i64, outcome: &str) -> Result<i64, AppError> {
    let mut tx = c.begin().await?;
    let row: Option<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT case_id, kind, outcome FROM service_visits WHERE id = $1")
            .bind(visit_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (case_id, kind, before) = row.ok_or(AppError::NotFound)?;
    arranging(c, &mut tx, case_id).await?;
    if before.is_some() {
        return Err(AppError::Conflict("這場會勘或協調會已記錄結果。".into()));
    }
    sqlx::query("UPDATE service_visits SET outcome = $1, outcome_at = $2 WHERE id = $3")
        .bind(outcome)
        .bind(c.ts())
        .bind(visit_id)
        .execute(&mut *tx)
        .await?;
    let data = EventData {
        visit_id: Some(visit_id),
        visit_kind: VisitKind::parse(&kind),
        comment: Some(outcome.to_owned()),
        ..Default::default()
    };
    append_event(
        &mut tx,
        case_id,
        c.ts(),
        EventActor::user(&c.user),
        EventAction::VisitOutcome,
        &data,
    )
    .await?;
    tx.commit().await?;
    Ok(case_id)
}

/// The retention period the admin set (`personal_data_days`).
pub async fn retention_days(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    Ok(crate::db::setting(pool, "personal_data_days")
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(super::DEFAULT_RETENTION_DAYS))
}

/// Sets the retention period, in `tx`.
pub async fn set_retention_days(tx: &mut Tx, days: i64) -> Result<(), sqlx::Error> {
    crate::db::set_setting(tx, "personal_data_days", &days.to_string()).await
}

/// Deletes the constituents' name and phone of every finished service case whose retention
/// has run out ([`super::retention_over`]), each with a system event on its timeline.
/// Returns how many were deleted. A few hundred at a time, so a first run after a long
/// pause does not hold the write lock long; the housekeeping runs it again.
pub async fn remove_expired(pool: &AnyPool, now: i64, today: NaiveDate) -> Result<u64, AppError> {
    let days = retention_days(pool).await?;
    // The SQL narrows to finished cases untouched for the period in seconds; the rule, in
    // Taipei days, decides.
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.status, c.updated_at FROM service_personal_data p \
         JOIN cases c ON c.id = p.case_id \
         WHERE c.status IN ('closed', 'refused') AND c.updated_at <= $1 \
         ORDER BY p.case_id LIMIT 500",
    )
    .bind(now - (days - 1) * 86_400)
    .fetch_all(pool)
    .await?;
    let mut removed = 0;
    for (case_id, status, updated_at) in rows {
        let finished = matches!(status.as_str(), "closed" | "refused");
        let Some(last) = crate::dates::taipei_date(updated_at) else {
            continue;
        };
        if !super::retention_over(finished, last, today, days) {
            continue;
        }
        let mut tx = crate::db::begin(pool).await?;
        let gone = sqlx::query("DELETE FROM service_personal_data WHERE case_id = $1")
            .bind(case_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if gone == 1 {
            append_event(
                &mut tx,
                case_id,
                now,
                EventActor::system(),
                EventAction::PersonalDataRemoved,
                &EventData::default(),
            )
            .await?;
            removed += 1;
        }
        tx.commit().await?;
    }
    Ok(removed)
}
