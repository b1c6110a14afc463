//! Councilor offices by mail: their contacts, a status link mailed as it is issued, and a
//! fresh link to a case when it is answered or its data delivered; never the reply's text,
//! and the token kept nowhere but in the office's mailbox.

use crate::{harness::TestApp, loopback::Smtp, meetings::Cast};
use reqwest::{Client, StatusCode};
use server::features::delivery::Runner;

fn runner(app: &TestApp) -> Runner {
    Runner::new(app.state.clone(), &app.web).unwrap()
}

fn accepted(res: &reqwest::Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

async fn add_contact(
    app: &TestApp,
    sec: &Client,
    councilor: i64,
    address: &str,
) -> reqwest::Response {
    app.call(
        sec,
        "links/contacts/add",
        &[
            ("councilor", councilor.to_string()),
            ("address", address.to_owned()),
        ],
    )
    .await
}

/// The token in a mailed link.
fn token_in(text: &str) -> String {
    let at = text.find("/s/").expect("a status link in the mail") + 3;
    text[at..at + app::links::TOKEN_CHARS].to_owned()
}

/// Every place a token could have been kept by the app: the outbox once sent, the audit
/// log, the links' rows.
async fn kept_anywhere(app: &TestApp, token: &str) -> bool {
    let like = format!("%{token}%");
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM messages WHERE body_text LIKE $1 OR body_html LIKE $1 \
           OR payload LIKE $1) \
         + (SELECT COUNT(*) FROM audit_log WHERE data LIKE $1) \
         + (SELECT COUNT(*) FROM status_links WHERE token_sha256 LIKE $1)",
    )
    .bind(like)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    n > 0
}

#[tokio::test]
async fn a_link_issued_to_an_office_is_mailed_to_each_of_its_addresses_and_recorded_without_the_token(
) {
    let smtp = Smtp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with_mail(Some(&smtp.url()), dir.path()).await;
    let cast = Cast::new(&app).await;
    let councilor = app.reference().await.councilors[0];

    // The secretariat keeps the office's addresses; a mistyped one is named, not kept.
    let res = add_contact(&app, &cast.sec, councilor, "辦公室信箱").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("請輸入議員辦公室的電子郵件地址"));
    for address in [
        "Office@Council.example.gov.tw",
        "aide@council.example.gov.tw",
    ] {
        assert!(accepted(
            &add_contact(&app, &cast.sec, councilor, address).await
        ));
    }
    let res = add_contact(&app, &cast.sec, councilor, "office@council.example.gov.tw").await;
    assert!(res.text().await.unwrap().contains("這個信箱已在聯絡信箱中"));
    let page = app
        .page(&cast.sec, &format!("/links?councilor={councilor}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("office@council.example.gov.tw"),
        "kept in lower case"
    );
    assert!(page.contains("同時寄給議員辦公室（2 個聯絡信箱）"));

    let res = app
        .call(
            &cast.sec,
            "links/issue",
            &[("councilor", councilor.to_string()), ("send", "on".into())],
        )
        .await;
    assert!(accepted(&res), "{}", res.status());
    let page = app.page(&cast.sec, "/links").await.text().await.unwrap();
    assert!(page.contains("已排入寄送給議員辦公室的 2 個聯絡信箱。"));

    let run = runner(&app).run_once().await.unwrap();
    assert_eq!(run.sent, 2);
    let mut to: Vec<String> = smtp.messages().iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(
        to,
        [
            "aide@council.example.gov.tw",
            "office@council.example.gov.tw"
        ]
    );
    let mail = smtp.messages()[0].clone();
    let parsed = mail.parsed();
    assert!(parsed
        .subject()
        .unwrap()
        .contains("議員辦公室的案件辦理情形連結"));
    let text = parsed.body_text(0).unwrap().into_owned();
    let token = token_in(&text);
    let res = app
        .client()
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the mailed link opens");

    // Sent is recorded on the link's row and in the audit log; the token nowhere.
    let (sent_at, sent_to): (Option<i64>, i64) =
        sqlx::query_as("SELECT sent_at, sent_to FROM status_links ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(sent_at.is_some());
    assert_eq!(sent_to, 2);
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT data FROM audit_log WHERE action = 'status_link_sent'")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audited.len(), 1);
    assert!(audited[0].contains("\"addresses\":2"), "{}", audited[0]);
    assert!(!kept_anywhere(&app, &token).await);
    let page = app.page(&cast.sec, "/links").await.text().await.unwrap();
    assert!(page.contains("2 個信箱"), "the list says it was mailed");

    // An office that asked not to be mailed keeps its addresses and is mailed nothing.
    let res = app
        .call(
            &cast.sec,
            "links/contacts/opt-out",
            &[
                ("councilor", councilor.to_string()),
                ("opted_out", "on".into()),
            ],
        )
        .await;
    assert!(accepted(&res));
    let link: i64 = sqlx::query_scalar("SELECT MAX(id) FROM status_links")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let res = app
        .call(
            &cast.sec,
            "links/reissue",
            &[("id", link.to_string()), ("send", "on".into())],
        )
        .await;
    assert!(accepted(&res));
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 0);
    assert_eq!(smtp.messages().len(), 2);
    let page = app
        .page(&cast.sec, &format!("/links?councilor={councilor}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("這個辦公室表示不收電子郵件"));
}

#[tokio::test]
async fn an_answer_or_a_delivery_sends_the_office_a_fresh_link_to_that_case_and_never_the_reply() {
    let smtp = Smtp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with_mail(Some(&smtp.url()), dir.path()).await;
    let cast = Cast::new(&app).await;
    let r = app.reference().await;
    // The question is the first two councilors'; only the first office has an address.
    assert!(accepted(
        &add_contact(
            &app,
            &cast.sec,
            r.councilors[0],
            "office@council.example.gov.tw"
        )
        .await
    ));
    let answered = crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    let run = runner(&app).run_once().await.unwrap();
    let office: Vec<_> = smtp
        .messages()
        .into_iter()
        .filter(|m| m.to == ["office@council.example.gov.tw"])
        .collect();
    assert_eq!(office.len(), 1, "{run:?}");
    let parsed = office[0].parsed();
    assert_eq!(parsed.subject(), Some("［府會通］質詢 第 5 號 已答復"));
    let text = parsed.body_text(0).unwrap().into_owned();
    assert!(text.contains("議題：信義計畫區停車"));
    assert!(!text.contains("已研議改善方案"), "never the reply's text");
    assert!(!parsed.body_html(0).unwrap().contains("已研議改善方案"));
    // The link is to that case, and shows the reply there.
    let token = token_in(&text);
    let page = app
        .client()
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("已研議改善方案，持續辦理。"));
    let scope: (i64, Option<i64>) =
        sqlx::query_as("SELECT councilor_id, case_id FROM status_links ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(scope, (r.councilors[0], Some(answered)));
    assert!(!kept_anywhere(&app, &token).await);
    // Once: the next run has nothing for the office.
    runner(&app).run_once().await.unwrap();
    let mailed = |smtp: &Smtp| {
        smtp.messages()
            .iter()
            .filter(|m| m.to == ["office@council.example.gov.tw"])
            .count()
    };
    assert_eq!(mailed(&smtp), 1);

    // Data delivered to the same office: a notice of its own.
    let (request, _) = crate::links::delivered(&app, &cast, r.councilors[0], "停車格.csv").await;
    runner(&app).run_once().await.unwrap();
    assert_eq!(mailed(&smtp), 2);
    let last = smtp.messages().into_iter().last().unwrap();
    let number: i64 = sqlx::query_scalar("SELECT number FROM cases WHERE id = $1")
        .bind(request)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        last.parsed().subject().map(str::to_owned),
        Some(format!("［府會通］索資 第 {number} 號 已提供資料"))
    );
}
