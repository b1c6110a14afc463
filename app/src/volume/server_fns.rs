//! The volume page's data, for the secretariat and the reviewer.

use super::{Volume, VolumeFilter};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "volume")]
pub async fn load_volume(#[server(default)] filter: VolumeFilter) -> Result<Volume, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat, Role::Reviewer]).await?;
            super::db::volume(c.db(), &filter, c.today()).await
        }
        .await,
    )
}

/// The volumes of a session already sent to the council.
#[server(prefix = "/api", endpoint = "volume/sent")]
pub async fn sent_volumes(session: i64) -> Result<Vec<super::SentVolume>, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat, Role::Reviewer]).await?;
            Ok(super::db::sent(c.db(), session).await?)
        }
        .await,
    )
}

/// A background compilation, as its page shows it.
#[server(prefix = "/api", endpoint = "volume/job")]
pub async fn volume_job(id: i64) -> Result<super::Job, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat, Role::Reviewer]).await?;
            super::db::job(c.db(), id, c.ts())
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// The latest background compilations of a session.
#[server(prefix = "/api", endpoint = "volume/jobs")]
pub async fn volume_jobs(session: i64) -> Result<Vec<super::Job>, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat, Role::Reviewer]).await?;
            Ok(super::db::jobs(c.db(), session, c.ts()).await?)
        }
        .await,
    )
}
