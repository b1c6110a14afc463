//! The questions of a volume, read in one query plus two for names.

use super::{compile, Entry, Volume, VolumeFilter};
use crate::{
    db::{
        date,
        filter::{bind_all, Arg, Where},
        unexpected,
    },
    error::AppError,
    reference::{session_title, SessionKind},
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

/// The volume of the questions `filter` selects, as of `today`.
pub async fn volume(
    pool: &AnyPool,
    city: &crate::city::City,
    filter: &VolumeFilter,
    today: NaiveDate,
) -> Result<Volume, AppError> {
    let session = sqlx::query(
        "SELECT t.number AS term_number, s.number, s.kind FROM council_sessions s \
         JOIN council_terms t ON t.id = s.term_id WHERE s.id = $1",
    )
    .bind(filter.session)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let kind =
        SessionKind::parse(session.try_get("kind")?).ok_or_else(|| unexpected("session kind"))?;
    let title = session_title(
        session.try_get("term_number")?,
        session.try_get("number")?,
        kind,
    );
    let sitting_type: Option<String> = match filter.sitting_type {
        Some(id) => {
            sqlx::query_scalar("SELECT name FROM sitting_types WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }
        None => None,
    };

    let mut w = Where::new();
    w.push("c.kind = 'question'", None);
    w.push("c.session_id = ?", Some(Arg::Int(filter.session)));
    if let Some(t) = filter.sitting_type {
        w.push("c.sitting_type_id = ?", Some(Arg::Int(t)));
    }
    if let Some(from) = filter.from {
        w.push("c.sitting_date >= ?", Some(Arg::Text(from.to_string())));
    }
    if let Some(to) = filter.to {
        w.push("c.sitting_date <= ?", Some(Arg::Text(to.to_string())));
    }
    if let Some(b) = filter.bureau {
        w.push(
            "EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.bureau_id = ? \
             AND a.state IN ('pending', 'accepted'))",
            Some(Arg::Int(b)),
        );
    }
    if let Some(co) = filter.councilor {
        w.push(
            "EXISTS (SELECT 1 FROM case_councilors cc WHERE cc.case_id = c.id AND cc.councilor_id = ?)",
            Some(Arg::Int(co)),
        );
    }
    // Approved: the reviewer passed the reply (the case is then closed or tracked).
    // The reply's day is its first approval; its letter, that of the latest volume sent
    // with one that carried it.
    let sql = format!(
        "SELECT c.id, c.number, c.topic, c.body, c.reply, c.sitting_date, c.status, \
           st.name AS sitting_type, st.sort_order, \
           (SELECT MIN(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'approve') \
             AS approved_at, \
           (SELECT v.letter_number FROM volume_cases vc JOIN volumes v ON v.id = vc.volume_id \
             WHERE vc.case_id = c.id AND v.letter_number <> '' \
             ORDER BY v.sent_on DESC, v.id DESC LIMIT 1) AS letter_number \
         FROM cases c JOIN sitting_types st ON st.id = c.sitting_type_id {}",
        w.sql()
    );
    let rows = bind_all(sqlx::query(&sql), &w.args).fetch_all(pool).await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let status: String = row.try_get("status")?;
        let approved = status == "closed" || status == "tracking";
        entries.push(Entry {
            case_id: row.try_get("id")?,
            number: row.try_get("number")?,
            councilors: Vec::new(),
            sitting_type: row.try_get("sitting_type")?,
            sitting_order: row.try_get("sort_order")?,
            sitting_date: date(row, "sitting_date")?,
            topic: row.try_get("topic")?,
            body: row.try_get("body")?,
            reply: if approved {
                row.try_get("reply")?
            } else {
                String::new()
            },
            bureaus: Vec::new(),
            approved,
            replied_on: row
                .try_get::<Option<i64>, _>("approved_at")?
                .and_then(crate::dates::taipei_date)
                .filter(|_| approved),
            letter_number: row
                .try_get::<Option<String>, _>("letter_number")?
                .unwrap_or_default(),
            promised: Vec::new(),
            corrected_on: None,
            shared_note: None,
            reply_elsewhere: false,
        });
    }
    for chunk in entries.chunks_mut(1_000) {
        let list = chunk
            .iter()
            .map(|e| e.case_id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let ids: Vec<i64> = chunk.iter().map(|e| e.case_id).collect();
        let councilors = crate::cases::db::councilors_of(pool, &ids).await?;
        // The lead first; a reassigned or withdrawn part answered nothing.
        let bureaus: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT a.case_id, b.name FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
             WHERE a.case_id IN ({list}) AND a.state IN ('pending', 'accepted') \
             ORDER BY a.case_id, CASE WHEN a.role = 'lead' THEN 0 ELSE 1 END, a.id"
        ))
        .fetch_all(pool)
        .await?;
        let promised = sqlx::query(&format!(
            "SELECT p.question_id, p.promised_by, p.what, r.number, r.due_on, r.status \
             FROM case_promises p JOIN cases r ON r.id = p.request_id \
             WHERE p.question_id IN ({list}) ORDER BY p.question_id, p.id"
        ))
        .fetch_all(pool)
        .await?;
        let mut promised_of: Vec<(i64, super::Promised)> = Vec::with_capacity(promised.len());
        for r in &promised {
            let status: String = r.try_get("status")?;
            promised_of.push((
                r.try_get("question_id")?,
                super::Promised {
                    promised_by: r.try_get("promised_by")?,
                    what: r.try_get("what")?,
                    request_number: r.try_get("number")?,
                    due_on: date(r, "due_on")?,
                    provided: status == "closed" || status == "tracking",
                },
            ));
        }
        let corrected = crate::corrections::db::corrected_on(pool, &ids).await?;
        for e in chunk.iter_mut() {
            e.corrected_on = corrected
                .iter()
                .filter(|(c, _)| *c == e.case_id)
                .map(|(_, d)| *d)
                .max();
            e.promised = promised_of
                .iter()
                .filter(|(q, _)| *q == e.case_id)
                .map(|(_, p)| p.clone())
                .collect();
            e.councilors = councilors
                .iter()
                .filter(|(c, _)| *c == e.case_id)
                .map(|(_, n)| n.clone())
                .collect();
            e.bureaus = bureaus
                .iter()
                .filter(|(c, _)| *c == e.case_id)
                .map(|(_, n)| n.clone())
                .collect();
        }
    }
    let ids: Vec<i64> = entries.iter().map(|e| e.case_id).collect();
    let links = crate::grouping::db::links_of(pool, &ids).await?;
    let elsewhere: Vec<i64> = links
        .iter()
        .map(|(_, s, _)| *s)
        .filter(|s| !ids.contains(s))
        .collect();
    let outside: Vec<(i64, String, i64)> = if elsewhere.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(&format!(
            "SELECT id, kind, number FROM cases WHERE id IN ({})",
            crate::cases::db::id_list(elsewhere.iter().copied())
        ))
        .fetch_all(pool)
        .await?
    };
    let labels: Vec<(i64, String)> = entries
        .iter()
        .map(|e| (e.case_id, e.label()))
        .chain(outside.into_iter().filter_map(|(id, kind, number)| {
            crate::cases::CaseKind::parse(&kind).map(|k| (id, crate::cases::case_label(k, number)))
        }))
        .collect();
    super::note_shared(&mut entries, &links, |id| {
        labels
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, l)| l.clone())
    });
    let mut volume = compile(city, &title, sitting_type, today, entries);
    volume.title_words = title_words(pool).await?;
    volume.corrections = crate::corrections::db::for_volume(pool, filter).await?;
    Ok(volume)
}

/// What the council calls a volume of written replies: the admin's setting.
pub async fn title_words(pool: &AnyPool) -> Result<String, sqlx::Error> {
    Ok(crate::db::setting(pool, "volume_title")
        .await?
        .filter(|w| !w.trim().is_empty())
        .unwrap_or_else(|| super::TITLE_WORDS.to_owned()))
}

/// Sets what the council calls a volume, in `tx`.
pub async fn set_title_words(tx: &mut crate::db::Tx, words: &str) -> Result<(), sqlx::Error> {
    crate::db::set_setting(tx, "volume_title", words).await
}

/// Keeps the exact file of a volume sent to the council on `sent_on`, and marks each of its
/// replies as sent (an event on every case). Returns the volume's id.
#[allow(clippy::too_many_arguments)]
pub async fn record_sending(
    tx: &mut crate::db::Tx,
    filter: &VolumeFilter,
    volume: &Volume,
    file: (&str, &str, &[u8]),
    (sent_on, letter_number): (NaiveDate, &str),
    user: &crate::auth::CurrentUser,
    now: i64,
) -> Result<i64, AppError> {
    use crate::cases::{
        db::{append_event, EventActor},
        events::{EventAction, EventData},
    };
    use sha2::Digest;
    if volume.entries.is_empty() && volume.corrections.is_empty() {
        return Err(AppError::validation(
            "sent_on",
            "這份彙編沒有任何已審查通過的答復或勘誤，無須函送。",
        ));
    }
    let (name, content_type, data) = file;
    let digest: String = sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO volumes (session_id, title, filter, file_name, content_type, data, sha256, \
           replies, outstanding, sent_on, recorded_by, recorded_at, letter_number) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(filter.session)
    .bind(volume.title())
    .bind(filter.query())
    .bind(name)
    .bind(content_type)
    .bind(data.to_vec())
    .bind(digest)
    .bind(volume.entries.len() as i64)
    .bind(volume.outstanding.len() as i64)
    .bind(sent_on.to_string())
    .bind(user.id)
    .bind(now)
    .bind(letter_number)
    .fetch_one(&mut **tx)
    .await?;
    let corrections: Vec<i64> = volume.corrections.iter().map(|c| c.id).collect();
    crate::corrections::db::mark_sent(tx, id, &corrections).await?;
    for entry in &volume.entries {
        sqlx::query("INSERT INTO volume_cases (volume_id, case_id) VALUES ($1, $2)")
            .bind(id)
            .bind(entry.case_id)
            .execute(&mut **tx)
            .await?;
        let data = EventData {
            sent_on: Some(sent_on),
            ..Default::default()
        };
        append_event(
            tx,
            entry.case_id,
            now,
            EventActor::user(user),
            EventAction::SentToCouncil,
            &data,
        )
        .await?;
    }
    Ok(id)
}

/// The volumes of a session sent so far, newest first.
pub async fn sent(pool: &AnyPool, session: i64) -> Result<Vec<super::SentVolume>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT v.id, v.title, v.sent_on, v.letter_number, v.replies, v.outstanding, \
           v.content_type, u.display_name \
         FROM volumes v JOIN users u ON u.id = v.recorded_by \
         WHERE v.session_id = $1 ORDER BY v.sent_on DESC, v.id DESC",
    )
    .bind(session)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(super::SentVolume {
                id: row.try_get("id")?,
                title: row.try_get("title")?,
                sent_on: date(row, "sent_on")?,
                letter_number: row.try_get("letter_number")?,
                replies: row.try_get("replies")?,
                outstanding: row.try_get("outstanding")?,
                recorded_by: row.try_get("display_name")?,
                format: super::VolumeFormat::of_media_type(row.try_get("content_type")?)
                    .ok_or_else(|| unexpected("sent volume's file type"))?,
            })
        })
        .collect()
}

/// The file of a sent volume: its name, type and bytes.
pub async fn sent_file(
    pool: &AnyPool,
    id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as("SELECT file_name, content_type, data FROM volumes WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Starts a background compilation: stored as queued, with who asked.
pub async fn create_job(
    pool: &AnyPool,
    filter: &VolumeFilter,
    format: super::VolumeFormat,
    user_id: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO volume_jobs (requested_by, session_id, filter, format, state, \
           created_at, updated_at) VALUES ($1, $2, $3, $4, 'queued', $5, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(filter.session)
    .bind(filter.query())
    .bind(format.as_str())
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(id)
}

/// How far a run of a job has come (`attempt`: the run's claim, so a run cut off and
/// taken up elsewhere writes nothing more).
pub async fn job_progress(
    pool: &AnyPool,
    id: i64,
    attempt: i64,
    done: i64,
    total: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE volume_jobs SET done = $3, total = $4, updated_at = $5 \
         WHERE id = $1 AND attempt = $2 AND state = 'running'",
    )
    .bind(id)
    .bind(attempt)
    .bind(done)
    .bind(total)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Keeps the finished file, if the run still holds the job: false when another server's
/// run took it up (that run keeps its own file; there is never a second).
pub async fn job_done(
    pool: &AnyPool,
    id: i64,
    attempt: i64,
    file: (&str, &str, &[u8]),
    now: i64,
) -> Result<bool, sqlx::Error> {
    let (file_name, content_type, data) = file;
    Ok(sqlx::query(
        "UPDATE volume_jobs SET state = 'done', done = total, file_name = $3, \
           content_type = $4, data = $5, updated_at = $6, lease_until = 0 \
         WHERE id = $1 AND attempt = $2 AND state = 'running'",
    )
    .bind(id)
    .bind(attempt)
    .bind(file_name)
    .bind(content_type)
    .bind(data.to_vec())
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected()
        == 1)
}

/// Records why a run failed, in words the user may read (if the run still holds the job).
pub async fn job_failed(
    pool: &AnyPool,
    id: i64,
    attempt: i64,
    message: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE volume_jobs SET state = 'failed', error = $3, updated_at = $4, lease_until = 0 \
         WHERE id = $1 AND attempt = $2 AND state = 'running'",
    )
    .bind(id)
    .bind(attempt)
    .bind(message)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

const JOB_COLUMNS: &str = "j.id, j.filter, j.format, j.state, j.done, j.total, j.file_name, \
     j.error, j.created_at, j.updated_at, u.display_name \
     FROM volume_jobs j JOIN users u ON u.id = j.requested_by";

fn job_of(row: &sqlx::any::AnyRow, now: i64) -> Result<super::Job, sqlx::Error> {
    use super::{JobState, VolumeFormat};
    let state = JobState::parse(row.try_get("state")?).ok_or_else(|| unexpected("job state"))?;
    Ok(super::Job {
        id: row.try_get("id")?,
        query: row.try_get("filter")?,
        format: VolumeFormat::parse(row.try_get("format")?)
            .ok_or_else(|| unexpected("job format"))?,
        state: JobState::at(state, row.try_get("updated_at")?, now),
        done: row.try_get("done")?,
        total: row.try_get("total")?,
        file_name: row.try_get("file_name")?,
        error: row.try_get("error")?,
        requested_by: row.try_get("display_name")?,
        created_at: row.try_get("created_at")?,
    })
}

/// One job as of `now`.
pub async fn job(pool: &AnyPool, id: i64, now: i64) -> Result<Option<super::Job>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} WHERE j.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.map(|r| job_of(&r, now)).transpose()
}

/// The latest jobs of a session, newest first.
pub async fn jobs(pool: &AnyPool, session: i64, now: i64) -> Result<Vec<super::Job>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {JOB_COLUMNS} WHERE j.session_id = $1 ORDER BY j.id DESC LIMIT 10"
    ))
    .bind(session)
    .fetch_all(pool)
    .await?;
    rows.iter().map(|r| job_of(r, now)).collect()
}

/// A finished job's file: its name, type and bytes.
pub async fn job_file(
    pool: &AnyPool,
    id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT file_name, content_type, data FROM volume_jobs \
         WHERE id = $1 AND state = 'done'",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// Removes the files of jobs older than `before` (volumes sent keep theirs in `volumes`).
pub async fn forget_jobs(pool: &AnyPool, before: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM volume_jobs WHERE created_at < $1")
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected())
}
