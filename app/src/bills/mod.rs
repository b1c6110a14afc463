//! The session's major bills and the mayor's caucus briefings (seed 四(三): 每會期彙整各局處
//! 重大議法案，安排市長至議會各黨團進行報告). A bureau records the bills (議法案) it sends to the
//! council, each with its way through the council as a timeline; the secretariat asks every
//! bureau for them by a due day, marks the major ones, schedules a briefing per caucus,
//! chooses the bills each hears, prints the briefing pack, and records the caucus's position
//! on each bill and what it asked — an ask can become a data request.
//!
//! The rules are here, in plain Rust; storage in `db`, the pack in `documents`.

pub mod briefing_pages;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod documents;
pub mod pages;
pub mod server_fns;

use crate::{
    auth::{CurrentUser, Role},
    error::{AppError, Problems},
    input::{optional_date, optional_text, required_date, required_text},
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(BillKind {
    OrdinanceNew = "ordinance_new" / "自治條例（制定）",
    OrdinanceAmended = "ordinance_amended" / "自治條例（修正）",
    OrdinanceRepealed = "ordinance_repealed" / "自治條例（廢止）",
    Budget = "budget" / "總預算案",
    SupplementaryBudget = "supplementary_budget" / "追加減預算案",
    Other = "other" / "其他議案",
    Report = "report" / "專案報告",
});

// A bill's way through the council. `planned` is the bureau's own first step: recorded for
// the session, not yet sent.
text_enum!(Stage {
    Planned = "planned" / "擬送議會",
    Sent = "sent" / "送議會",
    FirstReading = "first_reading" / "一讀",
    Committee = "committee" / "委員會審查",
    SecondReading = "second_reading" / "二讀",
    Passed = "passed" / "三讀通過",
    PassedAmended = "passed_amended" / "修正通過",
    Returned = "returned" / "退回",
    Withdrawn = "withdrawn" / "撤回",
    Held = "held" / "保留",
});

text_enum!(Position {
    Support = "support" / "支持",
    Conditional = "conditional" / "有條件支持",
    Oppose = "oppose" / "反對",
    Undecided = "undecided" / "未表態",
});

// A bill's papers.
text_enum!(FileKind {
    Draft = "draft" / "草案條文",
    Comparison = "comparison" / "條文對照表",
    Other = "other" / "其他附件",
});

/// The name a refused upload of a bill's papers is flashed under.
pub const FILES_FORM: &str = "bill-files";

text_enum!(BriefingStatus {
    Scheduled = "scheduled" / "已排定",
    Held = "held" / "已報告",
});

impl Stage {
    /// The steps that may follow this one. A committee may review a bill at several
    /// sittings; a held (保留) bill comes back to the committee or the floor in a later
    /// sitting; a bill the council has decided on, or the city withdrew, goes nowhere.
    pub fn next(self) -> &'static [Stage] {
        use Stage::*;
        match self {
            Planned => &[Sent, Withdrawn],
            Sent => &[FirstReading, Returned, Withdrawn],
            FirstReading => &[Committee, SecondReading, Returned, Withdrawn],
            Committee => &[Committee, SecondReading, Held, Returned, Withdrawn],
            SecondReading => &[Passed, PassedAmended, Held, Returned, Withdrawn],
            Held => &[Committee, SecondReading, Withdrawn],
            Passed | PassedAmended | Returned | Withdrawn => &[],
        }
    }

    /// The council has decided, or the city took the bill back.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    pub fn passed(self) -> bool {
        matches!(self, Stage::Passed | Stage::PassedAmended)
    }

    /// Before the council and not yet decided: what the session view warns about as the
    /// session nears its end.
    pub fn pending_in_council(self) -> bool {
        matches!(
            self,
            Stage::Sent
                | Stage::FirstReading
                | Stage::Committee
                | Stage::SecondReading
                | Stage::Held
        )
    }
}

/// The session view warns of bills still pending from this many days before the session
/// ends: two weeks is the council's last round of sittings.
pub const NEAR_END_DAYS: i64 = 14;

/// Whether `today` falls in the last [`NEAR_END_DAYS`] of a session ending on `ends_on`.
pub fn nearing_end(ends_on: NaiveDate, today: NaiveDate) -> bool {
    let left = (ends_on - today).num_days();
    (0..=NEAR_END_DAYS).contains(&left)
}

/// Who may record or move a bill of `bureau_id`: the bureau's own liaison and approver, and
/// the secretariat for any bureau.
pub fn may_write(user: &CurrentUser, bureau_id: i64) -> bool {
    match user.role {
        Role::Secretariat => true,
        Role::BureauLiaison | Role::BureauApprover => user.bureau_id == Some(bureau_id),
        Role::Reviewer | Role::Admin => false,
    }
}

/// Who may read a bill: whoever may write it, and the reviewer and the admin.
pub fn may_read(user: &CurrentUser, bureau_id: i64) -> bool {
    matches!(user.role, Role::Reviewer | Role::Admin) || may_write(user, bureau_id)
}

/// Everyone who sees the bills pages (a bureau sees its own bills only).
pub const BILL_READERS: &[Role] = &[
    Role::Secretariat,
    Role::Reviewer,
    Role::Admin,
    Role::BureauLiaison,
    Role::BureauApprover,
];
/// Who sees the caucus briefings: they carry every bureau's bills and the caucuses' asks.
pub const BRIEFING_READERS: &[Role] = &[Role::Secretariat, Role::Reviewer, Role::Admin];

pub const TITLE_MAX_CHARS: usize = 200;
pub const WHY_MAX_CHARS: usize = 2_000;
pub const CHANGES_MAX_CHARS: usize = 4_000;
pub const SHORT_MAX_CHARS: usize = 100;
pub const NOTE_MAX_CHARS: usize = 1_000;
pub const ASK_MAX_CHARS: usize = 2_000;
/// A briefing pack of more bills than this is a session's whole book, not a briefing.
pub const MAX_BILLS_PER_BRIEFING: usize = 40;

/// A bill as its bureau types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillForm {
    #[serde(default)]
    pub session_id: String,
    /// The secretariat records for a bureau it chooses; a bureau's own users for their own.
    #[serde(default)]
    pub bureau_id: String,
    #[serde(default)]
    pub bill_kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub changes: String,
    #[serde(default)]
    pub committee: String,
    #[serde(default)]
    pub council_number: String,
    #[serde(default)]
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBill {
    pub session_id: i64,
    pub bureau_id: Option<i64>,
    pub kind: BillKind,
    pub title: String,
    pub why: String,
    pub changes: String,
    pub committee: String,
    pub council_number: String,
    pub contact: String,
}

fn id_field(field: &str, raw: &str, message: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::validation(field, message))
}

impl BillForm {
    pub fn parse(&self) -> Result<NewBill, AppError> {
        let mut p = Problems::new();
        let session_id = p.check(id_field("session_id", &self.session_id, "請選擇會期。"));
        let bureau_id = if self.bureau_id.trim().is_empty() {
            Some(None)
        } else {
            p.check(id_field("bureau_id", &self.bureau_id, "請選擇局處。").map(Some))
        };
        let kind = p.check(
            BillKind::parse(&self.bill_kind)
                .ok_or_else(|| AppError::validation("bill_kind", "請選擇議案種類。")),
        );
        let title = p.check(required_text("title", &self.title, "案名", TITLE_MAX_CHARS));
        let why = p.check(required_text("why", &self.why, "重要性說明", WHY_MAX_CHARS));
        let changes = p.check(optional_text(
            "changes",
            &self.changes,
            "主要內容",
            CHANGES_MAX_CHARS,
        ));
        let committee = p.check(optional_text(
            "committee",
            &self.committee,
            "委員會",
            SHORT_MAX_CHARS,
        ));
        let council_number = p.check(optional_text(
            "council_number",
            &self.council_number,
            "議會案號",
            SHORT_MAX_CHARS,
        ));
        let contact = p.check(optional_text(
            "contact",
            &self.contact,
            "聯絡人",
            SHORT_MAX_CHARS,
        ));
        p.finish(|| {
            Some(NewBill {
                session_id: session_id?,
                bureau_id: bureau_id?,
                kind: kind?,
                title: title?,
                why: why?,
                changes: changes?,
                committee: committee?,
                council_number: council_number?,
                contact: contact?,
            })
        })
    }

    pub fn echo(&self) -> Vec<(String, String)> {
        [
            ("session_id", &self.session_id),
            ("bureau_id", &self.bureau_id),
            ("bill_kind", &self.bill_kind),
            ("title", &self.title),
            ("why", &self.why),
            ("changes", &self.changes),
            ("committee", &self.committee),
            ("council_number", &self.council_number),
            ("contact", &self.contact),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }
}

/// One step of a bill through the council, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageForm {
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub note: String,
    /// The council's bill number, when this step gave one (送議會, 一讀).
    #[serde(default)]
    pub council_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageStep {
    pub stage: Stage,
    pub on: NaiveDate,
    pub note: String,
    pub council_number: String,
}

impl StageForm {
    /// The step, if it may follow `current` (reached on `since`) and is not dated before it
    /// (unless `current` is the bureau's own first step) nor after `today`.
    pub fn parse(
        &self,
        current: Stage,
        since: NaiveDate,
        today: NaiveDate,
    ) -> Result<StageStep, AppError> {
        let mut p = Problems::new();
        let stage = p.check(match Stage::parse(&self.stage) {
            None => Err(AppError::validation("stage", "請選擇審議進度。")),
            Some(s) if !current.next().contains(&s) => Err(AppError::validation(
                "stage",
                if current.is_final() {
                    format!("本案已「{}」，不再記錄審議進度。", current.label())
                } else {
                    format!(
                        "「{}」之後只能記錄：{}。",
                        current.label(),
                        current
                            .next()
                            .iter()
                            .map(|s| s.label())
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                },
            )),
            Some(s) => Ok(s),
        });
        let on = p.check(required_date("on", &self.on, "日期").and_then(|on| {
            // A bill recorded after it went to the council may be sent on an earlier day:
            // the day it was recorded is not a step through the council.
            if on < since && current != Stage::Planned {
                Err(AppError::validation(
                    "on",
                    format!(
                        "日期不能早於上一個進度的日期（{}）。",
                        crate::dates::roc_date(since)
                    ),
                ))
            } else if on > today {
                Err(AppError::validation(
                    "on",
                    "審議進度請於當天或之後記錄，不能預記。",
                ))
            } else {
                Ok(on)
            }
        }));
        let note = p.check(optional_text("note", &self.note, "說明", NOTE_MAX_CHARS));
        let council_number = p.check(optional_text(
            "council_number",
            &self.council_number,
            "議會案號",
            SHORT_MAX_CHARS,
        ));
        p.finish(|| {
            Some(StageStep {
                stage: stage?,
                on: on?,
                note: note?,
                council_number: council_number?,
            })
        })
    }

    pub fn keep(&self) -> [(&str, &str); 4] {
        [
            ("stage", &self.stage),
            ("on", &self.on),
            ("note", &self.note),
            ("council_number", &self.council_number),
        ]
    }
}

/// The secretariat's call for the session's bills. The due day may be typed; left empty it
/// is counted by the `bill_call` rule from today.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallForm {
    #[serde(default)]
    pub session_id: String,
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCall {
    pub session_id: i64,
    pub due_on: Option<NaiveDate>,
    pub note: String,
}

impl CallForm {
    pub fn parse(&self, today: NaiveDate) -> Result<NewCall, AppError> {
        let mut p = Problems::new();
        let session_id = p.check(id_field("session_id", &self.session_id, "請選擇會期。"));
        let due_on = p.check(optional_date("due_on", &self.due_on, "提報期限").and_then(
            |d| match d {
                Some(d) if d < today => {
                    Err(AppError::validation("due_on", "提報期限不能早於今天。"))
                }
                d => Ok(d),
            },
        ));
        let note = p.check(optional_text("note", &self.note, "說明", NOTE_MAX_CHARS));
        p.finish(|| {
            Some(NewCall {
                session_id: session_id?,
                due_on: due_on?,
                note: note?,
            })
        })
    }

    pub fn keep(&self) -> [(&str, &str); 3] {
        [
            ("session_id", &self.session_id),
            ("due_on", &self.due_on),
            ("note", &self.note),
        ]
    }
}

/// A caucus briefing as the secretariat schedules it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefingForm {
    #[serde(default)]
    pub session_id: String,
    #[serde(default)]
    pub caucus: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub attendees: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBriefing {
    pub session_id: i64,
    pub caucus: String,
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub place: String,
    pub attendees: String,
}

/// `HH:MM`, 24-hour, as the meeting's time is typed.
fn time_of_day(raw: &str) -> Result<String, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    chrono::NaiveTime::parse_from_str(raw, "%H:%M")
        .map(|t| t.format("%H:%M").to_string())
        .map_err(|_| AppError::validation("starts_at", "時間請寫成 14:30。"))
}

impl BriefingForm {
    pub fn parse(&self) -> Result<NewBriefing, AppError> {
        let mut p = Problems::new();
        let session_id = p.check(id_field("session_id", &self.session_id, "請選擇會期。"));
        let caucus = p.check(required_text(
            "caucus",
            &self.caucus,
            "黨團",
            SHORT_MAX_CHARS,
        ));
        let held_on = p.check(required_date("held_on", &self.held_on, "日期"));
        let starts_at = p.check(time_of_day(&self.starts_at));
        let place = p.check(optional_text("place", &self.place, "地點", SHORT_MAX_CHARS));
        let attendees = p.check(optional_text(
            "attendees",
            &self.attendees,
            "出席人員",
            NOTE_MAX_CHARS,
        ));
        p.finish(|| {
            Some(NewBriefing {
                session_id: session_id?,
                caucus: caucus?,
                held_on: held_on?,
                starts_at: starts_at?,
                place: place?,
                attendees: attendees?,
            })
        })
    }

    pub fn echo(&self) -> Vec<(String, String)> {
        [
            ("session_id", &self.session_id),
            ("caucus", &self.caucus),
            ("held_on", &self.held_on),
            ("starts_at", &self.starts_at),
            ("place", &self.place),
            ("attendees", &self.attendees),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }
}

/// The bills a briefing presents, as ticked: distinct ids, at least one, at most
/// [`MAX_BILLS_PER_BRIEFING`].
pub fn parse_bill_ids(raw: &[String]) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for v in raw.iter().filter(|v| !v.trim().is_empty()) {
        let id = id_field("bill_ids", v, "請勾選要報告的議案。")?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(AppError::validation("bill_ids", "請至少勾選一案。"));
    }
    if ids.len() > MAX_BILLS_PER_BRIEFING {
        return Err(AppError::validation(
            "bill_ids",
            format!("一場報告最多 {MAX_BILLS_PER_BRIEFING} 案。"),
        ));
    }
    Ok(ids)
}

/// The caucus's position per bill after the briefing: `bill_ids[i]` took `positions[i]`;
/// every bill presented must have one (未表態 is a position).
pub fn parse_positions(
    bill_ids: &[String],
    positions: &[String],
    presented: &[i64],
) -> Result<Vec<(i64, Position)>, AppError> {
    if bill_ids.len() != positions.len() {
        return Err(AppError::BadRequest);
    }
    let mut out = Vec::new();
    for (id, position) in bill_ids.iter().zip(positions) {
        let id = id.trim().parse::<i64>().map_err(|_| AppError::BadRequest)?;
        if !presented.contains(&id) {
            return Err(AppError::BadRequest);
        }
        let position = Position::parse(position).ok_or_else(|| {
            AppError::validation("positions", "請為每一案選擇黨團的態度（未表態也是一種）。")
        })?;
        if !out.iter().any(|(b, _)| *b == id) {
            out.push((id, position));
        }
    }
    if out.len() != presented.len() {
        return Err(AppError::validation(
            "positions",
            "請為每一案選擇黨團的態度（未表態也是一種）。",
        ));
    }
    Ok(out)
}

/// An ask the caucus made at the briefing, about one of the bills or in general.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAsk {
    pub bill_id: Option<i64>,
    pub ask: String,
}

pub fn parse_ask(bill_id: &str, ask: &str) -> Result<NewAsk, AppError> {
    let mut p = Problems::new();
    let bill_id = if bill_id.trim().is_empty() {
        Some(None)
    } else {
        p.check(id_field("bill_id", bill_id, "請選擇議案。").map(Some))
    };
    let ask = p.check(required_text("ask", ask, "黨團的要求", ASK_MAX_CHARS));
    p.finish(|| {
        Some(NewAsk {
            bill_id: bill_id?,
            ask: ask?,
        })
    })
}

/// A bill as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillRow {
    pub id: i64,
    pub bureau_id: i64,
    pub bureau: String,
    pub kind: BillKind,
    pub title: String,
    pub committee: String,
    pub council_number: String,
    pub major: bool,
    pub stage: Stage,
    pub stage_on: NaiveDate,
}

/// One step of a bill's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillEvent {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub stage: Option<Stage>,
    pub on: Option<NaiveDate>,
    pub note: String,
}

impl BillEvent {
    /// What happened, in words.
    pub fn sentence(&self) -> String {
        match (self.action.as_str(), self.stage) {
            ("recorded", _) => "登錄議案".into(),
            ("stage", Some(stage)) => match self.on {
                Some(on) => format!("{}（{}）", stage.label(), crate::dates::roc_date(on)),
                None => stage.label().into(),
            },
            ("edited", _) => "修改議案資料".into(),
            ("file_added", _) => "上傳附件".into(),
            ("marked_major", _) => "列為重大議案".into(),
            ("unmarked_major", _) => "取消重大議案標記".into(),
            (other, _) => other.to_owned(),
        }
    }
}

/// A paper of a bill, as its page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillFile {
    pub id: i64,
    pub kind: FileKind,
    pub file_name: String,
    pub size_bytes: i64,
    pub uploaded_at: i64,
    pub uploaded_by: String,
}

/// A caucus's position on a bill, and its briefing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaucusPosition {
    pub briefing_id: i64,
    pub caucus: String,
    pub held_on: NaiveDate,
    pub position: Option<Position>,
}

/// A bill with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bill {
    pub row: BillRow,
    pub session_id: i64,
    pub session: String,
    pub why: String,
    pub changes: String,
    pub contact: String,
    pub version: i64,
    pub events: Vec<BillEvent>,
    pub files: Vec<BillFile>,
    pub positions: Vec<CaucusPosition>,
    pub may_write: bool,
    pub may_mark_major: bool,
    pub today: NaiveDate,
}

/// The call for a session's bills and who has answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallStatus {
    pub asked_on: NaiveDate,
    pub due_on: NaiveDate,
    pub note: String,
    /// Bureaus with a bill recorded, or that said they have none.
    pub answered: Vec<String>,
    pub missing: Vec<(i64, String)>,
    /// The viewer's bureau said it has no bill this session.
    pub mine_said_nothing: bool,
}

/// The start page's reminder of an open call for bills: to a bureau that has not answered,
/// and to the secretariat while bureaus have not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallReminder {
    pub session_id: i64,
    pub session: String,
    pub due_on: NaiveDate,
    /// Bureaus that have not answered (for a bureau: 1, itself).
    pub missing: usize,
    pub overdue: bool,
}

impl CallReminder {
    pub fn sentence(&self, bureau: bool) -> String {
        let due = crate::dates::roc_date(self.due_on);
        let late = if self.overdue { "已逾期，" } else { "" };
        if bureau {
            format!(
                "秘書處請各局處於 {due} 前提報{}的議法案，{late}本局處尚未回報。",
                self.session
            )
        } else {
            format!(
                "{}議法案提報期限 {due}，{late}尚有 {} 個局處未回報。",
                self.session, self.missing
            )
        }
    }
}

/// The session view: every bill the viewer may see, by bureau.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionBills {
    pub session_id: i64,
    pub session: String,
    pub ends_on: NaiveDate,
    pub sessions: Vec<(i64, String)>,
    pub bills: Vec<BillRow>,
    pub call: Option<CallStatus>,
    pub near_end: bool,
    pub today: NaiveDate,
    pub briefings_held: i64,
    pub asks_open: i64,
}

impl SessionBills {
    /// Counts per stage, in the stages' order, of the bills shown.
    pub fn by_stage(&self) -> Vec<(Stage, usize)> {
        Stage::ALL
            .iter()
            .map(|s| (*s, self.bills.iter().filter(|b| b.stage == *s).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Bills still before the council.
    pub fn pending(&self) -> Vec<&BillRow> {
        self.bills
            .iter()
            .filter(|b| b.stage.pending_in_council())
            .collect()
    }
}

/// A bureau's bills of a session, counted as the session view and the report do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BureauCounts {
    pub bureau: String,
    /// 三讀通過 or 修正通過.
    pub passed: usize,
    /// Still before the council.
    pub pending: usize,
    /// Not yet sent.
    pub planned: usize,
    /// Returned or withdrawn.
    pub gone: usize,
}

impl BureauCounts {
    pub fn total(&self) -> usize {
        self.passed + self.pending + self.planned + self.gone
    }
}

impl SessionBills {
    /// Per bureau, in the order the bills are listed (the bureaus' own order).
    pub fn by_bureau(&self) -> Vec<BureauCounts> {
        let mut bureaus: Vec<BureauCounts> = Vec::new();
        for b in &self.bills {
            let i = match bureaus.iter().position(|c| c.bureau == b.bureau) {
                Some(i) => i,
                None => {
                    bureaus.push(BureauCounts {
                        bureau: b.bureau.clone(),
                        ..Default::default()
                    });
                    bureaus.len() - 1
                }
            };
            let c = &mut bureaus[i];
            if b.stage.passed() {
                c.passed += 1;
            } else if b.stage.pending_in_council() {
                c.pending += 1;
            } else if b.stage == Stage::Planned {
                c.planned += 1;
            } else {
                c.gone += 1;
            }
        }
        bureaus
    }

    /// The session has ended (the view then says what passed and what did not).
    pub fn ended(&self) -> bool {
        self.today > self.ends_on
    }

    /// The session's bills and, per bureau, how many passed, are pending and went nowhere,
    /// with the briefings held and the asks open: the report's CSV and XLSX.
    pub fn tables(&self) -> Vec<crate::reports::Table> {
        use crate::reports::{Cell, Table};
        let text = |s: &str| Cell::Text(s.to_owned());
        let bills = Table {
            title: format!("{}議法案", self.session),
            header: [
                "主辦機關",
                "案名",
                "種類",
                "重大",
                "審查委員會",
                "議會案號",
                "審議進度",
                "進度日期",
            ]
            .map(String::from)
            .to_vec(),
            rows: self
                .bills
                .iter()
                .map(|b| {
                    vec![
                        text(&b.bureau),
                        text(&b.title),
                        text(b.kind.label()),
                        text(if b.major { "是" } else { "" }),
                        text(&b.committee),
                        text(&b.council_number),
                        text(b.stage.label()),
                        Cell::Date(b.stage_on),
                    ]
                })
                .collect(),
        };
        let bureaus = self.by_bureau();
        let number = |n: usize| Cell::Number(n as f64);
        let by_bureau = Table {
            title: "各機關議案審議情形".into(),
            header: [
                "主辦機關",
                "議案",
                "通過",
                "審議中",
                "擬送議會",
                "退回或撤回",
            ]
            .map(String::from)
            .to_vec(),
            rows: bureaus
                .iter()
                .map(|b| {
                    vec![
                        text(&b.bureau),
                        number(b.total()),
                        number(b.passed),
                        number(b.pending),
                        number(b.planned),
                        number(b.gone),
                    ]
                })
                .collect(),
        };
        let mut tables = vec![bills, by_bureau];
        if self.briefings_held > 0 || self.asks_open > 0 {
            tables.push(Table {
                title: "黨團報告".into(),
                header: vec!["已舉行".into(), "待處理的黨團要求".into()],
                rows: vec![vec![
                    Cell::Number(self.briefings_held as f64),
                    Cell::Number(self.asks_open as f64),
                ]],
            });
        }
        tables
    }
}

/// A briefing as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefingRow {
    pub id: i64,
    pub caucus: String,
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub place: String,
    pub status: BriefingStatus,
    pub bills: i64,
    pub asks_open: i64,
}

/// A bill as a briefing presents it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentedBill {
    pub bill: BillRow,
    pub why: String,
    pub changes: String,
    pub position: Option<Position>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ask {
    pub id: i64,
    pub bill_title: Option<String>,
    pub ask: String,
    pub case_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Briefing {
    pub id: i64,
    pub session_id: i64,
    pub session: String,
    pub caucus: String,
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub place: String,
    pub attendees: String,
    pub status: BriefingStatus,
    pub outcome_note: String,
    pub bills: Vec<PresentedBill>,
    pub asks: Vec<Ask>,
    /// The session's major bills, to choose from.
    pub major_bills: Vec<BillRow>,
    /// The caucus's councilors, one of whom a data request made of an ask names.
    pub councilors: Vec<(i64, String)>,
    pub may_write: bool,
}

impl Briefing {
    pub fn when(&self) -> String {
        let day = crate::dates::roc_date(self.held_on);
        if self.starts_at.is_empty() {
            day
        } else {
            format!("{day} {}", self.starts_at)
        }
    }

    /// The pack's file name, without its extension.
    pub fn file_name(&self) -> String {
        format!("{}黨團報告資料（{}）", self.caucus, self.session)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefingsData {
    pub session_id: i64,
    pub session: String,
    pub sessions: Vec<(i64, String)>,
    pub briefings: Vec<BriefingRow>,
    pub caucuses: Vec<String>,
    pub may_write: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn user(role: Role, bureau: Option<i64>) -> CurrentUser {
        CurrentUser {
            id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            bureau_id: bureau,
            bureau_name: None,
            must_change_password: false,
        }
    }

    #[test]
    fn a_bill_goes_from_the_bureau_through_three_readings() {
        use Stage::*;
        let path = [
            Planned,
            Sent,
            FirstReading,
            Committee,
            Committee,
            SecondReading,
            Passed,
        ];
        for pair in path.windows(2) {
            assert!(
                pair[0].next().contains(&pair[1]),
                "{:?} → {:?}",
                pair[0],
                pair[1]
            );
        }
        assert!(Passed.is_final() && Passed.passed());
    }

    #[test]
    fn decided_or_withdrawn_bills_take_no_further_step() {
        for s in [
            Stage::Passed,
            Stage::PassedAmended,
            Stage::Returned,
            Stage::Withdrawn,
        ] {
            assert!(s.is_final());
            assert!(!s.pending_in_council());
        }
        assert!(!Stage::Returned.passed());
    }

    #[test]
    fn a_held_bill_comes_back_to_the_committee_or_the_floor() {
        assert_eq!(
            Stage::Held.next(),
            &[Stage::Committee, Stage::SecondReading, Stage::Withdrawn]
        );
        assert!(Stage::Held.pending_in_council());
    }

    #[test]
    fn a_planned_bill_is_not_yet_before_the_council() {
        assert!(!Stage::Planned.pending_in_council());
        assert!(!Stage::Planned.next().contains(&Stage::Committee));
    }

    #[test]
    fn every_stage_but_the_first_can_be_reached() {
        for s in Stage::ALL.iter().filter(|s| **s != Stage::Planned) {
            assert!(
                Stage::ALL.iter().any(|from| from.next().contains(s)),
                "{s:?} unreachable"
            );
        }
    }

    #[test]
    fn a_step_must_follow_the_last_one_and_not_be_dated_before_it_or_ahead() {
        let today = d(2026, 12, 5);
        let form = |stage: &str, on: &str| StageForm {
            stage: stage.into(),
            on: on.into(),
            ..Default::default()
        };
        let step = form("committee", "115/12/01")
            .parse(Stage::FirstReading, d(2026, 11, 20), today)
            .unwrap();
        assert_eq!((step.stage, step.on), (Stage::Committee, d(2026, 12, 1)));
        let skip = form("passed", "115/12/01").parse(Stage::Sent, d(2026, 11, 20), today);
        assert!(skip.unwrap_err().to_string().contains("只能記錄"));
        let early =
            form("committee", "115/11/01").parse(Stage::FirstReading, d(2026, 11, 20), today);
        assert!(early.unwrap_err().to_string().contains("不能早於"));
        let ahead =
            form("committee", "115/12/06").parse(Stage::FirstReading, d(2026, 11, 20), today);
        assert!(ahead.unwrap_err().to_string().contains("不能預記"));
        let recorded_late = form("sent", "115/11/02").parse(Stage::Planned, d(2026, 11, 20), today);
        assert_eq!(recorded_late.unwrap().on, d(2026, 11, 2));
        let done = form("committee", "115/12/01").parse(Stage::Passed, d(2026, 11, 20), today);
        assert!(done.unwrap_err().to_string().contains("不再記錄"));
    }

    #[test]
    fn the_session_view_warns_in_its_last_two_weeks_only() {
        let ends = d(2026, 12, 20);
        assert!(!nearing_end(ends, d(2026, 12, 5)));
        assert!(nearing_end(ends, d(2026, 12, 6)));
        assert!(nearing_end(ends, ends));
        assert!(!nearing_end(ends, d(2026, 12, 21)));
    }

    #[test]
    fn bureaus_write_their_own_bills_and_the_reviewer_only_reads() {
        let own = user(Role::BureauLiaison, Some(3));
        assert!(may_write(&own, 3) && !may_write(&own, 4));
        assert!(!may_read(&own, 4));
        let approver = user(Role::BureauApprover, Some(3));
        assert!(may_write(&approver, 3));
        assert!(may_write(&user(Role::Secretariat, None), 4));
        let reviewer = user(Role::Reviewer, None);
        assert!(may_read(&reviewer, 4) && !may_write(&reviewer, 4));
        assert!(!may_write(&user(Role::Admin, None), 4));
    }

    #[test]
    fn a_bill_form_names_every_mistake() {
        let err = BillForm {
            title: "x".repeat(TITLE_MAX_CHARS + 1),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<String> = err.problems().into_iter().map(|(f, _)| f).collect();
        for f in ["session_id", "bill_kind", "title", "why"] {
            assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
        }
        let ok = BillForm {
            session_id: "2".into(),
            bill_kind: "ordinance_amended".into(),
            title: " 臺北市自治條例修正案 ".into(),
            why: "因應".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(
            (ok.kind, ok.title.as_str(), ok.bureau_id),
            (BillKind::OrdinanceAmended, "臺北市自治條例修正案", None)
        );
    }

    #[test]
    fn a_briefing_time_is_read_as_typed_and_checked() {
        let form = |t: &str| BriefingForm {
            session_id: "1".into(),
            caucus: "甲黨團".into(),
            held_on: "115/12/10".into(),
            starts_at: t.into(),
            ..Default::default()
        };
        assert_eq!(form("9:30").parse().unwrap().starts_at, "09:30");
        assert_eq!(form("").parse().unwrap().starts_at, "");
        assert!(form("下午").parse().is_err());
    }

    #[test]
    fn every_bill_presented_gets_a_position() {
        let ids = vec!["1".to_owned(), "2".to_owned()];
        let got = parse_positions(&ids, &["support".into(), "undecided".into()], &[1, 2]).unwrap();
        assert_eq!(got, vec![(1, Position::Support), (2, Position::Undecided)]);
        assert!(parse_positions(&ids, &["support".into(), "".into()], &[1, 2]).is_err());
        assert!(parse_positions(&ids[..1], &["support".into()], &[1, 2]).is_err());
        assert!(matches!(
            parse_positions(&["9".into()], &["support".into()], &[1]),
            Err(AppError::BadRequest)
        ));
    }

    #[test]
    fn a_briefing_presents_at_least_one_bill_and_not_a_whole_book() {
        assert!(parse_bill_ids(&[]).is_err());
        assert_eq!(
            parse_bill_ids(&["3".into(), "3".into(), "4".into()]).unwrap(),
            vec![3, 4]
        );
        let many: Vec<String> = (1..=41).map(|i| i.to_string()).collect();
        assert!(parse_bill_ids(&many).is_err());
    }

    #[test]
    fn the_session_counts_each_bureaus_bills_once_by_where_they_stand() {
        let row = |bureau: &str, stage: Stage| BillRow {
            id: 1,
            bureau_id: 1,
            bureau: bureau.into(),
            kind: BillKind::Other,
            title: String::new(),
            committee: String::new(),
            council_number: String::new(),
            major: false,
            stage,
            stage_on: d(2026, 12, 1),
        };
        let view = SessionBills {
            session_id: 1,
            session: "第4次定期大會".into(),
            ends_on: d(2026, 12, 20),
            sessions: vec![],
            bills: vec![
                row("都發局", Stage::Passed),
                row("都發局", Stage::Committee),
                row("都發局", Stage::PassedAmended),
                row("交通局", Stage::Withdrawn),
                row("交通局", Stage::Planned),
                row("交通局", Stage::Held),
            ],
            call: None,
            near_end: false,
            today: d(2026, 12, 21),
            briefings_held: 0,
            asks_open: 0,
        };
        let counts = view.by_bureau();
        assert_eq!(
            counts
                .iter()
                .map(|c| (c.bureau.as_str(), c.passed, c.pending, c.planned, c.gone))
                .collect::<Vec<_>>(),
            [("都發局", 2, 1, 0, 0), ("交通局", 0, 1, 1, 1)]
        );
        assert!(counts.iter().all(|c| c.total() == 3));
        assert!(view.ended());
        assert_eq!(view.pending().len(), 2);
    }

    #[test]
    fn a_call_due_day_may_be_left_to_the_rule_but_not_be_past() {
        let today = d(2026, 12, 5);
        let call = |due: &str| CallForm {
            session_id: "1".into(),
            due_on: due.into(),
            note: String::new(),
        };
        assert_eq!(call("").parse(today).unwrap().due_on, None);
        assert_eq!(
            call("115/12/15").parse(today).unwrap().due_on,
            Some(d(2026, 12, 15))
        );
        assert!(call("115/12/01").parse(today).is_err());
    }
}
