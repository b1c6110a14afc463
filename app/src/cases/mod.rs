//! Cases: interpellation questions (質詢) and data requests (索資), from recording to the
//! reviewer's approval. The rules of travel are in `workflow`; storage in `db`.

pub mod batch;
pub mod case_page;
pub mod events;
pub mod notify;
pub mod pages;
pub mod saved;
pub mod search;
pub mod server_fns;
pub mod upload;
pub mod workflow;

#[cfg(feature = "ssr")]
pub mod db;

use crate::{
    dates::{parse_date, parse_taipei_datetime},
    deadlines::RuleKind,
    error::{AppError, Problems},
    input::required_text,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use workflow::Action;

text_enum!(CaseKind {
    Question = "question" / "質詢",
    DataRequest = "data_request" / "索資",
    Service = "service" / "服務案件",
    Resolution = "resolution" / "決議案",
});

text_enum!(CaseStatus {
    Filed = "filed" / "待受理",
    Refused = "refused" / "不受理",
    Unassigned = "unassigned" / "待分派",
    Assigned = "assigned" / "待局處接受",
    InProgress = "in_progress" / "辦理中",
    AwaitingSignOff = "awaiting_signoff" / "待主管核定",
    SignedOff = "signed_off" / "待秘書處檢核",
    InReview = "in_review" / "待副秘書長審查",
    Returned = "returned" / "退回修正",
    Closed = "closed" / "已結案",
    Tracking = "tracking" / "列管中",
});

text_enum!(Priority {
    Ordinary = "ordinary" / "普通件",
    Urgent = "urgent" / "速件",
    MostUrgent = "most_urgent" / "最速件",
});

text_enum!(PartRole {
    Lead = "lead" / "主辦",
    Co = "co" / "協辦",
});

text_enum!(PartState {
    Pending = "pending" / "待接受",
    Accepted = "accepted" / "已接受",
    Rejected = "rejected" / "已退回",
    Reassigned = "reassigned" / "已改分",
    Withdrawn = "withdrawn" / "已撤回",
});

/// Statuses in which the bureaus still owe an answer, so the due date still counts. The one
/// definition of "still owed": the lists, the case page, the overdue filter and the
/// reminders all use it.
pub const OWING: &[CaseStatus] = &[
    CaseStatus::Unassigned,
    CaseStatus::Assigned,
    CaseStatus::InProgress,
    CaseStatus::AwaitingSignOff,
    CaseStatus::Returned,
];

/// Overdue: an answer is still owed and the due date (a Taipei day) has passed.
pub fn is_overdue(status: CaseStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    OWING.contains(&status) && due_on < today
}

impl CaseKind {
    /// The heading of what was asked, on the case page and in documents.
    pub fn body_label(self) -> &'static str {
        match self {
            Self::Question => "質詢內容",
            Self::DataRequest => "索取資料項目",
            Self::Service => "陳情事項",
            Self::Resolution => "決議內容",
        }
    }

    /// The heading of the bureau's answer.
    pub fn reply_label(self) -> &'static str {
        match self {
            Self::Question => "書面答復",
            Self::DataRequest => "答復說明",
            Self::Service => "處理情形",
            Self::Resolution => "執行情形",
        }
    }
}

impl Priority {
    pub fn rule(self) -> RuleKind {
        match self {
            Self::Ordinary => RuleKind::DataOrdinary,
            Self::Urgent => RuleKind::DataUrgent,
            Self::MostUrgent => RuleKind::DataMostUrgent,
        }
    }
}

fn id(field: &str, raw: &str, message: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::validation(field, message))
}

/// A due date typed over the computed one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueOverride {
    pub due_on: NaiveDate,
    pub reason: String,
}

impl DueOverride {
    /// Empty `due_on` means "use the rule".
    pub fn parse(due_on: &str, reason: &str) -> Result<Option<Self>, AppError> {
        if due_on.trim().is_empty() {
            return Ok(None);
        }
        let due_on = parse_date(due_on)
            .ok_or_else(|| AppError::validation("due_on", "請輸入日期（民國年/月/日）。"))?;
        let reason = required_text("due_reason", reason, "調整期限的理由", 200)?;
        Ok(Some(Self { due_on, reason }))
    }
}

/// A question as the secretariat records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQuestion {
    pub session_id: i64,
    pub number: i64,
    pub sitting_type_id: i64,
    pub sitting_date: NaiveDate,
    pub councilor_ids: Vec<i64>,
    pub topic: String,
    pub body: String,
    pub due: Option<DueOverride>,
}

/// The form fields of a new question, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionForm {
    pub session_id: String,
    pub number: String,
    pub sitting_type_id: String,
    pub sitting_date: String,
    #[serde(default)]
    pub councilor_ids: Vec<String>,
    pub topic: String,
    pub body: String,
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub due_reason: String,
}

fn councilors(raw: &[String]) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for value in raw {
        let id = id("councilor_ids", value, "請選擇議員。")?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(AppError::validation(
            "councilor_ids",
            "請至少選擇一位質詢議員。",
        ));
    }
    if ids.len() > 20 {
        return Err(AppError::validation(
            "councilor_ids",
            "聯合質詢最多 20 位議員。",
        ));
    }
    Ok(ids)
}

impl QuestionForm {
    /// The form as typed, for showing it again after a refusal.
    pub fn echo(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = [
            ("session_id", &self.session_id),
            ("number", &self.number),
            ("sitting_type_id", &self.sitting_type_id),
            ("sitting_date", &self.sitting_date),
            ("topic", &self.topic),
            ("body", &self.body),
            ("due_on", &self.due_on),
            ("due_reason", &self.due_reason),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
        pairs.extend(
            self.councilor_ids
                .iter()
                .map(|id| ("councilor_ids".to_owned(), id.clone())),
        );
        pairs
    }

    /// The question, or every mistake in the form at once.
    pub fn parse(&self) -> Result<NewQuestion, AppError> {
        let mut p = Problems::new();
        let session_id = p.check(id("session_id", &self.session_id, "請選擇會期。"));
        let number = p.check(
            self.number
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .ok_or_else(|| AppError::validation("number", "請輸入質詢編號（正整數）。")),
        );
        let sitting_type_id = p.check(id(
            "sitting_type_id",
            &self.sitting_type_id,
            "請選擇質詢類別。",
        ));
        let sitting_date = p.check(parse_date(&self.sitting_date).ok_or_else(|| {
            AppError::validation("sitting_date", "請輸入質詢日期（民國年/月/日）。")
        }));
        let councilor_ids = p.check(councilors(&self.councilor_ids));
        let topic = p.check(required_text("topic", &self.topic, "質詢議題", 200));
        let body = p.check(required_text(
            "body",
            &self.body,
            "質詢內容",
            LONG_TEXT_MAX_CHARS,
        ));
        let due = p.check(DueOverride::parse(&self.due_on, &self.due_reason));
        p.finish(|| {
            Some(NewQuestion {
                session_id: session_id?,
                number: number?,
                sitting_type_id: sitting_type_id?,
                sitting_date: sitting_date?,
                councilor_ids: councilor_ids?,
                topic: topic?,
                body: body?,
                due: due?,
            })
        })
    }
}

/// A data request as the secretariat records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDataRequest {
    pub session_id: i64,
    pub councilor_id: i64,
    pub topic: String,
    pub body: String,
    pub received_at: i64,
    pub priority: Priority,
    pub within_three_days: bool,
    pub due: Option<DueOverride>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequestForm {
    pub session_id: String,
    pub councilor_id: String,
    pub topic: String,
    pub body: String,
    pub received_at: String,
    pub priority: String,
    /// A checkbox: present ("on") when ticked.
    #[serde(default)]
    pub within_three_days: Option<String>,
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub due_reason: String,
}

impl DataRequestForm {
    /// The form as typed, for showing it again after a refusal.
    pub fn echo(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = [
            ("session_id", &self.session_id),
            ("councilor_id", &self.councilor_id),
            ("topic", &self.topic),
            ("body", &self.body),
            ("received_at", &self.received_at),
            ("priority", &self.priority),
            ("due_on", &self.due_on),
            ("due_reason", &self.due_reason),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
        if let Some(on) = &self.within_three_days {
            pairs.push(("within_three_days".to_owned(), on.clone()));
        }
        pairs
    }

    /// The data request, or every mistake in the form at once.
    pub fn parse(&self) -> Result<NewDataRequest, AppError> {
        let mut p = Problems::new();
        let session_id = p.check(id("session_id", &self.session_id, "請選擇會期。"));
        let councilor_id = p.check(id("councilor_id", &self.councilor_id, "請選擇索資議員。"));
        let topic = p.check(required_text("topic", &self.topic, "索資主旨", 200));
        let body = p.check(required_text(
            "body",
            &self.body,
            "索取資料項目",
            LONG_TEXT_MAX_CHARS,
        ));
        let received_at = p.check(parse_taipei_datetime(&self.received_at).ok_or_else(|| {
            AppError::validation("received_at", "請輸入收件時間（民國年/月/日 時:分）。")
        }));
        let priority = p.check(
            Priority::parse(&self.priority)
                .ok_or_else(|| AppError::validation("priority", "請選擇速別。")),
        );
        let due = p.check(DueOverride::parse(&self.due_on, &self.due_reason));
        p.finish(|| {
            Some(NewDataRequest {
                session_id: session_id?,
                councilor_id: councilor_id?,
                topic: topic?,
                body: body?,
                received_at: received_at?,
                priority: priority?,
                within_three_days: self.within_three_days.is_some(),
                due: due?,
            })
        })
    }
}

/// The question form's start after 登錄並繼續下一題: the question just recorded, and the
/// fields the next one of the same sitting shares with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextQuestion {
    pub recorded_id: i64,
    pub recorded_number: i64,
    pub session_id: i64,
    /// The number after it, or after the session's highest when that one is taken.
    pub number: i64,
    pub sitting_type_id: i64,
    pub sitting_date: NaiveDate,
    pub councilor_ids: Vec<i64>,
}

impl NextQuestion {
    /// The form's fields as a draft (`form[…]`), as the page fills them.
    pub fn fields(&self) -> Vec<(String, String)> {
        let mut fields = vec![
            ("form[session_id]".to_owned(), self.session_id.to_string()),
            ("form[number]".to_owned(), self.number.to_string()),
            (
                "form[sitting_type_id]".to_owned(),
                self.sitting_type_id.to_string(),
            ),
            (
                "form[sitting_date]".to_owned(),
                crate::dates::roc_date(self.sitting_date),
            ),
        ];
        fields.extend(
            self.councilor_ids
                .iter()
                .map(|id| ("form[councilor_ids][]".to_owned(), id.to_string())),
        );
        fields
    }
}

/// A rejection as a queue row says it: `工務局退回：理由（建議改由交通局）`.
pub fn rejection_note(bureau: &str, reason: &str, suggested: Option<&str>) -> String {
    match suggested {
        Some(s) => format!("{bureau}退回：{reason}（建議改由{s}）"),
        None => format!("{bureau}退回：{reason}"),
    }
}

/// A rejection: why, and optionally which bureau should have it instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: String,
    pub suggested_bureau_id: Option<i64>,
}

impl Rejection {
    pub fn parse(reason: &str, suggested: &str) -> Result<Self, AppError> {
        Ok(Self {
            reason: required_text("reason", reason, "退回理由", 500)?,
            suggested_bureau_id: match suggested.trim() {
                "" => None,
                s => Some(id("suggested_bureau_id", s, "請選擇建議的局處。")?),
            },
        })
    }
}

/// The most characters a question's text, a reply or a sub-answer may have; the text
/// editor counts against it.
pub const LONG_TEXT_MAX_CHARS: usize = 20_000;

/// Co-bureaus one assignment may name; a longer list is refused before it is read.
pub const MAX_CO_BUREAUS: usize = 20;

/// Reply text, sub-answers and notes share one limit.
pub fn answer_text(field: &str, raw: &str, what: &str) -> Result<String, AppError> {
    required_text(field, raw, what, LONG_TEXT_MAX_CHARS)
}

pub fn comment_text(field: &str, raw: &str, what: &str) -> Result<String, AppError> {
    required_text(field, raw, what, 2_000)
}

pub fn parse_id(field: &str, raw: &str, message: &str) -> Result<i64, AppError> {
    id(field, raw, message)
}

/// One line of the case list and the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    pub id: i64,
    pub kind: CaseKind,
    pub number: i64,
    pub topic: String,
    pub councilors: String,
    pub lead_bureau: Option<String>,
    pub status: CaseStatus,
    pub priority: Option<Priority>,
    pub within_three_days: bool,
    pub due_on: NaiveDate,
    pub overdue: bool,
    pub tracking: bool,
    /// What a keyword search found in this case, when the list was searched.
    pub hit: Option<search::Hit>,
    /// What a queue needs said of the row: who handed it back, why, and whom they suggest.
    #[serde(default)]
    pub note: Option<String>,
}

/// A row's place in the list's order (kind, number, id, all descending): the page after a
/// row starts below it, so cases recorded meanwhile do not shift the pages being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListKey {
    pub kind: CaseKind,
    pub number: i64,
    pub id: i64,
}

impl ListKey {
    pub fn of(row: &CaseRow) -> Self {
        Self {
            kind: row.kind,
            number: row.number,
            id: row.id,
        }
    }

    /// `question.12.345`, as it appears in the URL.
    pub fn code(&self) -> String {
        format!("{}.{}.{}", self.kind.as_str(), self.number, self.id)
    }

    pub fn parse(code: &str) -> Option<Self> {
        let mut parts = code.trim().split('.');
        let key = Self {
            kind: CaseKind::parse(parts.next()?)?,
            number: parts.next()?.parse().ok()?,
            id: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(key)
    }
}

/// Which way a page is read from a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageFrom {
    /// The rows after the key (the next page).
    After(ListKey),
    /// The rows before it (the previous page).
    Before(ListKey),
}

text_enum!(ListSort {
    Newest = "number" / "號次（新到舊）",
    Oldest = "number_asc" / "號次（舊到新）",
    DueFirst = "due" / "期限（近到遠）",
    DueLast = "due_desc" / "期限（遠到近）",
});

impl ListSort {
    /// The order a column heading's link asks for: the other direction when the list is
    /// already sorted by that column, else its first direction.
    pub fn toggled(self, by_due: bool) -> Self {
        match (by_due, self) {
            (false, Self::Newest) => Self::Oldest,
            (false, _) => Self::Newest,
            (true, Self::DueFirst) => Self::DueLast,
            (true, _) => Self::DueFirst,
        }
    }

    /// `aria-sort` of the column heading (`by_due`: the 期限 column, else 案號).
    pub fn aria(self, by_due: bool) -> Option<&'static str> {
        match (by_due, self) {
            (false, Self::Newest) | (true, Self::DueLast) => Some("descending"),
            (false, Self::Oldest) | (true, Self::DueFirst) => Some("ascending"),
            _ => None,
        }
    }
}

/// The filters of the case list, as they appear in its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    #[serde(default)]
    pub session: Option<i64>,
    #[serde(default)]
    pub kind: Option<CaseKind>,
    #[serde(default)]
    pub councilor: Option<i64>,
    #[serde(default)]
    pub bureau: Option<i64>,
    #[serde(default)]
    pub status: Option<CaseStatus>,
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub tracking: bool,
    /// Only cases carrying this internal flag (`background`), for those who read flags.
    #[serde(default)]
    pub flag: Option<crate::background::Flag>,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: u32,
    /// Set by the pager's links; without it the page is found by its number.
    #[serde(default)]
    pub from: Option<PageFrom>,
    /// The order; none is [`ListSort::Newest`], which pages by key. Other orders page by
    /// number.
    #[serde(default)]
    pub sort: Option<ListSort>,
    /// Only these cases (the rows ticked on the list, for an export); at most
    /// [`CaseFilter::MAX_IDS`].
    #[serde(default)]
    pub ids: Vec<i64>,
}

impl CaseFilter {
    pub const PAGE_SIZE: u32 = 25;
    /// The most rows one may tick for an export or an assignment.
    pub const MAX_IDS: usize = 200;

    /// The order asked for, [`ListSort::Newest`] when none.
    pub fn order(&self) -> ListSort {
        self.sort.unwrap_or(ListSort::Newest)
    }

    /// Reads the list's query string leniently: an unknown value is dropped, not an error,
    /// so a hand-edited or outdated link still opens the list.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let num = |k: &str| get(k).and_then(|v| v.trim().parse::<i64>().ok());
        Self {
            session: num("session"),
            kind: get("kind").and_then(|v| CaseKind::parse(&v)),
            councilor: num("councilor"),
            bureau: num("bureau"),
            status: get("status").and_then(|v| CaseStatus::parse(&v)),
            overdue: get("overdue").is_some_and(|v| !v.is_empty()),
            tracking: get("tracking").is_some_and(|v| !v.is_empty()),
            flag: get("flag").and_then(|v| crate::background::Flag::parse(&v)),
            q: get("q")
                .unwrap_or_default()
                .trim()
                .chars()
                .take(search::MAX_QUERY_CHARS)
                .collect(),
            page: get("page")
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(1)
                .clamp(1, 10_000),
            from: get("after")
                .and_then(|k| ListKey::parse(&k))
                .map(PageFrom::After)
                .or_else(|| {
                    get("before")
                        .and_then(|k| ListKey::parse(&k))
                        .map(PageFrom::Before)
                }),
            sort: get("sort")
                .and_then(|v| ListSort::parse(&v))
                .filter(|s| *s != ListSort::Newest),
            ids: Vec::new(),
        }
    }

    /// The filters and the order as a query string (no page, no key, no ticked rows), as
    /// the list's links and saved filters write it: `status=assigned&sort=due`.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        let mut push =
            |k: &str, v: String| parts.push(format!("{k}={}", crate::url::percent_encode(&v)));
        if let Some(v) = self.session {
            push("session", v.to_string());
        }
        if let Some(v) = self.kind {
            push("kind", v.as_str().into());
        }
        if let Some(v) = self.councilor {
            push("councilor", v.to_string());
        }
        if let Some(v) = self.bureau {
            push("bureau", v.to_string());
        }
        if let Some(v) = self.status {
            push("status", v.as_str().into());
        }
        if self.overdue {
            push("overdue", "1".into());
        }
        if self.tracking {
            push("tracking", "1".into());
        }
        if let Some(v) = self.flag {
            push("flag", v.as_str().into());
        }
        if !self.q.is_empty() {
            push("q", self.q.clone());
        }
        if let Some(v) = self.sort {
            push("sort", v.as_str().into());
        }
        parts.join("&")
    }

    /// The ticked rows of a list form (`ids[]`, repeated), kept to [`CaseFilter::MAX_IDS`]
    /// ids that parse.
    pub fn with_ids<'a>(mut self, ids: impl IntoIterator<Item = &'a str>) -> Self {
        self.ids = ids
            .into_iter()
            .filter_map(|v| v.trim().parse::<i64>().ok())
            .take(Self::MAX_IDS)
            .collect();
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePage {
    pub rows: Vec<CaseRow>,
    /// How many match, counted up to `cap`; more shows as "more than".
    pub total: i64,
    /// Where counting stopped: [`CasePage::COUNT_CAP`], or
    /// [`CasePage::SEARCH_COUNT_CAP`] for a keyword search.
    pub cap: i64,
    pub page: u32,
    pub pages: u32,
    /// The key of the first row when there are rows before this page.
    pub before: Option<ListKey>,
    /// The key of the last row when there are rows after this page.
    pub after: Option<ListKey>,
}

impl CasePage {
    /// Counting stops here: an exact count of hundreds of thousands of cases costs more than
    /// the page itself, and nobody pages that far; they filter.
    pub const COUNT_CAP: i64 = 10_000;
    /// A keyword search counts less far (20 pages; past them one narrows the search): on
    /// PostgreSQL every match the trigram index offers is re-read to be sure of it (16,500
    /// matches among 400,000 cases: 59 ms to count them all, the page itself 7 ms), and for
    /// a bureau's own cases a count to 1,000 still took 36–88 ms against 4–10 to 500.
    pub const SEARCH_COUNT_CAP: i64 = 500;

    /// `共 123 件` or `超過 10,000 件`.
    pub fn count_label(&self) -> String {
        if self.total > self.cap {
            format!("超過 {} 件", grouped(self.cap))
        } else {
            format!("共 {} 件", grouped(self.total))
        }
    }
}

/// 12345 → `12,345`, as counts are written in the office's reports.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub id: i64,
    pub bureau_id: i64,
    pub bureau: String,
    pub role: PartRole,
    pub state: PartState,
    pub reject_reason: Option<String>,
    pub suggested_bureau: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubAnswer {
    pub bureau: String,
    pub body: String,
    pub updated_by: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: i64,
    pub file_name: String,
    pub size_bytes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub batch: i64,
    pub note: String,
    pub delivered_by: String,
    pub delivered_at: i64,
    pub files: Vec<Attachment>,
}

/// The most cases a list download holds (`db::EXPORT_CAP`, shown on the page).
pub const EXPORT_LIMIT: &str = "10,000";

/// A bureau's dated progress report on a tracked case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressReport {
    pub bureau: String,
    pub body: String,
    pub expected_on: Option<NaiveDate>,
    /// A resolution's execution update: how far along, and the bureau's letter when it
    /// replied formally.
    pub percent: Option<i64>,
    pub letter_number: String,
    pub reported_by: String,
    pub reported_at: i64,
    /// Posted after the last follow-up meeting was held: what the next meeting will read.
    pub since_last_meeting: bool,
}

/// A progress report (or a resolution's execution update) as typed: the text and,
/// optionally, when the bureau expects to be done (ROC or ISO date), the percent done and
/// the bureau's letter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressForm {
    pub body: String,
    #[serde(default)]
    pub expected_on: String,
    #[serde(default)]
    pub percent: String,
    #[serde(default)]
    pub letter_number: String,
}

/// A progress report, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgressUpdate {
    pub body: String,
    pub expected_on: Option<NaiveDate>,
    pub percent: Option<i64>,
    pub letter_number: String,
}

impl ProgressForm {
    pub fn parse(&self) -> Result<ProgressUpdate, AppError> {
        let mut p = Problems::new();
        let body = p.check(required_text("body", &self.body, "辦理進度", 2_000));
        let expected = self.expected_on.trim();
        let expected_on = p.check(if expected.is_empty() {
            Ok(None)
        } else {
            crate::dates::parse_date(expected).map(Some).ok_or_else(|| {
                AppError::validation("expected_on", "預計完成日期格式有誤，請輸入民國年/月/日。")
            })
        });
        let percent = p.check(crate::resolutions::parse_percent(&self.percent));
        let letter = self.letter_number.trim();
        let letter_number = p.check(
            if letter.chars().count() > crate::resolutions::LETTER_MAX_CHARS {
                Err(AppError::validation(
                    "letter_number",
                    format!("發文字號最多 {} 字。", crate::resolutions::LETTER_MAX_CHARS),
                ))
            } else {
                Ok(letter.to_owned())
            },
        );
        p.finish(|| {
            Some(ProgressUpdate {
                body: body?,
                expected_on: expected_on?,
                percent: percent?,
                letter_number: letter_number?,
            })
        })
    }

    pub fn echo(&self) -> Vec<(String, String)> {
        [
            ("body", &self.body),
            ("expected_on", &self.expected_on),
            ("percent", &self.percent),
            ("letter_number", &self.letter_number),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }
}

/// A named list on someone's start page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub title: String,
    pub empty: String,
    pub rows: Vec<CaseRow>,
    /// The status whose cases the queue lists, when its reader may narrow it by internal
    /// flag (`background`) on the case list.
    #[serde(default)]
    pub by_flag: Option<CaseStatus>,
}

/// Everything the case page shows, already cut to what the viewer may see and do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub id: i64,
    pub kind: CaseKind,
    pub session: String,
    pub number: i64,
    pub topic: String,
    pub body: String,
    pub councilors: Vec<String>,
    pub sitting: Option<(String, NaiveDate)>,
    pub received_at: Option<i64>,
    pub priority: Option<Priority>,
    pub within_three_days: bool,
    pub due_on: NaiveDate,
    pub due_override_reason: Option<String>,
    pub overdue: bool,
    pub status: CaseStatus,
    pub tracking: bool,
    pub reply: String,
    pub cannot_provide: bool,
    pub reply_version: i64,
    pub reply_updated: Option<(String, i64)>,
    pub review_comment: String,
    pub version: i64,
    pub parts: Vec<Part>,
    pub sub_answers: Vec<SubAnswer>,
    pub deliveries: Vec<Delivery>,
    /// Newest first.
    pub timeline: Vec<events::TimelineEvent>,
    /// The names of the bureaus the timeline names.
    pub bureau_names: Vec<(i64, String)>,
    /// The steps the viewer may take now.
    pub actions: Vec<Action>,
    /// Earlier cases that look alike, that the viewer may see.
    pub similar: Vec<search::SimilarCase>,
    /// Progress reports, newest first.
    #[serde(default)]
    pub progress: Vec<ProgressReport>,
    #[serde(default)]
    pub can_report_progress: bool,
    /// What the last follow-up meeting set: when to look again, and whether it escalated.
    #[serde(default)]
    pub next_check_on: Option<NaiveDate>,
    #[serde(default)]
    pub escalated: bool,
    /// When the last follow-up meeting was confirmed: what changed since is marked.
    #[serde(default)]
    pub last_meeting_at: Option<i64>,
    /// The day the written reply went to the council in a volume (書面答復彙編).
    #[serde(default)]
    pub sent_to_council_on: Option<NaiveDate>,
    /// A service case's own facts (category, place, constituent as the viewer may see it).
    #[serde(default)]
    pub service: Option<crate::service::ServiceFacts>,
    pub resolution: Option<crate::resolutions::ResolutionFacts>,
    /// What the office filed through its link, if it did.
    #[serde(default)]
    pub filing: Option<crate::filings::FilingFacts>,
    /// The viewer may take the filed case in or refuse it (the secretariat, while filed).
    #[serde(default)]
    pub can_decide_filing: bool,
    /// A caucus's ask at a briefing this data request was made of.
    #[serde(default)]
    pub from_briefing: Option<BriefingSource>,
    /// Material promised in session on this question, each a data request (`promises`).
    #[serde(default)]
    pub promises: Vec<PromiseLine>,
    /// The question this data request carries a promise of.
    #[serde(default)]
    pub promised_on: Option<PromiseSource>,
    /// The viewer may record a promise on this question (`promises::may_record`).
    #[serde(default)]
    pub can_promise: bool,
    /// The lead bureau's internal background and flags, for those who may see them.
    #[serde(default)]
    pub background: Option<crate::background::Background>,
    /// The council's letter and the city's (`letters`), and what the viewer may do with
    /// them: record the council's, record the city's, download the draft.
    #[serde(default)]
    pub letters: LetterNumbers,
    #[serde(default)]
    pub can_record_incoming: bool,
    #[serde(default)]
    pub can_record_outgoing: bool,
    #[serde(default)]
    pub can_draft_letter: bool,
    /// The lead bureau's interim replies (`interim`), oldest first, and whether the viewer
    /// may send one.
    #[serde(default)]
    pub interims: Vec<crate::interim::InterimReply>,
    #[serde(default)]
    pub can_send_interim: bool,
    /// Corrections of the answer (`corrections`), oldest first, and whether the viewer may
    /// write one or review the one in review.
    #[serde(default)]
    pub corrections: Vec<crate::corrections::Correction>,
    #[serde(default)]
    pub can_correct: bool,
    #[serde(default)]
    pub can_review_correction: bool,
    /// Grouped and referral answers (`grouping`): what this case is answered through or
    /// answers too, and what the similar-case list offers the lead bureau.
    #[serde(default)]
    pub shared: Option<crate::grouping::Shared>,
    #[serde(default)]
    pub share_offers: Vec<crate::grouping::Offer>,
}

/// The letters a case travels by: the council's incoming one and the city's outgoing one,
/// each with its day; empty numbers while not recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterNumbers {
    pub incoming_number: String,
    pub incoming_on: Option<NaiveDate>,
    pub outgoing_number: String,
    pub outgoing_on: Option<NaiveDate>,
}

impl LetterNumbers {
    pub fn is_empty(&self) -> bool {
        self.incoming_number.is_empty() && self.outgoing_number.is_empty()
    }
}

/// A promise made in session on a question, and the data request that carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseLine {
    pub request_id: i64,
    pub request_number: i64,
    pub promised_by: String,
    pub what: String,
    pub due_on: NaiveDate,
    pub status: CaseStatus,
    pub overdue: bool,
}

/// The question a data request carries a promise of; its id only for those who may open it
/// (a bureau with no part in the question is not offered a refused link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseSource {
    pub question_id: Option<i64>,
    pub question_number: i64,
    pub promised_by: String,
}

/// The caucus briefing a data request came from; its id only for those who may open it
/// (the secretariat, the reviewer, the admin), so a bureau is not offered a refused link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefingSource {
    pub briefing_id: Option<i64>,
    pub caucus: String,
}

impl CaseDetail {
    pub fn can(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
}

/// `質詢 第 12 號` / `索資 第 3 號`
pub fn case_label(kind: CaseKind, number: i64) -> String {
    format!("{} 第 {number} 號", kind.label())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question_form() -> QuestionForm {
        QuestionForm {
            session_id: "1".into(),
            number: "12".into(),
            sitting_type_id: "3".into(),
            sitting_date: "113/03/15".into(),
            councilor_ids: vec!["4".into(), "5".into(), "4".into()],
            topic: "社會住宅興建進度".into(),
            body: "請說明本市社會住宅興建進度。".into(),
            due_on: String::new(),
            due_reason: String::new(),
        }
    }

    #[test]
    fn a_progress_report_needs_text_and_takes_an_roc_date() {
        let form = |body: &str, on: &str| ProgressForm {
            body: body.into(),
            expected_on: on.into(),
            ..Default::default()
        };
        let parsed = form(" 已完成設計 ", "113/05/31").parse().unwrap();
        assert_eq!(parsed.body, "已完成設計");
        assert_eq!(parsed.expected_on, NaiveDate::from_ymd_opt(2024, 5, 31));
        assert_eq!(form("已發包", "").parse().unwrap().expected_on, None);
        let err = form("  ", "5月底").parse().unwrap_err();
        assert!(err.field_message("body").is_some());
        assert!(err.field_message("expected_on").is_some());
        let update = ProgressForm {
            percent: "60%".into(),
            letter_number: " 北市工字第1130001號 ".into(),
            ..form("已發包", "")
        }
        .parse()
        .unwrap();
        assert_eq!(update.percent, Some(60));
        assert_eq!(update.letter_number, "北市工字第1130001號");
        let too_far = ProgressForm {
            percent: "120".into(),
            ..form("已發包", "")
        };
        assert!(too_far
            .parse()
            .unwrap_err()
            .field_message("percent")
            .is_some());
    }

    #[test]
    fn a_joint_question_keeps_each_councilor_once_in_order() {
        let q = question_form().parse().unwrap();
        assert_eq!(q.councilor_ids, vec![4, 5]);
        assert_eq!(
            q.sitting_date,
            NaiveDate::from_ymd_opt(2024, 3, 15).unwrap()
        );
        assert_eq!(q.due, None);
    }

    #[test]
    fn each_missing_question_field_is_named() {
        type Spoil = fn(&mut QuestionForm);
        let cases: [(&str, Spoil); 7] = [
            ("session_id", |f| f.session_id.clear()),
            ("number", |f| f.number = "-3".into()),
            ("sitting_type_id", |f| f.sitting_type_id = "x".into()),
            ("sitting_date", |f| f.sitting_date = "113/13/01".into()),
            ("councilor_ids", |f| f.councilor_ids.clear()),
            ("topic", |f| f.topic = "  ".into()),
            ("body", |f| f.body = "字".repeat(20_001)),
        ];
        for (field, spoil) in cases {
            let mut form = question_form();
            spoil(&mut form);
            let err = form.parse().unwrap_err();
            assert!(err.field_message(field).is_some(), "{field}: {err:?}");
        }
    }

    #[test]
    fn a_question_form_with_several_mistakes_names_all_of_them_in_the_forms_order() {
        let mut form = question_form();
        form.number = "三".into();
        form.sitting_date = "明天".into();
        form.topic.clear();
        let fields: Vec<String> = form
            .parse()
            .unwrap_err()
            .problems()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["number", "sitting_date", "topic"]);
    }

    #[test]
    fn an_overridden_due_date_needs_a_reason() {
        let mut form = question_form();
        form.due_on = "113/03/29".into();
        assert!(form
            .parse()
            .unwrap_err()
            .field_message("due_reason")
            .is_some());
        form.due_reason = "議員同意延後".into();
        let due = form.parse().unwrap().due.unwrap();
        assert_eq!(due.due_on, NaiveDate::from_ymd_opt(2024, 3, 29).unwrap());
    }

    #[test]
    fn a_data_request_reads_taipei_time_and_the_three_day_flag() {
        let form = DataRequestForm {
            session_id: "1".into(),
            councilor_id: "2".into(),
            topic: "停車場資料".into(),
            body: "近三年公有停車場收入".into(),
            received_at: "2024-03-15T10:30".into(),
            priority: "urgent".into(),
            within_three_days: Some("on".into()),
            due_on: String::new(),
            due_reason: String::new(),
        };
        let req = form.parse().unwrap();
        assert_eq!(req.received_at, 1_710_469_800); // 02:30 UTC
        assert_eq!(req.priority, Priority::Urgent);
        assert!(req.within_three_days);
        assert_eq!(
            crate::dates::taipei_date(req.received_at),
            NaiveDate::from_ymd_opt(2024, 3, 15)
        );
        let bad = DataRequestForm {
            priority: "whenever".into(),
            ..form
        };
        assert!(bad.parse().unwrap_err().field_message("priority").is_some());
    }

    #[test]
    fn the_list_filter_drops_what_it_does_not_understand() {
        let query = |k: &str| match k {
            "kind" => Some("question".to_owned()),
            "status" => Some("nonsense".to_owned()),
            "bureau" => Some("7".to_owned()),
            "page" => Some("0".to_owned()),
            "overdue" => Some("1".to_owned()),
            _ => None,
        };
        let f = CaseFilter::from_query(query);
        assert_eq!(f.kind, Some(CaseKind::Question));
        assert_eq!(f.status, None);
        assert_eq!(f.bureau, Some(7));
        assert_eq!(f.page, 1);
        assert!(f.overdue);
        assert_eq!(f.from, None);
    }

    #[test]
    fn a_pager_key_reads_back_from_its_code_and_a_broken_one_is_dropped() {
        let key = ListKey {
            kind: CaseKind::DataRequest,
            number: 12,
            id: 345,
        };
        assert_eq!(key.code(), "data_request.12.345");
        assert_eq!(ListKey::parse(&key.code()), Some(key));
        for broken in [
            "",
            "question.1",
            "question.1.2.3",
            "memo.1.2",
            "question.x.2",
        ] {
            assert_eq!(ListKey::parse(broken), None, "{broken}");
        }
        let f = CaseFilter::from_query(|k| (k == "before").then(|| key.code()));
        assert_eq!(f.from, Some(PageFrom::Before(key)));
    }

    #[test]
    fn counts_past_the_cap_read_as_more_than() {
        let page = |total, cap| CasePage {
            rows: Vec::new(),
            total,
            cap,
            page: 1,
            pages: 1,
            before: None,
            after: None,
        };
        assert_eq!(page(0, CasePage::COUNT_CAP).count_label(), "共 0 件");
        assert_eq!(page(123, CasePage::COUNT_CAP).count_label(), "共 123 件");
        assert_eq!(
            page(10_000, CasePage::COUNT_CAP).count_label(),
            "共 10,000 件"
        );
        assert_eq!(
            page(10_001, CasePage::COUNT_CAP).count_label(),
            "超過 10,000 件"
        );
        assert_eq!(
            page(500, CasePage::SEARCH_COUNT_CAP).count_label(),
            "共 500 件"
        );
        assert_eq!(
            page(501, CasePage::SEARCH_COUNT_CAP).count_label(),
            "超過 500 件"
        );
    }

    #[test]
    fn a_case_is_overdue_only_while_an_answer_is_owed_after_its_due_day() {
        let due = NaiveDate::from_ymd_opt(2024, 3, 22).unwrap();
        let next = due.succ_opt().unwrap();
        assert!(!is_overdue(CaseStatus::InProgress, due, due));
        assert!(is_overdue(CaseStatus::InProgress, due, next));
        assert!(is_overdue(CaseStatus::Returned, due, next));
        assert!(!is_overdue(CaseStatus::InReview, due, next));
        assert!(!is_overdue(CaseStatus::Closed, due, next));
    }

    #[test]
    fn every_status_round_trips_through_its_stored_name() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(*s));
        }
    }
}
