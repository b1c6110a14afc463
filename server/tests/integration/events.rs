//! The timeline and the audit log as hash chains, and steps that compose in one
//! transaction.

use crate::harness::{fresh_database_url, TestApp};
use app::{
    cases::db as cases,
    chain::{verify, Chain},
};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fuhuitong");

fn audit_verify(url: &str) -> (bool, String) {
    let out = Command::new(BIN)
        .args(["audit", "verify"])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A database with a few cases moved along and some logins: both chains have rows.
async fn busy_app() -> (TestApp, String) {
    let url = fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    for n in 1..=3 {
        let id = app.record_question(&sec, n, "社會住宅").await;
        app.assign(&sec, id, "UDD", &["DLA"]).await;
        app.ok(&udd, "cases/accept", &[("case_id", id.to_string())])
            .await;
    }
    (app, url)
}

#[tokio::test]
async fn audit_verify_counts_the_rows_and_names_the_first_row_edited_by_hand() {
    let (app, url) = busy_app().await;
    let (ok, out) = audit_verify(&url);
    assert!(ok, "{out}");
    assert!(out.contains("case_events: 9 筆，鏈完整"), "{out}");
    assert!(out.contains("audit_log: 2 筆，鏈完整"), "{out}");

    // Someone edits the second assignment's event in the database.
    let id: i64 = sqlx::query_scalar("SELECT id FROM case_events WHERE seq = 5")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    sqlx::query("UPDATE case_events SET data = '{}' WHERE id = $1")
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    let (ok, out) = audit_verify(&url);
    assert!(!ok, "an edited row must fail verification: {out}");
    assert!(
        out.contains(&format!("row id {id} (seq 5)")) && out.contains("changed"),
        "{out}"
    );
    assert!(out.contains("case_events: 4 筆完好"), "{out}");
}

#[tokio::test]
async fn deleting_the_newest_event_or_one_in_the_middle_breaks_the_chain() {
    let (app, _) = busy_app().await;
    let timeline = |reports: Vec<app::chain::ChainReport>| {
        reports
            .into_iter()
            .find(|r| r.chain == Chain::CaseEvents)
            .unwrap()
    };
    // The newest row (the third acceptance) disappears: the head no longer points at the end.
    sqlx::query("DELETE FROM case_events WHERE seq = 9")
        .execute(&app.state.db)
        .await
        .unwrap();
    let events = timeline(verify(&app.state.db).await.unwrap());
    assert_eq!(events.rows, 8);
    assert!(events.broken.unwrap().problem.contains("removed"));

    // A row in the middle (the second acceptance) disappears: the next one is out of place.
    sqlx::query("DELETE FROM case_events WHERE seq = 6")
        .execute(&app.state.db)
        .await
        .unwrap();
    let events = timeline(verify(&app.state.db).await.unwrap());
    assert_eq!(events.rows, 5);
    let broken = events.broken.unwrap();
    assert_eq!(broken.seq, Some(7));
    assert!(broken.problem.contains("missing"));
}

#[tokio::test]
async fn appends_from_several_app_servers_at_once_keep_one_unbroken_chain() {
    let (app, url) = busy_app().await;
    // A second "server": its own pool on the same database.
    let other = app::db::connect(&url).await.unwrap();
    let pools = [app.state.db.clone(), other];
    let mut tasks = Vec::new();
    for i in 0..40 {
        let pool = pools[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = pool.begin().await.unwrap();
            let actor = app::audit::db::Recorder::anonymous(&format!("try{i}"));
            let entry = app::audit::db::Entry::new(app::audit::AuditAction::LoginFailed, "", "");
            app::audit::db::record(&mut tx, i as i64, &actor, "10.0.0.1", &entry)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let reports = verify(&app.state.db).await.unwrap();
    let audit = reports.iter().find(|r| r.chain == Chain::AuditLog).unwrap();
    assert_eq!(audit.broken, None);
    assert_eq!(audit.rows, 42);
}

#[tokio::test]
async fn a_batch_of_steps_on_several_cases_that_fails_half_way_changes_nothing() {
    let (app, _) = busy_app().await;
    let sec = app.signed_in("lee.sec", "secretariat", None).await;
    let first = app.record_question(&sec, 10, "第一案").await;
    let second = app.record_question(&sec, 11, "第二案").await;
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'lee.sec'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let user = app::auth::db::active_user(&app.state.db, user_id)
        .await
        .unwrap()
        .unwrap();
    let count = |sql: &'static str| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let events = count("SELECT COUNT(*) FROM case_events").await;
    let parts = count("SELECT COUNT(*) FROM assignments").await;
    let notices = count("SELECT COUNT(*) FROM notifications").await;
    let head = count("SELECT seq FROM chain_heads WHERE chain = 'case_events'").await;

    let udd = app.bureau("UDD").await;
    let mut tx = app.state.db.begin().await.unwrap();
    let version = |id: i64| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT version FROM cases WHERE id = $1")
                .bind(id)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let (v1, v2) = (version(first).await, version(second).await);
    cases::assign(&mut tx, first, &user, v1, udd, &[], 1_710_500_000)
        .await
        .expect("the first step goes through");
    let refused = cases::assign(&mut tx, second, &user, v2 + 7, udd, &[], 1_710_500_000).await;
    assert!(refused.is_err(), "a stale version is refused");
    drop(tx);

    assert_eq!(count("SELECT COUNT(*) FROM case_events").await, events);
    assert_eq!(count("SELECT COUNT(*) FROM assignments").await, parts);
    assert_eq!(count("SELECT COUNT(*) FROM notifications").await, notices);
    assert_eq!(
        count("SELECT seq FROM chain_heads WHERE chain = 'case_events'").await,
        head
    );
    assert_eq!(app.case(&sec, first).await.status.as_str(), "unassigned");

    // The same two steps, both valid, commit together.
    let mut tx = app.state.db.begin().await.unwrap();
    for id in [first, second] {
        let v = version(id).await;
        cases::assign(&mut tx, id, &user, v, udd, &[], 1_710_500_000)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM case_events").await, events + 2);
    assert_eq!(app.case(&sec, second).await.status.as_str(), "assigned");
    assert_eq!(verify(&app.state.db).await.unwrap()[0].broken, None);
}
