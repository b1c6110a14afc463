use crate::harness::{location, set_cookie, TestApp, PASSWORD};
use reqwest::{header, StatusCode};

#[tokio::test]
async fn a_user_with_the_right_password_is_signed_in_and_sees_their_start_page() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let client = app.client();

    let res = app.login(&client, "Chen.Sec", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(location(&res).as_deref(), Some("/"));

    let home = app.page(&client, "/").await;
    assert_eq!(home.status(), StatusCode::OK);
    let body = home.text().await.unwrap();
    assert!(body.contains("我的工作"), "{body}");
    assert!(body.contains("待分派案件"));
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_strict() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let res = app.login(&app.client(), "chen.sec", PASSWORD).await;
    let cookie = set_cookie(&res).expect("a session cookie");
    assert!(cookie.starts_with("fht_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_configured() {
    let app = TestApp::spawn_with(true).await;
    app.create_user("chen.sec", "secretariat", None).await;
    let res = app.login(&app.client(), "chen.sec", PASSWORD).await;
    assert!(set_cookie(&res).unwrap().contains("Secure"));
}

#[tokio::test]
async fn each_login_starts_a_new_session_id() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let client = app.client();
    let first = set_cookie(&app.login(&client, "chen.sec", PASSWORD).await).unwrap();
    let second = set_cookie(&app.login(&client, "chen.sec", PASSWORD).await).unwrap();
    let id = |c: &str| c.split(';').next().unwrap().to_owned();
    assert_ne!(id(&first), id(&second));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;

    let wrong = app
        .login(&app.client(), "chen.sec", "not the password")
        .await;
    let unknown = app.login(&app.client(), "nobody", "not the password").await;

    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let wrong = wrong.text().await.unwrap();
    assert_eq!(wrong, unknown.text().await.unwrap());
    assert!(wrong.contains("InvalidCredentials"), "{wrong}");
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let client = app.client();

    for attempt in 1..=4 {
        let res = app.login(&client, "chen.sec", "wrong password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let fifth = app.login(&client, "chen.sec", "wrong password").await;
    assert_eq!(fifth.status(), StatusCode::TOO_MANY_REQUESTS);

    let right = app.login(&client, "chen.sec", PASSWORD).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(right.text().await.unwrap().contains("\"minutes\":15"));

    app.advance(14);
    let still = app.login(&client, "chen.sec", PASSWORD).await;
    assert_eq!(still.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(still.text().await.unwrap().contains("\"minutes\":1"));

    app.advance(1);
    let after = app.login(&client, "chen.sec", PASSWORD).await;
    assert_eq!(after.status(), StatusCode::OK);
}

#[tokio::test]
async fn forty_parallel_wrong_guesses_get_at_most_five_password_checks() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..40 {
        let (client, url) = (app.client(), app.url("/api/login"));
        guesses.spawn(async move {
            let guess = format!("guess {i}");
            let form = [("username", "chen.sec"), ("password", guess.as_str())];
            client.post(url).form(&form).send().await.unwrap().status()
        });
    }
    let answers = guesses.join_all().await;
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    let wrong = answers
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(refused + wrong, 40, "{answers:?}");
    // Every checked password leaves a wrong-password or a lock row; refusals say "locked".
    let checked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'login_locked' \
         OR (action = 'login_failed' AND data LIKE '%wrong_password%')",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!((1..=5).contains(&checked), "{checked} passwords checked");
    assert!(
        wrong <= 4 && refused >= 36,
        "{wrong} wrong, {refused} refused"
    );
    // The lock holds against the right password too.
    let right = app.login(&app.client(), "chen.sec", PASSWORD).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn one_address_trying_many_usernames_is_told_to_wait() {
    let app = TestApp::spawn_with_lockout(app::auth::lockout::LockoutPolicy {
        per_address_per_minute: 3,
        ..Default::default()
    })
    .await;
    app.create_user("chen.sec", "secretariat", None).await;
    for name in ["a.user", "b.user", "c.user"] {
        let res = app.login(&app.client(), name, "guess").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{name}");
    }
    // A fourth name, even with the right password: the address has had its turns.
    let res = app.login(&app.client(), "chen.sec", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = res.text().await.unwrap();
    assert!(body.contains("TooManyAttempts"), "{body}");
    // The username itself was never tried, so it is not locked.
    let failures: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM login_throttle WHERE username = 'chen.sec'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(failures, 0);
}

#[tokio::test]
async fn unknown_usernames_lock_just_like_real_ones() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        app.login(&app.client(), "ghost", "guess").await;
    }
    let res = app.login(&app.client(), "ghost", "guess").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn failures_spread_over_more_than_the_window_do_not_lock() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    for _ in 0..4 {
        app.login(&app.client(), "chen.sec", "wrong password").await;
    }
    app.advance(16);
    let res = app.login(&app.client(), "chen.sec", "wrong password").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_successful_login_clears_earlier_failures() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    for _ in 0..4 {
        app.login(&app.client(), "chen.sec", "wrong password").await;
    }
    assert_eq!(
        app.login(&app.client(), "chen.sec", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    let res = app.login(&app.client(), "chen.sec", "wrong password").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logging_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("chen.sec", "secretariat", None).await;
    let cookie = set_cookie(&app.login(&client, "chen.sec", PASSWORD).await).unwrap();
    let pair = cookie.split(';').next().unwrap().to_owned();

    let res = client.post(app.url("/api/logout")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(location(&res).as_deref(), Some("/login"));

    // Replaying the old cookie by hand must not bring the session back.
    let replay = app
        .client()
        .get(app.url("/"))
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, pair)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::FOUND);
    assert_eq!(location(&replay).as_deref(), Some("/login"));
}

#[tokio::test]
async fn a_login_form_posted_without_javascript_redirects_back_with_the_error() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let res = client
        .post(app.url("/api/login"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/login"))
        .form(&[("username", "nobody"), ("password", "whatever")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let to = location(&res).unwrap();
    assert_eq!(to, app.url("/login"), "the error is not in the address");

    let page = |client: reqwest::Client| {
        let to = to.clone();
        async move {
            client
                .get(&to)
                .header(header::ACCEPT, "text/html")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let shown = page(client.clone()).await;
    assert!(shown.contains("帳號或密碼錯誤"), "{shown}");
    let again = page(client.clone()).await;
    assert!(!again.contains("帳號或密碼錯誤"), "shown once");
    let elsewhere = page(app.client()).await;
    assert!(
        !elsewhere.contains("帳號或密碼錯誤"),
        "only to that browser"
    );
}

#[tokio::test]
async fn a_crafted_error_in_a_link_shows_nothing_of_its_words() {
    use base64::{engine::general_purpose::URL_SAFE, Engine};
    let app = TestApp::spawn().await;
    let words = app::error::AppError::validation("username", "請至 https://evil.example 登入");
    let crafted = URL_SAFE.encode(serde_json::to_vec(&words).unwrap());
    for page in ["/login", "/cases?kind=question"] {
        let sep = if page.contains('?') { '&' } else { '?' };
        let link = format!("{page}{sep}__path=%2Fapi%2Flogin&__err={crafted}");
        let client = app.client();
        let res = app.page(&client, &link).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{link}");
        assert_eq!(
            location(&res).as_deref(),
            Some(page),
            "the same page, without it"
        );
        let shown = app.page(&client, page).await.text().await.unwrap();
        assert!(!shown.contains("evil.example"), "{shown}");
    }
}

#[tokio::test]
async fn a_login_form_posted_without_javascript_lands_on_the_start_page() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/login"))
        .form(&[("username", "chen.sec"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res).as_deref(), Some("/"));
}

#[tokio::test]
async fn a_deactivated_user_can_neither_log_in_nor_keep_their_session() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("chen.sec", "secretariat", None).await;
    sqlx::query("UPDATE users SET active = $1 WHERE username = $2")
        .bind(false)
        .bind("chen.sec")
        .execute(&app.state.db)
        .await
        .unwrap();

    let home = app.page(&client, "/").await;
    assert_eq!(location(&home).as_deref(), Some("/login"));
    let again = app.login(&app.client(), "chen.sec", PASSWORD).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
}
