//! Importing questions from the council's lists: every row previewed with its problems,
//! the rows chosen written in one transaction or none; from the web and the command line.

use crate::{harness::TestApp, meetings::Cast};
use reqwest::{header, multipart, StatusCode};

/// The server fn behind the preview page's import form.
const COMMIT: &str = "/api/cases/import/commit";

/// Two councilors of the session's term, by name.
async fn councilor_names(app: &TestApp) -> (String, String) {
    let r = app.reference().await;
    let mut names = Vec::new();
    for id in [r.councilors[0], r.councilors[1]] {
        let name: String = sqlx::query_scalar("SELECT name FROM councilors WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
        names.push(name);
    }
    (names[0].clone(), names[1].clone())
}

async fn question_numbers(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar("SELECT number FROM cases WHERE kind = 'question' ORDER BY number")
        .fetch_all(&app.state.db)
        .await
        .unwrap()
}

async fn upload(
    app: &TestApp,
    who: &reqwest::Client,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let session = app.reference().await.session.to_string();
    let form = multipart::Form::new().text("session", session).part(
        "file",
        multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    who.post(app.url("/cases/import"))
        .header(header::ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn preview(
    app: &TestApp,
    who: &reqwest::Client,
    id: i64,
    columns: &str,
) -> app::import::Preview {
    let res = app
        .call(
            who,
            "cases/import/preview",
            &[("id", id.to_string()), ("columns", columns.to_owned())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn id_of(res: &reqwest::Response) -> i64 {
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    crate::harness::location(res)
        .unwrap()
        .trim_start_matches("/cases/import/")
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_list_is_previewed_row_by_row_and_imported_only_when_every_chosen_row_is_valid() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    app.record_question(&cast.sec, 5, "既有的質詢").await;
    let (a, b) = councilor_names(&app).await;
    let csv = format!(
        "\u{feff}編號,議員,類別,日期,議題,內容\r\n\
         1,{a},市政總質詢,113/03/15,議題一,內容一\r\n\
         2,不存在的議員,市政總質詢,113/03/15,議題二,內容二\r\n\
         5,{a},市政總質詢,113/03/15,議題五,內容五\r\n\
         3,{a},市政總質詢,113/13/01,議題三,內容三\r\n\
         4,\"{a}、{b}\",部門質詢,2024-03-20,議題四,內容四\r\n"
    );

    for who in [&cast.udd, &cast.rev] {
        let res = upload(&app, who, "list.csv", csv.clone().into_bytes()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            crate::harness::location(&res).as_deref(),
            Some("/cases/import")
        );
        let page = app.page(who, "/cases/import").await;
        assert!(page.text().await.unwrap().contains("沒有權限"));
    }
    let id = id_of(&upload(&app, &cast.sec, "list.csv", csv.into_bytes()).await);

    // Every row with its problems, before anything is written.
    let p = preview(&app, &cast.sec, id, "").await;
    let problems: Vec<(usize, Vec<String>)> = p
        .rows
        .iter()
        .map(|r| (r.line, r.problems.clone()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (2, vec![]),
            (3, vec!["找不到議員「不存在的議員」".to_owned()]),
            (4, vec!["本會期已有質詢第 5 號".to_owned()]),
            (
                5,
                vec!["質詢日期「113/13/01」無法辨識（例如 113/03/15）".to_owned()]
            ),
            (6, vec![]),
        ]
    );
    let page = app
        .page(&cast.sec, &format!("/cases/import/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("共 5 列：可匯入 2 列，有問題 3 列。"),
        "{page}"
    );
    assert!(page.contains("找不到議員「不存在的議員」"));
    assert_eq!(question_numbers(&app).await, vec![5], "nothing written yet");

    // A chosen row with a problem: nothing at all is written, and the page says why.
    let commit = |lines: &[&str], html: bool| {
        let mut form: Vec<(&str, String)> =
            lines.iter().map(|l| ("line[]", (*l).to_owned())).collect();
        form.push(("id", id.to_string()));
        form.push(("columns", "number=0".into()));
        let mut req = cast.sec.post(app.url(COMMIT));
        if html {
            // As the preview page's form posts: from the page, asking for HTML.
            let page = app.url(&format!("/cases/import/{id}?number=0"));
            req = req
                .header(header::ACCEPT, "text/html")
                .header(header::REFERER, page);
        }
        req.form(&form).send()
    };
    let res = commit(&["2", "3"], false).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(question_numbers(&app).await, vec![5]);
    let res = commit(&["2", "3"], true).await.unwrap();
    let back = format!("/cases/import/{id}?number=0");
    assert_eq!(crate::harness::location(&res), Some(app.url(&back)));
    let page = app.page(&cast.sec, &back).await.text().await.unwrap();
    assert!(page.contains("第 3 列有問題，未匯入任何一題"), "{page}");

    // The valid rows, in one go.
    let res = commit(&["2", "6"], true).await.unwrap();
    assert_eq!(
        crate::harness::location(&res).as_deref(),
        Some(format!("/cases/import/{id}").as_str())
    );
    assert_eq!(question_numbers(&app).await, vec![1, 4, 5]);
    let page = app
        .page(&cast.sec, &format!("/cases/import/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("已匯入 2 題質詢。"));
    let joint: Vec<String> = sqlx::query_scalar(
        "SELECT co.name FROM case_councilors cc JOIN councilors co ON co.id = cc.councilor_id \
         JOIN cases c ON c.id = cc.case_id WHERE c.number = 4 ORDER BY cc.position",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(joint, vec![a.clone(), b.clone()]);
    let recorded: Vec<String> = sqlx::query_scalar(
        "SELECT e.action FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.number = 1",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(recorded, vec!["record"], "each question leaves its event");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'questions_imported' AND target_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // A list is imported once.
    let res = commit(&["2"], false).await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(question_numbers(&app).await, vec![1, 4, 5]);

    // The sample file is there to start from.
    let sample = app.page(&cast.sec, "/cases/import/sample.csv").await;
    assert_eq!(sample.status(), StatusCode::OK);
    assert!(sample.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(sample.text().await.unwrap().contains("質詢編號,質詢議員"));
}

#[tokio::test]
async fn a_spreadsheet_whose_councilor_column_is_chosen_by_hand_imports() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let (a, _) = councilor_names(&app).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, title) in ["題號", "提問人", "會議別", "日期", "案由", "質詢要旨"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *title).unwrap();
    }
    sheet.write_number(1, 0, 21.0).unwrap();
    sheet.write_string(1, 1, &a).unwrap();
    sheet.write_string(1, 2, "市政總質詢").unwrap();
    let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 3, 15).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy/mm/dd");
    sheet
        .write_datetime_with_format(1, 3, &day, &format)
        .unwrap();
    sheet.write_string(1, 4, "河濱公園照明").unwrap();
    sheet
        .write_string(1, 5, "請說明河濱公園夜間照明改善。")
        .unwrap();
    let id = id_of(
        &upload(
            &app,
            &cast.sec,
            "議會清單.xlsx",
            book.save_to_buffer().unwrap(),
        )
        .await,
    );

    let guessed = preview(&app, &cast.sec, id, "").await;
    assert_eq!(
        guessed.rows[0].problems,
        vec!["未指定「質詢議員」所在的欄位"]
    );
    let chosen = preview(&app, &cast.sec, id, "councilors=1").await;
    assert!(chosen.rows[0].valid(), "{:?}", chosen.rows[0].problems);
    assert_eq!(chosen.rows[0].sitting_date, "2024-03-15");

    let res = cast
        .sec
        .post(app.url(COMMIT))
        .form(&[
            ("id", id.to_string()),
            ("columns", "councilors=1".into()),
            ("line[]", "2".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(question_numbers(&app).await, vec![21]);
}

#[tokio::test]
async fn the_command_line_checks_a_list_then_imports_it_whole_or_not_at_all() {
    let url = crate::harness::fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    Cast::new(&app).await;
    let (a, _) = councilor_names(&app).await;
    let session = app.reference().await.session.to_string();
    let dir = std::env::temp_dir();
    let good = dir.join(format!(
        "fht-import-good-{}-{session}.csv",
        std::process::id()
    ));
    let bad = dir.join(format!(
        "fht-import-bad-{}-{session}.csv",
        std::process::id()
    ));
    std::fs::write(
        &good,
        format!("編號,議員,類別,日期,議題,內容\n31,{a},市政總質詢,113/03/15,議題,內容\n32,{a},general,113/03/16,議題,內容\n"),
    )
    .unwrap();
    std::fs::write(
        &bad,
        format!("編號,議員,類別,日期,議題,內容\n41,{a},市政總質詢,113/03/15,議題,內容\n42,無此人,市政總質詢,113/03/15,議題,內容\n"),
    )
    .unwrap();
    let run = |file: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "import",
            "questions",
            file.to_str().unwrap(),
            "--session",
            &session,
        ];
        args.extend_from_slice(extra);
        crate::cli::run(&url, &args, "")
    };

    let dry = run(&good, &["--dry-run"]);
    assert!(dry.status.success(), "{}", crate::cli::text(&dry.stderr));
    assert!(crate::cli::text(&dry.stdout).contains("可匯入 2 列"));
    assert!(
        question_numbers(&app).await.is_empty(),
        "a dry run writes nothing"
    );

    let refused = run(&bad, &["--by", "chen.sec"]);
    assert!(!refused.status.success());
    assert!(crate::cli::text(&refused.stdout).contains("第 3 列：找不到議員「無此人」"));
    assert!(
        question_numbers(&app).await.is_empty(),
        "one bad row, nothing written"
    );

    let done = run(&good, &["--by", "chen.sec"]);
    assert!(done.status.success(), "{}", crate::cli::text(&done.stderr));
    assert!(crate::cli::text(&done.stdout).contains("已匯入 2 題"));
    assert_eq!(question_numbers(&app).await, vec![31, 32]);
    let _ = std::fs::remove_file(good);
    let _ = std::fs::remove_file(bad);
}

#[tokio::test]
async fn a_refused_import_goes_back_to_its_preview_whatever_the_column_choices_hold() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let (a, _) = councilor_names(&app).await;
    let csv = format!(
        "\u{feff}編號,議員,類別,日期,議題,內容\r\n1,{a},市政總質詢,113/03/15,議題一,內容一\r\n"
    );
    let id = id_of(&upload(&app, &cast.sec, "list.csv", csv.into_bytes()).await);
    // The page the browser was on, its column choices as odd as a query can carry.
    let page = format!(
        "/cases/import/{id}?number={}",
        url_encoded("0 #欄\r\n位&x=1")
    );
    let res = cast
        .sec
        .post(app.url(COMMIT))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url(&page))
        .form(&[("id", id.to_string()), ("columns", "number=0 #欄".into())])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let back = crate::harness::location(&res).unwrap();
    assert!(back.ends_with(&page), "{back}");
    let page = app.page(&cast.sec, &page).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("請勾選要匯入的列"));
}

fn url_encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The lists in `fixtures/lists` (written by `fixtures/lists/make.py`), as councils send them.
fn fixture(name: &str) -> Vec<u8> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/integration/fixtures/lists/"
    );
    std::fs::read(format!("{dir}{name}")).unwrap()
}

/// The councilors the fixtures name besides the demo's: an indigenous councilor with a
/// romanised name, and one whose name has a middle dot.
async fn add_fixture_councilors(app: &TestApp) {
    for name in ["伍麗華Saidhai Tahovecahe", "烏杜・瑪萊"] {
        sqlx::query(
            "INSERT INTO councilors (term_id, name) \
             SELECT term_id, $1 FROM council_sessions ORDER BY id LIMIT 1",
        )
        .bind(name)
        .execute(&app.state.db)
        .await
        .unwrap();
    }
}

/// What the fixtures' four questions became.
async fn imported_as_written(app: &TestApp) {
    assert_eq!(question_numbers(app).await, vec![1, 2, 3, 4]);
    let q = |number: i64, column: &'static str| {
        let sql = format!("SELECT {column} FROM cases WHERE kind = 'question' AND number = $1");
        async move {
            sqlx::query_scalar::<_, String>(&sql)
                .bind(number)
                .fetch_one(&app.state.db)
                .await
                .unwrap()
        }
    };
    let topic = q(2, "topic").await;
    let body = q(2, "body").await;
    assert!(
        topic.chars().count() <= 200 && topic.ends_with('…'),
        "{topic}"
    );
    assert!(body.chars().count() > 200 && body.starts_with(topic.trim_end_matches('…')));
    let written: String = sqlx::query_scalar(
        "SELECT t.code FROM cases c JOIN sitting_types t ON t.id = c.sitting_type_id \
         WHERE c.number = 3",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(written, "written", "書面質詢 is a sitting type of its own");
    let joint: Vec<String> = sqlx::query_scalar(
        "SELECT co.name FROM case_councilors cc JOIN councilors co ON co.id = cc.councilor_id \
         JOIN cases c ON c.id = cc.case_id WHERE c.number = 3 ORDER BY cc.position",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(joint, vec!["烏杜・瑪萊", "伍麗華Saidhai Tahovecahe"]);
    let dates: Vec<String> = sqlx::query_scalar(
        "SELECT sitting_date FROM cases WHERE kind = 'question' ORDER BY number",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        dates,
        vec!["2024-03-15", "2024-03-18", "2024-03-20", "2024-03-21"]
    );
}

#[tokio::test]
async fn the_councils_lists_in_every_shape_import_from_the_web_as_written() {
    for name in [
        "questions-big5.csv",
        "questions-pasted.tsv",
        "questions.xlsx",
        "questions.xls",
        "questions.ods",
    ] {
        let app = TestApp::spawn().await;
        let cast = Cast::new(&app).await;
        add_fixture_councilors(&app).await;
        let id = id_of(&upload(&app, &cast.sec, name, fixture(name)).await);
        let p = preview(&app, &cast.sec, id, "").await;
        let lines: Vec<(usize, bool, Option<String>)> = p
            .rows
            .iter()
            .map(|r| (r.line, r.valid(), r.section.clone()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (5, true, None),
                (6, false, Some("乙、工務部分".into())),
                (7, true, None),
                (8, true, None),
                (9, true, None),
            ],
            "{name}: {:?}",
            p.rows
        );
        assert_eq!(p.layout.header_line, 4, "{name}");
        let page = app
            .page(&cast.sec, &format!("/cases/import/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("共 4 列：可匯入 4 列，有問題 0 列。"),
            "{name}"
        );
        assert!(page.contains("其上 3 列為標題，已略過"), "{name}");
        assert!(page.contains("分節標題 1 列"), "{name}");
        if name.ends_with(".csv") || name.ends_with(".tsv") {
            assert!(!page.contains("讀取工作表"), "{name}");
        } else {
            assert!(
                page.contains("讀取工作表「質詢清單」（其他工作表：說明"),
                "{name}"
            );
        }
        let mut form: Vec<(&str, String)> = ["5", "7", "8", "9"]
            .iter()
            .map(|l| ("line[]", (*l).to_owned()))
            .collect();
        form.push(("id", id.to_string()));
        form.push(("columns", String::new()));
        let res = cast
            .sec
            .post(app.url(COMMIT))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        imported_as_written(&app).await;
    }
}

#[tokio::test]
async fn the_command_line_reads_the_councils_workbook_from_its_list_sheet() {
    let url = crate::harness::fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    Cast::new(&app).await;
    add_fixture_councilors(&app).await;
    let session = app.reference().await.session.to_string();
    let file =
        std::env::temp_dir().join(format!("fht-import-{}-{session}.xls", std::process::id()));
    std::fs::write(&file, fixture("questions.xls")).unwrap();
    let args = [
        "import",
        "questions",
        file.to_str().unwrap(),
        "--session",
        &session,
        "--by",
        "chen.sec",
    ];
    let done = crate::cli::run(&url, &args, "");
    let said = crate::cli::text(&done.stdout);
    assert!(
        done.status.success(),
        "{said}{}",
        crate::cli::text(&done.stderr)
    );
    assert!(said.contains("讀取工作表「質詢清單」"), "{said}");
    assert!(
        said.contains("第 6 列：分節標題「乙、工務部分」，略過"),
        "{said}"
    );
    assert!(said.contains("已匯入 4 題"), "{said}");
    imported_as_written(&app).await;
    let _ = std::fs::remove_file(&file);
}

#[tokio::test]
async fn an_admin_teaches_the_import_a_councils_name_for_a_sitting() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let (a, _) = councilor_names(&app).await;
    let csv = format!("編號,議員,類別,日期,議題\r\n1,{a},定期大會市政質詢,113/03/15,議題\r\n");
    let id = id_of(&upload(&app, &cast.sec, "list.csv", csv.clone().into_bytes()).await);
    let p = preview(&app, &cast.sec, id, "").await;
    assert!(
        p.rows[0].problems[0].starts_with("找不到質詢類別「定期大會市政質詢」"),
        "{:?}",
        p.rows[0]
    );
    let general = app.reference().await.general_interpellation;
    let alias = [
        ("sitting_type", general.to_string()),
        ("alias", "定期大會市政質詢".to_owned()),
    ];
    let res = app
        .call(&cast.sec, "admin/reference/alias/add", &alias)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "only the admin");
    let admin = app.signed_in("root.admin", "admin", None).await;
    let res = app.call(&admin, "admin/reference/alias/add", &alias).await;
    assert_eq!(res.status(), StatusCode::OK);
    let again = app.call(&admin, "admin/reference/alias/add", &alias).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p = preview(&app, &cast.sec, id, "").await;
    assert!(p.rows[0].valid(), "{:?}", p.rows[0]);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'reference_updated' \
         AND target_kind = 'sitting_type'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}
