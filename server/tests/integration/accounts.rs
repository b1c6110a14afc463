use crate::harness::{location, TestApp, PASSWORD};
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
    let first = app
        .page(&client, "/account/password")
        .await
        .text()
        .await
        .unwrap();
    assert!(first.contains("都市發展局"), "signed in, as a bureau user");
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

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.current_user(username).await.id
}

fn change_form(current: &str, new: &str, confirm: &str) -> Vec<(&'static str, String)> {
    vec![
        ("current", current.to_owned()),
        ("new", new.to_owned()),
        ("confirm", confirm.to_owned()),
    ]
}

const NEW_PASSWORD: &str = "議會質詢 追蹤 2024 春";

#[tokio::test]
async fn an_account_an_admin_created_must_choose_its_own_password_before_anything_else() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let res = admin
        .post(app.url("/api/admin/users/create"))
        .form(&new_user_form("ho.sec", "secretariat", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let client = app.client();
    let login = app.login(&client, "ho.sec", "a fine long password").await;
    assert_eq!(location(&login).as_deref(), Some("/account/password"));
    let home = app.page(&client, "/cases").await;
    assert_eq!(location(&home).as_deref(), Some("/account/password"));
    let work = app.call(&client, "cases/list", &[]).await;
    assert_eq!(work.status(), StatusCode::FORBIDDEN);
    let page = app.page(&client, "/account/password").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("請先設定只有您知道的新密碼"));

    app.ok(
        &client,
        "account/password",
        &change_form("a fine long password", NEW_PASSWORD, NEW_PASSWORD),
    )
    .await;
    assert_eq!(app.page(&client, "/cases").await.status(), StatusCode::OK);
    let again = app.login(&app.client(), "ho.sec", NEW_PASSWORD).await;
    assert_eq!(location(&again).as_deref(), Some("/"));
}

#[tokio::test]
async fn changing_your_password_needs_the_current_one_and_a_good_new_one() {
    let app = TestApp::spawn().await;
    let me = app.signed_in("chen.sec", "secretariat", None).await;
    let refused = |form: Vec<(&'static str, String)>, field: &'static str| {
        let (app, me) = (&app, &me);
        async move {
            let res = app.call(me, "account/password", &form).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            let err: app::error::AppError = res.json().await.unwrap();
            assert!(err.field_message(field).is_some(), "{field}: {err:?}");
        }
    };
    refused(
        change_form("wrong password!", NEW_PASSWORD, NEW_PASSWORD),
        "current",
    )
    .await;
    refused(
        change_form(PASSWORD, NEW_PASSWORD, "something else entirely"),
        "confirm",
    )
    .await;
    refused(change_form(PASSWORD, "too short", "too short"), "new").await;
    refused(change_form(PASSWORD, "1qaz2wsx3edc", "1qaz2wsx3edc"), "new").await;
    refused(change_form(PASSWORD, PASSWORD, PASSWORD), "new").await;
    let long = "長".repeat(129);
    refused(change_form(PASSWORD, &long, &long), "new").await;
    // Nothing changed: the old password still works.
    let login = app.login(&app.client(), "chen.sec", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
}

#[tokio::test]
async fn guessing_the_current_password_locks_like_guessing_at_login() {
    let app = TestApp::spawn().await;
    let me = app.signed_in("chen.sec", "secretariat", None).await;
    for _ in 0..4 {
        let res = app
            .call(
                &me,
                "account/password",
                &change_form("guess guess guess", NEW_PASSWORD, NEW_PASSWORD),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let fifth = app
        .call(
            &me,
            "account/password",
            &change_form("guess guess guess", NEW_PASSWORD, NEW_PASSWORD),
        )
        .await;
    assert_eq!(fifth.status(), StatusCode::TOO_MANY_REQUESTS);
    let right = app
        .call(
            &me,
            "account/password",
            &change_form(PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
        )
        .await;
    assert_eq!(
        right.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "locked, even when right"
    );
}

#[tokio::test]
async fn a_changed_password_ends_your_other_sessions_and_keeps_this_one() {
    let app = TestApp::spawn().await;
    let here = app.signed_in("chen.sec", "secretariat", None).await;
    let elsewhere = app.client();
    app.login(&elsewhere, "chen.sec", PASSWORD).await;

    app.ok(
        &here,
        "account/password",
        &change_form(PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
    )
    .await;
    assert_eq!(app.page(&here, "/").await.status(), StatusCode::OK);
    assert_eq!(
        location(&app.page(&elsewhere, "/").await).as_deref(),
        Some("/login")
    );
    let old = app.login(&app.client(), "chen.sec", PASSWORD).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let audit: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'own_password_changed'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn a_password_an_admin_resets_ends_the_users_sessions_and_must_be_changed() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let user = app.signed_in("chen.sec", "secretariat", None).await;
    let id = user_id(&app, "chen.sec").await;

    let form = [
        ("user_id", id.to_string()),
        ("password", "temporary pass 2024".to_owned()),
    ];
    app.ok(&admin, "admin/users/password", &form).await;
    assert_eq!(
        location(&app.page(&user, "/").await).as_deref(),
        Some("/login")
    );

    let client = app.client();
    let login = app.login(&client, "chen.sec", "temporary pass 2024").await;
    assert_eq!(location(&login).as_deref(), Some("/account/password"));
    let short = [
        ("user_id", id.to_string()),
        ("password", "short pass".to_owned()),
    ];
    let res = app.call(&admin, "admin/users/password", &short).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn deactivating_an_account_ends_its_sessions_at_once_and_reactivating_lets_it_back() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let user = app.signed_in("chen.sec", "secretariat", None).await;
    let id = user_id(&app, "chen.sec").await;
    let set = |active: bool| vec![("user_id", id.to_string()), ("active", active.to_string())];

    app.ok(&admin, "admin/users/active", &set(false)).await;
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "the rows are gone, not just refused");
    assert_eq!(
        location(&app.page(&user, "/").await).as_deref(),
        Some("/login")
    );
    let login = app.login(&app.client(), "chen.sec", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);

    app.ok(&admin, "admin/users/active", &set(true)).await;
    let login = app.login(&app.client(), "chen.sec", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action IN ('user_deactivated', 'user_reactivated') ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(actions, ["user_deactivated", "user_reactivated"]);
}

#[tokio::test]
async fn only_an_admin_deactivates_and_never_themselves() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let admin_id = user_id(&app, "root.admin").await;
    let form = vec![
        ("user_id", admin_id.to_string()),
        ("active", "false".to_owned()),
    ];
    let res = app.call(&sec, "admin/users/active", &form).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.call(&admin, "admin/users/active", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.page(&admin, "/admin/users").await.status(),
        StatusCode::OK
    );
}
