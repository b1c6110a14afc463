//! Data requests: priority deadlines on the working-day calendar, batch deliveries with
//! files, postponement, and who may download what.

use crate::harness::TestApp;
use app::cases::{
    batch::{too_big_words, MAX_FILE_BYTES},
    CaseStatus,
};
use reqwest::{header, multipart, Client, StatusCode};

async fn record_data_request(app: &TestApp, sec: &Client, priority: &str, received: &str) -> i64 {
    let r = app.reference().await;
    app.ok(
        sec,
        "cases/record-data-request",
        &[
            ("form[session_id]", r.session.to_string()),
            ("form[councilor_id]", r.councilors[2].to_string()),
            ("form[topic]", "公有停車場收入明細".into()),
            ("form[body]", "請提供 112 年各公有停車場收入。".into()),
            ("form[received_at]", received.into()),
            ("form[priority]", priority.into()),
            ("form[within_three_days]", "on".into()),
        ],
    )
    .await
    .parse()
    .unwrap()
}

async fn deliver(
    app: &TestApp,
    client: &Client,
    case: i64,
    note: &str,
    files: Vec<(&str, Vec<u8>)>,
) -> reqwest::Response {
    deliver_accepting(app, client, case, note, files, "*/*").await
}

/// [`deliver`], asking for an answer of type `accept`.
async fn deliver_accepting(
    app: &TestApp,
    client: &Client,
    case: i64,
    note: &str,
    files: Vec<(&str, Vec<u8>)>,
    accept: &str,
) -> reqwest::Response {
    let mut form = multipart::Form::new().text("note", note.to_owned());
    for (name, data) in files {
        form = form.part(
            "files",
            multipart::Part::bytes(data)
                .file_name(name.to_owned())
                .mime_str("text/csv")
                .unwrap(),
        );
    }
    client
        .post(app.url(&format!("/cases/{case}/deliveries")))
        .header(header::ACCEPT, accept)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_data_request_is_delivered_in_two_batches_with_a_postponement_between_them() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let dot = app
        .signed_in("chiang.dot", "bureau_liaison", Some("DOT"))
        .await;
    let dot_boss = app
        .signed_in("kao.dot", "bureau_approver", Some("DOT"))
        .await;
    let reviewer = app.signed_in("lo.rev", "reviewer", None).await;

    // Tomb Sweeping Day 2024 is on the calendar before the request arrives.
    let imported = app
        .ok(
            &admin,
            "admin/calendar/import",
            &[(
                "csv",
                "date,kind,name\n2024-04-04,holiday,兒童節\n2024-04-05,holiday,民族掃墓節\n".into(),
            )],
        )
        .await;
    let change: serde_json::Value = serde_json::from_str(&imported).unwrap();
    assert_eq!(
        change["added"].as_array().map(Vec::len),
        Some(2),
        "{imported}"
    );

    // An urgent request (3 working days) received on Tuesday 2024-04-02: Wed 3, then Mon 8
    // and Tue 9, skipping the two holidays and the weekend.
    let id = record_data_request(&app, &sec, "urgent", "113/04/02 10:30").await;
    let case = app.case(&sec, id).await;
    assert_eq!(case.due_on.to_string(), "2024-04-09");
    assert!(case.within_three_days);
    assert_eq!(case.number, 1);

    app.assign(&sec, id, "DOT", &[]).await;
    app.ok(&dot, "cases/accept", &[("case_id", id.to_string())])
        .await;

    // First batch, with a file.
    let res = deliver(
        &app,
        &dot,
        id,
        "第一批：各場收入",
        vec![(
            "停車場收入.csv",
            "場名,收入\n市府,100\n".as_bytes().to_vec(),
        )],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );

    // A postponement must move the date later and say why.
    let res = app
        .call(
            &dot,
            "cases/postpone",
            &[
                ("case_id", id.to_string()),
                ("due_on", "113/04/01".into()),
                ("due_reason", "資料量大".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.ok(
        &dot,
        "cases/postpone",
        &[
            ("case_id", id.to_string()),
            ("due_on", "113/04/16".into()),
            (
                "due_reason",
                "支出資料需會計室彙整，已與議員辦公室協調。".into(),
            ),
        ],
    )
    .await;

    // Second batch without a file, then the covering note and the way up.
    let res = deliver(&app, &dot, id, "第二批：支出明細如說明", vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let case = app.case(&dot, id).await;
    assert_eq!(case.due_on.to_string(), "2024-04-16");
    assert_eq!(
        case.deliveries.iter().map(|d| d.batch).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(case.deliveries[0].files[0].file_name, "停車場收入.csv");
    let postponed = case
        .timeline
        .iter()
        .find(|e| e.action == "postpone")
        .unwrap();
    let moved = postponed.data.due.as_ref().unwrap();
    assert_eq!(
        (moved.from.to_string(), moved.to.to_string()),
        ("2024-04-09".into(), "2024-04-16".into())
    );

    assert_eq!(
        app.save_reply(&dot, id, case.reply_version, "資料分兩批提供如附件。")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.step(&dot, id, "submit", "").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.step(&dot_boss, id, "sign_off", "").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.step(&sec, id, "pass_to_review", "").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.step(&reviewer, id, "approve", "").await.status(),
        StatusCode::OK
    );
    assert_eq!(app.case(&sec, id).await.status, CaseStatus::Closed);

    // The file downloads for those who may see the case, as an attachment.
    let file_id = case.deliveries[0].files[0].id;
    let res = dot
        .get(app.url(&format!("/files/{file_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(res.text().await.unwrap(), "場名,收入\n市府,100\n");
    let res = reviewer
        .get(app.url(&format!("/files/{file_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn files_are_refused_to_other_bureaus_and_to_anyone_not_signed_in() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let dot = app
        .signed_in("chiang.dot", "bureau_liaison", Some("DOT"))
        .await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let id = record_data_request(&app, &sec, "ordinary", "113/03/15 09:00").await;
    app.assign(&sec, id, "DOT", &[]).await;
    app.ok(&dot, "cases/accept", &[("case_id", id.to_string())])
        .await;
    deliver(&app, &dot, id, "第一批", vec![("a.csv", b"x".to_vec())]).await;
    let file_id = app.case(&dot, id).await.deliveries[0].files[0].id;

    let res = udd
        .get(app.url(&format!("/files/{file_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .client()
        .get(app.url(&format!("/files/{file_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Another bureau cannot deliver into the case either.
    let res = deliver(&app, &udd, id, "冒名", vec![]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.case(&sec, id).await.deliveries.len(), 1);
}

/// A data request that 交通局 has accepted, with 交通局's liaison signed in.
async fn accepted_at_dot(app: &TestApp) -> (Client, i64) {
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let dot = app
        .signed_in("chiang.dot", "bureau_liaison", Some("DOT"))
        .await;
    let id = record_data_request(app, &sec, "ordinary", "113/03/15 09:00").await;
    app.assign(&sec, id, "DOT", &[]).await;
    app.ok(&dot, "cases/accept", &[("case_id", id.to_string())])
        .await;
    (dot, id)
}

#[tokio::test]
async fn an_oversized_file_is_refused_and_nothing_of_the_batch_is_stored() {
    let app = TestApp::spawn().await;
    let (dot, id) = accepted_at_dot(&app).await;

    let big = vec![b'x'; MAX_FILE_BYTES as usize + 1];
    let res = deliver(
        &app,
        &dot,
        id,
        "太大",
        vec![("small.csv", b"ok".to_vec()), ("big.csv", big)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("10 MB"));
    assert!(app.case(&dot, id).await.deliveries.is_empty());

    // A browser gets sent back to the case page with the message.
    let form = multipart::Form::new().text("note", "").part(
        "files",
        multipart::Part::bytes(b"x".to_vec()).file_name("a.csv"),
    );
    let res = dot
        .post(app.url(&format!("/cases/{id}/deliveries")))
        .header(header::ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = crate::harness::location(&res).unwrap();
    assert_eq!(to, format!("/cases/{id}#deliveries"));
    let page = app
        .page(&dot, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("請輸入本批說明"),
        "the message is on the case page"
    );
    let again = app
        .page(&dot, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!again.contains("請輸入本批說明"), "and only once");
}

#[tokio::test]
async fn the_upload_island_asking_for_plain_text_gets_the_refusal_in_words_one_mistake_a_line() {
    let app = TestApp::spawn().await;
    let (dot, id) = accepted_at_dot(&app).await;

    let res = deliver_accepting(
        &app,
        &dot,
        id,
        "",
        vec![("a.csv", b"x".to_vec())],
        "text/plain",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/plain; charset=utf-8"
    );
    let words = res.text().await.unwrap();
    assert!(words.contains("請輸入本批說明"), "{words}");
    assert!(!words.contains('{'), "words, not JSON: {words}");

    let big = vec![b'x'; MAX_FILE_BYTES as usize + 1];
    let res = deliver_accepting(&app, &dot, id, "太大", vec![("big.csv", big)], "text/plain").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.text().await.unwrap(), too_big_words());
    assert!(app.case(&dot, id).await.deliveries.is_empty());
}

#[tokio::test]
async fn files_each_within_the_limit_are_refused_when_the_batch_is_too_heavy() {
    let app = TestApp::spawn().await;
    let (dot, id) = accepted_at_dot(&app).await;

    // Five files at the per-file limit fill the batch; one more byte is over it, yet the
    // body is still within what the server reads.
    let mut files: Vec<(&str, Vec<u8>)> = ["1.csv", "2.csv", "3.csv", "4.csv", "5.csv"]
        .into_iter()
        .map(|name| (name, vec![b'x'; MAX_FILE_BYTES as usize]))
        .collect();
    files.push(("6.csv", b"x".to_vec()));
    let res = deliver(&app, &dot, id, "太多", files).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("每批 50 MB 的上限"));
    assert!(app.case(&dot, id).await.deliveries.is_empty());
}

#[tokio::test]
async fn data_requests_recorded_at_the_same_moment_get_distinct_numbers() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let r = app.reference().await;
    let mut recordings = tokio::task::JoinSet::new();
    for i in 0..12 {
        let (client, url) = (sec.clone(), app.url("/api/cases/record-data-request"));
        let form = [
            ("form[session_id]", r.session.to_string()),
            ("form[councilor_id]", r.councilors[2].to_string()),
            ("form[topic]", format!("停車場收入明細 {i}")),
            ("form[body]", "請提供各公有停車場收入。".into()),
            ("form[received_at]", "113/03/15 09:00".into()),
            ("form[priority]", "ordinary".into()),
        ];
        recordings.spawn(async move {
            let res = client.post(url).form(&form).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        });
    }
    let answers = recordings.join_all().await;
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }
    let ids = answers;
    let mut numbers: Vec<i64> =
        sqlx::query_scalar("SELECT number FROM cases WHERE kind = 'data_request' ORDER BY number")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    numbers.dedup();
    assert_eq!(ids.len(), 12);
    assert_eq!(numbers, (1..=12).collect::<Vec<i64>>());
}

/// Sends the head of a 50 MB upload and a few bytes of it, then nothing more; returns the
/// status line the server answers with, if it answers within five seconds.
async fn stalled_upload(app: &TestApp, cookie: &str, case: i64) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /cases/{case}/deliveries HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\n\
         Accept: application/json\r\nContent-Type: multipart/form-data; boundary=XYZ\r\n\
         Content-Length: 50000000\r\n\r\n--XYZ\r\nContent-Disposition: form-data; \
         name=\"files\"; filename=\"a.csv\"\r\n\r\nxxxx",
        app.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8_lossy(&answer[..n]).to_string();
    text.lines().next().map(str::to_owned)
}

#[tokio::test]
async fn an_upload_by_someone_who_may_not_deliver_is_refused_before_its_body_is_read() {
    let app = TestApp::spawn().await;
    let (_dot, id) = accepted_at_dot(&app).await;
    app.create_user("wu.udd", "bureau_liaison", Some("UDD"))
        .await;
    let login = app
        .login(&app.client(), "wu.udd", crate::harness::PASSWORD)
        .await;
    let cookie = crate::harness::set_cookie(&login).unwrap();
    let cookie = cookie.split(';').next().unwrap();

    let answer = stalled_upload(&app, cookie, id).await;
    let status = answer.expect("an answer while the body is still owed");
    assert!(
        status.contains(" 403 ") || status.contains(" 404 "),
        "{status}"
    );
}

#[tokio::test]
async fn an_empty_file_is_refused_and_format_characters_leave_file_names() {
    let app = TestApp::spawn().await;
    let (dot, id) = accepted_at_dot(&app).await;
    let res = deliver(
        &app,
        &dot,
        id,
        "第一批",
        vec![("ok.csv", b"a,b".to_vec()), ("empty.csv", Vec::new())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: app::error::AppError = res.json().await.unwrap();
    assert!(
        err.field_message("files").unwrap().contains("empty.csv"),
        "{err:?}"
    );
    assert!(app.case(&dot, id).await.deliveries.is_empty());

    let res = deliver(
        &app,
        &dot,
        id,
        "第一批",
        vec![("invoice\u{202E}vsc.exe", b"a,b".to_vec())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let case = app.case(&dot, id).await;
    assert_eq!(case.deliveries[0].files[0].file_name, "invoicevsc.exe");
}
