//! Caucus briefings: scheduled, the major bills chosen, the caucus's positions and asks
//! recorded, an ask made a data request.

use super::*;

/// The caucuses: as the councilors of the session's term name them.
async fn caucuses(db: &AnyPool, session_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT co.caucus FROM councilors co \
         JOIN council_sessions s ON s.term_id = co.term_id \
         WHERE s.id = $1 AND co.caucus <> '' ORDER BY co.caucus",
    )
    .bind(session_id)
    .fetch_all(db)
    .await
}

pub async fn briefings_page(c: &Caller, asked: Option<i64>) -> Result<BriefingsData, AppError> {
    let session_id = session_or_current(c.db(), asked, c.today()).await?;
    let briefings = sqlx::query(
        "SELECT br.id, br.caucus, br.held_on, br.starts_at, br.place, br.status, \
           (SELECT COUNT(*) FROM briefing_bills bb WHERE bb.briefing_id = br.id) AS bills, \
           (SELECT COUNT(*) FROM briefing_asks a WHERE a.briefing_id = br.id AND a.case_id IS NULL) AS asks_open \
         FROM caucus_briefings br WHERE br.session_id = $1 ORDER BY br.held_on, br.starts_at, br.id",
    )
    .bind(session_id)
    .fetch_all(c.db())
    .await?
    .iter()
    .map(|r| {
        Ok(BriefingRow {
            id: r.try_get("id")?,
            caucus: r.try_get("caucus")?,
            held_on: date(r, "held_on")?,
            starts_at: r.try_get("starts_at")?,
            place: r.try_get("place")?,
            status: BriefingStatus::parse(r.try_get("status")?)
                .ok_or_else(|| unexpected("briefing status"))?,
            bills: r.try_get("bills")?,
            asks_open: r.try_get("asks_open")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let (sessions, session) = sessions(c.db(), session_id).await?;
    Ok(BriefingsData {
        session_id,
        session,
        sessions,
        briefings,
        caucuses: caucuses(c.db(), session_id).await?,
        may_write: c.user.role == Role::Secretariat,
    })
}

/// Schedules a briefing for a caucus of the session's term. Returns its id.
pub async fn schedule(c: &Caller, tx: &mut Tx, b: &NewBriefing) -> Result<i64, AppError> {
    check_session(tx, b.session_id).await?;
    let known: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM councilors co JOIN council_sessions s ON s.term_id = co.term_id \
         WHERE s.id = $1 AND co.caucus = $2",
    )
    .bind(b.session_id)
    .bind(&b.caucus)
    .fetch_one(&mut **tx)
    .await?;
    if known == 0 {
        return Err(AppError::validation(
            "caucus",
            "這個會期的議員中沒有這個黨團。",
        ));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO caucus_briefings (session_id, caucus, held_on, starts_at, place, attendees, \
           status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7, $8, $8) RETURNING id",
    )
    .bind(b.session_id)
    .bind(&b.caucus)
    .bind(b.held_on.to_string())
    .bind(&b.starts_at)
    .bind(&b.place)
    .bind(&b.attendees)
    .bind(c.user.id)
    .bind(c.ts())
    .fetch_one(&mut **tx)
    .await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BriefingScheduled, "briefing", id).data(json!({
            "session_id": b.session_id,
            "caucus": b.caucus,
            "held_on": b.held_on.to_string(),
            "starts_at": b.starts_at,
            "place": b.place,
            "attendees": b.attendees,
        })),
    )
    .await?;
    Ok(id)
}

/// A briefing with its bills, positions and asks.
pub async fn briefing(c: &Caller, id: i64) -> Result<Briefing, AppError> {
    if !BRIEFING_READERS.contains(&c.user.role) {
        return Err(AppError::Forbidden);
    }
    let r = sqlx::query(
        "SELECT session_id, caucus, held_on, starts_at, place, attendees, status, outcome_note \
         FROM caucus_briefings WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c.db())
    .await?
    .ok_or(AppError::NotFound)?;
    let session_id: i64 = r.try_get("session_id")?;
    let caucus: String = r.try_get("caucus")?;
    let sql = format!(
        "SELECT {BILL_COLUMNS}, b.why, b.changes, bb.position FROM briefing_bills bb \
         JOIN bills b ON b.id = bb.bill_id JOIN bureaus bu ON bu.id = b.bureau_id \
         WHERE bb.briefing_id = $1 ORDER BY bu.sort_order, bu.id, b.id"
    );
    let bills = sqlx::query(&sql)
        .bind(id)
        .fetch_all(c.db())
        .await?
        .iter()
        .map(|b| {
            let position: Option<String> = b.try_get("position")?;
            Ok(PresentedBill {
                bill: bill_row(b)?,
                why: b.try_get("why")?,
                changes: b.try_get("changes")?,
                position: position.as_deref().and_then(Position::parse),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let asks = sqlx::query(
        "SELECT a.id, b.title, a.ask, a.case_id FROM briefing_asks a \
         LEFT JOIN bills b ON b.id = a.bill_id WHERE a.briefing_id = $1 ORDER BY a.id",
    )
    .bind(id)
    .fetch_all(c.db())
    .await?
    .iter()
    .map(|a| {
        Ok(Ask {
            id: a.try_get("id")?,
            bill_title: a.try_get("title")?,
            ask: a.try_get("ask")?,
            case_id: a.try_get("case_id")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let sql = format!(
        "SELECT {BILL_COLUMNS} FROM bills b JOIN bureaus bu ON bu.id = b.bureau_id \
         WHERE b.session_id = $1 AND b.major = $2 ORDER BY bu.sort_order, bu.id, b.id"
    );
    let major_bills = sqlx::query(&sql)
        .bind(session_id)
        .bind(true)
        .fetch_all(c.db())
        .await?
        .iter()
        .map(bill_row)
        .collect::<Result<Vec<_>, _>>()?;
    let councilors = sqlx::query(
        "SELECT co.id, co.name FROM councilors co JOIN council_sessions s ON s.term_id = co.term_id \
         WHERE s.id = $1 AND co.caucus = $2 ORDER BY co.name",
    )
    .bind(session_id)
    .bind(&caucus)
    .fetch_all(c.db())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Briefing {
        id,
        session_id,
        session: session_name(c.db(), session_id).await?,
        caucus,
        held_on: date(&r, "held_on")?,
        starts_at: r.try_get("starts_at")?,
        place: r.try_get("place")?,
        attendees: r.try_get("attendees")?,
        status: BriefingStatus::parse(r.try_get("status")?)
            .ok_or_else(|| unexpected("briefing status"))?,
        outcome_note: r.try_get("outcome_note")?,
        bills,
        asks,
        major_bills,
        councilors,
        may_write: c.user.role == Role::Secretariat,
    })
}

/// The briefing's session and status, for a write by the secretariat.
async fn briefing_for_write(
    c: &Caller,
    tx: &mut Tx,
    id: i64,
) -> Result<(i64, BriefingStatus), AppError> {
    if c.user.role != Role::Secretariat {
        return Err(AppError::Forbidden);
    }
    let r = sqlx::query("SELECT session_id, status FROM caucus_briefings WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        r.try_get("session_id")?,
        BriefingStatus::parse(r.try_get("status")?).ok_or_else(|| unexpected("briefing status"))?,
    ))
}

/// Chooses the bills a scheduled briefing presents: major bills of its session.
pub async fn choose_bills(c: &Caller, tx: &mut Tx, id: i64, bills: &[i64]) -> Result<(), AppError> {
    let (session_id, status) = briefing_for_write(c, tx, id).await?;
    if status == BriefingStatus::Held {
        return Err(AppError::Conflict(
            "這場報告已舉行，報告的議案不能再改。".into(),
        ));
    }
    for bill in bills {
        let ok: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM bills WHERE id = $1 AND session_id = $2 AND major = $3",
        )
        .bind(bill)
        .bind(session_id)
        .bind(true)
        .fetch_one(&mut **tx)
        .await?;
        if ok == 0 {
            return Err(AppError::validation(
                "bill_ids",
                "只能選這個會期的重大議案。",
            ));
        }
    }
    sqlx::query("DELETE FROM briefing_bills WHERE briefing_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for bill in bills {
        sqlx::query("INSERT INTO briefing_bills (briefing_id, bill_id) VALUES ($1, $2)")
            .bind(id)
            .bind(bill)
            .execute(&mut **tx)
            .await?;
    }
    c.audit(
        tx,
        Entry::new(AuditAction::BriefingBillsChosen, "briefing", id)
            .data(json!({ "bills": bills })),
    )
    .await
}

/// The ids of the bills a briefing presents.
pub async fn presented(tx: &mut Tx, id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT bill_id FROM briefing_bills WHERE briefing_id = $1 ORDER BY bill_id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?)
}

/// After the briefing: the caucus's position on each bill presented, and a note. The
/// briefing is then held; positions may be corrected later.
pub async fn record_outcome(
    c: &Caller,
    tx: &mut Tx,
    id: i64,
    positions: &[(i64, Position)],
    note: &str,
) -> Result<(), AppError> {
    briefing_for_write(c, tx, id).await?;
    for (bill, position) in positions {
        sqlx::query(
            "UPDATE briefing_bills SET position = $1 WHERE briefing_id = $2 AND bill_id = $3",
        )
        .bind(position.as_str())
        .bind(id)
        .bind(bill)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "UPDATE caucus_briefings SET status = 'held', outcome_note = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(note)
    .bind(c.ts())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let recorded: Vec<_> = positions
        .iter()
        .map(|(b, p)| json!({ "bill_id": b, "position": p.as_str() }))
        .collect();
    c.audit(
        tx,
        Entry::new(AuditAction::BriefingHeld, "briefing", id)
            .data(json!({ "positions": recorded, "note": note })),
    )
    .await
}

/// Records what the caucus asked at a held briefing.
pub async fn add_ask(c: &Caller, tx: &mut Tx, id: i64, ask: &NewAsk) -> Result<i64, AppError> {
    let (_, status) = briefing_for_write(c, tx, id).await?;
    if status != BriefingStatus::Held {
        return Err(AppError::Conflict(
            "請先記錄報告結果，再記錄黨團的要求。".into(),
        ));
    }
    if let Some(bill) = ask.bill_id {
        let ok: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM briefing_bills WHERE briefing_id = $1 AND bill_id = $2",
        )
        .bind(id)
        .bind(bill)
        .fetch_one(&mut **tx)
        .await?;
        if ok == 0 {
            return Err(AppError::validation("bill_id", "請選擇這場報告的議案。"));
        }
    }
    let ask_id: i64 = sqlx::query_scalar(
        "INSERT INTO briefing_asks (briefing_id, bill_id, ask, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(id)
    .bind(ask.bill_id)
    .bind(&ask.ask)
    .bind(c.user.id)
    .bind(c.ts())
    .fetch_one(&mut **tx)
    .await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BriefingAskRecorded, "briefing", id)
            .data(json!({ "ask_id": ask_id, "bill_id": ask.bill_id, "ask": ask.ask })),
    )
    .await?;
    Ok(ask_id)
}

/// Topics are at most this long; an ask's opening words become its data request's topic.
const TOPIC_CHARS: usize = 60;

/// Turns an ask into a data request of the caucus councilor chosen, received today, linked
/// both ways. Returns the case's id.
pub async fn file_ask(
    c: &Caller,
    tx: &mut Tx,
    briefing_id: i64,
    ask_id: i64,
    councilor_id: i64,
) -> Result<i64, AppError> {
    let (session_id, _) = briefing_for_write(c, tx, briefing_id).await?;
    let row = sqlx::query(
        "SELECT a.ask, a.case_id, br.caucus FROM briefing_asks a \
         JOIN caucus_briefings br ON br.id = a.briefing_id WHERE a.id = $1 AND a.briefing_id = $2",
    )
    .bind(ask_id)
    .bind(briefing_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if row.try_get::<Option<i64>, _>("case_id")?.is_some() {
        return Err(AppError::Conflict("這項要求已轉為索資案件。".into()));
    }
    let ask: String = row.try_get("ask")?;
    let caucus: String = row.try_get("caucus")?;
    let member: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM councilors co JOIN council_sessions s ON s.term_id = co.term_id \
         WHERE s.id = $1 AND co.id = $2 AND co.caucus = $3",
    )
    .bind(session_id)
    .bind(councilor_id)
    .bind(&caucus)
    .fetch_one(&mut **tx)
    .await?;
    if member == 0 {
        return Err(AppError::validation(
            "councilor_id",
            "請選擇這個黨團的議員。",
        ));
    }
    let opening: String = ask.chars().take(TOPIC_CHARS).collect();
    let request = NewDataRequest {
        session_id,
        councilor_id,
        topic: format!("{caucus}黨團報告要求：{opening}"),
        body: ask.clone(),
        received_at: c.ts(),
        priority: Priority::Ordinary,
        within_three_days: false,
        due: None,
    };
    let case_id =
        crate::cases::db::record_data_request(tx, &request, RecordedBy::User(&c.user), c.ts())
            .await?;
    sqlx::query("UPDATE briefing_asks SET case_id = $1 WHERE id = $2")
        .bind(case_id)
        .bind(ask_id)
        .execute(&mut **tx)
        .await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BriefingAskFiled, "briefing", briefing_id)
            .data(json!({ "ask_id": ask_id, "case_id": case_id })),
    )
    .await?;
    Ok(case_id)
}
