//! Delivery: the runner that takes messages from the outbox (`app::notifications::db::
//! outbox`) and carries them out, by e-mail (`mail`) and to the messaging gateways
//! (`webhook`); and the admin's download of a message written to the `.eml` folder.
//!
//! Every app server runs a runner. Each run routes the notices written since the last, writes
//! the morning digests when their time has come, then claims at most `DELIVERY_BATCH` due
//! messages (claims never overlap: `FOR UPDATE SKIP LOCKED` on PostgreSQL, one writer on
//! SQLite) and sends them one by one, marking each as it goes. SMTP has no exactly-once: a
//! server killed after the relay took a message and before it was marked sends it again
//! when the lease ends, with the same `Message-ID`, which mail readers use to fold the two.

pub mod mail;
pub mod webhook;

use crate::config::Config;
use app::{
    caller::Caller,
    error::AppError,
    notifications::{
        db::{
            offices,
            outbox::{self, Claimed, Outcome, Sender},
        },
        delivery::{digest_day, Channel, MailSetup},
    },
    state::AppState,
};
use axum::{extract::Path, response::Response, routing::get, Extension, Router};
use std::{sync::Arc, time::Duration};

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/admin/deliveries/files/{name}", get(eml_file))
}

/// Where mail goes, as the admin's log shows it (never the relay's password).
pub fn setup(config: &Config) -> MailSetup {
    MailSetup {
        relay: config.mail.smtp_url.as_ref().map(|u| {
            format!(
                "{}://{}:{}",
                u.scheme(),
                u.host_str().unwrap_or_default(),
                u.port().unwrap_or(mail::default_port(u.scheme()))
            )
        }),
        folder: config
            .mail
            .smtp_url
            .is_none()
            .then(|| mail::folder(config).display().to_string()),
        digest_at: config.mail.digest_at.format("%H:%M").to_string(),
    }
}

/// One `.eml` file of the folder, for the admin.
async fn eml_file(
    c: Caller,
    Extension(setup): Extension<MailSetup>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    c.allowed(&[app::auth::Role::Admin])?;
    let folder = setup.folder.ok_or(AppError::NotFound)?;
    // Only a plain file name the folder holds: no way up or across.
    let plain = name.ends_with(".eml")
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '.')
        && !name.starts_with('.');
    if !plain {
        return Err(AppError::NotFound);
    }
    let bytes = tokio::fs::read(std::path::Path::new(&folder).join(&name))
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok(crate::web::answer::attachment(
        bytes,
        "message/rfc822",
        &name,
        &name,
    ))
}

/// The runner of one app server.
#[derive(Clone)]
pub struct Runner {
    state: AppState,
    mailer: Arc<mail::Mailer>,
    hooks: webhook::Client,
    base: String,
    digest_at: chrono::NaiveTime,
    batch: i64,
    /// Names this runner's claims (host, process, a random part).
    worker: String,
}

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub queued: u64,
    pub digests: Option<u64>,
    pub sent: u64,
    pub retrying: u64,
    pub failed: u64,
}

/// Messages one runner has in flight at once. An SMTP transaction mostly waits: lettre
/// writes a message's closing `.` apart from its body, so each one waits out the relay's
/// delayed ACK (40 ms on Linux), and one at a time carries about 25 a second
/// (docs/benchmarks.md); lettre's pool keeps a connection for each.
pub const IN_FLIGHT: usize = 8;

impl Runner {
    pub fn new(state: AppState, config: &Config) -> Result<Self, mail::MailSetupError> {
        Ok(Self {
            mailer: Arc::new(mail::Mailer::new(config)?),
            hooks: webhook::Client::new(),
            base: config.public_url.clone(),
            digest_at: config.mail.digest_at,
            batch: config.mail.batch,
            worker: format!(
                "{}:{}:{:08x}",
                hostname(),
                std::process::id(),
                rand::random::<u32>()
            ),
            state,
        })
    }

    /// Routes, digests and sends what is due now; returns what it did.
    pub async fn run_once(&self) -> Result<RunReport, sqlx::Error> {
        let now = self.state.now();
        let ts = now.timestamp();
        let sender = Sender {
            base: &self.base,
            city: &self.state.city,
        };
        let mut report = RunReport {
            queued: outbox::route_new(&self.state.db, &sender, ts).await?.queued
                + offices::route_office_notices(&self.state.db, &sender, ts).await?,
            ..RunReport::default()
        };
        let local = now.with_timezone(&app::dates::taipei()).naive_local();
        let calendar = app::deadlines::db::work_calendar(&self.state.db).await?;
        if let Some(day) = digest_day(local, self.digest_at, calendar.is_working_day(local.date()))
        {
            report.digests = outbox::run_digests(&self.state.db, &sender, day, ts).await?;
        }
        let claimed = outbox::claim(&self.state.db, &self.worker, ts, self.batch).await?;
        let mut outcomes = Vec::with_capacity(claimed.len());
        for some in claimed.chunks(IN_FLIGHT) {
            // Collected first: a stream adaptor over borrowed messages is not `Send` for
            // every lifetime the spawned task needs.
            let sends: Vec<_> = some.iter().map(|message| self.send(message)).collect();
            outcomes.extend(futures::future::join_all(sends).await);
        }
        for (message, outcome) in claimed.iter().zip(&outcomes) {
            match outcome {
                Outcome::Sent(_) => report.sent += 1,
                Outcome::Temporary(a) => {
                    tracing::warn!(id = message.id, answer = %a, "delivery will be retried");
                    report.retrying += 1;
                }
                Outcome::Permanent(a) => {
                    tracing::warn!(id = message.id, answer = %a, "delivery failed");
                    report.failed += 1;
                }
            }
        }
        outbox::mark_all(
            &self.state.db,
            &self.worker,
            &claimed,
            &outcomes,
            self.state.now().timestamp(),
        )
        .await?;
        Ok(report)
    }

    /// `seed-demo`'s morning: every notice routed, the digests of the last working day up to
    /// today written, and everything due sent; returns the digests and messages sent.
    pub async fn demo_morning(&self) -> Result<(u64, u64), sqlx::Error> {
        let now = self.state.now().timestamp();
        let sender = Sender {
            base: &self.base,
            city: &self.state.city,
        };
        while outbox::route_new(&self.state.db, &sender, now)
            .await?
            .notices
            > 0
        {}
        let calendar = app::deadlines::db::work_calendar(&self.state.db).await?;
        let mut day = self.state.today();
        while !calendar.is_working_day(day) {
            day -= chrono::Duration::days(1);
        }
        let digests = outbox::run_digests(&self.state.db, &sender, day, now)
            .await?
            .unwrap_or(0);
        let mut sent = 0;
        loop {
            let run = self.run_once().await?;
            sent += run.sent;
            if run.sent + run.failed + run.retrying == 0 {
                break;
            }
        }
        Ok((digests, sent))
    }

    async fn send(&self, message: &Claimed) -> Outcome {
        match message.channel {
            Channel::Email => self.mailer.send(message).await,
            Channel::Webhook => {
                let target = match message.webhook_id {
                    Some(id) => {
                        app::notifications::db::settings::webhook_target(&self.state.db, id)
                            .await
                            .ok()
                            .flatten()
                    }
                    None => None,
                };
                match target {
                    Some((url, secret)) => self.hooks.post(&url, &secret, message).await,
                    None => Outcome::Permanent("訊息閘道已不存在".into()),
                }
            }
        }
    }

    /// Runs every few seconds, and again at once while a run found a full batch.
    pub fn spawn(self) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(10));
            loop {
                tick.tick().await;
                loop {
                    match self.run_once().await {
                        Ok(r) => {
                            if r.sent + r.failed + r.queued > 0 || r.digests.is_some() {
                                tracing::info!(
                                    queued = r.queued,
                                    digests = r.digests,
                                    sent = r.sent,
                                    retrying = r.retrying,
                                    failed = r.failed,
                                    "delivery run"
                                );
                            }
                            if r.sent + r.retrying + r.failed < self.batch as u64 {
                                break;
                            }
                        }
                        Err(e) => {
                            tracing::warn!("delivery run failed: {e}");
                            break;
                        }
                    }
                }
            }
        });
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "server".into())
}
