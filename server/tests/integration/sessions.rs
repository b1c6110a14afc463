//! Sessions end after 30 idle minutes or 12 hours, whichever comes first, by the app's
//! clock; the cookie ends with the browser; the table keeps only hashes of the ids.

use crate::harness::{location, set_cookie, TestApp, PASSWORD};
use reqwest::StatusCode;

async fn signed_in_still(app: &TestApp, client: &reqwest::Client) -> bool {
    let res = app.page(client, "/").await;
    match res.status() {
        StatusCode::OK => true,
        StatusCode::FOUND if location(&res).as_deref() == Some("/login") => false,
        other => panic!("unexpected {other}"),
    }
}

#[tokio::test]
async fn thirty_idle_minutes_end_a_session() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("chen.sec", "secretariat", None).await;
    app.advance(29);
    assert!(signed_in_still(&app, &client).await, "29 minutes idle");
    app.advance(29);
    assert!(
        signed_in_still(&app, &client).await,
        "each request restarts the idle clock"
    );
    app.advance(30);
    assert!(!signed_in_still(&app, &client).await, "30 minutes idle");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows, 0, "the expired session is deleted, not just ignored");
}

#[tokio::test]
async fn a_session_in_steady_use_ends_twelve_hours_after_sign_in() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("chen.sec", "secretariat", None).await;
    for _ in 0..35 {
        app.advance(20);
        assert!(signed_in_still(&app, &client).await);
    }
    app.advance(20); // 12 hours since sign-in
    assert!(!signed_in_still(&app, &client).await);
}

#[tokio::test]
async fn the_cookie_ends_with_the_browser() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let res = app.login(&app.client(), "chen.sec", PASSWORD).await;
    let cookie = set_cookie(&res).unwrap();
    assert!(!cookie.to_lowercase().contains("max-age"), "{cookie}");
    assert!(!cookie.to_lowercase().contains("expires"), "{cookie}");
}

#[tokio::test]
async fn the_table_keeps_a_hash_of_the_session_id_never_the_id() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let res = app.login(&app.client(), "chen.sec", PASSWORD).await;
    let cookie = set_cookie(&res).unwrap();
    let id = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("fht_session=")
        .to_owned();
    let stored: Vec<String> = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(stored, vec![hash]);
    assert!(!stored.iter().any(|s| s.contains(&id)));
}

#[tokio::test]
async fn housekeeping_deletes_idle_and_old_sessions() {
    let app = TestApp::spawn().await;
    let _client = app.signed_in("chen.sec", "secretariat", None).await;
    let store = app::auth::session::DbSessionStore::new(
        &app.state,
        app::auth::session_rules::SessionPolicy::default(),
    );
    assert_eq!(store.delete_expired().await.unwrap(), 0);
    app.advance(31);
    assert_eq!(store.delete_expired().await.unwrap(), 1);
}

#[tokio::test]
async fn a_request_still_in_flight_cannot_bring_back_an_ended_session() {
    use tower_sessions::{
        session::{Id, Record},
        SessionStore,
    };
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let user = app.current_user("chen.sec").await;
    let store = app::auth::session::DbSessionStore::new(
        &app.state,
        app::auth::session_rules::SessionPolicy::default(),
    );
    let mut record = Record {
        id: Id::default(),
        data: [("user_id".to_owned(), serde_json::json!(user.id))]
            .into_iter()
            .collect(),
        expiry_date: time::OffsetDateTime::now_utc(),
    };
    store.create(&mut record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_some());
    // The account is deactivated (its sessions end) while a request of it is in flight;
    // that request then saves its session.
    let mut conn = app.state.db.acquire().await.unwrap();
    app::auth::db::end_sessions(&mut conn, user.id)
        .await
        .unwrap();
    drop(conn);
    store.save(&record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none());
}
