//! A case's internal background and flags: the lead bureau writes them over the version it
//! saw; it, the secretariat and the reviewer read them; a co-bureau, the admin, the status
//! page, the export and the volume never show them; the reviewer's queue names the flags
//! and narrows the list by them.

use crate::{harness::TestApp, meetings::Cast};
use reqwest::{Client, StatusCode};

const NOTE: &str = "議員擬於質詢後召開記者會，媒體已追問工程延宕原因。";

async fn save(
    app: &TestApp,
    who: &Client,
    case: i64,
    version: i64,
    note: &str,
    flags: &[&str],
) -> reqwest::Response {
    let mut form = vec![
        ("case_id", case.to_string()),
        ("background_version", version.to_string()),
        ("note", note.to_owned()),
    ];
    form.extend(flags.iter().map(|f| ("flags[]", (*f).to_owned())));
    app.call(who, "cases/background", &form).await
}

#[tokio::test]
async fn the_lead_bureau_writes_a_background_that_only_it_the_secretariat_and_the_reviewer_read() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let id = app
        .record_question(&cast.sec, 9, "信義區公共工程延宕")
        .await;
    app.assign(&cast.sec, id, "UDD", &["DOT"]).await;
    for who in [&cast.udd, &cast.dot] {
        app.ok(who, "cases/accept", &[("case_id", id.to_string())])
            .await;
    }
    let res = save(&app, &cast.udd, id, 0, NOTE, &["legal", "media"]).await;
    assert_eq!(res.status(), StatusCode::OK);

    for who in [&cast.udd, &cast.udd_boss, &cast.sec, &cast.rev] {
        let b = app.case(who, id).await.background.expect("may see");
        assert_eq!(b.note, NOTE);
        assert_eq!(
            b.flags,
            vec![app::background::Flag::Media, app::background::Flag::Legal]
        );
        assert_eq!(b.version, 1);
    }
    assert!(app.case(&cast.udd, id).await.background.unwrap().can_edit);
    assert!(!app.case(&cast.rev, id).await.background.unwrap().can_edit);
    // The co-bureau and the admin read the case, never the background.
    for who in [&cast.dot, &admin] {
        assert!(app.case(who, id).await.background.is_none());
        let page = app
            .page(who, &format!("/cases/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!page.contains(NOTE) && !page.contains("法律風險"));
    }
    let page = app
        .page(&cast.rev, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(NOTE) && page.contains("法律風險"));

    // Written over a version someone else changed, by a co-bureau, or by the secretariat:
    // refused, nothing changed.
    let stale = save(&app, &cast.udd_boss, id, 0, "另一版本", &[]).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert_eq!(
        save(&app, &cast.dot, id, 1, "協辦寫的", &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        save(&app, &cast.sec, id, 1, "秘書處寫的", &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let unknown = save(&app, &cast.udd, id, 1, NOTE, &["secret"]).await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        save(&app, &cast.udd, 999_999, 0, NOTE, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.case(&cast.sec, id).await.background.unwrap().note, NOTE);
    // The approver updates it; the audit log has the flags and the length, not the words.
    let res = save(&app, &cast.udd_boss, id, 1, "媒體已不再追問。", &["budget"]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let b = app.case(&cast.rev, id).await.background.unwrap();
    assert_eq!(
        (b.version, b.flags),
        (2, vec![app::background::Flag::Budget])
    );
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT data FROM audit_log WHERE action = 'background_saved' ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audit.len(), 2);
    assert!(audit
        .iter()
        .all(|d| !d.contains("記者會") && !d.contains("媒體已")));
    assert!(audit[1].contains("budget"));

    // Filtering by flag: the lead bureau finds the case; the co-bureau, which lists the case
    // otherwise, learns nothing of its flags by filtering.
    let link = format!("/cases/{id}\"");
    for (who, finds) in [(&cast.udd, true), (&cast.dot, false), (&cast.rev, true)] {
        let html = app
            .page(who, "/cases?flag=budget")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(html.contains(&link), finds);
    }
    let listed = app.page(&cast.dot, "/cases").await.text().await.unwrap();
    assert!(
        listed.contains(&link),
        "the co-bureau lists the case itself"
    );
    assert_eq!(
        app.page(&admin, "/cases?flag=budget").await.status(),
        StatusCode::FORBIDDEN
    );

    // The export of the list never carries it.
    let csv = app
        .page(&cast.sec, "/cases.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("媒體已不再追問") && !csv.contains("預算影響"));
}

#[tokio::test]
async fn the_reviewers_queue_names_the_flags_and_the_list_narrows_by_them_but_the_office_and_the_volume_see_nothing(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    // One reply waiting for the reviewer, flagged for media; one approved, flagged legal.
    let waiting = app.record_question(&cast.sec, 11, "捷運站周邊人行道").await;
    app.assign(&cast.sec, waiting, "UDD", &[]).await;
    app.ok(
        &cast.udd,
        "cases/accept",
        &[("case_id", waiting.to_string())],
    )
    .await;
    let version = app.case(&cast.udd, waiting).await.reply_version;
    app.save_reply(&cast.udd, waiting, version, "已完成人行道改善設計。")
        .await;
    for (who, step) in [
        (&cast.udd, "submit"),
        (&cast.udd_boss, "sign_off"),
        (&cast.sec, "pass_to_review"),
    ] {
        assert_eq!(
            app.step(who, waiting, step, "").await.status(),
            StatusCode::OK
        );
    }
    let res = save(&app, &cast.udd, waiting, 0, NOTE, &["media"]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let approved = crate::meetings::tracked(&app, &cast, 12, "社會住宅興建進度", "UDD").await;
    let res = save(
        &app,
        &cast.udd,
        approved,
        0,
        "涉及訴訟中之合約爭議。",
        &["legal"],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    let home = app.page(&cast.rev, "/").await.text().await.unwrap();
    assert!(home.contains("敏感標記：媒體關注"), "{home}");
    assert!(home.contains("href=\"/cases?status=in_review&amp;flag=media\""));
    let ids = |path: &'static str, who: &'static str| {
        let app = &app;
        let cast = &cast;
        async move {
            let client = match who {
                "rev" => &cast.rev,
                "udd" => &cast.udd,
                _ => &cast.dot,
            };
            let html = app.page(client, path).await.text().await.unwrap();
            (
                html.contains(&format!("/cases/{waiting}\"")),
                html.contains(&format!("/cases/{approved}\"")),
            )
        }
    };
    assert_eq!(
        ids("/cases?status=in_review&flag=media", "rev").await,
        (true, false)
    );
    assert_eq!(ids("/cases?flag=legal", "rev").await, (false, true));
    assert_eq!(ids("/cases?flag=budget", "rev").await, (false, false));
    assert_eq!(ids("/cases?flag=legal", "udd").await, (false, true));

    // The councilor's status page and the volume never carry it.
    let token = app.status_token(app.reference().await.councilors[0]).await;
    let status = app
        .page(&app.client(), &format!("/s/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        status.contains("社會住宅興建進度"),
        "the case is on the page"
    );
    assert!(!status.contains("訴訟") && !status.contains("法律風險"));
    let session = app.reference().await.session;
    for path in [
        format!("/volume?session={session}"),
        format!("/volume.odt?session={session}"),
    ] {
        let res = app.page(&cast.rev, &path).await;
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.unwrap();
        let text = if path.contains(".odt") {
            server::documents::odt::check::package(&bytes).unwrap()
        } else {
            String::from_utf8(bytes.to_vec()).unwrap()
        };
        assert!(text.contains("社會住宅興建進度"));
        assert!(
            !text.contains("訴訟") && !text.contains("法律風險"),
            "{path}"
        );
    }
}
