//! Server-side sessions in the database (any app server can serve any request), and the
//! helpers server fns use to learn who is calling.

use super::{CurrentUser, Role};
use crate::{error::AppError, state::app_state};
use async_trait::async_trait;
use sqlx::AnyPool;
use tower_sessions::{
    session::{Id, Record},
    session_store, Session, SessionStore,
};

const USER_ID_KEY: &str = "user_id";

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    pool: AnyPool,
}

impl DbSessionStore {
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }

    pub async fn delete_expired(&self, now: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

impl DbSessionStore {
    /// Runs an insert taking `(id, data, expires_at)`; returns the rows it wrote.
    async fn write(&self, sql: &str, record: &Record) -> session_store::Result<u64> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let done = sqlx::query(sql)
            .bind(record.id.to_string())
            .bind(data)
            .bind(record.expiry_date.unix_timestamp())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh random id collides with an existing one only by astronomical bad luck;
        // if it does, draw again rather than take over someone's session.
        loop {
            let inserted = self
                .write(
                    "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (id) DO NOTHING",
                    record,
                )
                .await?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.write(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
            record,
        )
        .await?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(id.to_string())
        .bind(time::OffsetDateTime::now_utc().unix_timestamp())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(|(data, expires_at)| {
            Ok(Record {
                id: *id,
                data: serde_json::from_str(&data)
                    .map_err(|e| session_store::Error::Decode(e.to_string()))?,
                expiry_date: time::OffsetDateTime::from_unix_timestamp(expires_at)
                    .map_err(|e| session_store::Error::Decode(e.to_string()))?,
            })
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| AppError::internal("session layer", e))
}

/// Starts a signed-in session under a new id, so an id planted before login is worthless.
pub async fn sign_in(session: &Session, user_id: i64) -> Result<(), AppError> {
    forget_request_user();
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::internal("session cycle", e))?;
    session
        .insert(USER_ID_KEY, user_id)
        .await
        .map_err(|e| AppError::internal("session insert", e))
}

pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    forget_request_user();
    session
        .flush()
        .await
        .map_err(|e| AppError::internal("session flush", e))
}

/// Who a request is from, once looked up: a page asks in its top bar, its role guard and
/// each server fn it calls (three lookups a page before). Provided fresh per request by the
/// router; signing in or out forgets it.
#[derive(Clone, Default)]
pub struct RequestUser(std::sync::Arc<std::sync::Mutex<Option<Option<CurrentUser>>>>);

impl RequestUser {
    fn get(&self) -> Option<Option<CurrentUser>> {
        self.0.lock().ok().and_then(|known| known.clone())
    }

    fn set(&self, user: Option<Option<CurrentUser>>) {
        if let Ok(mut known) = self.0.lock() {
            *known = user;
        }
    }
}

fn forget_request_user() {
    if let Some(memo) = leptos::prelude::use_context::<RequestUser>() {
        memo.set(None);
    }
}

/// The signed-in, still active user, if any.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let memo = leptos::prelude::use_context::<RequestUser>();
    if let Some(known) = memo.as_ref().and_then(RequestUser::get) {
        return Ok(known);
    }
    let session = session().await?;
    let state = app_state()?;
    let user = user_in(&session, &state.db).await?;
    if let Some(memo) = memo {
        memo.set(Some(user.clone()));
    }
    Ok(user)
}

/// The active user a session belongs to, for handlers outside the Leptos context.
pub async fn user_in(session: &Session, pool: &AnyPool) -> Result<Option<CurrentUser>, AppError> {
    let Some(user_id) = session
        .get::<i64>(USER_ID_KEY)
        .await
        .map_err(|e| AppError::internal("session read", e))?
    else {
        return Ok(None);
    };
    Ok(super::db::active_user(pool, user_id).await?)
}

pub async fn require_user() -> Result<CurrentUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

pub async fn require_role(allowed: &[Role]) -> Result<CurrentUser, AppError> {
    let user = require_user().await?;
    if allowed.contains(&user.role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}
