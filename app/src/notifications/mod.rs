//! The inbox: what users were told (assignments, refusals, returns, approvals, due dates),
//! newest first, with an unread count in the top bar. The rows are written by the case
//! steps and the reminder job (`cases::notify`); this feature only reads them and marks
//! them read.

pub mod chase;
pub mod delivery;
pub mod log_page;
pub mod pages;
pub mod server_fns;
pub mod settings_page;

#[cfg(feature = "ssr")]
pub mod db;

use crate::cases::{case_label, notify::NotificationKind, CaseKind};
use serde::{Deserialize, Serialize};

/// One notice as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub case_id: i64,
    pub case_kind: CaseKind,
    pub case_number: i64,
    pub topic: String,
    pub created_at: i64,
    pub read: bool,
}

impl Notification {
    /// `新分派案件：質詢 第 12 號`
    pub fn headline(&self) -> String {
        format!(
            "{}：{}",
            self.kind.label(),
            case_label(self.case_kind, self.case_number)
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub unread: i64,
    /// The newest notices, read or not.
    pub items: Vec<Notification>,
}
