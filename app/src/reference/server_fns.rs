use super::{Bureau, Choices};
use crate::error::AppError;
use leptos::prelude::*;

/// Active bureaus, for pickers. Any signed-in user may read them.
#[server(prefix = "/api", endpoint = "bureaus")]
pub async fn list_bureaus() -> Result<Vec<Bureau>, AppError> {
    crate::error::with_status(
        async {
            crate::auth::session::require_user().await?;
            let state = crate::state::app_state()?;
            Ok(super::db::active_bureaus(&state.db).await?)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "choices")]
pub async fn load_choices() -> Result<Choices, AppError> {
    crate::error::with_status(
        async {
            crate::auth::session::require_user().await?;
            let state = crate::state::app_state()?;
            Ok(super::db::choices(&state.db).await?)
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn admin_pool() -> Result<sqlx::AnyPool, AppError> {
    crate::auth::session::require_role(&[crate::auth::Role::Admin]).await?;
    Ok(crate::state::app_state()?.db)
}

#[server(prefix = "/api", endpoint = "admin/reference")]
pub async fn load_reference() -> Result<super::ReferenceData, AppError> {
    crate::error::with_status(
        async { Ok(super::db::reference_data(&admin_pool().await?).await?) }.await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/term")]
pub async fn add_term(number: String, starts_on: String, ends_on: String) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let pool = admin_pool().await?;
            let term = super::NewTerm::parse(&number, &starts_on, &ends_on)?;
            super::db::insert_term(&pool, &term).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/session")]
pub async fn add_session(
    term_id: String,
    kind: String,
    number: String,
    starts_on: String,
    ends_on: String,
) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let pool = admin_pool().await?;
            let session = super::NewSession::parse(&term_id, &kind, &number, &starts_on, &ends_on)?;
            super::db::insert_session(&pool, &session).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/councilor")]
pub async fn add_councilor(
    term_id: String,
    name: String,
    #[server(default)] party: String,
    #[server(default)] caucus: String,
    #[server(default)] district: String,
) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let pool = admin_pool().await?;
            let councilor =
                super::CouncilorInput::parse(&term_id, &name, &party, &caucus, &district)?;
            super::db::insert_councilor(&pool, &councilor).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/bureau")]
pub async fn add_bureau(code: String, name: String, short_name: String) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let pool = admin_pool().await?;
            let bureau = super::BureauInput::parse(&code, &name, &short_name)?;
            super::db::insert_bureau(&pool, &bureau).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/sitting-type")]
pub async fn add_sitting_type(name: String) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let pool = admin_pool().await?;
            let name = crate::input::required_text("name", &name, "質詢類別名稱", 20)?;
            super::db::insert_sitting_type(&pool, &name).await
        }
        .await,
    )
}

/// Retires (`active` empty) or restores (`active` = "1") a bureau, councilor or sitting type.
#[server(prefix = "/api", endpoint = "admin/reference/active")]
pub async fn set_active(
    kind: String,
    id: i64,
    #[server(default)] active: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let pool = admin_pool().await?;
            let kind = super::Retirable::parse(&kind).ok_or(AppError::BadRequest)?;
            super::db::set_active(&pool, kind, id, !active.is_empty()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/session/update")]
pub async fn update_session(
    id: i64,
    term_id: String,
    kind: String,
    number: String,
    starts_on: String,
    ends_on: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let pool = admin_pool().await?;
            let session = super::NewSession::parse(&term_id, &kind, &number, &starts_on, &ends_on)?;
            super::db::update_session(&pool, id, &session).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/councilor/update")]
pub async fn update_councilor(
    id: i64,
    term_id: String,
    name: String,
    #[server(default)] party: String,
    #[server(default)] caucus: String,
    #[server(default)] district: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let pool = admin_pool().await?;
            let councilor =
                super::CouncilorInput::parse(&term_id, &name, &party, &caucus, &district)?;
            super::db::update_councilor(&pool, id, &councilor).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/bureau/update")]
pub async fn update_bureau(
    id: i64,
    code: String,
    name: String,
    short_name: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let pool = admin_pool().await?;
            let bureau = super::BureauInput::parse(&code, &name, &short_name)?;
            super::db::update_bureau(&pool, id, &bureau).await
        }
        .await,
    )
}
