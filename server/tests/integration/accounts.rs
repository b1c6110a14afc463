use crate::harness::TestApp;
use reqwest::StatusCode;

fn new_user_form<'a>(username: &'a str, role: &'a str, bureau: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("username", username),
        ("display_name", "何聯絡"),
        ("role", role),
        ("bureau_id", bureau),
        ("password", "a fine long password"),
    ]
}

#[tokio::test]
async fn an_admin_creates_a_bureau_user_who_can_then_log_in() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let udd = app::reference::db::bureau_id_by_code(&app.state.db, "UDD")
        .await
        .unwrap()
        .unwrap()
        .to_string();

    let res = admin
        .post(app.url("/api/admin/users/create"))
        .form(&new_user_form("ho.udd", "bureau_liaison", &udd))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );

    let client = app.client();
    let login = app.login(&client, "ho.udd", "a fine long password").await;
    assert_eq!(login.status(), StatusCode::OK);
    let home = app.page(&client, "/").await.text().await.unwrap();
    assert!(home.contains("都市發展局"));
}

#[tokio::test]
async fn creating_a_user_is_refused_to_everyone_but_an_admin() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let res = sec
        .post(app.url("/api/admin/users/create"))
        .form(&new_user_form("sneaky", "admin", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let anonymous = app
        .client()
        .post(app.url("/api/admin/users/create"))
        .form(&new_user_form("sneaky", "admin", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
        .bind("sneaky")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_taken_username_is_reported_on_the_username_field() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let res = admin
        .post(app.url("/api/admin/users/create"))
        .form(&new_user_form("root.admin", "reviewer", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("\"field\":\"username\"") && body.contains("已有人使用"),
        "{body}"
    );
}

#[tokio::test]
async fn an_unknown_bureau_is_reported_on_the_bureau_field() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let res = admin
        .post(app.url("/api/admin/users/create"))
        .form(&new_user_form("ho.udd", "bureau_liaison", "999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("\"field\":\"bureau_id\""));
}

#[tokio::test]
async fn the_user_list_is_for_admins_only() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let res = sec.post(app.url("/api/admin/users")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
