//! Corrections (勘誤): an answer already passed is corrected by its own text, reviewed by
//! the reviewer; the office hears of it first (by mail, never the text), its status page
//! shows the original marked and the correction beside it, and the next volume sent to
//! the council carries it once.

use crate::{harness::TestApp, loopback::Smtp, meetings::Cast};
use reqwest::{Client, StatusCode};
use server::features::delivery::Runner;

async fn correct(app: &TestApp, who: &Client, case: i64, body: &str) -> reqwest::Response {
    app.call(
        who,
        "corrections/submit",
        &[
            ("case_id", case.to_string()),
            ("form[body]", body.into()),
            ("form[why]", "原答復誤植停車格數。".into()),
        ],
    )
    .await
}

async fn review(
    app: &TestApp,
    who: &Client,
    case: i64,
    correction: i64,
    decision: &str,
    comment: &str,
) -> reqwest::Response {
    app.call(
        who,
        "corrections/review",
        &[
            ("case_id", case.to_string()),
            ("correction_id", correction.to_string()),
            ("decision", decision.into()),
            ("comment", comment.into()),
        ],
    )
    .await
}

const CORRECTED: &str = "信義計畫區增設停車格 120 格，已於本年 6 月完工。";

#[tokio::test]
async fn a_correction_is_reviewed_the_office_hears_first_and_the_next_volume_carries_it_once() {
    let smtp = Smtp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with_mail(Some(&smtp.url()), dir.path()).await;
    let cast = Cast::new(&app).await;
    let r = app.reference().await;
    let res = app
        .call(
            &cast.sec,
            "links/contacts/add",
            &[
                ("councilor", r.councilors[0].to_string()),
                ("address", "office@council.example.gov.tw".into()),
            ],
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let id = crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    let open = app.record_question(&cast.sec, 6, "捷運延伸").await;
    let runner = Runner::new(app.state.clone(), &app.web).unwrap();
    runner.run_once().await.unwrap();
    let mailed_before = smtp.messages().len();

    // Refused: an answer not yet passed, a bureau with no part, the reviewer and the admin
    // writing one, nothing changed.
    assert_eq!(
        correct(&app, &cast.sec, open, CORRECTED).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        correct(&app, &cast.dot, id, CORRECTED).await.status(),
        StatusCode::NOT_FOUND
    );
    let admin = app.signed_in("root.admin", "admin", None).await;
    for who in [&cast.rev, &admin] {
        assert_eq!(
            correct(&app, who, id, CORRECTED).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let same = correct(&app, &cast.udd, id, "已研議改善方案，持續辦理。").await;
    assert_eq!(same.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The lead bureau writes it; a second one waits for the first's review.
    assert_eq!(
        correct(&app, &cast.udd, id, CORRECTED).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        correct(&app, &cast.sec, id, CORRECTED).await.status(),
        StatusCode::CONFLICT
    );
    let c = app.case(&cast.rev, id).await;
    assert_eq!(c.corrections.len(), 1);
    let k = &c.corrections[0];
    assert_eq!(k.state, app::corrections::CorrectionState::InReview);
    assert_eq!(k.original, "已研議改善方案，持續辦理。");
    assert_eq!(c.reply, "已研議改善方案，持續辦理。", "the original stands");
    assert!(c.can_review_correction);
    assert_eq!(c.timeline[0].action, "correction_submitted");
    let waiting = app.ok(&cast.rev, "corrections/waiting", &[]).await;
    assert!(waiting.contains("信義計畫區停車"), "{waiting}");

    // Only the reviewer decides; a return says why, and the bureau sees it waiting.
    for who in [&cast.sec, &cast.udd, &cast.udd_boss, &cast.dot, &admin] {
        assert_eq!(
            review(&app, who, id, k.id, "approve", "").await.status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        review(&app, &cast.rev, id, k.id, "return", "")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        review(&app, &cast.rev, open, k.id, "approve", "")
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "the correction belongs to its own case"
    );
    assert_eq!(
        review(&app, &cast.rev, id, k.id, "return", "請註明完工日期")
            .await
            .status(),
        StatusCode::OK
    );
    assert!(app
        .ok(&cast.udd, "corrections/waiting", &[])
        .await
        .contains("信義計畫區停車"));
    assert_eq!(
        review(&app, &cast.rev, id, k.id, "approve", "")
            .await
            .status(),
        StatusCode::CONFLICT,
        "no longer in review"
    );
    assert_eq!(runner.run_once().await.unwrap().sent, 0, "nothing yet");
    assert_eq!(smtp.messages().len(), mailed_before);

    // Written again and approved: the office is told at once, never the text.
    assert_eq!(
        correct(&app, &cast.udd, id, CORRECTED).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        review(&app, &cast.rev, id, k.id, "approve", "")
            .await
            .status(),
        StatusCode::OK
    );
    let c = app.case(&cast.udd, id).await;
    assert_eq!(
        c.corrections[0].state,
        app::corrections::CorrectionState::Approved
    );
    assert_eq!(c.timeline[0].action, "correction_approved");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN \
           ('correction_submitted', 'correction_returned', 'correction_approved')",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audited, 4);
    runner.run_once().await.unwrap();
    let letter = smtp
        .messages()
        .into_iter()
        .last()
        .expect("the office is mailed");
    assert_eq!(letter.to, ["office@council.example.gov.tw"]);
    let parsed = letter.parsed();
    assert_eq!(parsed.subject(), Some("［府會通］質詢 第 5 號 答復勘誤"));
    let text = parsed.body_text(0).unwrap().into_owned();
    assert!(!text.contains("120 格"), "never the correction's text");

    // The status page shows the original marked, and the correction with its reason.
    let at = text.find("/s/").unwrap() + 3;
    let token = &text[at..at + app::links::TOKEN_CHARS];
    let page = app
        .page(&app.client(), &format!("/s/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("已勘誤"), "{page}");
    assert!(page.contains("原答復內容（已勘誤"));
    assert!(page.contains(CORRECTED));
    assert!(page.contains("原答復誤植停車格數。"));

    // The next volume carries it in its corrections section; once sent, not again.
    let session = r.session.to_string();
    let volume = app
        .page(&cast.sec, &format!("/volume?session={session}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(volume.contains("勘誤 1 則"), "{volume}");
    assert!(volume.contains(CORRECTED));
    assert!(volume.contains("本答復已於"));
    let sent = cast
        .sec
        .post(app.url("/volume/send"))
        .form(&[
            ("session", session.clone()),
            ("sent_on", "113/03/15".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
    let c = app.case(&cast.udd, id).await;
    assert!(c.corrections[0].sent_on.is_some());
    let again = app
        .page(&cast.sec, &format!("/volume?session={session}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!again.contains("勘誤 1 則"));
    assert!(!again.contains(CORRECTED));
    assert!(again.contains("本答復已於"), "the reply stays flagged");
}

#[tokio::test]
async fn a_corrected_answer_reads_in_the_volume_files_as_in_its_page() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let id = crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    assert_eq!(
        correct(&app, &cast.sec, id, CORRECTED).await.status(),
        StatusCode::OK
    );
    let k = app.case(&cast.rev, id).await.corrections[0].id;
    assert_eq!(
        review(&app, &cast.rev, id, k, "approve", "").await.status(),
        StatusCode::OK
    );
    let session = app.reference().await.session;
    let odt = app
        .page(&cast.rev, &format!("/volume.odt?session={session}"))
        .await
        .bytes()
        .await
        .unwrap();
    // The package's XML parses, the correction in it as text.
    let content = server::documents::odt::check::package(&odt).unwrap();
    assert!(content.contains("勘誤"), "{content}");
    assert!(content.contains(CORRECTED));
    assert!(content.contains("原答復誤植停車格數。"));
}
