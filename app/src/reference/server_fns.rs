use super::{Bureau, Choices};
use crate::error::AppError;
use leptos::prelude::*;

/// Active bureaus, for pickers. Any signed-in user may read them.
#[server(prefix = "/api", endpoint = "bureaus")]
pub async fn list_bureaus() -> Result<Vec<Bureau>, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::signed_in().await?;
            Ok(super::db::active_bureaus(c.db()).await?)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "choices")]
pub async fn load_choices() -> Result<Choices, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::signed_in().await?;
            Ok(match use_context::<super::cache::ChoicesCache>() {
                Some(cache) => cache.get(c.db()).await?,
                None => super::db::choices(c.db()).await?,
            })
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
use crate::{
    audit::{
        db::{snapshot, Entry},
        AuditAction,
    },
    caller::Caller,
    db::Tx,
};

/// Audits a change of reference data with the row as it is now, and as it was.
#[cfg(feature = "ssr")]
async fn log(
    c: &Caller,
    tx: &mut Tx,
    action: AuditAction,
    (kind, table): (&'static str, &'static str),
    id: i64,
    before: Option<serde_json::Value>,
) -> Result<(), AppError> {
    let after = snapshot(tx, table, id).await?;
    let data = match before {
        Some(before) => serde_json::json!({ "before": before, "after": after }),
        None => serde_json::json!({ "after": after }),
    };
    c.audit(tx, Entry::new(action, kind, id).data(data)).await
}

#[cfg(feature = "ssr")]
const TERM: (&str, &str) = ("term", "council_terms");
#[cfg(feature = "ssr")]
const SESSION: (&str, &str) = ("session", "council_sessions");
#[cfg(feature = "ssr")]
const COUNCILOR: (&str, &str) = ("councilor", "councilors");
#[cfg(feature = "ssr")]
const BUREAU: (&str, &str) = ("bureau", "bureaus");
#[cfg(feature = "ssr")]
const SITTING_TYPE: (&str, &str) = ("sitting_type", "sitting_types");
#[cfg(feature = "ssr")]
const SERVICE_CATEGORY: (&str, &str) = ("service_category", "service_categories");

#[server(prefix = "/api", endpoint = "admin/reference")]
pub async fn load_reference() -> Result<super::ReferenceData, AppError> {
    crate::error::with_status(
        async { Ok(super::db::reference_data(Caller::admin().await?.db()).await?) }.await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/term")]
pub async fn add_term(number: String, starts_on: String, ends_on: String) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let term = super::NewTerm::parse(&number, &starts_on, &ends_on)?;
            let mut tx = c.begin().await?;
            let id = super::db::insert_term(&mut tx, &term).await?;
            log(&c, &mut tx, AuditAction::ReferenceCreated, TERM, id, None).await?;
            tx.commit().await?;
            super::cache::forget_choices();
            Ok(id)
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
            let c = Caller::admin().await?;
            let session = super::NewSession::parse(&term_id, &kind, &number, &starts_on, &ends_on)?;
            let mut tx = c.begin().await?;
            let id = super::db::insert_session(&mut tx, &session).await?;
            log(
                &c,
                &mut tx,
                AuditAction::ReferenceCreated,
                SESSION,
                id,
                None,
            )
            .await?;
            tx.commit().await?;
            super::cache::forget_choices();
            Ok(id)
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
            let c = Caller::admin().await?;
            let councilor =
                super::CouncilorInput::parse(&term_id, &name, &party, &caucus, &district)?;
            let mut tx = c.begin().await?;
            let id = super::db::insert_councilor(&mut tx, &councilor).await?;
            log(
                &c,
                &mut tx,
                AuditAction::ReferenceCreated,
                COUNCILOR,
                id,
                None,
            )
            .await?;
            tx.commit().await?;
            super::cache::forget_choices();
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/bureau")]
pub async fn add_bureau(code: String, name: String, short_name: String) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let bureau = super::BureauInput::parse(&code, &name, &short_name)?;
            let mut tx = c.begin().await?;
            let id = super::db::insert_bureau(&mut tx, &bureau).await?;
            log(&c, &mut tx, AuditAction::ReferenceCreated, BUREAU, id, None).await?;
            tx.commit().await?;
            super::cache::forget_choices();
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/sitting-type")]
pub async fn add_sitting_type(name: String) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let name = crate::input::required_text("name", &name, "質詢類別名稱", 20)?;
            let mut tx = c.begin().await?;
            let id = super::db::insert_sitting_type(&mut tx, &name).await?;
            log(
                &c,
                &mut tx,
                AuditAction::ReferenceCreated,
                SITTING_TYPE,
                id,
                None,
            )
            .await?;
            tx.commit().await?;
            super::cache::forget_choices();
            Ok(id)
        }
        .await,
    )
}

/// Adds a category of service case (a new kind of constituent's problem).
#[server(prefix = "/api", endpoint = "admin/reference/service-category")]
pub async fn add_service_category(name: String) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let name = crate::input::required_text("name", &name, "案件類別名稱", 20)?;
            let mut tx = c.begin().await?;
            let id = super::db::insert_service_category(&mut tx, &name).await?;
            log(
                &c,
                &mut tx,
                AuditAction::ReferenceCreated,
                SERVICE_CATEGORY,
                id,
                None,
            )
            .await?;
            tx.commit().await?;
            super::cache::forget_choices();
            Ok(id)
        }
        .await,
    )
}

/// Adds another name councils' lists use for a sitting type (the import matches it).
#[server(prefix = "/api", endpoint = "admin/reference/alias/add")]
pub async fn add_sitting_type_alias(sitting_type: i64, alias: String) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let alias = crate::input::required_text("alias", &alias, "別名", 20)?;
            let mut tx = c.begin().await?;
            let id = super::db::insert_alias(&mut tx, sitting_type, &alias).await?;
            let entry = Entry::new(AuditAction::ReferenceUpdated, SITTING_TYPE.0, sitting_type)
                .data(serde_json::json!({ "alias_added": alias }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reference/alias/remove")]
pub async fn remove_sitting_type_alias(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let mut tx = c.begin().await?;
            let (sitting_type, alias) = super::db::remove_alias(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let entry = Entry::new(AuditAction::ReferenceUpdated, SITTING_TYPE.0, sitting_type)
                .data(serde_json::json!({ "alias_removed": alias }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
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
            let c = Caller::admin().await?;
            let kind = super::Retirable::parse(&kind).ok_or(AppError::BadRequest)?;
            let target = match kind {
                super::Retirable::Bureau => BUREAU,
                super::Retirable::Councilor => COUNCILOR,
                super::Retirable::SittingType => SITTING_TYPE,
                super::Retirable::ServiceCategory => SERVICE_CATEGORY,
            };
            let active = !active.is_empty();
            let action = if active {
                AuditAction::ReferenceRestored
            } else {
                AuditAction::ReferenceRetired
            };
            let mut tx = c.begin().await?;
            let before = snapshot(&mut tx, target.1, id).await?;
            super::db::set_active(&mut tx, kind, id, active).await?;
            log(&c, &mut tx, action, target, id, Some(before)).await?;
            tx.commit().await?;
            super::cache::forget_choices();
            Ok(())
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
            let c = Caller::admin().await?;
            let session = super::NewSession::parse(&term_id, &kind, &number, &starts_on, &ends_on)?;
            let mut tx = c.begin().await?;
            let before = snapshot(&mut tx, SESSION.1, id).await?;
            super::db::update_session(&mut tx, id, &session).await?;
            log(
                &c,
                &mut tx,
                AuditAction::ReferenceUpdated,
                SESSION,
                id,
                Some(before),
            )
            .await?;
            tx.commit().await?;
            super::cache::forget_choices();
            Ok(())
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
            let c = Caller::admin().await?;
            let councilor =
                super::CouncilorInput::parse(&term_id, &name, &party, &caucus, &district)?;
            let mut tx = c.begin().await?;
            let before = snapshot(&mut tx, COUNCILOR.1, id).await?;
            super::db::update_councilor(&mut tx, id, &councilor).await?;
            log(
                &c,
                &mut tx,
                AuditAction::ReferenceUpdated,
                COUNCILOR,
                id,
                Some(before),
            )
            .await?;
            tx.commit().await?;
            super::cache::forget_choices();
            Ok(())
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
            let c = Caller::admin().await?;
            let bureau = super::BureauInput::parse(&code, &name, &short_name)?;
            let mut tx = c.begin().await?;
            let before = snapshot(&mut tx, BUREAU.1, id).await?;
            super::db::update_bureau(&mut tx, id, &bureau).await?;
            log(
                &c,
                &mut tx,
                AuditAction::ReferenceUpdated,
                BUREAU,
                id,
                Some(before),
            )
            .await?;
            tx.commit().await?;
            super::cache::forget_choices();
            Ok(())
        }
        .await,
    )
}
