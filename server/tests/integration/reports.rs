//! The report tables and the dashboard over HTTP, and the tables as CSV and XLSX.

use crate::{harness::TestApp, meetings::Cast};
use app::reports::{server_fns::ReportView, Cell};
use reqwest::StatusCode;

async fn report(app: &TestApp, who: &reqwest::Client, from: &str, to: &str) -> ReportView {
    let res = app
        .call(
            who,
            "reports",
            &[("from", from.to_owned()), ("to", to.to_owned())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_figures_follow_the_cases_and_the_files_carry_the_same_values() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    // One question answered and tracked at 都市發展局, one still open at 交通局.
    let tracked = crate::meetings::tracked(&app, &cast, 1, "人行道改善", "UDD").await;
    let open = app.record_question(&cast.sec, 2, "公車路網").await;
    app.assign(&cast.sec, open, "DOT", &[]).await;

    let v = report(&app, &cast.sec, "113/03/01", "113/03/31").await;
    let r = &v.report;
    assert_eq!(r.sittings.len(), 1);
    assert_eq!(r.sittings[0].questions, 2);
    let udd = r.bureaus.iter().find(|b| b.bureau == "都市發展局").unwrap();
    assert_eq!(
        (udd.questions, udd.replied, udd.on_time, udd.open),
        (1, 1, 1, 0)
    );
    let dot = r.bureaus.iter().find(|b| b.bureau == "交通局").unwrap();
    assert_eq!(
        (dot.questions, dot.replied, dot.open, dot.overdue),
        (1, 0, 1, 0)
    );
    assert_eq!(r.open_now, 1);
    // Both questions are the first two councilors' joint questions: each is counted for
    // both, beside the bureaus.
    let firsts: Vec<(i64, i64, i64)> = r
        .councilors
        .iter()
        .map(|c| (c.questions, c.replied, c.on_time))
        .collect();
    assert_eq!(firsts, vec![(2, 1, 1), (2, 1, 1)]);
    let march = r.months.iter().find(|m| m.month == "113/03").unwrap();
    assert_eq!((march.recorded, march.replied), (2, 1));
    // Another range holds nothing of them.
    let empty = report(&app, &cast.sec, "113/07/01", "113/12/31").await;
    assert!(empty.report.sittings.is_empty());
    let _ = tracked;

    // The page: every chart beside its table, readable without JavaScript.
    let page = app
        .page(&cast.rev, "/reports?from=113/03/01&to=113/03/31")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(page.matches("<svg").count(), 5, "five charts");
    assert!(page.contains("各機關辦理情形（113/03/01–113/03/31）"));

    // The 報表 section shows the same tables the files hold: six, built once.
    let captions: Vec<String> = {
        let doc = scraper::Html::parse_document(&page);
        let sel =
            scraper::Selector::parse("section[aria-labelledby=tables-heading] caption").unwrap();
        doc.select(&sel).map(|c| c.text().collect()).collect()
    };
    let titles: Vec<String> = v.tables().into_iter().map(|t| t.title).collect();
    assert_eq!(captions, titles);
    assert_eq!(titles.len(), 7);
    assert!(page.contains("各議員質詢、索資與答復情形（113/03/01–113/03/31）"));

    // CSV: UTF-8 with a byte-order mark, the tables one after another.
    let csv = app
        .page(&cast.sec, "/reports/tables.csv?from=113/03/01&to=113/03/31")
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let bytes = csv.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains("質詢議題統計") && text.contains("都市發展局,1,0,0,0,1,1,0,0,100,"),
        "{text}"
    );
    for title in &titles {
        assert!(text.lines().any(|l| l == title), "{title} in the CSV");
    }
    // One table alone: its header is the first line, for a program or a pivot table.
    let tables = v.tables();
    for (i, table) in tables.iter().enumerate() {
        let one = app
            .page(
                &cast.sec,
                &format!(
                    "/reports/tables.csv?from=113/03/01&to=113/03/31&table={}",
                    i + 1
                ),
            )
            .await;
        assert_eq!(one.status(), StatusCode::OK);
        let bytes = one.bytes().await.unwrap();
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text.lines().next(), Some(table.header.join(",").as_str()));
        assert_eq!(text.lines().count(), table.rows.len() + 1, "{text}");
    }
    let beyond = format!("/reports/tables.csv?table={}", tables.len() + 1);
    assert_eq!(
        app.page(&cast.sec, &beyond).await.status(),
        StatusCode::NOT_FOUND
    );

    // XLSX: reopened, every sheet holds the table's values.
    let xlsx = app
        .page(
            &cast.sec,
            "/reports/tables.xlsx?from=113/03/01&to=113/03/31",
        )
        .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    use calamine::{Data, DataType, Reader};
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let tables = v.tables();
    let sheets = book.sheet_names().to_owned();
    assert_eq!(sheets.len(), tables.len());
    for (sheet, table) in sheets.iter().zip(&tables) {
        // The header is the first row, for filters and pivot tables; the title names the
        // sheet.
        let title_words = table.title.split('（').next().unwrap();
        assert!(sheet.contains(title_words), "{sheet} for {}", table.title);
        let range = book.worksheet_range(sheet).unwrap();
        for (c, head) in table.header.iter().enumerate() {
            assert_eq!(range.get((0, c)), Some(&Data::String(head.clone())));
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let read = range.get((r + 1, c)).unwrap();
                match cell {
                    Cell::Text(t) if t.is_empty() => assert_eq!(read, &Data::Empty),
                    Cell::Text(t) => assert_eq!(read, &Data::String(t.clone()), "{sheet} {r},{c}"),
                    Cell::Number(n) => assert_eq!(read, &Data::Float(*n), "{sheet} {r},{c}"),
                    Cell::Date(d) => {
                        assert_eq!(read.as_date(), Some(*d), "{sheet} {r},{c}: a date cell")
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn the_reports_are_for_the_secretariat_the_reviewer_and_the_admin() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    assert_eq!(
        app.call(&cast.udd, "reports", &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.page(&cast.udd, "/reports").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.page(&cast.dot, "/reports/tables.csv").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.page(&cast.rev, "/reports").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.page(&cast.sec, "/reports/tables.pdf").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_filtered_case_list_downloads_as_csv_and_xlsx_with_the_offices_columns() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let a = app.record_question(&cast.sec, 7, "人行道平整").await;
    app.assign(&cast.sec, a, "UDD", &["DOT"]).await;
    let b = app.record_question(&cast.sec, 8, "公車路網").await;
    app.assign(&cast.sec, b, "DOT", &[]).await;
    let _unassigned = app.record_question(&cast.sec, 9, "路燈汰換").await;

    // The secretariat's list of assigned cases: two rows, newest number first.
    let csv = app.page(&cast.sec, "/cases.csv?status=assigned").await;
    assert_eq!(csv.status(), StatusCode::OK);
    let bytes = csv.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[3..]);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "案號",
            "編號",
            "議員",
            "議題",
            "主辦機關",
            "協辦機關",
            "狀態",
            "期限",
            "答復日期"
        ]
    );
    assert_eq!(rows.len(), 3, "the header first, then the rows");
    assert_eq!(rows[1][0], "質詢 第 8 號");
    assert_eq!(rows[1][1], "8");
    assert_eq!(rows[2][3], "人行道平整");
    assert_eq!(rows[2][4], "都市發展局");
    assert_eq!(rows[2][5], "交通局");
    assert_eq!(rows[2][6], "待局處接受");
    assert!(
        rows[2][7].starts_with("113/"),
        "ROC due date: {}",
        rows[2][7]
    );

    // A bureau's export holds only its own cases; the XLSX holds the same values.
    let xlsx = app
        .page(&cast.udd, "/cases.xlsx")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    use calamine::{Data, DataType, Reader};
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    assert_eq!(range.height(), 2, "the header and the one UDD case");
    assert_eq!(
        range.get((1, 1)),
        Some(&Data::Float(7.0)),
        "the number sorts"
    );
    assert_eq!(range.get((1, 3)), Some(&Data::String("人行道平整".into())));
    let due = range.get((1, 7)).unwrap();
    assert!(
        matches!(due, Data::DateTime(_)) && due.as_date().is_some(),
        "the due date is a date: {due:?}"
    );
    let signed_out = app.page(&app.client(), "/cases.csv").await;
    assert_eq!(
        crate::harness::location(&signed_out).as_deref(),
        Some("/login")
    );
}

#[tokio::test]
async fn a_case_pending_past_its_due_date_counts_against_the_on_time_rate() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    crate::meetings::tracked(&app, &cast, 1, "人行道改善", "UDD").await;
    let open = app.record_question(&cast.sec, 2, "公車路網").await;
    app.assign(&cast.sec, open, "DOT", &[]).await;
    // Ten days on, 交通局's question (due 113/03/22) is still unanswered.
    cast.days_later(&app, 10).await;

    let v = report(&app, &cast.sec, "113/03/01", "113/03/31").await;
    let row = |name: &str| v.report.bureaus.iter().find(|b| b.bureau == name).unwrap();
    let dot = row("交通局");
    assert_eq!((dot.replied, dot.late_open, dot.overdue), (0, 1, 1));
    assert_eq!(dot.on_time_rate(), Some(0.0), "late, not left out");
    assert_eq!(row("都市發展局").on_time_rate(), Some(100.0));

    // Each chart carries its title where people see it; the trend stands in columns.
    let page = app
        .page(&cast.rev, "/reports?from=113/03/01&to=113/03/31")
        .await
        .text()
        .await
        .unwrap();
    for title in ["各機關如期答復率（%）", "每月趨勢：登錄與答復"] {
        assert!(
            page.contains(&format!("<figcaption>{title}</figcaption>")),
            "{title}"
        );
    }
    assert!(page.contains("<th scope=\"col\">逾期未答復</th>"));
}

/// The report as kept (`figures`) and as a full recount of every case's facts
/// (`reports::compute`), with the sittings in one order: the recount lists them as it met
/// the cases.
async fn kept_and_recounted(
    pool: &sqlx::AnyPool,
    range: app::reports::Range,
    today: chrono::NaiveDate,
) -> (app::reports::Report, app::reports::Report) {
    use app::reports::{compute, db};
    let mut kept = db::figures::report(pool, range, today).await.unwrap();
    let facts = db::recount(pool).await.unwrap();
    let mut full = compute(&facts, range, today);
    for r in [&mut kept, &mut full] {
        r.sittings
            .sort_by(|a, b| (&a.session, &a.sitting_type).cmp(&(&b.session, &b.sitting_type)));
    }
    (kept, full)
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
async fn the_kept_figures_equal_a_full_recount_of_generated_cases_after_a_build_and_after_changes()
{
    use app::reports::{
        db::rollup::{refresh, Refreshed},
        Range,
    };
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let pool = &app.state.db;
    // A first build, of one case; then 1,500 generated cases are read again as changed
    // ones, a thousand at a time.
    app.record_question(&cast.sec, 9, "行人友善").await;
    assert_eq!(refresh(pool).await.unwrap(), Refreshed::Rebuilt(1));
    app.generate(1_500).await;
    assert_eq!(refresh(pool).await.unwrap(), Refreshed::Cases(1_500));

    let today = app.state.today();
    let ranges = [
        Range::half_year_of(today),
        Range {
            from: day(2024, 1, 1),
            to: day(2024, 12, 31),
        },
        Range {
            from: day(2015, 1, 1),
            to: day(2024, 12, 31),
        },
        Range {
            from: day(2024, 3, 1),
            to: day(2024, 3, 31),
        },
        // Ranges that start or end within a month: whole months from the monthly sums, the
        // days around them from the daily ones.
        Range {
            from: day(2016, 3, 15),
            to: day(2024, 3, 20),
        },
        Range {
            from: day(2024, 3, 10),
            to: day(2024, 3, 20),
        },
        Range {
            from: day(2024, 2, 29),
            to: day(2024, 4, 1),
        },
    ];
    for range in ranges {
        let (kept, full) = kept_and_recounted(pool, range, today).await;
        assert_eq!(kept, full, "{range:?}");
    }
    // The generated cases fill every table, so the comparison compares something (they
    // are answered on time without returns; the changes below add the rest).
    let (decade, _) = kept_and_recounted(pool, ranges[2], today).await;
    assert!(decade.sittings.len() > 10, "{:?}", decade.sittings);
    assert!(decade.deliveries.received > 100);
    assert!(decade.bureaus.len() > 10 && decade.councilors.len() > 50);

    // Changes through the app: a question answered and tracked, one recorded and assigned,
    // and the one assigned handed back by its bureau.
    crate::meetings::tracked(&app, &cast, 1, "人行道改善", "UDD").await;
    let open = app.record_question(&cast.sec, 2, "公車路網").await;
    app.assign(&cast.sec, open, "DOT", &[]).await;
    let declined = app.record_question(&cast.sec, 3, "路燈").await;
    app.assign(&cast.sec, declined, "DOT", &[]).await;
    app.ok(
        &cast.dot,
        "cases/reject",
        &[
            ("case_id", declined.to_string()),
            ("reason", "非本局權責".to_owned()),
        ],
    )
    .await;
    let returned = app.record_question(&cast.sec, 4, "公園綠地").await;
    app.assign(&cast.sec, returned, "UDD", &[]).await;
    app.ok(
        &cast.udd,
        "cases/accept",
        &[("case_id", returned.to_string())],
    )
    .await;
    let version = app.case(&cast.udd, returned).await.reply_version;
    app.save_reply(&cast.udd, returned, version, "規劃中。")
        .await;
    for (who, step) in [
        (&cast.udd, "submit"),
        (&cast.udd_boss, "sign_off"),
        (&cast.sec, "pass_to_review"),
        (&cast.rev, "return_from_review"),
    ] {
        assert_eq!(
            app.step(who, returned, step, "請補充期程。").await.status(),
            StatusCode::OK,
            "{step}"
        );
    }
    // Two servers refreshing at once: one reads the four cases, the other finds it done.
    let (a, b) = tokio::join!(refresh(pool), refresh(pool));
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(outcomes, [Refreshed::Cases(4), Refreshed::UpToDate]);
    for range in ranges {
        let (kept, full) = kept_and_recounted(pool, range, today).await;
        assert_eq!(kept, full, "{range:?}");
    }
    let (march, _) = kept_and_recounted(pool, ranges[3], today).await;
    assert!(march.sittings.iter().map(|s| s.questions).sum::<i64>() >= 4);
    let udd = march
        .bureaus
        .iter()
        .find(|b| b.bureau == "都市發展局")
        .unwrap();
    assert!(udd.returns >= 1 && udd.replied >= 1, "{udd:?}");
    // Two months on, the open ones are overdue: late in the range, and overdue today.
    let later = today + chrono::Duration::days(60);
    for range in ranges {
        let (kept, full) = kept_and_recounted(pool, range, later).await;
        assert_eq!(kept, full, "{range:?} on {later}");
    }
    let (march, _) = kept_and_recounted(pool, ranges[3], later).await;
    assert!(march.open_now >= 2 && march.overdue_now >= 2, "{march:?}");
    assert!(march.bureaus.iter().any(|b| b.late_open > 0));
    assert!(march.councilors.iter().any(|c| c.late_open > 0));
    assert_eq!(refresh(pool).await.unwrap(), Refreshed::UpToDate);

    // Built again from nothing (a new server version's first start), the same figures.
    sqlx::query("UPDATE report_state SET seq = 0")
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(refresh(pool).await.unwrap(), Refreshed::Rebuilt(1_505));
    for range in ranges {
        let (kept, full) = kept_and_recounted(pool, range, later).await;
        assert_eq!(kept, full, "{range:?} rebuilt");
    }
}
