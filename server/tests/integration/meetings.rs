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
            ("keep_tracking", "on".into()),
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
