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
