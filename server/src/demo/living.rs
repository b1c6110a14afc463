//! `seed-demo`'s living session: about 60 questions and 20 data requests of the 14th
//! council's 3rd session, spread over the bureaus and driven through the real workflow
//! (record, assign, accept, answer, sign off, review) so every state has examples and every
//! case has a believable timeline. Councilors are the fictional ones of `seed`.

use app::{
    admin::NewUser,
    auth::{db::active_user, password::hash_password, CurrentUser},
    cases::{db as cases, workflow::Action, DataRequestForm, DueOverride, QuestionForm, Rejection},
    db::Tx,
    error::AppError,
    reference::db::bureau_id_by_code,
    state::AppState,
};

use chrono::{Duration, NaiveDate};

/// (lead bureau, co-bureaus, topic, question)
const QUESTIONS: [(&str, &[&str], &str, &str); 24] = [
    (
        "UDD",
        &["DLA"],
        "社會住宅興建進度與區位",
        "請說明本市社會住宅興建進度落後之原因、各基地預定完工時程，以及如何兼顧區位公平。",
    ),
    (
        "DOT",
        &["TCPD"],
        "行人安全與路口改善",
        "本市行人交通事故件數居高不下，請交通局說明年度路口改善計畫、預算及與警察局執法之配合。",
    ),
    (
        "TCPD",
        &[],
        "詐騙案件防制成效",
        "請警察局提出近一年詐騙案件受理數、破案率與高齡者防詐宣導之具體作為。",
    ),
    (
        "DOSW",
        &["DOH"],
        "長照服務據點布建",
        "高齡人口快速增加，請說明長照 2.0 服務據點於各行政區之布建情形與缺口。",
    ),
    (
        "PWD",
        &["UDD"],
        "人行道平整與騎樓整平",
        "多處人行道破損、騎樓高低不平，請工務局說明整平計畫之執行進度與經費。",
    ),
    (
        "DOE",
        &[],
        "校園午餐品質與食材來源",
        "請教育局說明營養午餐招標制度、在地食材比例與家長反映問題之處理機制。",
    ),
    (
        "DEP",
        &["DOED"],
        "垃圾清運與資源回收",
        "部分社區反映垃圾車班次不足，請環保局說明清運路線檢討與回收率提升措施。",
    ),
    (
        "DOED",
        &[],
        "傳統市場改建",
        "請產業局說明傳統市場改建之期程、攤商安置方案與營運輔導措施。",
    ),
    (
        "DOL",
        &[],
        "青年就業與職訓",
        "請勞動局提出青年失業率、職訓課程媒合成效與數位技能培訓規劃。",
    ),
    (
        "DOH",
        &["DOSW"],
        "急診壅塞與醫療量能",
        "市立聯合醫院急診壅塞情形嚴重，請衛生局說明改善方案與人力補充計畫。",
    ),
    (
        "DCA",
        &[],
        "里辦公處經費運用",
        "請民政局說明里鄰建設經費之分配原則、核銷程序與資訊公開情形。",
    ),
    (
        "DOS",
        &["DOE"],
        "運動中心收費與開放時段",
        "各區運動中心收費調整與開放時段引發民怨，請體育局說明檢討結果。",
    ),
    (
        "UDD",
        &["UPC"],
        "都市更新案審議時程",
        "都更案件審議曠日廢時，請都發局說明加速審議之作法與各案進度。",
    ),
    (
        "DOT",
        &[],
        "公車路網調整",
        "公車路線調整後部分地區乘車不便，請交通局說明評估方式與改善方案。",
    ),
    (
        "DORTS",
        &["TRTC"],
        "捷運新線工程進度",
        "請捷運局說明環狀線北環段及萬大線工程進度、延宕原因與因應對策。",
    ),
    (
        "TFD",
        &[],
        "老舊建物消防安全",
        "老舊公寓消防設備不足，請消防局說明住宅用火災警報器補助與檢查成果。",
    ),
    (
        "DOC",
        &[],
        "藝文場館使用率",
        "請文化局提出各藝文場館使用率、營運成本與活化規劃。",
    ),
    (
        "DOF",
        &["DOP"],
        "市府債務與財政紀律",
        "請財政局說明本市債務餘額變化、舉債空間與財政健全措施。",
    ),
    (
        "DOIT",
        &["SEC"],
        "市政資訊系統資安防護",
        "請資訊局說明市府各系統資安事件通報數量、防護架構與委外廠商管理。",
    ),
    (
        "UDD",
        &[],
        "違章建築拆除優先順序",
        "請都發局說明違建查報拆除之優先順序、年度拆除數量與陳情處理情形。",
    ),
    (
        "DOT",
        &["PWD"],
        "停車場興建與路邊停車",
        "請交通局說明公有停車場興建計畫、路邊停車費率調整及對商圈之影響。",
    ),
    (
        "DOSW",
        &[],
        "托育補助與公共托嬰",
        "請社會局說明公共托嬰中心增設進度與育兒津貼發放情形。",
    ),
    (
        "DEP",
        &[],
        "空氣品質與工地揚塵",
        "請環保局說明工地揚塵稽查件數、裁罰情形與空品改善成效。",
    ),
    (
        "TCPD",
        &["DOT"],
        "交通違規檢舉與執法",
        "民眾檢舉交通違規案件量大增，請警察局說明處理人力與執法標準。",
    ),
];

/// (lead bureau, topic, items requested)
const DATA_REQUESTS: [(&str, &str, &str); 10] = [
    (
        "UDD",
        "社會住宅申請與入住統計",
        "請提供近三年各社會住宅基地之申請戶數、抽籤中籤率與入住率。",
    ),
    (
        "DOT",
        "公有停車場收入明細",
        "請提供 112 年各公有停車場之收入、支出與使用率明細。",
    ),
    (
        "TCPD",
        "各分局員警人力配置",
        "請提供各分局預算員額、現有員額與近一年加班時數統計。",
    ),
    (
        "DOSW",
        "長照據點名冊",
        "請提供本市長照 C 級巷弄站名冊、服務人次與補助金額。",
    ),
    (
        "PWD",
        "道路挖掘許可統計",
        "請提供 112 年道路挖掘許可件數、管線單位別與違規裁罰件數。",
    ),
    (
        "DOE",
        "校舍耐震補強清單",
        "請提供尚未完成耐震補強之校舍清單與預定完成期程。",
    ),
    (
        "DEP",
        "垃圾車清運路線",
        "請提供○○區各垃圾車清運路線、停靠點與時間表。",
    ),
    (
        "DOH",
        "市立醫院急診滯留統計",
        "請提供聯合醫院各院區 112 年急診滯留超過 48 小時之人次統計。",
    ),
    (
        "DOED",
        "市場攤商租金資料",
        "請提供各公有市場攤位數、空攤率與租金收入。",
    ),
    (
        "DOL",
        "職訓課程結訓就業率",
        "請提供 112 年各職訓課程之結訓人數與三個月內就業率。",
    ),
];

/// Where each seeded case ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    Unassigned,
    LeadRejected,
    Assigned,
    InProgress,
    AwaitingSignOff,
    SignedOff,
    InReview,
    Returned,
    Closed,
    Tracking,
}

/// 60 questions: mostly answered, a working share still with the bureaus.
fn question_goal(i: usize) -> Goal {
    use Goal::*;
    const PLAN: [(Goal, usize); 10] = [
        (Closed, 14),
        (Tracking, 7),
        (InReview, 5),
        (SignedOff, 4),
        (AwaitingSignOff, 5),
        (Returned, 3),
        (InProgress, 10),
        (Assigned, 6),
        (LeadRejected, 2),
        (Unassigned, 4),
    ];
    let mut n = i;
    for (goal, count) in PLAN {
        if n < count {
            return goal;
        }
        n -= count;
    }
    Unassigned
}

fn data_request_goal(i: usize) -> Goal {
    use Goal::*;
    [
        Closed,
        Closed,
        Closed,
        Closed,
        Tracking,
        InReview,
        InReview,
        AwaitingSignOff,
        AwaitingSignOff,
        InProgress,
        InProgress,
        InProgress,
        InProgress,
        InProgress,
        InProgress,
        Assigned,
        Assigned,
        Assigned,
        Unassigned,
        Unassigned,
    ][i % 20]
}

/// The officers who act in the demo: the secretariat and reviewer accounts, and a liaison
/// and an approver in each bureau that has cases.
struct Cast {
    secretariat: CurrentUser,
    reviewer: CurrentUser,
    bureaus: Vec<(String, i64, CurrentUser, CurrentUser)>,
}

impl Cast {
    fn of(&self, code: &str) -> &(String, i64, CurrentUser, CurrentUser) {
        self.bureaus
            .iter()
            .find(|b| b.0 == code)
            .expect("every demo bureau has officers")
    }
}

async fn user_by_name(
    pool: &sqlx::AnyPool,
    username: &str,
) -> Result<Option<CurrentUser>, AppError> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(pool)
        .await?;
    match id {
        Some(id) => Ok(active_user(pool, id).await?),
        None => Ok(None),
    }
}

/// An officer for the demo timeline. Accounts made here get a random password nobody
/// is told: they exist to have acted, not to log in.
async fn officer(
    state: &AppState,
    username: &str,
    display_name: &str,
    role: &str,
    bureau_id: i64,
) -> Result<CurrentUser, AppError> {
    if let Some(user) = user_by_name(&state.db, username).await? {
        return Ok(user);
    }
    let password: String = {
        use rand::{distributions::Alphanumeric, Rng};
        rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(24)
            .map(char::from)
            .collect()
    };
    let user = NewUser::parse(
        username,
        display_name,
        role,
        &bureau_id.to_string(),
        password,
    )?;
    let hash = hash_password(&user.password).await?;
    super::reference::create_user(state, &user, &hash).await?;
    user_by_name(&state.db, username)
        .await?
        .ok_or_else(|| AppError::internal("seed", "officer vanished"))
}

async fn cast(state: &AppState) -> Result<Cast, AppError> {
    let required = |name: &'static str| async move {
        user_by_name(&state.db, name)
            .await?
            .ok_or_else(|| AppError::internal("seed", format!("{name} missing")))
    };
    let mut codes: Vec<&str> = QUESTIONS
        .iter()
        .flat_map(|q| std::iter::once(q.0).chain(q.1.iter().copied()))
        .chain(DATA_REQUESTS.iter().map(|d| d.0))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut bureaus = Vec::new();
    for code in codes {
        let id = bureau_id_by_code(&state.db, code)
            .await?
            .ok_or_else(|| AppError::internal("seed", format!("bureau {code} missing")))?;
        let short: String = sqlx::query_scalar("SELECT short_name FROM bureaus WHERE id = $1")
            .bind(id)
            .fetch_one(&state.db)
            .await?;
        let (liaison, approver) = if code == "UDD" {
            (
                required("demo-liaison").await?,
                required("demo-approver").await?,
            )
        } else {
            let slug = code.to_lowercase().replace('_', "-");
            (
                officer(
                    state,
                    &format!("demo-{slug}-liaison"),
                    &format!("{short} 府會聯絡員（示範）"),
                    "bureau_liaison",
                    id,
                )
                .await?,
                officer(
                    state,
                    &format!("demo-{slug}-approver"),
                    &format!("{short} 主任秘書（示範）"),
                    "bureau_approver",
                    id,
                )
                .await?,
            )
        };
        bureaus.push((code.to_owned(), id, liaison, approver));
    }
    Ok(Cast {
        secretariat: required("demo-secretariat").await?,
        reviewer: required("demo-reviewer").await?,
        bureaus,
    })
}

async fn version(tx: &mut Tx, case_id: i64) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

async fn reply_version(tx: &mut Tx, case_id: i64) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT reply_version FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// A status step on the case as it is now.
async fn step(
    tx: &mut Tx,
    case_id: i64,
    action: Action,
    user: &CurrentUser,
    comment: Option<&'static str>,
    tracking: bool,
    at: i64,
) -> Result<(), AppError> {
    let request = cases::StepRequest {
        action,
        version: version(tx, case_id).await?,
        comment,
        keep_tracking: tracking,
        reply: None,
    };
    cases::transition(tx, case_id, user, &request, at).await
}

/// Runs a case from "recorded" to its goal, an hour or so per step.
#[allow(clippy::too_many_arguments)]
async fn drive(
    tx: &mut Tx,
    cast: &Cast,
    case_id: i64,
    lead: &str,
    co: &[&str],
    goal: Goal,
    is_data_request: bool,
    mut t: i64,
) -> Result<(), AppError> {
    let mut tick = || {
        t += 3_600 + 600;
        t
    };
    let sec = &cast.secretariat;
    if goal == Goal::Unassigned {
        return Ok(());
    }
    let (_, lead_id, liaison, approver) = cast.of(lead);
    let co_ids: Vec<i64> = co.iter().map(|c| cast.of(c).1).collect();
    if goal == Goal::LeadRejected {
        // The lead bureau first named turns the case down and points to the right one.
        let wrong = cast.of(if lead == "DOT" { "PWD" } else { "DOT" });
        let v = version(tx, case_id).await?;
        cases::assign(tx, case_id, sec, v, wrong.1, &[], tick()).await?;
        let rejection = Rejection {
            reason: "本案涉及之業務非屬本局權責。".into(),
            suggested_bureau_id: Some(*lead_id),
        };
        return cases::reject(tx, case_id, &wrong.2, &rejection, tick()).await;
    }
    let v = version(tx, case_id).await?;
    cases::assign(tx, case_id, sec, v, *lead_id, &co_ids, tick()).await?;
    if goal == Goal::Assigned {
        return Ok(());
    }
    cases::accept(tx, case_id, liaison, tick()).await?;
    for c in co {
        let (_, _, co_liaison, _) = cast.of(c);
        cases::accept(tx, case_id, co_liaison, tick()).await?;
        cases::write_sub_answer(
            tx,
            case_id,
            co_liaison,
            "本局意見如下：相關業務將配合主辦機關辦理，並提供所需資料。",
            tick(),
        )
        .await?;
    }
    if is_data_request {
        let files = vec![cases::NewFile {
            file_name: "資料第1批.csv".into(),
            content_type: "text/csv".into(),
            data: "項目,數值\n範例,1\n".as_bytes().to_vec(),
        }];
        cases::deliver(tx, case_id, liaison, "第一批資料如附件。", files, tick()).await?;
    }
    let text = if is_data_request {
        "所需資料已分批提供如附件，請卓參。"
    } else {
        "謝謝議員指教。本府已檢討現行作法，將於本年度內提出具體改善計畫，並定期向大會報告執行進度。"
    };
    let seen = reply_version(tx, case_id).await?;
    cases::save_reply(tx, case_id, liaison, text, false, seen, tick()).await?;
    if goal == Goal::InProgress {
        if is_data_request && case_id % 2 == 0 {
            let due: String = sqlx::query_scalar("SELECT due_on FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_one(&mut **tx)
                .await?;
            let due = app::dates::parse_date(&due).unwrap_or_default() + chrono::Duration::days(7);
            let postponement = DueOverride {
                due_on: due,
                reason: "資料量龐大，已與議員辦公室協調延後提供。".into(),
            };
            cases::postpone(tx, case_id, liaison, &postponement, tick()).await?;
        }
        return Ok(());
    }
    step(
        tx,
        case_id,
        Action::SubmitForSignOff,
        liaison,
        None,
        false,
        tick(),
    )
    .await?;
    if goal == Goal::AwaitingSignOff {
        return Ok(());
    }
    step(tx, case_id, Action::SignOff, approver, None, false, tick()).await?;
    if goal == Goal::SignedOff {
        return Ok(());
    }
    step(tx, case_id, Action::PassToReview, sec, None, false, tick()).await?;
    match goal {
        Goal::InReview => Ok(()),
        Goal::Returned => {
            step(
                tx,
                case_id,
                Action::ReturnFromReview,
                &cast.reviewer,
                Some("請補充具體期程與經費來源。"),
                false,
                tick(),
            )
            .await
        }
        _ => {
            step(
                tx,
                case_id,
                Action::Approve,
                &cast.reviewer,
                None,
                goal == Goal::Tracking,
                tick(),
            )
            .await
        }
    }
}

pub enum DemoCases {
    Created {
        questions: usize,
        data_requests: usize,
    },
    AlreadyThere,
}

/// The day the demo's story is told as of: two days after its last sitting. `seed-demo`
/// moves every demo date by the days between this and the day it runs, so that a fresh
/// install shows a current session (cases due soon, a few overdue, a meeting coming up)
/// rather than one two years gone.
pub const DEMO_TODAY: (i32, u32, u32) = (2024, 4, 18);

/// How far `seed-demo` moves the demo's dates when run on `today`.
pub fn demo_shift(today: NaiveDate) -> Duration {
    let (y, m, d) = DEMO_TODAY;
    NaiveDate::from_ymd_opt(y, m, d).map_or(Duration::zero(), |anchor| today - anchor)
}

/// A demo date moved by `shift`.
fn moved(iso: &str, shift: Duration) -> NaiveDate {
    iso.parse::<NaiveDate>().unwrap_or_default() + shift
}

/// Loads the demo session's cases once, their dates moved by `shift`; a second run leaves
/// them alone.
pub async fn seed_demo_cases(state: &AppState, shift: Duration) -> Result<DemoCases, AppError> {
    let pool = &state.db;
    let session: i64 = sqlx::query_scalar(
        "SELECT s.id FROM council_sessions s JOIN council_terms t ON t.id = s.term_id \
         WHERE t.number = 14 AND s.kind = 'regular' AND s.number = 3",
    )
    .fetch_one(pool)
    .await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE session_id = $1")
        .bind(session)
        .fetch_one(pool)
        .await?;
    if existing > 0 {
        return Ok(DemoCases::AlreadyThere);
    }
    let cast = cast(state).await?;
    let councilors: Vec<i64> = sqlx::query_scalar("SELECT id FROM councilors ORDER BY id")
        .fetch_all(pool)
        .await?;
    let sitting_types: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, code FROM sitting_types ORDER BY sort_order")
            .fetch_all(pool)
            .await?;
    let sitting = |code: &str| {
        sitting_types
            .iter()
            .find(|s| s.1 == code)
            .map(|s| s.0.to_string())
            .unwrap_or_default()
    };
    // Sittings of the session: the policy report, a special report, then general and
    // department interpellation days (dates illustrative, within the session).
    // The answered and tracked cases come from the first sittings (before the first
    // follow-up meeting on 03-29); the open ones mostly from the last days, so that as of
    // DEMO_TODAY a few are overdue and most are due soon.
    let days = [
        ("policy_report", "2024-03-12"),
        ("special_report", "2024-03-19"),
        ("general", "2024-03-26"),
        ("general", "2024-04-11"),
        ("department", "2024-04-15"),
        ("department", "2024-04-16"),
    ];
    let questions = 60;
    for i in 0..questions {
        let (lead, co, topic, body) = QUESTIONS[i % QUESTIONS.len()];
        let (kind, day) = days[i * days.len() / questions];
        let day = moved(day, shift).to_string();
        let day = day.as_str();
        let first = councilors[i % councilors.len()];
        let mut ids = vec![first.to_string()];
        if i % 7 == 3 {
            ids.push(councilors[(i + 5) % councilors.len()].to_string());
        }
        let round = i / QUESTIONS.len();
        let form = QuestionForm {
            session_id: session.to_string(),
            number: (i + 1).to_string(),
            sitting_type_id: sitting(kind),
            sitting_date: day.into(),
            councilor_ids: ids,
            topic: if round == 0 {
                topic.into()
            } else {
                format!("{topic}（續）")
            },
            body: body.into(),
            due_on: String::new(),
            due_reason: String::new(),
        };
        let recorded_at =
            app::dates::parse_taipei_datetime(&format!("{day} 18:00")).unwrap_or_default();
        // Each case's story commits whole, as the steps would one by one.
        let mut tx = app::db::begin(pool).await?;
        let id =
            cases::record_question(&mut tx, &form.parse()?, &cast.secretariat, recorded_at).await?;
        let co = if i % 3 == 0 { co } else { &[] };
        drive(
            &mut tx,
            &cast,
            id,
            lead,
            co,
            question_goal(i),
            false,
            recorded_at + 12 * 3_600,
        )
        .await?;
        tx.commit().await?;
    }
    let data_requests = 20;
    for i in 0..data_requests {
        let (lead, topic, body) = DATA_REQUESTS[i % DATA_REQUESTS.len()];
        // The first five (answered, one tracked) arrive in March; the open ones over the
        // last two weeks.
        let day = if i < 5 { 2 * i } else { 21 + (i - 5) * 7 / 15 } as i64;
        let received = moved("2024-03-20", shift) + Duration::days(day);
        let priority = ["ordinary", "ordinary", "urgent", "ordinary", "most_urgent"][i % 5];
        let form = DataRequestForm {
            session_id: session.to_string(),
            councilor_id: councilors[(i * 5) % councilors.len()].to_string(),
            topic: topic.into(),
            body: body.into(),
            received_at: format!("{received} 10:30"),
            priority: priority.into(),
            within_three_days: (i % 6 == 2).then(|| "on".into()),
            due_on: String::new(),
            due_reason: String::new(),
        };
        let request = form.parse()?;
        let mut tx = app::db::begin(pool).await?;
        let id = cases::record_data_request(
            &mut tx,
            &request,
            cases::RecordedBy::User(&cast.secretariat),
            request.received_at + 1_800,
        )
        .await?;
        drive(
            &mut tx,
            &cast,
            id,
            lead,
            &[],
            data_request_goal(i),
            true,
            request.received_at + 4 * 3_600,
        )
        .await?;
        tx.commit().await?;
    }
    seed_demo_resolutions(state, &cast, shift).await?;
    seed_demo_bills(state, &cast, shift).await?;
    seed_demo_promises(state, &cast, shift).await?;
    seed_demo_backgrounds(state, &cast, shift).await?;
    seed_demo_letters(state, &cast, shift).await?;
    seed_demo_interims(state, &cast).await?;
    seed_demo_corrections(state, &cast).await?;
    seed_demo_shared_replies(state, &cast).await?;
    seed_demo_meetings(state, &cast, shift).await?;
    seed_demo_filings(state, &cast, shift).await?;
    Ok(DemoCases::Created {
        questions,
        data_requests,
    })
}

/// What councilor offices filed through their status links, and the liaison office's
/// service cases: a data request taken in and assigned, a service case with its site
/// inspection held and the outcome recorded, one refused with its reason, one still
/// waiting; and a service case the secretariat took by phone. Through the operations the
/// app uses, on the demo's days.
async fn seed_demo_filings(state: &AppState, cast: &Cast, shift: Duration) -> Result<(), AppError> {
    use app::{
        filings::{db as filings, Filing, FilingKind},
        links::Scope,
        service::{self, ServiceCase},
    };
    let pool = &state.db;
    let councilors: Vec<i64> = sqlx::query_scalar("SELECT id FROM councilors ORDER BY id")
        .fetch_all(pool)
        .await?;
    let category = |code: &'static str| async move {
        sqlx::query_scalar::<_, i64>("SELECT id FROM service_categories WHERE code = $1")
            .bind(code)
            .fetch_one(pool)
            .await
    };
    let term_end: String =
        sqlx::query_scalar("SELECT t.ends_on FROM council_terms t WHERE t.number = 14")
            .fetch_one(pool)
            .await?;
    // The secretariat acting on a demo day (the filings' decisions, the inspection).
    let secretariat = |day: &str, time: &str| {
        let mut c =
            app::caller::Caller::acting(cast.secretariat.clone(), state.clone(), String::new());
        c.now = chrono::DateTime::from_timestamp(at(moved(day, shift), time), 0).unwrap_or(c.now);
        c
    };
    // Each office's link to all its cases (its token was handed over on paper: not kept).
    let mut links = Vec::new();
    for (i, councilor) in councilors.iter().take(4).enumerate() {
        let scope = Scope {
            councilor_id: *councilor,
            case_id: None,
        };
        let mut tx = app::db::begin(pool).await?;
        let (id, _) = app::links::db::create(
            &mut tx,
            scope,
            term_end.parse().unwrap_or_default(),
            cast.secretariat.id,
            at(moved("2024-03-06", shift), "10:00") + i as i64 * 60,
        )
        .await?;
        tx.commit().await?;
        links.push((id, scope));
    }
    let file = |link: usize, day: &'static str, time: &'static str, filing: Filing| {
        let (id, scope) = links[link];
        async move {
            let day = moved(day, shift);
            filings::file(pool, id, scope, &filing, Vec::new(), at(day, time), day).await
        }
    };
    let text = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<std::collections::HashMap<_, _>>()
    };

    // A data request an office filed, taken in and assigned.
    let asked = Filing::parse(
        FilingKind::DataRequest,
        &text(&[
            ("topic", "社區公園兒童遊戲場檢修紀錄"),
            (
                "body",
                "請提供轄區內各社區公園兒童遊戲場近兩年之檢修紀錄與改善經費。",
            ),
            ("priority", "ordinary"),
            ("contact", "服務處 陳助理 02-2720-0001"),
        ]),
    )?;
    let id = file(0, "2024-04-09", "09:20", asked).await?;
    filings::decide(
        &secretariat("2024-04-09", "10:05"),
        id,
        &filings::Decision::TakeIn,
    )
    .await?;
    let mut tx = app::db::begin(pool).await?;
    drive(
        &mut tx,
        cast,
        id,
        "PWD",
        &[],
        Goal::InProgress,
        true,
        at(moved("2024-04-09", shift), "10:30"),
    )
    .await?;
    tx.commit().await?;

    // A service case an office filed: taken in, assigned, a site inspection held.
    let lights = Filing::Service(ServiceCase {
        category_id: category("parks_lighting").await?,
        district: "文山區".into(),
        address: "興隆路二段 160 巷口".into(),
        topic: "巷口路燈三盞不亮".into(),
        body: "里民反映巷口路燈三盞不亮已兩週，夜間行人與機車經過危險，請儘速修復並檢查線路。"
            .into(),
        office_contact: "服務處 林助理 02-2930-0002".into(),
        constituent: service::Constituent {
            name: "黃先生（示範）".into(),
            phone: "0912-000-321".into(),
        },
    });
    let id = file(1, "2024-04-08", "16:40", lights).await?;
    filings::decide(
        &secretariat("2024-04-09", "09:00"),
        id,
        &filings::Decision::TakeIn,
    )
    .await?;
    let mut tx = app::db::begin(pool).await?;
    drive(
        &mut tx,
        cast,
        id,
        "PWD",
        &[],
        Goal::InProgress,
        false,
        at(moved("2024-04-09", shift), "09:30"),
    )
    .await?;
    tx.commit().await?;
    let visit = service::parse_visit(
        "inspection",
        &moved("2024-04-12", shift).to_string(),
        "10:00",
        "興隆路二段 160 巷口",
        &[cast.of("PWD").1.to_string()],
        &["公園路燈工程管理處 股長".to_owned()],
    )?;
    let sec = secretariat("2024-04-10", "14:00");
    let visit_id = service::db::schedule_visit(&sec, id, &visit).await?;
    service::db::record_outcome(
        &secretariat("2024-04-12", "11:30"),
        visit_id,
        "現場確認三盞燈具老化、一處線路受潮；路燈管理處已於當日更換燈具，線路於 4 月 19 日前完成改善。",
    )
    .await?;

    // One refused, with the reason the office reads.
    let parking = Filing::Service(ServiceCase {
        category_id: category("traffic").await?,
        district: "中山區".into(),
        address: "林森北路 300 號前".into(),
        topic: "騎樓違規停車檢舉".into(),
        body: "民眾檢舉騎樓長期違規停放機車，請派員取締。".into(),
        office_contact: "服務處 王助理".into(),
        constituent: service::Constituent::default(),
    });
    let id = file(2, "2024-04-11", "11:15", parking).await?;
    filings::decide(
        &secretariat("2024-04-11", "15:00"),
        id,
        &filings::Decision::Refuse(
            "違規停車屬即時取締事項，已轉請轄區警察分局處理；民眾亦可撥打 1999 或 110 即時檢舉。"
                .into(),
        ),
    )
    .await?;

    // One still waiting for the secretariat.
    let waiting = Filing::parse(
        FilingKind::DataRequest,
        &text(&[
            ("topic", "各區長照據點服務人次"),
            (
                "body",
                "請提供本年度第一季各行政區長照據點服務人次與志工人數。",
            ),
            ("priority", "urgent"),
            ("contact", "服務處 張助理 02-2555-0003"),
        ]),
    )?;
    file(3, "2024-04-17", "17:50", waiting).await?;

    // A service case the secretariat took by phone, with the constituent's data kept.
    let session: i64 = sqlx::query_scalar("SELECT id FROM council_sessions ORDER BY id LIMIT 1")
        .fetch_one(pool)
        .await?;
    let phoned = ServiceCase {
        category_id: category("building").await?,
        district: "大安區".into(),
        address: "復興南路一段 200 號".into(),
        topic: "鄰房施工導致牆面龜裂".into(),
        body: "住戶反映鄰地建案開挖後自家牆面出現裂縫，請建管單位派員會勘並督促建商處理。".into(),
        office_contact: "服務處 李主任 02-2700-0004".into(),
        constituent: service::Constituent {
            name: "吳小姐（示範）".into(),
            phone: "02-2700-1234".into(),
        },
    };
    let received = at(moved("2024-04-15", shift), "10:10");
    let mut tx = app::db::begin(pool).await?;
    let id = service::db::record(
        &mut tx,
        session,
        councilors[4 % councilors.len()],
        received,
        &phoned,
        cases::RecordedBy::User(&cast.secretariat),
        received + 600,
    )
    .await?;
    drive(
        &mut tx,
        cast,
        id,
        "UDD",
        &[],
        Goal::Assigned,
        false,
        received + 1_200,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the council decided, carried out: the budget riders and motions of the session
/// before (received in January) at every stage — executed, tracked with execution updates
/// (the follow-up meetings add more), found not executable, in progress, just assigned —
/// the execution report compiled for this session from them, and this session's motions:
/// one whose reconsideration window closes soon, one the city asked to reconsider, one
/// just arrived.
async fn seed_demo_resolutions(
    state: &AppState,
    cast: &Cast,
    shift: Duration,
) -> Result<(), AppError> {
    use app::{
        caller::Caller,
        cases::ProgressUpdate,
        resolutions::{db as resolutions, NotExecutableForm, ReconsiderationForm, ResolutionForm},
    };
    let pool = &state.db;
    let session = |number: i64| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT s.id FROM council_sessions s JOIN council_terms t ON t.id = s.term_id \
             WHERE t.number = 14 AND s.kind = 'regular' AND s.number = $1",
        )
        .bind(number)
        .fetch_one(pool)
        .await
    };
    let (earlier, current) = (session(2).await?, session(3).await?);
    let councilors: Vec<i64> = sqlx::query_scalar("SELECT id FROM councilors ORDER BY id")
        .fetch_all(pool)
        .await?;
    // Officers acting on the demo's days, not today.
    let caller = |user: &CurrentUser, when: i64| {
        let mut c = Caller::acting(user.clone(), state.clone(), "127.0.0.1".into());
        c.now = chrono::DateTime::from_timestamp(when, 0).unwrap_or(c.now);
        c
    };
    enum Stage {
        Executed,
        Tracked,
        NotExecutable,
        InProgress,
        Assigned,
        Unassigned,
    }
    // (session, kind, lead, councilors, topic, body, budget item, requirement, report by,
    //  received, stage)
    type Row = (
        i64,
        &'static str,
        &'static str,
        &'static [usize],
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Stage,
    );
    let rows: Vec<Row> = vec![
        (earlier, "budget_rider", "PWD", &[0, 3], "人行道無障礙改善",
         "113年度「人行道改善工程」預算通過，附帶決議：工務局應於113年4月30日前向工務委員會提出全市人行道無障礙改善專案報告。",
         "工務局 人行道改善工程", "report", "2024-04-30", "2024-01-10", Stage::Tracked),
        (earlier, "budget_rider", "DOT", &[5], "公車站牌即時資訊",
         "113年度「公共運輸處業務」預算通過，附帶決議：交通局應於年底前完成全市公車站牌即時動態資訊設置。",
         "交通局 公共運輸處業務", "action", "", "2024-01-10", Stage::Tracked),
        (earlier, "budget_rider", "DEP", &[2], "垃圾車收運時間公告",
         "113年度「環境清潔」預算通過，附帶決議：環保局應於各區公所及網站公告垃圾車收運時間異動。",
         "環境保護局 環境清潔", "action", "", "2024-01-10", Stage::Executed),
        (earlier, "motion", "DOSW", &[7, 1], "全面免費公托",
         "建請市府自113年起全面提供免費公共托育，並以市庫全額支應。",
         "", "reply", "", "2024-01-10", Stage::NotExecutable),
        (earlier, "motion", "DOED", &[4], "校園午餐食材在地採購",
         "建請教育局提高國中小營養午餐在地食材採購比例至五成以上。",
         "", "action", "", "2024-01-10", Stage::InProgress),
        (earlier, "petition", "UDD", &[6], "老舊公寓增設電梯補助",
         "請願人陳請放寬老舊公寓增設電梯補助門檻，經審議決議：送請市府研處。",
         "", "reply", "", "2024-01-10", Stage::Assigned),
        (current, "motion", "DOT", &[3], "校園周邊速限30公里",
         "建請交通局於國中小周邊道路全面實施速限每小時30公里。",
         "", "action", "", "2024-03-22", Stage::Unassigned),
        (current, "bill", "DOF", &[], "自治條例第十二條修正",
         "市府函送「臺北市某自治條例」第十二條修正草案，經大會修正通過，刪除市府所提之罰則。",
         "", "action", "", "2024-03-15", Stage::Assigned),
        (current, "motion", "DOH", &[8], "社區長照據點擴充",
         "建請衛生局於本年度內每一里設置至少一處社區長照據點。",
         "", "action", "", "2024-04-02", Stage::Unassigned),
    ];
    let sec = &cast.secretariat;
    let mut bill = None;
    for (
        i,
        (session_id, kind, lead, who, topic, body, item, requirement, report_by, received, stage),
    ) in rows.into_iter().enumerate()
    {
        let received_on = moved(received, shift);
        let form = ResolutionForm {
            session_id: session_id.to_string(),
            resolution_kind: kind.into(),
            sitting: if session_id == earlier {
                "第2次定期大會第18次會議".into()
            } else {
                "第3次定期大會第5次會議".into()
            },
            councilor_ids: who
                .iter()
                .map(|n| councilors[*n % councilors.len()].to_string())
                .collect(),
            topic: topic.into(),
            body: body.into(),
            letter_number: format!("議議字第{}號", 1130000100 + i),
            received_on: received_on.to_string(),
            requirement: requirement.into(),
            committee: if requirement == "report" {
                "工務委員會".into()
            } else {
                String::new()
            },
            report_by: if report_by.is_empty() {
                String::new()
            } else {
                moved(report_by, shift).to_string()
            },
            budget_item: item.into(),
        };
        let t0 = at(received_on, "10:00");
        let mut tx = app::db::begin(pool).await?;
        let id = resolutions::record(&mut tx, &form.parse()?, sec, t0).await?;
        let goal = match stage {
            Stage::Executed => Goal::Closed,
            Stage::Tracked => Goal::Tracking,
            Stage::NotExecutable | Stage::InProgress => Goal::InProgress,
            Stage::Assigned => Goal::Assigned,
            Stage::Unassigned => Goal::Unassigned,
        };
        drive(&mut tx, cast, id, lead, &[], goal, false, t0 + 2 * 3_600).await?;
        let liaison = &cast.of(lead).2;
        match stage {
            Stage::Tracked => {
                let update = ProgressUpdate {
                    body: "已完成規劃設計，辦理發包作業中。".into(),
                    percent: Some(30),
                    letter_number: format!("府工字第{}號", 1130001000 + i),
                    ..Default::default()
                };
                cases::report_progress(
                    &mut tx,
                    id,
                    liaison,
                    &update,
                    at(moved("2024-02-19", shift), "16:00"),
                )
                .await?;
            }
            Stage::InProgress => {
                let update = ProgressUpdate {
                    body: "已函請各校調查在地食材採購現況，研議提高比例之配套。".into(),
                    percent: Some(20),
                    ..Default::default()
                };
                cases::report_progress(
                    &mut tx,
                    id,
                    liaison,
                    &update,
                    at(moved("2024-02-20", shift), "11:00"),
                )
                .await?;
            }
            Stage::NotExecutable => {
                let reviewer = caller(&cast.reviewer, at(moved("2024-02-16", shift), "17:00"));
                let finding = NotExecutableForm {
                    sent_on: moved("2024-02-16", shift).to_string(),
                    letter_number: "府社字第1130002345號".into(),
                    reply: "全面免費公托每年需增加經費約新臺幣40億元，超出本市財政負擔；本府將以擴大育兒津貼與增設公托據點替代，已函復大會。".into(),
                }
                .parse(reviewer.today())?;
                resolutions::mark_not_executable(&reviewer, &mut tx, id, &finding).await?;
            }
            _ => {}
        }
        if kind == "bill" {
            bill = Some(id);
        }
        tx.commit().await?;
    }
    // The report that went to this session: the session before's resolutions as they stood.
    let compiled_at = at(moved("2024-02-21", shift), "17:00");
    let mut tx = app::db::begin(pool).await?;
    resolutions::compile(
        &caller(sec, compiled_at),
        &mut tx,
        current,
        &[earlier],
        compiled_at,
    )
    .await?;
    // The city asks the council to reconsider the amended bill (罰則 struck out).
    if let Some(id) = bill {
        let form = ReconsiderationForm {
            asked_on: moved("2024-04-10", shift).to_string(),
            letter_number: "府法綜字第1130003456號".into(),
            reason: "刪除罰則將使本條規範失去拘束力，窒礙難行，依地方制度法第39條提請覆議。".into(),
        };
        let secretariat = caller(sec, at(moved("2024-04-10", shift), "17:00"));
        resolutions::ask_reconsideration(&secretariat, &mut tx, id, &form).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Taipei wall-clock time on a demo day, as stored.
/// The session's bills and the mayor's caucus briefings: the secretariat's call, bills of
/// six bureaus, one at each of the ten stages, the major ones marked, two briefings held with the
/// caucuses' positions and asks (one ask made a data request) and one scheduled.
async fn seed_demo_bills(state: &AppState, cast: &Cast, shift: Duration) -> Result<(), AppError> {
    use app::bills::{db as bills, BillForm, CallForm, NewAsk, Position, StageForm};
    let pool = &state.db;
    let session: i64 = sqlx::query_scalar(
        "SELECT s.id FROM council_sessions s JOIN council_terms t ON t.id = s.term_id \
         WHERE t.number = 14 AND s.kind = 'regular' AND s.number = 3",
    )
    .fetch_one(pool)
    .await?;
    let acting = |user: &CurrentUser, day: &str, time: &str| {
        let mut c = app::caller::Caller::acting(user.clone(), state.clone(), "127.0.0.1".into());
        c.now = chrono::DateTime::from_timestamp(at(moved(day, shift), time), 0).unwrap_or(c.now);
        c
    };
    let sec = &cast.secretariat;
    {
        let c = acting(sec, "2024-03-06", "09:30");
        let call = CallForm {
            session_id: session.to_string(),
            due_on: String::new(),
            note: "請於期限前登錄本會期擬送議會的自治條例、預算案及專案報告，並簡述重要性，作為市長黨團報告的依據。".into(),
        }
        .parse(c.today())?;
        let mut tx = c.begin().await?;
        bills::send_call(&c, &mut tx, &call).await?;
        tx.commit().await?;
    }
    // (bureau, kind, title, why, changes, committee, major, steps: (stage, day, note))
    type Steps = &'static [(&'static str, &'static str, &'static str)];
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        bool,
        Steps,
    );
    let rows: [Row; 10] = [
        ("UDD", "ordinance_amended", "都市更新自治條例部分條文修正草案",
         "縮短都更審議時程、提高公益設施容積獎勵，加速老舊社區重建；未修正則百餘件申請案將延宕。",
         "第5條：審議期限由一年縮短為六個月。\n第9條：增列社會住宅容積獎勵。",
         "工務委員會", true,
         &[("sent", "2024-03-08", ""), ("first_reading", "2024-03-12", ""),
           ("committee", "2024-03-28", "工務委員會審查，第5條保留待協商。")]),
        ("DOT", "ordinance_new", "公共自行車租賃自治條例草案",
         "公共自行車營運無自治條例依據，收費與違規處理易生爭議；制定後營運、收費與罰則有明確規範。",
         "明定營運主體、收費原則、租借規則及違規處理。", "交通委員會", true,
         &[("sent", "2024-03-08", ""), ("first_reading", "2024-03-12", ""),
           ("committee", "2024-03-21", ""), ("second_reading", "2024-04-09", ""),
           ("passed", "2024-04-09", "大會三讀通過。")]),
        ("PWD", "supplementary_budget", "113年度追加預算案（人行道改善）",
         "人行道無障礙改善為附帶決議要求，追加預算通過後始能於汛期前完成第一期工程。",
         "追加人行道改善工程經費，分三期施作。", "工務委員會", true,
         &[("sent", "2024-03-15", ""), ("first_reading", "2024-03-19", ""),
           ("committee", "2024-04-02", ""), ("second_reading", "2024-04-16", ""),
           ("held", "2024-04-16", "大會保留，下次會議再議。")]),
        ("DOSW", "ordinance_amended", "老人福利自治條例修正草案",
         "擴大敬老福利點數適用範圍，回應議會多次質詢；影響本市六十五歲以上長者。",
         "第7條：敬老福利點數得用於社區據點課程。", "衛生福利委員會", true,
         &[("sent", "2024-03-08", ""), ("first_reading", "2024-03-12", "")]),
        ("DEP", "ordinance_repealed", "廢止資源回收站設置自治條例",
         "條文已併入廢棄物清理自治條例，廢止以免法規重複。", "", "", false,
         &[("sent", "2024-03-15", ""), ("returned", "2024-03-26", "程序委員會退回，請補充併入條文對照表。")]),
        ("DOH", "report", "長期照顧服務推動專案報告",
         "衛生委員會要求就社區長照據點擴充提出專案報告。", "", "衛生福利委員會", false, &[]),
        ("DOT", "other", "市區公車路線調整案", "配合捷運新路線通車調整公車路線。", "", "交通委員會", false,
         &[("sent", "2024-03-20", ""), ("withdrawn", "2024-04-01", "市府撤回，併下會期路網檢討案重送。")]),
        ("UDD", "ordinance_amended", "建築管理自治條例部分條文修正草案",
         "放寬老舊公寓增設電梯的建蔽率限制，回應請願案。", "第12條：增設昇降設備不計入建蔽率。", "工務委員會", true,
         &[("sent", "2024-03-08", ""), ("first_reading", "2024-03-12", ""),
           ("committee", "2024-03-26", ""), ("second_reading", "2024-04-11", ""),
           ("passed_amended", "2024-04-11", "大會修正通過：增設以一座為限。")]),
        ("PWD", "ordinance_amended", "道路挖掘管理自治條例部分條文修正草案",
         "管線單位挖掘道路後的修復期限與罰則，回應議會對路平的質詢。", "第8條：修復期限縮短為七日。", "工務委員會", false,
         &[("sent", "2024-03-08", ""), ("first_reading", "2024-03-12", ""),
           ("committee", "2024-03-28", ""), ("second_reading", "2024-04-16", "大會二讀，三讀排入下次會議。")]),
        ("DOH", "ordinance_amended", "醫療機構設置自治條例修正草案",
         "配合中央法規修正設置標準，避免本市規定與中央牴觸。", "", "衛生福利委員會", false,
         &[("sent", "2024-04-12", "")]),
    ];
    let mut ids = Vec::new();
    for (code, kind, title, why, changes, committee, major, steps) in rows {
        let liaison = &cast.of(code).2;
        let c = acting(liaison, "2024-03-07", "10:00");
        let form = BillForm {
            session_id: session.to_string(),
            bill_kind: kind.into(),
            title: title.into(),
            why: why.into(),
            changes: changes.into(),
            committee: committee.into(),
            contact: format!("{}（示範）", liaison.display_name),
            ..Default::default()
        };
        let mut tx = c.begin().await?;
        let id = bills::record(&c, &mut tx, &form.parse()?).await?;
        tx.commit().await?;
        for (version, (stage, day, note)) in (1..).zip(steps) {
            let c = acting(liaison, day, "17:00");
            let form = StageForm {
                stage: (*stage).into(),
                on: app::dates::roc_date(moved(day, shift)),
                note: (*note).into(),
                council_number: if *stage == "first_reading" {
                    format!("市府提案第{}號", 1100 + id)
                } else {
                    String::new()
                },
            };
            let mut tx = c.begin().await?;
            bills::record_stage(&c, &mut tx, id, &form, version).await?;
            tx.commit().await?;
        }
        if major {
            let c = acting(sec, "2024-03-20", "11:00");
            let mut tx = c.begin().await?;
            bills::mark_major(&c, &mut tx, id, true).await?;
            tx.commit().await?;
        }
        ids.push(id);
    }
    // Two briefings held, one scheduled. (caucus, day, bills, positions, asks (bill index, ask, file as a data request of))
    type Asks = &'static [(Option<usize>, &'static str, Option<&'static str>)];
    type Briefing = (
        &'static str,
        &'static str,
        &'static [usize],
        &'static [&'static str],
        Asks,
    );
    let briefings: [Briefing; 3] = [
        (
            "青禾黨",
            "2024-03-25",
            &[0, 1, 2],
            &["support", "conditional", "undecided"],
            &[
                (
                    None,
                    "請提供近三年都市更新案件審議時程統計，作為審查參考。",
                    Some("林雨彤"),
                ),
                (
                    Some(2),
                    "追加預算請附各區人行道改善優先順序及評分標準。",
                    None,
                ),
            ],
        ),
        (
            "晨光聯盟",
            "2024-04-08",
            &[0, 3],
            &["oppose", "support"],
            &[(Some(1), "請提供敬老福利點數近五年使用統計與經費。", None)],
        ),
        ("社區行動黨", "2024-04-25", &[0, 2, 7], &[], &[]),
    ];
    for (caucus, day, chosen, positions, asks) in briefings {
        let c = acting(sec, "2024-03-21", "15:00");
        let form = app::bills::BriefingForm {
            session_id: session.to_string(),
            caucus: caucus.into(),
            held_on: app::dates::roc_date(moved(day, shift)),
            starts_at: "10:00".into(),
            place: "議會黨團會議室".into(),
            attendees: "市長、副市長、秘書長及相關局處首長".into(),
        };
        let mut tx = c.begin().await?;
        let id = bills::schedule(&c, &mut tx, &form.parse()?).await?;
        let presented: Vec<i64> = chosen.iter().map(|i| ids[*i]).collect();
        bills::choose_bills(&c, &mut tx, id, &presented).await?;
        tx.commit().await?;
        if positions.is_empty() {
            continue;
        }
        let c = acting(sec, day, "16:00");
        let recorded: Vec<(i64, Position)> = presented
            .iter()
            .zip(positions.iter())
            .filter_map(|(b, p)| Position::parse(p).map(|p| (*b, p)))
            .collect();
        let mut tx = c.begin().await?;
        bills::record_outcome(
            &c,
            &mut tx,
            id,
            &recorded,
            "市長說明各案重點，黨團提出下列要求。",
        )
        .await?;
        for (bill, ask, file_as) in asks {
            let new = NewAsk {
                bill_id: bill.map(|i| presented[i]),
                ask: (*ask).into(),
            };
            let ask_id = bills::add_ask(&c, &mut tx, id, &new).await?;
            if let Some(name) = file_as {
                let councilor: i64 =
                    sqlx::query_scalar("SELECT id FROM councilors WHERE name = $1")
                        .bind(*name)
                        .fetch_one(&mut *tx)
                        .await?;
                bills::file_ask(&c, &mut tx, id, ask_id, councilor).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Two promises made in session on the social-housing question (會後補資料): the figures the
/// bureau head promised, due by the rule (and so running late), and a list promised by a
/// day of his own.
async fn seed_demo_promises(
    state: &AppState,
    cast: &Cast,
    shift: Duration,
) -> Result<(), AppError> {
    use app::promises::{db as promises, PromiseForm};
    let pool = &state.db;
    let (question, lead): (i64, i64) = sqlx::query_as(
        "SELECT c.id, a.bureau_id FROM cases c JOIN assignments a ON a.case_id = c.id \
         WHERE c.kind = 'question' AND c.topic = $1 AND a.role = 'lead' \
         AND a.state IN ('pending', 'accepted') ORDER BY c.id LIMIT 1",
    )
    .bind(QUESTIONS[0].2)
    .fetch_one(pool)
    .await?;
    let mut c =
        app::caller::Caller::acting(cast.secretariat.clone(), state.clone(), "127.0.0.1".into());
    c.now = chrono::DateTime::from_timestamp(at(moved("2024-03-12", shift), "16:40"), 0)
        .unwrap_or(c.now);
    let rows = [
        (
            "都市發展局局長",
            "提供近三年社會住宅各基地申請戶數、中籤率及弱勢保障戶比例統計。",
            String::new(),
        ),
        (
            "市長",
            "提供各行政區社會住宅預定基地清單與預定完工年度。",
            app::dates::roc_date(moved("2024-04-02", shift)),
        ),
    ];
    for (by, what, due_on) in rows {
        let promise = PromiseForm {
            promised_by: by.into(),
            what: what.into(),
            bureau_id: lead.to_string(),
            due_on,
        }
        .parse(c.today())?;
        let mut tx = c.begin().await?;
        promises::record(&c, &mut tx, question, &promise).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The lead bureau's internal background on two cases: the social-housing question (media
/// and budget), and a reply waiting for the reviewer (legal risk), so the reviewer's queue
/// shows a flag.
async fn seed_demo_backgrounds(
    state: &AppState,
    cast: &Cast,
    shift: Duration,
) -> Result<(), AppError> {
    use app::background::{db as background, parse};
    let pool = &state.db;
    let housing: i64 = sqlx::query_scalar(
        "SELECT id FROM cases WHERE kind = 'question' AND topic = $1 ORDER BY id LIMIT 1",
    )
    .bind(QUESTIONS[0].2)
    .fetch_one(pool)
    .await?;
    let in_review: Option<(i64, String)> = sqlx::query_as(
        "SELECT c.id, b.code FROM cases c JOIN assignments a ON a.case_id = c.id \
         JOIN bureaus b ON b.id = a.bureau_id WHERE c.status = 'in_review' \
         AND a.role = 'lead' AND a.state = 'accepted' ORDER BY c.id LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    let mut rows = vec![(
        housing,
        QUESTIONS[0].0.to_owned(),
        "議員將於總質詢後召開記者會，媒體已追問北投基地延宕一年的原因；追加預算須於下次定期會提出。",
        vec!["media".to_owned(), "budget".to_owned()],
    )];
    if let Some((id, code)) = in_review {
        rows.push((
            id,
            code,
            "答復內容涉及承包商履約爭議，相關訴訟仍在地方法院審理中，用語請法務局確認。",
            vec!["legal".to_owned()],
        ));
    }
    for (case_id, code, note, flags) in rows {
        let liaison = &cast.of(&code).2;
        let mut c = app::caller::Caller::acting(liaison.clone(), state.clone(), "127.0.0.1".into());
        c.now = chrono::DateTime::from_timestamp(at(moved("2024-03-13", shift), "11:20"), 0)
            .unwrap_or(c.now);
        let new = parse(note, &flags)?;
        let mut tx = c.begin().await?;
        background::save(&c, &mut tx, case_id, 0, &new).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The council's letter and the city's on the first data request answered and approved, so
/// its page offers the letter draft and the status page shows both numbers.
async fn seed_demo_letters(state: &AppState, cast: &Cast, shift: Duration) -> Result<(), AppError> {
    use app::letters::{db as letters, LetterForm, Which};
    let Some((case_id, code)): Option<(i64, String)> = sqlx::query_as(
        "SELECT c.id, b.code FROM cases c JOIN assignments a ON a.case_id = c.id \
         JOIN bureaus b ON b.id = a.bureau_id WHERE c.kind = 'data_request' \
         AND c.status IN ('closed', 'tracking') AND a.role = 'lead' AND a.state = 'accepted' \
         ORDER BY c.number LIMIT 1",
    )
    .fetch_optional(&state.db)
    .await?
    else {
        return Ok(());
    };
    let acting = |user: &CurrentUser| {
        let mut c = app::caller::Caller::acting(user.clone(), state.clone(), "127.0.0.1".into());
        c.now = chrono::DateTime::from_timestamp(at(moved("2024-03-22", shift), "15:00"), 0)
            .unwrap_or(c.now);
        c
    };
    let rows = [
        (
            &cast.secretariat,
            Which::Incoming,
            "議議字第1130003158號",
            moved("2024-03-11", shift),
        ),
        (
            &cast.of(&code).2,
            Which::Outgoing,
            "府授字第1133056789號",
            moved("2024-03-22", shift),
        ),
    ];
    for (who, which, number, on) in rows {
        let c = acting(who);
        let letter = LetterForm {
            number: number.into(),
            on: app::dates::roc_date(on),
        }
        .parse(c.today())?;
        let mut tx = c.begin().await?;
        letters::save(&c, &mut tx, case_id, which, &letter).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Two interim replies: a question still being answered whose office has not yet agreed to
/// the later day, and a data request whose office agreed to delivery in batches (its due
/// date moved). Sent today, so their new dates lie ahead of whenever the demo is loaded.
async fn seed_demo_interims(state: &AppState, cast: &Cast) -> Result<(), AppError> {
    use app::interim::{db as interim, InterimForm};
    let pool = &state.db;
    for (kind, agreement, who) in [
        ("question", "none", ""),
        ("data_request", "batches", "議員辦公室張助理"),
    ] {
        let Some((case_id, code, due_on)): Option<(i64, String, String)> = sqlx::query_as(
            "SELECT c.id, b.code, c.due_on FROM cases c JOIN assignments a ON a.case_id = c.id \
             JOIN bureaus b ON b.id = a.bureau_id WHERE c.kind = $1 AND c.status = 'in_progress' \
             AND a.role = 'lead' AND a.state = 'accepted' ORDER BY c.number LIMIT 1",
        )
        .bind(kind)
        .fetch_optional(pool)
        .await?
        else {
            continue;
        };
        let liaison = &cast.of(&code).2;
        let c = app::caller::Caller::acting(liaison.clone(), state.clone(), "127.0.0.1".into());
        let due: NaiveDate = due_on.parse().unwrap_or_else(|_| c.today());
        let new_due = due.max(c.today()) + Duration::days(14);
        let form = InterimForm {
            known: "已彙整各區初步資料，尚缺兩個行政區的統計。".into(),
            why: "其餘資料須向中央主管機關調閱，預計兩週內取得。".into(),
            new_due_on: app::dates::roc_date(new_due),
            agreement: agreement.into(),
            agreed_with: who.into(),
        };
        let mut tx = c.begin().await?;
        interim::record(&c, &mut tx, case_id, &form).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Two corrections (勘誤) of answered questions: one the reviewer approved (its office told,
/// waiting for the next volume), one waiting on the reviewer's start page.
async fn seed_demo_corrections(state: &AppState, cast: &Cast) -> Result<(), AppError> {
    use app::corrections::{db as corrections, CorrectionForm, Step};
    let answered: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT c.id, b.code, c.reply FROM cases c JOIN assignments a ON a.case_id = c.id \
         JOIN bureaus b ON b.id = a.bureau_id WHERE c.kind = 'question' \
         AND c.status IN ('closed', 'tracking') AND c.reply <> '' AND a.role = 'lead' \
         AND a.state = 'accepted' ORDER BY c.number DESC LIMIT 2",
    )
    .fetch_all(&state.db)
    .await?;
    for (i, (case_id, code, reply)) in answered.into_iter().enumerate() {
        let acting = |user: &CurrentUser| {
            app::caller::Caller::acting(user.clone(), state.clone(), "127.0.0.1".into())
        };
        let c = acting(&cast.of(&code).2);
        let form = CorrectionForm {
            body: format!("{reply}\n（更正：第二段所列完工期程應為「明年第二季」，特此更正。）"),
            why: "原答復誤植完工期程。".into(),
        };
        let mut tx = c.begin().await?;
        let id = corrections::submit(&c, &mut tx, case_id, &form).await?;
        tx.commit().await?;
        if i == 0 {
            let c = acting(&cast.reviewer);
            let mut tx = c.begin().await?;
            corrections::review(&c, &mut tx, id, Step::Approve, "").await?;
            tx.commit().await?;
        }
    }
    Ok(())
}

/// A grouped answer (two questions of one bureau still being written, the later grouped
/// under the earlier) and a referral (a question answered by quoting the same bureau's
/// approved answer), as the lead bureau would through the similar-case list.
async fn seed_demo_shared_replies(state: &AppState, cast: &Cast) -> Result<(), AppError> {
    use app::grouping::db as grouping;
    let pool = &state.db;
    let writing: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, b.code FROM cases c JOIN assignments a ON a.case_id = c.id \
         JOIN bureaus b ON b.id = a.bureau_id WHERE c.kind = 'question' \
         AND c.status IN ('in_progress', 'returned') AND a.role = 'lead' \
         AND a.state = 'accepted' \
         AND NOT EXISTS (SELECT 1 FROM interim_replies i WHERE i.case_id = c.id) \
         ORDER BY b.code, c.number",
    )
    .fetch_all(pool)
    .await?;
    let acting = |code: &str| {
        app::caller::Caller::acting(cast.of(code).2.clone(), state.clone(), "127.0.0.1".into())
    };
    // The first bureau with two questions being written groups them.
    if let Some(pair) = writing.windows(2).find(|w| w[0].1 == w[1].1) {
        let c = acting(&pair[0].1);
        let mut tx = c.begin().await?;
        grouping::group(&c, &mut tx, pair[0].0, pair[1].0).await?;
        tx.commit().await?;
    }
    // A question of another bureau refers to that bureau's approved answer.
    let approved: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, b.code FROM cases c JOIN assignments a ON a.case_id = c.id \
         JOIN bureaus b ON b.id = a.bureau_id WHERE c.kind = 'question' \
         AND c.status IN ('closed', 'tracking') AND a.role = 'lead' AND a.state = 'accepted' \
         AND NOT EXISTS (SELECT 1 FROM corrections k WHERE k.case_id = c.id) \
         ORDER BY c.number",
    )
    .fetch_all(pool)
    .await?;
    let linked: Vec<i64> = sqlx::query_scalar("SELECT case_id FROM shared_replies")
        .fetch_all(pool)
        .await?;
    let anchors: Vec<i64> = sqlx::query_scalar("SELECT source_id FROM shared_replies")
        .fetch_all(pool)
        .await?;
    let free = writing
        .iter()
        .filter(|(id, _)| !linked.contains(id) && !anchors.contains(id));
    for (case_id, code) in free {
        if let Some((source, _)) = approved.iter().find(|(_, c)| c == code) {
            let c = acting(code);
            let mut tx = c.begin().await?;
            grouping::refer(&c, &mut tx, *case_id, *source).await?;
            tx.commit().await?;
            break;
        }
    }
    Ok(())
}

fn at(day: NaiveDate, time: &str) -> i64 {
    app::dates::parse_taipei_datetime(&format!("{day} {time}")).unwrap_or_default()
}

/// The follow-up meetings of the demo: two held (progress reported before each, decisions
/// taken and confirmed through the same code the app uses) and the next one scheduled, so a
/// newcomer sees the whole cycle.
async fn seed_demo_meetings(
    state: &AppState,
    cast: &Cast,
    shift: Duration,
) -> Result<(), AppError> {
    use app::meetings::{db as meetings, DecisionForm, NewMeeting};
    let pool = &state.db;
    let attendees = vec![
        "副秘書長 陳志明（主席）".to_owned(),
        "秘書處府會聯絡科 林科長".to_owned(),
        "研考會管考組 王組長".to_owned(),
        "各主辦機關府會聯絡員".to_owned(),
    ];
    let liaison_of = |bureau: i64| {
        cast.bureaus
            .iter()
            .find(|b| b.1 == bureau)
            .map(|b| b.2.clone())
    };
    let reports = [
        "已召開跨局處協調會，細部計畫修正中。",
        "已完成現地會勘，預計下月提出改善方案。",
        "預算已納入年度計畫，辦理招標作業中。",
        "持續與議員辦公室溝通，相關資料已補送。",
    ];
    let rounds = [("2024-03-29", "2024-03-27"), ("2024-04-12", "2024-04-10")];
    for (round, (held, reported)) in rounds.iter().enumerate() {
        let held_on = moved(held, shift);
        let tracked = meetings::tracked_cases(pool).await?;
        // Most bureaus report before the meeting; every third case has nothing new.
        let mut tx = app::db::begin(pool).await?;
        for (i, case) in tracked.iter().enumerate() {
            if (i + round) % 3 == 2 {
                continue;
            }
            if let Some(liaison) = liaison_of(case.lead_bureau_id) {
                let expected = (i % 2 == 0).then(|| held_on + Duration::days(30));
                let update = app::cases::ProgressUpdate {
                    body: reports[(i + round) % reports.len()].to_owned(),
                    expected_on: expected,
                    ..Default::default()
                };
                cases::report_progress(
                    &mut tx,
                    case.id,
                    &liaison,
                    &update,
                    at(moved(reported, shift), "16:00"),
                )
                .await?;
            }
        }
        let meeting = NewMeeting {
            held_on,
            starts_at: "14:30".into(),
            place: "市政大樓 11 樓第 2 會議室".into(),
            attendees: attendees.clone(),
        };
        let scheduled_at = at(held_on - Duration::days(7), "10:00");
        let id = meetings::schedule(&mut tx, &meeting, &cast.secretariat, scheduled_at).await?;
        let next = (held_on + Duration::days(14)).to_string();
        for (i, case) in tracked.iter().enumerate() {
            let form = match (round, i) {
                (_, 0) | (1, 1) => DecisionForm {
                    decision: "release".into(),
                    remark: "已完成改善，解除列管。".into(),
                    ..Default::default()
                },
                (0, 1) => DecisionForm {
                    decision: "escalate".into(),
                    remark: "涉及跨局處預算，提報秘書長協調。".into(),
                    ..Default::default()
                },
                _ => DecisionForm {
                    decision: "keep".into(),
                    next_check_on: next.clone(),
                    remark: "請於下次會議報告辦理進度。".into(),
                    ..Default::default()
                },
            };
            meetings::record_decision(
                &mut tx,
                id,
                case.id,
                &form,
                &cast.reviewer,
                at(held_on, "15:00"),
            )
            .await?;
        }
        meetings::confirm(&mut tx, id, &cast.reviewer, at(held_on, "16:30")).await?;
        tx.commit().await?;
    }
    // The next meeting, two weeks on: scheduled, its agenda live.
    let held_on = moved("2024-04-26", shift);
    let mut tx = app::db::begin(pool).await?;
    let meeting = NewMeeting {
        held_on,
        starts_at: "14:30".into(),
        place: "市政大樓 11 樓第 2 會議室".into(),
        attendees,
    };
    meetings::schedule(
        &mut tx,
        &meeting,
        &cast.secretariat,
        at(moved("2024-04-15", shift), "10:00"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_plan_covers_sixty_cases_and_every_state() {
        let goals: Vec<Goal> = (0..60).map(question_goal).collect();
        for goal in [
            Goal::Unassigned,
            Goal::LeadRejected,
            Goal::Assigned,
            Goal::InProgress,
            Goal::AwaitingSignOff,
            Goal::SignedOff,
            Goal::InReview,
            Goal::Returned,
            Goal::Closed,
            Goal::Tracking,
        ] {
            assert!(goals.contains(&goal), "{goal:?}");
        }
        assert_eq!(goals.iter().filter(|g| **g == Goal::Unassigned).count(), 4);
    }
}
