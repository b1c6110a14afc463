//! The session's bills and the mayor's caucus briefings: a bureau records its bills and
//! their way through the council, the secretariat's call shows who has not answered, the
//! major ones are briefed to a caucus with a pack read back as ODT and PDF, the caucus's
//! positions and asks are recorded, and an ask becomes a data request linked both ways.

use crate::{harness::TestApp, meetings::Cast};
use app::bills::{Bill, BriefingStatus, Position, SessionBills, Stage};
use reqwest::{Client, StatusCode};

/// Posts a server fn with a form it owns (so a closure can return the call).
async fn send(
    app: &TestApp,
    who: &Client,
    endpoint: &str,
    form: Vec<(&'static str, String)>,
) -> reqwest::Response {
    app.call(who, endpoint, &form).await
}

async fn session(app: &TestApp) -> i64 {
    app.reference().await.session
}

async fn record_bill(app: &TestApp, who: &Client, title: &str) -> i64 {
    let session = session(app).await;
    app.ok(
        who,
        "bills/record",
        &[
            ("form[session_id]", session.to_string()),
            ("form[bill_kind]", "ordinance_amended".into()),
            ("form[title]", title.into()),
            ("form[why]", "縮短審議時程，加速老舊社區重建。".into()),
            ("form[changes]", "第5條：審議期限縮短為六個月。".into()),
            ("form[committee]", "工務委員會".into()),
        ],
    )
    .await
    .parse()
    .unwrap()
}

async fn bill(app: &TestApp, who: &Client, id: i64) -> Bill {
    let res = app.call(who, "bills/bill", &[("id", id.to_string())]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn stage(
    app: &TestApp,
    who: &Client,
    id: i64,
    version: i64,
    stage: &str,
    on: &str,
) -> reqwest::Response {
    app.call(
        who,
        "bills/stage",
        &[
            ("bill_id", id.to_string()),
            ("version", version.to_string()),
            ("form[stage]", stage.into()),
            ("form[on]", on.into()),
            ("form[note]", "議事日程".into()),
        ],
    )
    .await
}

async fn session_view(app: &TestApp, who: &Client) -> SessionBills {
    let res = app.call(who, "bills/session", &[]).await;
    let status = res.status();
    if status != StatusCode::OK {
        panic!("{status}: {}", res.text().await.unwrap());
    }
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_call_for_bills_reaches_every_bureau_in_its_inbox_and_by_mail_and_chases_only_those_that_have_not_answered(
) {
    use app::cases::db::run_due_reminders;
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let session = session(&app).await;
    app.ok(
        &cast.sec,
        "bills/call",
        &[("form[session_id]", session.to_string())],
    )
    .await;
    let heard = |kind: &'static str| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT u.username FROM notifications n JOIN users u ON u.id = n.user_id \
                 WHERE n.kind = $1 AND n.case_id IS NULL ORDER BY u.username",
            )
            .bind(kind)
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    // Every bureau's people hear of the call; the secretariat who sent it does not.
    assert_eq!(
        heard("bill_call").await,
        ["chiang.dot", "ho.udd", "lee.dot", "wang.udd"]
    );
    let inbox = app
        .page(&cast.udd, "/notifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(inbox.contains("秘書處請提報本會期議法案"), "{inbox}");
    assert!(inbox.contains(&format!("href=\"/bills?session={session}\"")));

    // 交通局 answers that it has none; 都發局 stays silent.
    app.ok(
        &cast.dot,
        "bills/nothing",
        &[("session_id", session.to_string())],
    )
    .await;
    // Due Friday 3/29: the working day before, the silent bureau hears it is due.
    let day = |d: &str| {
        chrono::DateTime::parse_from_rfc3339(&format!("2024-{d}T07:30:00+08:00"))
            .unwrap()
            .timestamp()
    };
    run_due_reminders(&app.state.db, day("03-27"))
        .await
        .unwrap();
    assert!(
        heard("bill_call_due").await.is_empty(),
        "Wednesday: too early"
    );
    run_due_reminders(&app.state.db, day("03-28"))
        .await
        .unwrap();
    assert_eq!(heard("bill_call_due").await, ["ho.udd", "wang.udd"]);

    // The liaison is mailed at once (their default), with a link to the session's bills.
    let mail = app.mailed("ho.udd", "議法案提報", day("03-28")).await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(mail[0]
        .0
        .starts_with("［府會通］議法案提報下一個工作日截止："));
    assert!(mail[0].1.contains(&format!(
        "https://fuhuitong.example.gov.tw/bills?session={session}"
    )));

    // Overdue on Monday 4/1: the liaison is chased; the approver only from the third chase.
    run_due_reminders(&app.state.db, day("04-01"))
        .await
        .unwrap();
    assert_eq!(heard("bill_call_overdue").await, ["ho.udd"]);
    // Once it has answered, it is chased no more.
    record_bill(&app, &cast.udd, "都市更新自治條例修正草案").await;
    for d in ["04-02", "04-03", "04-08", "04-09", "04-10", "04-11"] {
        run_due_reminders(&app.state.db, day(d)).await.unwrap();
    }
    assert_eq!(heard("bill_call_overdue").await, ["ho.udd"]);
    assert!(!heard("bill_call_due")
        .await
        .iter()
        .any(|u| u.ends_with(".dot")));
}

#[tokio::test]
async fn a_bureau_records_its_bill_and_its_way_through_the_council_while_other_bureaus_see_nothing_of_it(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let session = session(&app).await;
    app.ok(
        &cast.sec,
        "bills/call",
        &[
            ("form[session_id]", session.to_string()),
            ("form[note]", "請登錄本會期議案".into()),
        ],
    )
    .await;
    // A second call for the same session is refused, not doubled.
    let again = app
        .call(
            &cast.sec,
            "bills/call",
            &[("form[session_id]", session.to_string())],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let view = session_view(&app, &cast.sec).await;
    let call = view.call.clone().unwrap();
    // 3/15 (Friday) + 10 working days = 3/29.
    assert_eq!(call.due_on.to_string(), "2024-03-29");
    assert!(call.missing.iter().any(|(_, n)| n == "都市發展局"));

    // The start page reminds a bureau that has not answered, and the secretariat of how many.
    let home = app.page(&cast.udd, "/").await.text().await.unwrap();
    assert!(home.contains("本局處尚未回報"), "the bureau is reminded");
    let home = app.page(&cast.sec, "/").await.text().await.unwrap();
    assert!(home.contains("局處未回報"), "the secretariat sees who owes");

    let id = record_bill(&app, &cast.udd, "都市更新自治條例修正草案").await;
    let b = bill(&app, &cast.udd, id).await;
    assert_eq!(
        (b.row.stage, b.row.bureau.as_str()),
        (Stage::Planned, "都市發展局")
    );
    assert!(b.may_write && !b.may_mark_major);

    // Another bureau neither reads it nor sees it in the session.
    let res = app
        .call(&cast.dot, "bills/bill", &[("id", id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(session_view(&app, &cast.dot).await.bills.is_empty());
    assert_eq!(
        app.page(&cast.dot, &format!("/bills/{id}")).await.status(),
        StatusCode::FORBIDDEN
    );
    // 交通局 has none this session and says so; 都發局 answered by recording one.
    app.ok(
        &cast.dot,
        "bills/nothing",
        &[("session_id", session.to_string())],
    )
    .await;
    let call = session_view(&app, &cast.sec).await.call.unwrap();
    assert!(call.answered.contains(&"都市發展局".to_owned()));
    assert!(call.answered.contains(&"交通局".to_owned()));
    assert!(!call.missing.iter().any(|(_, n)| n == "交通局"));

    for who in [&cast.udd, &cast.dot] {
        let home = app.page(who, "/").await.text().await.unwrap();
        assert!(
            !home.contains("本局處尚未回報"),
            "answered: no more reminder"
        );
    }

    // Its steps, in order, dated as they happened.
    assert_eq!(
        stage(&app, &cast.udd, id, 1, "sent", "113/03/12")
            .await
            .status(),
        StatusCode::OK
    );
    let skipped = stage(&app, &cast.udd, id, 2, "passed", "113/03/14").await;
    assert_eq!(skipped.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(skipped.text().await.unwrap().contains("只能記錄"));
    let early = stage(&app, &cast.udd, id, 2, "first_reading", "113/03/11").await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ahead = stage(&app, &cast.udd, id, 2, "first_reading", "113/03/16").await;
    assert_eq!(ahead.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let stale = stage(&app, &cast.udd, id, 1, "first_reading", "113/03/14").await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert_eq!(
        stage(&app, &cast.udd_boss, id, 2, "first_reading", "113/03/14")
            .await
            .status(),
        StatusCode::OK
    );
    // The reviewer reads it and may not move it.
    let b = bill(&app, &cast.rev, id).await;
    assert_eq!((b.row.stage, b.version), (Stage::FirstReading, 3));
    assert!(!b.may_write);
    assert_eq!(
        stage(&app, &cast.rev, id, 3, "committee", "113/03/15")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let steps: Vec<String> = b.events.iter().map(|e| e.sentence()).collect();
    assert_eq!(
        steps,
        ["登錄議案", "送議會（113/03/12）", "一讀（113/03/14）"]
    );

    // Its bureau corrects its facts; the timeline names what changed; another bureau may not.
    let edit = |version: i64, title: &str| {
        send(
            &app,
            &cast.udd,
            "bills/edit",
            vec![
                ("bill_id", id.to_string()),
                ("version", version.to_string()),
                ("form[bill_kind]", "ordinance_amended".into()),
                ("form[title]", title.into()),
                ("form[why]", "縮短審議時程，加速老舊社區重建。".into()),
                ("form[changes]", "第5條：審議期限縮短為六個月。".into()),
                ("form[committee]", "工務委員會".into()),
            ],
        )
    };
    assert_eq!(
        edit(3, "都市更新自治條例部分條文修正草案").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        edit(3, "再改").await.status(),
        StatusCode::CONFLICT,
        "a stale version"
    );
    let refused = app
        .call(
            &cast.dot,
            "bills/edit",
            &[
                ("bill_id", id.to_string()),
                ("version", "4".into()),
                ("form[bill_kind]", "other".into()),
                ("form[title]", "改名".into()),
                ("form[why]", "x".into()),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let b = bill(&app, &cast.udd, id).await;
    assert_eq!(b.row.title, "都市更新自治條例部分條文修正草案");
    let last = b.events.last().unwrap();
    assert_eq!(
        (last.sentence().as_str(), last.note.as_str()),
        ("修改議案資料", "案名")
    );

    // Its papers: the bureau uploads the comparison table; the reviewer downloads it as sent;
    // another bureau may neither add nor read one.
    let upload = |who: &Client, name: &str| {
        let form = reqwest::multipart::Form::new()
            .text("file_kind", "comparison")
            .part(
                "files",
                reqwest::multipart::Part::bytes("第5條 現行條文｜修正條文".as_bytes().to_vec())
                    .file_name(name.to_owned())
                    .mime_str("text/plain")
                    .unwrap(),
            );
        who.post(app.url(&format!("/bills/{id}/files")))
            .multipart(form)
            .send()
    };
    assert_eq!(
        upload(&cast.dot, "x.txt").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload(&cast.udd, "條文對照表.txt").await.unwrap().status(),
        StatusCode::OK
    );
    let b = bill(&app, &cast.rev, id).await;
    assert_eq!(b.files.len(), 1);
    assert_eq!(b.files[0].kind, app::bills::FileKind::Comparison);
    let file = b.files[0].id;
    let res = app.page(&cast.rev, &format!("/bills/files/{file}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-security-policy"],
        "sandbox",
        "never run as a page"
    );
    assert_eq!(res.text().await.unwrap(), "第5條 現行條文｜修正條文");
    assert_eq!(
        app.page(&cast.dot, &format!("/bills/files/{file}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(b.events.last().unwrap().note, "條文對照表：條文對照表.txt");

    // Each write is in the audit log too.
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE target_kind = 'bill' AND target_id = $1 \
         AND action IN ('bill_recorded', 'bill_stage_recorded', 'bill_edited', 'bill_files_added')",
    )
    .bind(id.to_string())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audited, 5);
    // The page reads without JavaScript, with its next steps to choose from.
    let page = app
        .page(&cast.udd, &format!("/bills/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("都市更新自治條例部分條文修正草案"));
    assert!(page.contains("委員會審查"), "the next step offered");
}

#[tokio::test]
async fn the_secretariat_briefs_a_caucus_on_major_bills_and_an_ask_becomes_a_data_request_linked_both_ways(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let session = session(&app).await;
    let major = record_bill(&app, &cast.udd, "都市更新<b>自治條例</b>修正草案").await;
    let minor = record_bill(&app, &cast.dot, "公車路線調整案").await;
    // Only the secretariat marks a bill major.
    let mark = vec![("bill_id", major.to_string()), ("major", "true".into())];
    let refused = send(&app, &cast.udd, "bills/major", mark.clone()).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        send(&app, &cast.sec, "bills/major", mark).await.status(),
        StatusCode::OK
    );

    let schedule = |caucus: &str| {
        send(
            &app,
            &cast.sec,
            "briefings/schedule",
            vec![
                ("form[session_id]", session.to_string()),
                ("form[caucus]", caucus.into()),
                ("form[held_on]", "113/03/20".into()),
                ("form[starts_at]", "10:00".into()),
                ("form[place]", "議會黨團會議室".into()),
                ("form[attendees]", "市長、都發局長".into()),
            ],
        )
    };
    assert_eq!(
        schedule("不存在黨團").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let res = schedule("青禾黨").await;
    assert_eq!(res.status(), StatusCode::OK);
    let briefing: i64 = res.text().await.unwrap().parse().unwrap();
    let b = briefing.to_string();

    // Only the session's major bills are presented.
    let choose = |ids: &[i64]| {
        let mut form = vec![("briefing_id", b.clone())];
        form.extend(ids.iter().map(|id| ("bill_ids[]", id.to_string())));
        send(&app, &cast.sec, "briefings/bills", form)
    };
    assert_eq!(
        choose(&[minor]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(choose(&[major]).await.status(), StatusCode::OK);

    // The pack: a page to print, and ODT and PDF files a reader opens.
    let page = app
        .page(&cast.sec, &format!("/briefings/{briefing}/pack"))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("青禾黨黨團"));
    assert!(
        page.contains("都市更新&lt;b&gt;自治條例&lt;/b&gt;修正草案"),
        "escaped on the page"
    );
    let res = app
        .page(&cast.sec, &format!("/briefings/{briefing}/pack.odt"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let content = server::documents::odt::check::package(&res.bytes().await.unwrap()).unwrap();
    assert!(content.contains("都市更新&lt;b&gt;自治條例&lt;/b&gt;修正草案"));
    assert!(content.contains("縮短審議時程"));
    let res = app
        .page(&cast.sec, &format!("/briefings/{briefing}/pack.pdf"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = crate::volume::pdf_text(&res.bytes().await.unwrap());
    for words in ["重大議法案報告", "青禾黨黨團", "議程", "為何重要"] {
        assert!(text.contains(words), "{words} in {text}");
    }
    // Bureaus see neither the briefing nor its pack.
    for path in [
        format!("/briefings/{briefing}"),
        format!("/briefings/{briefing}/pack.odt"),
    ] {
        assert_eq!(
            app.page(&cast.udd, &path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }

    // An ask waits for the briefing to be held; every bill presented needs a position.
    let ask = |text: &str| {
        send(
            &app,
            &cast.sec,
            "briefings/ask",
            vec![
                ("briefing_id", b.clone()),
                ("bill_id", major.to_string()),
                ("ask", text.into()),
            ],
        )
    };
    assert_eq!(ask("請提供統計").await.status(), StatusCode::CONFLICT);
    let outcome = |position: &str| {
        send(
            &app,
            &cast.sec,
            "briefings/outcome",
            vec![
                ("briefing_id", b.clone()),
                ("bill_ids[]", major.to_string()),
                ("positions[]", position.into()),
                ("note", "市長說明重點".into()),
            ],
        )
    };
    assert_eq!(outcome("").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(outcome("conditional").await.status(), StatusCode::OK);
    let res = ask("請提供近三年都市更新案件審議時程統計").await;
    assert_eq!(res.status(), StatusCode::OK);
    let ask_id: i64 = res.text().await.unwrap().parse().unwrap();

    // The ask becomes a data request of one of the caucus's councilors, not another's.
    let db = app.state.db.clone();
    let councilor = |caucus: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM councilors WHERE caucus = $1 ORDER BY id LIMIT 1",
            )
            .bind(caucus)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let file = |councilor: i64| {
        send(
            &app,
            &cast.sec,
            "briefings/file-ask",
            vec![
                ("briefing_id", b.clone()),
                ("ask_id", ask_id.to_string()),
                ("councilor_id", councilor.to_string()),
            ],
        )
    };
    let outsider = councilor("晨光聯盟").await;
    assert_eq!(
        file(outsider).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let member = councilor("青禾黨").await;
    let res = file(member).await;
    assert_eq!(res.status(), StatusCode::OK);
    let case_id: i64 = res.text().await.unwrap().parse().unwrap();
    assert_eq!(
        file(member).await.status(),
        StatusCode::CONFLICT,
        "once only"
    );
    let case = app.case(&cast.sec, case_id).await;
    assert_eq!(case.kind, app::cases::CaseKind::DataRequest);
    let source = case.from_briefing.unwrap();
    assert_eq!(
        (source.briefing_id, source.caucus.as_str()),
        (Some(briefing), "青禾黨")
    );
    // Assigned to 都發局, the case names the caucus to its bureau, with no link it may not open.
    app.assign(&cast.sec, case_id, "UDD", &[]).await;
    let source = app.case(&cast.udd, case_id).await.from_briefing.unwrap();
    assert_eq!(
        (source.briefing_id, source.caucus.as_str()),
        (None, "青禾黨")
    );
    assert!(case.body.contains("審議時程統計"));

    let res = app
        .call(&cast.rev, "briefings/briefing", &[("id", b.clone())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (seen, _): (app::bills::Briefing, app::city::City) = res.json().await.unwrap();
    assert_eq!(seen.status, BriefingStatus::Held);
    assert_eq!(seen.bills[0].position, Some(Position::Conditional));
    assert_eq!(seen.asks[0].case_id, Some(case_id));
    // The bill's page names the caucus's position for those who read briefings.
    let b_page = bill(&app, &cast.sec, major).await;
    assert_eq!(b_page.positions[0].position, Some(Position::Conditional));
    assert!(bill(&app, &cast.udd, major).await.positions.is_empty());

    // The session view counts each bureau's bills by where they stand.
    let page = app.page(&cast.sec, "/bills").await.text().await.unwrap();
    assert!(page.contains("各機關議案審議情形"));
    assert!(page.contains("黨團報告已舉行 1 場"), "briefings held");

    // The session's bills as a report: XLSX reopened, CSV with every bill.
    let res = app
        .page(&cast.sec, &format!("/bills/report.xlsx?session={session}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    use calamine::{Data, Reader};
    let mut book =
        calamine::Xlsx::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 3, "bills, per bureau, briefings: {names:?}");
    let range = book.worksheet_range(&names[0]).unwrap();
    assert_eq!(range.get((0, 0)), Some(&Data::String("主辦機關".into())));
    assert_eq!(range.height(), 3, "header and two bills");
    let res = app
        .page(&cast.udd, &format!("/bills/report.csv?session={session}"))
        .await;
    let csv = res.text().await.unwrap();
    assert!(csv.contains("都市更新"), "{csv}");
    assert!(
        !csv.contains("公車路線調整案"),
        "a bureau's own bills only: {csv}"
    );
}
