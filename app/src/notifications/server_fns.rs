//! The inbox over HTTP: always the caller's own notices.

use super::Inbox;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::caller::Caller;

/// The number of unread notices, for the top bar; 0 for someone not signed in.
#[server(prefix = "/api", endpoint = "notifications/unread")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            match crate::auth::session::current_user().await? {
                Some(user) => {
                    let state = crate::state::app_state()?;
                    Ok(super::db::unread_count(&state.db, &user).await?)
                }
                None => Ok(0),
            }
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "notifications")]
pub async fn load_inbox() -> Result<Inbox, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::signed_in().await?;
            Ok(super::db::inbox(c.db(), &c.user).await?)
        }
        .await,
    )
}

/// Marks one notice read, or all of them when `id` is empty.
#[server(prefix = "/api", endpoint = "notifications/read")]
pub async fn mark_read(#[server(default)] id: String) -> Result<u64, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::signed_in().await?;
            let id = match id.trim() {
                "" => None,
                raw => Some(raw.parse::<i64>().map_err(|_| AppError::BadRequest)?),
            };
            Ok(super::db::mark_read(c.db(), c.user.id, id, c.ts()).await?)
        }
        .await,
    )
}

/// The caller's own delivery settings.
#[server(prefix = "/api", endpoint = "account/notifications")]
pub async fn my_settings() -> Result<super::delivery::MySettings, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::signed_in().await?;
            let mut mine =
                super::db::settings::my_settings(c.db(), c.user.id, c.user.role, c.ts()).await?;
            mine.digest_at = use_context::<super::delivery::MailSetup>()
                .unwrap_or_default()
                .digest_at;
            Ok(mine)
        }
        .await,
    )
}

/// Saves how the caller hears of each kind: `prefs[<kind>]=<mode>` for each kind.
#[server(prefix = "/api", endpoint = "account/notifications/save")]
pub async fn save_notification_prefs(
    #[server(default)] prefs: std::collections::BTreeMap<String, String>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use super::delivery::Mode;
            use crate::{
                audit::{db::Entry, AuditAction},
                cases::notify::NotificationKind,
            };
            let c = Caller::signed_in().await?;
            let chosen = prefs
                .iter()
                .map(|(kind, mode)| {
                    Ok((
                        NotificationKind::parse(kind).ok_or(AppError::BadRequest)?,
                        Mode::parse(mode).ok_or(AppError::BadRequest)?,
                    ))
                })
                .collect::<Result<Vec<_>, AppError>>()?;
            let before =
                super::db::settings::my_settings(c.db(), c.user.id, c.user.role, c.ts()).await?;
            let mut tx = c.begin().await?;
            let changed =
                super::db::settings::save_prefs(&mut tx, c.user.id, &before, &chosen).await?;
            if !changed.is_empty() {
                let words: Vec<serde_json::Value> = changed
                    .iter()
                    .map(|(kind, was, now)| {
                        serde_json::json!({ "kind": kind.as_str(), "before": was.as_str(), "after": now.as_str() })
                    })
                    .collect();
                let entry = Entry::new(AuditAction::NotificationPrefsChanged, "user", c.user.id)
                    .data(serde_json::json!({ "changes": words }));
                c.audit(&mut tx, entry).await?;
            }
            tx.commit().await?;
            leptos_axum::redirect(&super::settings_page::SettingsDone::Saved.path());
            Ok(())
        }
        .await,
    )
}

/// Asks to change the caller's address: the new one gets a link that confirms it; until
/// then the old one stays.
#[server(prefix = "/api", endpoint = "account/email")]
pub async fn change_my_email(email: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use super::{
                db::outbox::{queue, Outgoing, Person, Sender},
                delivery::{confirm_letter, EmailAddress, Topic},
            };
            use crate::audit::{db::Entry, AuditAction};
            let c = Caller::signed_in().await?;
            let address =
                EmailAddress::parse(&email).map_err(|e| e.keeping(&[("email", &email)]))?;
            let base = use_context::<crate::links::ops::PublicUrl>()
                .ok_or_else(|| AppError::internal("context", "PublicUrl missing from context"))?;
            let (token, digest) = crate::links::db::new_token();
            let link = format!(
                "{}/account/email/confirm?token={token}",
                base.0.trim_end_matches('/')
            );
            let letter = confirm_letter(&c.user.display_name, &link, &c.state.city);
            let mut tx = c.begin().await?;
            super::db::settings::request_email_change(
                &mut tx,
                c.user.id,
                address.as_str(),
                &digest,
                c.ts(),
            )
            .await?;
            let to = Person {
                id: c.user.id,
                username: c.user.username.clone(),
                display_name: c.user.display_name.clone(),
                email: None,
            };
            let sender = Sender {
                base: &base.0,
                city: &c.state.city,
            };
            let out = Outgoing {
                topic: Topic::EmailConfirm,
                to: &to,
                letter: &letter,
                notices: &[],
                dedupe_key: format!("confirm:{digest}"),
                only_to: Some(address.as_str()),
            };
            queue(&mut tx, &sender, &[], &out, c.ts()).await?;
            let entry = Entry::new(AuditAction::EmailChangeRequested, "user", c.user.id)
                .data(serde_json::json!({ "address": address.as_str() }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            leptos_axum::redirect(&super::settings_page::SettingsDone::ConfirmSent.path());
            Ok(())
        }
        .await,
    )
}

/// Confirms the new address the caller's link was sent to.
#[server(prefix = "/api", endpoint = "account/email/confirm")]
pub async fn confirm_my_email(token: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = Caller::signed_in().await?;
            let digest = crate::links::db::digest(token.trim());
            let mut tx = c.begin().await?;
            let Some((before, after)) =
                super::db::settings::confirm_email_change(&mut tx, c.user.id, &digest, c.ts())
                    .await?
            else {
                return Err(AppError::validation(
                    "token",
                    "這個確認連結無效或已過期（24 小時），請到通知設定重新申請。",
                ));
            };
            let entry = Entry::new(AuditAction::EmailChanged, "user", c.user.id).data(
                serde_json::json!({ "before": { "email": before }, "after": { "email": after } }),
            );
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            leptos_axum::redirect(&super::settings_page::SettingsDone::EmailConfirmed.path());
            Ok(())
        }
        .await,
    )
}

/// The admin's log of messages (寄送紀錄), of one state or all.
#[server(prefix = "/api", endpoint = "admin/deliveries")]
pub async fn delivery_log(
    #[server(default)] state: String,
) -> Result<super::delivery::DeliveryLog, AppError> {
    crate::error::with_status(
        async {
            use super::delivery::{DeliveryLog, DeliveryState, MailSetup};
            let c = Caller::admin().await?;
            let state = DeliveryState::parse(&state);
            let (counts, rows) = super::db::outbox::log(c.db(), state, 200).await?;
            let setup = use_context::<MailSetup>().unwrap_or_default();
            let files = setup
                .folder
                .as_deref()
                .map(|f| newest_files(std::path::Path::new(f), 20))
                .unwrap_or_default();
            Ok(DeliveryLog {
                setup,
                counts,
                rows,
                webhooks: super::db::outbox::webhooks(c.db()).await?,
                files,
            })
        }
        .await,
    )
}

/// The newest `.eml` files in the folder, newest first.
#[cfg(feature = "ssr")]
fn newest_files(folder: &std::path::Path, n: usize) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut files: Vec<(std::time::SystemTime, String)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let modified = e.metadata().ok()?.modified().ok()?;
            name.ends_with(".eml").then_some((modified, name))
        })
        .collect();
    files.sort_by(|a, b| b.cmp(a));
    files.into_iter().take(n).map(|(_, name)| name).collect()
}

/// Sends a failed message again.
#[server(prefix = "/api", endpoint = "admin/deliveries/resend")]
pub async fn resend_message(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = Caller::admin().await?;
            let mut tx = c.begin().await?;
            let (recipient, subject) = super::db::outbox::resend(&mut tx, id, c.ts())
                .await?
                .ok_or_else(|| AppError::validation("id", "這則訊息不是寄送失敗的，不必重寄。"))?;
            let entry = Entry::new(AuditAction::MessageResent, "delivery", id)
                .data(serde_json::json!({ "recipient": recipient, "subject": subject }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/webhooks/add")]
pub async fn add_webhook(name: String, url: String, secret: String) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = Caller::admin().await?;
            let keep = [("name", name.as_str()), ("url", url.as_str())];
            let hook = super::delivery::WebhookInput::parse(&name, &url, &secret)
                .map_err(|e| e.keeping(&keep))?;
            let mut tx = c.begin().await?;
            let id = super::db::settings::add_webhook(&mut tx, &hook, c.ts())
                .await
                .map_err(|e| e.keeping(&keep))?;
            // The secret stays out of the log.
            let entry = Entry::new(AuditAction::WebhookAdded, "webhook", id)
                .data(serde_json::json!({ "name": hook.name, "url": hook.url }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(id)
        }
        .await,
    )
}

/// Turns a webhook off (停用) or on again.
#[server(prefix = "/api", endpoint = "admin/webhooks/active")]
pub async fn set_webhook_active(id: i64, active: bool) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = Caller::admin().await?;
            let mut tx = c.begin().await?;
            let (name, was) = super::db::settings::set_webhook_active(&mut tx, id, active)
                .await?
                .ok_or(AppError::NotFound)?;
            let entry = Entry::new(AuditAction::WebhookChanged, "webhook", id).data(
                serde_json::json!({ "name": name, "before": { "active": was }, "after": { "active": active } }),
            );
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}
