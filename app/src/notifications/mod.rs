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

/// What a notice is about, as the inbox and the messages name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    Case {
        id: i64,
        kind: CaseKind,
        number: i64,
        topic: String,
    },
    /// The secretariat's call for a session's bills (`bills`), which has no case.
    BillCall { session_id: i64, session: String },
    /// The execution report owed to a regular session (`resolutions`), which has no case.
    ExecutionReport { session_id: i64, session: String },
}

impl Subject {
    /// `質詢 第 12 號`, or the session the call is for.
    pub fn label(&self) -> String {
        match self {
            Subject::Case { kind, number, .. } => case_label(*kind, *number),
            Subject::BillCall { session, .. } | Subject::ExecutionReport { session, .. } => {
                session.clone()
            }
        }
    }

    /// The line under the headline: the case's topic, or what the call asks.
    pub fn topic(&self) -> &str {
        match self {
            Subject::Case { topic, .. } => topic,
            Subject::BillCall { .. } => {
                "請各局處提報本會期送議會的議法案，無議案者請回報「本會期無議案」"
            }
            Subject::ExecutionReport { .. } => "請於定期會開議前編製決議案執行情形報告，送交議會",
        }
    }

    /// The page it opens, from the site's root.
    pub fn path(&self) -> String {
        match self {
            Subject::Case { id, .. } => format!("/cases/{id}"),
            Subject::BillCall { session_id, .. } => format!("/bills?session={session_id}"),
            Subject::ExecutionReport { .. } => "/resolutions/reports".into(),
        }
    }

    /// The words of the link to [`Subject::path`].
    pub fn opens(&self) -> &'static str {
        match self {
            Subject::Case { .. } => "開啟案件",
            Subject::BillCall { .. } => "開啟本會期議法案",
            Subject::ExecutionReport { .. } => "開啟決議案執行情形報告",
        }
    }
}

/// One notice as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub about: Subject,
    pub created_at: i64,
    pub read: bool,
}

impl Notification {
    /// `新分派案件：質詢 第 12 號`
    pub fn headline(&self) -> String {
        format!("{}：{}", self.kind.label(), self.about.label())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub unread: i64,
    /// The newest notices, read or not.
    pub items: Vec<Notification>,
}
