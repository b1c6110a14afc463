//! Promises made in session (會後補資料): the secretariat records one on the question it was
//! made on; it becomes a data request of the question's councilor, assigned to the bureau
//! that delivers, due by the rule or the day promised, linked both ways, on the question's
//! timeline, and listed under the question in the written-reply volume.

use crate::{harness::TestApp, meetings::Cast};
use reqwest::{Client, StatusCode};

async fn promise(
    app: &TestApp,
    who: &Client,
    question: i64,
    what: &str,
    bureau: &str,
    due_on: &str,
) -> reqwest::Response {
    let bureau = app.bureau(bureau).await;
    app.call(
        who,
        "promises/record",
        &[
            ("case_id", question.to_string()),
            ("form[promised_by]", "都市發展局局長".into()),
            ("form[what]", what.into()),
            ("form[bureau_id]", bureau.to_string()),
            ("form[due_on]", due_on.into()),
        ],
    )
    .await
}

#[tokio::test]
async fn a_promise_made_in_session_becomes_a_data_request_linked_both_ways_and_listed_in_the_volume(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let question = crate::meetings::tracked(&app, &cast, 5, "社會住宅興建進度", "UDD").await;

    let res = promise(
        &app,
        &cast.sec,
        question,
        "提供近三年社會住宅申請人數與中籤率統計",
        "UDD",
        "",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let request: i64 = res.text().await.unwrap().parse().unwrap();

    // A data request of the same councilor, assigned to the bureau, due by the rule:
    // Friday 3/15 + 5 working days = Friday 3/22.
    let r = app.case(&cast.udd, request).await;
    assert_eq!(r.kind, app::cases::CaseKind::DataRequest);
    assert_eq!(r.status, app::cases::CaseStatus::Assigned);
    assert_eq!(r.due_on.to_string(), "2024-03-22");
    assert_eq!(
        r.due_override_reason.as_deref(),
        Some("會後補資料（質詢時承諾）期限")
    );
    assert!(
        r.topic.starts_with("質詢第 5 號會後補資料："),
        "{}",
        r.topic
    );
    let q = app.case(&cast.sec, question).await;
    // A joint question's request is of all its councilors, the first first.
    assert!(q.councilors.len() > 1);
    assert_eq!(r.councilors, q.councilors);
    let source = r.promised_on.unwrap();
    assert_eq!(
        (source.question_id, source.question_number),
        (Some(question), 5)
    );
    assert_eq!(q.promises.len(), 1);
    assert_eq!(q.promises[0].request_id, request);
    assert!(q.timeline.iter().any(|e| e.action == "promise"));

    // The bureau hears of it as of any assignment; both pages link to each other.
    let assigned: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.case_id = $1 AND n.kind = 'assigned' AND u.username = 'ho.udd'",
    )
    .bind(request)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(assigned, 1);
    let page = app
        .page(&cast.udd, &format!("/cases/{question}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("會後補資料") && page.contains(&format!("href=\"/cases/{request}\"")));
    assert!(
        !page.contains("form[promised_by]"),
        "a bureau is not offered the form"
    );
    let page = app
        .page(&cast.udd, &format!("/cases/{request}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("href=\"/cases/{question}\"")) && page.contains("承諾會後提供"));

    // A day promised is kept, with who promised it as the reason.
    let res = promise(
        &app,
        &cast.sec,
        question,
        "提供各區中籤名冊統計",
        "UDD",
        "113/04/10",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let second: i64 = res.text().await.unwrap().parse().unwrap();
    let r = app.case(&cast.sec, second).await;
    assert_eq!(r.due_on.to_string(), "2024-04-10");
    assert_eq!(
        r.due_override_reason.as_deref(),
        Some("都市發展局局長承諾的提供日期")
    );

    // A bureau asked to deliver what another bureau's question promised reads where it came
    // from, but is not offered a link to a question it cannot open.
    let res = promise(&app, &cast.sec, question, "交通衝擊評估摘要", "DOT", "").await;
    let for_dot: i64 = res.text().await.unwrap().parse().unwrap();
    let source = app.case(&cast.dot, for_dot).await.promised_on.unwrap();
    assert_eq!((source.question_id, source.question_number), (None, 5));

    // The volume lists the promised material under its question.
    let session = app.reference().await.session;
    let res = app
        .call(
            &cast.sec,
            "volume",
            &[("filter[session]", session.to_string())],
        )
        .await;
    let v: app::volume::Volume = res.json().await.unwrap();
    let entry = v.entries.iter().find(|e| e.case_id == question).unwrap();
    assert_eq!(entry.promised.len(), 3);
    assert_eq!(
        entry.promised[0].sentence(),
        "都市發展局局長承諾提供：提供近三年社會住宅申請人數與中籤率統計（索資第 1 號，期限 113/03/22，尚未提供）"
    );
    let page = app
        .page(&cast.sec, &format!("/volume?session={session}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("會後補資料") && page.contains("提供各區中籤名冊統計"));
    let res = app
        .page(&cast.rev, &format!("/volume.odt?session={session}"))
        .await;
    let content = server::documents::odt::check::package(&res.bytes().await.unwrap()).unwrap();
    assert!(content.contains("會後補資料") && content.contains("提供近三年社會住宅申請人數"));
}

#[tokio::test]
async fn only_the_secretariat_records_a_promise_only_on_a_question_and_never_for_a_past_day() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let question = app.record_question(&cast.sec, 8, "公車專用道").await;
    app.assign(&cast.sec, question, "DOT", &[]).await;
    for who in [&cast.dot, &cast.dot_boss, &cast.rev] {
        let res = promise(&app, who, question, "路線調整評估", "DOT", "").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let past = promise(
        &app,
        &cast.sec,
        question,
        "路線調整評估",
        "DOT",
        "113/03/14",
    )
    .await;
    assert_eq!(past.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.text().await.unwrap().contains("提供期限不能早於今天"));
    let empty = app
        .call(
            &cast.sec,
            "promises/record",
            &[("case_id", question.to_string())],
        )
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ok = promise(&app, &cast.sec, question, "路線調整評估", "DOT", "").await;
    let request: i64 = ok.text().await.unwrap().parse().unwrap();
    // Not on a data request, and not on a case that does not exist.
    let res = promise(&app, &cast.sec, request, "再補充", "DOT", "").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = promise(&app, &cast.sec, 999_999, "再補充", "DOT", "").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'promise_recorded'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}
