//! The written-reply volume: approved replies in order, the outstanding questions at the
//! end, as a page and as ODT, from the web and the command line.

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
    let content = server::odt::check::package(&res.bytes().await.unwrap()).unwrap();
    for text in [
        "書面答復彙編",
        "信義計畫區停車",
        "已研議改善方案，持續辦理。",
        "公車專用道",
    ] {
        assert!(content.contains(text), "{text}");
    }
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
    let content = server::odt::check::package(&std::fs::read(&out).unwrap()).unwrap();
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
    let content = server::odt::check::package(&kept).unwrap();
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
