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
}

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
    Fixture {
        agenda,
        minutes,
        job,
        import,
    }
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
