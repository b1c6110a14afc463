//! The working-day calendar as offices get it: the government's tables uploaded as files
//! (Big5 or UTF-8 with a BOM), a city's open data, text copied from a spreadsheet, from the
//! web and the command line; a corrected table replacing its year; the national calendar a
//! fresh install loads; the admin told when next year's is missing.

use crate::harness::TestApp;
use reqwest::{header, multipart, StatusCode};

fn fixture(name: &str) -> Vec<u8> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/integration/fixtures/calendars/"
    );
    std::fs::read(format!("{dir}{name}")).unwrap()
}

async fn upload(
    app: &TestApp,
    who: &reqwest::Client,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = multipart::Form::new().part(
        "file",
        multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    who.post(app.url("/admin/deadlines/calendar"))
        .header(header::ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn days(app: &TestApp, year: i32) -> Vec<(String, String, String)> {
    sqlx::query_as::<_, (String, String, String)>(
        "SELECT day, kind, name FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day",
    )
    .bind(format!("{year}-01-01"))
    .bind(format!("{year}-12-31"))
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

async fn page(app: &TestApp, who: &reqwest::Client) -> String {
    app.page(who, "/admin/deadlines")
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_governments_tables_upload_as_files_in_either_encoding_and_say_what_they_changed() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;

    let refused = upload(
        &app,
        &sec,
        "national-2026-big5.csv",
        fixture("national-2026-big5.csv"),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    assert!(days(&app, 2026).await.is_empty(), "only the admin");

    let res = upload(
        &app,
        &admin,
        "national-2026-big5.csv",
        fixture("national-2026-big5.csv"),
    )
    .await;
    assert_eq!(
        crate::harness::location(&res).as_deref(),
        Some("/admin/deadlines")
    );
    let got = days(&app, 2026).await;
    assert_eq!(got.len(), 16, "{got:?}");
    assert_eq!(
        got[1],
        ("2026-02-16".into(), "holiday".into(), "農曆除夕".into())
    );
    let said = page(&app, &admin).await;
    assert!(said.contains("檔案「national-2026-big5.csv」"), "{said}");
    assert!(
        said.contains("115 年：新增 16 天、移除 0 天、修改 0 天。"),
        "{said}"
    );

    // A corrected table: 端午節 moved, so the old day is a working day again.
    let corrected = String::from_utf8(fixture("national-2027-utf8-bom.csv"))
        .unwrap()
        .replace("20270609,三,2,端午節", "20270609,三,0,")
        .replace("20270610,四,0,", "20270610,四,2,端午節（更正）");
    let res = upload(
        &app,
        &admin,
        "national-2027.csv",
        fixture("national-2027-utf8-bom.csv"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(days(&app, 2027).await.len(), 17);
    upload(
        &app,
        &admin,
        "national-2027-corrected.csv",
        corrected.into_bytes(),
    )
    .await;
    let got = days(&app, 2027).await;
    assert!(!got.iter().any(|d| d.0 == "2027-06-09"), "{got:?}");
    assert!(got.iter().any(|d| d.0 == "2027-06-10"));
    let said = page(&app, &admin).await;
    assert!(
        said.contains("116 年：新增 1 天、移除 1 天、修改 0 天。移除：116/06/09（端午節）。"),
        "{said}"
    );
    assert_eq!(
        days(&app, 2026).await.len(),
        16,
        "another year is left alone"
    );

    // A city's open data, and text copied from a spreadsheet across two years.
    let res = upload(&app, &admin, "city-2026.csv", fixture("city-2026.csv")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let said = page(&app, &admin).await;
    assert!(
        said.contains("115 年：與原有設定相同，沒有變更。"),
        "{said}"
    );
    let pasted = String::from_utf8(fixture("pasted-2026-2027.tsv")).unwrap();
    let change: serde_json::Value = serde_json::from_str(
        &app.ok(&admin, "admin/calendar/import", &[("csv", pasted)])
            .await,
    )
    .unwrap();
    assert_eq!(change["years"], serde_json::json!([2026, 2027]));
    assert_eq!(change["added"].as_array().unwrap().len(), 1, "{change}");

    // What is not a calendar is refused for its cause, in one sentence.
    let res = upload(&app, &admin, "list.xlsx", b"\x81\x30\x81\x30".to_vec()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let said = page(&app, &admin).await;
    assert!(said.contains("無法辨識檔案的文字編碼"), "{said}");
    let res = app
        .call(
            &admin,
            "admin/calendar/import",
            &[("csv", "年,月,日\n2026,1,1\n".into())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("看不出這是哪一種日曆格式"));
}

#[tokio::test]
async fn the_command_line_imports_a_calendar_file_and_migrate_loads_the_national_one() {
    let url = crate::harness::fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    app.signed_in("root.admin", "admin", None).await;
    let file = std::env::temp_dir().join(format!("fht-calendar-{}.csv", std::process::id()));
    std::fs::write(&file, fixture("national-2026-big5.csv")).unwrap();
    let done = crate::cli::run(&url, &["calendar", "import", file.to_str().unwrap()], "");
    let said = crate::cli::text(&done.stdout);
    assert!(
        done.status.success(),
        "{said}{}",
        crate::cli::text(&done.stderr)
    );
    assert!(said.contains("115 年：新增 16 天"), "{said}");
    let _ = std::fs::remove_file(&file);

    // 2026 is the admin's now; migrate loads only the year the database has none of.
    let migrated = crate::cli::run(&url, &["migrate"], "");
    let said = crate::cli::text(&migrated.stdout);
    assert!(migrated.status.success(), "{said}");
    assert!(said.contains("已載入全國行事曆：116 年"), "{said}");
    assert_eq!(days(&app, 2027).await.len(), 17);
    let again = crate::cli::run(&url, &["migrate"], "");
    assert!(!crate::cli::text(&again.stdout).contains("已載入"), "once");
}

#[tokio::test]
async fn the_admin_is_told_from_november_when_next_years_calendar_is_missing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    // The test clock is at 2024-03-15.
    assert!(start(&app, &admin).await.contains("尚未登錄113 年的放假日"));
    let not_admin = app.page(&sec, "/").await.text().await.unwrap();
    assert!(!not_admin.contains("尚未登錄"));
    let year = |y: i32| ("csv", format!("{y}-01-01,放假,開國紀念日\n"));
    app.ok(&admin, "admin/calendar/import", &[year(2024)]).await;
    assert!(!start(&app, &admin).await.contains("尚未登錄"));
    app.clock.advance(chrono::Duration::days(231)); // 2024-11-01
                                                    // Months later, signed in anew.
    let admin = app.signed_in("lin.admin", "admin", None).await;
    assert!(start(&app, &admin).await.contains("尚未登錄114 年的放假日"));
    app.ok(&admin, "admin/calendar/import", &[year(2025)]).await;
    assert!(!start(&app, &admin).await.contains("尚未登錄"));
}

async fn start(app: &TestApp, who: &reqwest::Client) -> String {
    app.page(who, "/").await.text().await.unwrap()
}
