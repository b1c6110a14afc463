//! The case timeline as data: what happened (a stable code), who did it (a user, a councilor
//! office through a status link, or the system) and the values before and after, as status
//! codes, ISO dates and ids. Words appear only when a page shows an event, in the viewer's
//! language ([`render`]).

use super::{CaseStatus, PartRole, Priority};
use crate::{dates::roc_date, i18n::Lang};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(EventAction {
    Record = "record" / "登錄案件",
    Assign = "assign" / "分派主辦機關",
    AddCoBureau = "add_co_bureau" / "加入協辦機關",
    Reassign = "reassign" / "改分",
    OverrideDue = "override_due" / "調整期限",
    Accept = "accept" / "接受分派",
    Reject = "reject" / "退回分派",
    WriteSubAnswer = "write_sub_answer" / "儲存協辦意見",
    EditReply = "edit_reply" / "儲存答復",
    Deliver = "deliver" / "提供資料",
    Postpone = "postpone" / "展延期限",
    Submit = "submit" / "送主管核定",
    SignOff = "sign_off" / "核定",
    SendBack = "send_back" / "退回承辦人",
    PassToReview = "pass_to_review" / "送副秘書長審查",
    ReturnFromCheck = "return_from_check" / "退回局處修正",
    Approve = "approve" / "審查通過",
    ReturnFromReview = "return_from_review" / "退回局處修正",
    Release = "release" / "解除列管",
    ReportProgress = "report_progress" / "提報辦理進度",
    KeepTracking = "keep_tracking" / "繼續列管",
    ReassignLead = "reassign_lead" / "改由他機關主辦",
    Escalate = "escalate" / "提報上級",
    SentToCouncil = "sent_to_council" / "書面答復函送議會",
    NotAnAnswer = "not_an_answer" / "議員辦公室表示答非所問",
    TakeIn = "take_in" / "受理議員辦公室送出的案件",
    Refuse = "refuse" / "不受理",
    PersonalDataRemoved = "personal_data_removed" / "依保存期限刪除陳情人個人資料",
    ScheduleVisit = "schedule_visit" / "排定會勘或協調會",
    VisitOutcome = "visit_outcome" / "記錄會勘或協調結果",
    ReconsiderationAsked = "reconsideration_asked" / "提出覆議",
    ReconsiderationAnswered = "reconsideration_answered" / "記錄覆議結果",
    NotExecutable = "not_executable" / "認定窒礙難行並函復議會",
    Promise = "promise" / "記錄會後補資料承諾",
    IncomingLetter = "incoming_letter" / "記錄議會來文字號",
    OutgoingLetter = "outgoing_letter" / "記錄發文字號",
    InterimReply = "interim_reply" / "期中答復",
    CorrectionSubmitted = "correction_submitted" / "提出勘誤",
    CorrectionApproved = "correction_approved" / "勘誤審查通過",
    CorrectionReturned = "correction_returned" / "勘誤退回修正",
    ReplyGrouped = "reply_grouped" / "併案答復",
    ReplyReferred = "reply_referred" / "援引答復",
    ReplyUnlinked = "reply_unlinked" / "取消併案或援引",
});

impl EventAction {
    pub fn title(self, lang: Lang) -> &'static str {
        let en = match self {
            Self::Record => "Case recorded",
            Self::Assign => "Lead bureau assigned",
            Self::AddCoBureau => "Co-bureau added",
            Self::Reassign => "Co-bureau reassigned",
            Self::OverrideDue => "Due date changed",
            Self::Accept => "Assignment accepted",
            Self::Reject => "Assignment declined",
            Self::WriteSubAnswer => "Co-bureau answer saved",
            Self::EditReply => "Reply saved",
            Self::Deliver => "Data delivered",
            Self::Postpone => "Due date postponed",
            Self::Submit => "Sent for sign-off",
            Self::SignOff => "Signed off",
            Self::SendBack => "Sent back to the liaison",
            Self::PassToReview => "Passed to review",
            Self::ReturnFromCheck | Self::ReturnFromReview => "Returned to the bureau",
            Self::Approve => "Approved",
            Self::Release => "Released from tracking",
            Self::ReportProgress => "Progress reported",
            Self::KeepTracking => "Kept under tracking",
            Self::ReassignLead => "Lead bureau changed",
            Self::Escalate => "Escalated",
            Self::SentToCouncil => "Written reply sent to the council",
            Self::NotAnAnswer => "The councilor's office says the reply does not answer",
            Self::TakeIn => "Taken in from the councilor's office",
            Self::Refuse => "Not taken in",
            Self::PersonalDataRemoved => "Constituent's personal data deleted after retention",
            Self::ScheduleVisit => "Site visit or meeting scheduled",
            Self::VisitOutcome => "Outcome of a site visit or meeting",
            Self::ReconsiderationAsked => "Reconsideration asked",
            Self::ReconsiderationAnswered => "Council's answer to reconsideration",
            Self::NotExecutable => "Found not executable; reasoned reply sent",
            Self::Promise => "Material promised in session recorded",
            Self::IncomingLetter => "Council's letter number recorded",
            Self::OutgoingLetter => "Outgoing letter number recorded",
            Self::InterimReply => "Interim reply sent",
            Self::CorrectionSubmitted => "Correction sent for review",
            Self::CorrectionApproved => "Correction approved",
            Self::CorrectionReturned => "Correction returned",
            Self::ReplyGrouped => "Answered together with another question",
            Self::ReplyReferred => "Answered by referring to an earlier answer",
            Self::ReplyUnlinked => "Grouping or referral undone",
        };
        lang.pick(self.label(), en)
    }
}

text_enum!(ActorKind {
    User = "user" / "使用者",
    Link = "link" / "議員辦公室（狀態連結）",
    System = "system" / "系統",
});

/// A value before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change<T> {
    pub from: T,
    pub to: T,
}

impl<T> Change<T> {
    pub fn new(from: T, to: T) -> Self {
        Self { from, to }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What an event records beyond its code. Every field is optional; each action fills the
/// ones it needs. Stored as JSON in `case_events.data`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Change<CaseStatus>>,
    /// A due date moved (override or postponement).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Change<NaiveDate>>,
    /// The due date a new case got, and why, when typed over the rule's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(skip_serializing_if = "is_false")]
    pub within_three_days: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_bureau_id: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub co_bureau_ids: Vec<i64>,
    /// The bureau that accepted, declined, wrote or was added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bureau_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<PartRole>,
    /// A co-bureau part handed from one bureau to another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<Change<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_bureau_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_tracking: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Change<String>>,
    #[serde(skip_serializing_if = "is_false")]
    pub cannot_provide: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// The date a bureau expects to be done (a progress report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_on: Option<NaiveDate>,
    /// The date a follow-up meeting set to look at the case again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_check_on: Option<NaiveDate>,
    /// The follow-up meeting that decided this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_id: Option<i64>,
    /// The day a written-reply volume carrying the reply was sent to the council.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_on: Option<NaiveDate>,
    /// A site inspection or coordination meeting of a service case: which, when, where, and
    /// the bureaus attending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit_kind: Option<crate::service::VisitKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attending: Vec<i64>,
    /// An execution update's percent done and a letter's number (覆議, a bureau's reply,
    /// the reasoned reply of a resolution found not executable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letter_number: Option<String>,
    /// The council's answer to a reconsideration, and its day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<crate::resolutions::ReconsiderationOutcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
    /// The data request a promise made in session became (`promises`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_number: Option<i64>,
    /// The sentence an event written before events were data carried (migration 0003).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl EventData {
    /// Every bureau the event names, so the page can look their names up once.
    pub fn bureau_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .lead_bureau_id
            .into_iter()
            .chain(self.co_bureau_ids.iter().copied())
            .chain(self.bureau_id)
            .chain(self.suggested_bureau_id)
            .chain(self.moved.iter().flat_map(|m| [m.from, m.to]))
            .chain(self.attending.iter().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// One stored event as the case page receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub at: i64,
    pub actor_kind: ActorKind,
    /// The user's display name, when a user acted.
    pub actor_name: Option<String>,
    /// The stored code; one this build does not know still shows, as "other".
    pub action: String,
    pub data: EventData,
}

/// An event in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEvent {
    pub title: String,
    pub actor: String,
    pub lines: Vec<String>,
    pub change: Option<(String, String)>,
}

fn status_label(status: CaseStatus, lang: Lang) -> &'static str {
    let en = match status {
        CaseStatus::Filed => "Filed, to be taken in",
        CaseStatus::Refused => "Not taken in",
        CaseStatus::Unassigned => "To assign",
        CaseStatus::Assigned => "Awaiting the bureau",
        CaseStatus::InProgress => "In progress",
        CaseStatus::AwaitingSignOff => "Awaiting sign-off",
        CaseStatus::SignedOff => "Awaiting the secretariat's check",
        CaseStatus::InReview => "In review",
        CaseStatus::Returned => "Returned for changes",
        CaseStatus::Closed => "Closed",
        CaseStatus::Tracking => "Tracked",
    };
    lang.pick(status.label(), en)
}

fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::ZhTw => roc_date(d),
        Lang::En => d.to_string(),
    }
}

/// Puts an event into words. `bureau` names a bureau id (its name today).
pub fn render(event: &TimelineEvent, bureau: &dyn Fn(i64) -> String, lang: Lang) -> RenderedEvent {
    let d = &event.data;
    let action = EventAction::parse(&event.action);
    let title = action.map_or_else(
        || lang.pick("其他", "Other").to_owned(),
        |a| a.title(lang).to_owned(),
    );
    let actor = match event.actor_kind {
        ActorKind::User => event.actor_name.clone().unwrap_or_default(),
        ActorKind::Link => lang
            .pick(ActorKind::Link.label(), "Councilor office (status link)")
            .to_owned(),
        ActorKind::System => lang.pick(ActorKind::System.label(), "System").to_owned(),
    };
    let zh = lang == Lang::ZhTw;
    let list = |ids: &[i64]| {
        ids.iter()
            .map(|id| bureau(*id))
            .collect::<Vec<_>>()
            .join(if zh { "、" } else { ", " })
    };
    let mut lines = Vec::new();
    if let Some(note) = &d.note {
        lines.push(note.clone());
    }
    let sentence = match action {
        Some(EventAction::Record) => d.due_on.map(|due| match (d.priority, &d.due_reason) {
            (Some(p), _) if zh => format!(
                "{}{}，期限 {}",
                p.label(),
                if d.within_three_days {
                    "・三日內取件"
                } else {
                    ""
                },
                roc_date(due)
            ),
            (Some(p), _) => format!(
                "{}{}, due {due}",
                match p {
                    Priority::Ordinary => "Ordinary",
                    Priority::Urgent => "Urgent",
                    Priority::MostUrgent => "Most urgent",
                },
                if d.within_three_days {
                    " · pick-up within three days"
                } else {
                    ""
                },
            ),
            (None, Some(r)) if zh => format!("期限 {}（自訂：{r}）", roc_date(due)),
            (None, Some(r)) => format!("Due {due} (set by hand: {r})"),
            (None, None) => lang.pick("期限 ", "Due ").to_owned() + &date(due, lang),
        }),
        Some(EventAction::Assign) => d.lead_bureau_id.map(|lead| {
            let lead = bureau(lead);
            match (d.co_bureau_ids.is_empty(), zh) {
                (true, true) => format!("主辦：{lead}"),
                (false, true) => format!("主辦：{lead}；協辦：{}", list(&d.co_bureau_ids)),
                (true, false) => format!("Lead: {lead}"),
                (false, false) => format!("Lead: {lead}; co: {}", list(&d.co_bureau_ids)),
            }
        }),
        Some(EventAction::AddCoBureau) => d
            .bureau_id
            .map(|b| lang.pick("協辦：", "Co-bureau: ").to_owned() + &bureau(b)),
        Some(EventAction::Reassign) => d.moved.as_ref().map(|m| {
            let (from, to) = (bureau(m.from), bureau(m.to));
            lang.pick("協辦改分：", "Co-bureau moved: ").to_owned() + &format!("{from} → {to}")
        }),
        Some(EventAction::Accept | EventAction::WriteSubAnswer) => d.bureau_id.map(bureau),
        Some(EventAction::Reject) => d.bureau_id.map(|b| {
            let reason = d.reason.clone().unwrap_or_default();
            format!("{}{}{reason}", bureau(b), lang.pick("：", ": "))
        }),
        Some(EventAction::EditReply) => d.cannot_provide.then(|| {
            lang.pick("說明：無法提供", "Explained: cannot be provided")
                .to_owned()
        }),
        Some(EventAction::Deliver) => d.batch.map(|batch| {
            let note = d.comment.clone().unwrap_or_default();
            match (d.files.is_empty(), zh) {
                (true, true) => format!("第 {batch} 批：{note}"),
                (false, true) => format!("第 {batch} 批：{note}（附件：{}）", d.files.join("、")),
                (true, false) => format!("Batch {batch}: {note}"),
                (false, false) => format!("Batch {batch}: {note} (files: {})", d.files.join(", ")),
            }
        }),
        Some(EventAction::OverrideDue | EventAction::Postpone) => d.reason.clone(),
        Some(EventAction::ReportProgress) => d.comment.clone().map(|text| {
            let mut text = match d.percent {
                Some(p) if zh => format!("（執行進度 {p}%）{text}"),
                Some(p) => format!("({p}% done) {text}"),
                None => text,
            };
            if let Some(letter) = d.letter_number.as_deref().filter(|l| !l.is_empty()) {
                text += &if zh {
                    format!("（{letter}）")
                } else {
                    format!(" ({letter})")
                };
            }
            match d.expected_on {
                Some(on) if zh => format!("{text}（預計 {} 完成）", roc_date(on)),
                Some(on) => format!("{text} (expected done {on})"),
                None => text,
            }
        }),
        Some(EventAction::ReconsiderationAsked | EventAction::NotExecutable) => {
            d.sent_on.map(|on| {
                let letter = d.letter_number.clone().unwrap_or_default();
                let reason = d.reason.clone().unwrap_or_default();
                if zh {
                    format!("{} {letter}：{reason}", roc_date(on))
                } else {
                    format!("{on} {letter}: {reason}")
                }
            })
        }
        Some(EventAction::InterimReply) => d.comment.clone().map(|known| {
            let why = d.reason.clone().unwrap_or_default();
            match (d.due.as_ref(), d.expected_on, zh) {
                (Some(c), _, true) => format!(
                    "{known}（原因：{why}；期限由 {} 改為 {}）",
                    roc_date(c.from),
                    roc_date(c.to)
                ),
                (None, Some(on), true) => {
                    format!(
                        "{known}（原因：{why}；預定 {} 答復，期限不變）",
                        roc_date(on)
                    )
                }
                (Some(c), _, false) => format!("{known} (why: {why}; due {} → {})", c.from, c.to),
                (None, on, false) => format!(
                    "{known} (why: {why}; expected {})",
                    on.map(|d| d.to_string()).unwrap_or_default()
                ),
                (None, None, true) => format!("{known}（原因：{why}）"),
            }
        }),
        Some(EventAction::IncomingLetter | EventAction::OutgoingLetter) => {
            d.letter_number.clone().map(|n| match d.sent_on {
                Some(on) if zh => format!("{n}（{}）", roc_date(on)),
                Some(on) => format!("{n} ({on})"),
                None => n,
            })
        }
        Some(EventAction::Promise) => d.comment.clone().map(|what| {
            let by = d.reason.clone().unwrap_or_default();
            let number = d.request_number.unwrap_or_default();
            let due = d.due_on.map(roc_date).unwrap_or_default();
            if zh {
                format!("{by}承諾會後提供：{what}（索資 第 {number} 號，期限 {due}）")
            } else {
                format!("{by} promised: {what} (data request {number}, due {due})")
            }
        }),
        Some(EventAction::ReconsiderationAnswered) => d.outcome.zip(d.decided_on).map(|(o, on)| {
            if zh {
                format!("{}（{}）", o.label(), roc_date(on))
            } else {
                let words = match o {
                    crate::resolutions::ReconsiderationOutcome::Sustained => {
                        "Council kept its resolution"
                    }
                    crate::resolutions::ReconsiderationOutcome::Overturned => {
                        "Council changed its resolution"
                    }
                };
                format!("{words} ({on})")
            }
        }),
        Some(EventAction::KeepTracking) => d.next_check_on.map(|on| {
            let remark = d.comment.clone().unwrap_or_default();
            if zh {
                format!("下次檢視 {}；{remark}", roc_date(on))
            } else {
                format!("Next check {on}; {remark}")
            }
        }),
        Some(EventAction::ReassignLead) => d.moved.as_ref().map(|m| {
            let (from, to) = (bureau(m.from), bureau(m.to));
            let remark = d.comment.clone().unwrap_or_default();
            lang.pick("主辦改分：", "Lead moved: ").to_owned() + &format!("{from} → {to}；{remark}")
        }),
        Some(EventAction::SentToCouncil) => d.sent_on.map(|on| {
            if zh {
                format!("隨書面答復彙編於 {} 函送議會", roc_date(on))
            } else {
                format!("Sent to the council with the written-reply volume on {on}")
            }
        }),
        Some(EventAction::Refuse) => d.reason.clone(),
        Some(EventAction::ScheduleVisit) => d.held_on.map(|on| {
            let kind = d.visit_kind.map(|k| k.label()).unwrap_or_default();
            let at = d
                .starts_at
                .clone()
                .map(|t| format!(" {t}"))
                .unwrap_or_default();
            let place = d.place.clone().unwrap_or_default();
            if zh {
                format!(
                    "{kind} {}{at}，{place}；{}",
                    roc_date(on),
                    list(&d.attending)
                )
            } else {
                format!("{on}{at}, {place}; {}", list(&d.attending))
            }
        }),
        Some(EventAction::SignOff) if d.text.is_some() => Some(
            lang.pick(
                "修改答復文字後核定（修改後核定）",
                "Signed off with the reply's wording corrected",
            )
            .to_owned(),
        ),
        Some(EventAction::PassToReview) if d.text.is_some() => Some(
            lang.pick(
                "秘書處修改答復文字後送審",
                "Passed on with the reply's wording corrected",
            )
            .to_owned(),
        ),
        Some(EventAction::Approve) => match d.keep_tracking {
            Some(true) => Some(lang.pick("繼續列管", "Kept under tracking").to_owned()),
            Some(false) => Some(lang.pick("不列管，結案", "Not tracked; closed").to_owned()),
            None => d.comment.clone(),
        },
        _ => d.comment.clone(),
    };
    lines.extend(sentence.filter(|s| !s.is_empty()));
    let change = if let Some(m) = &d.moved {
        Some((bureau(m.from), bureau(m.to)))
    } else if let Some(t) = &d.text {
        Some((t.from.clone(), t.to.clone()))
    } else if let Some(due) = &d.due {
        Some((date(due.from, lang), date(due.to, lang)))
    } else {
        d.status.as_ref().map(|s| {
            (
                status_label(s.from, lang).to_owned(),
                status_label(s.to, lang).to_owned(),
            )
        })
    };
    RenderedEvent {
        title,
        actor,
        lines,
        change,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(id: i64) -> String {
        match id {
            1 => "都市發展局".into(),
            2 => "地政局".into(),
            3 => "財政局".into(),
            _ => format!("#{id}"),
        }
    }

    fn event(action: EventAction, data: EventData) -> TimelineEvent {
        TimelineEvent {
            at: 0,
            actor_kind: ActorKind::User,
            actor_name: Some("秘書處 周聯絡".into()),
            action: action.as_str().into(),
            data,
        }
    }

    fn zh(action: EventAction, data: EventData) -> RenderedEvent {
        render(&event(action, data), &names, Lang::ZhTw)
    }

    fn pair(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.into(), b.into()))
    }

    #[test]
    fn an_assignment_names_the_bureaus_and_the_status_change_in_zh_tw() {
        let r = zh(
            EventAction::Assign,
            EventData {
                lead_bureau_id: Some(1),
                co_bureau_ids: vec![2, 3],
                status: Some(Change::new(CaseStatus::Unassigned, CaseStatus::Assigned)),
                ..Default::default()
            },
        );
        assert_eq!(r.title, "分派主辦機關");
        assert_eq!(r.actor, "秘書處 周聯絡");
        assert_eq!(r.lines, vec!["主辦：都市發展局；協辦：地政局、財政局"]);
        assert_eq!(r.change, pair("待分派", "待局處接受"));
    }

    #[test]
    fn the_same_event_reads_in_english() {
        let e = event(
            EventAction::Assign,
            EventData {
                lead_bureau_id: Some(1),
                status: Some(Change::new(CaseStatus::Unassigned, CaseStatus::Assigned)),
                ..Default::default()
            },
        );
        let r = render(&e, &names, Lang::En);
        assert_eq!(r.title, "Lead bureau assigned");
        assert_eq!(r.lines, vec!["Lead: 都市發展局"]);
        assert_eq!(r.change, pair("To assign", "Awaiting the bureau"));
    }

    #[test]
    fn recorded_cases_show_their_due_date_in_roc_years() {
        let due = NaiveDate::from_ymd_opt(2024, 3, 22);
        let q = zh(
            EventAction::Record,
            EventData {
                due_on: due,
                ..Default::default()
            },
        );
        assert_eq!(q.lines, vec!["期限 113/03/22"]);
        let typed = zh(
            EventAction::Record,
            EventData {
                due_on: due,
                due_reason: Some("議員同意".into()),
                ..Default::default()
            },
        );
        assert_eq!(typed.lines, vec!["期限 113/03/22（自訂：議員同意）"]);
        let request = zh(
            EventAction::Record,
            EventData {
                due_on: due,
                priority: Some(Priority::Urgent),
                within_three_days: true,
                ..Default::default()
            },
        );
        assert_eq!(request.lines, vec!["速件・三日內取件，期限 113/03/22"]);
        assert_eq!(
            render(
                &event(
                    EventAction::Record,
                    EventData {
                        due_on: due,
                        ..Default::default()
                    }
                ),
                &names,
                Lang::En
            )
            .lines,
            vec!["Due 2024-03-22"]
        );
    }

    #[test]
    fn a_moved_due_date_shows_the_reason_and_both_dates() {
        let r = zh(
            EventAction::Postpone,
            EventData {
                due: Some(Change::new(
                    NaiveDate::from_ymd_opt(2024, 3, 25).unwrap(),
                    NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
                )),
                reason: Some("資料量龐大".into()),
                ..Default::default()
            },
        );
        assert_eq!(r.lines, vec!["資料量龐大"]);
        assert_eq!(r.change, pair("113/03/25", "113/04/01"));
    }

    #[test]
    fn steps_on_parts_name_the_bureau() {
        let reassign = zh(
            EventAction::Reassign,
            EventData {
                moved: Some(Change::new(2, 3)),
                ..Default::default()
            },
        );
        assert_eq!(reassign.lines, vec!["協辦改分：地政局 → 財政局"]);
        assert_eq!(reassign.change, pair("地政局", "財政局"));
        let reject = zh(
            EventAction::Reject,
            EventData {
                bureau_id: Some(2),
                role: Some(PartRole::Co),
                reason: Some("非本局業務".into()),
                ..Default::default()
            },
        );
        assert_eq!(reject.lines, vec!["地政局：非本局業務"]);
        let sub = zh(
            EventAction::WriteSubAnswer,
            EventData {
                bureau_id: Some(2),
                text: Some(Change::new(String::new(), "本局意見".into())),
                ..Default::default()
            },
        );
        assert_eq!(sub.lines, vec!["地政局"]);
        assert_eq!(sub.change, pair("", "本局意見"));
    }

    #[test]
    fn approval_says_whether_the_case_stays_tracked() {
        let keep = zh(
            EventAction::Approve,
            EventData {
                keep_tracking: Some(true),
                status: Some(Change::new(CaseStatus::InReview, CaseStatus::Tracking)),
                ..Default::default()
            },
        );
        assert_eq!(keep.lines, vec!["繼續列管"]);
        assert_eq!(keep.change, pair("待副秘書長審查", "列管中"));
        let close = zh(
            EventAction::Approve,
            EventData {
                keep_tracking: Some(false),
                ..Default::default()
            },
        );
        assert_eq!(close.lines, vec!["不列管，結案"]);
    }

    #[test]
    fn a_delivery_lists_its_files() {
        let r = zh(
            EventAction::Deliver,
            EventData {
                batch: Some(2),
                comment: Some("補充資料".into()),
                files: vec!["a.csv".into(), "b.pdf".into()],
                ..Default::default()
            },
        );
        assert_eq!(r.lines, vec!["第 2 批：補充資料（附件：a.csv、b.pdf）"]);
    }

    #[test]
    fn a_converted_event_keeps_its_old_sentence() {
        let r = zh(
            EventAction::Accept,
            EventData {
                note: Some("捷運工程局".into()),
                role: Some(PartRole::Lead),
                status: Some(Change::new(CaseStatus::Assigned, CaseStatus::InProgress)),
                ..Default::default()
            },
        );
        assert_eq!(r.lines, vec!["捷運工程局"]);
        assert_eq!(r.change, pair("待局處接受", "辦理中"));
    }

    #[test]
    fn unknown_codes_and_actors_without_accounts_still_read() {
        let mut e = event(EventAction::Release, EventData::default());
        e.action = "future_step".into();
        e.actor_kind = ActorKind::Link;
        e.actor_name = None;
        let r = render(&e, &names, Lang::ZhTw);
        assert_eq!(r.title, "其他");
        assert_eq!(r.actor, "議員辦公室（狀態連結）");
        e.actor_kind = ActorKind::System;
        assert_eq!(render(&e, &names, Lang::En).actor, "System");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn event_data_is_stored_as_codes_and_iso_dates() {
        let data = EventData {
            status: Some(Change::new(
                CaseStatus::InProgress,
                CaseStatus::AwaitingSignOff,
            )),
            due: Some(Change::new(
                NaiveDate::from_ymd_opt(2024, 3, 25).unwrap(),
                NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
            )),
            role: Some(PartRole::Lead),
            ..Default::default()
        };
        let json = serde_json::to_string(&data).unwrap();
        assert_eq!(
            json,
            r#"{"status":{"from":"in_progress","to":"awaiting_signoff"},"due":{"from":"2024-03-25","to":"2024-04-01"},"role":"lead"}"#
        );
        assert_eq!(serde_json::from_str::<EventData>(&json).unwrap(), data);
        assert_eq!(
            serde_json::from_str::<EventData>("{}").unwrap(),
            EventData::default()
        );
    }

    #[test]
    fn every_action_code_is_distinct_and_round_trips() {
        for a in EventAction::ALL {
            assert_eq!(EventAction::parse(a.as_str()), Some(*a));
            assert!(a
                .as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }
}
