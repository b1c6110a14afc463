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

impl ReportView {
    /// Every table of the report, as the page shows them under 報表 and the CSV and XLSX
    /// files hold them: built once here.
    pub fn tables(&self) -> Vec<super::Table> {
        let mut tables = self.report.tables();
        let n = |v: i64| super::Cell::Number(v as f64);
        tables.push(super::Table {
            title: format!("追蹤會議（{}）", self.report.range.label()),
            header: vec!["會議日期".into(), "檢視案件".into(), "解除列管".into()],
            rows: self
                .meetings
                .iter()
                .map(|m| {
                    vec![
                        super::Cell::Text(crate::dates::roc_date(m.held_on)),
                        n(m.decisions),
                        n(m.released),
                    ]
                })
                .collect(),
        });
        tables.push(super::Table {
            title: format!("每月趨勢（{}）", self.report.range.label()),
            header: vec!["月份".into(), "登錄".into(), "答復".into()],
            rows: self
                .report
                .months
                .iter()
                .map(|m| {
                    vec![
                        super::Cell::Text(m.month.clone()),
                        n(m.recorded),
                        n(m.replied),
                    ]
                })
                .collect(),
        });
        tables
    }
}

/// The report of `range` with its meetings: what the page and the files read.
#[cfg(feature = "ssr")]
pub async fn report_view(
    pool: &sqlx::AnyPool,
    range: super::Range,
    today: chrono::NaiveDate,
) -> Result<ReportView, AppError> {
    // The figures are kept from the case events; the events since the last refresh
    // (usually a few, the housekeeping refreshes too) are counted first.
    super::db::rollup::refresh(pool).await?;
    let report = super::db::figures::report(pool, range, today).await?;
    let mut meetings: Vec<MeetingSummary> = crate::meetings::db::list(pool)
        .await?
        .into_iter()
        .filter(|m| m.status == crate::meetings::MeetingStatus::Held && range.contains(m.held_on))
        .collect();
    meetings.reverse();
    Ok(ReportView { report, meetings })
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
            report_view(c.db(), range, c.today()).await
        }
        .await,
    )
}
