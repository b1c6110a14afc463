//! `seed-demo --cases N`: a decade (or more) of believable data for trying the app at scale
//! and for the benchmark. Cases spread over the 11th–14th councils' regular sessions, with
//! councilors per term, joint questions, lead and co-bureau parts (some first rejected),
//! sub-answers, replies of realistic length, data deliveries with a file, and a timeline
//! for every case, chained like any other. Rows go in with multi-row INSERTs inside one
//! transaction, not through the step functions: 20,000 cases in seconds rather than
//! minutes. Deterministic (a fixed seed), so two runs build the same data.

use app::{
    cases::{
        events::{ActorKind, Change, EventAction, EventData},
        search, CaseKind, CaseStatus, Priority,
    },
    chain::{Appender, Chain, Value},
    db::{resync_ids, Tx},
    error::AppError,
    reference::{
        db::{upsert_councilor, upsert_session, upsert_term, NewCouncilor},
        SessionKind,
    },
    state::AppState,
};
use chrono::{Duration, NaiveDate};
use rand::{rngs::StdRng, Rng, SeedableRng};

/// One value of a generated row.
enum V {
    I(Option<i64>),
    T(Option<String>),
    B(bool),
    Bytes(Vec<u8>),
}

/// Inserts rows in chunks small enough for either backend's limit on bound values.
async fn insert(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<V>>,
) -> Result<(), sqlx::Error> {
    let per_row = columns.len();
    let chunk = (4_000 / per_row).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<Vec<V>> = rows.by_ref().take(chunk).collect();
        let mut n = 0;
        let values = batch
            .iter()
            .map(|_| {
                let marks = (0..per_row)
                    .map(|_| {
                        n += 1;
                        format!("${n}")
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({marks})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {values}",
            columns.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for row in batch {
            for value in row {
                query = match value {
                    V::I(v) => query.bind(v),
                    V::T(v) => query.bind(v),
                    V::B(v) => query.bind(v),
                    V::Bytes(v) => query.bind(v),
                };
            }
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

const SURNAMES: &str = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴";
const GIVEN: [&str; 24] = [
    "志明", "淑芬", "建宏", "雅婷", "俊傑", "怡君", "家豪", "佳蓉", "冠宇", "宜蓁", "承翰", "詩涵",
    "柏翰", "思妤", "宗翰", "欣怡", "彥廷", "筱婷", "育誠", "郁雯", "明哲", "美玲", "信宏", "靜宜",
];
const PARTIES: [&str; 4] = ["青禾黨", "藍海黨", "綠野黨", "無黨籍"];
const DISTRICTS: [&str; 12] = [
    "士林區",
    "北投區",
    "內湖區",
    "南港區",
    "松山區",
    "信義區",
    "大安區",
    "中山區",
    "中正區",
    "大同區",
    "萬華區",
    "文山區",
];
/// (lead bureau code, co-bureau code or "", topic)
const TOPICS: [(&str, &str, &str); 24] = [
    ("UDD", "DLA", "社會住宅興建進度"),
    ("DOT", "PWD", "人行道改善與無障礙坡道"),
    ("DOT", "", "公車路線調整與班距"),
    ("TCPD", "DOT", "校園周邊交通安全"),
    ("DOSW", "DOH", "長照據點布建"),
    ("DOE", "", "國中小校舍耐震補強"),
    ("DEP", "", "垃圾清運與資源回收"),
    ("PWD", "", "道路挖掘管理與路平專案"),
    ("DORTS", "DOT", "捷運環狀線北環段工程"),
    ("DOH", "", "流感疫苗接種量能"),
    ("DOED", "", "傳統市場改建"),
    ("DOC", "", "藝文場館營運"),
    ("DOL", "", "青年就業與職業訓練"),
    ("DOS", "", "運動中心收費與設施"),
    ("TFD", "", "老舊建物消防安全"),
    ("DOF", "", "市有土地活化"),
    ("DCA", "", "里民活動中心整修"),
    ("DOIT", "", "市政服務數位化"),
    ("UDD", "PWD", "都市更新推動"),
    ("DOT", "TCPD", "停車位供給與違停取締"),
    ("DEP", "DOH", "空氣品質改善"),
    ("DOSW", "", "托育公共化"),
    ("PWD", "DEP", "公園綠地維護"),
    ("DOE", "DOSW", "校園午餐品質"),
];
const ASK: [&str; 6] = [
    "請市府說明目前辦理進度、經費執行情形與預計完成時程。",
    "地方居民多次反映相關問題，請說明市府如何改善並提出具體期程。",
    "請提供近三年相關統計數據，並說明未來年度之規劃。",
    "本席關切市府是否已評估替代方案，請一併說明評估結果。",
    "請說明跨局處協調情形，以及是否需要中央支援。",
    "請針對陳情案件之處理情形，逐案說明辦理結果。",
];
const ANSWER: [&str; 6] = [
    "謝謝議員指教。本府已就相關業務進行全面檢討，並將於本年度內完成細部規劃。",
    "有關議員關切事項，本府已邀集相關局處召開協調會議，確認分工與辦理期程。",
    "本案經費已編列於年度預算，目前執行率符合進度，後續將定期向大會報告。",
    "本府將持續蒐集居民意見，滾動檢討執行方式，以兼顧安全、效率與地方需求。",
    "相關統計資料已整理如附件，後續將依議員建議研議改善措施並公開資訊。",
    "本府已完成初步評估，將配合中央政策與法規修正，適時調整推動策略。",
];

fn pick<'a, T>(rng: &mut StdRng, list: &'a [T]) -> &'a T {
    &list[rng.gen_range(0..list.len())]
}

/// `lead` and then between `min` and `max` sentences from `pool`.
fn text(rng: &mut StdRng, lead: &str, pool: &[&str], sentences: std::ops::Range<usize>) -> String {
    let mut out = lead.to_owned();
    for _ in 0..rng.gen_range(sentences) {
        out.push_str(pool[rng.gen_range(0..pool.len())]);
    }
    out
}

struct Session {
    id: i64,
    starts_on: NaiveDate,
    /// Ended long enough ago that its cases are settled.
    settled: bool,
    councilors: Vec<i64>,
}

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
        CaseStatus::Unassigned => (1, None),
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

/// Builds `count` cases; returns how many questions and data requests.
pub async fn generate(state: &AppState, count: usize) -> Result<(usize, usize), AppError> {
    let pool = &state.db;
    let mut rng = StdRng::seed_from_u64(20_240_315);
    let today = state.today();
    let bureaus: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM bureaus")
        .fetch_all(pool)
        .await?;
    let bureau = |code: &str| bureaus.iter().find(|(_, c)| c == code).map(|(id, _)| *id);
    let first_user = |role: &'static str| async move {
        sqlx::query_scalar::<_, i64>(&format!(
            "SELECT id FROM users WHERE role = '{role}' ORDER BY id LIMIT 1"
        ))
        .fetch_optional(pool)
        .await
    };
    let secretariat = first_user("secretariat").await?.ok_or_else(|| {
        AppError::internal("generate", "no secretariat user; run seed-demo first")
    })?;
    let reviewer = first_user("reviewer").await?.unwrap_or(secretariat);
    let bureau_users: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT bureau_id, MIN(id) FROM users WHERE bureau_id IS NOT NULL GROUP BY bureau_id",
    )
    .fetch_all(pool)
    .await?;
    let officer = |bureau_id: i64| {
        bureau_users
            .iter()
            .find(|(b, _)| *b == bureau_id)
            .map_or(secretariat, |(_, u)| *u)
    };

    // Terms 11–14 and their regular sessions (spring and autumn), without the demo session.
    let mut sessions = Vec::new();
    for term in 11..=14_i64 {
        let year = 2010 + 4 * (term - 11) as i32;
        let term_id = upsert_term(
            pool,
            term,
            &format!("{year}-12-25"),
            &format!("{}-12-24", year + 4),
        )
        .await?;
        let mut councilors = Vec::new();
        for i in 0..60 {
            let surname: Vec<char> = SURNAMES.chars().collect();
            let name = format!(
                "{}{}",
                surname[(i * 7 + term as usize) % surname.len()],
                GIVEN[(i + term as usize * 3) % GIVEN.len()]
            );
            let party = PARTIES[i % PARTIES.len()];
            let c = NewCouncilor {
                name: &name,
                party,
                caucus: party,
                district: DISTRICTS[i % DISTRICTS.len()],
            };
            councilors.push(upsert_councilor(pool, term_id, &c).await?);
        }
        councilors.sort_unstable();
        councilors.dedup();
        for number in 1..=8_i64 {
            if term == 14 && number == 3 {
                continue;
            }
            let y = year + 1 + ((number - 1) / 2) as i32;
            let (from, to) = if number % 2 == 1 {
                (
                    NaiveDate::from_ymd_opt(y, 3, 1),
                    NaiveDate::from_ymd_opt(y, 6, 30),
                )
            } else {
                (
                    NaiveDate::from_ymd_opt(y, 9, 1),
                    NaiveDate::from_ymd_opt(y, 12, 31),
                )
            };
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            if from > today {
                continue;
            }
            let id = upsert_session(
                pool,
                term_id,
                SessionKind::Regular,
                number,
                &from.to_string(),
                &to.to_string(),
            )
            .await?;
            sessions.push(Session {
                id,
                starts_on: from,
                settled: to + Duration::days(60) < today,
                councilors: councilors.clone(),
            });
        }
    }
    let already: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM cases WHERE session_id IN ({})",
        sessions
            .iter()
            .map(|s| s.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .fetch_one(pool)
    .await?;
    if already > 0 {
        return Err(AppError::Conflict(format!(
            "已有 {already} 件產生的案件，未重複產生。"
        )));
    }
    let sittings: Vec<i64> = sqlx::query_scalar("SELECT id FROM sitting_types ORDER BY sort_order")
        .fetch_all(pool)
        .await?;

    let mut tx = app::db::begin(pool).await?;
    let mut next_case: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM cases")
        .fetch_one(&mut *tx)
        .await?;
    let mut next_delivery: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM deliveries")
        .fetch_one(&mut *tx)
        .await?;
    let mut chain = Appender::lock(&mut tx, Chain::CaseEvents).await?;
    let (mut cases, mut councilor_rows, mut parts, mut subs, mut events) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut deliveries, mut files) = (Vec::new(), Vec::new());
    let (mut docs, mut pieces) = (Vec::new(), Vec::new());
    let (mut questions, mut requests) = (0, 0);
    let per_session = count.div_ceil(sessions.len().max(1));
    let mut made = 0;
    for session in &sessions {
        let (mut q_number, mut d_number) = (0, 0);
        for _ in 0..per_session {
            if made == count {
                break;
            }
            made += 1;
            next_case += 1;
            let id = next_case;
            let kind = if rng.gen_bool(0.75) {
                CaseKind::Question
            } else {
                CaseKind::DataRequest
            };
            let (lead_code, co_code, topic) = *pick(&mut rng, &TOPICS);
            let district = *pick(&mut rng, &DISTRICTS);
            let topic = format!("{district}{topic}");
            let lead = bureau(lead_code).unwrap_or(1);
            let co = (!co_code.is_empty() && rng.gen_bool(0.6))
                .then(|| bureau(co_code))
                .flatten();
            let day = session.starts_on + Duration::days(rng.gen_range(0..110));
            let recorded = day
                .and_hms_opt(18, 0, 0)
                .map_or(0, |t| t.and_utc().timestamp() - 8 * 3600);
            let status = if session.settled {
                if rng.gen_bool(0.9) {
                    CaseStatus::Closed
                } else {
                    CaseStatus::Tracking
                }
            } else {
                *pick(&mut rng, CaseStatus::ALL)
            };
            let tracking = status == CaseStatus::Tracking;
            let body = text(&mut rng, &format!("有關{topic}，"), &ASK, 2..6);
            let steps = path(status);
            let answered = steps.contains(&EventAction::EditReply);
            let reply = if answered {
                text(&mut rng, "", &ANSWER, 3..9)
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
                councilor_rows.push(vec![
                    V::I(Some(id)),
                    V::I(Some(*c)),
                    V::I(Some(position as i64)),
                ]);
            }
            let (number, sitting, received, priority, due_on) = match kind {
                CaseKind::Question => {
                    q_number += 1;
                    questions += 1;
                    (
                        q_number,
                        Some(*pick(&mut rng, &sittings)),
                        None,
                        None,
                        day + Duration::days(7),
                    )
                }
                CaseKind::DataRequest => {
                    d_number += 1;
                    requests += 1;
                    let p = *pick(&mut rng, Priority::ALL);
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
                events.push(vec![
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
                        secretariat
                    }
                    EventAction::Assign => {
                        if rejected_first {
                            // First sent to the wrong bureau, which turned it down.
                            let wrong = bureau(if lead_code == "DOT" { "PWD" } else { "DOT" })
                                .unwrap_or(lead);
                            parts.push(part(
                                id,
                                wrong,
                                "lead",
                                "reassigned",
                                secretariat,
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
                            push_event(EventAction::Assign, secretariat, first, at);
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
                            push_event(EventAction::Reject, officer(wrong), no, at);
                            at += 3_600;
                        }
                        data.lead_bureau_id = Some(lead);
                        data.co_bureau_ids = co.into_iter().collect();
                        secretariat
                    }
                    EventAction::Accept => {
                        data.bureau_id = Some(lead);
                        data.role = Some(app::cases::PartRole::Lead);
                        officer(lead)
                    }
                    EventAction::EditReply => {
                        data.text = Some(Change::new(String::new(), reply.clone()));
                        officer(lead)
                    }
                    EventAction::Submit => officer(lead),
                    EventAction::SignOff => officer(lead),
                    EventAction::PassToReview => secretariat,
                    EventAction::ReturnFromReview => {
                        data.comment = Some("請補充具體期程與經費來源。".into());
                        reviewer
                    }
                    EventAction::Approve => {
                        data.keep_tracking = Some(tracking);
                        reviewer
                    }
                    _ => secretariat,
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
                parts.push(part(id, lead, "lead", state, secretariat, recorded, None));
                if let Some(co) = co {
                    parts.push(part(id, co, "co", state, secretariat, recorded, None));
                    if answered {
                        subs.push(vec![
                            V::I(Some(id)),
                            V::I(Some(co)),
                            V::T(Some(text(&mut rng, "本局意見：", &ANSWER, 2..3))),
                            V::I(Some(officer(co))),
                            V::I(Some(at)),
                        ]);
                    }
                }
            }
            if kind == CaseKind::DataRequest && answered {
                next_delivery += 1;
                deliveries.push(vec![
                    V::I(Some(next_delivery)),
                    V::I(Some(id)),
                    V::I(Some(1)),
                    V::T(Some("第一批資料如附件。".into())),
                    V::I(Some(officer(lead))),
                    V::I(Some(at)),
                ]);
                let data = format!("項目,數值\n{topic},{}\n", rng.gen_range(1..1000)).into_bytes();
                files.push(vec![
                    V::I(Some(next_delivery)),
                    V::T(Some("資料第1批.csv".into())),
                    V::T(Some("text/csv".into())),
                    V::I(Some(data.len() as i64)),
                    V::T(Some(String::new())),
                    V::Bytes(data),
                    V::I(Some(officer(lead))),
                    V::I(Some(at)),
                ]);
            }
            docs.push(vec![
                V::I(Some(id)),
                V::T(Some(search::doc(&topic, &body, &reply))),
                V::I(Some(search::DOC_VERSION)),
            ]);
            for piece in search::pieces(&topic) {
                pieces.push(vec![V::T(Some(piece)), V::I(Some(id))]);
            }
            cases.push(vec![
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
                V::I(answered.then_some(officer(lead))),
                V::I(answered.then_some(at)),
                V::I(Some(i64::from(answered))),
                V::I(Some(secretariat)),
                V::I(Some(recorded)),
                V::I(Some(at)),
            ]);
        }
    }
    insert(
        &mut tx,
        "cases",
        &[
            "id",
            "kind",
            "session_id",
            "number",
            "topic",
            "body",
            "sitting_type_id",
            "sitting_date",
            "received_at",
            "priority",
            "within_three_days",
            "due_on",
            "status",
            "tracking",
            "reply",
            "reply_updated_by",
            "reply_updated_at",
            "reply_version",
            "created_by",
            "created_at",
            "updated_at",
        ],
        cases,
    )
    .await?;
    insert(&mut tx, "case_search", &["rowid", "doc", "version"], docs).await?;
    insert(&mut tx, "topic_pieces", &["piece", "case_id"], pieces).await?;
    insert(
        &mut tx,
        "case_councilors",
        &["case_id", "councilor_id", "position"],
        councilor_rows,
    )
    .await?;
    insert(
        &mut tx,
        "assignments",
        &[
            "case_id",
            "bureau_id",
            "role",
            "state",
            "reject_reason",
            "assigned_by",
            "assigned_at",
            "responded_by",
            "responded_at",
        ],
        parts,
    )
    .await?;
    insert(
        &mut tx,
        "sub_answers",
        &["case_id", "bureau_id", "body", "updated_by", "updated_at"],
        subs,
    )
    .await?;
    insert(
        &mut tx,
        "deliveries",
        &[
            "id",
            "case_id",
            "batch",
            "note",
            "delivered_by",
            "delivered_at",
        ],
        deliveries,
    )
    .await?;
    insert(
        &mut tx,
        "attachments",
        &[
            "delivery_id",
            "file_name",
            "content_type",
            "size_bytes",
            "sha256",
            "data",
            "uploaded_by",
            "uploaded_at",
        ],
        files,
    )
    .await?;
    insert(
        &mut tx,
        "case_events",
        &[
            "case_id",
            "at",
            "actor_kind",
            "actor_id",
            "action",
            "data",
            "seq",
            "prev_hash",
            "hash",
        ],
        events,
    )
    .await?;
    chain.finish(&mut tx).await?;
    resync_ids(&mut tx, &["cases", "deliveries"]).await?;
    tx.commit().await?;
    // Fresh statistics, so the planner knows the tables are large now.
    let _ = sqlx::query("ANALYZE").execute(pool).await;
    Ok((questions, requests))
}

fn part(
    case: i64,
    bureau: i64,
    role: &str,
    state: &str,
    by: i64,
    at: i64,
    reason: Option<&str>,
) -> Vec<V> {
    vec![
        V::I(Some(case)),
        V::I(Some(bureau)),
        V::T(Some(role.into())),
        V::T(Some(state.into())),
        V::T(reason.map(str::to_owned)),
        V::I(Some(by)),
        V::I(Some(at)),
        V::I((state != "pending").then_some(by)),
        V::I((state != "pending").then_some(at)),
    ]
}
