//! The busiest desks' case list: sorted by a column, saved filters, the search box in the
//! top bar, and the rows ticked for an assignment or a file.

use crate::harness::{location, TestApp};
use crate::meetings::Cast;
use reqwest::{header, Client, StatusCode};

async fn html(app: &TestApp, who: &Client, path: &str) -> String {
    let res = app.page(who, path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

/// The case numbers in the order a page lists them.
fn numbers(page: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse("td.case-number").unwrap();
    doc.select(&sel).map(|c| c.text().collect()).collect()
}

/// Records question `number` and moves its due date to `due` (ISO).
async fn with_due(app: &TestApp, cast: &Cast, number: i64, due: &str) -> i64 {
    let id = app
        .record_question(&cast.sec, number, &format!("第{number}題"))
        .await;
    sqlx::query("UPDATE cases SET due_on = $1 WHERE id = $2")
        .bind(due)
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn the_list_sorts_by_number_or_due_date_from_its_column_headings_and_pages_by_number() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    with_due(&app, &cast, 1, "2024-04-10").await;
    with_due(&app, &cast, 2, "2024-03-20").await;
    with_due(&app, &cast, 3, "2024-05-01").await;

    let newest = html(&app, &cast.sec, "/cases").await;
    assert_eq!(
        numbers(&newest),
        ["質詢 第 3 號", "質詢 第 2 號", "質詢 第 1 號"]
    );
    assert!(newest.contains(r#"aria-sort="descending""#));
    // The 期限 heading leads to the soonest due first; then the other way.
    assert!(
        newest.contains(r#"href="/cases?sort=due&amp;page=1""#),
        "{newest}"
    );
    let due = html(&app, &cast.sec, "/cases?sort=due").await;
    assert_eq!(
        numbers(&due),
        ["質詢 第 2 號", "質詢 第 1 號", "質詢 第 3 號"]
    );
    assert!(due.contains(r#"href="/cases?sort=due_desc&amp;page=1""#));
    let latest = html(&app, &cast.sec, "/cases?sort=due_desc").await;
    assert_eq!(
        numbers(&latest),
        ["質詢 第 3 號", "質詢 第 1 號", "質詢 第 2 號"]
    );
    let oldest = html(&app, &cast.sec, "/cases?sort=number_asc").await;
    assert_eq!(
        numbers(&oldest),
        ["質詢 第 1 號", "質詢 第 2 號", "質詢 第 3 號"]
    );
    // The filter form says the order too (a phone has no headings), and a file follows it.
    assert!(due.contains(r#"<option value="due" selected"#), "{due}");
    let csv = app
        .page(&cast.sec, "/cases.csv?sort=due")
        .await
        .text()
        .await
        .unwrap();
    let first = csv.lines().nth(1).unwrap();
    assert!(first.contains(",2,") || first.contains("第2題"), "{csv}");

    // Past one page, sorted pages go by number.
    for n in 4..=30 {
        with_due(&app, &cast, n, "2024-06-01").await;
    }
    let page = html(&app, &cast.sec, "/cases?sort=due").await;
    assert!(
        page.contains(r#"href="/cases?sort=due&amp;page=2""#),
        "{page}"
    );
    let second = html(&app, &cast.sec, "/cases?sort=due&page=2").await;
    assert_eq!(numbers(&second).len(), 5);
}

#[tokio::test]
async fn each_user_saves_named_filters_of_their_own_and_removes_them() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let res = cast
        .sec
        .post(app.url("/api/cases/saved-filters/save"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/cases?status=assigned&overdue=1"))
        .form(&[
            ("name", "逾期待接受"),
            ("query", "status=assigned&overdue=1&page=4&junk=%3Cb%3E"),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(
        location(&res).unwrap(),
        "/cases?status=assigned&overdue=1",
        "to the list it names"
    );
    let page = html(&app, &cast.sec, "/cases").await;
    assert!(
        page.contains(r#"href="/cases?status=assigned&amp;overdue=1""#)
            && page.contains(">逾期待接受</a>"),
        "{page}"
    );
    // Nobody else sees it, nor may remove it.
    let theirs = html(&app, &cast.udd, "/cases").await;
    assert!(!theirs.contains("逾期待接受"));
    let saved: Vec<app::cases::saved::SavedFilter> = app
        .call(&cast.sec, "cases/saved-filters", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved.len(), 1);
    let id = saved[0].id.to_string();
    let res = app
        .call(
            &cast.udd,
            "cases/saved-filters/remove",
            &[("id", id.clone())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Saving under the same name replaces it; a nameless one is refused.
    app.ok(
        &cast.sec,
        "cases/saved-filters/save",
        &[("name", "逾期待接受".into()), ("query", "overdue=1".into())],
    )
    .await;
    let res = app
        .call(
            &cast.sec,
            "cases/saved-filters/save",
            &[("name", " ".into()), ("query", "".into())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let saved: Vec<app::cases::saved::SavedFilter> = app
        .call(&cast.sec, "cases/saved-filters", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].query, "overdue=1");
    app.ok(&cast.sec, "cases/saved-filters/remove", &[("id", id)])
        .await;
    assert!(!html(&app, &cast.sec, "/cases").await.contains("逾期待接受"));
    let audit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('filter_saved', 'filter_removed')",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audit, 3);
}

#[tokio::test]
async fn the_top_bar_searches_the_case_list_from_any_page() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    app.record_question(&cast.sec, 1, "大安區社會住宅").await;
    for who in [&cast.sec, &cast.udd, &cast.rev] {
        let page = html(&app, who, "/notifications").await;
        let doc = scraper::Html::parse_document(&page);
        let sel = scraper::Selector::parse(
            r#"form.top-search[role=search][action="/cases"][aria-label="搜尋案件"] input[name=q]"#,
        )
        .unwrap();
        assert_eq!(doc.select(&sel).count(), 1, "{page}");
    }
    let found = html(&app, &cast.sec, "/cases?q=%E7%A4%BE%E5%AE%85").await;
    assert!(
        found.contains("大安區<mark>社會住宅</mark>"),
        "社宅 finds 社會住宅"
    );
}

#[tokio::test]
async fn the_secretariat_assigns_the_ticked_rows_at_once_or_none_of_them() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let a = app.record_question(&cast.sec, 1, "路燈").await;
    let b = app.record_question(&cast.sec, 2, "號誌").await;
    let done = app.record_question(&cast.sec, 3, "人行道").await;
    app.assign(&cast.sec, done, "UDD", &[]).await;
    let dot = app.bureau("DOT").await.to_string();

    let list = html(&app, &cast.sec, "/cases?status=unassigned").await;
    assert!(list.contains(r#"aria-label="選取質詢 第 1 號""#), "{list}");
    assert!(list.contains(r#"<form id="bulk" method="post" action="/api/cases/assign-many""#));
    assert!(
        !html(&app, &cast.udd, "/cases")
            .await
            .contains("id=\"bulk\""),
        "the secretariat's"
    );

    // One of them already assigned: nothing is assigned, and the refusal names it.
    let post = |ids: Vec<i64>| {
        let mut form: Vec<(&str, String)> = ids.iter().map(|i| ("ids[]", i.to_string())).collect();
        form.push(("lead_bureau_id", dot.clone()));
        form.push(("back", "/cases?status=unassigned".into()));
        form
    };
    let res = app
        .call(&cast.sec, "cases/assign-many", &post(vec![a, done, b]))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let err: app::error::AppError = res.json().await.unwrap();
    assert!(err.to_string().starts_with("質詢 第 3 號："), "{err}");
    assert_eq!(
        app.case(&cast.sec, a).await.status,
        app::cases::CaseStatus::Unassigned
    );

    let res = cast
        .sec
        .post(app.url("/api/cases/assign-many"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/cases?status=unassigned"))
        .form(&post(vec![a, b]))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    let to = location(&res).unwrap();
    assert_eq!(to, "/cases?status=unassigned&assigned=2");
    assert!(html(&app, &cast.sec, &to).await.contains("已分派 2 案。"));
    for id in [a, b] {
        let case = app.case(&cast.dot, id).await;
        assert_eq!(case.status, app::cases::CaseStatus::Assigned);
    }
    // Nobody else may; an empty tick is said in words.
    let res = app
        .call(&cast.udd, "cases/assign-many", &post(vec![a]))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .call(&cast.sec, "cases/assign-many", &post(vec![]))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_ticked_rows_export_alone_and_none_ticked_is_refused() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let a = app.record_question(&cast.sec, 1, "路燈汰換").await;
    app.record_question(&cast.sec, 2, "號誌時制").await;
    let c = app.record_question(&cast.sec, 3, "人行道拓寬").await;
    let csv = app
        .page(
            &cast.sec,
            &format!("/cases.csv?ids[]={a}&ids[]={c}&ticked=1&lead_bureau_id="),
        )
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(
        text.contains("路燈汰換") && text.contains("人行道拓寬"),
        "{text}"
    );
    assert!(!text.contains("號誌時制"));
    let none = app.page(&cast.sec, "/cases.csv?ticked=1").await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A bureau ticking a case it has no part in gets nothing of it.
    let theirs = app
        .page(&cast.udd, &format!("/cases.csv?ids[]={a}&ticked=1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!theirs.contains("路燈汰換"));
}
