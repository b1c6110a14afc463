//! Interim replies and agreed extensions: the lead bureau tells the office what it knows and
//! why it needs more time; the due date moves only on the office's word; a reply by the
//! moved date is on time after an agreed extension in the reports; the status page shows
//! the interim reply and the new date.

use crate::{harness::TestApp, meetings::Cast};
use app::reports::server_fns::ReportView;
use reqwest::{Client, StatusCode};

async fn interim(
    app: &TestApp,
    who: &Client,
    case: i64,
    new_due_on: &str,
    agreement: &str,
    agreed_with: &str,
) -> reqwest::Response {
    app.call(
        who,
        "cases/interim",
        &[
            ("case_id", case.to_string()),
            ("form[known]", "已完成三處基地統計。".into()),
            ("form[why]", "其餘基地資料須向營建署調閱。".into()),
            ("form[new_due_on]", new_due_on.into()),
            ("form[agreement]", agreement.into()),
            ("form[agreed_with]", agreed_with.into()),
        ],
    )
    .await
}

#[tokio::test]
async fn an_agreed_extension_moves_the_due_date_and_a_reply_by_then_counts_as_on_time_after_it() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let id = app.record_question(&cast.sec, 21, "社會住宅中籤率").await;
    app.assign(&cast.sec, id, "UDD", &["DOT"]).await;
    for who in [&cast.udd, &cast.dot] {
        app.ok(who, "cases/accept", &[("case_id", id.to_string())])
            .await;
    }
    let due = app.case(&cast.udd, id).await.due_on;

    // Told, not yet agreed: the due date stands.
    let res = interim(&app, &cast.udd, id, "113/04/30", "none", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    let c = app.case(&cast.sec, id).await;
    assert_eq!(c.due_on, due);
    assert_eq!(c.interims.len(), 1);
    assert!(c.timeline.iter().any(|e| e.action == "interim_reply"));

    // Refused: a co-bureau, the secretariat, a date not after the due date, an agreement
    // without who agreed.
    assert_eq!(
        interim(&app, &cast.dot, id, "113/04/30", "later", "王助理")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        interim(&app, &cast.sec, id, "113/04/30", "later", "王助理")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let early = interim(
        &app,
        &cast.udd,
        id,
        &app::dates::roc_date(due),
        "later",
        "王助理",
    )
    .await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let nobody = interim(&app, &cast.udd, id, "113/04/30", "later", "").await;
    assert_eq!(nobody.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nobody.text().await.unwrap().contains("同意的人"));

    // The office agrees to the later day: the due date moves.
    let res = interim(
        &app,
        &cast.udd_boss,
        id,
        "113/04/30",
        "later",
        "林議員辦公室王助理",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let c = app.case(&cast.sec, id).await;
    assert_eq!(c.due_on.to_string(), "2024-04-30");
    assert_eq!(c.interims.len(), 2);

    // The status page shows the interim reply and the new date.
    let token = app.status_token(app.reference().await.councilors[0]).await;
    let status = app
        .page(&app.client(), &format!("/s/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(status.contains("期中答復"), "{status}");
    assert!(status.contains("預定 113/04/30 答復（議員辦公室同意延後）"));
    assert!(status.contains("其餘基地資料須向營建署調閱。"));

    // Answered after the first due date, by the agreed one.
    cast.days_later(&app, 20).await;
    let version = app.case(&cast.udd, id).await.reply_version;
    app.save_reply(&cast.udd, id, version, "檢附各基地中籤率統計。")
        .await;
    for (who, step) in [
        (&cast.udd, "submit"),
        (&cast.udd_boss, "sign_off"),
        (&cast.sec, "pass_to_review"),
        (&cast.rev, "approve"),
    ] {
        assert_eq!(
            app.step(who, id, step, "").await.status(),
            StatusCode::OK,
            "{step}"
        );
    }
    // Approved on 4/4 (20 days after 3/15): after the first due date, before the agreed one.
    assert!(
        due < chrono::NaiveDate::from_ymd_opt(2024, 4, 4).unwrap(),
        "{due}"
    );
    let res = app
        .call(
            &cast.sec,
            "reports",
            &[("from", "113/03/01".into()), ("to", "113/04/30".into())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: ReportView = res.json().await.unwrap();
    let udd = v
        .report
        .bureaus
        .iter()
        .find(|b| b.bureau == "都市發展局")
        .unwrap();
    assert_eq!((udd.replied, udd.on_time, udd.on_time_extended), (1, 1, 1));
    // Once answered, the status page no longer shows the interim reply.
    let status = app
        .page(&app.client(), &format!("/s/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!status.contains("期中答復"));
}
