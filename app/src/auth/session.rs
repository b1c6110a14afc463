//! Server-side sessions in the database (any app server can serve any request), and the
//! session's user, which `caller::Caller` admits or not.

use super::{
    session_rules::{Freshness, SessionPolicy},
    CurrentUser,
};
use crate::{
    error::AppError,
    state::{app_state, AppState, Clock},
};
use async_trait::async_trait;
use sqlx::AnyPool;
use std::sync::Arc;
use tower_sessions::{
    session::{Id, Record},
    session_store, Session, SessionStore,
};

const USER_ID_KEY: &str = "user_id";

/// Sessions in the `sessions` table, keyed by a hash of the cookie's id and judged by the
/// app's clock (a test's clock in the tests) against the [`SessionPolicy`].
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    pool: AnyPool,
    clock: Arc<dyn Clock>,
    policy: SessionPolicy,
}

/// What the table keeps of a cookie's id: a SHA-256, so the table opens no session.
fn id_hash(id: &Id) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(id.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

impl DbSessionStore {
    pub fn new(state: &AppState, policy: SessionPolicy) -> Self {
        Self {
            pool: state.db.clone(),
            clock: state.clock.clone(),
            policy,
        }
    }

    fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// Deletes sessions past either limit.
    pub async fn delete_expired(&self) -> Result<u64, sqlx::Error> {
        let now = self.now();
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
            .bind(now)
            .bind(self.policy.idle_before(now))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Inserts a new session; false when its id is taken.
    async fn insert(&self, record: &Record) -> session_store::Result<bool> {
        let now = self.now();
        let done = sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, data, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT (id_hash) DO NOTHING",
        )
        .bind(id_hash(&record.id))
        .bind(user_of(record))
        .bind(encode(record)?)
        .bind(now)
        .bind(self.policy.expires_at(now))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

fn user_of(record: &Record) -> Option<i64> {
    record.data.get(USER_ID_KEY).and_then(|v| v.as_i64())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh random id collides with an existing one only by astronomical bad luck;
        // if it does, draw again rather than take over someone's session.
        while !self.insert(record).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    /// Writes the data of a session that exists. One that does not was ended meanwhile
    /// (expired, logged out, its account deactivated or its password reset): a request
    /// still in flight must not bring it back, so nothing is written.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        sqlx::query(
            "UPDATE sessions SET data = $1, user_id = $2, last_seen_at = $3 WHERE id_hash = $4",
        )
        .bind(encode(record)?)
        .bind(user_of(record))
        .bind(self.now())
        .bind(id_hash(&record.id))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let hash = id_hash(id);
        let row: Option<(String, i64, i64)> = sqlx::query_as(
            "SELECT data, created_at, last_seen_at FROM sessions WHERE id_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some((data, created_at, last_seen_at)) = row else {
            return Ok(None);
        };
        let now = self.now();
        match self.policy.judge(created_at, last_seen_at, now) {
            Freshness::Expired => {
                self.delete(id).await?;
                return Ok(None);
            }
            Freshness::Touch => {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                    .bind(now)
                    .bind(&hash)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
            }
            Freshness::Fresh => {}
        }
        let expiry_date =
            time::OffsetDateTime::from_unix_timestamp(self.policy.expires_at(created_at))
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash(id))
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
