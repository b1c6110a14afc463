//! The cases themselves: each with its councilors, its parts, its timeline (chained like
//! any other), its reply, sub-answer and delivery as its status calls for, and its search
//! document.

use super::{
    council::Session,
    rows::{part, Rows, V},
    words::{pick, text, ANSWER, ASK, DISTRICTS, TOPICS},
};
use app::{
    cases::{
        events::{ActorKind, Change, EventAction, EventData},
        search, CaseKind, CaseStatus, Priority,
    },
    chain::{Appender, Value},
};
use chrono::Duration;
use rand::{rngs::StdRng, Rng};

/// Who the generated steps are by: the first secretariat officer and reviewer, and one
/// officer per bureau.
pub(super) struct People {
    pub bureaus: Vec<(i64, String)>,
    pub secretariat: i64,
    pub reviewer: i64,
    /// Bureau id, its first user.
    pub bureau_users: Vec<(i64, i64)>,
}

impl People {
    /// The bureau with `code`.
    fn bureau(&self, code: &str) -> Option<i64> {
        self.bureaus
            .iter()
            .find(|(_, c)| c == code)
            .map(|(id, _)| *id)
    }

    /// The officer who acts for `bureau_id` (the secretariat where it has none).
    fn officer(&self, bureau_id: i64) -> i64 {
        self.bureau_users
            .iter()
            .find(|(b, _)| *b == bureau_id)
            .map_or(self.secretariat, |(_, u)| *u)
    }
}

/// The next free ids, and how many of each kind were made.
pub(super) struct Counters {
    pub next_case: i64,
    pub next_delivery: i64,
    pub questions: usize,
    pub requests: usize,
}

/// Builds `count` cases spread evenly over `sessions` into `rows`, their timelines linked
/// into `chain`.
#[allow(clippy::too_many_arguments)]
pub(super) fn build(
    rng: &mut StdRng,
    people: &People,
    sessions: &[Session],
    sittings: &[i64],
    count: usize,
    ids: &mut Counters,
    chain: &mut Appender,
    rows: &mut Rows,
) {
    let per_session = count.div_ceil(sessions.len().max(1));
    let mut made = 0;
    for session in sessions {
        let (mut q_number, mut d_number) = (0, 0);
        for _ in 0..per_session {
            if made == count {
                break;
            }
            made += 1;
            ids.next_case += 1;
            let id = ids.next_case;
            let kind = if rng.gen_bool(0.75) {
                CaseKind::Question
            } else {
                CaseKind::DataRequest
            };
            let (lead_code, co_code, topic) = *pick(rng, &TOPICS);
            let district = *pick(rng, &DISTRICTS);
            let topic = format!("{district}{topic}");
            let lead = people.bureau(lead_code).unwrap_or(1);
            let co = (!co_code.is_empty() && rng.gen_bool(0.6))
                .then(|| people.bureau(co_code))
                .flatten();
            let day = session.starts_on + Duration::days(rng.gen_range(0..110));
            let recorded = day
                .and_hms_opt(18, 0, 0)
                .map_or(0, |t| t.and_utc().timestamp() - 8 * 3600);
            let status = if session.settled {
                if rng.gen_bool(session.tracked_share) {
                    CaseStatus::Tracking
                } else {
                    CaseStatus::Closed
                }
            } else {
                *pick(rng, WORKED)
            };
            let tracking = status == CaseStatus::Tracking;
            let body = text(rng, &format!("有關{topic}，"), &ASK, 2..6);
            let steps = path(status);
            let answered = steps.contains(&EventAction::EditReply);
            let reply = if answered {
                text(rng, "", &ANSWER, 3..9)
            } else {
                String::new()
            };
            let mut who = vec![session.councilors[rng.gen_range(0..session.councilors.len())]];
            if kind == CaseKind::Question && rng.gen_bool(0.15) {
                let other = session.councilors[rng.gen_range(0..session.councilors.len())];
                if other != who[0] {
                    who.push(other);
                }
            }
            for (position, c) in who.iter().enumerate() {
                rows.councilor_rows.push(vec![
                    V::I(Some(id)),
                    V::I(Some(*c)),
                    V::I(Some(position as i64)),
                ]);
            }
            let (number, sitting, received, priority, due_on) = match kind {
                CaseKind::Question => {
                    q_number += 1;
                    ids.questions += 1;
                    (
                        q_number,
                        Some(*pick(rng, sittings)),
                        None,
                        None,
                        day + Duration::days(7),
                    )
                }
                // Generated cases are questions and data requests only (the kind is chosen
                // above); a service case or a resolution would need its details row too.
                CaseKind::DataRequest | CaseKind::Service | CaseKind::Resolution => {
                    d_number += 1;
                    ids.requests += 1;
                    let p = *pick(rng, Priority::ALL);
                    let days = match p {
                        Priority::Ordinary => 8,
                        Priority::Urgent => 5,
                        Priority::MostUrgent => 2,
                    };
                    (
                        d_number,
                        None,
                        Some(recorded - 7 * 3600),
                        Some(p),
                        day + Duration::days(days),
                    )
                }
            };
            // The timeline, one step an hour or so after the recording.
            let mut at = recorded;
            let mut current = CaseStatus::Unassigned;
            let rejected_first = steps.contains(&EventAction::Assign) && rng.gen_bool(0.05);
            let mut push_event = |action: EventAction, actor: i64, data: EventData, at: i64| {
                let json = serde_json::to_string(&data).unwrap_or_else(|_| "{}".into());
                let link = chain.link(&[
                    Value::from(id),
                    Value::from(at),
                    Value::from(ActorKind::User.as_str()),
                    Value::from(Some(actor)),
                    Value::from(action.as_str()),
                    Value::from(json.as_str()),
                ]);
                rows.events.push(vec![
                    V::I(Some(id)),
                    V::I(Some(at)),
                    V::T(Some(ActorKind::User.as_str().into())),
                    V::I(Some(actor)),
                    V::T(Some(action.as_str().into())),
                    V::T(Some(json)),
                    V::I(Some(link.seq)),
                    V::T(Some(link.prev_hash)),
                    V::T(Some(link.hash)),
                ]);
            };
            for action in &steps {
                at += rng.gen_range(1_800..30_000);
                let mut data = EventData::default();
                let actor = match action {
                    EventAction::Record => {
                        data.due_on = Some(due_on);
                        data.priority = priority;
                        people.secretariat
                    }
                    EventAction::Assign => {
                        if rejected_first {
                            // First sent to the wrong bureau, which turned it down.
                            let wrong = people
                                .bureau(if lead_code == "DOT" { "PWD" } else { "DOT" })
                                .unwrap_or(lead);
                            rows.parts.push(part(
                                id,
                                wrong,
                                "lead",
                                "reassigned",
                                people.secretariat,
                                at,
                                Some("非本局權責。"),
                            ));
                            let first = EventData {
                                lead_bureau_id: Some(wrong),
                                status: Some(Change::new(
                                    CaseStatus::Unassigned,
                                    CaseStatus::Assigned,
                                )),
                                ..Default::default()
                            };
                            push_event(EventAction::Assign, people.secretariat, first, at);
                            at += 3_600;
                            let no = EventData {
                                bureau_id: Some(wrong),
                                role: Some(app::cases::PartRole::Lead),
                                reason: Some("非本局權責。".into()),
                                suggested_bureau_id: Some(lead),
                                status: Some(Change::new(
                                    CaseStatus::Assigned,
                                    CaseStatus::Unassigned,
                                )),
                                ..Default::default()
                            };
                            push_event(EventAction::Reject, people.officer(wrong), no, at);
                            at += 3_600;
                        }
                        data.lead_bureau_id = Some(lead);
                        data.co_bureau_ids = co.into_iter().collect();
                        people.secretariat
                    }
                    EventAction::Accept => {
                        data.bureau_id = Some(lead);
                        data.role = Some(app::cases::PartRole::Lead);
                        people.officer(lead)
                    }
                    EventAction::EditReply => {
                        data.text = Some(Change::new(String::new(), reply.clone()));
                        people.officer(lead)
                    }
                    EventAction::Submit => people.officer(lead),
                    EventAction::SignOff => people.officer(lead),
                    EventAction::PassToReview => people.secretariat,
                    EventAction::ReturnFromReview => {
                        data.comment = Some("請補充具體期程與經費來源。".into());
                        people.reviewer
                    }
                    EventAction::Approve => {
                        data.keep_tracking = Some(tracking);
                        people.reviewer
                    }
                    _ => people.secretariat,
                };
                if let Some(next) = status_after(*action, tracking) {
                    data.status = Some(Change::new(current, next));
                    current = next;
                }
                push_event(*action, actor, data, at);
            }
            let assigned = steps.contains(&EventAction::Assign);
            if assigned {
                let accepted = steps.contains(&EventAction::Accept);
                let state = if accepted { "accepted" } else { "pending" };
                rows.parts.push(part(
                    id,
                    lead,
                    "lead",
                    state,
                    people.secretariat,
                    recorded,
                    None,
                ));
                if let Some(co) = co {
                    rows.parts.push(part(
                        id,
                        co,
                        "co",
                        state,
                        people.secretariat,
                        recorded,
                        None,
                    ));
                    if answered {
                        rows.subs.push(vec![
                            V::I(Some(id)),
                            V::I(Some(co)),
                            V::T(Some(text(rng, "本局意見：", &ANSWER, 2..3))),
                            V::I(Some(people.officer(co))),
                            V::I(Some(at)),
                        ]);
                    }
                }
            }
            if kind == CaseKind::DataRequest && answered {
                ids.next_delivery += 1;
                rows.deliveries.push(vec![
                    V::I(Some(ids.next_delivery)),
                    V::I(Some(id)),
                    V::I(Some(1)),
                    V::T(Some("第一批資料如附件。".into())),
                    V::I(Some(people.officer(lead))),
                    V::I(Some(at)),
                ]);
                let data = format!("項目,數值\n{topic},{}\n", rng.gen_range(1..1000)).into_bytes();
                rows.files.push(vec![
                    V::I(Some(ids.next_delivery)),
                    V::T(Some("資料第1批.csv".into())),
                    V::T(Some("text/csv".into())),
                    V::I(Some(data.len() as i64)),
                    V::T(Some(String::new())),
                    V::Bytes(data),
                    V::I(Some(people.officer(lead))),
                    V::I(Some(at)),
                ]);
            }
            rows.docs.push(vec![
                V::I(Some(id)),
                V::T(Some(search::doc(&topic, &body, &reply))),
                V::I(Some(search::DOC_VERSION)),
            ]);
            for piece in search::pieces(&topic) {
                rows.pieces.push(vec![V::T(Some(piece)), V::I(Some(id))]);
            }
            rows.cases.push(vec![
                V::I(Some(id)),
                V::T(Some(kind.as_str().into())),
                V::I(Some(session.id)),
                V::I(Some(number)),
                V::T(Some(topic)),
                V::T(Some(body)),
                V::I(sitting),
                V::T((kind == CaseKind::Question).then(|| day.to_string())),
                V::I(received),
                V::T(priority.map(|p| p.as_str().into())),
                V::B(kind == CaseKind::DataRequest && rng.gen_bool(0.1)),
                V::T(Some(due_on.to_string())),
                V::T(Some(status.as_str().into())),
                V::B(tracking),
                V::T(Some(reply)),
                V::I(answered.then_some(people.officer(lead))),
                V::I(answered.then_some(at)),
                V::I(Some(i64::from(answered))),
                V::I(Some(people.secretariat)),
                V::I(Some(recorded)),
                V::I(Some(at)),
            ]);
        }
    }
}

/// The statuses a generated case of an open session may be in: every one a case reaches
/// once the secretariat has it (not an office's filing waiting for it, nor one refused).
const WORKED: &[CaseStatus] = &[
    CaseStatus::Unassigned,
    CaseStatus::Assigned,
    CaseStatus::InProgress,
    CaseStatus::AwaitingSignOff,
    CaseStatus::SignedOff,
    CaseStatus::InReview,
    CaseStatus::Returned,
    CaseStatus::Closed,
    CaseStatus::Tracking,
];

/// The path a case has taken to its status, as timeline steps: a prefix of the usual
/// road to review, then a return or an approval.
fn path(status: CaseStatus) -> Vec<EventAction> {
    use EventAction::*;
    const ROAD: [EventAction; 7] = [
        Record,
        Assign,
        Accept,
        EditReply,
        Submit,
        SignOff,
        PassToReview,
    ];
    let (steps, last) = match status {
        CaseStatus::Filed | CaseStatus::Refused | CaseStatus::Unassigned => (1, None),
        CaseStatus::Assigned => (2, None),
        CaseStatus::InProgress => (3, None),
        CaseStatus::AwaitingSignOff => (5, None),
        CaseStatus::SignedOff => (6, None),
        CaseStatus::InReview => (7, None),
        CaseStatus::Returned => (7, Some(ReturnFromReview)),
        CaseStatus::Closed | CaseStatus::Tracking => (7, Some(Approve)),
    };
    ROAD[..steps].iter().copied().chain(last).collect()
}

fn status_after(action: EventAction, tracking: bool) -> Option<CaseStatus> {
    use EventAction::*;
    Some(match action {
        Assign => CaseStatus::Assigned,
        Accept => CaseStatus::InProgress,
        Submit => CaseStatus::AwaitingSignOff,
        SignOff => CaseStatus::SignedOff,
        PassToReview => CaseStatus::InReview,
        ReturnFromReview => CaseStatus::Returned,
        Approve if tracking => CaseStatus::Tracking,
        Approve => CaseStatus::Closed,
        _ => return None,
    })
}
