//! Status links kept as digests, and the one query of what an office may read; the
//! offices' mail contacts in `contacts`.

pub mod contacts;

use super::{Link, LinkState, PublicCase, PublicStatus, Scope, TOKEN_BYTES};
use crate::{
    cases::{case_label, CaseKind, CaseStatus},
    db::{date, unexpected},
    error::AppError,
    reference::{session_title, SessionKind},
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

/// A new token (from the OS's random generator) and the digest that is stored in its place.
pub fn new_token() -> (String, String) {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let digest = digest(&token);
    (token, digest)
}

/// The SHA-256 digest of a token, as stored.
pub fn digest(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The last day of the councilor's term: a link's expiry unless another is chosen.
pub async fn term_end(pool: &AnyPool, councilor_id: i64) -> Result<Option<NaiveDate>, AppError> {
    let row = sqlx::query(
        "SELECT t.ends_on FROM councilors c JOIN council_terms t ON t.id = c.term_id \
         WHERE c.id = $1",
    )
    .bind(councilor_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| date(&r, "ends_on")).transpose()?)
}

/// Creates a link for `scope`; returns its id and the token, which is not kept.
pub async fn create(
    tx: &mut crate::db::Tx,
    scope: Scope,
    expires_on: NaiveDate,
    by: i64,
    now: i64,
) -> Result<(i64, String), AppError> {
    let known: Option<i64> = sqlx::query_scalar("SELECT id FROM councilors WHERE id = $1")
        .bind(scope.councilor_id)
        .fetch_optional(&mut **tx)
        .await?;
    if known.is_none() {
        return Err(AppError::validation("councilor", "找不到所選的議員。"));
    }
    if let Some(case) = scope.case_id {
        let theirs: Option<i64> = sqlx::query_scalar(
            "SELECT case_id FROM case_councilors WHERE case_id = $1 AND councilor_id = $2",
        )
        .bind(case)
        .bind(scope.councilor_id)
        .fetch_optional(&mut **tx)
        .await?;
        if theirs.is_none() {
            return Err(AppError::validation("case", "這個案件不是所選議員的案件。"));
        }
    }
    Ok(insert(tx, scope, expires_on, by, now).await?)
}

/// Creates a link for a scope known to be right (a case's own councilor); returns its id
/// and the token, which is not kept.
pub async fn insert(
    tx: &mut crate::db::Tx,
    scope: Scope,
    expires_on: NaiveDate,
    by: i64,
    now: i64,
) -> Result<(i64, String), sqlx::Error> {
    let (token, digest) = new_token();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO status_links (token_sha256, councilor_id, case_id, expires_on, created_by, \
           created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(digest)
    .bind(scope.councilor_id)
    .bind(scope.case_id)
    .bind(expires_on.to_string())
    .bind(by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, token))
}

/// Revokes a live link; `NotFound` when there is none by that id (or it was revoked).
pub async fn revoke(tx: &mut crate::db::Tx, id: i64, by: i64, now: i64) -> Result<Scope, AppError> {
    let row = sqlx::query(
        "UPDATE status_links SET revoked_at = $2, revoked_by = $3 \
         WHERE id = $1 AND revoked_at IS NULL RETURNING councilor_id, case_id",
    )
    .bind(id)
    .bind(now)
    .bind(by)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Scope {
        councilor_id: row.try_get("councilor_id")?,
        case_id: row.try_get("case_id")?,
    })
}

/// The expiry a link was given.
pub async fn expiry(tx: &mut crate::db::Tx, id: i64) -> Result<NaiveDate, AppError> {
    let row = sqlx::query("SELECT expires_on FROM status_links WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(date(&row, "expires_on")?)
}

/// Every link, newest first, as of `today`.
pub async fn list(pool: &AnyPool, today: NaiveDate) -> Result<Vec<Link>, AppError> {
    let rows = sqlx::query(
        "SELECT l.id, l.councilor_id, co.name AS councilor, l.case_id, c.kind, c.number, \
           l.expires_on, l.revoked_at, u.display_name, l.created_at, l.last_used_at, \
           l.sent_at, l.sent_to, l.filing_enabled \
         FROM status_links l JOIN councilors co ON co.id = l.councilor_id \
         JOIN users u ON u.id = l.created_by LEFT JOIN cases c ON c.id = l.case_id \
         ORDER BY l.id DESC LIMIT 500",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let expires_on = date(r, "expires_on")?;
            let revoked: Option<i64> = r.try_get("revoked_at")?;
            let kind: Option<String> = r.try_get("kind")?;
            let number: Option<i64> = r.try_get("number")?;
            Ok(Link {
                id: r.try_get("id")?,
                councilor: r.try_get("councilor")?,
                councilor_id: r.try_get("councilor_id")?,
                case_label: match (kind.as_deref().and_then(CaseKind::parse), number) {
                    (Some(k), Some(n)) => Some(case_label(k, n)),
                    _ => None,
                },
                case_id: r.try_get("case_id")?,
                expires_on,
                state: LinkState::of(expires_on, revoked.is_some(), today),
                created_by: r.try_get("display_name")?,
                created_at: r.try_get("created_at")?,
                last_used_at: r.try_get("last_used_at")?,
                sent_at: r.try_get("sent_at")?,
                sent_to: r.try_get("sent_to")?,
                filing_enabled: crate::db::flag(r, "filing_enabled")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The councilor's cases a one-case link may be for, newest session first, each session's
/// questions then data requests by number (as the secretariat finds them on paper).
pub async fn councilor_cases(
    pool: &AnyPool,
    councilor_id: i64,
) -> Result<Vec<super::CaseChoice>, AppError> {
    let rows = sqlx::query(
        "SELECT c.id, c.kind, c.number, c.topic, t.number AS term, s.number AS session, \
           s.kind AS session_kind \
         FROM case_councilors cc JOIN cases c ON c.id = cc.case_id \
         JOIN council_sessions s ON s.id = c.session_id JOIN council_terms t ON t.id = s.term_id \
         WHERE cc.councilor_id = $1 \
         ORDER BY s.starts_on DESC, s.id DESC, c.kind DESC, c.number LIMIT 1000",
    )
    .bind(councilor_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let kind =
                CaseKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("case kind"))?;
            let session_kind = SessionKind::parse(r.try_get("session_kind")?)
                .ok_or_else(|| unexpected("session kind"))?;
            Ok(super::CaseChoice {
                id: r.try_get("id")?,
                label: case_label(kind, r.try_get("number")?),
                topic: r.try_get("topic")?,
                session: session_title(r.try_get("term")?, r.try_get("session")?, session_kind),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The scope of a live link by its token, noting its use; `None` for any token that does
/// not open a page (unknown, expired or revoked): the caller answers all of them alike.
pub async fn resolve(
    pool: &AnyPool,
    token: &str,
    today: NaiveDate,
    now: i64,
) -> Result<Option<(i64, Scope)>, AppError> {
    let row = sqlx::query(
        "SELECT id, councilor_id, case_id, expires_on, revoked_at FROM status_links \
         WHERE token_sha256 = $1",
    )
    .bind(digest(token))
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let revoked: Option<i64> = row.try_get("revoked_at")?;
    if LinkState::of(date(&row, "expires_on")?, revoked.is_some(), today) != LinkState::Live {
        return Ok(None);
    }
    let id: i64 = row.try_get("id")?;
    // Minute precision is enough to say when a link was last opened, and spares a write
    // on every request.
    sqlx::query(
        "UPDATE status_links SET last_used_at = $2 WHERE id = $1 \
         AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(id)
    .bind(now)
    .bind(now - 60)
    .execute(pool)
    .await?;
    Ok(Some((
        id,
        Scope {
            councilor_id: row.try_get("councilor_id")?,
            case_id: row.try_get("case_id")?,
        },
    )))
}

/// What a status page shows: the councilor's name, the sessions it may switch between
/// (id, title; newest first), the session shown, and its cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPage {
    pub councilor: String,
    pub sessions: Vec<(i64, String)>,
    pub session: Option<i64>,
    pub cases: Vec<PublicCase>,
    /// The link may file new requests (set by the handler: `filings::db::enabled`).
    pub can_file: bool,
}

/// The cases `scope` opens in `session` (the newest session with any, when not given).
/// Reads only what an office may see: never drafts, sub-answers, comments, parts other
/// than the open lead, or anyone's name.
pub async fn page(
    pool: &AnyPool,
    scope: Scope,
    session: Option<i64>,
    today: NaiveDate,
) -> Result<StatusPage, AppError> {
    let councilor: String = sqlx::query_scalar("SELECT name FROM councilors WHERE id = $1")
        .bind(scope.councilor_id)
        .fetch_one(pool)
        .await?;
    let in_scope =
        "c.id IN (SELECT cc.case_id FROM case_councilors cc WHERE cc.councilor_id = $1) \
                    AND ($2 = 0 OR c.id = $2)";
    let case_filter = scope.case_id.unwrap_or(0);
    let sessions = sqlx::query(&format!(
        "SELECT DISTINCT s.id, s.number, s.kind, s.starts_on, t.number AS term_number \
         FROM cases c JOIN council_sessions s ON s.id = c.session_id \
         JOIN council_terms t ON t.id = s.term_id WHERE {in_scope} \
         ORDER BY s.starts_on DESC, s.id DESC"
    ))
    .bind(scope.councilor_id)
    .bind(case_filter)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let kind =
            SessionKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("session kind"))?;
        Ok((
            r.try_get("id")?,
            session_title(r.try_get("term_number")?, r.try_get("number")?, kind),
        ))
    })
    .collect::<Result<Vec<(i64, String)>, sqlx::Error>>()?;
    let session = match session {
        Some(s) if sessions.iter().any(|(id, _)| *id == s) => Some(s),
        _ => sessions.first().map(|(id, _)| *id),
    };
    let Some(chosen) = session else {
        return Ok(StatusPage {
            councilor,
            sessions,
            session: None,
            cases: Vec::new(),
            can_file: false,
        });
    };
    let rows = sqlx::query(&format!(
        "SELECT c.id, c.kind, c.number, c.topic, c.status, c.due_on, c.reply, b.name AS lead, \
           (SELECT COUNT(*) FROM deliveries d WHERE d.case_id = c.id) AS deliveries, \
           (SELECT MIN(d.delivered_at) FROM deliveries d WHERE d.case_id = c.id) AS delivered_at, \
           (SELECT MAX(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'approve') \
             AS approved_at, \
           (SELECT f.refusal_reason FROM case_filings f WHERE f.case_id = c.id) AS refusal, \
           (SELECT d.not_executable_on FROM resolution_details d WHERE d.case_id = c.id) \
             AS not_executable, \
           l.incoming_number, l.incoming_on, l.outgoing_number, l.outgoing_on \
         FROM cases c \
         LEFT JOIN case_letters l ON l.case_id = c.id \
         LEFT JOIN assignments a ON a.case_id = c.id AND a.role = 'lead' \
           AND a.state IN ('pending', 'accepted') \
         LEFT JOIN bureaus b ON b.id = a.bureau_id \
         WHERE {in_scope} AND c.session_id = $3 ORDER BY c.kind, c.number"
    ))
    .bind(scope.councilor_id)
    .bind(case_filter)
    .bind(chosen)
    .fetch_all(pool)
    .await?;
    let shows_overdue = shows_overdue(pool).await?;
    let mut cases = Vec::with_capacity(rows.len());
    let mut service = Vec::new();
    for r in &rows {
        let kind = CaseKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("case kind"))?;
        if kind == CaseKind::Service {
            service.push(r.try_get::<i64, _>("id")?);
        }
        let status =
            CaseStatus::parse(r.try_get("status")?).ok_or_else(|| unexpected("case status"))?;
        let due_on = date(r, "due_on")?;
        let delivered = r.try_get::<i64, _>("deliveries")? > 0;
        let public = PublicStatus::of(kind, status, due_on, delivered, today)
            .as_shown(shows_overdue, status)
            .not_executable(r.try_get::<Option<String>, _>("not_executable")?.is_some());
        let approved = matches!(status, CaseStatus::Closed | CaseStatus::Tracking);
        let day = |column: &str| -> Result<Option<NaiveDate>, sqlx::Error> {
            Ok(r.try_get::<Option<i64>, _>(column)?
                .and_then(crate::dates::taipei_date))
        };
        let answered_on = match public {
            PublicStatus::Answered | PublicStatus::Executed | PublicStatus::NotExecutable => {
                day("approved_at")?
            }
            PublicStatus::Delivered => match (day("delivered_at")?, day("approved_at")?) {
                (Some(d), Some(a)) => Some(d.min(a)),
                (d, a) => d.or(a),
            },
            _ => None,
        };
        cases.push(PublicCase {
            answered_on,
            id: r.try_get("id")?,
            label: case_label(kind, r.try_get("number")?),
            topic: r.try_get("topic")?,
            status: public,
            lead_bureau: r.try_get("lead")?,
            due_on,
            // The reply text only once the reviewer approved it: before that it is a draft.
            reply: if approved {
                r.try_get("reply")?
            } else {
                String::new()
            },
            files: Vec::new(),
            awaits_office: super::awaits_office(status),
            refusal: r.try_get("refusal")?,
            visits: Vec::new(),
            interim: None,
            corrections: Vec::new(),
            letters: crate::cases::LetterNumbers {
                incoming_number: r
                    .try_get::<Option<String>, _>("incoming_number")?
                    .unwrap_or_default(),
                incoming_on: letter_day(r, "incoming_on")?,
                // The city's letter once the reply it carries is approved.
                outgoing_number: if approved {
                    r.try_get::<Option<String>, _>("outgoing_number")?
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                outgoing_on: letter_day(r, "outgoing_on")?.filter(|_| approved),
            },
        });
    }
    // What is still pending first, then the answered; each by kind and number.
    cases.sort_by_key(|c| c.status.answered());
    let ids: Vec<String> = cases.iter().map(|c| c.id.to_string()).collect();
    if !ids.is_empty() {
        let files = sqlx::query(&format!(
            "SELECT d.case_id, f.id, f.file_name, f.size_bytes FROM attachments f \
             JOIN deliveries d ON d.id = f.delivery_id WHERE d.case_id IN ({}) \
             ORDER BY d.batch, f.id",
            ids.join(", ")
        ))
        .fetch_all(pool)
        .await?;
        for f in &files {
            let case: i64 = f.try_get("case_id")?;
            if let Some(c) = cases.iter_mut().find(|c| c.id == case) {
                c.files.push((
                    f.try_get("id")?,
                    f.try_get("file_name")?,
                    f.try_get("size_bytes")?,
                ));
            }
        }
    }
    // The latest interim reply of each case still unanswered: what the bureau knows, why
    // it needs more time, and the new date.
    let waiting: Vec<i64> = cases
        .iter()
        .filter(|c| !c.status.answered())
        .map(|c| c.id)
        .collect();
    for (id, reply) in crate::interim::db::of_cases(pool, &waiting).await? {
        if let Some(c) = cases.iter_mut().find(|c| c.id == id) {
            c.interim = Some(reply);
        }
    }
    // Corrections of answers already given, each beside the answer it corrects.
    let answered: Vec<i64> = cases
        .iter()
        .filter(|c| !c.reply.is_empty())
        .map(|c| c.id)
        .collect();
    for (id, k) in crate::corrections::db::approved_of_cases(pool, &answered).await? {
        if let Some(c) = cases.iter_mut().find(|c| c.id == id) {
            c.corrections.push(k);
        }
    }
    for (case, visit) in crate::service::db::visits(pool, &service).await? {
        if let Some(c) = cases.iter_mut().find(|c| c.id == case) {
            c.visits.push(super::PublicVisit {
                heading: crate::service::pages::visit_heading(&visit),
                outcome: visit.outcome,
            });
        }
    }
    Ok(StatusPage {
        councilor,
        sessions,
        session: Some(chosen),
        cases,
        can_file: false,
    })
}

/// A delivered file, if its case is one the link opens.
pub async fn file(
    pool: &AnyPool,
    scope: Scope,
    file_id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT f.file_name, f.content_type, f.data FROM attachments f \
         JOIN deliveries d ON d.id = f.delivery_id \
         JOIN case_councilors cc ON cc.case_id = d.case_id AND cc.councilor_id = $2 \
         WHERE f.id = $1 AND ($3 = 0 OR d.case_id = $3)",
    )
    .bind(file_id)
    .bind(scope.councilor_id)
    .bind(scope.case_id.unwrap_or(0))
    .fetch_optional(pool)
    .await?)
}

/// A QR code of `url` as SVG, for printing beside the address.
pub fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build();
            // Inline in the page: without the XML declaration.
            match svg.find("<svg") {
                Some(at) => svg[at..].to_owned(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

/// 答非所問: the office behind link `link_id` says the reply to `case_id` does not answer.
/// The case returns to its lead bureau with the office's words as the return comment, the
/// timeline records it as the office's act, and the secretariat and the lead bureau hear
/// of it. `NotFound` for a case the link does not open.
pub async fn not_an_answer(
    tx: &mut crate::db::Tx,
    link_id: i64,
    scope: Scope,
    case_id: i64,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    use crate::cases::{
        db::{append_event, notify, EventActor, Notice},
        events::{Change, EventAction, EventData},
        notify::{Audience, NotificationKind},
    };
    let row = sqlx::query(
        "SELECT c.status, c.version, \
           (SELECT a.bureau_id FROM assignments a WHERE a.case_id = c.id AND a.role = 'lead' \
              AND a.state IN ('pending', 'accepted')) AS lead \
         FROM cases c JOIN case_councilors cc ON cc.case_id = c.id AND cc.councilor_id = $2 \
         WHERE c.id = $1 AND ($3 = 0 OR c.id = $3)",
    )
    .bind(case_id)
    .bind(scope.councilor_id)
    .bind(scope.case_id.unwrap_or(0))
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let status =
        CaseStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("case status"))?;
    let next = super::not_an_answer(status, comment)?;
    let comment = comment.trim().to_owned();
    let version: i64 = row.try_get("version")?;
    let done = sqlx::query(
        "UPDATE cases SET status = $1, review_comment = $2, version = version + 1, \
           updated_at = $3 WHERE id = $4 AND version = $5",
    )
    .bind(next.as_str())
    .bind(format!("議員辦公室表示答非所問：{comment}"))
    .bind(now)
    .bind(case_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "案件剛有變動，請重新整理頁面後再試。".into(),
        ));
    }
    let data = EventData {
        status: Some(Change::new(status, next)),
        comment: Some(comment),
        ..Default::default()
    };
    let event = append_event(
        tx,
        case_id,
        now,
        EventActor::link(link_id),
        EventAction::NotAnAnswer,
        &data,
    )
    .await?;
    let mut audience = vec![Audience::Secretariat];
    if let Some(lead) = row.try_get::<Option<i64>, _>("lead")? {
        audience.push(Audience::Bureau(lead));
    }
    let notice = Notice {
        kind: NotificationKind::NotAnAnswer,
        about: crate::cases::notify::About::Case(case_id),
        event_id: Some(event),
        at: now,
        except: None,
        dedupe_key: None,
    };
    notify(tx, &notice, &audience).await?;
    Ok(())
}

/// Whether status pages say 逾期 of a case past its due date: the liaison office's choice
/// (the `status_shows_overdue` setting; shown unless it says no).
pub async fn shows_overdue(pool: &AnyPool) -> Result<bool, sqlx::Error> {
    let set = crate::db::setting(pool, "status_shows_overdue").await?;
    Ok(set.as_deref() != Some("no"))
}

/// Sets whether status pages say 逾期, in `tx`.
pub async fn set_shows_overdue(tx: &mut crate::db::Tx, shown: bool) -> Result<(), sqlx::Error> {
    crate::db::set_setting(tx, "status_shows_overdue", if shown { "yes" } else { "no" }).await
}

fn letter_day(r: &sqlx::any::AnyRow, column: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
    r.try_get::<Option<String>, _>(column)?
        .map(|d| d.parse().map_err(|_| unexpected(column)))
        .transpose()
}
