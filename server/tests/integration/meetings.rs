//! The follow-up meeting (追蹤會議): bureaus report progress on tracked cases, the
//! secretariat schedules the meeting, the reviewer decides on each case, and confirming the
//! meeting applies every decision at once.

use crate::harness::TestApp;
use app::cases::CaseStatus;
use reqwest::{Client, StatusCode};

/// The people of a meeting cycle: the secretariat, the reviewer, and a liaison and an
/// approver at 都市發展局 (UDD) and 交通局 (DOT).
pub struct Cast {
    pub sec: Client,
    pub rev: Client,
    pub udd: Client,
    pub udd_boss: Client,
    pub dot: Client,
    pub dot_boss: Client,
}

impl Cast {
    pub async fn new(app: &TestApp) -> Self {
        Self {
            sec: app.signed_in("chen.sec", "secretariat", None).await,
            rev: app.signed_in("lo.rev", "reviewer", None).await,
            udd: app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await,
            udd_boss: app
                .signed_in("wang.udd", "bureau_approver", Some("UDD"))
                .await,
            dot: app
                .signed_in("chiang.dot", "bureau_liaison", Some("DOT"))
                .await,
            dot_boss: app
                .signed_in("lee.dot", "bureau_approver", Some("DOT"))
                .await,
        }
    }

    /// Days pass (sessions end overnight); everyone signs in again the morning after.
    pub async fn days_later(&self, app: &TestApp, days: i64) {
        app.advance(days * 24 * 60);
        for (client, username) in [
            (&self.sec, "chen.sec"),
            (&self.rev, "lo.rev"),
            (&self.udd, "ho.udd"),
            (&self.udd_boss, "wang.udd"),
            (&self.dot, "chiang.dot"),
            (&self.dot_boss, "lee.dot"),
        ] {
            let res = app.login(client, username, crate::harness::PASSWORD).await;
            assert!(res.status().is_success(), "{username}: {}", res.status());
        }
    }

    fn bureau(&self, code: &str) -> (&Client, &Client) {
        match code {
            "UDD" => (&self.udd, &self.udd_boss),
            "DOT" => (&self.dot, &self.dot_boss),
            other => panic!("no cast at {other}"),
        }
    }
}

/// Takes a question through the workflow to approval with tracking (列管) at `lead`.
pub async fn tracked(app: &TestApp, cast: &Cast, number: i64, topic: &str, lead: &str) -> i64 {
    let id = app.record_question(&cast.sec, number, topic).await;
    app.assign(&cast.sec, id, lead, &[]).await;
    let (liaison, boss) = cast.bureau(lead);
    app.ok(liaison, "cases/accept", &[("case_id", id.to_string())])
        .await;
    let version = app.case(liaison, id).await.reply_version;
    let res = app
        .save_reply(liaison, id, version, "已研議改善方案，持續辦理。")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    for (who, step) in [
        (liaison, "submit"),
        (boss, "sign_off"),
        (&cast.sec, "pass_to_review"),
    ] {
        assert_eq!(
            app.step(who, id, step, "").await.status(),
            StatusCode::OK,
            "{step}"
        );
    }
    let version = app.case(&cast.rev, id).await.version;
    app.ok(
        &cast.rev,
        "cases/step",
        &[
            ("case_id", id.to_string()),
            ("version", version.to_string()),
            ("step", "approve".into()),
            // As the page's radio sends 繼續列管.
            ("keep_tracking", "1".into()),
        ],
    )
    .await;
    assert_eq!(app.case(&cast.rev, id).await.status, CaseStatus::Tracking);
    id
}

pub async fn report(
    app: &TestApp,
    who: &Client,
    case: i64,
    text: &str,
    on: &str,
) -> reqwest::Response {
    app.call(
        who,
        "cases/progress",
        &[
            ("case_id", case.to_string()),
            ("form[body]", text.to_owned()),
            ("form[expected_on]", on.to_owned()),
        ],
    )
    .await
}

#[tokio::test]
async fn a_bureau_reports_progress_on_its_tracked_case_and_nobody_else_may() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let id = tracked(&app, &cast, 1, "信義區人行道改善", "UDD").await;

    let home = app.page(&cast.udd, "/").await.text().await.unwrap();
    assert!(home.contains("列管案件待提報進度"));
    assert!(
        home.contains("信義區人行道改善"),
        "listed as lacking a report"
    );

    let res = report(
        &app,
        &cast.udd,
        id,
        "已完成設計，預計五月發包。",
        "113/05/31",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let case = app.case(&cast.udd, id).await;
    assert_eq!(case.progress.len(), 1);
    assert_eq!(case.progress[0].body, "已完成設計，預計五月發包。");
    assert_eq!(
        case.progress[0].expected_on,
        chrono::NaiveDate::from_ymd_opt(2024, 5, 31)
    );
    assert!(case.progress[0].since_last_meeting);
    assert_eq!(case.timeline[0].action, "report_progress");
    let home = app.page(&cast.udd, "/").await.text().await.unwrap();
    assert!(!home.contains("信義區人行道改善"), "reported: off the list");

    // Another bureau does not even see the case; city-wide roles do not report.
    let other = report(&app, &cast.dot, id, "x", "").await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let sec = report(&app, &cast.sec, id, "x", "").await;
    assert_eq!(sec.status(), StatusCode::FORBIDDEN);
    let bad = report(&app, &cast.udd, id, "x", "明年").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn progress_is_only_for_cases_under_tracking() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let id = app.record_question(&cast.sec, 2, "公車站牌更新").await;
    app.assign(&cast.sec, id, "DOT", &[]).await;
    app.ok(&cast.dot, "cases/accept", &[("case_id", id.to_string())])
        .await;
    let res = report(&app, &cast.dot, id, "處理中", "").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

/// Downloads an ODT file, checks it is a valid package and returns its content.xml.
async fn odt(app: &TestApp, who: &Client, path: &str) -> String {
    let res = app.page(who, path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(
        res.headers()["content-type"],
        server::documents::odt::MEDIA_TYPE
    );
    let bytes = res.bytes().await.unwrap();
    server::documents::odt::check::package(&bytes).unwrap()
}

pub async fn schedule(app: &TestApp, who: &Client, on: &str) -> reqwest::Response {
    app.call(
        who,
        "meetings/schedule",
        &[
            ("form[held_on]", on.to_owned()),
            ("form[starts_at]", "14:30".to_owned()),
            ("form[place]", "市政大樓 11 樓第 2 會議室".to_owned()),
            (
                "form[attendees]",
                "副秘書長 王大明\n研考會 林組長\n都市發展局 何聯絡".to_owned(),
            ),
        ],
    )
    .await
}

pub async fn meeting(app: &TestApp, who: &Client, id: i64) -> app::meetings::Meeting {
    let res = app
        .call(who, "meetings/detail", &[("id", id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

pub async fn decide(
    app: &TestApp,
    who: &Client,
    meeting: i64,
    case: i64,
    decision: &str,
    extra: (&str, &str),
    remark: &str,
) -> reqwest::Response {
    let mut form = vec![
        ("meeting_id", meeting.to_string()),
        ("case_id", case.to_string()),
        ("form[decision]", decision.to_owned()),
        ("form[remark]", remark.to_owned()),
    ];
    if !extra.0.is_empty() {
        form.push((extra.0, extra.1.to_owned()));
    }
    app.call(who, "meetings/decide", &form).await
}

/// Each bureau of the agenda with its cases: (id, overdue, no progress).
type AgendaShape = Vec<(String, Vec<(i64, bool, bool)>)>;

fn agenda_ids(m: &app::meetings::Meeting) -> AgendaShape {
    m.agenda
        .iter()
        .map(|g| {
            (
                g.bureau.clone(),
                g.items
                    .iter()
                    .map(|i| (i.case.id, i.overdue, i.no_progress))
                    .collect(),
            )
        })
        .collect()
}

async fn notices(app: &TestApp, username: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT n.case_id FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE u.username = $1 AND n.kind = 'meeting_decision' ORDER BY n.case_id",
    )
    .bind(username)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn two_meeting_cycles_from_agenda_to_minutes() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let a = tracked(&app, &cast, 11, "信義區人行道改善", "UDD").await;
    let b = tracked(&app, &cast, 12, "社會住宅招租進度", "UDD").await;
    let c = tracked(&app, &cast, 13, "公車專用道延伸", "DOT").await;
    report(&app, &cast.udd, a, "已完成驗收。", "").await;

    // The secretariat schedules the first meeting on the suggested day.
    let overview: app::meetings::server_fns::MeetingsOverview = app
        .call(&cast.sec, "meetings/list", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        overview.suggested_on,
        chrono::NaiveDate::from_ymd_opt(2024, 3, 29).unwrap()
    );
    let res = schedule(&app, &cast.sec, "113/03/29").await;
    assert_eq!(res.status(), StatusCode::OK);
    let first: i64 = res.json().await.unwrap();

    // The agenda: by bureau, the case without progress before the one with.
    let m = meeting(&app, &cast.rev, first).await;
    assert_eq!(
        m.attendees,
        vec!["副秘書長 王大明", "研考會 林組長", "都市發展局 何聯絡"]
    );
    assert_eq!(
        agenda_ids(&m),
        vec![
            (
                "都市發展局".to_owned(),
                vec![(b, false, true), (a, false, false)]
            ),
            ("交通局".to_owned(), vec![(c, false, true)]),
        ]
    );

    // The agenda as a file, before the meeting.
    let content = odt(&app, &cast.sec, &format!("/meetings/{first}/agenda.odt")).await;
    for text in [
        "都市發展局（2 案）",
        "交通局（1 案）",
        "質詢 第 12 號",
        "社會住宅招租進度",
        "未提報進度",
        "已完成驗收。",
    ] {
        assert!(content.contains(text), "{text} in the agenda");
    }
    assert_eq!(
        app.page(&cast.udd, &format!("/meetings/{first}/agenda.odt"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // The reviewer decides each case; nothing happens to the cases yet.
    for (case, decision, extra, remark) in [
        (a, "release", ("", ""), "已完工，解除列管"),
        (
            b,
            "keep",
            ("form[next_check_on]", "113/04/12"),
            "請於下次會議報告招租結果",
        ),
        (
            c,
            "reassign",
            ("form[bureau_id]", &app.bureau("UDD").await.to_string()),
            "涉及都市計畫，改由都發局主辦",
        ),
    ] {
        let res = decide(
            &app,
            &cast.rev,
            first,
            case,
            decision,
            (extra.0, extra.1),
            remark,
        )
        .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
    }
    assert_eq!(app.case(&cast.rev, a).await.status, CaseStatus::Tracking);
    let page = app
        .page(&cast.rev, &format!("/meetings/{first}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("改由都市發展局主辦，繼續列管"),
        "recorded decisions show"
    );

    // Not before the meeting's day: the decisions wait, the minutes are not frozen.
    let early = app
        .call(
            &cast.rev,
            "meetings/confirm",
            &[("meeting_id", first.to_string())],
        )
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    let early: app::error::AppError = early.json().await.unwrap();
    assert!(
        early
            .to_string()
            .contains("會議日（113/03/29）之前不能確認決議"),
        "{early}"
    );
    assert!(!meeting(&app, &cast.rev, first).await.confirmable);
    assert_eq!(app.case(&cast.rev, a).await.status, CaseStatus::Tracking);

    // On the day, it is confirmed.
    cast.days_later(&app, 14).await;
    assert!(meeting(&app, &cast.rev, first).await.confirmable);
    app.ok(
        &cast.rev,
        "meetings/confirm",
        &[("meeting_id", first.to_string())],
    )
    .await;

    let case_a = app.case(&cast.rev, a).await;
    assert_eq!(case_a.status, CaseStatus::Closed);
    assert_eq!(case_a.timeline[0].action, "release");
    let case_b = app.case(&cast.rev, b).await;
    assert_eq!(case_b.status, CaseStatus::Tracking);
    assert_eq!(
        case_b.next_check_on,
        chrono::NaiveDate::from_ymd_opt(2024, 4, 12)
    );
    assert_eq!(case_b.timeline[0].action, "keep_tracking");
    let case_c = app.case(&cast.udd, c).await;
    assert_eq!(case_c.timeline[0].action, "reassign_lead");
    let leads: Vec<(String, String)> = case_c
        .parts
        .iter()
        .map(|p| (p.bureau.clone(), format!("{:?}/{:?}", p.role, p.state)))
        .collect();
    assert!(
        leads.contains(&("都市發展局".into(), "Lead/Accepted".into())),
        "{leads:?}"
    );
    assert!(
        leads.contains(&("交通局".into(), "Lead/Reassigned".into())),
        "{leads:?}"
    );
    assert_eq!(
        app.call(&cast.dot, "cases/detail", &[("id", c.to_string())])
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "交通局 no longer holds the case"
    );
    // Each bureau heard of its cases.
    assert_eq!(notices(&app, "ho.udd").await, vec![a, b, c]);
    assert_eq!(notices(&app, "chiang.dot").await, vec![c]);

    // Held: the minutes, read-only.
    let m = meeting(&app, &cast.sec, first).await;
    assert_eq!(m.status, app::meetings::MeetingStatus::Held);
    let minutes = m.minutes.unwrap();
    assert_eq!(minutes.confirmed_by, "lo.rev");
    assert_eq!(minutes.released().len(), 1);
    assert_eq!(minutes.released()[0].1.case_id, a);
    let content = odt(&app, &cast.rev, &format!("/meetings/{first}/minutes.odt")).await;
    for text in [
        "追蹤會議紀錄（113年",
        "已完工，解除列管",
        "請於下次會議報告招租結果",
        "繼續列管，113/04/12 再檢視",
        "改由都市發展局主辦，繼續列管",
        "涉及都市計畫，改由都發局主辦",
        "解除列管案件",
        "副秘書長 王大明",
        // 辦理情形 beside each decision: the report, or that there was none.
        "辦理情形",
        "已完成驗收。",
        "尚無進度報告",
        "主席：",
        "紀錄：",
    ] {
        assert!(content.contains(text), "{text} in the minutes");
    }
    let progress = minutes
        .groups
        .iter()
        .flat_map(|g| &g.items)
        .find(|i| i.case_id == a)
        .and_then(|i| i.progress.clone())
        .unwrap();
    assert!(progress.ends_with("：已完成驗收。"), "{progress}");
    assert_eq!(
        app.page(&cast.rev, &format!("/meetings/{first}/agenda.odt"))
            .await
            .status(),
        StatusCode::CONFLICT,
        "held: the agenda became the minutes"
    );
    let again = decide(&app, &cast.rev, first, b, "release", ("", ""), "改主意").await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let twice = app
        .call(
            &cast.rev,
            "meetings/confirm",
            &[("meeting_id", first.to_string())],
        )
        .await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);

    // Before the next meeting 都發局's start page lists what still lacks a report.
    app.advance(5);
    let home = app.page(&cast.udd, "/").await.text().await.unwrap();
    assert!(home.contains("社會住宅招租進度") && home.contains("公車專用道延伸"));
    report(&app, &cast.udd, b, "已完成招租公告。", "113/04/30").await;
    let page = app
        .page(&cast.udd, &format!("/cases/{b}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("後：進度報告 1 則，其他異動 0 項。"),
        "what changed since the meeting"
    );

    // The second cycle: two weeks on; the case reported since shows progress.
    let overview: app::meetings::server_fns::MeetingsOverview = app
        .call(&cast.sec, "meetings/list", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        overview.suggested_on,
        chrono::NaiveDate::from_ymd_opt(2024, 4, 12).unwrap()
    );
    assert_eq!(
        overview.last_attendees.len(),
        3,
        "the last list to start from"
    );
    let second: i64 = schedule(&app, &cast.sec, "113/04/12")
        .await
        .json()
        .await
        .unwrap();
    let m = meeting(&app, &cast.rev, second).await;
    assert_eq!(
        agenda_ids(&m),
        vec![(
            "都市發展局".to_owned(),
            vec![(c, false, true), (b, false, false)]
        )]
    );
    decide(
        &app,
        &cast.rev,
        second,
        b,
        "escalate",
        ("", ""),
        "招租率偏低，提報秘書長",
    )
    .await;
    decide(
        &app,
        &cast.rev,
        second,
        c,
        "release",
        ("", ""),
        "已納入都市計畫通盤檢討",
    )
    .await;
    cast.days_later(&app, 14).await;
    app.ok(
        &cast.rev,
        "meetings/confirm",
        &[("meeting_id", second.to_string())],
    )
    .await;
    assert!(app.case(&cast.rev, b).await.escalated);
    assert_eq!(app.case(&cast.rev, c).await.status, CaseStatus::Closed);
    let list: app::meetings::server_fns::MeetingsOverview = app
        .call(&cast.sec, "meetings/list", &[])
        .await
        .json()
        .await
        .unwrap();
    let held: Vec<(i64, i64, i64)> = list
        .meetings
        .iter()
        .map(|m| (m.id, m.decisions, m.released))
        .collect();
    assert_eq!(held, vec![(second, 2, 1), (first, 3, 1)]);
}

#[tokio::test]
async fn a_meeting_is_confirmed_only_when_every_case_has_a_decision() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let a = tracked(&app, &cast, 21, "路燈汰換", "UDD").await;
    let _b = tracked(&app, &cast, 22, "號誌時制調整", "DOT").await;
    let id: i64 = schedule(&app, &cast.sec, "113/03/15")
        .await
        .json()
        .await
        .unwrap();
    decide(&app, &cast.rev, id, a, "release", ("", ""), "已完成").await;
    let res = app
        .call(
            &cast.rev,
            "meetings/confirm",
            &[("meeting_id", id.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let err: app::error::AppError = res.json().await.unwrap();
    assert!(err.to_string().contains("尚有 1 案未作成決議"), "{err}");
    assert_eq!(app.case(&cast.rev, a).await.status, CaseStatus::Tracking);
}

#[tokio::test]
async fn a_decision_batch_that_fails_half_way_changes_nothing() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let a = tracked(&app, &cast, 31, "人行道拓寬", "UDD").await;
    let b = tracked(&app, &cast, 32, "停車格調整", "DOT").await;
    let id: i64 = schedule(&app, &cast.sec, "113/03/15")
        .await
        .json()
        .await
        .unwrap();
    decide(&app, &cast.rev, id, a, "release", ("", ""), "已完成").await;
    decide(
        &app,
        &cast.rev,
        id,
        b,
        "keep",
        ("form[next_check_on]", "113/04/12"),
        "持續追蹤",
    )
    .await;
    // 都市發展局 comes first in the city's order: its case is applied before the one that fails.
    let order: Vec<i64> = meeting(&app, &cast.rev, id)
        .await
        .agenda
        .iter()
        .flat_map(|g| g.items.iter().map(|i| i.case.id))
        .collect();
    assert_eq!(order, vec![a, b]);
    let events_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_events")
        .fetch_one(&app.state.db)
        .await
        .unwrap();

    // The second case's update fails inside the database, after the first was applied.
    let fault = match app::db::Backend::of_pool(&app.state.db) {
        Some(app::db::Backend::Postgres) => vec![
            "CREATE FUNCTION fail_case() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$ LANGUAGE plpgsql".to_owned(),
            format!("CREATE TRIGGER fail_case BEFORE UPDATE ON cases FOR EACH ROW WHEN (NEW.id = {b}) EXECUTE FUNCTION fail_case()"),
        ],
        _ => vec![format!(
            "CREATE TRIGGER fail_case BEFORE UPDATE ON cases WHEN NEW.id = {b} BEGIN SELECT RAISE(ABORT, 'injected'); END"
        )],
    };
    for sql in &fault {
        sqlx::query(sql).execute(&app.state.db).await.unwrap();
    }
    let res = app
        .call(
            &cast.rev,
            "meetings/confirm",
            &[("meeting_id", id.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);

    assert_eq!(
        app.case(&cast.rev, a).await.status,
        CaseStatus::Tracking,
        "the first case is untouched"
    );
    let events_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_events")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events_after, events_before);
    assert!(notices(&app, "ho.udd").await.is_empty());
    assert_eq!(
        meeting(&app, &cast.rev, id).await.status,
        app::meetings::MeetingStatus::Scheduled
    );

    // The fault gone, the same batch goes through.
    let drop = match app::db::Backend::of_pool(&app.state.db) {
        Some(app::db::Backend::Postgres) => "DROP TRIGGER fail_case ON cases",
        _ => "DROP TRIGGER fail_case",
    };
    sqlx::query(drop).execute(&app.state.db).await.unwrap();
    app.ok(
        &cast.rev,
        "meetings/confirm",
        &[("meeting_id", id.to_string())],
    )
    .await;
    assert_eq!(app.case(&cast.rev, a).await.status, CaseStatus::Closed);
}

#[tokio::test]
async fn a_case_that_left_tracking_after_its_decision_stops_the_whole_meeting() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let a = tracked(&app, &cast, 41, "公園改善", "UDD").await;
    let b = tracked(&app, &cast, 42, "路口改善", "UDD").await;
    let id: i64 = schedule(&app, &cast.sec, "113/03/15")
        .await
        .json()
        .await
        .unwrap();
    decide(
        &app,
        &cast.rev,
        id,
        a,
        "keep",
        ("form[next_check_on]", "113/04/12"),
        "持續",
    )
    .await;
    decide(
        &app,
        &cast.rev,
        id,
        b,
        "keep",
        ("form[next_check_on]", "113/04/12"),
        "持續",
    )
    .await;
    // Released on its own page meanwhile.
    assert_eq!(
        app.step(&cast.rev, b, "release", "").await.status(),
        StatusCode::OK
    );
    let res = app
        .call(
            &cast.rev,
            "meetings/confirm",
            &[("meeting_id", id.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let err: app::error::AppError = res.json().await.unwrap();
    assert!(err.to_string().contains("質詢 第 42 號"), "{err}");
    assert_eq!(app.case(&cast.rev, a).await.next_check_on, None);
}

#[tokio::test]
async fn only_the_secretariat_schedules_and_only_the_reviewer_decides() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let a = tracked(&app, &cast, 51, "自行車道", "UDD").await;
    for who in [&cast.rev, &cast.udd] {
        assert_eq!(
            schedule(&app, who, "113/03/29").await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let id: i64 = schedule(&app, &cast.sec, "113/03/15")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        schedule(&app, &cast.sec, "113/04/12").await.status(),
        StatusCode::CONFLICT,
        "one scheduled meeting at a time"
    );
    for who in [&cast.sec, &cast.udd, &cast.udd_boss] {
        let res = decide(&app, who, id, a, "release", ("", ""), "x").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = app
            .call(who, "meetings/confirm", &[("meeting_id", id.to_string())])
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.page(&cast.udd, "/meetings").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(&cast.udd, "meetings/detail", &[("id", id.to_string())])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // A keep without a date is refused on its field.
    let res = decide(&app, &cast.rev, id, a, "keep", ("", ""), "持續").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_command_line_writes_the_agenda_and_the_minutes() {
    let url = crate::harness::fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    let cast = Cast::new(&app).await;
    let a = tracked(&app, &cast, 61, "河濱公園照明", "UDD").await;
    let id: i64 = schedule(&app, &cast.sec, "113/03/15")
        .await
        .json()
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("fht-export-{}-{id}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let agenda = dir.join("agenda.odt");
    let out = crate::cli::run(
        &url,
        &[
            "export",
            "agenda",
            "--meeting",
            &id.to_string(),
            "--out",
            agenda.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", crate::cli::text(&out.stderr));
    let content = server::documents::odt::check::package(&std::fs::read(&agenda).unwrap()).unwrap();
    assert!(content.contains("河濱公園照明"));

    // Minutes exist once the meeting is confirmed.
    let minutes = dir.join("minutes.odt");
    let args = [
        "export",
        "minutes",
        "--meeting",
        &id.to_string(),
        "--out",
        minutes.to_str().unwrap(),
    ];
    let early = crate::cli::run(&url, &args, "");
    assert!(!early.status.success());
    assert!(crate::cli::text(&early.stderr).contains("尚未確認"));
    decide(
        &app,
        &cast.rev,
        id,
        a,
        "release",
        ("", ""),
        "照明已全面更新",
    )
    .await;
    app.ok(
        &cast.rev,
        "meetings/confirm",
        &[("meeting_id", id.to_string())],
    )
    .await;
    let out = crate::cli::run(&url, &args, "");
    assert!(out.status.success(), "{}", crate::cli::text(&out.stderr));
    let content =
        server::documents::odt::check::package(&std::fs::read(&minutes).unwrap()).unwrap();
    assert!(content.contains("照明已全面更新"));
    let missing = crate::cli::run(
        &url,
        &[
            "export",
            "minutes",
            "--meeting",
            "999",
            "--out",
            "/tmp/x.odt",
        ],
        "",
    );
    assert!(crate::cli::text(&missing.stderr).contains("找不到第 999 次會議"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_secretariat_moves_a_meeting_held_early_and_it_is_confirmed_that_day() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let id: i64 = schedule(&app, &cast.sec, "113/03/29")
        .await
        .json()
        .await
        .unwrap();
    // Only the secretariat moves it, and never into the past.
    assert_eq!(
        move_to(&app, &cast.rev, id, "113/03/15", "").await.status(),
        StatusCode::FORBIDDEN
    );
    let past = move_to(&app, &cast.sec, id, "113/03/14", "").await;
    assert_eq!(past.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        meeting(&app, &cast.rev, id).await.held_on.to_string(),
        "2024-03-29"
    );

    // Held today instead, typed as the office types it.
    let res = move_to(&app, &cast.sec, id, "1130315", "１０３０").await;
    assert!(res.status().is_success(), "{}", res.status());
    let m = meeting(&app, &cast.rev, id).await;
    assert_eq!(
        (m.held_on.to_string(), m.starts_at.as_str()),
        ("2024-03-15".into(), "10:30")
    );
    assert!(m.confirmable);
    let moved: String = sqlx::query_scalar(
        "SELECT data FROM audit_log WHERE action = 'meeting_moved' AND target_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(
        moved.contains("2024-03-29") && moved.contains("2024-03-15"),
        "{moved}"
    );
    app.ok(
        &cast.rev,
        "meetings/confirm",
        &[("meeting_id", id.to_string())],
    )
    .await;

    // Held, it stays where it was.
    let late = move_to(&app, &cast.sec, id, "113/04/01", "").await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
}

async fn move_to(app: &TestApp, who: &Client, id: i64, day: &str, time: &str) -> reqwest::Response {
    app.call(
        who,
        "meetings/move",
        &[
            ("meeting_id", id.to_string()),
            ("form[held_on]", day.to_owned()),
            ("form[starts_at]", time.to_owned()),
        ],
    )
    .await
}

#[tokio::test]
async fn the_reviewer_keeps_every_undecided_case_in_one_step_with_the_next_meetings_date() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let a = tracked(&app, &cast, 31, "路燈汰換", "UDD").await;
    let b = tracked(&app, &cast, 32, "號誌時制調整", "DOT").await;
    let c = tracked(&app, &cast, 33, "人行道拓寬", "UDD").await;
    let id: i64 = schedule(&app, &cast.sec, "113/03/15")
        .await
        .json()
        .await
        .unwrap();
    decide(&app, &cast.rev, id, a, "release", ("", ""), "已完成").await;

    // Two weeks on, a working day: the date every keep form starts from.
    let m = meeting(&app, &cast.rev, id).await;
    assert_eq!(m.next_check_on.to_string(), "2024-03-29");
    let page = app
        .page(&cast.rev, &format!("/meetings/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("其餘 2 案一律繼續列管"), "{page}");
    assert!(page.contains("value=\"113/03/29\""));

    let res = app
        .call(
            &cast.sec,
            "meetings/keep-the-rest",
            &[("meeting_id", id.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    app.ok(
        &cast.rev,
        "meetings/keep-the-rest",
        &[
            ("meeting_id", id.to_string()),
            ("next_check_on", "1130329".into()),
            ("remark", app::meetings::KEEP_ALL_REMARK.into()),
        ],
    )
    .await;
    let m = meeting(&app, &cast.rev, id).await;
    assert_eq!(app::meetings::undecided(&m.agenda), 0);
    for item in m.agenda.iter().flat_map(|g| &g.items) {
        let d = item.decision.as_ref().unwrap();
        if item.case.id == a {
            assert_eq!(
                d.kind,
                app::meetings::DecisionKind::Release,
                "left as decided"
            );
        } else {
            assert!([b, c].contains(&item.case.id));
            assert_eq!(d.kind, app::meetings::DecisionKind::Keep);
            assert_eq!(d.next_check_on.unwrap().to_string(), "2024-03-29");
            assert_eq!(d.remark, app::meetings::KEEP_ALL_REMARK);
        }
    }
    // Nothing is left for a second time; the meeting may now be confirmed.
    let again = app
        .call(
            &cast.rev,
            "meetings/keep-the-rest",
            &[
                ("meeting_id", id.to_string()),
                ("next_check_on", "113/03/29".into()),
                ("remark", "x".into()),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    app.ok(
        &cast.rev,
        "meetings/confirm",
        &[("meeting_id", id.to_string())],
    )
    .await;
    assert_eq!(app.case(&cast.rev, b).await.status, CaseStatus::Tracking);
    assert_eq!(app.case(&cast.rev, a).await.status, CaseStatus::Closed);
}

#[tokio::test]
async fn keeping_the_rest_with_a_date_before_the_meeting_changes_nothing_and_keeps_what_was_typed()
{
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    tracked(&app, &cast, 41, "路燈汰換", "UDD").await;
    let id: i64 = schedule(&app, &cast.sec, "113/03/15")
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .call(
            &cast.rev,
            "meetings/keep-the-rest",
            &[
                ("meeting_id", id.to_string()),
                ("next_check_on", "113/03/01".into()),
                ("remark", "請續辦".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: app::error::AppError = res.json().await.unwrap();
    assert_eq!(err.input("next_check_on"), vec!["113/03/01".to_owned()]);
    assert_eq!(err.input("remark"), vec!["請續辦".to_owned()]);
    let m = meeting(&app, &cast.rev, id).await;
    assert_eq!(app::meetings::undecided(&m.agenda), 1);
}

#[tokio::test]
async fn a_long_agenda_is_read_a_bureau_at_a_time_under_a_table_of_its_bureaus() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    app.generate(1_500).await;
    // The generator keeps few old cases tracked, as offices do; this agenda is a long one.
    sqlx::query(
        "UPDATE cases SET status = 'tracking' WHERE id IN \
         (SELECT id FROM cases WHERE status = 'closed' ORDER BY id LIMIT 200)",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let tracked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE status = 'tracking'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(
        tracked as usize > app::meetings::AGENDA_ON_ONE_PAGE,
        "{tracked}"
    );
    let id: i64 = schedule(&app, &cast.sec, "113/03/22")
        .await
        .json()
        .await
        .unwrap();

    // The page opens at the first bureau, with every bureau's count above it.
    let m = meeting(&app, &cast.rev, id).await;
    assert_eq!(
        m.parts.iter().map(|p| p.cases).sum::<usize>(),
        tracked as usize
    );
    let (first, second) = (&m.parts[0], &m.parts[1]);
    assert_eq!(m.shown, Some(first.bureau_id));
    assert_eq!(m.agenda.len(), 1);
    assert_eq!(m.agenda[0].bureau_id, first.bureau_id);
    assert_eq!(m.agenda[0].items.len(), first.cases);

    // A decision counts on its bureau's line; the page then opens at the next bureau
    // still waiting once the first has none left.
    let case = m.agenda[0].items[0].case.id;
    let res = decide(&app, &cast.rev, id, case, "release", ("", ""), "已完成").await;
    assert_eq!(res.status(), StatusCode::OK);
    let m = meeting(&app, &cast.rev, id).await;
    assert_eq!(m.parts[0].undecided, first.cases - 1);
    app.ok(
        &cast.rev,
        "meetings/keep-the-rest",
        &[
            ("meeting_id", id.to_string()),
            ("next_check_on", "113/04/12".into()),
            ("remark", app::meetings::KEEP_ALL_REMARK.into()),
        ],
    )
    .await;
    let m = meeting(&app, &cast.rev, id).await;
    assert!(m.parts.iter().all(|p| p.undecided == 0));
    assert_eq!(
        m.shown,
        Some(first.bureau_id),
        "all decided: the first again"
    );

    // Another bureau, asked for by its link.
    let res = app
        .call(
            &cast.sec,
            "meetings/detail",
            &[
                ("id", id.to_string()),
                ("bureau", second.bureau_id.to_string()),
            ],
        )
        .await;
    let m: app::meetings::Meeting = res.json().await.unwrap();
    assert_eq!(m.shown, Some(second.bureau_id));
    assert_eq!(m.agenda[0].bureau_id, second.bureau_id);
    assert_eq!(m.agenda[0].items.len(), second.cases);
    let page = app
        .page(
            &cast.sec,
            &format!("/meetings/{id}?bureau={}", second.bureau_id),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(
            "<a href=\"/meetings/{id}?bureau={}\" aria-current=\"page\">",
            second.bureau_id
        )),
        "the shown bureau is marked in the contents"
    );
    assert!(page.contains(&format!("議程：列管案件 {tracked} 案")));
    assert!(
        !page.contains(&format!("href=\"/cases/{case}\"")),
        "the first bureau's cases are on its own page"
    );

    // The papers still hold the whole agenda.
    let whole = app::meetings::db::meeting(&app.state.db, id, app.state.today())
        .await
        .unwrap();
    assert_eq!(
        whole.agenda.iter().map(|g| g.items.len()).sum::<usize>(),
        tracked as usize
    );
    assert_eq!(whole.shown, None);

    // A bureau's long part is read a hundred cases a page, in the agenda's order.
    let big = whole
        .agenda
        .iter()
        .max_by_key(|g| g.items.len())
        .unwrap()
        .bureau_id;
    sqlx::query(
        "UPDATE cases SET status = 'tracking' WHERE id IN (SELECT c.id FROM cases c \
         JOIN assignments a ON a.case_id = c.id AND a.role = 'lead' AND a.state = 'accepted' \
         WHERE c.status = 'closed' AND a.bureau_id = $1 ORDER BY c.id LIMIT 120)",
    )
    .bind(big)
    .execute(&app.state.db)
    .await
    .unwrap();
    let whole = app::meetings::db::meeting(&app.state.db, id, app.state.today())
        .await
        .unwrap();
    let part: Vec<i64> = whole
        .agenda
        .iter()
        .find(|g| g.bureau_id == big)
        .unwrap()
        .items
        .iter()
        .map(|i| i.case.id)
        .collect();
    let rows = app::meetings::AGENDA_PAGE_ROWS;
    assert!(part.len() > rows, "{}", part.len());
    let pages = part.len().div_ceil(rows);
    let mut read = Vec::new();
    for page in 1..=pages {
        let res = app
            .call(
                &cast.rev,
                "meetings/detail",
                &[
                    ("id", id.to_string()),
                    ("bureau", big.to_string()),
                    ("page", page.to_string()),
                ],
            )
            .await;
        let m: app::meetings::Meeting = res.json().await.unwrap();
        assert_eq!((m.part_page, m.part_pages), (page, pages));
        read.extend(m.agenda[0].items.iter().map(|i| i.case.id));
    }
    assert_eq!(read, part, "the pages together are the part, in order");
    let last = app
        .page(&cast.rev, &format!("/meetings/{id}?bureau={big}&page=999"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        last.contains(&format!("第 {pages} / {pages} 頁")),
        "a page past the end is the last"
    );
    assert!(last.contains(&format!(
        "{}（{} 案）",
        whole
            .agenda
            .iter()
            .find(|g| g.bureau_id == big)
            .unwrap()
            .bureau,
        part.len()
    )));
    assert!(last.contains(&format!(
        "href=\"/meetings/{id}?bureau={big}&amp;page={}\"",
        pages - 1
    )));
    assert!(!last.contains("下一頁"));
}
