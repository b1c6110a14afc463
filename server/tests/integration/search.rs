//! Keyword search, its marks, similar questions and pages read by key: over HTTP as users
//! meet them, and against a plain Rust reading of the rules over generated data, so that
//! both backends are held to the same answers.

use crate::harness::{fresh_database_url, fresh_sqlite_url, TestApp};
use app::{
    auth::CurrentUser,
    cases::{
        db::list,
        search::{self, Terms},
        CaseFilter, ListKey, PageFrom,
    },
};
use reqwest::Client;
use std::collections::BTreeMap;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap()
}

/// The case list's HTML for a query string.
async fn list_html(app: &TestApp, client: &Client, query: &str) -> String {
    let res = app.page(client, &format!("/cases?{query}")).await;
    assert_eq!(res.status(), 200, "{query}");
    res.text().await.unwrap()
}

/// Which of `labels` (case numbers as the list shows them) the page lists.
fn listed<'a>(html: &str, labels: &[&'a str]) -> Vec<&'a str> {
    labels
        .iter()
        .copied()
        .filter(|l| html.contains(&format!(">{l}<")))
        .collect()
}

fn q(term: &str) -> String {
    format!("q={}", app::url::percent_encode(term))
}

/// Records a question with its own text and councilors; returns its id.
async fn record(
    app: &TestApp,
    sec: &Client,
    number: i64,
    topic: &str,
    body: &str,
    councilor: usize,
) -> i64 {
    let r = app.reference().await;
    let mut form = app.question_form(number, topic).await;
    form.retain(|(k, _)| *k != "form[body]" && *k != "form[councilor_ids][]");
    form.push(("form[body]", body.into()));
    form.push(("form[councilor_ids][]", r.councilors[councilor].to_string()));
    app.ok(sec, "cases/record-question", &form)
        .await
        .parse()
        .unwrap()
}

#[tokio::test]
async fn keywords_of_one_two_and_three_characters_find_topic_text_reply_and_councilor_names() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let councilor_name: String = sqlx::query_scalar("SELECT name FROM councilors WHERE id = $1")
        .bind(app.reference().await.councilors[2])
        .fetch_one(&app.state.db)
        .await
        .unwrap();

    record(
        &app,
        &sec,
        1,
        "臺北市社宅興建進度",
        "請說明社會住宅的興建期程。",
        0,
    )
    .await;
    record(
        &app,
        &sec,
        2,
        "捷運 MRT 站體無障礙",
        "請改善Road標示與停車動線。",
        1,
    )
    .await;
    record(&app, &sec, 3, "公園綠地維護", "樹木修剪50%_預算。", 2).await;
    let replied = record(&app, &sec, 4, "市場改建", "請說明。", 1).await;
    app.assign(&sec, replied, "UDD", &[]).await;
    app.ok(&udd, "cases/accept", &[("case_id", replied.to_string())])
        .await;
    let version = app.case(&udd, replied).await.reply_version;
    let res = app
        .save_reply(&udd, replied, version, "將於明年完成停車場改建。")
        .await;
    assert!(res.status().is_success());

    let all = [
        "質詢 第 1 號",
        "質詢 第 2 號",
        "質詢 第 3 號",
        "質詢 第 4 號",
    ];
    let cases = [
        // One, two and three characters and more.
        ("社", vec!["質詢 第 1 號"]),
        ("社宅", vec!["質詢 第 1 號"]),
        ("社會住宅", vec!["質詢 第 1 號"]),
        ("停車", vec!["質詢 第 2 號", "質詢 第 4 號"]),
        // Only in the reply.
        ("停車場", vec!["質詢 第 4 號"]),
        ("明年完成", vec!["質詢 第 4 號"]),
        // Latin in any case or width, alone or mixed with Chinese.
        ("mrt", vec!["質詢 第 2 號"]),
        ("ＭＲＴ 無障礙", vec!["質詢 第 2 號"]),
        ("ROAD", vec!["質詢 第 2 號"]),
        ("mrt站", vec![]),
        ("MRT 站", vec!["質詢 第 2 號"]),
        // 臺 and 台 are one character to the search.
        ("台北市", vec!["質詢 第 1 號"]),
        // LIKE's own characters are plain text.
        ("50%_", vec!["質詢 第 3 號"]),
        ("%", vec!["質詢 第 3 號"]),
        ("_", vec!["質詢 第 3 號"]),
        // Every term must match; one matching a councilor's name is enough for it.
        ("社宅 停車", vec![]),
        (councilor_name.as_str(), vec!["質詢 第 3 號"]),
        (&format!("{councilor_name} 公園"), vec!["質詢 第 3 號"]),
        ("沒有這個詞", vec![]),
    ];
    for (term, expected) in cases {
        let html = list_html(&app, &sec, &q(term)).await;
        assert_eq!(listed(&html, &all), expected, "search for {term:?}");
        if expected.is_empty() {
            assert!(html.contains("沒有符合條件的案件"), "{term:?}");
        }
    }

    // The match is marked in the topic, in an excerpt of the text or reply, and in names.
    let html = list_html(&app, &sec, &q("社宅")).await;
    assert!(html.contains("<mark>社宅</mark>"), "{html}");
    let html = list_html(&app, &sec, &q("mrt")).await;
    assert!(html.contains("<mark>MRT</mark>"), "{html}");
    let html = list_html(&app, &sec, &q("停車場")).await;
    assert!(
        html.contains("答復：") && html.contains("<mark>停車場</mark>"),
        "{html}"
    );
    let html = list_html(&app, &sec, &q(&councilor_name)).await;
    assert!(
        html.contains(&format!("<mark>{councilor_name}</mark>")),
        "{html}"
    );
    // The box keeps the words searched for.
    assert!(html.contains(&format!("value=\"{councilor_name}\"")));
}

/// What the rules say a search finds, read in Rust from the cases themselves.
async fn expected(app: &TestApp, terms: &Terms, bureau: Option<i64>) -> Vec<(String, i64, i64)> {
    let cases: Vec<(i64, String, i64, String, String, String)> =
        sqlx::query_as("SELECT id, kind, number, topic, body, reply FROM cases")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    let names: Vec<(i64, String)> = sqlx::query_as(
        "SELECT cc.case_id, co.name FROM case_councilors cc JOIN councilors co ON co.id = cc.councilor_id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    let held: Vec<i64> = match bureau {
        Some(b) => sqlx::query_scalar(
            "SELECT case_id FROM assignments WHERE bureau_id = $1 AND state IN ('pending', 'accepted')",
        )
        .bind(b)
        .fetch_all(&app.state.db)
        .await
        .unwrap(),
        None => Vec::new(),
    };
    let mut found: Vec<(String, i64, i64)> = cases
        .into_iter()
        .filter(|(id, ..)| bureau.is_none() || held.contains(id))
        .filter(|(id, _, _, topic, body, reply)| {
            let fields = [topic, body, reply].map(|f| search::fold_str(f));
            // A term matches through any of its spellings; a councilor's name as typed.
            terms.spellings().all(|spellings| {
                spellings
                    .iter()
                    .any(|t| fields.iter().any(|f| f.contains(t.as_str())))
                    || names
                        .iter()
                        .any(|(c, n)| c == id && search::fold_str(n).contains(&spellings[0]))
            })
        })
        .map(|(id, kind, number, ..)| (kind, number, id))
        .collect();
    found.sort();
    found.reverse();
    found
}

/// Every page of a search, read by key as the pager's links do.
async fn searched(app: &TestApp, who: &CurrentUser, q: &str) -> (i64, Vec<(String, i64, i64)>) {
    let mut filter = CaseFilter {
        q: q.into(),
        page: 1,
        ..Default::default()
    };
    let mut rows = Vec::new();
    loop {
        let page = list(&app.state.db, &filter, who, today()).await.unwrap();
        rows.extend(
            page.rows
                .iter()
                .map(|r| (r.kind.as_str().to_owned(), r.number, r.id)),
        );
        assert!(page.rows.iter().all(|r| r.hit.is_some()), "{q}: marks");
        match page.after {
            Some(key) => filter.from = Some(PageFrom::After(key)),
            None => return (page.total, rows),
        }
    }
}

/// Terms over what the generator writes: one to four characters, Chinese and Latin, in the
/// topic, text, reply or a councilor's name, alone and together.
async fn generated_terms(app: &TestApp) -> Vec<String> {
    let name: String = sqlx::query_scalar("SELECT name FROM councilors ORDER BY id LIMIT 1")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let mut terms: Vec<String> = [
        "社",
        "宅",
        "社宅",
        "停車",
        "捷運",
        "公園",
        "預算",
        "社會住宅",
        "停車場",
        "臺北",
        "台北市",
        "辦理",
        "答復",
        "請說明",
        "區",
        "號",
        "無此詞",
        "社宅 停車",
        "捷運 預算 辦理",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let surname: String = name.chars().take(1).collect();
    terms.push(name.clone());
    terms.push(surname.clone());
    terms.push(format!("{name} 社會住宅"));
    terms.push(format!("{surname} 停車"));
    terms
}

#[tokio::test]
async fn search_results_are_what_the_rules_say_on_generated_data_for_every_term() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    app.create_user("ho.udd", "bureau_liaison", Some("UDD"))
        .await;
    app.generate(800).await;
    let sec = app.current_user("chen.sec").await;
    let udd = app.current_user("ho.udd").await;
    // The synonyms every city starts with (migration 0013): 社宅 is also 社會住宅.
    let synonyms = app::cases::db::synonyms(&app.state.db).await.unwrap();
    assert_eq!(
        Terms::parse("社宅")
            .with(&synonyms)
            .spellings()
            .next()
            .unwrap()
            .len(),
        2
    );
    let (mut nonempty, mut common) = (0, 0);
    for q in generated_terms(&app).await {
        let terms = Terms::parse(&q).with(&synonyms);
        for (who, bureau) in [(&sec, None), (&udd, udd.bureau_id)] {
            let want = expected(&app, &terms, bureau).await;
            let (total, got) = searched(&app, who, &q).await;
            assert_eq!(got, want, "{q:?} as {}", who.username);
            // Counted up to one past the cap; the rows, read page by page, are all there.
            let counted = (want.len() as i64).min(app::cases::CasePage::SEARCH_COUNT_CAP + 1);
            assert_eq!(total, counted, "{q:?}");
            nonempty += usize::from(!want.is_empty());
            common += usize::from(want.len() as i64 > app::cases::CasePage::SEARCH_COUNT_CAP);
        }
    }
    assert!(nonempty >= 20, "the terms find something: {nonempty}");
    assert!(common >= 2, "terms past the count's cap: {common}");
}

#[tokio::test]
async fn sqlite_and_postgresql_find_the_same_cases_for_the_same_data() {
    if std::env::var("TEST_POSTGRES_URL").map_or(true, |u| u.is_empty()) {
        // The suite's PostgreSQL run compares; on SQLite alone the test above holds
        // SQLite to the rules, and the PostgreSQL run holds PostgreSQL to the same.
        return;
    }
    let lite = TestApp::spawn_on(&fresh_sqlite_url()).await;
    let post = TestApp::spawn_on(&fresh_database_url().await).await;
    // Per query: each backend's count and (kind, number) list.
    type Answer = (i64, Vec<(String, i64)>);
    let mut results: BTreeMap<String, Vec<Answer>> = BTreeMap::new();
    for app in [&lite, &post] {
        app.create_user("chen.sec", "secretariat", None).await;
        app.create_user("ho.udd", "bureau_liaison", Some("UDD"))
            .await;
        app.generate(600).await;
        for q in generated_terms(app).await {
            for name in ["chen.sec", "ho.udd"] {
                let who = app.current_user(name).await;
                let (total, rows) = searched(app, &who, &q).await;
                // Ids are the generator's own, so kind and number say which case it is.
                let rows = rows.into_iter().map(|(k, n, _)| (k, n)).collect();
                results
                    .entry(format!("{q} as {name}"))
                    .or_default()
                    .push((total, rows));
            }
        }
    }
    for (query, answers) in results {
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0], answers[1], "{query}");
    }
}

#[tokio::test]
async fn bureau_users_never_find_another_bureaus_case_by_search_or_similar_questions() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let ours = record(&app, &sec, 1, "社會住宅興建進度", "請說明。", 0).await;
    let theirs = record(&app, &sec, 2, "社會住宅租金補貼", "請說明。", 0).await;
    let unassigned = record(&app, &sec, 3, "社會住宅管理維護", "請說明。", 0).await;
    app.assign(&sec, ours, "UDD", &[]).await;
    app.assign(&sec, theirs, "DOT", &[]).await;

    let all = ["質詢 第 1 號", "質詢 第 2 號", "質詢 第 3 號"];
    let html = list_html(&app, &udd, &q("社會住宅")).await;
    assert_eq!(listed(&html, &all), vec!["質詢 第 1 號"]);
    let html = list_html(&app, &sec, &q("社會住宅")).await;
    assert_eq!(listed(&html, &all).len(), 3);

    // The secretariat sees all alike cases on a case page; the bureau none of the others.
    let similar_ids =
        |d: app::cases::CaseDetail| d.similar.iter().map(|s| s.id).collect::<Vec<_>>();
    let for_sec = similar_ids(app.case(&sec, ours).await);
    assert!(
        for_sec.contains(&theirs) && for_sec.contains(&unassigned),
        "{for_sec:?}"
    );
    assert!(!for_sec.contains(&ours));
    assert_eq!(similar_ids(app.case(&udd, ours).await), Vec::<i64>::new());
    // Looking up a draft is the secretariat's, who records questions.
    let res = app
        .call(&udd, "cases/similar", &[("topic", "社會住宅".into())])
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn the_recording_form_and_the_case_page_list_similar_questions_with_their_replies() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let earlier = record(&app, &sec, 7, "大安區社會住宅興建進度", "請說明。", 0).await;
    record(&app, &sec, 8, "信義區公園綠地維護", "請說明。", 0).await;
    app.assign(&sec, earlier, "UDD", &[]).await;
    app.ok(&udd, "cases/accept", &[("case_id", earlier.to_string())])
        .await;
    let res = app
        .save_reply(&udd, earlier, 0, "本府規劃於大安區興建社會住宅共 500 戶。")
        .await;
    assert!(res.status().is_success());

    // 找相似案件 posts the form, which comes back to its page: the typed values stay, and
    // the earlier question shows with the start of its reply.
    let r = app.reference().await;
    let res = sec
        .post(app.url(app::cases::pages::SIMILAR_DRAFT_PATH))
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&[
            ("form[topic]", "文山區社會住宅興建".to_owned()),
            ("form[councilor_ids][]", r.councilors[0].to_string()),
            ("form[body]", "請說明文山區的規劃。".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let res = app.page(&sec, "/cases/new/question").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("相似的過去案件"), "{html}");
    assert!(html.contains("質詢 第 7 號"), "{html}");
    assert!(html.contains("<mark>區社會住宅興建</mark>"), "{html}");
    assert!(html.contains("本府規劃於大安區興建社會住宅共 500 戶。"));
    assert!(!html.contains("信義區公園綠地維護"), "not alike");
    assert!(
        html.contains("value=\"文山區社會住宅興建\""),
        "the topic stays"
    );
    assert!(html.contains("請說明文山區的規劃。"), "the text stays");
    // Without asking, the form lists nothing.
    let html = app
        .page(&sec, "/cases/new/question")
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("相似的過去案件"));

    // Recorded, the new question's page lists the earlier one.
    let new = record(&app, &sec, 9, "文山區社會住宅興建", "請說明。", 0).await;
    let html = app
        .page(&sec, &format!("/cases/{new}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("相似案件") && html.contains("質詢 第 7 號"),
        "{html}"
    );
}

#[tokio::test]
async fn pages_read_by_key_stay_the_same_while_cases_are_added() {
    let app = TestApp::spawn().await;
    let sec_client = app.signed_in("chen.sec", "secretariat", None).await;
    for n in 1..=60 {
        record(&app, &sec_client, n, &format!("議題{n}"), "請說明。", 0).await;
    }
    let sec = app.current_user("chen.sec").await;
    let read = |filter: CaseFilter| {
        let app = &app;
        let sec = &sec;
        async move { list(&app.state.db, &filter, sec, today()).await.unwrap() }
    };
    let numbers = |rows: &[app::cases::CaseRow]| rows.iter().map(|r| r.number).collect::<Vec<_>>();
    let first = read(CaseFilter {
        page: 1,
        ..Default::default()
    })
    .await;
    assert_eq!(numbers(&first.rows), (36..=60).rev().collect::<Vec<_>>());
    assert_eq!(first.before, None);
    let after = first.after.expect("a next page");
    // Ten questions are recorded while the first page is read.
    for n in 61..=70 {
        record(&app, &sec_client, n, &format!("議題{n}"), "請說明。", 0).await;
    }
    let second = read(CaseFilter {
        page: 2,
        from: Some(PageFrom::After(after)),
        ..Default::default()
    })
    .await;
    assert_eq!(numbers(&second.rows), (11..=35).rev().collect::<Vec<_>>());
    assert_eq!(second.page, 2);
    let third = read(CaseFilter {
        page: 3,
        from: Some(PageFrom::After(second.after.unwrap())),
        ..Default::default()
    })
    .await;
    assert_eq!(numbers(&third.rows), (1..=10).rev().collect::<Vec<_>>());
    assert_eq!(third.after, None, "the last page");
    // Back from the second page: the rows above it, not the newest.
    let back = read(CaseFilter {
        page: 1,
        from: Some(PageFrom::Before(second.before.unwrap())),
        ..Default::default()
    })
    .await;
    assert_eq!(numbers(&back.rows), (36..=60).rev().collect::<Vec<_>>());
    assert_eq!(
        back.before,
        Some(ListKey::of(&back.rows[0])),
        "the new questions are above"
    );
    // The pager's links carry the keys, and the page opened by one shows the same rows.
    let html = list_html(&app, &sec_client, "").await;
    let next = html
        .split("href=\"")
        .find(|s| s.starts_with("/cases?after="))
        .and_then(|s| s.split('"').next())
        .expect("a next link")
        .replace("&amp;", "&");
    let html = app.page(&sec_client, &next).await.text().await.unwrap();
    assert!(html.contains(">質詢 第 45 號<") && !html.contains(">質詢 第 46 號<"));
    assert!(html.contains("第 2 / 3 頁"), "{html}");
    assert!(html.contains("/cases?before=question."));
}

#[tokio::test]
async fn documents_missing_from_the_index_are_rebuilt_when_the_server_opens_the_database() {
    let url = fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    record(&app, &sec, 1, "舊資料的社會住宅", "請說明。", 0).await;
    // As after migration 0005 on a database that already had cases.
    for table in ["case_search", "topic_pieces"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let html = list_html(&app, &sec, &q("社會住宅")).await;
    assert!(html.contains("沒有符合條件的案件"));

    let reopened = server::open_database(&url).await.unwrap();
    let docs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_search")
        .fetch_one(&reopened)
        .await
        .unwrap();
    assert_eq!(docs, 1);
    let html = list_html(&app, &sec, &q("社會住宅")).await;
    assert!(html.contains("<mark>社會住宅</mark>"), "{html}");
}

#[tokio::test]
async fn an_admin_finds_cases_by_a_draft_reply_but_never_reads_the_draft_in_a_list() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let id = record(&app, &sec, 1, "公園綠地", "請說明。", 0).await;
    app.assign(&sec, id, "UDD", &[]).await;
    app.ok(&udd, "cases/accept", &[("case_id", id.to_string())])
        .await;
    let version = app.case(&udd, id).await.reply_version;
    app.save_reply(&udd, id, version, "草稿：尚未核定的預算數字為三億元。")
        .await;

    let for_sec = list_html(&app, &sec, &q("預算數字")).await;
    assert!(for_sec.contains("三億元"), "the secretariat reads drafts");
    let for_admin = list_html(&app, &admin, &q("預算數字")).await;
    assert!(for_admin.contains("公園綠地"), "the case is found");
    assert!(!for_admin.contains("三億元"), "its draft is not shown");
    let refused: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case_viewed_by_admin'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(refused, 0, "a list is not a case page: nothing was read");
}

#[tokio::test]
async fn a_common_words_page_walked_in_the_lists_order_is_the_page_the_index_finds() {
    use app::cases::db::{list_statements, walk_statement, Search};
    use app::db::filter::bind_all;
    use sqlx::Row;
    let app = TestApp::spawn_on(&fresh_database_url().await).await;
    app.create_user("chen.sec", "secretariat", None).await;
    app.create_user("ho.udd", "bureau_liaison", Some("UDD"))
        .await;
    app.generate(1_500).await;
    let pool = &app.state.db;
    let ids = |statement: app::db::filter::Statement| async move {
        bind_all(sqlx::query(&statement.sql), &statement.args)
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<i64, _>("id"))
            .collect::<Vec<i64>>()
    };
    let after = |id: i64| async move {
        let (kind, number): (String, i64) =
            sqlx::query_as("SELECT kind, number FROM cases WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await
                .unwrap();
        PageFrom::After(ListKey {
            kind: app::cases::CaseKind::parse(&kind).unwrap(),
            number,
            id,
        })
    };
    let mut walked = 0;
    let udd = app.bureau("UDD").await;
    for name in ["chen.sec", "ho.udd"] {
        let who = app.current_user(name).await;
        // A bureau's cases: its own, or those the secretariat narrows the list to.
        let bureau = (name == "chen.sec").then_some(udd);
        for q in ["辦理", "答復 辦理", "社"] {
            let mut filters = vec![
                CaseFilter {
                    q: q.into(),
                    bureau,
                    ..Default::default()
                },
                CaseFilter {
                    q: q.into(),
                    bureau,
                    kind: Some(app::cases::CaseKind::Question),
                    ..Default::default()
                },
                CaseFilter {
                    q: q.into(),
                    bureau,
                    sort: Some(app::cases::ListSort::DueFirst),
                    ..Default::default()
                },
            ];
            let search = Search::prepare(pool, q).await.unwrap();
            // The whole list is walked by PostgreSQL's own plan, not first by this one.
            let everyone = CaseFilter {
                q: q.into(),
                ..Default::default()
            };
            assert_eq!(
                walk_statement(&everyone, &search, &who, today(), 1)
                    .unwrap()
                    .is_some(),
                name == "ho.udd"
            );
            // The second page, by the first page's last row.
            let first = ids(list_statements(&filters[0], &search, &who, today(), 1)
                .unwrap()
                .1)
            .await;
            if let Some(last) = first.get(CaseFilter::PAGE_SIZE as usize - 1) {
                filters.push(CaseFilter {
                    q: q.into(),
                    bureau,
                    from: Some(after(*last).await),
                    ..Default::default()
                });
            }
            for filter in &filters {
                let (_, read) = list_statements(filter, &search, &who, today(), 1).unwrap();
                let walk = walk_statement(filter, &search, &who, today(), 1)
                    .unwrap()
                    .expect("a first page of a keyword search is walked");
                let (read, walk) = (ids(read).await, ids(walk).await);
                // Where the walk finds a page and one more, it is the same page.
                if walk.len() > CaseFilter::PAGE_SIZE as usize {
                    assert_eq!(walk, read, "{q} as {name}: {filter:?}");
                    walked += 1;
                } else {
                    assert!(read.len() >= walk.len(), "{q}: {filter:?}");
                }
            }
            // A page by number is not walked.
            assert!(walk_statement(&filters[0], &search, &who, today(), 2)
                .unwrap()
                .is_none());
        }
    }
    assert!(walked >= 16, "pages the walk found: {walked}");

    // A bureau with a part in every case finds a common word more than the count's cap:
    // its list, as `list` reads it (walked on PostgreSQL), pages as the index reads it.
    let by = app.current_user("chen.sec").await.id;
    sqlx::query(
        "INSERT INTO assignments (case_id, bureau_id, role, state, assigned_by, assigned_at) \
         SELECT c.id, $1, 'co', 'accepted', $2, 0 FROM cases c WHERE NOT EXISTS \
         (SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.bureau_id = $1 \
          AND a.state IN ('pending', 'accepted'))",
    )
    .bind(udd)
    .bind(by)
    .execute(pool)
    .await
    .unwrap();
    let who = app.current_user("ho.udd").await;
    let mut filter = CaseFilter {
        q: "辦理".into(),
        page: 1,
        ..Default::default()
    };
    let search = Search::prepare(pool, &filter.q).await.unwrap();
    for _ in 0..3 {
        let page = list(pool, &filter, &who, today()).await.unwrap();
        assert_eq!(page.total, app::cases::CasePage::SEARCH_COUNT_CAP + 1);
        let mut read = ids(list_statements(&filter, &search, &who, today(), 1)
            .unwrap()
            .1)
        .await;
        read.truncate(CaseFilter::PAGE_SIZE as usize);
        assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), read);
        filter.from = Some(PageFrom::After(page.after.expect("another page")));
    }
}
