//! How a case travels (docs/domain.md, "How a case travels"), as plain rules:
//! which step may follow which status, and who may take it. The server asks these before
//! every change; the pages ask them to decide which buttons to show.

use super::{events::EventAction, CaseKind, CaseStatus, PartRole, PartState};
use crate::{auth::Role, error::AppError};
use serde::{Deserialize, Serialize};

/// Everything anyone can do to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Secretariat names the lead bureau of an unassigned case.
    Assign,
    /// Secretariat adds a co-bureau.
    AddCoBureau,
    /// Secretariat hands a rejected co-bureau part to another bureau.
    Reassign,
    /// Secretariat changes the due date, with a reason.
    OverrideDue,
    AcceptLead,
    RejectLead,
    AcceptCo,
    RejectCo,
    /// A co-bureau writes its part for the lead bureau.
    WriteSubAnswer,
    /// The lead bureau drafts the reply (or, for a data request, its covering note).
    EditReply,
    /// The lead bureau hands over a batch of data.
    Deliver,
    /// The lead bureau agrees a later date with the councilor's office.
    Postpone,
    SubmitForSignOff,
    SignOff,
    /// The approver sends the draft back to the liaison.
    SendBack,
    /// Secretariat has checked the signed-off reply and passes it to the reviewer.
    PassToReview,
    /// Secretariat returns the signed-off reply to the lead bureau.
    ReturnFromCheck,
    /// Reviewer approves; the case then stays under tracking or closes.
    Approve,
    ReturnFromReview,
    /// Reviewer releases a tracked case (解除列管).
    Release,
}

/// Who takes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Secretariat,
    /// Any user of the lead bureau.
    LeadBureau,
    /// Any user of a co-bureau.
    CoBureau,
    LeadLiaison,
    CoLiaison,
    LeadApprover,
    Reviewer,
}

const OPEN: &[CaseStatus] = &[
    CaseStatus::Unassigned,
    CaseStatus::Assigned,
    CaseStatus::InProgress,
    CaseStatus::AwaitingSignOff,
    CaseStatus::SignedOff,
    CaseStatus::InReview,
    CaseStatus::Returned,
];
/// Before the lead bureau has sent its answer up: the time for drafting and co-bureaus.
const DRAFTING: &[CaseStatus] = &[
    CaseStatus::Unassigned,
    CaseStatus::Assigned,
    CaseStatus::InProgress,
    CaseStatus::Returned,
];
const WORKING: &[CaseStatus] = &[CaseStatus::InProgress, CaseStatus::Returned];

impl Action {
    pub const ALL: [Action; 20] = [
        Action::Assign,
        Action::AddCoBureau,
        Action::Reassign,
        Action::OverrideDue,
        Action::AcceptLead,
        Action::RejectLead,
        Action::AcceptCo,
        Action::RejectCo,
        Action::WriteSubAnswer,
        Action::EditReply,
        Action::Deliver,
        Action::Postpone,
        Action::SubmitForSignOff,
        Action::SignOff,
        Action::SendBack,
        Action::PassToReview,
        Action::ReturnFromCheck,
        Action::Approve,
        Action::ReturnFromReview,
        Action::Release,
    ];

    /// The steps that only move the status, taking at most a comment; the rest have
    /// forms of their own.
    pub const STATUS_STEPS: [Action; 8] = [
        Action::SubmitForSignOff,
        Action::SignOff,
        Action::SendBack,
        Action::PassToReview,
        Action::ReturnFromCheck,
        Action::Approve,
        Action::ReturnFromReview,
        Action::Release,
    ];

    /// The steps that pass a reply on and may correct its wording on the way (修改後核定):
    /// the bureau's approver signing it off, the secretariat checking it. The reviewer
    /// returns a reply instead, with a comment.
    pub fn corrects_reply(self) -> bool {
        matches!(self, Self::SignOff | Self::PassToReview)
    }

    /// The queue of the start page this step works through (its cases wait in that
    /// status), so its form offers "… and open the next one".
    pub fn queue(self) -> Option<CaseStatus> {
        match self {
            Self::SignOff => Some(CaseStatus::AwaitingSignOff),
            Self::PassToReview => Some(CaseStatus::SignedOff),
            Self::Approve => Some(CaseStatus::InReview),
            _ => None,
        }
    }

    /// The step's stable code, as forms send it. Written out rather than derived from the
    /// variant's name, so a rename in Rust never breaks a form or a link.
    pub fn code(self) -> &'static str {
        match self {
            Self::Assign => "assign",
            Self::AddCoBureau => "add_co_bureau",
            Self::Reassign => "reassign",
            Self::OverrideDue => "override_due",
            Self::AcceptLead => "accept_lead",
            Self::RejectLead => "reject_lead",
            Self::AcceptCo => "accept_co",
            Self::RejectCo => "reject_co",
            Self::WriteSubAnswer => "write_sub_answer",
            Self::EditReply => "edit_reply",
            Self::Deliver => "deliver",
            Self::Postpone => "postpone",
            Self::SubmitForSignOff => "submit",
            Self::SignOff => "sign_off",
            Self::SendBack => "send_back",
            Self::PassToReview => "pass_to_review",
            Self::ReturnFromCheck => "return_from_check",
            Self::Approve => "approve",
            Self::ReturnFromReview => "return_from_review",
            Self::Release => "release",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// What the timeline records for the step: accepting and rejecting are one event each,
    /// whichever part the bureau held (the part is in the event's data).
    pub fn event(self) -> EventAction {
        match self {
            Self::Assign => EventAction::Assign,
            Self::AddCoBureau => EventAction::AddCoBureau,
            Self::Reassign => EventAction::Reassign,
            Self::OverrideDue => EventAction::OverrideDue,
            Self::AcceptLead | Self::AcceptCo => EventAction::Accept,
            Self::RejectLead | Self::RejectCo => EventAction::Reject,
            Self::WriteSubAnswer => EventAction::WriteSubAnswer,
            Self::EditReply => EventAction::EditReply,
            Self::Deliver => EventAction::Deliver,
            Self::Postpone => EventAction::Postpone,
            Self::SubmitForSignOff => EventAction::Submit,
            Self::SignOff => EventAction::SignOff,
            Self::SendBack => EventAction::SendBack,
            Self::PassToReview => EventAction::PassToReview,
            Self::ReturnFromCheck => EventAction::ReturnFromCheck,
            Self::Approve => EventAction::Approve,
            Self::ReturnFromReview => EventAction::ReturnFromReview,
            Self::Release => EventAction::Release,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Assign => "分派主辦機關",
            Self::AddCoBureau => "加入協辦機關",
            Self::Reassign => "改分",
            Self::OverrideDue => "調整期限",
            Self::AcceptLead | Self::AcceptCo => "接受分派",
            Self::RejectLead | Self::RejectCo => "退回分派",
            Self::WriteSubAnswer => "撰寫協辦意見",
            Self::EditReply => "撰寫答復",
            Self::Deliver => "提供資料",
            Self::Postpone => "展延期限",
            Self::SubmitForSignOff => "送主管核定",
            Self::SignOff => "核定",
            Self::SendBack => "退回承辦人",
            Self::PassToReview => "送副秘書長審查",
            Self::ReturnFromCheck => "退回局處修正",
            Self::Approve => "審查通過",
            Self::ReturnFromReview => "退回局處修正",
            Self::Release => "解除列管",
        }
    }

    pub fn party(self) -> Party {
        match self {
            Self::Assign
            | Self::AddCoBureau
            | Self::Reassign
            | Self::OverrideDue
            | Self::PassToReview
            | Self::ReturnFromCheck => Party::Secretariat,
            Self::AcceptLead | Self::RejectLead => Party::LeadBureau,
            Self::AcceptCo | Self::RejectCo => Party::CoBureau,
            Self::WriteSubAnswer => Party::CoLiaison,
            Self::EditReply | Self::Deliver | Self::Postpone | Self::SubmitForSignOff => {
                Party::LeadLiaison
            }
            Self::SignOff | Self::SendBack => Party::LeadApprover,
            Self::Approve | Self::ReturnFromReview | Self::Release => Party::Reviewer,
        }
    }

    /// The statuses the step may start from.
    fn from(self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            Self::Assign => &[Unassigned],
            Self::AddCoBureau | Self::Reassign | Self::WriteSubAnswer => DRAFTING,
            Self::OverrideDue | Self::AcceptCo | Self::RejectCo => OPEN,
            Self::AcceptLead | Self::RejectLead => &[Assigned],
            Self::EditReply | Self::Deliver | Self::Postpone | Self::SubmitForSignOff => WORKING,
            Self::SignOff | Self::SendBack => &[AwaitingSignOff],
            Self::PassToReview | Self::ReturnFromCheck => &[SignedOff],
            Self::Approve | Self::ReturnFromReview => &[InReview],
            Self::Release => &[Tracking],
        }
    }

    /// The status after the step. `keep_tracking` matters only to [`Action::Approve`].
    pub fn next(
        self,
        kind: CaseKind,
        status: CaseStatus,
        keep_tracking: bool,
    ) -> Result<CaseStatus, AppError> {
        if matches!(self, Self::Deliver | Self::Postpone) && kind != CaseKind::DataRequest {
            return Err(AppError::Conflict(format!(
                "只有索資案件可以{}。",
                self.label()
            )));
        }
        if !self.from().contains(&status) {
            return Err(AppError::Conflict(format!(
                "此案件目前為「{}」，不能{}。請重新整理頁面查看最新狀態。",
                status.label(),
                self.label()
            )));
        }
        use CaseStatus::*;
        Ok(match self {
            Self::Assign => Assigned,
            Self::AcceptLead => InProgress,
            Self::RejectLead => Unassigned,
            Self::SubmitForSignOff => AwaitingSignOff,
            Self::SignOff => SignedOff,
            Self::SendBack => InProgress,
            Self::PassToReview => InReview,
            Self::ReturnFromCheck | Self::ReturnFromReview => Returned,
            Self::Approve if keep_tracking => Tracking,
            Self::Approve | Self::Release => Closed,
            Self::AddCoBureau
            | Self::Reassign
            | Self::OverrideDue
            | Self::AcceptCo
            | Self::RejectCo
            | Self::WriteSubAnswer
            | Self::EditReply
            | Self::Deliver
            | Self::Postpone => status,
        })
    }
}

/// The caller as far as a case's rules care: their role, and the bureau they work for (not
/// who they are: that is the audit log's `Recorder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub role: Role,
    pub bureau_id: Option<i64>,
}

/// The caller's bureau's open part in the case, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MyPart {
    pub role: PartRole,
    pub state: PartState,
}

impl Standing {
    /// Whether the caller may open the case at all. Bureau users see only the cases their
    /// bureau holds an open part in.
    pub fn may_view(&self, part: Option<MyPart>) -> bool {
        match self.role {
            Role::Secretariat | Role::Reviewer | Role::Admin => true,
            Role::BureauLiaison | Role::BureauApprover => part.is_some(),
        }
    }

    /// Whether the caller may post a progress report (辦理進度) on a case: a bureau user whose
    /// bureau has accepted a part in it (lead or co), while it is under tracking — or, for a
    /// resolution, from the day its bureaus accept it (execution updates, 執行情形, are
    /// dated as the work goes, long before the reply chain).
    pub fn may_report_progress(
        &self,
        part: Option<MyPart>,
        kind: CaseKind,
        status: CaseStatus,
    ) -> bool {
        let open = status == CaseStatus::Tracking
            || (kind == CaseKind::Resolution && OPEN.contains(&status));
        self.role.belongs_to_bureau()
            && open
            && part.is_some_and(|p| p.state == PartState::Accepted)
    }

    /// Whether the caller is the party of `action`. Says nothing of the case's status.
    pub fn may(&self, action: Action, part: Option<MyPart>) -> bool {
        let lead = |state| {
            part == Some(MyPart {
                role: PartRole::Lead,
                state,
            })
        };
        let co = |state| {
            part == Some(MyPart {
                role: PartRole::Co,
                state,
            })
        };
        let liaison = self.role == Role::BureauLiaison;
        let approver = self.role == Role::BureauApprover;
        let bureau = liaison || approver;
        match action.party() {
            Party::Secretariat => self.role == Role::Secretariat,
            Party::Reviewer => self.role == Role::Reviewer,
            Party::LeadBureau => bureau && lead(PartState::Pending),
            Party::CoBureau => match action {
                Action::AcceptCo => bureau && co(PartState::Pending),
                _ => bureau && (co(PartState::Pending) || co(PartState::Accepted)),
            },
            Party::CoLiaison => liaison && co(PartState::Accepted),
            Party::LeadLiaison => liaison && lead(PartState::Accepted),
            Party::LeadApprover => approver && lead(PartState::Accepted),
        }
    }

    /// Both checks at once, as the server makes them: first who, then when.
    pub fn check(
        &self,
        action: Action,
        part: Option<MyPart>,
        kind: CaseKind,
        status: CaseStatus,
        keep_tracking: bool,
    ) -> Result<CaseStatus, AppError> {
        if !self.may_view(part) {
            // Not even confirming the case exists to a bureau that has no part in it.
            return Err(AppError::NotFound);
        }
        if !self.may(action, part) {
            return Err(AppError::Forbidden);
        }
        action.next(kind, status, keep_tracking)
    }
}

/// Whether the lead bureau has something to send up: a reply for a question; for a data
/// request, a covering note and either a delivery or the reason it cannot be provided.
pub fn ready_to_submit(
    kind: CaseKind,
    reply: &str,
    deliveries: usize,
    cannot_provide: bool,
) -> Result<(), AppError> {
    if reply.trim().is_empty() {
        return Err(AppError::Conflict(
            match kind {
                CaseKind::Question => "請先撰寫並儲存答復內容，再送主管核定。",
                CaseKind::DataRequest => "請先撰寫並儲存說明，再送主管核定。",
                CaseKind::Service => "請先撰寫並儲存處理情形，再送主管核定。",
                CaseKind::Resolution => "請先撰寫並儲存執行情形，再送主管核定。",
            }
            .into(),
        ));
    }
    if kind == CaseKind::DataRequest && deliveries == 0 && !cannot_provide {
        return Err(AppError::Conflict(
            "尚未提供任何資料；請先提供資料，或將說明標示為「無法提供」。".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::*;

    /// Every step, the statuses it may start from, and where it leads.
    fn allowed(action: Action) -> Vec<(CaseStatus, CaseStatus)> {
        let stay = |list: &[CaseStatus]| list.iter().map(|s| (*s, *s)).collect::<Vec<_>>();
        match action {
            Action::Assign => vec![(Unassigned, Assigned)],
            Action::AcceptLead => vec![(Assigned, InProgress)],
            Action::RejectLead => vec![(Assigned, Unassigned)],
            Action::SubmitForSignOff => {
                vec![(InProgress, AwaitingSignOff), (Returned, AwaitingSignOff)]
            }
            Action::SignOff => vec![(AwaitingSignOff, SignedOff)],
            Action::SendBack => vec![(AwaitingSignOff, InProgress)],
            Action::PassToReview => vec![(SignedOff, InReview)],
            Action::ReturnFromCheck => vec![(SignedOff, Returned)],
            Action::Approve => vec![(InReview, Closed)],
            Action::ReturnFromReview => vec![(InReview, Returned)],
            Action::Release => vec![(Tracking, Closed)],
            Action::AddCoBureau | Action::Reassign | Action::WriteSubAnswer => {
                stay(&[Unassigned, Assigned, InProgress, Returned])
            }
            Action::OverrideDue | Action::AcceptCo | Action::RejectCo => stay(&[
                Unassigned,
                Assigned,
                InProgress,
                AwaitingSignOff,
                SignedOff,
                InReview,
                Returned,
            ]),
            Action::EditReply | Action::Deliver | Action::Postpone => stay(&[InProgress, Returned]),
        }
    }

    #[test]
    fn only_the_approver_and_the_secretariat_correct_a_reply_on_the_way_and_queues_are_where_steps_wait(
    ) {
        let correcting: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| a.corrects_reply())
            .collect();
        assert_eq!(correcting, [Action::SignOff, Action::PassToReview]);
        for action in Action::ALL {
            if let Some(status) = action.queue() {
                // The queue holds the cases the step may be taken from.
                assert!(action.from().contains(&status), "{action:?}");
            }
        }
        assert_eq!(Action::Approve.queue(), Some(CaseStatus::InReview));
        assert_eq!(Action::Release.queue(), None);
    }

    #[test]
    fn every_step_is_allowed_exactly_from_its_statuses_and_refused_from_all_others() {
        for action in Action::ALL {
            let table = allowed(action);
            for status in CaseStatus::ALL.iter().copied() {
                let result = action.next(CaseKind::DataRequest, status, false);
                match table.iter().find(|(from, _)| *from == status) {
                    Some((_, to)) => assert_eq!(result, Ok(*to), "{action:?} from {status:?}"),
                    None => {
                        let err = result.expect_err(&format!("{action:?} from {status:?}"));
                        assert_eq!(err.status_code(), 409);
                        assert!(err.to_string().contains(status.label()), "{err}");
                    }
                }
            }
        }
    }

    #[test]
    fn approving_with_tracking_keeps_the_case_under_tracking() {
        assert_eq!(
            Action::Approve.next(CaseKind::Question, InReview, true),
            Ok(Tracking)
        );
        assert_eq!(
            Action::Approve.next(CaseKind::Question, InReview, false),
            Ok(Closed)
        );
    }

    #[test]
    fn questions_have_no_deliveries_or_postponements() {
        for action in [Action::Deliver, Action::Postpone] {
            let err = action
                .next(CaseKind::Question, InProgress, false)
                .unwrap_err();
            assert!(err.to_string().contains("索資"), "{err}");
        }
    }

    fn standing(role: Role) -> Standing {
        Standing {
            role,
            bureau_id: role.belongs_to_bureau().then_some(7),
        }
    }

    const LEAD_PENDING: Option<MyPart> = Some(MyPart {
        role: PartRole::Lead,
        state: PartState::Pending,
    });
    const LEAD: Option<MyPart> = Some(MyPart {
        role: PartRole::Lead,
        state: PartState::Accepted,
    });
    const CO_PENDING: Option<MyPart> = Some(MyPart {
        role: PartRole::Co,
        state: PartState::Pending,
    });
    const CO: Option<MyPart> = Some(MyPart {
        role: PartRole::Co,
        state: PartState::Accepted,
    });

    #[test]
    fn progress_is_reported_by_a_bureau_with_an_accepted_part_while_tracked() {
        let accepted = |role| {
            Some(MyPart {
                role,
                state: PartState::Accepted,
            })
        };
        for role in [Role::BureauLiaison, Role::BureauApprover] {
            let me = standing(role);
            let q = CaseKind::Question;
            let r = CaseKind::Resolution;
            assert!(me.may_report_progress(accepted(PartRole::Lead), q, CaseStatus::Tracking));
            assert!(me.may_report_progress(accepted(PartRole::Co), q, CaseStatus::Tracking));
            assert!(!me.may_report_progress(LEAD_PENDING, q, CaseStatus::Tracking));
            assert!(!me.may_report_progress(None, q, CaseStatus::Tracking));
            assert!(!me.may_report_progress(accepted(PartRole::Lead), q, CaseStatus::InProgress));
            assert!(!me.may_report_progress(accepted(PartRole::Lead), q, CaseStatus::Closed));
            // A resolution's bureaus report execution while it is open, not once it closed.
            assert!(me.may_report_progress(accepted(PartRole::Lead), r, CaseStatus::InProgress));
            assert!(me.may_report_progress(accepted(PartRole::Co), r, CaseStatus::InReview));
            assert!(!me.may_report_progress(LEAD_PENDING, r, CaseStatus::Assigned));
            assert!(!me.may_report_progress(accepted(PartRole::Lead), r, CaseStatus::Closed));
        }
        for role in [Role::Secretariat, Role::Reviewer, Role::Admin] {
            for kind in [CaseKind::Question, CaseKind::Resolution] {
                assert!(!standing(role).may_report_progress(
                    accepted(PartRole::Lead),
                    kind,
                    CaseStatus::Tracking
                ));
            }
        }
    }

    #[test]
    fn each_step_belongs_to_one_party() {
        let sec = standing(Role::Secretariat);
        let rev = standing(Role::Reviewer);
        let liaison = standing(Role::BureauLiaison);
        let approver = standing(Role::BureauApprover);
        let admin = standing(Role::Admin);
        for action in Action::ALL {
            let (s, r) = (sec.may(action, None), rev.may(action, None));
            assert_eq!(s, action.party() == Party::Secretariat, "{action:?}");
            assert_eq!(r, action.party() == Party::Reviewer, "{action:?}");
            assert!(
                !admin.may(action, None),
                "admins keep out of casework: {action:?}"
            );
        }
        assert!(liaison.may(Action::AcceptLead, LEAD_PENDING));
        assert!(approver.may(Action::AcceptLead, LEAD_PENDING));
        assert!(!liaison.may(Action::AcceptLead, CO_PENDING));
        assert!(liaison.may(Action::AcceptCo, CO_PENDING));
        assert!(!liaison.may(Action::AcceptCo, CO));
        assert!(liaison.may(Action::RejectCo, CO));
        assert!(liaison.may(Action::EditReply, LEAD));
        assert!(!liaison.may(Action::EditReply, LEAD_PENDING));
        assert!(!liaison.may(Action::EditReply, CO));
        assert!(!approver.may(Action::EditReply, LEAD));
        assert!(approver.may(Action::SignOff, LEAD));
        assert!(!liaison.may(Action::SignOff, LEAD));
        assert!(liaison.may(Action::WriteSubAnswer, CO));
        assert!(!liaison.may(Action::WriteSubAnswer, LEAD));
        assert!(!liaison.may(Action::Assign, LEAD));
    }

    #[test]
    fn a_bureau_without_a_part_is_told_the_case_does_not_exist() {
        let liaison = standing(Role::BureauLiaison);
        assert!(!liaison.may_view(None));
        let err = liaison
            .check(
                Action::EditReply,
                None,
                CaseKind::Question,
                InProgress,
                false,
            )
            .unwrap_err();
        assert_eq!(err, AppError::NotFound);
        assert!(standing(Role::Secretariat).may_view(None));
    }

    #[test]
    fn the_right_party_at_the_wrong_time_is_a_conflict_and_the_wrong_party_is_forbidden() {
        let liaison = standing(Role::BureauLiaison);
        let wrong_time = liaison
            .check(
                Action::EditReply,
                LEAD,
                CaseKind::Question,
                AwaitingSignOff,
                false,
            )
            .unwrap_err();
        assert_eq!(wrong_time.status_code(), 409);
        let wrong_party = liaison
            .check(
                Action::SignOff,
                LEAD,
                CaseKind::Question,
                AwaitingSignOff,
                false,
            )
            .unwrap_err();
        assert_eq!(wrong_party, AppError::Forbidden);
    }

    #[test]
    fn nothing_goes_up_without_an_answer() {
        assert!(ready_to_submit(CaseKind::Question, "  ", 0, false).is_err());
        assert!(ready_to_submit(CaseKind::Question, "答復如下", 0, false).is_ok());
        assert!(ready_to_submit(CaseKind::DataRequest, "如附件", 0, false).is_err());
        assert!(ready_to_submit(CaseKind::DataRequest, "如附件", 1, false).is_ok());
        assert!(ready_to_submit(CaseKind::DataRequest, "涉及個資，無法提供", 0, true).is_ok());
    }
}
