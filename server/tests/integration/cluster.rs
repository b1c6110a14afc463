//! Several app servers on one database, as `scripts/cluster` runs them behind nginx: the
//! limits count every server's requests together, a session begun on one is known to the
//! others, and volume jobs are written once, at most K at a time in the whole cluster, and
//! taken up again when the server running one stops.

use crate::harness::{TestApp, PASSWORD};
use app::{limits::Limiter, volume::turns};
use reqwest::StatusCode;

/// Three servers on one fresh database, with `per_minute` logins an address.
async fn three_servers(per_minute: u32) -> (TestApp, TestApp, TestApp) {
    let mut config = TestApp::default_config();
    config.lockout.per_address_per_minute = per_minute;
    config.link_lookups_per_minute = per_minute;
    let first = TestApp::spawn_with_config(config).await;
    let (second, third) = (first.another_server().await, first.another_server().await);
    (first, second, third)
}

#[tokio::test]
async fn three_servers_together_allow_an_address_the_logins_one_allows() {
    let servers = three_servers(6).await;
    let servers = [&servers.0, &servers.1, &servers.2];
    let mut statuses = Vec::new();
    for i in 0..9 {
        let app = servers[i % 3];
        let name = format!("guess.{i}");
        statuses.push(app.login(&app.client(), &name, "guess").await.status());
    }
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(refused, 3, "six allowed across three servers: {statuses:?}");
    assert!(statuses[..6].iter().all(|s| *s == StatusCode::UNAUTHORIZED));
}

#[tokio::test]
async fn three_servers_together_refuse_an_address_out_of_status_link_misses() {
    let servers = three_servers(6).await;
    let servers = [&servers.0, &servers.1, &servers.2];
    let mut statuses = Vec::new();
    for i in 0..8 {
        let app = servers[i % 3];
        let url = app.url(&format!("/s/{}", "c".repeat(43)));
        statuses.push(app.client().get(url).send().await.unwrap().status());
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::NOT_FOUND)
            .count(),
        6,
        "{statuses:?}"
    );
    assert_eq!(statuses[7], StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_session_begun_on_one_server_is_the_same_session_on_the_others() {
    let (first, second, third) = three_servers(30).await;
    first.create_user("chen.sec", "secretariat", None).await;
    let client = first.client();
    let res = first.login(&client, "chen.sec", PASSWORD).await;
    assert!(res.status().is_success(), "{}", res.status());
    let cookie = crate::harness::set_cookie(&res).expect("a session cookie");
    for app in [&second, &third] {
        let page = app
            .client()
            .get(app.url("/"))
            .header(reqwest::header::COOKIE, cookie.split(';').next().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let body = page.text().await.unwrap();
        assert!(body.contains("登出"), "signed in on {}", app.addr);
    }
}

#[tokio::test]
async fn the_limit_in_one_statement_agrees_with_the_rule_in_rust() {
    let app = TestApp::spawn().await;
    let limiter = Limiter::new("test", 5);
    let mut tat = None;
    // Bursts, refusals, a pause that refills part of the bucket, and a long quiet.
    let times = [
        0, 0, 0, 1, 2, 3, 4, 5_000, 11_999, 12_000, 12_001, 30_000, 30_000, 200_000,
    ];
    for now in times {
        let (next, expected) = limiter.decide(tat, now);
        tat = Some(next);
        let got = limiter
            .check(&app.state.db, "198.51.100.7", now)
            .await
            .unwrap();
        assert_eq!(got, expected, "at {now} ms");
        assert_eq!(
            limiter
                .over_now(&app.state.db, "198.51.100.7", now)
                .await
                .unwrap(),
            limiter.over(tat, now),
            "at {now} ms"
        );
    }
    // Once full again, the key is forgotten.
    assert_eq!(
        app::limits::purge(&app.state.db, 200_000 + 60_000)
            .await
            .unwrap(),
        1
    );
}

/// A job queued by `user` straight in the database, as the volume page does.
async fn queued_job(app: &TestApp, user: i64) -> i64 {
    let session = app.reference().await.session;
    let filter = app::volume::VolumeFilter {
        session,
        sitting_type: None,
        from: None,
        to: None,
        bureau: None,
        councilor: None,
    };
    let now = app.state.now().timestamp();
    app::volume::db::create_job(
        &app.state.db,
        &filter,
        app::volume::VolumeFormat::Odt,
        user,
        now,
    )
    .await
    .unwrap()
}

async fn job_row(app: &TestApp, id: i64) -> (String, i64, Option<Vec<u8>>) {
    sqlx::query_as("SELECT state, attempt, data FROM volume_jobs WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

async fn wait_until_done(app: &TestApp, id: i64) -> (String, i64, Option<Vec<u8>>) {
    for _ in 0..100 {
        let row = job_row(app, id).await;
        if row.0 == "done" || row.0 == "failed" {
            return row;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "job {id} did not finish within 10 s: {:?}",
        job_row(app, id).await.0
    );
}

#[tokio::test]
async fn a_job_whose_server_stopped_is_taken_up_by_another_once_its_lease_runs_out_and_kept_once() {
    let app = TestApp::spawn().await;
    app.create_user("lin.rev", "reviewer", None).await;
    let user = app.current_user("lin.rev").await.id;
    let now = app.state.now().timestamp();
    // The app's worker writes one volume at a time (K = 1 on this machine at least): another
    // user's turn keeps it waiting until the test lets the clock run.
    turns::ensure_slots(&app.state.db, 2).await.unwrap();
    let other_user = user + 1_000;
    assert_eq!(
        turns::take_slot(&app.state.db, 1, other_user, "busy", now)
            .await
            .unwrap(),
        Some(0)
    );
    // A server took the job up and stopped: its run holds the job and a turn.
    let job = queued_job(&app, user).await;
    let dead = turns::claim_job(&app.state.db, 2, "dead-server", now)
        .await
        .unwrap()
        .expect("the job is taken up");
    assert_eq!((dead.id, dead.attempt), (job, 1));
    // While the lease holds, no one else runs it: the worker looks every 2 s.
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    assert_eq!(job_row(&app, job).await.0, "running");

    // The lease runs out: the worker takes it up and keeps its file.
    app.advance(2);
    let (state, attempt, data) = wait_until_done(&app, job).await;
    assert_eq!((state.as_str(), attempt), ("done", 2));
    let data = data.expect("the file is kept");
    assert!(server::documents::odt::check::package(&data).is_ok());

    // The stopped server's run comes back and finishes: its file is not kept.
    let late = (
        "late.odt",
        "application/vnd.oasis.opendocument.text",
        b"late".as_slice(),
    );
    let kept = app::volume::db::job_done(&app.state.db, job, dead.attempt, late, now)
        .await
        .unwrap();
    assert!(!kept);
    assert_eq!(job_row(&app, job).await.2.as_deref(), Some(data.as_slice()));
}

#[tokio::test]
async fn the_cluster_writes_at_most_its_turns_at_once_and_each_user_one() {
    let app = TestApp::spawn().await;
    let db = &app.state.db;
    turns::ensure_slots(db, 2).await.unwrap();
    let now = app.state.now().timestamp();
    assert_eq!(turns::take_slot(db, 1, 7, "a", now).await.unwrap(), Some(0));
    // K = 1: no room for another user, whichever server asks.
    assert_eq!(turns::take_slot(db, 1, 8, "b", now).await.unwrap(), None);
    // K = 2: room, but not for a user who holds a turn already.
    assert_eq!(turns::take_slot(db, 2, 7, "c", now).await.unwrap(), None);
    assert_eq!(turns::take_slot(db, 2, 8, "b", now).await.unwrap(), Some(1));
    // A turn not renewed comes free when its lease runs out; a renewed one does not.
    let later = now + turns::LEASE_SECS / 2;
    assert!(turns::renew_slot(db, 1, "b", later).await.unwrap());
    let past_first = now + turns::LEASE_SECS + 1;
    assert_eq!(
        turns::take_slot(db, 2, 9, "d", past_first).await.unwrap(),
        Some(0)
    );
    assert!(
        !turns::renew_slot(db, 0, "a", past_first).await.unwrap(),
        "a's turn was lost"
    );
    turns::give_back(db, 1, "b").await.unwrap();
    assert_eq!(
        turns::take_slot(db, 2, 8, "e", past_first).await.unwrap(),
        Some(1)
    );
}

#[tokio::test]
async fn a_job_cut_off_three_times_is_given_up_in_words() {
    let app = TestApp::spawn().await;
    app.create_user("lin.rev", "reviewer", None).await;
    let user = app.current_user("lin.rev").await.id;
    let db = &app.state.db;
    // The app's own worker is kept out: the user holds a turn by the app's clock, which
    // has run out by the clock of the runs below.
    turns::ensure_slots(db, 1).await.unwrap();
    let now = app.state.now().timestamp();
    assert!(turns::take_slot(db, 1, user, "busy", now)
        .await
        .unwrap()
        .is_some());
    let job = queued_job(&app, user).await;
    let mut now = now + 3_600;
    for attempt in 1..=turns::MAX_ATTEMPTS {
        let run = turns::claim_job(db, 1, &format!("dying-{attempt}"), now)
            .await
            .unwrap()
            .expect("taken up again");
        assert_eq!(run.attempt, attempt);
        now += turns::LEASE_SECS + 1;
    }
    assert_eq!(turns::claim_job(db, 1, "next", now).await.unwrap(), None);
    let (state, error): (String, Option<String>) =
        sqlx::query_as("SELECT state, error FROM volume_jobs WHERE id = $1")
            .bind(job)
            .fetch_one(db)
            .await
            .unwrap();
    assert_eq!(state, "failed");
    assert_eq!(error.as_deref(), Some(turns::GIVEN_UP));
}
