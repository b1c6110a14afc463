//! Who hears of what happens to a case. A step writes its notifications into the outbox
//! (`notifications`) in the same transaction as the step; the reminder job writes the
//! time-based ones. Users read them in their inbox (the `notifications` feature); e-mail will read
//! the same rows.

use serde::{Deserialize, Serialize};

text_enum!(NotificationKind {
    Assigned = "assigned" / "新分派案件",
    Rejected = "rejected" / "局處退回分派",
    Returned = "returned" / "答復遭退回",
    Approved = "approved" / "答復審查通過",
    DueTomorrow = "due_tomorrow" / "下一個工作日到期",
    Overdue = "overdue" / "已逾期",
    MeetingDecision = "meeting_decision" / "追蹤會議決議",
    NotAnAnswer = "not_an_answer" / "議員辦公室表示答非所問",
    ReplyCorrected = "reply_corrected" / "答復文字經修改後核轉",
    MeetingReports = "meeting_reports" / "追蹤會議前請提報進度",
    MeetingAgenda = "meeting_agenda" / "明日追蹤會議議程",
    OfficeFiled = "office_filed" / "議員辦公室線上送件待受理",
    BillCall = "bill_call" / "秘書處請提報本會期議法案",
    BillCallDue = "bill_call_due" / "議法案提報下一個工作日截止",
    BillCallOverdue = "bill_call_overdue" / "議法案提報已逾期",
    ExecutionReportDue = "execution_report_due" / "決議案執行情形報告下一個工作日到期",
    ExecutionReportOverdue = "execution_report_overdue" / "決議案執行情形報告已逾期",
});

/// What a notice is about: a case, the secretariat's call for a session's bills
/// (`bill_calls`), or the execution report owed to a regular session (its id); the last
/// two have no case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    Case(i64),
    BillCall(i64),
    ExecutionReport(i64),
}

/// A group of people who hear of something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everyone of a bureau (liaisons and approvers).
    Bureau(i64),
    /// The liaisons of a bureau.
    Liaisons(i64),
    /// The approvers of a bureau.
    Approvers(i64),
    Secretariat,
    /// The reviewer (副秘書長) and whoever shares the role.
    Reviewers,
}
