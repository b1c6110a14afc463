//! The letters a case travels by: the council's letter the secretariat logs, the city's
//! letter the sender records once the reply is approved, both searched and on the status
//! page, and the letter draft (函稿) as ODT naming them.

use crate::{harness::TestApp, meetings::Cast};
use reqwest::{Client, StatusCode};

pub const INCOMING: &str = "議議字第1130001234號";
pub const OUTGOING: &str = "府都新字第1133012345號";

pub async fn letter(
    app: &TestApp,
    who: &Client,
    which: &str,
    case: i64,
    number: &str,
    on: &str,
) -> reqwest::Response {
    app.call(
        who,
        "letters/record",
        &[
            ("case_id", case.to_string()),
            ("which", which.to_owned()),
            ("form[number]", number.to_owned()),
            ("form[on]", on.to_owned()),
        ],
    )
    .await
}

#[tokio::test]
async fn an_approved_reply_goes_under_a_letter_draft_that_names_the_councils_letter_and_both_numbers_are_searched_and_shown(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let id = crate::meetings::tracked(&app, &cast, 5, "社會住宅興建進度", "UDD").await;
    let open = app.record_question(&cast.sec, 6, "公車專用道").await;
    app.assign(&cast.sec, open, "UDD", &["DOT"]).await;

    // The secretariat logs the council's letter; nobody else may.
    assert_eq!(
        letter(&app, &cast.sec, "incoming", id, INCOMING, "113/03/12")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        letter(&app, &cast.udd, "incoming", id, INCOMING, "")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // The lead bureau records its own letter once the reply is approved; not before, not
    // the reviewer, not a bureau without a part, not a day ahead.
    assert_eq!(
        letter(&app, &cast.udd, "outgoing", open, OUTGOING, "")
            .await
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        letter(&app, &cast.dot, "outgoing", id, OUTGOING, "")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        letter(&app, &cast.rev, "outgoing", id, OUTGOING, "")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        letter(&app, &cast.udd, "outgoing", id, OUTGOING, "113/03/16")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        letter(&app, &cast.udd_boss, "outgoing", id, OUTGOING, "")
            .await
            .status(),
        StatusCode::OK
    );
    let case = app.case(&cast.sec, id).await;
    assert_eq!(case.letters.incoming_number, INCOMING);
    assert_eq!(case.letters.incoming_on.unwrap().to_string(), "2024-03-12");
    assert_eq!(case.letters.outgoing_number, OUTGOING);
    assert_eq!(case.letters.outgoing_on.unwrap().to_string(), "2024-03-15");
    let actions: Vec<&str> = case.timeline.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"incoming_letter") && actions.contains(&"outgoing_letter"));

    // Both numbers find the case.
    for q in ["1130001234", "府都新字第1133012345號"] {
        let list = app
            .page(
                &cast.sec,
                &format!("/cases?q={}", app::url::percent_encode(q)),
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(list.contains(&format!("/cases/{id}\"")), "{q}");
    }

    // The councilor's status page shows both.
    let token = app.status_token(app.reference().await.councilors[0]).await;
    let status = app
        .page(&app.client(), &format!("/s/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        status.contains(INCOMING) && status.contains(OUTGOING),
        "{status}"
    );

    // The draft, for the lead bureau, the secretariat and the reviewer.
    let res = app
        .page(&cast.udd, &format!("/cases/{id}/letter.odt"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res
        .headers()
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains("letter-"), "{disposition}");
    let content = server::documents::odt::check::package(&res.bytes().await.unwrap()).unwrap();
    for words in [
        "臺北市政府都市發展局 函（稿）",
        "主旨：有關 貴議員質詢「社會住宅興建進度」乙案，復如說明，請查照。",
        "一、依據臺北市議會 113/03/12 議議字第1130001234號函辦理。",
        "發文字號：府都新字第1133012345號",
        "二、已研議改善方案，持續辦理。",
        "副本：臺北市政府秘書處",
    ] {
        assert!(content.contains(words), "{words}");
    }
    for who in [&cast.sec, &cast.rev] {
        assert_eq!(
            app.page(who, &format!("/cases/{id}/letter.odt"))
                .await
                .status(),
            StatusCode::OK
        );
    }
    let admin = app.signed_in("root.admin", "admin", None).await;
    assert_eq!(
        app.page(&admin, &format!("/cases/{id}/letter.odt"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.page(&cast.dot, &format!("/cases/{id}/letter.odt"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // A reply not yet approved has no draft.
    assert_eq!(
        app.page(&cast.sec, &format!("/cases/{open}/letter.odt"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let page = app
        .page(&cast.udd, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("href=\"/cases/{id}/letter.odt\"")) && page.contains(OUTGOING));
}
