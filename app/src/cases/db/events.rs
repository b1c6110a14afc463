//! Appending to the case timeline: one chained row per step, with its data as JSON.

use crate::{
    auth::CurrentUser,
    cases::events::{ActorKind, EventAction, EventData},
    chain::{self, Chain},
    db::Tx,
};

/// Who took a step, as the timeline stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventActor {
    pub kind: ActorKind,
    pub id: Option<i64>,
}

impl EventActor {
    pub fn user(user: &CurrentUser) -> Self {
        Self {
            kind: ActorKind::User,
            id: Some(user.id),
        }
    }

    /// A councilor office, by the status link it used.
    pub fn link(link_id: i64) -> Self {
        Self {
            kind: ActorKind::Link,
            id: Some(link_id),
        }
    }

    pub fn system() -> Self {
        Self {
            kind: ActorKind::System,
            id: None,
        }
    }
}

/// Adds an event to the case's timeline inside `tx`; returns its id.
pub async fn append_event(
    tx: &mut Tx,
    case_id: i64,
    at: i64,
    actor: EventActor,
    action: EventAction,
    data: &EventData,
) -> Result<i64, sqlx::Error> {
    let data = serde_json::to_string(data).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let link = chain::append(
        tx,
        Chain::CaseEvents,
        &[
            case_id.into(),
            at.into(),
            actor.kind.as_str().into(),
            actor.id.into(),
            action.as_str().into(),
            data.as_str().into(),
        ],
    )
    .await?;
    sqlx::query_scalar(
        "INSERT INTO case_events (case_id, at, actor_kind, actor_id, action, data, seq, \
           prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(case_id)
    .bind(at)
    .bind(actor.kind.as_str())
    .bind(actor.id)
    .bind(action.as_str())
    .bind(data)
    .bind(link.seq)
    .bind(link.prev_hash)
    .bind(link.hash)
    .fetch_one(&mut **tx)
    .await
}
