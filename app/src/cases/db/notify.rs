//! Writing the outbox: one row per active user of the audience, never the person who acted.

use crate::{
    cases::notify::{About, Audience, NotificationKind},
    db::Tx,
};

/// What to tell, about which case (or call for bills) and event.
pub struct Notice<'a> {
    pub kind: NotificationKind,
    pub about: About,
    pub event_id: Option<i64>,
    pub at: i64,
    /// The user who acted, who needs no notice of their own step.
    pub except: Option<i64>,
    /// Once per user and key: a reminder run twice (or by two servers) tells nobody twice.
    pub dedupe_key: Option<&'a str>,
}

/// Writes the notice for everyone in `audience`; returns how many rows it wrote.
pub async fn notify(
    tx: &mut Tx,
    notice: &Notice<'_>,
    audience: &[Audience],
) -> Result<u64, sqlx::Error> {
    let mut written = 0;
    for group in audience {
        let (who, bureau) = match group {
            Audience::Bureau(b) => ("u.bureau_id = $6", *b),
            Audience::Liaisons(b) => ("u.bureau_id = $6 AND u.role = 'bureau_liaison'", *b),
            Audience::Approvers(b) => ("u.bureau_id = $6 AND u.role = 'bureau_approver'", *b),
            // City-wide users have no bureau; 0 stands for "none" so every group binds alike.
            Audience::Secretariat => (
                "COALESCE(u.bureau_id, 0) = $6 AND u.role = 'secretariat'",
                0,
            ),
            Audience::Reviewers => ("COALESCE(u.bureau_id, 0) = $6 AND u.role = 'reviewer'", 0),
        };
        let done = sqlx::query(&format!(
            "INSERT INTO notifications (user_id, kind, case_id, bill_call_id, report_session_id, \
               event_id, created_at, dedupe_key) \
             SELECT u.id, $1, $2, $9, $10, $3, $4, $5 FROM users u \
             WHERE u.active = $7 AND {who} AND u.id <> $8 \
             ON CONFLICT (user_id, dedupe_key) DO NOTHING"
        ))
        .bind(notice.kind.as_str())
        .bind(match notice.about {
            About::Case(id) => Some(id),
            About::BillCall(_) | About::ExecutionReport(_) => None,
        })
        .bind(notice.event_id)
        .bind(notice.at)
        .bind(notice.dedupe_key)
        .bind(bureau)
        .bind(true)
        .bind(notice.except.unwrap_or(0))
        .bind(match notice.about {
            About::BillCall(id) => Some(id),
            About::Case(_) | About::ExecutionReport(_) => None,
        })
        .bind(match notice.about {
            About::ExecutionReport(session) => Some(session),
            About::Case(_) | About::BillCall(_) => None,
        })
        .execute(&mut **tx)
        .await?;
        written += done.rows_affected();
    }
    Ok(written)
}
