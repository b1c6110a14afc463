//! Migration 0003 turns the old timeline (zh-TW sentences) into data. The fixture holds
//! timelines as the old code wrote them, and what its case page showed; after the
//! migration the page must read the same, and the rows must be codes and chained.

use crate::harness::{fresh_database_url, TestApp, PASSWORD};
use app::state::{AppState, ManualClock};
use chrono::DateTime;
use sqlx::Executor;
use std::sync::Arc;

const LEGACY_ROWS: &str = include_str!("fixtures/legacy_timelines.sql");
const LEGACY_PAGES: &str = include_str!("fixtures/legacy_timelines.expected");

/// The expected timeline lines of each case in the fixture.
fn expected() -> Vec<(i64, Vec<String>)> {
    let mut cases: Vec<(i64, Vec<String>)> = Vec::new();
    for line in LEGACY_PAGES.lines() {
        if let Some(id) = line.strip_prefix("## case ") {
            cases.push((id.parse().unwrap(), Vec::new()));
        } else if !line.starts_with('#') && !line.is_empty() {
            cases.last_mut().unwrap().1.push(line.to_owned());
        }
    }
    cases
}

/// The entries of the page's timeline, each as its texts joined by ` | ` (the way the
/// fixture's lines were taken from the old page).
fn timeline(html: &str) -> Vec<String> {
    let start = html.find("<ol class=\"timeline\">").expect("a timeline") + 21;
    let end = start + html[start..].find("</ol>").unwrap();
    html[start..end]
        .split("<li>")
        .skip(1)
        .map(|item| {
            let mut texts = Vec::new();
            let mut text = String::new();
            let mut in_tag = false;
            for c in item.chars() {
                match c {
                    '<' => {
                        in_tag = true;
                        texts.push(std::mem::take(&mut text));
                    }
                    '>' if in_tag => in_tag = false,
                    _ if !in_tag => text.push(c),
                    _ => {}
                }
            }
            texts.push(text);
            texts
                .iter()
                .map(|t| unescape(t.trim()))
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn the_converted_timeline_of_the_demo_data_reads_the_same_on_the_case_page() {
    // The schema as it was before events became data, with the old rows in it.
    let url = fresh_database_url().await;
    let db = app::db::connect(&url).await.unwrap();
    app::db::migrate_to(&db, &url, 2).await.unwrap();
    let state = AppState {
        db: db.clone(),
        clock: Arc::new(ManualClock::new(
            DateTime::from_timestamp(1_711_000_000, 0).unwrap(),
        )),
        city: Default::default(),
    };
    server::demo::reference::seed_reference_data(&state)
        .await
        .unwrap();
    for statement in LEGACY_ROWS.lines().filter(|l| l.starts_with("INSERT")) {
        db.execute(statement).await.unwrap();
    }
    db.close().await;

    // Starting the app migrates and chains the converted rows.
    let app = TestApp::spawn_on(&url).await;
    let client = app.client();
    let res = app.login(&client, "demo-secretariat", PASSWORD).await;
    assert!(res.status().is_success());
    for (case, lines) in expected() {
        let html = app
            .page(&client, &format!("/cases/{case}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(timeline(&html), lines, "case {case}");
    }

    // The rows are codes and values now, and every one is chained.
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT action FROM case_events ORDER BY action")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    for action in &actions {
        assert!(
            app::cases::events::EventAction::parse(action).is_some(),
            "{action} is not a known code"
        );
    }
    let status: String = sqlx::query_scalar("SELECT data FROM case_events WHERE id = 2004")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let data: app::cases::events::EventData = serde_json::from_str(&status).unwrap();
    assert_eq!(
        data.status,
        Some(app::cases::events::Change::new(
            app::cases::CaseStatus::AwaitingSignOff,
            app::cases::CaseStatus::InProgress
        ))
    );
    let reports = app::chain::verify(&app.state.db).await.unwrap();
    let events = &reports[0];
    assert_eq!(events.broken, None);
    assert_eq!(events.rows, 44);
}

#[test]
fn both_backends_have_the_same_migrations_by_name() {
    let names = |backend: &str| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite,
        names("postgres"),
        "one migration each, kept in step"
    );
}
