//! Status links: what a councilor office sees by its private link, and nothing more.

use crate::{harness::TestApp, meetings::Cast};
use app::links::Scope;
use reqwest::{multipart, StatusCode};

/// A link made as the secretariat makes it (the token is returned this once).
pub async fn link(app: &TestApp, councilor: i64, case: Option<i64>, expires: &str) -> String {
    let by = app.current_user("chen.sec").await.id;
    let mut tx = app::db::begin(&app.state.db).await.unwrap();
    let (_, token) = app::links::db::create(
        &mut tx,
        Scope {
            councilor_id: councilor,
            case_id: case,
        },
        app::dates::parse_date(expires).unwrap(),
        by,
        0,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    token
}

async fn open(app: &TestApp, path: &str) -> reqwest::Response {
    app.client().get(app.url(path)).send().await.unwrap()
}

/// A data request of `councilor`, delivered by 交通局 with one file.
pub async fn delivered(app: &TestApp, cast: &Cast, councilor: i64, file: &str) -> (i64, i64) {
    let r = app.reference().await;
    let id: i64 = app
        .ok(
            &cast.sec,
            "cases/record-data-request",
            &[
                ("form[session_id]", r.session.to_string()),
                ("form[councilor_id]", councilor.to_string()),
                ("form[topic]", format!("{file} 的資料")),
                ("form[body]", "請提供資料。".into()),
                ("form[received_at]", "113/03/15 09:00".into()),
                ("form[priority]", "ordinary".into()),
            ],
        )
        .await
        .parse()
        .unwrap();
    app.assign(&cast.sec, id, "DOT", &[]).await;
    app.ok(&cast.dot, "cases/accept", &[("case_id", id.to_string())])
        .await;
    let form = multipart::Form::new().text("note", "第一批").part(
        "files",
        multipart::Part::bytes(format!("{file} 內容").into_bytes())
            .file_name(file.to_owned())
            .mime_str("text/csv")
            .unwrap(),
    );
    let res = cast
        .dot
        .post(app.url(&format!("/cases/{id}/deliveries")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let file_id: i64 = sqlx::query_scalar(
        "SELECT f.id FROM attachments f JOIN deliveries d ON d.id = f.delivery_id \
         WHERE d.case_id = $1",
    )
    .bind(id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    (id, file_id)
}

#[tokio::test]
async fn an_office_reads_its_cases_in_plain_words_and_nothing_internal() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let r = app.reference().await;
    let (a, b) = (r.councilors[0], r.councilors[2]);
    // Answered: its approved reply shows.
    crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    // In progress: a co-bureau's sub-answer, a draft reply and an officer's comment on a
    // step; and a case whose lead bureau refused it with its reason. None of it may show.
    let open_case = app.record_question(&cast.sec, 6, "捷運站無障礙電梯").await;
    app.assign(&cast.sec, open_case, "DOT", &["UDD"]).await;
    app.ok(
        &cast.udd,
        "cases/accept",
        &[("case_id", open_case.to_string())],
    )
    .await;
    app.ok(
        &cast.udd,
        "cases/sub-answer",
        &[
            ("case_id", open_case.to_string()),
            ("body", "協辦意見：內部研議中的數字".into()),
        ],
    )
    .await;
    app.ok(
        &cast.dot,
        "cases/accept",
        &[("case_id", open_case.to_string())],
    )
    .await;
    let version = app.case(&cast.dot, open_case).await.reply_version;
    let res = app
        .save_reply(&cast.dot, open_case, version, "草稿：尚未定案的答復")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .step(&cast.dot, open_case, "submit", "內部簽註：請科長留意預算")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let refused = app.record_question(&cast.sec, 7, "公園綠地認養").await;
    app.assign(&cast.sec, refused, "UDD", &[]).await;
    app.ok(
        &cast.udd,
        "cases/reject",
        &[
            ("case_id", refused.to_string()),
            ("reason", "非本局業務：內部退件理由".into()),
        ],
    )
    .await;
    let (_, file_b) = delivered(&app, &cast, b, "councilor-b.csv").await;
    let (_, file_a) = delivered(&app, &cast, a, "councilor-a.csv").await;

    let token = link(&app, a, None, "115/12/24").await;
    let res = open(&app, &format!("/s/{token}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    for (name, value) in [
        ("referrer-policy", "no-referrer"),
        ("x-robots-tag", "noindex, nofollow"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(res.headers()[name], value, "{name}");
    }
    let page = res.text().await.unwrap();
    assert!(!page.contains("<script"), "no script at all");
    assert!(page.contains("信義計畫區停車") && page.contains("已答復"));
    assert!(
        page.contains("已研議改善方案，持續辦理。"),
        "the approved reply"
    );
    assert!(page.contains("捷運站無障礙電梯") && page.contains("處理中"));
    assert!(page.contains("交通局"), "the lead bureau");
    assert!(page.contains("公園綠地認養") && page.contains("已收件"));
    for hidden in [
        "草稿：尚未定案的答復",
        "協辦意見：內部研議中的數字",
        "內部簽註",
        "內部退件理由",
        "chen.sec",
        "ho.udd",
        "chiang.dot",
    ] {
        assert!(!page.contains(hidden), "{hidden} must not show");
    }
    assert!(page.contains("councilor-a.csv") && !page.contains("councilor-b.csv"));

    // Its own file downloads through the link; another councilor's does not, whatever id.
    let res = open(&app, &format!("/s/{token}/files/{file_a}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "councilor-a.csv 內容");
    let res = open(&app, &format!("/s/{token}/files/{file_b}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_link_to_one_case_opens_that_case_only() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let r = app.reference().await;
    let one = app.record_question(&cast.sec, 7, "河濱公園照明").await;
    app.record_question(&cast.sec, 8, "國小校舍耐震").await;
    let (_, file) = delivered(&app, &cast, r.councilors[0], "other.csv").await;
    let token = link(&app, r.councilors[0], Some(one), "115/12/24").await;
    let page = open(&app, &format!("/s/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("河濱公園照明") && page.contains("已收件"));
    assert!(!page.contains("國小校舍耐震") && !page.contains("other.csv"));
    let res = open(&app, &format!("/s/{token}/files/{file}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A case that is not the councilor's cannot be linked to them.
    let by = app.current_user("chen.sec").await.id;
    let mut tx = app::db::begin(&app.state.db).await.unwrap();
    let refused = app::links::db::create(
        &mut tx,
        Scope {
            councilor_id: r.councilors[3],
            case_id: Some(one),
        },
        chrono::NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
        by,
        0,
    )
    .await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn unknown_expired_revoked_and_malformed_tokens_all_get_the_same_plain_404() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let r = app.reference().await;
    app.record_question(&cast.sec, 9, "公車專用道").await;
    // The test clock stands on 2024-03-15.
    let live = link(&app, r.councilors[0], None, "113/03/15").await;
    let expired = link(&app, r.councilors[0], None, "113/03/14").await;
    let revoked = link(&app, r.councilors[0], None, "115/12/24").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM status_links WHERE token_sha256 = $1")
        .bind(app::links::db::digest(&revoked))
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let mut tx = app::db::begin(&app.state.db).await.unwrap();
    app::links::db::revoke(&mut tx, id, app.current_user("chen.sec").await.id, 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(
        open(&app, &format!("/s/{live}")).await.status(),
        StatusCode::OK
    );
    let mut bodies = Vec::new();
    for token in [
        expired,
        revoked,
        "A".repeat(43),
        "short".into(),
        format!("{}%2F", "a".repeat(41)),
    ] {
        let res = open(&app, &format!("/s/{token}")).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{token}");
        assert_eq!(res.headers()["referrer-policy"], "no-referrer");
        bodies.push(res.text().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "one page for all");
    assert!(bodies[0].contains("這個連結無效或已停用"));
    // Only a digest is stored.
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM status_links WHERE token_sha256 = $1")
            .bind(&live)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn token_lookups_are_limited_per_client_address() {
    let app = TestApp::spawn().await;
    Cast::new(&app).await;
    let client = app.client();
    let mut last = StatusCode::OK;
    for _ in 0..=server::features::links::LOOKUPS_PER_MINUTE {
        last = client
            .get(app.url(&format!("/s/{}", "b".repeat(43))))
            .send()
            .await
            .unwrap()
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // Out of misses, the address gets nothing for a while, a right guess included.
    let r = app.reference().await;
    let token = link(&app, r.councilors[0], None, "115/12/24").await;
    let res = client
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let robots = open(&app, "/robots.txt").await.text().await.unwrap();
    assert!(robots.contains("Disallow: /s/"));
}

#[tokio::test]
async fn offices_behind_one_address_each_have_their_own_budget_of_lookups() {
    let app = TestApp::spawn().await;
    Cast::new(&app).await;
    let r = app.reference().await;
    let (first, second) = (
        link(&app, r.councilors[0], None, "115/12/24").await,
        link(&app, r.councilors[1], None, "115/12/24").await,
    );
    let client = app.client();
    let status = |token: &str| {
        let url = app.url(&format!("/s/{token}"));
        let client = client.clone();
        async move { client.get(url).send().await.unwrap().status() }
    };
    for _ in 0..server::features::links::LOOKUPS_PER_MINUTE {
        assert_eq!(status(&first).await, StatusCode::OK);
    }
    assert_eq!(
        status(&first).await,
        StatusCode::TOO_MANY_REQUESTS,
        "one link read in a loop"
    );
    assert_eq!(
        status(&second).await,
        StatusCode::OK,
        "another office, same address"
    );
}

#[tokio::test]
async fn the_command_line_creates_a_link_and_prints_its_address_once() {
    let url = crate::harness::fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    Cast::new(&app).await;
    let r = app.reference().await;
    let run = crate::cli::run(
        &url,
        &[
            "link",
            "create",
            "--councilor",
            &r.councilors[0].to_string(),
            "--by",
            "chen.sec",
        ],
        "",
    );
    assert!(run.status.success(), "{}", crate::cli::text(&run.stderr));
    let printed = crate::cli::text(&run.stdout);
    let token = printed.trim().rsplit("/s/").next().unwrap().to_owned();
    assert!(app::links::well_formed(&token), "{printed}");
    let res = open(&app, &format!("/s/{token}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let audit: String =
        sqlx::query_scalar("SELECT data FROM audit_log WHERE action = 'status_link_created'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(!audit.contains(&token), "the token is in no trail");
}

/// The address on the `/links` page shown after a link was made, if any.
fn shown_url(page: &str) -> Option<String> {
    let start = page.find("https://fuhuitong.example.gov.tw/s/")?;
    let token: String = page[start + "https://fuhuitong.example.gov.tw/s/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Some(format!("/s/{token}"))
}

/// The server fn behind the `/links` page's form.
const ISSUE: &str = "/api/links/issue";

#[tokio::test]
async fn the_secretariat_issues_revokes_and_reissues_links_and_sees_each_address_once() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let r = app.reference().await;
    app.record_question(&cast.sec, 11, "社宅公共空間").await;
    let post = |who: &reqwest::Client, path: &str, form: Vec<(&'static str, String)>| {
        // As a browser posts the page's form: asking for HTML, from the page.
        who.post(app.url(path))
            .header(reqwest::header::ACCEPT, "text/html")
            .header(reqwest::header::REFERER, app.url("/links"))
            .form(&form)
            .send()
    };

    for who in [&cast.rev, &cast.udd] {
        let res = who
            .post(app.url(ISSUE))
            .form(&[("councilor", r.councilors[0].to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM status_links")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(made, 0, "only the secretariat issues links");
    let res = post(
        &cast.sec,
        ISSUE,
        vec![("councilor", r.councilors[0].to_string())],
    )
    .await
    .unwrap();
    assert_eq!(crate::harness::location(&res).as_deref(), Some("/links"));
    let page = app.page(&cast.sec, "/links").await.text().await.unwrap();
    assert!(page.contains("新連結（僅顯示這一次）") && page.contains("<svg"));
    let first = shown_url(&page).expect("the address, once");
    // Shown, it is nowhere in the sessions table (nor in a backup of it).
    let token = first.rsplit('/').next().unwrap().to_owned();
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE data LIKE $1")
        .bind(format!("%{token}%"))
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(held, 0);
    assert!(page.contains("全部案件") && page.contains("有效"));
    let again = app.page(&cast.sec, "/links").await.text().await.unwrap();
    assert!(shown_url(&again).is_none(), "never shown twice");
    assert!(again.contains("尚未使用"));
    assert_eq!(open(&app, &first).await.status(), StatusCode::OK);
    let again = app.page(&cast.sec, "/links").await.text().await.unwrap();
    assert!(!again.contains("尚未使用"), "its last use is shown");

    // Reissued: the old address stops, a new one works.
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM status_links")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    post(
        &cast.sec,
        "/api/links/reissue",
        vec![("id", id.to_string())],
    )
    .await
    .unwrap();
    let page = app.page(&cast.sec, "/links").await.text().await.unwrap();
    let second = shown_url(&page).expect("the new address");
    assert_ne!(first, second);
    assert_eq!(open(&app, &first).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(open(&app, &second).await.status(), StatusCode::OK);

    // Revoked: it stops at once.
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM status_links")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    post(&cast.sec, "/api/links/revoke", vec![("id", id.to_string())])
        .await
        .unwrap();
    assert_eq!(open(&app, &second).await.status(), StatusCode::NOT_FOUND);
    let page = app.page(&cast.sec, "/links").await.text().await.unwrap();
    assert!(page.contains("已撤銷"));

    // A bad date comes back to the page in words.
    post(
        &cast.sec,
        ISSUE,
        vec![
            ("councilor", r.councilors[0].to_string()),
            ("expires", "明年".into()),
        ],
    )
    .await
    .unwrap();
    let page = app.page(&cast.sec, "/links").await.text().await.unwrap();
    assert!(page.contains("請輸入到期日"));

    // The trail names links by id, never by token.
    let trail: Vec<String> = sqlx::query_scalar(
        "SELECT data FROM audit_log WHERE action IN ('status_link_created', 'status_link_revoked')",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(trail.len(), 4, "two made, two revoked");
    for token in [&first[3..], &second[3..]] {
        assert!(trail.iter().all(|t| !t.contains(token)));
    }
}

#[tokio::test]
async fn an_office_says_a_reply_does_not_answer_and_the_case_goes_back_to_the_lead_bureau() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let r = app.reference().await;
    let answered = crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    let waiting = app.record_question(&cast.sec, 6, "尚未答復的質詢").await;
    let token = link(&app, r.councilors[0], None, "115/12/24").await;
    let say = |case: i64, comment: &str| {
        app.client()
            .post(app.url(&format!("/s/{token}/cases/{case}/not-answered")))
            .form(&[("comment", comment.to_owned())])
            .send()
    };

    // Only an answered case, and only with a reason.
    let page = open(&app, &format!("/s/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(page.matches("送出答非所問").count(), 1, "one answered case");
    let res = say(waiting, "還沒答復").await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = say(answered, "  ").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("請說明答復未回答的部分"));

    let res = say(answered, "沒有說明停車格增設的期程。").await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Once per answer: the case is with the bureau now, and saying it again changes nothing.
    let version = app.case(&cast.udd, answered).await.version;
    for _ in 0..3 {
        let res = say(answered, "再說一次").await.unwrap();
        assert_eq!(res.status(), StatusCode::CONFLICT);
    }
    assert_eq!(app.case(&cast.udd, answered).await.version, version);
    let back = crate::harness::location(&res).unwrap();
    let page = open(&app, &back).await.text().await.unwrap();
    assert!(page.contains("已收到您的意見，已請主辦機關重新答復。"));
    assert!(page.contains("處理中"), "back in progress");
    assert!(
        !page.contains("已研議改善方案，持續辦理。"),
        "no longer an approved reply"
    );

    // The lead bureau has it back with the office's words, by the office's hand.
    let case = app.case(&cast.udd, answered).await;
    assert_eq!(case.status, app::cases::CaseStatus::Returned);
    let last = &case.timeline[0];
    assert_eq!(last.action, "not_an_answer");
    assert_eq!(last.actor_kind, app::cases::events::ActorKind::Link);
    let told: Vec<String> = sqlx::query_scalar(
        "SELECT u.username FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.kind = 'not_an_answer' ORDER BY u.username",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(told, vec!["chen.sec", "ho.udd", "wang.udd"]);

    // Data delivered while the bureau still works is not yet an answer to call no answer.
    let (request, _) = delivered(&app, &cast, r.councilors[0], "附表.csv").await;
    let page = open(&app, &format!("/s/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("附表.csv"), "the data is there to read");
    assert_eq!(
        page.matches("送出答非所問").count(),
        0,
        "nothing awaits the office"
    );
    let status = app.case(&cast.dot, request).await.status;
    let res = say(request, "資料不完整").await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.case(&cast.dot, request).await.status,
        status,
        "still at work"
    );

    // Counted for the lead bureau on the dashboard.
    let view: app::reports::server_fns::ReportView = app
        .call(&cast.rev, "reports", &[])
        .await
        .json()
        .await
        .unwrap();
    let udd = view
        .report
        .bureaus
        .iter()
        .find(|b| b.bureau == "都市發展局")
        .unwrap();
    assert_eq!(udd.not_answers, 1);
}

#[tokio::test]
async fn a_one_case_link_is_picked_from_the_chosen_councilors_cases_and_a_refused_form_keeps_the_choice(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let r = app.reference().await;
    let case = app.record_question(&cast.sec, 27, "社宅公共空間").await;
    let (theirs, other) = (r.councilors[1], r.councilors[2]);

    // The councilor comes first; the form then lists that councilor's cases by number.
    let page = app.page(&cast.sec, "/links").await.text().await.unwrap();
    assert!(page.contains(r#"aria-label="選擇議員""#));
    assert!(
        !page.contains(r#"aria-label="建立狀態連結""#),
        "not before a councilor is chosen"
    );
    let chosen = format!("/links?councilor={theirs}");
    let page = app.page(&cast.sec, &chosen).await.text().await.unwrap();
    assert!(
        page.contains(&format!(
            r#"<option value="{case}">質詢 第 27 號　社宅公共空間</option>"#
        )),
        "{page}"
    );
    let page = app
        .page(&cast.sec, &format!("/links?councilor={other}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"aria-label="建立狀態連結""#));
    assert!(
        !page.contains("社宅公共空間"),
        "another councilor's cases are not offered"
    );

    // Refused (a day already past), the form comes back with the councilor, the case
    // and the typed day, so pressing 建立連結 again cannot make a link for someone else.
    let res = cast
        .sec
        .post(app.url(ISSUE))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::REFERER, app.url(&chosen))
        .form(&[
            ("councilor", theirs.to_string()),
            ("case", case.to_string()),
            ("expires", "100/01/01".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    let back = crate::harness::location(&res).unwrap();
    assert!(back.ends_with(&chosen), "{back}");
    let page = app.page(&cast.sec, &chosen).await.text().await.unwrap();
    assert!(page.contains("到期日不能早於今天。"), "{page}");
    assert!(
        page.contains(&format!(r#"<option value="{case}" selected>"#)),
        "the case stays chosen"
    );
    assert!(page.contains(&format!(
        r#"<input type="hidden" name="councilor" value="{theirs}""#
    )));
    assert!(page.contains(r#"value="100/01/01""#), "the typed day stays");
    let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM status_links")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(made, 0);
}

#[tokio::test]
async fn the_status_page_puts_pending_cases_first_dates_each_reply_and_says_overdue_only_if_the_office_wants(
) {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let answered = crate::meetings::tracked(&app, &cast, 4, "社宅公共空間", "UDD").await;
    let open = app.record_question(&cast.sec, 9, "公車路線調整").await;
    app.assign(&cast.sec, open, "DOT", &[]).await;
    // Ten days on, the open question is past its due date (113/03/22).
    cast.days_later(&app, 10).await;
    let councilor = app.reference().await.councilors[0];
    let token = link(&app, councilor, None, "113/12/31").await;
    let path = format!("/s/{token}");

    let page = open_page(&app, &path).await;
    let (pending, done) = (
        page.find("公車路線調整").unwrap(),
        page.find("社宅公共空間").unwrap(),
    );
    assert!(pending < done, "what is pending comes first");
    assert!(page.contains(r#"<span class="status-word status-overdue">逾期</span>"#));
    assert!(
        page.contains("<dt>答復日期</dt><dd>113/03/15</dd>"),
        "{page}"
    );
    assert!(page.contains("<dt>預定答復日期</dt><dd>113/03/22</dd>"));
    assert_eq!(
        app.case(&cast.sec, answered).await.status,
        app::cases::CaseStatus::Tracking
    );

    // The liaison office chooses not to say 逾期: the late case reads as in progress.
    let res = cast
        .sec
        .post(app.url("/api/links/overdue-setting/save"))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::REFERER, app.url("/links"))
        .form(&[("other", "")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let page = open_page(&app, &path).await;
    assert!(!page.contains("逾期"), "{page}");
    // Assigned but not yet accepted by 交通局: received.
    assert!(page.contains(r#"<span class="status-word status-received">已收件</span>"#));
    let links = app.page(&cast.sec, "/links").await.text().await.unwrap();
    assert!(
        links.contains(r#"<input type="checkbox" name="shown">"#),
        "unticked"
    );
    // Only the secretariat decides it.
    let res = cast
        .udd
        .post(app.url("/api/links/overdue-setting/save"))
        .form(&[("shown", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!open_page(&app, &path).await.contains("逾期"));
}

async fn open_page(app: &TestApp, path: &str) -> String {
    open(app, path).await.text().await.unwrap()
}
