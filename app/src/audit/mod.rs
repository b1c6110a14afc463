//! The audit log: who did what outside the case workflow, when, from where, with the
//! values before and after. Logins, accounts, reference data, deadline rules, the
//! calendar, downloads and refused access all land here; the admin reads it on
//! `/admin/audit` and exports it as CSV. Rows are hash-chained (`crate::chain`) and kept at
//! least six months (a trigger refuses earlier deletes).

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod export;

use crate::dates::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(AuditAction {
    Login = "login" / "登入成功",
    LoginFailed = "login_failed" / "登入失敗",
    LoginLocked = "login_locked" / "登入鎖定",
    Logout = "logout" / "登出",
    UserCreated = "user_created" / "建立使用者",
    UserChanged = "user_changed" / "變更使用者",
    PasswordChanged = "password_changed" / "重設密碼",
    OwnPasswordChanged = "own_password_changed" / "變更自己的密碼",
    UserDeactivated = "user_deactivated" / "停用帳號",
    UserReactivated = "user_reactivated" / "重新啟用帳號",
    ReferenceCreated = "reference_created" / "新增基本資料",
    ReferenceUpdated = "reference_updated" / "修改基本資料",
    ReferenceRetired = "reference_retired" / "停用基本資料",
    ReferenceRestored = "reference_restored" / "恢復基本資料",
    DeadlineRuleChanged = "deadline_rule_changed" / "變更期限規則",
    CalendarDaySaved = "calendar_day_saved" / "設定行事曆日期",
    CalendarDayRemoved = "calendar_day_removed" / "刪除行事曆日期",
    CalendarImported = "calendar_imported" / "匯入行事曆",
    FileDownloaded = "file_downloaded" / "下載附件",
    AccessRefused = "access_refused" / "拒絕存取案件",
    CaseViewedByAdmin = "case_viewed_by_admin" / "系統管理者檢視案件",
    MeetingScheduled = "meeting_scheduled" / "排定追蹤會議",
    MeetingDecisionRecorded = "meeting_decision_recorded" / "記錄追蹤會議決議",
    MeetingConfirmed = "meeting_confirmed" / "確認追蹤會議決議",
    MeetingMoved = "meeting_moved" / "變更追蹤會議日期",
    VolumeSent = "volume_sent" / "書面答復彙編函送議會",
    VolumeCompiled = "volume_compiled" / "產生書面答復彙編檔案",
    QuestionsImported = "questions_imported" / "匯入質詢案",
    StatusLinkCreated = "status_link_created" / "建立議員狀態連結",
    StatusLinkRevoked = "status_link_revoked" / "撤銷議員狀態連結",
    StatusLinkSent = "status_link_sent" / "寄送議員狀態連結",
    OfficeContactsChanged = "office_contacts_changed" / "變更議員辦公室聯絡信箱",
    AuditExported = "audit_exported" / "匯出稽核紀錄",
    FilterSaved = "filter_saved" / "儲存案件篩選",
    FilterRemoved = "filter_removed" / "刪除案件篩選",
    NotificationPrefsChanged = "notification_prefs_changed" / "變更通知設定",
    EmailChangeRequested = "email_change_requested" / "申請變更通知信箱",
    EmailChanged = "email_changed" / "變更通知信箱",
    MessageResent = "message_resent" / "重新寄送訊息",
    WebhookAdded = "webhook_added" / "新增訊息閘道",
    WebhookChanged = "webhook_changed" / "變更訊息閘道",
    LinkFilingSwitched = "link_filing_switched" / "變更狀態連結送件權限",
    FilingSettingsChanged = "filing_settings_changed" / "變更送件上限與個資保存期限",
    ExecutionReportCompiled = "execution_report_compiled" / "編製決議案執行情形報告",
    ResolutionsImported = "resolutions_imported" / "匯入決議案清單",
    BillCallSent = "bill_call_sent" / "請各局處提報議法案",
    BillCallAnswered = "bill_call_answered" / "局處回報本會期無議法案",
    BillRecorded = "bill_recorded" / "登錄議法案",
    BillStageRecorded = "bill_stage_recorded" / "記錄議法案審議進度",
    BillEdited = "bill_edited" / "修改議法案資料",
    BillFilesAdded = "bill_files_added" / "上傳議法案附件",
    BillMajorMarked = "bill_major_marked" / "變更重大議法案標記",
    BriefingScheduled = "briefing_scheduled" / "排定黨團報告",
    BriefingBillsChosen = "briefing_bills_chosen" / "選定黨團報告議案",
    BriefingHeld = "briefing_held" / "記錄黨團報告結果",
    BriefingAskRecorded = "briefing_ask_recorded" / "記錄黨團要求",
    BriefingAskFiled = "briefing_ask_filed" / "黨團要求轉為索資案件",
    PromiseRecorded = "promise_recorded" / "記錄會後補資料承諾",
    BackgroundSaved = "background_saved" / "更新案件內部背景說明",
    CorrectionSubmitted = "correction_submitted" / "提出勘誤",
    CorrectionApproved = "correction_approved" / "勘誤審查通過",
    CorrectionReturned = "correction_returned" / "勘誤退回修正",
    RepliesLinked = "replies_linked" / "併案或援引答復",
    RepliesUnlinked = "replies_unlinked" / "取消併案或援引答復",
});

text_enum!(AuditActor {
    User = "user" / "使用者",
    Anonymous = "anonymous" / "未登入",
    Link = "link" / "狀態連結",
    System = "system" / "系統",
});

/// One row as the admin page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor_name: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    /// JSON, as stored.
    pub data: String,
    pub client_addr: String,
}

impl AuditRow {
    /// The action in words; an unknown code shows as itself.
    pub fn action_label(&self) -> String {
        AuditAction::parse(&self.action).map_or_else(|| self.action.clone(), |a| a.label().into())
    }

    pub fn actor_label(&self) -> String {
        match AuditActor::parse(&self.actor_kind) {
            Some(AuditActor::User) | None => self.actor_name.clone(),
            Some(AuditActor::Anonymous) => {
                format!("{}（{}）", self.actor_name, AuditActor::Anonymous.label())
            }
            Some(kind) => kind.label().to_owned(),
        }
    }

    pub fn target_label(&self) -> String {
        let kind = match self.target_kind.as_str() {
            "user" => "使用者",
            "term" => "屆次",
            "session" => "會期",
            "councilor" => "議員",
            "bureau" => "局處",
            "sitting_type" => "質詢類別",
            "deadline_rule" => "期限規則",
            "calendar_day" => "行事曆",
            "attachment" => "附件",
            "case" => "案件",
            "bill" => "議法案",
            "bill_call" => "議法案提報",
            "bill_file" => "議法案附件",
            "briefing" => "黨團報告",
            "" => return String::new(),
            other => other,
        };
        if self.target_id.is_empty() {
            kind.to_owned()
        } else {
            format!("{kind} {}", self.target_id)
        }
    }
}

/// The filters of the audit page and its CSV export, as in their URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub action: Option<AuditAction>,
    /// Part of the actor's name (a username, or what was typed at a failed login).
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    #[serde(default)]
    pub page: u32,
}

impl AuditFilter {
    pub const PAGE_SIZE: u32 = 50;

    /// Reads the query string leniently, like the case list: what is not understood is
    /// dropped.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            action: get("action").and_then(|v| AuditAction::parse(&v)),
            actor: get("actor")
                .unwrap_or_default()
                .trim()
                .chars()
                .take(64)
                .collect(),
            from: get("from").and_then(|v| parse_date(&v)),
            to: get("to").and_then(|v| parse_date(&v)),
            page: get("page")
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(1)
                .clamp(1, 100_000),
        }
    }

    /// The same filters as a query string (without the page), for the export link and the
    /// pager.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = self.action {
            parts.push(format!("action={}", a.as_str()));
        }
        if !self.actor.is_empty() {
            parts.push(format!("actor={}", crate::url::percent_encode(&self.actor)));
        }
        if let Some(d) = self.from {
            parts.push(format!("from={d}"));
        }
        if let Some(d) = self.to {
            parts.push(format!("to={d}"));
        }
        parts.join("&")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// The stored JSON of a row as short lines for the page: `修改前`/`修改後` for before and
/// after, `key：value` for the rest.
pub fn describe(data: &str) -> Vec<String> {
    #[cfg(feature = "ssr")]
    {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(data)
        else {
            return vec![data.to_owned()];
        };
        let flat = |v: &serde_json::Value| match v {
            serde_json::Value::Object(m) => m
                .iter()
                .map(|(k, v)| format!("{}＝{}", key_words(k), scalar(v)))
                .collect::<Vec<_>>()
                .join("，"),
            other => scalar(other),
        };
        let mut lines = Vec::new();
        if let Some(v) = map.get("before") {
            lines.push(format!("修改前：{}", flat(v)));
        }
        if let Some(v) = map.get("after") {
            lines.push(format!("修改後：{}", flat(v)));
        }
        lines.extend(
            map.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "before" | "after"))
                .map(|(k, v)| format!("{}：{}", key_words(k), flat(v))),
        );
        lines
    }
    #[cfg(not(feature = "ssr"))]
    {
        vec![data.to_owned()]
    }
}

/// A key of an entry's data in words; a key not listed shows as itself.
#[cfg(feature = "ssr")]
fn key_words(key: &str) -> &str {
    match key {
        "id" => "編號",
        "number" => "號次",
        "name" => "名稱",
        "display_name" => "姓名",
        "username" => "帳號",
        "role" => "角色",
        "short_name" => "簡稱",
        "code" => "代碼",
        "party" => "政黨",
        "caucus" => "黨團",
        "district" => "選區",
        "sort_order" => "排序",
        "active" => "使用中",
        "kind" => "類別",
        "starts_on" => "開始日期",
        "ends_on" => "結束日期",
        "term_id" => "屆次",
        "session_id" => "會期",
        "case_id" => "案件",
        "bureau_id" => "局處",
        "councilor_id" => "議員",
        "reason" => "原因",
        "failures" => "連續失敗次數",
        "sessions_ended" => "結束的登入",
        "file_name" => "檔名",
        "starts_at" => "時間",
        "held_on" => "會議日期",
        "attendees" => "出席人數",
        "keep" => "繼續列管",
        "release" => "解除列管",
        "reassign" => "改分",
        "escalate" => "提報上級",
        "source" => "來源",
        "sent_on" => "函送日期",
        "letter_number" => "發文字號",
        "rows" => "列數",
        "replies" => "答復數",
        "questions" => "質詢數",
        "reissue_of" => "重發自連結",
        "expires_on" => "到期日",
        "format" => "格式",
        "filter" => "篩選條件",
        "days" => "天數",
        "day" => "日期",
        "rule" => "規則",
        "change" => "變更",
        "alias_added" => "新增別名",
        "words" => "同義詞",
        "next_check_on" => "下次檢視日期",
        "cases" => "案件",
        "removed" => "刪除",
        "alias_removed" => "刪除別名",
        other => other,
    }
}

/// A value as a person reads it: dates in the ROC calendar, flags as 是/否, the reasons
/// a login failed in words.
#[cfg(feature = "ssr")]
fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => {
            let iso_day = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
            match (iso_day, s.as_str()) {
                (true, _) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(crate::dates::roc_date)
                    .unwrap_or_else(|_| s.clone()),
                (_, "wrong_password") => "密碼錯誤".into(),
                (_, "wrong_current_password") => "目前的密碼錯誤".into(),
                (_, "locked") => "帳號暫時鎖定".into(),
                (_, code) => code
                    .parse::<crate::auth::Role>()
                    .map_or_else(|_| s.clone(), |r| r.label().to_owned()),
            }
        }
        serde_json::Value::Bool(true) => "是".into(),
        serde_json::Value::Bool(false) => "否".into(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_reads_roc_dates_and_drops_unknown_actions() {
        let f = AuditFilter::from_query(|k| match k {
            "action" => Some("login_failed".into()),
            "from" => Some("113/03/01".into()),
            "to" => Some("someday".into()),
            "actor" => Some(" demo ".into()),
            _ => None,
        });
        assert_eq!(f.action, Some(AuditAction::LoginFailed));
        assert_eq!(f.from, NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(f.to, None);
        assert_eq!(f.actor, "demo");
        assert_eq!(f.page, 1);
        assert_eq!(f.query(), "action=login_failed&actor=demo&from=2024-03-01");
        assert_eq!(
            AuditFilter::from_query(|k| (k == "action").then(|| "drop_table".into())).action,
            None
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn before_and_after_read_as_words() {
        let lines = describe(r#"{"before":{"days":7},"after":{"days":5},"rule":"question_reply"}"#);
        assert_eq!(
            lines,
            vec!["修改前：天數＝7", "修改後：天數＝5", "規則：question_reply"]
        );
        let lines = describe(
            r#"{"before":"2024-03-29","after":"2024-03-15","starts_at":"10:30","active":false}"#,
        );
        assert_eq!(
            lines,
            vec![
                "修改前：113/03/29",
                "修改後：113/03/15",
                "使用中：否",
                "時間：10:30"
            ]
        );
        assert_eq!(
            describe(r#"{"reason":"wrong_password","failures":2}"#),
            vec!["連續失敗次數：2", "原因：密碼錯誤"]
        );
        assert_eq!(
            describe(r#"{"after":{"role":"reviewer"}}"#),
            vec!["修改後：角色＝副秘書長／研考會"]
        );
    }

    #[test]
    fn every_audit_code_round_trips() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(*a));
        }
    }
}
