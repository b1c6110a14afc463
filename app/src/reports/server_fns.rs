//! The report page's figures, for the secretariat, the reviewer and the admin.

use super::Report;
use crate::{error::AppError, meetings::MeetingSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub report: Report,
    /// The follow-up meetings held in the range, oldest first.
    pub meetings: Vec<MeetingSummary>,
}

#[server(prefix = "/api", endpoint = "reports")]
pub async fn load_report(
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<ReportView, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat, Role::Reviewer, Role::Admin]).await?;
            let range = super::Range::parse(Some(&from), Some(&to), c.today());
            let facts = super::db::facts(c.db(), range).await?;
            let mut meetings: Vec<MeetingSummary> = crate::meetings::db::list(c.db())
                .await?
                .into_iter()
                .filter(|m| {
                    m.status == crate::meetings::MeetingStatus::Held && range.contains(m.held_on)
                })
                .collect();
            meetings.reverse();
            Ok(ReportView {
                report: super::compute(&facts, range, c.today()),
                meetings,
            })
        }
        .await,
    )
}
