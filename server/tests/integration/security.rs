use crate::harness::{TestApp, PASSWORD};
use reqwest::{header, StatusCode};

#[tokio::test]
async fn a_post_with_a_forged_origin_is_refused() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header(header::ORIGIN, "http://evil.example")
        .form(&[("username", "chen.sec"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn a_post_marked_cross_site_by_the_browser_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("root.admin", "admin", None).await;
    let res = client
        .post(app.url("/api/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Still signed in: the forged logout did nothing.
    let home = app.page(&client, "/").await;
    assert_eq!(home.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_post_from_our_own_origin_passes() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header(header::ORIGIN, format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .form(&[("username", "chen.sec"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn garbage_sent_to_a_server_fn_is_a_bad_request_not_a_crash() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("%%%not=a&form")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = res.text().await.unwrap();
    assert!(body.contains("BadRequest"), "{body}");
}

#[tokio::test]
async fn a_database_failure_reaches_the_caller_without_any_sql_detail() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("chen.sec", "secretariat", None).await;
    sqlx::query("ALTER TABLE bureaus RENAME TO bureaus_gone")
        .execute(&app.state.db)
        .await
        .unwrap();

    let res = client.post(app.url("/api/bureaus")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = res.text().await.unwrap();
    assert_eq!(body, r#""Internal""#);
}

#[tokio::test]
async fn a_page_that_hits_a_database_failure_shows_a_plain_chinese_message() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("chen.sec", "secretariat", None).await;
    sqlx::query("ALTER TABLE users RENAME TO users_gone")
        .execute(&app.state.db)
        .await
        .unwrap();

    let res = app.page(&client, "/").await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = res.text().await.unwrap();
    assert!(body.contains("系統暫時無法處理您的要求"), "{body}");
    for leak in ["users", "relation", "no such table", "SELECT"] {
        assert!(!body.contains(leak), "the page leaks `{leak}`");
    }
}
