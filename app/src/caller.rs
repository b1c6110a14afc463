//! The one way server fns learn who is calling, reach the app state and read the clock:
//! `let c = Caller::signed_in().await?;` then `c.user`, `c.db()`, `c.ts()`, `c.today()`.
//! Audit rows written through it carry the caller, the time and the client address.

use crate::{
    audit::{
        self,
        db::{Actor, Entry},
    },
    auth::{session::require_user, CurrentUser, Role},
    db::Tx,
    error::AppError,
    state::{app_state, client_addr, AppState},
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyPool;

pub struct Caller {
    pub user: CurrentUser,
    pub state: AppState,
    pub now: DateTime<Utc>,
    pub client_addr: String,
}

impl Caller {
    /// The signed-in user, or `Unauthenticated`.
    pub async fn signed_in() -> Result<Self, AppError> {
        let user = require_user().await?;
        let state = app_state()?;
        Ok(Self {
            now: state.now(),
            user,
            state,
            client_addr: client_addr(),
        })
    }

    /// The signed-in user if their role is one of `roles`, else `Forbidden`.
    pub async fn with_role(roles: &[Role]) -> Result<Self, AppError> {
        let caller = Self::signed_in().await?;
        if roles.contains(&caller.user.role) {
            Ok(caller)
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub async fn admin() -> Result<Self, AppError> {
        Self::with_role(&[Role::Admin]).await
    }

    pub fn db(&self) -> &AnyPool {
        &self.state.db
    }

    /// Now, as stored: Unix seconds.
    pub fn ts(&self) -> i64 {
        self.now.timestamp()
    }

    /// Today in Taipei.
    pub fn today(&self) -> NaiveDate {
        crate::dates::taipei_day(self.now)
    }

    pub async fn begin(&self) -> Result<Tx, AppError> {
        Ok(crate::db::begin(&self.state.db).await?)
    }

    pub fn actor(&self) -> Actor {
        Actor::user(self.user.id, &self.user.username)
    }

    /// Adds an audit row by the caller to `tx`.
    pub async fn audit(&self, tx: &mut Tx, entry: Entry) -> Result<(), AppError> {
        audit::db::record(tx, self.ts(), &self.actor(), &self.client_addr, &entry).await?;
        Ok(())
    }

    /// Passes `result` through; when it refuses access to a case that exists (403 or 404),
    /// the refusal is audited first, and so is an admin's reading of it. Asking for ids
    /// that exist nowhere is only logged: the audit log cannot be deleted from for six
    /// months, and anyone signed in could otherwise fill it by counting.
    pub async fn refusals<T>(
        &self,
        case_id: i64,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        if let Err(err @ (AppError::Forbidden | AppError::NotFound)) = &result {
            if !audit::db::exists(self.db(), audit::db::Kept::Case, case_id).await? {
                tracing::info!(case_id, user = self.user.id, "refused: no such case");
                return result;
            }
            let entry = Entry::new(audit::AuditAction::AccessRefused, "case", case_id)
                .data(serde_json::json!({ "status": err.status_code() }));
            audit::db::record_alone(
                self.db(),
                self.ts(),
                &self.actor(),
                &self.client_addr,
                &entry,
            )
            .await?;
        }
        // Admins may read a case, to help the users who work it, but never act on it; each
        // case they open is in the audit log (SECURITY.md, "Admins and case contents").
        if result.is_ok() && self.user.role == Role::Admin {
            let entry = Entry::new(audit::AuditAction::CaseViewedByAdmin, "case", case_id);
            audit::db::record_alone(
                self.db(),
                self.ts(),
                &self.actor(),
                &self.client_addr,
                &entry,
            )
            .await?;
        }
        result
    }
}
