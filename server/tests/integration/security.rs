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
