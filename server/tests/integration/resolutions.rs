//! What the council decides, carried out: resolutions recorded with their deadlines, the
//! city's reconsideration within thirty days, bureaus' execution updates, the reviewer's
//! finding that one cannot be carried out, and the execution report as a page and as ODT,
//! PDF, CSV and XLSX files read back by the tools that will read them.

use crate::{harness::TestApp, links::link, meetings::Cast};
use app::{
    cases::CaseStatus,
    resolutions::{ExecutionState, ReconsiderationOutcome},
};
use chrono::NaiveDate;
use reqwest::{Client, StatusCode};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A complete resolution form: a budget rider of the first councilor, received on
/// `received`, asking for a report to a committee by 113/06/14. Tests change fields.
pub async fn rider_form(app: &TestApp, topic: &str, received: &str) -> Vec<(&'static str, String)> {
    let r = app.reference().await;
    vec![
        ("form[session_id]", r.session.to_string()),
        ("form[resolution_kind]", "budget_rider".into()),
        ("form[sitting]", "第3次定期大會第10次會議".into()),
        ("form[councilor_ids][]", r.councilors[0].to_string()),
        ("form[topic]", topic.into()),
        (
            "form[body]",
            "工務局應於三個月內向工務委員會提出專案報告。".into(),
        ),
        ("form[budget_item]", "工務局 人行道改善工程".into()),
        ("form[letter_number]", "北市議議字第1130001234號".into()),
        ("form[received_on]", received.into()),
        ("form[requirement]", "report".into()),
        ("form[committee]", "工務委員會".into()),
        ("form[report_by]", "113/06/14".into()),
    ]
}

async fn record(app: &TestApp, sec: &Client, form: &[(&str, String)]) -> i64 {
    app.ok(sec, "resolutions/record", form)
        .await
        .parse()
        .unwrap()
}

fn with(
    mut form: Vec<(&'static str, String)>,
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    for (k, v) in changes {
        form.retain(|(name, _)| name != k);
        if !v.is_empty() {
            form.push((k, (*v).to_owned()));
        }
    }
    form
}

/// A regular session opening on `opens`, as the admin would add it.
async fn session_opening(app: &TestApp, number: i64, opens: &str, ends: &str) -> i64 {
    let term: i64 = sqlx::query_scalar("SELECT id FROM council_terms ORDER BY id LIMIT 1")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    sqlx::query_scalar(
        "INSERT INTO council_sessions (term_id, kind, number, starts_on, ends_on) \
         VALUES ($1, 'regular', $2, $3, $4) RETURNING id",
    )
    .bind(term)
    .bind(number)
    .bind(opens)
    .bind(ends)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

async fn update(app: &TestApp, who: &Client, case: i64, text: &str, percent: &str) -> StatusCode {
    app.call(
        who,
        "cases/progress",
        &[
            ("case_id", case.to_string()),
            ("form[body]", text.to_owned()),
            ("form[percent]", percent.to_owned()),
            ("form[letter_number]", "北市都字第1130005678號".to_owned()),
        ],
    )
    .await
    .status()
}

#[tokio::test]
async fn a_budget_rider_is_recorded_with_its_deadlines_and_its_bureau_reports_execution_until_released(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let id = record(
        &app,
        &cast.sec,
        &rider_form(&app, "人行道無障礙改善", "113/03/12").await,
    )
    .await;

    let case = app.case(&cast.sec, id).await;
    assert_eq!(case.kind, app::cases::CaseKind::Resolution);
    assert_eq!(case.status, CaseStatus::Unassigned);
    assert_eq!(case.due_on, day(2024, 6, 14), "the report-by day");
    let facts = case.resolution.clone().unwrap();
    assert_eq!(facts.received_on, day(2024, 3, 12));
    // 3/12 + 30 = 4/11, a Thursday.
    assert_eq!(facts.window_closes, day(2024, 4, 11));
    assert_eq!(
        facts.requirement_words(),
        "113/06/14前向工務委員會提出專案報告"
    );
    assert!(facts.can_ask_reconsideration);
    assert!(!facts.can_mark_not_executable, "the secretariat does not");
    assert_eq!(case.councilors.len(), 1);
    let page = app
        .page(&cast.sec, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    for words in [
        "附帶決議",
        "工務局 人行道改善工程",
        "北市議議字第1130001234號",
        "覆議期限",
        "113/04/11 前",
    ] {
        assert!(page.contains(words), "{words}");
    }

    // Without a report-by day, it is due with the next execution report: seven working
    // days before the next regular session opens (Tuesday 9/3 → Friday 8/23).
    session_opening(&app, 4, "2024-09-03", "2024-12-02").await;
    let plain = with(
        rider_form(&app, "公車站牌即時資訊", "113/03/12").await,
        &[
            ("form[requirement]", "action"),
            ("form[report_by]", ""),
            ("form[committee]", ""),
        ],
    );
    let second = record(&app, &cast.sec, &plain).await;
    assert_eq!(app.case(&cast.sec, second).await.due_on, day(2024, 8, 23));

    // Assigned and accepted, the bureau reports execution at once, with a percent and its
    // letter; another bureau cannot even see it.
    app.assign(&cast.sec, id, "UDD", &[]).await;
    app.ok(&cast.udd, "cases/accept", &[("case_id", id.to_string())])
        .await;
    assert_eq!(
        update(&app, &cast.udd, id, "已完成規劃設計。", "40%").await,
        StatusCode::OK
    );
    assert_eq!(
        update(&app, &cast.udd, id, "x", "120").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        update(&app, &cast.dot, id, "x", "").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        update(&app, &cast.sec, id, "x", "").await,
        StatusCode::FORBIDDEN
    );
    let case = app.case(&cast.udd, id).await;
    assert_eq!(case.progress.len(), 1);
    assert_eq!(case.progress[0].percent, Some(40));
    assert_eq!(case.progress[0].letter_number, "北市都字第1130005678號");
    let page = app
        .page(&cast.udd, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("執行進度 40%"));
    assert!(
        page.contains("提報執行情形"),
        "the form, in a resolution's words"
    );

    // Through the reply chain into tracking, then released by the reviewer: executed.
    let version = app.case(&cast.udd, id).await.reply_version;
    app.save_reply(&cast.udd, id, version, "已提出專案報告。")
        .await;
    for (who, step) in [
        (&cast.udd, "submit"),
        (&cast.udd_boss, "sign_off"),
        (&cast.sec, "pass_to_review"),
    ] {
        assert_eq!(
            app.step(who, id, step, "").await.status(),
            StatusCode::OK,
            "{step}"
        );
    }
    // In review the bureau has no step, but may still report: the steps panel says where.
    let page = app
        .page(&cast.udd, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("href=\"#case-progress\""),
        "the steps panel points to the one thing left to do"
    );
    let version = app.case(&cast.rev, id).await.version;
    app.ok(
        &cast.rev,
        "cases/step",
        &[
            ("case_id", id.to_string()),
            ("version", version.to_string()),
            ("step", "approve".into()),
            ("keep_tracking", "1".into()),
        ],
    )
    .await;
    assert_eq!(
        update(&app, &cast.udd, id, "專案報告已於委員會完成。", "100").await,
        StatusCode::OK
    );
    assert_eq!(
        app.step(&cast.rev, id, "release", "").await.status(),
        StatusCode::OK
    );
    let case = app.case(&cast.rev, id).await;
    assert_eq!(case.status, CaseStatus::Closed);
    assert_eq!(case.resolution.unwrap().state, ExecutionState::Executed);
    assert_eq!(
        update(&app, &cast.udd, id, "x", "").await,
        StatusCode::CONFLICT,
        "closed"
    );
}

#[tokio::test]
async fn a_resolution_form_with_mistakes_comes_back_with_each_beside_its_field() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let bad = with(
        rider_form(&app, "人行道", "113/03/12").await,
        &[
            ("form[report_by]", ""),
            ("form[budget_item]", ""),
            ("form[letter_number]", ""),
        ],
    );
    let res = app.call(&cast.sec, "resolutions/record", &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    for words in ["報告期限", "預算科目", "來文字號"] {
        assert!(body.contains(words), "{words}: {body}");
    }
    let motion = with(
        rider_form(&app, "速限", "113/03/12").await,
        &[
            ("form[resolution_kind]", "motion"),
            ("form[councilor_ids][]", ""),
        ],
    );
    assert_eq!(
        app.call(&cast.sec, "resolutions/record", &motion)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Only the secretariat records.
    let form = rider_form(&app, "人行道", "113/03/12").await;
    for who in [&cast.udd, &cast.rev] {
        assert_eq!(
            app.call(who, "resolutions/record", &form).await.status(),
            StatusCode::FORBIDDEN
        );
    }
}

async fn ask(app: &TestApp, who: &Client, case: i64, on: &str) -> reqwest::Response {
    app.call(
        who,
        "resolutions/reconsideration",
        &[
            ("case_id", case.to_string()),
            ("form[asked_on]", on.to_owned()),
            ("form[letter_number]", "府法綜字第1130003456號".to_owned()),
            (
                "form[reason]",
                "刪除罰則使本條失去拘束力，窒礙難行。".to_owned(),
            ),
        ],
    )
    .await
}

#[tokio::test]
async fn reconsideration_is_asked_within_thirty_days_and_the_start_page_warns_before_the_window_closes(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    // Received 2/16: 2/16 + 30 = 3/17, a Sunday, so the window runs to Monday 3/18; today
    // (Friday 3/15) is one working day before.
    let closing = record(
        &app,
        &cast.sec,
        &rider_form(&app, "自治條例修正", "113/02/16").await,
    )
    .await;
    let later = record(
        &app,
        &cast.sec,
        &rider_form(&app, "公園路燈", "113/03/12").await,
    )
    .await;
    let home = app.page(&cast.sec, "/").await.text().await.unwrap();
    assert!(home.contains("覆議期限將屆的決議案（1）"), "{home}");
    assert!(home.contains("自治條例修正"));
    assert!(home.contains("113/03/18"));
    let warning = home
        .split("覆議期限將屆")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert!(warning.contains("自治條例修正"));
    assert!(!warning.contains("公園路燈"), "its window closes in April");
    let reviewer_home = app.page(&cast.rev, "/").await.text().await.unwrap();
    assert!(reviewer_home.contains("自治條例修正"));
    let bureau_home = app.page(&cast.udd, "/").await.text().await.unwrap();
    assert!(!bureau_home.contains("覆議期限將屆"));

    // Not in the future, not after the window, not by a bureau, once only.
    assert_eq!(
        ask(&app, &cast.sec, closing, "113/03/20").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        ask(&app, &cast.udd, closing, "113/03/14").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        ask(&app, &cast.sec, closing, "113/03/14").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        ask(&app, &cast.sec, closing, "113/03/14").await.status(),
        StatusCode::CONFLICT
    );
    let home = app.page(&cast.sec, "/").await.text().await.unwrap();
    assert!(!home.contains("覆議期限將屆"), "asked: no longer warned");
    let case = app.case(&cast.sec, closing).await;
    let facts = case.resolution.clone().unwrap();
    assert_eq!(facts.state, ExecutionState::Reconsideration);
    assert!(facts.can_record_outcome);
    assert_eq!(case.timeline[0].action, "reconsideration_asked");

    // Days later the window of the other closed: asking then is refused.
    cast.days_later(&app, 30).await;
    assert_eq!(
        ask(&app, &cast.sec, later, "113/04/12").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The council changed its resolution: nothing is owed, the resolution closes.
    let outcome = |o: &str, on: &str| {
        vec![
            ("case_id", closing.to_string()),
            ("outcome", o.to_owned()),
            ("outcome_on", on.to_owned()),
        ]
    };
    assert_eq!(
        app.call(
            &cast.sec,
            "resolutions/reconsideration-outcome",
            &outcome("overturned", "113/03/01")
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "before it was asked"
    );
    app.ok(
        &cast.sec,
        "resolutions/reconsideration-outcome",
        &outcome("overturned", "113/04/02"),
    )
    .await;
    let case = app.case(&cast.sec, closing).await;
    assert_eq!(case.status, CaseStatus::Closed);
    let facts = case.resolution.unwrap();
    assert_eq!(
        facts.reconsideration.unwrap().outcome,
        Some((ReconsiderationOutcome::Overturned, day(2024, 4, 2)))
    );
    assert_eq!(facts.state, ExecutionState::Reconsideration);
    assert_eq!(
        app.call(
            &cast.sec,
            "resolutions/reconsideration-outcome",
            &outcome("sustained", "113/04/03")
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn the_reviewer_finds_a_motion_not_executable_and_the_councilor_reads_so_through_the_link() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let councilor = app.reference().await.councilors[0];
    let motion = with(
        rider_form(&app, "全面免費公托", "113/03/12").await,
        &[
            ("form[resolution_kind]", "motion"),
            ("form[requirement]", "reply"),
            ("form[report_by]", ""),
            ("form[budget_item]", ""),
        ],
    );
    let id = record(&app, &cast.sec, &motion).await;
    app.assign(&cast.sec, id, "UDD", &[]).await;
    let finding = |on: &str| {
        vec![
            ("case_id", id.to_string()),
            ("form[sent_on]", on.to_owned()),
            ("form[letter_number]", "府社字第1130002345號".to_owned()),
            (
                "form[reply]",
                "每年需增加經費約40億元，超出財政負擔，已函復大會。".to_owned(),
            ),
        ]
    };
    assert_eq!(
        app.call(
            &cast.sec,
            "resolutions/not-executable",
            &finding("113/03/14")
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &cast.rev,
            "resolutions/not-executable",
            &finding("113/03/20")
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.ok(
        &cast.rev,
        "resolutions/not-executable",
        &finding("113/03/14"),
    )
    .await;
    let case = app.case(&cast.rev, id).await;
    assert_eq!(case.status, CaseStatus::Closed);
    let facts = case.resolution.unwrap();
    assert_eq!(facts.state, ExecutionState::NotExecutable);
    assert_eq!(
        facts.not_executable.unwrap().letter_number,
        "府社字第1130002345號"
    );
    assert_eq!(case.timeline[0].action, "not_executable");
    assert_eq!(
        app.call(
            &cast.rev,
            "resolutions/not-executable",
            &finding("113/03/14")
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );

    // The councilor's status page says where the motion stands.
    let token = link(&app, councilor, None, "115/12/24").await;
    let page = app
        .client()
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("全面免費公托"), "{page}");
    assert!(page.contains("窒礙難行，已函復議會"), "{page}");
}

#[tokio::test]
async fn the_execution_report_is_compiled_kept_and_read_as_odt_pdf_csv_and_xlsx() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let session = app.reference().await.session;
    let next = session_opening(&app, 4, "2024-09-03", "2024-12-02").await;
    let executed = record(
        &app,
        &cast.sec,
        &rider_form(&app, "人行道無障礙改善", "113/03/12").await,
    )
    .await;
    let open = record(
        &app,
        &cast.sec,
        &rider_form(&app, "公車站牌<b>即時</b>資訊", "113/03/12").await,
    )
    .await;
    app.assign(&cast.sec, open, "UDD", &[]).await;
    app.ok(&cast.udd, "cases/accept", &[("case_id", open.to_string())])
        .await;
    assert_eq!(
        update(&app, &cast.udd, open, "=HYPERLINK(\"x\")已完成設計", "40").await,
        StatusCode::OK
    );
    app.assign(&cast.sec, executed, "DOT", &[]).await;
    app.ok(
        &cast.rev,
        "resolutions/not-executable",
        &[
            ("case_id", executed.to_string()),
            ("form[sent_on]", "113/03/14".to_owned()),
            ("form[letter_number]", "府交字第1號".to_owned()),
            ("form[reply]", "用地取得困難。".to_owned()),
        ],
    )
    .await;

    // The page offers the next session and says what is due; bureaus may not compile.
    let page = app
        .page(&cast.sec, "/resolutions/reports")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("執行情形報告應於 113/08/23 前送達"), "{page}");
    let compile = [
        ("for_session_id", next.to_string()),
        ("session_ids[]", session.to_string()),
    ];
    assert_eq!(
        app.call(&cast.udd, "resolutions/compile", &compile)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            &cast.sec,
            "resolutions/compile",
            &[("for_session_id", next.to_string())]
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let id: i64 = app
        .ok(&cast.sec, "resolutions/compile", &compile)
        .await
        .parse()
        .unwrap();
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'execution_report_compiled'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Kept as compiled: a later update does not change it.
    assert_eq!(
        update(&app, &cast.udd, open, "已決標。", "60").await,
        StatusCode::OK
    );
    let report = app
        .page(&cast.rev, &format!("/resolutions/reports/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        report.contains("共 2 案：已執行完畢 0 案、執行中 1 案、已提覆議 0 案、窒礙難行 1 案。"),
        "{report}"
    );
    assert!(report.contains("（40%）"));
    assert!(!report.contains("已決標"));
    assert!(
        report.contains("公車站牌&lt;b&gt;即時&lt;/b&gt;資訊"),
        "escaped on the page"
    );
    assert_eq!(
        app.page(&cast.udd, &format!("/resolutions/reports/{id}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // ODT: a valid package, the text escaped as XML.
    let res = app
        .page(&cast.sec, &format!("/resolutions/reports/{id}/report.odt"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let content = server::documents::odt::check::package(&res.bytes().await.unwrap()).unwrap();
    assert!(content.contains("決議案執行情形報告"));
    assert!(content.contains("公車站牌&lt;b&gt;即時&lt;/b&gt;資訊"));
    assert!(content.contains("窒礙難行，已函復議會：用地取得困難。"));

    // PDF: the text as a reader extracts it.
    let res = app
        .page(&cast.sec, &format!("/resolutions/reports/{id}/report.pdf"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = crate::volume::pdf_text(&res.bytes().await.unwrap());
    for words in ["決議案執行情形報告", "共2案", "都市發展局", "已完成設計"] {
        assert!(text.contains(words), "{words} in {text}");
    }

    // CSV: a formula-looking cell is neutralised for the spreadsheet.
    let res = app
        .page(&cast.sec, &format!("/resolutions/reports/{id}/report.csv"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert!(csv.contains("主辦機關"), "{csv}");
    assert!(csv.contains("執行進度（%）"));
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(
        !csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"),
        "{csv}"
    );

    // XLSX: reopened, a row a resolution, the percent a number.
    let res = app
        .page(&cast.sec, &format!("/resolutions/reports/{id}/report.xlsx"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    use calamine::{Data, Reader};
    let mut book =
        calamine::Xlsx::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    assert_eq!(range.get((0, 0)), Some(&Data::String("主辦機關".into())));
    assert_eq!(range.height(), 3, "header and two resolutions");
    let percents: Vec<_> = (1..3).filter_map(|r| range.get((r, 10)).cloned()).collect();
    assert!(percents.contains(&Data::Float(40.0)), "{percents:?}");

    assert_eq!(
        app.page(&cast.sec, "/resolutions/reports/999/report.odt")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.page(&cast.sec, &format!("/resolutions/reports/{id}/report.doc"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

/// Uploads a list of resolutions for the session; returns the kept list's id.
async fn upload_list(app: &TestApp, who: &Client, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let session = app.reference().await.session.to_string();
    let form = reqwest::multipart::Form::new()
        .text("session", session)
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    who.post(app.url("/resolutions/import"))
        .header(reqwest::header::ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_councils_list_of_resolutions_is_previewed_row_by_row_and_the_rows_chosen_imported_at_once(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let name: String = sqlx::query_scalar("SELECT name FROM councilors WHERE id = $1")
        .bind(app.reference().await.councilors[0])
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    // A workbook as the council sends it: a title line, then the columns.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: Vec<Vec<String>> = vec![
        vec!["臺北市議會第14屆第3次定期大會決議案".into()],
        [
            "種類",
            "提案議員",
            "案由",
            "決議內容",
            "預算科目",
            "來文字號",
            "收文日期",
            "辦理方式",
            "報告期限",
            "委員會",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect(),
        vec![
            "附帶決議".into(),
            name.clone(),
            "人行道無障礙改善".into(),
            "應提出專案報告。".into(),
            "工務局 人行道".into(),
            "議議字第1號".into(),
            "113/03/12".into(),
            "限期提出專案報告".into(),
            "113/06/14".into(),
            "工務委員會".into(),
        ],
        vec![
            "議員提案".into(),
            format!("{name}、查無此人"),
            "速限30公里".into(),
            "建請實施。".into(),
            "".into(),
            "議議字第2號".into(),
            "113/03/12".into(),
            "".into(),
            "".into(),
            "".into(),
        ],
        vec![
            "請願案".into(),
            name.clone(),
            "<script>alert(1)</script>老舊公寓電梯".into(),
            "送請市府研處。".into(),
            "".into(),
            "議議字第3號".into(),
            "113/03/12".into(),
            "研處見復".into(),
            "".into(),
            "".into(),
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();

    // Only the secretariat uploads: a bureau's browser is sent back with the refusal, and
    // nothing is kept.
    let refused = upload_list(&app, &cast.udd, "決議案.xlsx", bytes.clone()).await;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        crate::harness::location(&refused).as_deref(),
        Some("/resolutions/import")
    );
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM question_imports")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(kept, 0);
    let res = upload_list(&app, &cast.sec, "決議案.xlsx", bytes).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = crate::harness::location(&res).unwrap();
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    // Not a list of questions: the questions' preview does not know it.
    assert_eq!(
        app.call(
            &cast.sec,
            "cases/import/preview",
            &[("id", id.to_string()), ("columns", String::new())]
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    let page = app.page(&cast.sec, &to).await.text().await.unwrap();
    assert!(
        page.contains("共 3 列：可匯入 2 列，有問題 1 列。"),
        "{page}"
    );
    assert!(page.contains("找不到議員「查無此人」"));
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;老舊公寓電梯"),
        "escaped"
    );
    assert!(!page.contains("<script>alert(1)"));
    // Lines are the sheet's: the title on 1, the columns on 2, the rows from 3.
    let commit = |lines: &[&str]| {
        let mut form = vec![("id", id.to_string()), ("columns", String::new())];
        form.extend(lines.iter().map(|l| ("line[]", (*l).to_owned())));
        form
    };
    let res = app
        .call(&cast.sec, "resolutions/import/commit", &commit(&["3", "4"]))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("第 4 列有問題"));
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE kind = 'resolution'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(before, 0, "nothing written");

    app.ok(&cast.sec, "resolutions/import/commit", &commit(&["3", "5"]))
        .await;
    let imported: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT d.resolution_kind, d.requirement, d.report_by FROM resolution_details d \
         ORDER BY d.case_id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        imported,
        vec![
            (
                "budget_rider".into(),
                "report".into(),
                Some("2024-06-14".into())
            ),
            ("petition".into(), "reply".into(), None),
        ]
    );
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'resolutions_imported'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    let page = app.page(&cast.sec, &to).await.text().await.unwrap();
    assert!(page.contains("已匯入 2 件決議案。"));
    assert_eq!(
        app.call(&cast.sec, "resolutions/import/commit", &commit(&["3"]))
            .await
            .status(),
        StatusCode::CONFLICT,
        "a list is imported once"
    );
    let sample = app.page(&cast.sec, "/resolutions/import/sample.csv").await;
    assert_eq!(sample.status(), StatusCode::OK);
    assert!(sample
        .text()
        .await
        .unwrap()
        .starts_with("種類,提案議員,案由"));
}

#[tokio::test]
async fn a_tracked_resolution_is_on_the_meetings_agenda_and_released_there_as_executed() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let id = record(
        &app,
        &cast.sec,
        &rider_form(&app, "河濱自行車道照明", "113/03/12").await,
    )
    .await;
    app.assign(&cast.sec, id, "UDD", &[]).await;
    app.ok(&cast.udd, "cases/accept", &[("case_id", id.to_string())])
        .await;
    assert_eq!(
        update(&app, &cast.udd, id, "已完成照明設計。", "50").await,
        StatusCode::OK
    );
    let version = app.case(&cast.udd, id).await.reply_version;
    app.save_reply(&cast.udd, id, version, "照明改善工程施工中。")
        .await;
    for (who, step) in [
        (&cast.udd, "submit"),
        (&cast.udd_boss, "sign_off"),
        (&cast.sec, "pass_to_review"),
    ] {
        assert_eq!(
            app.step(who, id, step, "").await.status(),
            StatusCode::OK,
            "{step}"
        );
    }
    let version = app.case(&cast.rev, id).await.version;
    app.ok(
        &cast.rev,
        "cases/step",
        &[
            ("case_id", id.to_string()),
            ("version", version.to_string()),
            ("step", "approve".into()),
            ("keep_tracking", "1".into()),
        ],
    )
    .await;

    // On the agenda like any tracked case, with its execution update.
    let res = crate::meetings::schedule(&app, &cast.sec, "113/03/15").await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let meeting_id: i64 = sqlx::query_scalar("SELECT id FROM meetings WHERE status = 'scheduled'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let m = crate::meetings::meeting(&app, &cast.rev, meeting_id).await;
    assert!(
        m.agenda
            .iter()
            .flat_map(|g| &g.items)
            .any(|i| i.case.id == id),
        "the tracked resolution is on the agenda"
    );
    let page = app
        .page(&cast.rev, &format!("/meetings/{meeting_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("河濱自行車道照明"));

    // Released at the meeting: executed.
    let res = crate::meetings::decide(
        &app,
        &cast.rev,
        meeting_id,
        id,
        "release",
        ("", ""),
        "已完成照明改善，執行完畢。",
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    app.ok(
        &cast.rev,
        "meetings/confirm",
        &[("meeting_id", meeting_id.to_string())],
    )
    .await;
    let case = app.case(&cast.rev, id).await;
    assert_eq!(case.status, CaseStatus::Closed);
    assert_eq!(case.resolution.unwrap().state, ExecutionState::Executed);
    assert_eq!(case.timeline[0].action, "release");
}

#[tokio::test]
async fn the_secretariat_is_mailed_the_day_before_the_execution_report_is_due_and_chased_until_it_is_compiled(
) {
    use app::cases::db::run_due_reminders;
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let session = app.reference().await.session;
    // Due seven working days before the session opens: Tuesday 9/3 → Friday 8/23.
    let next = session_opening(&app, 4, "2024-09-03", "2024-12-02").await;
    record(
        &app,
        &cast.sec,
        &rider_form(&app, "人行道無障礙改善", "113/03/12").await,
    )
    .await;
    let at = |d: &str| {
        chrono::DateTime::parse_from_rfc3339(&format!("2024-{d}T07:30:00+08:00"))
            .unwrap()
            .timestamp()
    };
    let heard = |kind: &'static str| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_as::<_, (String, i64)>(
                "SELECT u.username, n.report_session_id FROM notifications n \
                 JOIN users u ON u.id = n.user_id WHERE n.kind = $1 ORDER BY n.id",
            )
            .bind(kind)
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    run_due_reminders(&app.state.db, at("08-21")).await.unwrap();
    assert!(heard("execution_report_due").await.is_empty(), "too early");
    run_due_reminders(&app.state.db, at("08-22")).await.unwrap();
    assert_eq!(
        heard("execution_report_due").await,
        [("chen.sec".to_owned(), next)],
        "the secretariat, about the session the report goes to"
    );

    // In the inbox, with the way to the reports; by mail at once (the secretariat's default).
    let inbox = app
        .page(&cast.sec, "/notifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        inbox.contains("決議案執行情形報告下一個工作日到期"),
        "{inbox}"
    );
    assert!(inbox.contains("href=\"/resolutions/reports\""));
    let mail = app.mailed("chen.sec", "執行情形報告", at("08-22")).await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(
        mail[0]
            .0
            .starts_with("［府會通］決議案執行情形報告下一個工作日到期："),
        "{}",
        mail[0].0
    );
    assert!(mail[0]
        .1
        .contains("https://fuhuitong.example.gov.tw/resolutions/reports"));

    // Overdue on Monday 8/26: chased; once compiled, no more, nor after the session opens.
    run_due_reminders(&app.state.db, at("08-26")).await.unwrap();
    assert_eq!(heard("execution_report_overdue").await.len(), 1);
    app.ok(
        &cast.sec,
        "resolutions/compile",
        &[
            ("for_session_id", next.to_string()),
            ("session_ids[]", session.to_string()),
        ],
    )
    .await;
    let calendar = app::deadlines::db::work_calendar(&app.state.db)
        .await
        .unwrap();
    assert!(
        app::notifications::chase::case_chase(day(2024, 8, 23), day(2024, 8, 29), &calendar)
            .is_some(),
        "Thursday 8/29 chases what is still owed"
    );
    for d in ["08-29", "09-03", "09-04"] {
        run_due_reminders(&app.state.db, at(d)).await.unwrap();
    }
    assert_eq!(heard("execution_report_overdue").await.len(), 1);
    assert_eq!(heard("execution_report_due").await.len(), 1);
}
