//! The councilor brief: a page per councilor in the speaking order typed, with their open and
//! overdue cases, 答非所問, promises still owed and earlier answers, as a page, ODT and PDF;
//! for the secretariat and the reviewer only, never carrying the internal background.

use crate::{harness::TestApp, meetings::Cast};
use app::briefs::Brief;
use reqwest::StatusCode;

#[tokio::test]
async fn the_brief_gives_each_councilor_in_speaking_order_their_open_cases_promises_and_earlier_answers(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let answered = crate::meetings::tracked(&app, &cast, 5, "社會住宅興建進度", "UDD").await;
    let open = app.record_question(&cast.sec, 6, "公車專用道延伸").await;
    app.assign(&cast.sec, open, "DOT", &[]).await;
    let udd = app.bureau("UDD").await;
    app.ok(
        &cast.sec,
        "promises/record",
        &[
            ("case_id", answered.to_string()),
            ("form[promised_by]", "都市發展局局長".into()),
            ("form[what]", "各基地中籤率統計".into()),
            ("form[bureau_id]", udd.to_string()),
        ],
    )
    .await;
    app.ok(
        &cast.udd,
        "cases/background",
        &[
            ("case_id", answered.to_string()),
            ("background_version", "0".into()),
            ("note", "內部機密背景說明".into()),
            ("flags[]", "legal".into()),
        ],
    )
    .await;
    let names = app.case(&cast.sec, open).await.councilors;
    assert_eq!(names.len(), 2, "the test question is joint: {names:?}");
    let order = format!("{}\n{}", names[1], names[0]);

    let res = app
        .call(&cast.rev, "briefs", &[("order", order.clone())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let brief: Brief = res.json().await.unwrap();
    let got: Vec<&str> = brief
        .councilors
        .iter()
        .map(|c| c.councilor.as_str())
        .collect();
    assert_eq!(
        got,
        [names[1].as_str(), names[0].as_str()],
        "in speaking order"
    );
    let first = &brief.councilors[0];
    assert_eq!(first.open.len(), 2, "{first:?}");
    assert_eq!(first.open[0].topic, "公車專用道延伸");
    // The promise's data request is of every councilor of the joint question.
    let second = &brief.councilors[1];
    assert_eq!(second.open.len(), 2, "{second:?}");
    for c in [first, second] {
        assert!(c.open.iter().any(|c| c.topic.contains("會後補資料")));
    }
    assert_eq!(first.promises.len(), 1);
    assert_eq!(first.promises[0].what, "各基地中籤率統計");
    assert_eq!(first.earlier.len(), 1);
    assert_eq!(first.earlier[0].answer, "已研議改善方案，持續辦理。");

    // An unknown name is refused by name; the form keeps what was typed.
    let res = app
        .call(&cast.sec, "briefs", &[("order", "查無此人".into())])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = app
        .page(
            &cast.sec,
            "/briefs?order=%E6%9F%A5%E7%84%A1%E6%AD%A4%E4%BA%BA",
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("本屆查無這些議員：查無此人。"), "{page}");

    // The page, ODT and PDF say the same, and never the internal background.
    let q = format!("order={}", app::url::percent_encode(&order));
    let page = app
        .page(&cast.sec, &format!("/briefs?{q}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("公車專用道延伸") && page.contains("各基地中籤率統計"));
    assert!(!page.contains("內部機密背景說明"));
    let res = app.page(&cast.rev, &format!("/briefs/brief.odt?{q}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let content = server::documents::odt::check::package(&res.bytes().await.unwrap()).unwrap();
    assert!(content.contains("議員問政摘要") && content.contains("公車專用道延伸"));
    assert!(!content.contains("內部機密背景說明"));

    // Bureaus and the admin are refused.
    let admin = app.signed_in("root.admin", "admin", None).await;
    for who in [&cast.udd, &cast.dot_boss, &admin] {
        assert_eq!(
            app.call(who, "briefs", &[]).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.page(who, "/briefs/brief.odt").await.status(),
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn with_no_order_typed_every_councilor_with_an_open_case_is_briefed_by_name_with_their_newest_answers(
) {
    use app::briefs::{db, EARLIER_SHOWN};
    use std::collections::HashMap;
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    app.generate(1_500).await;
    let pool = &app.state.db;
    // The generated sessions are over by now; some of the largest one's cases are reopened.
    let (session, term) = app.largest_session().await;
    sqlx::query(
        "UPDATE cases SET status = 'in_progress' WHERE id IN \
         (SELECT id FROM cases WHERE session_id = $1 ORDER BY id LIMIT 60)",
    )
    .bind(session)
    .execute(pool)
    .await
    .unwrap();
    let brief = db::compile(pool, "測試市政府", Some(session), "", app.state.today())
        .await
        .unwrap();
    let expected: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM councilors WHERE term_id = $1 AND id IN (SELECT cc.councilor_id \
         FROM case_councilors cc JOIN cases c ON c.id = cc.case_id WHERE c.session_id = $2 \
         AND c.status NOT IN ('closed', 'tracking', 'filed', 'refused')) ORDER BY name, id",
    )
    .bind(term)
    .bind(session)
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(expected.len() > 5, "{expected:?}");
    let got: Vec<&str> = brief
        .councilors
        .iter()
        .map(|c| c.councilor.as_str())
        .collect();
    assert_eq!(got, expected);
    assert!(brief.councilors.iter().all(|c| !c.open.is_empty()));

    // Each councilor's newest answers of the term, ranked here over all of them, equal what
    // the walk finds, whether it sees them all or stops after ten rows and ranks the rest
    // apart.
    let (ids, sessions) = app.term_of(term).await;
    let answered: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT cc.councilor_id, c.id FROM cases c JOIN case_councilors cc ON cc.case_id = c.id \
         JOIN council_sessions s ON s.id = c.session_id WHERE s.term_id = $1 \
         AND c.status IN ('closed', 'tracking') ORDER BY c.updated_at DESC, c.id DESC",
    )
    .bind(term)
    .fetch_all(pool)
    .await
    .unwrap();
    let mut recount: HashMap<(i64, i64), i64> = HashMap::new();
    let mut seen: HashMap<i64, i64> = HashMap::new();
    for (councilor, case) in answered {
        let place = seen.entry(councilor).or_default();
        if *place < EARLIER_SHOWN as i64 {
            *place += 1;
            recount.insert((councilor, case), *place);
        }
    }
    assert!(recount.len() > EARLIER_SHOWN * 5, "{}", recount.len());
    for rows in [10, db::EARLIER_WALK] {
        let walked = db::earlier_picked(pool, &ids, &sessions, rows)
            .await
            .unwrap();
        assert_eq!(walked, recount, "walking {rows} rows");
    }
}
