//! The one way anything learns who is calling, reaches the app state and reads the clock.
//! A server fn: `let c = Caller::with_role(&[..]).await?;`. An axum handler takes a
//! `Caller` argument (the extractor below) and checks `c.allowed(&[..])?`. The command
//! line builds one for the account `--by USER` names. Then `c.user`, `c.db()`, `c.ts()`,
//! `c.today()`; audit rows written through it carry the caller, the time and the client
//! address.

use crate::{
    audit::{
        self,
        db::{Entry, Kept, Recorder},
    },
    auth::{
        session::{current_user, user_in},
        CurrentUser, Role,
    },
    db::Tx,
    error::AppError,
    state::{app_state, client_addr, AppState, ClientAddr},
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyPool;
use tower_sessions::Session;

pub struct Caller {
    pub user: CurrentUser,
    pub state: AppState,
    pub now: DateTime<Utc>,
    pub client_addr: String,
}

impl Caller {
    /// The signed-in user, or `Unauthenticated`.
    pub async fn signed_in() -> Result<Self, AppError> {
        let user = current_user().await?;
        Self::admitted(user, app_state()?, client_addr())
    }

    /// The user of `session`, for a request outside the Leptos context (the extractor).
    pub async fn of_session(
        session: &Session,
        state: AppState,
        client_addr: String,
    ) -> Result<Self, AppError> {
        let user = user_in(session, &state.db).await?;
        Self::admitted(user, state, client_addr)
    }

    /// The one rule of who may work at all: signed in, and having chosen their own password
    /// (until then they may only do that: `PasswordChangeRequired`).
    fn admitted(
        user: Option<CurrentUser>,
        state: AppState,
        client_addr: String,
    ) -> Result<Self, AppError> {
        let user = user.ok_or(AppError::Unauthenticated)?;
        if user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(Self::acting(user, state, client_addr))
    }

    /// `user` at work without a request: the command line's `--by USER`.
    pub fn acting(user: CurrentUser, state: AppState, client_addr: String) -> Self {
        Self {
            now: state.now(),
            user,
            state,
            client_addr,
        }
    }

    /// The signed-in user if their role is one of `roles`, else `Forbidden`.
    pub async fn with_role(roles: &[Role]) -> Result<Self, AppError> {
        Self::signed_in().await?.allowed(roles)
    }

    /// The caller if their role is one of `roles`, else `Forbidden`.
    pub fn allowed(self, roles: &[Role]) -> Result<Self, AppError> {
        if roles.contains(&self.user.role) {
            Ok(self)
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

    /// Who audit rows written for this caller name.
    pub fn recorder(&self) -> Recorder {
        Recorder::user(self.user.id, &self.user.username)
    }

    /// Adds an audit row by the caller to `tx`.
    pub async fn audit(&self, tx: &mut Tx, entry: Entry) -> Result<(), AppError> {
        audit::db::record(tx, self.ts(), &self.recorder(), &self.client_addr, &entry).await?;
        Ok(())
    }

    /// Adds an audit row by the caller in a transaction of its own (a read, a refusal).
    pub async fn audit_alone(&self, entry: Entry) -> Result<(), AppError> {
        audit::db::record_alone(
            self.db(),
            self.ts(),
            &self.recorder(),
            &self.client_addr,
            &entry,
        )
        .await?;
        Ok(())
    }

    /// Passes `result` through; when it refuses the object `id` of kind `kept` and that
    /// object exists (403 or 404), the refusal is audited first. Asking for ids that exist
    /// nowhere is only logged: the audit log cannot be deleted from for six months, and
    /// anyone signed in could otherwise fill it by counting.
    pub async fn refused<T>(
        &self,
        kept: Kept,
        id: i64,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        if let Err(err @ (AppError::Forbidden | AppError::NotFound)) = &result {
            if !audit::db::exists(self.db(), kept, id).await? {
                tracing::info!(
                    id,
                    kind = kept.target_kind(),
                    user = self.user.id,
                    "refused: no such object"
                );
                return result;
            }
            let entry = Entry::new(audit::AuditAction::AccessRefused, kept.target_kind(), id)
                .data(serde_json::json!({ "status": err.status_code() }));
            self.audit_alone(entry).await?;
        }
        result
    }

    /// [`Self::refused`] for a case; and an admin's reading of a case is audited too.
    pub async fn refusals<T>(
        &self,
        case_id: i64,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        let result = self.refused(Kept::Case, case_id, result).await?;
        // Admins may read a case, to help the users who work it, but never act on it; each
        // case they open is in the audit log (SECURITY.md, "Admins and case contents").
        if self.user.role == Role::Admin {
            let entry = Entry::new(audit::AuditAction::CaseViewedByAdmin, "case", case_id);
            self.audit_alone(entry).await?;
        }
        Ok(result)
    }
}

/// Every axum handler's caller: signed in and with their own password chosen; the role is
/// the handler's to check (`allowed`). Refused, a browser not signed in is sent to sign in,
/// anything else gets the status and the message; a form's handler takes
/// `Result<Caller, Refused>` and answers as its form does.
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Caller {
    type Rejection = Refused;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &S,
    ) -> Result<Self, Refused> {
        let browser = parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        Self::of_request(parts, state)
            .await
            .map_err(|error| Refused { error, browser })
    }
}

/// Why a request has no caller, and whether a browser asked (it is sent to sign in).
#[derive(Debug)]
pub struct Refused {
    pub error: AppError,
    browser: bool,
}

impl From<Refused> for AppError {
    fn from(refused: Refused) -> Self {
        refused.error
    }
}

impl axum::response::IntoResponse for Refused {
    fn into_response(self) -> axum::response::Response {
        match self.error {
            AppError::Unauthenticated if self.browser => {
                axum::response::Redirect::to("/login").into_response()
            }
            error => error.into_response(),
        }
    }
}

impl Caller {
    async fn of_request<S: Send + Sync>(
        parts: &mut http::request::Parts,
        state: &S,
    ) -> Result<Self, AppError> {
        use axum::extract::FromRequestParts;
        let app = parts
            .extensions
            .get::<AppState>()
            .cloned()
            .ok_or_else(|| AppError::internal("extractor", "AppState missing"))?;
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, e)| AppError::internal("session layer", e))?;
        let client = parts
            .extensions
            .get::<ClientAddr>()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        Self::of_session(&session, app, client).await
    }
}
