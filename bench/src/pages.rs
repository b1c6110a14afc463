//! What the pages beyond the case list need to have something to show: a scheduled meeting
//! (its agenda is every tracked case), minutes of a held one, a finished volume job, an
//! uploaded list of 600 rows to preview. Written once per database; a second run finds them.

use app::{
    auth::CurrentUser,
    meetings::{DecisionKind, Minutes, MinutesGroup, MinutesItem, NewMeeting},
    state::AppState,
};
use chrono::Duration;

pub struct Fixture {
    pub agenda: i64,
    pub minutes: i64,
    pub job: i64,
    pub import: i64,
    /// A councilor's link, for the office's filing form (a new one each run: a token is
    /// only ever known when it is made).
    pub filing_token: String,
    /// An execution report compiled over the two newest sessions' resolutions.
    pub execution_report: i64,
    /// The newest session, which has bills and briefings; a bill of it with its steps; a
    /// held briefing with its bills, positions and asks.
    pub bills_session: i64,
    pub bill: i64,
    pub briefing: i64,
}

/// A decade of a council's resolutions (some 250 a session), recorded once: generated data
/// has none.
const RESOLUTIONS: usize = 5_000;

/// A decade of bills (some 150 a session from every bureau), recorded once.
const BILLS: usize = 3_000;
/// Briefings of the newest session, one per caucus, each presenting this many bills.
const BRIEFING_BILLS: usize = 10;

/// Service cases the list of them shows, recorded once: generated data has none.
const SERVICE_CASES: usize = 500;

/// Rows of the uploaded list, the size of a long session's list from the council.
const IMPORT_ROWS: usize = 600;
/// Items of the held meeting's minutes.
const MINUTES_ITEMS: i64 = 300;

pub async fn fixture(state: &AppState, sec: &CurrentUser) -> Fixture {
    let db = &state.db;
    let now = state.now().timestamp();
    let today = state.today();
    let agenda = match sqlx::query_scalar("SELECT id FROM meetings WHERE status = 'scheduled'")
        .fetch_optional(db)
        .await
        .unwrap()
    {
        Some(id) => id,
        None => {
            let mut tx = app::db::begin(db).await.unwrap();
            let meeting = NewMeeting {
                held_on: today + Duration::days(14),
                starts_at: "14:30".into(),
                place: "市政大樓簡報室".into(),
                attendees: vec!["副秘書長".into(), "研考會".into()],
            };
            let id = app::meetings::db::schedule(&mut tx, &meeting, sec, now)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            id
        }
    };

    let minutes = match sqlx::query_scalar("SELECT id FROM meetings WHERE status = 'held'")
        .fetch_optional(db)
        .await
        .unwrap()
    {
        Some(id) => id,
        None => held_meeting(state, sec, today - Duration::days(14)).await,
    };

    let job = match sqlx::query_scalar(
        "SELECT id FROM volume_jobs WHERE requested_by = $1 AND state = 'done'",
    )
    .bind(sec.id)
    .fetch_optional(db)
    .await
    .unwrap()
    {
        Some(id) => id,
        None => sqlx::query_scalar(
            "INSERT INTO volume_jobs (requested_by, session_id, filter, format, state, done, \
               total, file_name, content_type, data, created_at, updated_at) \
             VALUES ($1, (SELECT MAX(id) FROM council_sessions), '', 'pdf', 'done', 120, 120, \
               '書面答復.pdf', 'application/pdf', $2, $3, $3) RETURNING id",
        )
        .bind(sec.id)
        .bind(b"%PDF-1.7\n".to_vec())
        .bind(now)
        .fetch_one(db)
        .await
        .unwrap(),
    };

    let import = match sqlx::query_scalar(
        "SELECT id FROM question_imports WHERE requested_by = $1 AND file_name = 'bench.csv'",
    )
    .bind(sec.id)
    .fetch_optional(db)
    .await
    .unwrap()
    {
        Some(id) => id,
        None => import_list(state, sec.id, now).await,
    };
    service_cases(state, sec, now).await;
    let execution_report = resolutions(state, sec, now).await;
    let (bills_session, bill, briefing) = bills(state, sec).await;
    let councilor: i64 = sqlx::query_scalar("SELECT MIN(id) FROM councilors")
        .fetch_one(db)
        .await
        .unwrap();
    let mut tx = app::db::begin(db).await.unwrap();
    let scope = app::links::Scope {
        councilor_id: councilor,
        case_id: None,
    };
    let (_, filing_token) =
        app::links::db::create(&mut tx, scope, today + Duration::days(30), sec.id, now)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    Fixture {
        agenda,
        minutes,
        job,
        import,
        filing_token,
        execution_report,
        bills_session,
        bill,
        briefing,
    }
}

/// Records `BILLS` bills through the app's own operations, spread over every session and
/// bureau, each sent and read the first time, one in five marked major; then a briefing per
/// caucus of the newest session, held, with positions and two asks each. Returns the newest
/// session, its first bill and its first briefing.
async fn bills(state: &AppState, sec: &CurrentUser) -> (i64, i64, i64) {
    use app::bills::{db as bills, BillForm, NewAsk, Position, StageForm};
    let db = &state.db;
    let sessions: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM council_sessions ORDER BY starts_on")
            .fetch_all(db)
            .await
            .unwrap();
    let newest = *sessions.last().unwrap();
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bills")
        .fetch_one(db)
        .await
        .unwrap();
    let bureaus: Vec<i64> = sqlx::query_scalar("SELECT id FROM bureaus ORDER BY id")
        .fetch_all(db)
        .await
        .unwrap();
    let c = app::caller::Caller::acting(sec.clone(), state.clone(), "127.0.0.1".into());
    let today = c.today();
    let kinds = [
        "ordinance_amended",
        "ordinance_new",
        "budget",
        "other",
        "report",
    ];
    let mut tx = app::db::begin(db).await.unwrap();
    for i in have as usize..BILLS {
        let form = BillForm {
            session_id: sessions[i * sessions.len() / BILLS].to_string(),
            bureau_id: bureaus[i % bureaus.len()].to_string(),
            bill_kind: kinds[i % kinds.len()].into(),
            title: format!("自治條例部分條文修正草案（第 {i} 案）"),
            why: "因應實務需要，簡化申請程序並明定罰則，以利執行。".into(),
            changes: "第5條：審議期限縮短為六個月。".into(),
            committee: "工務委員會".into(),
            ..Default::default()
        };
        let id = bills::record(&c, &mut tx, &form.parse().unwrap())
            .await
            .unwrap();
        for (version, (stage, days)) in [("sent", 20), ("first_reading", 10)]
            .into_iter()
            .enumerate()
        {
            let step = StageForm {
                stage: stage.into(),
                on: (today - Duration::days(days)).to_string(),
                note: String::new(),
                council_number: String::new(),
            };
            bills::record_stage(&c, &mut tx, id, &step, version as i64 + 1)
                .await
                .unwrap();
        }
        if i % 5 == 0 {
            bills::mark_major(&c, &mut tx, id, true).await.unwrap();
        }
        if i % 200 == 199 {
            tx.commit().await.unwrap();
            tx = app::db::begin(db).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    let bill: i64 = sqlx::query_scalar("SELECT MIN(id) FROM bills WHERE session_id = $1")
        .bind(newest)
        .fetch_one(db)
        .await
        .unwrap();
    if let Some(id) = sqlx::query_scalar("SELECT MIN(id) FROM caucus_briefings")
        .fetch_one(db)
        .await
        .unwrap()
    {
        return (newest, bill, id);
    }
    let caucuses: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT co.caucus FROM councilors co JOIN council_sessions s ON s.term_id = co.term_id \
         WHERE s.id = $1 AND co.caucus <> '' ORDER BY co.caucus",
    )
    .bind(newest)
    .fetch_all(db)
    .await
    .unwrap();
    let major: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM bills WHERE session_id = $1 AND major = $2 ORDER BY id")
            .bind(newest)
            .bind(true)
            .fetch_all(db)
            .await
            .unwrap();
    let mut first = None;
    let mut tx = app::db::begin(db).await.unwrap();
    for caucus in caucuses {
        let form = app::bills::BriefingForm {
            session_id: newest.to_string(),
            caucus,
            held_on: (today - Duration::days(3)).to_string(),
            starts_at: "10:00".into(),
            place: "議會黨團會議室".into(),
            attendees: "市長、相關局處首長".into(),
        };
        let id = bills::schedule(&c, &mut tx, &form.parse().unwrap())
            .await
            .unwrap();
        let chosen: Vec<i64> = major.iter().take(BRIEFING_BILLS).copied().collect();
        bills::choose_bills(&c, &mut tx, id, &chosen).await.unwrap();
        let positions: Vec<(i64, Position)> = chosen
            .iter()
            .enumerate()
            .map(|(i, b)| (*b, Position::ALL[i % Position::ALL.len()]))
            .collect();
        bills::record_outcome(&c, &mut tx, id, &positions, "市長說明各案重點。")
            .await
            .unwrap();
        for ask in ["請提供近三年執行統計。", "請說明經費來源。"] {
            let new = NewAsk {
                bill_id: chosen.first().copied(),
                ask: ask.into(),
            };
            bills::add_ask(&c, &mut tx, id, &new).await.unwrap();
        }
        first.get_or_insert(id);
    }
    tx.commit().await.unwrap();
    (newest, bill, first.unwrap_or_default())
}

/// Records `RESOLUTIONS` resolutions through the app's own operation, spread over every
/// session (received the day each opens, plus a few), with a lead bureau and two execution
/// updates each written directly as generated data is; then compiles an execution report
/// over the two newest sessions, unless one is there. Returns the report's id.
async fn resolutions(state: &AppState, sec: &CurrentUser, now: i64) -> i64 {
    let db = &state.db;
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE kind = 'resolution'")
        .fetch_one(db)
        .await
        .unwrap();
    let sessions: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, starts_on FROM council_sessions ORDER BY starts_on")
            .fetch_all(db)
            .await
            .unwrap();
    let councilors: Vec<i64> = sqlx::query_scalar("SELECT id FROM councilors ORDER BY id")
        .fetch_all(db)
        .await
        .unwrap();
    let bureaus: Vec<i64> = sqlx::query_scalar("SELECT id FROM bureaus ORDER BY id LIMIT 12")
        .fetch_all(db)
        .await
        .unwrap();
    let kinds = ["budget_rider", "motion", "motion", "petition", "bill"];
    let asks = [
        "人行道改善",
        "公車站牌",
        "社區長照據點",
        "校園午餐",
        "老舊公寓電梯",
    ];
    let mut tx = app::db::begin(db).await.unwrap();
    for i in have as usize..RESOLUTIONS {
        let (session, opens) = &sessions[i * sessions.len() / RESOLUTIONS];
        let opens: chrono::NaiveDate = opens.parse().unwrap();
        let kind = kinds[i % kinds.len()];
        let form = app::resolutions::ResolutionForm {
            session_id: session.to_string(),
            resolution_kind: kind.into(),
            sitting: "第3次定期大會第10次會議".into(),
            councilor_ids: if kind == "bill" {
                Vec::new()
            } else {
                vec![councilors[i % councilors.len()].to_string()]
            },
            topic: format!("{}（第 {i} 案）", asks[i % asks.len()]),
            body: "建請市府研議改善，並將辦理情形函復本會。".into(),
            letter_number: format!("議議字第{}號", 1_000_000 + i),
            received_on: (opens + Duration::days((i % 60) as i64)).to_string(),
            requirement: "action".into(),
            committee: String::new(),
            report_by: String::new(),
            budget_item: if kind == "budget_rider" {
                "工務局 人行道改善工程".into()
            } else {
                String::new()
            },
        };
        let id = app::resolutions::db::record(&mut tx, &form.parse().unwrap(), sec, now)
            .await
            .unwrap();
        let bureau = bureaus[i % bureaus.len()];
        sqlx::query(
            "INSERT INTO assignments (case_id, bureau_id, role, state, assigned_by, assigned_at, \
               responded_by, responded_at) VALUES ($1, $2, 'lead', 'accepted', $3, $4, $3, $4)",
        )
        .bind(id)
        .bind(bureau)
        .bind(sec.id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
        for (n, percent) in [(1, 30), (2, 60)] {
            sqlx::query(
                "INSERT INTO progress_reports (case_id, bureau_id, body, percent, letter_number, \
                   reported_by, reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(bureau)
            .bind(format!("第 {n} 次執行情形：已完成規劃，辦理發包作業中。"))
            .bind(percent)
            .bind(format!("府授字第{}號", 2_000_000 + i * 2 + n))
            .bind(sec.id)
            .bind(now - 86_400 * (3 - n) as i64)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        sqlx::query("UPDATE cases SET status = 'in_progress' WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .unwrap();
        if i % 200 == 199 {
            tx.commit().await.unwrap();
            tx = app::db::begin(db).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    // PostgreSQL: as after generating, vacuum what was just written, or the counts read
    // the table for rows the visibility map does not know yet (9,291 heap fetches, 14 ms
    // of the reports page) until autovacuum comes by during a measurement.
    let postgres = db
        .connect_options()
        .database_url
        .scheme()
        .starts_with("postgres");
    if have < RESOLUTIONS as i64 && postgres {
        sqlx::query("VACUUM ANALYZE").execute(db).await.unwrap();
    }
    if let Some(id) = sqlx::query_scalar("SELECT MAX(id) FROM execution_reports")
        .fetch_one(db)
        .await
        .unwrap()
    {
        return id;
    }
    let newest: Vec<i64> = sessions.iter().rev().take(2).map(|(id, _)| *id).collect();
    let target: i64 = sqlx::query_scalar(
        "SELECT id FROM council_sessions WHERE kind = 'regular' ORDER BY starts_on DESC LIMIT 1",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let c = app::caller::Caller::acting(sec.clone(), state.clone(), "127.0.0.1".into());
    let mut tx = app::db::begin(db).await.unwrap();
    let id = app::resolutions::db::compile(&c, &mut tx, target, &newest, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Records `SERVICE_CASES` service cases through the app's own operation, spread over the
/// categories and the councilors of the newest session, unless they are there.
async fn service_cases(state: &AppState, sec: &CurrentUser, now: i64) {
    let db = &state.db;
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE kind = 'service'")
        .fetch_one(db)
        .await
        .unwrap();
    if have as usize >= SERVICE_CASES {
        return;
    }
    let session: i64 = sqlx::query_scalar("SELECT MAX(id) FROM council_sessions")
        .fetch_one(db)
        .await
        .unwrap();
    let categories: Vec<i64> = sqlx::query_scalar("SELECT id FROM service_categories")
        .fetch_all(db)
        .await
        .unwrap();
    let councilors: Vec<i64> = sqlx::query_scalar("SELECT id FROM councilors ORDER BY id")
        .fetch_all(db)
        .await
        .unwrap();
    let places = [
        "興隆路二段",
        "民生東路三段",
        "石牌路一段",
        "中正路",
        "忠孝東路五段",
    ];
    let asks = [
        "路燈不亮",
        "人行道破損",
        "排水溝堵塞",
        "公園設施損壞",
        "違規廣告物",
    ];
    let mut tx = app::db::begin(db).await.unwrap();
    for i in have as usize..SERVICE_CASES {
        let case = app::service::ServiceCase {
            category_id: categories[i % categories.len()],
            district: "示範區".into(),
            address: format!("{} {} 號", places[i % places.len()], 10 + i),
            topic: format!("{}{}", places[(i / 5) % places.len()], asks[i % asks.len()]),
            body: "里民反映，請派員查看並儘速改善。".into(),
            office_contact: "服務處 助理".into(),
            constituent: app::service::Constituent {
                name: "陳先生".into(),
                phone: "0912-000-000".into(),
            },
        };
        app::service::db::record(
            &mut tx,
            session,
            councilors[i % councilors.len()],
            now - (SERVICE_CASES - i) as i64 * 3_600,
            &case,
            app::cases::db::RecordedBy::User(sec),
            now,
        )
        .await
        .unwrap();
        if i % 100 == 99 {
            tx.commit().await.unwrap();
            tx = app::db::begin(db).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
}

/// A held meeting whose minutes decide on tracked cases, grouped by bureau as the
/// confirmation writes them.
async fn held_meeting(state: &AppState, sec: &CurrentUser, held_on: chrono::NaiveDate) -> i64 {
    let cases: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT c.id, c.number, c.topic, b.name FROM cases c \
         JOIN assignments a ON a.case_id = c.id AND a.role = 'lead' AND a.state = 'accepted' \
         JOIN bureaus b ON b.id = a.bureau_id \
         WHERE c.status = 'tracking' ORDER BY b.sort_order, c.id LIMIT $1",
    )
    .bind(MINUTES_ITEMS)
    .fetch_all(&state.db)
    .await
    .unwrap();
    let mut groups: Vec<MinutesGroup> = Vec::new();
    for (i, (id, number, topic, bureau)) in cases.into_iter().enumerate() {
        let item = MinutesItem {
            case_id: id,
            label: format!("質詢 第 {number} 號"),
            topic,
            decision: if i % 3 == 0 {
                DecisionKind::Release
            } else {
                DecisionKind::Keep
            },
            next_check_on: (i % 3 != 0).then_some(held_on + Duration::days(14)),
            new_bureau: None,
            remark: "持續追蹤辦理進度。".into(),
            progress: Some("已完成初步規劃，預定下月提出報告。".into()),
        };
        match groups.last_mut() {
            Some(g) if g.bureau == bureau => g.items.push(item),
            _ => groups.push(MinutesGroup {
                bureau,
                items: vec![item],
            }),
        }
    }
    let at = state.now().timestamp() - 14 * 24 * 3600;
    let minutes = Minutes {
        held_on,
        starts_at: "14:30".into(),
        place: "市政大樓簡報室".into(),
        attendees: vec!["副秘書長".into(), "研考會".into()],
        confirmed_by: sec.display_name.clone(),
        confirmed_at: at,
        groups,
    };
    sqlx::query_scalar(
        "INSERT INTO meetings (held_on, starts_at, place, status, scheduled_by, scheduled_at, \
           confirmed_by, confirmed_at, minutes) \
         VALUES ($1, '14:30', '市政大樓簡報室', 'held', $2, $3, $2, $3, $4) RETURNING id",
    )
    .bind(held_on.to_string())
    .bind(sec.id)
    .bind(at)
    .bind(serde_json::to_string(&minutes).unwrap())
    .fetch_one(&state.db)
    .await
    .unwrap()
}

/// A council list of `IMPORT_ROWS` questions of the newest session, its councilors' names
/// as the council writes them, stored as the upload form stores it.
async fn import_list(state: &AppState, sec: i64, now: i64) -> i64 {
    let session: i64 = sqlx::query_scalar("SELECT MAX(id) FROM council_sessions")
        .fetch_one(&state.db)
        .await
        .unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT co.name FROM councilors co JOIN council_sessions s ON s.term_id = co.term_id \
         WHERE s.id = $1 ORDER BY co.id",
    )
    .bind(session)
    .fetch_all(&state.db)
    .await
    .unwrap();
    let mut csv = String::from("\u{feff}編號,議員,類別,日期,議題,內容\r\n");
    for i in 0..IMPORT_ROWS {
        let name = &names[i % names.len()];
        csv.push_str(&format!(
            "{},{name},市政總質詢,{},第 {} 案停車場與社會住宅規劃,請說明辦理進度與經費。\r\n",
            50_000 + i,
            app::dates::roc_date(state.today()),
            i + 1
        ));
    }
    let table = server::features::import::read_table_now("bench.csv", csv.as_bytes(), "").unwrap();
    app::import::db::store(&state.db, sec, session, "bench.csv", &table, now)
        .await
        .unwrap()
}
