//! The outbox of messages (`messages`): notices routed by each person's preferences,
//! morning digests, and the claims, marks and retries of the runners that send them.
//! Everything that writes here is idempotent under two app servers: a notice is routed by
//! the `UPDATE … WHERE routed IS NULL` that wins it, a day's digests by the `job_runs` row
//! that claims the day, a message by the claim that moves it to `sending`.

use crate::{
    auth::Role,
    cases::{notify::NotificationKind, Priority},
    city::City,
    db::{begin, flag, unexpected, Backend, Tx},
    notifications::db::{SUBJECT_COLUMNS, SUBJECT_JOINS},
    notifications::delivery::{
        default_mode, digest_letter, notice_letter, one_line, retry_after, route, Channel,
        DeliveryRow, DeliveryState, Letter, Mode, NoticeLine, Topic, Webhook, LEASE_SECONDS,
        TOPIC_CHARS,
    },
    notifications::Subject,
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

/// Where messages point and whom they speak for.
pub struct Sender<'a> {
    /// `PUBLIC_URL`: links in messages start with it.
    pub base: &'a str,
    pub city: &'a City,
}

impl Sender<'_> {
    /// The host `Message-ID`s are made under.
    fn host(&self) -> &str {
        let rest = self.base.split("://").nth(1).unwrap_or(self.base);
        let host = rest.split(['/', ':']).next().unwrap_or("");
        if host.is_empty() {
            "localhost"
        } else {
            host
        }
    }
}

/// The person a message is for.
pub struct Person {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
}

/// A message about to be queued on every channel that reaches its person.
pub struct Outgoing<'a> {
    pub topic: Topic,
    pub to: &'a Person,
    pub letter: &'a Letter,
    pub notices: &'a [NoticeLine],
    /// Once per key and channel.
    pub dedupe_key: String,
    /// E-mail only, to this address (the confirmation of a new one); no webhook.
    pub only_to: Option<&'a str>,
}

fn message_id(host: &str) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@{host}>")
}

/// The JSON a messaging gateway receives: who it is for, what it says, the cases it is
/// about. `serde_json` writes every string escaped, so no text can break out of it.
fn payload(out: &Outgoing<'_>, sender: &Sender<'_>, id: &str, now: i64) -> String {
    let notices: Vec<serde_json::Value> = out
        .notices
        .iter()
        .map(|n| {
            serde_json::json!({
                "kind": n.kind.as_str(),
                "kind_label": n.kind.label(),
                "case": match &n.about {
                    Subject::Case { .. } => Some(n.about.label()),
                    Subject::BillCall { .. } | Subject::ExecutionReport { .. } => None,
                },
                "about": n.about.label(),
                "topic": one_line(n.about.topic(), TOPIC_CHARS),
                "link": n.link(sender.base),
            })
        })
        .collect();
    serde_json::json!({
        "message_id": id,
        "topic": out.topic.as_str(),
        "created_at": now,
        "to": {
            "username": out.to.username,
            "display_name": one_line(&out.to.display_name, 50),
            "email": out.to.email,
        },
        "subject": out.letter.subject,
        "text": out.letter.text,
        "notices": notices,
    })
    .to_string()
}

/// Queues `out` on e-mail (when the person has an address) and on every active webhook;
/// returns how many messages were queued.
pub async fn queue(
    tx: &mut Tx,
    sender: &Sender<'_>,
    hooks: &[Webhook],
    out: &Outgoing<'_>,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let mut queued = 0;
    let address = out.only_to.or(out.to.email.as_deref());
    let mut channels: Vec<(Channel, Option<i64>, String)> = Vec::new();
    if let Some(address) = address {
        channels.push((Channel::Email, None, address.to_owned()));
    }
    if out.only_to.is_none() {
        for hook in hooks.iter().filter(|h| h.active) {
            channels.push((Channel::Webhook, Some(hook.id), out.to.username.clone()));
        }
    }
    for (channel, hook, recipient) in channels {
        let id = message_id(sender.host());
        let key = match hook {
            Some(h) => format!("{}:webhook:{h}", out.dedupe_key),
            None => format!("{}:email", out.dedupe_key),
        };
        let body = match channel {
            Channel::Webhook => payload(out, sender, &id, now),
            Channel::Email => "{}".to_owned(),
        };
        let message = Message {
            channel,
            topic: out.topic,
            user_id: Some(out.to.id),
            webhook_id: hook,
            recipient: &recipient,
            letter: out.letter,
            payload: &body,
            dedupe_key: &key,
        };
        queued += insert(tx, &message, &id, now).await?;
    }
    Ok(queued)
}

/// One row of the outbox.
pub struct Message<'a> {
    pub channel: Channel,
    pub topic: Topic,
    /// The person it is for; none for a councilor office.
    pub user_id: Option<i64>,
    pub webhook_id: Option<i64>,
    pub recipient: &'a str,
    pub letter: &'a Letter,
    pub payload: &'a str,
    /// Once per key.
    pub dedupe_key: &'a str,
}

/// Queues one message under the Message-ID `id` (made by `message_id`); 0 when its
/// key was queued before.
async fn insert(tx: &mut Tx, m: &Message<'_>, id: &str, now: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO messages (channel, topic, user_id, webhook_id, recipient, subject, \
           body_text, body_html, payload, message_id, state, attempts, not_before, \
           created_at, dedupe_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', 0, $11, $11, $12) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(m.channel.as_str())
    .bind(m.topic.as_str())
    .bind(m.user_id)
    .bind(m.webhook_id)
    .bind(m.recipient)
    .bind(&m.letter.subject)
    .bind(&m.letter.text)
    .bind(&m.letter.html)
    .bind(m.payload)
    .bind(id)
    .bind(now)
    .bind(m.dedupe_key)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Queues one e-mail to `address`, not to any person's account (a councilor office).
pub async fn queue_to_address(
    tx: &mut Tx,
    sender: &Sender<'_>,
    topic: Topic,
    address: &str,
    letter: &Letter,
    dedupe_key: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let id = message_id(sender.host());
    let message = Message {
        channel: Channel::Email,
        topic,
        user_id: None,
        webhook_id: None,
        recipient: address,
        letter,
        payload: "{}",
        dedupe_key: &format!("{dedupe_key}:email"),
    };
    insert(tx, &message, &id, now).await
}

/// The webhooks, active or not, in the order they were added.
pub async fn webhooks<'c>(db: impl crate::db::Db<'c>) -> Result<Vec<Webhook>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name, url, active, created_at FROM webhooks ORDER BY id")
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Webhook {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                url: r.try_get("url")?,
                active: flag(r, "active")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

fn person(r: &sqlx::any::AnyRow) -> Result<Person, sqlx::Error> {
    Ok(Person {
        id: r.try_get("user_id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        email: r.try_get("email")?,
    })
}

fn notice_line(r: &sqlx::any::AnyRow) -> Result<NoticeLine, sqlx::Error> {
    Ok(NoticeLine {
        kind: NotificationKind::parse(r.try_get("kind")?)
            .ok_or_else(|| unexpected("notification kind"))?,
        about: super::subject(r)?,
    })
}

/// What a routing run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Routing {
    /// Notices routed (at most a batch: call again while this is not 0).
    pub notices: u64,
    /// Messages queued for them.
    pub queued: u64,
}

/// Whether the notice's person may still read it (as the inbox decides, `super::visible`):
/// a bureau user only of cases their bureau holds an open part in, so someone moved to
/// another bureau overnight is not mailed the old one's topics in the morning; a call for
/// bills is every bureau's.
const STILL_THEIRS: &str =
    "CASE WHEN u.bureau_id IS NULL OR n.case_id IS NULL OR EXISTS (SELECT 1 FROM assignments a \
     WHERE a.case_id = n.case_id AND a.bureau_id = u.bureau_id \
     AND a.state IN ('pending', 'accepted')) THEN 1 ELSE 0 END AS still_theirs";

/// How many notices a routing run takes at most.
const ROUTE_BATCH: i64 = 500;

/// Routes the notices written since the last run: each by its person's mode for its kind
/// (`notification_prefs`, else the role's default), a notice to be sent at once queued now
/// when anything may be sent today (a working day, or a case that cannot wait), else kept
/// for the next digest.
pub async fn route_new(
    pool: &AnyPool,
    sender: &Sender<'_>,
    now: i64,
) -> Result<Routing, sqlx::Error> {
    let Some(today) = crate::dates::taipei_date(now) else {
        return Ok(Routing::default());
    };
    let rows = sqlx::query(&format!(
        "SELECT n.id, n.user_id, n.kind, {SUBJECT_COLUMNS}, \
           c.priority, c.within_three_days, u.role, u.username, u.display_name, u.email, \
           u.active, p.mode, {STILL_THEIRS} \
         FROM notifications n JOIN users u ON u.id = n.user_id {SUBJECT_JOINS} \
         LEFT JOIN notification_prefs p ON p.user_id = n.user_id AND p.kind = n.kind \
         WHERE n.routed IS NULL ORDER BY n.id LIMIT {ROUTE_BATCH}"
    ))
    .fetch_all(pool)
    .await?;
    if rows.is_empty() {
        return Ok(Routing::default());
    }
    let calendar = crate::deadlines::db::work_calendar(pool).await?;
    let hooks = webhooks(pool).await?;
    let mut tx = begin(pool).await?;
    let mut queued = 0;
    for r in &rows {
        let line = notice_line(r)?;
        let role: Role = r
            .try_get::<String, _>("role")?
            .parse()
            .map_err(|_| unexpected("role"))?;
        let chosen = r
            .try_get::<Option<String>, _>("mode")?
            .and_then(|m| Mode::parse(&m));
        let still_theirs = r.try_get::<i64, _>("still_theirs")? == 1;
        let mode = if flag(r, "active")? && still_theirs {
            chosen.unwrap_or_else(|| default_mode(role, line.kind))
        } else {
            Mode::Off
        };
        let priority = r
            .try_get::<Option<String>, _>("priority")?
            .and_then(|p| Priority::parse(&p));
        // A call for bills or an execution report has no case, so nothing in it that cannot
        // wait for a working day.
        let urgent = match line.about {
            Subject::Case { .. } => flag(r, "within_three_days")?,
            Subject::BillCall { .. } | Subject::ExecutionReport { .. } => false,
        };
        let may_send = crate::notifications::chase::may_send_on(today, &calendar, priority, urgent);
        let routed = route(mode, may_send);
        let id: i64 = r.try_get("id")?;
        let won = sqlx::query(
            "UPDATE notifications SET routed = $1, emailed_at = $2 WHERE id = $3 AND routed IS NULL",
        )
        .bind(routed.as_str())
        .bind((routed == Mode::Now).then_some(now))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if won && routed == Mode::Now {
            let to = person(r)?;
            let letter = notice_letter(&line, &to.display_name, sender.base, sender.city);
            let out = Outgoing {
                topic: Topic::Notice,
                to: &to,
                letter: &letter,
                notices: std::slice::from_ref(&line),
                dedupe_key: format!("notice:{id}"),
                only_to: None,
            };
            queued += queue(&mut tx, sender, &hooks, &out, now).await?;
        }
    }
    tx.commit().await?;
    Ok(Routing {
        notices: rows.len() as u64,
        queued,
    })
}

pub const DIGEST_JOB: &str = "morning_digests";

/// Writes `day`'s morning digests, unless that day's were written already: to each active
/// person, everything kept for the digest since their last one, in one message; returns
/// how many digests were queued, or `None` when another run had the day.
pub async fn run_digests(
    pool: &AnyPool,
    sender: &Sender<'_>,
    day: NaiveDate,
    now: i64,
) -> Result<Option<u64>, sqlx::Error> {
    let mut tx = begin(pool).await?;
    if !crate::db::claim_run(&mut tx, DIGEST_JOB, &day.to_string(), now).await? {
        return Ok(None);
    }
    let hooks = webhooks(&mut *tx).await?;
    let rows = sqlx::query(&format!(
        "SELECT n.id, n.user_id, n.kind, {SUBJECT_COLUMNS}, \
           u.username, u.display_name, u.email, u.active, {STILL_THEIRS} \
         FROM notifications n JOIN users u ON u.id = n.user_id {SUBJECT_JOINS} \
         WHERE n.routed = 'digest' AND n.emailed_at IS NULL ORDER BY n.user_id, n.id"
    ))
    .fetch_all(&mut *tx)
    .await?;
    let mut digests = 0;
    let mut start = 0;
    while start < rows.len() {
        let user: i64 = rows[start].try_get("user_id")?;
        let end = rows[start..]
            .iter()
            .position(|r| r.try_get::<i64, _>("user_id").ok() != Some(user))
            .map_or(rows.len(), |n| start + n);
        let last: i64 = rows[end - 1].try_get("id")?;
        if flag(&rows[start], "active")? {
            let to = person(&rows[start])?;
            let mut lines = Vec::new();
            for r in &rows[start..end] {
                if r.try_get::<i64, _>("still_theirs")? == 1 {
                    lines.push(notice_line(r)?);
                }
            }
            let letter = digest_letter(&lines, &to.display_name, day, sender.base, sender.city);
            let out = Outgoing {
                topic: Topic::Digest,
                to: &to,
                letter: &letter,
                notices: &lines,
                dedupe_key: format!("digest:{user}:{day}"),
                only_to: None,
            };
            if !lines.is_empty() && queue(&mut tx, sender, &hooks, &out, now).await? > 0 {
                digests += 1;
            }
        }
        sqlx::query(
            "UPDATE notifications SET emailed_at = $1 WHERE user_id = $2 AND routed = 'digest' \
             AND emailed_at IS NULL AND id <= $3",
        )
        .bind(now)
        .bind(user)
        .bind(last)
        .execute(&mut *tx)
        .await?;
        start = end;
    }
    tx.commit().await?;
    Ok(Some(digests))
}

/// A message a runner holds, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub payload: String,
    pub message_id: String,
    pub attempts: i64,
    pub webhook_id: Option<i64>,
}

/// Claims up to `limit` messages due at `now` for `worker` (queued ones whose time has
/// come, and ones whose runner's lease ran out: it died between send and mark), for a
/// lease of [`LEASE_SECONDS`].
pub async fn claim(
    pool: &AnyPool,
    worker: &str,
    now: i64,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let skip = Backend::of_pool(pool).map_or("", Backend::skip_locked);
    let rows = sqlx::query(&format!(
        "UPDATE messages SET state = 'sending', claimed_by = $1, not_before = $2, \
           attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM messages WHERE state IN ('queued', 'sending') \
           AND not_before <= $3 ORDER BY not_before, id LIMIT $4{skip}) \
         AND state IN ('queued', 'sending') AND not_before <= $3 \
         RETURNING id, channel, recipient, subject, body_text, body_html, payload, message_id, \
           attempts, webhook_id"
    ))
    .bind(worker)
    .bind(now + LEASE_SECONDS)
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut claimed = rows
        .iter()
        .map(|r| {
            Ok(Claimed {
                id: r.try_get("id")?,
                channel: Channel::parse(r.try_get("channel")?)
                    .ok_or_else(|| unexpected("channel"))?,
                recipient: r.try_get("recipient")?,
                subject: r.try_get("subject")?,
                body_text: r.try_get("body_text")?,
                body_html: r.try_get("body_html")?,
                payload: r.try_get("payload")?,
                message_id: r.try_get("message_id")?,
                attempts: r.try_get("attempts")?,
                webhook_id: r.try_get("webhook_id")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// What became of one try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent(String),
    /// Worth another try later (a 4xx answer, a timeout, a refused connection, a 5xx from a
    /// webhook).
    Temporary(String),
    /// Will never work as it stands (a 5xx answer to SMTP, a 4xx from a webhook).
    Permanent(String),
}

/// Topics whose body carries a key (a status link, an address's confirmation link): once
/// sent, only the subject is kept, so the outbox is no second place the token lives.
const SECRET_BEARING: &str = "'status_link', 'email_confirm'";

/// Records what became of a run's tries (`outcomes[i]` of `messages[i]`) in one
/// transaction, for those `worker` still holds. A runner killed before it commits leaves
/// them to be claimed and sent again when the lease ends, with the same Message-IDs.
pub async fn mark_all(
    pool: &AnyPool,
    worker: &str,
    messages: &[Claimed],
    outcomes: &[Outcome],
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = begin(pool).await?;
    for (message, outcome) in messages.iter().zip(outcomes) {
        mark(&mut tx, worker, message, outcome, now).await?;
    }
    tx.commit().await
}

/// Records what became of `message`'s try, if `worker` still holds it.
async fn mark(
    tx: &mut Tx,
    worker: &str,
    message: &Claimed,
    outcome: &Outcome,
    now: i64,
) -> Result<(), sqlx::Error> {
    let clip = |s: &str| one_line(s, 500);
    let (state, not_before, sent_at, answer) = match outcome {
        Outcome::Sent(a) => (DeliveryState::Sent, now, Some(now), clip(a)),
        Outcome::Temporary(a) => match retry_after(message.attempts) {
            Some(wait) => (DeliveryState::Queued, now + wait, None, clip(a)),
            None => (DeliveryState::Failed, now, None, clip(a)),
        },
        Outcome::Permanent(a) => (DeliveryState::Failed, now, None, clip(a)),
    };
    sqlx::query(&format!(
        "UPDATE messages SET state = $1, not_before = $2, sent_at = $3, answer = $4, \
           body_text = CASE WHEN $1 = 'sent' AND topic IN ({SECRET_BEARING}) THEN '' ELSE body_text END, \
           body_html = CASE WHEN $1 = 'sent' AND topic IN ({SECRET_BEARING}) THEN '' ELSE body_html END \
         WHERE id = $5 AND claimed_by = $6 AND state = 'sending'"
    ))
    .bind(state.as_str())
    .bind(not_before)
    .bind(sent_at)
    .bind(answer)
    .bind(message.id)
    .bind(worker)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The log the admin reads: counts by state, and the newest messages (of one state).
pub async fn log(
    pool: &AnyPool,
    state: Option<DeliveryState>,
    limit: i64,
) -> Result<(Vec<(DeliveryState, i64)>, Vec<DeliveryRow>), sqlx::Error> {
    let counts = sqlx::query("SELECT state, COUNT(*) AS n FROM messages GROUP BY state")
        .fetch_all(pool)
        .await?
        .iter()
        .filter_map(|r| {
            let state = DeliveryState::parse(r.try_get("state").ok()?)?;
            Some((state, r.try_get("n").ok()?))
        })
        .collect();
    let filter = if state.is_some() {
        "WHERE d.state = $1"
    } else {
        "WHERE $1 = $1"
    };
    let rows = sqlx::query(&format!(
        "SELECT d.id, d.channel, d.topic, d.recipient, d.subject, d.state, d.attempts, \
           d.answer, d.created_at, d.sent_at, d.not_before, d.message_id, w.name AS webhook \
         FROM messages d LEFT JOIN webhooks w ON w.id = d.webhook_id {filter} \
         ORDER BY d.id DESC LIMIT {limit}"
    ))
    .bind(state.map_or("", DeliveryState::as_str))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(DeliveryRow {
            id: r.try_get("id")?,
            channel: Channel::parse(r.try_get("channel")?).ok_or_else(|| unexpected("channel"))?,
            topic: Topic::parse(r.try_get("topic")?).ok_or_else(|| unexpected("topic"))?,
            recipient: r.try_get("recipient")?,
            webhook: r.try_get("webhook")?,
            subject: r.try_get("subject")?,
            state: DeliveryState::parse(r.try_get("state")?).ok_or_else(|| unexpected("state"))?,
            attempts: r.try_get("attempts")?,
            answer: r.try_get("answer")?,
            created_at: r.try_get("created_at")?,
            sent_at: r.try_get("sent_at")?,
            not_before: r.try_get("not_before")?,
            message_id: r.try_get("message_id")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((counts, rows))
}

/// Puts a failed message back in the queue, to go now, its tries counted afresh (and its
/// Message-ID kept); returns its recipient and subject, or `None` when it had not failed.
pub async fn resend(
    tx: &mut Tx,
    id: i64,
    now: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE messages SET state = 'queued', not_before = $1, attempts = 0, claimed_by = NULL \
         WHERE id = $2 AND state = 'failed' RETURNING recipient, subject",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| Ok((r.try_get("recipient")?, r.try_get("subject")?)))
        .transpose()
}
