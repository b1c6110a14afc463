//! The written-reply volume: approved replies in order, the outstanding questions at the
//! end, as a page, as ODT and as PDF (at once or in the background), from the web and the
//! command line; its sending to the council.

use crate::{harness::TestApp, meetings::Cast};
use reqwest::StatusCode;

#[tokio::test]
async fn a_session_compiles_into_a_volume_with_the_outstanding_questions_at_the_end() {
    let url = crate::harness::fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    let cast = Cast::new(&app).await;
    let answered = crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    let open = app.record_question(&cast.sec, 3, "公車專用道").await;
    app.assign(&cast.sec, open, "DOT", &["UDD"]).await;
    let session = app.reference().await.session;

    let res = app
        .call(
            &cast.sec,
            "volume",
            &[("filter[session]", session.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: app::volume::Volume = res.json().await.unwrap();
    assert_eq!(v.title(), "臺北市議會第14屆第3次定期大會 書面答復彙編");
    assert_eq!(
        v.entries.iter().map(|e| e.case_id).collect::<Vec<_>>(),
        vec![answered]
    );
    assert_eq!(v.entries[0].reply, "已研議改善方案，持續辦理。");
    assert_eq!(v.entries[0].bureaus, vec!["都市發展局"]);
    assert_eq!(
        v.outstanding.iter().map(|e| e.case_id).collect::<Vec<_>>(),
        vec![open]
    );
    assert_eq!(
        v.outstanding[0].bureaus,
        vec!["交通局", "都市發展局"],
        "the lead first"
    );
    assert!(
        v.outstanding[0].reply.is_empty(),
        "no draft leaves the city"
    );

    let page = app
        .page(&cast.sec, &format!("/volume?session={session}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("已研議改善方案，持續辦理。") && page.contains("尚未完成答復之質詢"));

    let res = app
        .page(&cast.rev, &format!("/volume.odt?session={session}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let content = server::documents::odt::check::package(&res.bytes().await.unwrap()).unwrap();
    for text in [
        "書面答復彙編",
        "信義計畫區停車",
        "已研議改善方案，持續辦理。",
        "公車專用道",
    ] {
        assert!(content.contains(text), "{text}");
    }
    // The contents point at each question's heading; LibreOffice fills in the page.
    assert!(content.contains(&format!(
        r#"<text:bookmark-ref text:reference-format="page" text:ref-name="q{answered}">"#
    )));
    assert!(content.contains(&format!(r#"<text:bookmark text:name="q{answered}"/>"#)));
    for who in [&cast.udd, &cast.udd_boss] {
        let res = app
            .page(who, &format!("/volume.odt?session={session}"))
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    let out = std::env::temp_dir().join(format!("fht-volume-{}-{session}.odt", std::process::id()));
    let run = crate::cli::run(
        &url,
        &[
            "export",
            "volume",
            "--session",
            &session.to_string(),
            "--sitting-type",
            "general",
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(run.status.success(), "{}", crate::cli::text(&run.stderr));
    let content = server::documents::odt::check::package(&std::fs::read(&out).unwrap()).unwrap();
    assert!(content.contains("市政總質詢 書面答復彙編"));
    let _ = std::fs::remove_file(&out);
}

#[tokio::test]
async fn sending_a_volume_keeps_its_file_and_marks_its_replies_as_sent() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let answered = crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    let session = app.reference().await.session.to_string();
    let send = |who: &reqwest::Client, on: &str| {
        who.post(app.url("/volume/send"))
            .form(&[("session", session.clone()), ("sent_on", on.to_owned())])
            .send()
    };

    for who in [&cast.rev, &cast.udd] {
        assert_eq!(
            send(who, "113/03/15").await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
    }
    let future = send(&cast.sec, "113/12/31").await.unwrap();
    assert_eq!(future.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let res = send(&cast.sec, "113/03/15").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let id: i64 = res.json().await.unwrap();
    let case = app.case(&cast.udd, answered).await;
    assert_eq!(
        case.sent_to_council_on,
        chrono::NaiveDate::from_ymd_opt(2024, 3, 15)
    );
    assert_eq!(case.timeline[0].action, "sent_to_council");

    // The exact file sent is kept: the same bytes each time, whatever changes later.
    let file = app.page(&cast.rev, &format!("/volumes/{id}/file")).await;
    assert_eq!(file.status(), StatusCode::OK);
    let kept = file.bytes().await.unwrap();
    let content = server::documents::odt::check::package(&kept).unwrap();
    assert!(content.contains("已研議改善方案，持續辦理。"));
    let again = app
        .page(&cast.sec, &format!("/volumes/{id}/file"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(kept, again);
    let listed: Vec<app::volume::SentVolume> = app
        .call(&cast.sec, "volume/sent", &[("session", session.clone())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].replies, listed[0].outstanding), (1, 0));
    assert_eq!(listed[0].format, app::volume::VolumeFormat::Odt);

    // Sent as PDF, the PDF is what is kept.
    let res = cast
        .sec
        .post(app.url("/volume/send"))
        .form(&[
            ("session", session.clone()),
            ("sent_on", "113/03/15".to_owned()),
            ("format", "pdf".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let id: i64 = res.json().await.unwrap();
    let file = app.page(&cast.sec, &format!("/volumes/{id}/file")).await;
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert!(pdf_text(&file.bytes().await.unwrap()).contains("已研議改善方案，持續辦理。"));

    // Without JavaScript a refusal comes back to the volume page, in the session.
    let res = cast
        .sec
        .post(app.url("/volume/send"))
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&[("session", session.clone()), ("sent_on", String::new())])
        .send()
        .await
        .unwrap();
    let back = crate::harness::location(&res).unwrap();
    assert_eq!(back, format!("/volume?session={session}"));
    let page = app.page(&cast.sec, &back).await.text().await.unwrap();
    assert!(
        page.contains("請輸入函送議會的日期"),
        "the message on the page"
    );
}

/// The text of a PDF as a reader extracts it, without the spaces and line breaks that
/// layout puts between the pieces.
pub fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF file");
    let text = pdf_extract::extract_text_from_mem(bytes).expect("the PDF parses");
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[tokio::test]
async fn a_volume_as_pdf_carries_every_reply_as_text_in_an_embedded_chinese_font() {
    let url = crate::harness::fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    let cast = Cast::new(&app).await;
    crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    crate::meetings::tracked(&app, &cast, 6, "捷運站無障礙電梯", "DOT").await;
    let open = app.record_question(&cast.sec, 3, "公車專用道").await;
    app.assign(&cast.sec, open, "DOT", &[]).await;
    let session = app.reference().await.session;

    let res = app
        .page(&cast.rev, &format!("/volume.pdf?session={session}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".pdf"));
    let bytes = res.bytes().await.unwrap();
    let text = pdf_text(&bytes);
    for expected in [
        "臺北市議會第14屆第3次定期大會書面答復彙編",
        "目錄",
        "質詢第5號信義計畫區停車",
        "質詢第6號捷運站無障礙電梯",
        "已研議改善方案，持續辦理。",
        "尚未完成答復之質詢",
        "公車專用道",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    // The font travels inside the file, cut down to the glyphs used (a subset's name
    // carries a six-letter tag).
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/FontFile3") || raw.contains("/FontFile2"));
    assert!(raw.contains("+NotoS"), "a subset of a Noto CJK face");
    assert!(bytes.len() < 600_000, "subsetted: {} bytes", bytes.len());

    for who in [&cast.udd, &cast.udd_boss] {
        let res = app
            .page(who, &format!("/volume.pdf?session={session}"))
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    let out = std::env::temp_dir().join(format!("fht-volume-{}-{session}.pdf", std::process::id()));
    let run = crate::cli::run(
        &url,
        &[
            "export",
            "volume",
            "--session",
            &session.to_string(),
            "--format",
            "pdf",
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(run.status.success(), "{}", crate::cli::text(&run.stderr));
    let text = pdf_text(&std::fs::read(&out).unwrap());
    assert!(text.contains("已研議改善方案，持續辦理。"));
    let _ = std::fs::remove_file(&out);
}

/// Follows a job's page until the job is finished; returns the last page.
async fn finished_job_page(app: &TestApp, who: &reqwest::Client, job: &str) -> String {
    for _ in 0..300 {
        let page = app.page(who, job).await.text().await.unwrap();
        if !page.contains(r#"http-equiv="refresh""#) {
            return page;
        }
        assert!(page.contains("產生進度"), "the progress is shown");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the job did not finish within 30 s");
}

#[tokio::test]
async fn a_volume_compiled_in_the_background_is_followed_on_its_page_and_its_file_kept() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    let session = app.reference().await.session.to_string();
    let compile = |who: &reqwest::Client, format: &str| {
        who.post(app.url("/volume/compile"))
            .header(reqwest::header::ACCEPT, "text/html")
            .form(&[("session", session.clone()), ("format", format.to_owned())])
            .send()
    };

    let res = compile(&cast.rev, "pdf").await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let job = crate::harness::location(&res).unwrap();
    assert!(job.starts_with("/volume/jobs/"), "{job}");
    let page = finished_job_page(&app, &cast.rev, &job).await;
    assert!(page.contains("已完成") && page.contains("100%"), "{page}");
    let file = format!("{job}/file");
    assert!(page.contains(&format!(r#"href="{file}""#)));

    // Anyone who reads volumes may download it again, while it is kept.
    let res = app.page(&cast.sec, &file).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(pdf_text(&res.bytes().await.unwrap()).contains("已研議改善方案，持續辦理。"));
    let listed = app
        .page(&cast.sec, &format!("/volume?session={session}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(listed.contains("最近產生的檔案") && listed.contains(&file));

    // An ODT the same way.
    let res = compile(&cast.sec, "odt").await.unwrap();
    let job = crate::harness::location(&res).unwrap();
    finished_job_page(&app, &cast.sec, &job).await;
    let bytes = app
        .page(&cast.sec, &format!("{job}/file"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(server::documents::odt::check::package(&bytes)
        .unwrap()
        .contains("已研議改善方案，持續辦理。"));

    // Bureaus neither compile nor download; a format must be chosen.
    let refused = cast
        .udd
        .post(app.url("/volume/compile"))
        .form(&[("session", session.clone()), ("format", "pdf".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.page(&cast.udd, &file).await.status(),
        StatusCode::FORBIDDEN
    );
    let res = cast
        .sec
        .post(app.url("/volume/compile"))
        .form(&[("session", session.clone()), ("format", "docx".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn without_its_font_a_pdf_is_refused_in_words_that_say_what_to_do() {
    let missing = "/nonexistent/fonts/NotoSerifCJK-Regular.ttc";
    let app = TestApp::spawn_with_fonts(server::documents::pdf::FontPaths {
        regular: Some(missing.into()),
        bold: None,
    })
    .await;
    let cast = Cast::new(&app).await;
    crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    let session = app.reference().await.session.to_string();

    let res = app
        .page(&cast.sec, &format!("/volume.pdf?session={session}"))
        .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let said = res.text().await.unwrap();
    assert!(said.contains(missing) && said.contains("字型"), "{said}");

    let res = cast
        .sec
        .post(app.url("/volume/compile"))
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&[("session", session.clone()), ("format", "pdf".into())])
        .send()
        .await
        .unwrap();
    let job = crate::harness::location(&res).unwrap();
    let page = finished_job_page(&app, &cast.sec, &job).await;
    assert!(page.contains("失敗") && page.contains(missing), "{page}");
    assert!(page.contains("重新產生"));

    // ODT needs no font.
    let res = app
        .page(&cast.sec, &format!("/volume.odt?session={session}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn each_reply_carries_its_date_and_the_letter_it_was_sent_under_in_the_councils_own_title() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let answered = crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    let session = app.reference().await.session.to_string();
    let load = || async {
        let res = app
            .call(&cast.sec, "volume", &[("filter[session]", session.clone())])
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<app::volume::Volume>().await.unwrap()
    };
    let before = load().await;
    let entry = &before.entries[0];
    assert_eq!(entry.case_id, answered);
    assert_eq!(
        entry.replied_on.map(|d| d.to_string()).as_deref(),
        Some("2024-03-15")
    );
    assert!(entry.letter_number.is_empty(), "not sent yet");

    let letter = "府議字第1130012345號";
    let res = cast
        .sec
        .post(app.url("/volume/send"))
        .form(&[
            ("session", session.clone()),
            ("sent_on", "113/03/15".to_owned()),
            ("letter_number", letter.to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let after = load().await;
    assert_eq!(after.entries[0].letter_number, letter);
    let page = app
        .page(&cast.sec, &format!("/volume?session={session}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("答復日期：中華民國113年3月15日"), "{page}");
    assert!(page.contains(&format!("發文字號：{letter}")));

    // The council's own words for the volume, set by the admin.
    let admin = app.signed_in("root.admin", "admin", None).await;
    let words = [("words", "書面質詢及答覆彙編".to_owned())];
    assert_eq!(
        app.call(&cast.sec, "admin/volume-title/save", &words)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    app.ok(&admin, "admin/volume-title/save", &words).await;
    assert_eq!(
        load().await.title(),
        "臺北市議會第14屆第3次定期大會 書面質詢及答覆彙編"
    );
    let odt = app
        .page(&cast.rev, &format!("/volume.odt?session={session}"))
        .await
        .bytes()
        .await
        .unwrap();
    let content = server::documents::odt::check::package(&odt).unwrap();
    assert!(content.contains("書面質詢及答覆彙編"));
    assert!(content.contains(&format!("發文字號：{letter}")));
    assert!(content.contains("中華民國113年3月15日"));
}

#[tokio::test]
async fn a_hostile_letter_number_and_title_stay_text_in_the_page_and_the_odt() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    let session = app.reference().await.session.to_string();
    let letter = "府議字</text:p><script>x()</script>&amp;";
    let res = cast
        .sec
        .post(app.url("/volume/send"))
        .form(&[
            ("session", session.clone()),
            ("sent_on", "113/03/15".to_owned()),
            ("letter_number", letter.to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let admin = app.signed_in("root.admin", "admin", None).await;
    let words = [("words", "<b>彙編</b>&".to_owned())];
    app.ok(&admin, "admin/volume-title/save", &words).await;

    let page = app
        .page(&cast.sec, &format!("/volume?session={session}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("<script>x()"),
        "the letter is text in the page"
    );
    assert!(
        !page.contains("<b>彙編</b>"),
        "the title is text in the page"
    );
    assert!(page.contains("&lt;script&gt;x()"), "{page}");
    let odt = app
        .page(&cast.rev, &format!("/volume.odt?session={session}"))
        .await
        .bytes()
        .await
        .unwrap();
    // The package's XML parses: the markup arrived as characters.
    let content = server::documents::odt::check::package(&odt).unwrap();
    assert!(content.contains("&lt;/text:p&gt;&lt;script&gt;x()&lt;/script&gt;&amp;amp;"));
    assert!(content.contains("&lt;b&gt;彙編&lt;/b&gt;&amp;"));
}
