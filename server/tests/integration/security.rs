use crate::harness::{TestApp, PASSWORD};
use reqwest::{header, StatusCode};

#[tokio::test]
async fn a_post_with_a_forged_origin_is_refused() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header(header::ORIGIN, "http://evil.example")
        .form(&[("username", "chen.sec"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn a_post_marked_cross_site_by_the_browser_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("root.admin", "admin", None).await;
    let res = client
        .post(app.url("/api/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Still signed in: the forged logout did nothing.
    let home = app.page(&client, "/").await;
    assert_eq!(home.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_post_from_our_own_origin_passes() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header(header::ORIGIN, format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .form(&[("username", "chen.sec"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn garbage_sent_to_a_server_fn_is_a_bad_request_not_a_crash() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("%%%not=a&form")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = res.text().await.unwrap();
    assert!(body.contains("BadRequest"), "{body}");
}

#[tokio::test]
async fn a_database_failure_reaches_the_caller_without_any_sql_detail() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("chen.sec", "secretariat", None).await;
    sqlx::query("ALTER TABLE bureaus RENAME TO bureaus_gone")
        .execute(&app.state.db)
        .await
        .unwrap();

    let res = client.post(app.url("/api/bureaus")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body = res.text().await.unwrap();
    // Only the request's id goes with it, for the help desk to find the log line.
    assert_eq!(body, format!(r#"{{"Internal":"{id}"}}"#));
}

#[tokio::test]
async fn a_page_that_hits_a_database_failure_shows_a_plain_chinese_message() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("chen.sec", "secretariat", None).await;
    sqlx::query("ALTER TABLE users RENAME TO users_gone")
        .execute(&app.state.db)
        .await
        .unwrap();

    let res = app.page(&client, "/").await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body = res.text().await.unwrap();
    assert!(body.contains("系統暫時無法處理您的要求"), "{body}");
    assert!(
        body.contains(&format!("（錯誤代碼：{id}）")),
        "the help desk's reference: {body}"
    );
    for leak in ["users", "relation", "no such table", "SELECT"] {
        assert!(!body.contains(leak), "the page leaks `{leak}`");
    }
}

/// Work a request may cause is bounded: who is asking is checked before a long list is
/// read, and a list or keyword longer than any form sends is refused. (The time bound is a
/// guard against the 35 s once seen, not a speed claim.)
#[tokio::test]
async fn oversized_co_bureau_lists_and_keywords_are_refused_quickly() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let rev = app.signed_in("lo.rev", "reviewer", None).await;
    let id = app.record_question(&sec, 1, "社會住宅").await;
    let mut form = vec![
        ("case_id", id.to_string()),
        ("version", "1".to_string()),
        ("lead_bureau_id", app.bureau("UDD").await.to_string()),
    ];
    form.extend((0..75_000).map(|i| ("co_bureau_ids[]", (1_000 + i).to_string())));
    for (who, want) in [
        (&rev, StatusCode::FORBIDDEN),
        (&sec, StatusCode::BAD_REQUEST),
    ] {
        let started = std::time::Instant::now();
        let res = app.call(who, "cases/assign", &form).await;
        assert_eq!(res.status(), want);
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }
    // Nothing was assigned.
    let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status, "unassigned");

    let long = "社".repeat(60_000);
    let res = app.call(&sec, "cases/list", &[("filter[q]", long)]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // The page itself keeps what its box holds of a hand-made address.
    let res = app
        .page(&sec, &format!("/cases?q={}", "橋".repeat(51)))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains(&format!("value=\"{}\"", "橋".repeat(50))));
    // At the limit it searches as usual.
    let res = app
        .call(&sec, "cases/list", &[("filter[q]", "社".repeat(50))])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn health_and_readiness_answer_without_signing_in() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let ready = client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    // With the database gone, the process still lives but is not ready.
    app.state.db.close().await;
    let ready = client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn pages_are_compressed_when_asked_and_carry_a_request_id() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .get(app.url("/login"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "{id}");
    // A caller's own id is kept, so a proxy's id follows the request through.
    let res = app
        .client()
        .get(app.url("/healthz"))
        .header("x-request-id", "proxy-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "proxy-42");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let page = app.page(&sec, "/cases").await;
    let login = app.client().get(app.url("/login")).send().await.unwrap();
    let api = app.call(&sec, "cases/list", &[]).await;
    let missing = app.page(&sec, "/no-such-page").await;
    for (what, res) in [
        ("page", &page),
        ("login", &login),
        ("api", &api),
        ("404", &missing),
    ] {
        let h = res.headers();
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{what}");
        assert_eq!(h[header::REFERRER_POLICY], "same-origin", "{what}");
        assert_eq!(h[header::CACHE_CONTROL], "private, no-store", "{what}");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
        // Only over HTTPS.
        assert!(h.get(header::STRICT_TRANSPORT_SECURITY).is_none(), "{what}");
    }
    // A page's policy names the nonce its inline loader carries, and no other.
    let csp = page.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    let nonce = html
        .split("nonce=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an inline script with a nonce");
    assert!(csp.contains(&format!("'nonce-{nonce}'")), "{csp}");
    assert!(html.matches("<script").count() == html.matches(&format!("nonce=\"{nonce}\"")).count());

    let https = TestApp::spawn_with(true).await;
    let res = https
        .client()
        .get(https.url("/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
}

async fn audited_address(app: &crate::harness::TestApp) -> String {
    let client = app.client();
    client
        .post(app.url("/api/login"))
        .header("x-forwarded-for", "203.0.113.7")
        .form(&[("username", "nobody"), ("password", "a wrong password")])
        .send()
        .await
        .unwrap();
    sqlx::query_scalar("SELECT client_addr FROM audit_log WHERE action = 'login_failed'")
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_forwarded_address_is_believed_only_from_a_trusted_proxy() {
    let direct = crate::harness::TestApp::spawn().await;
    assert_eq!(audited_address(&direct).await, "127.0.0.1");
    let proxied = crate::harness::TestApp::spawn_behind_proxy().await;
    assert_eq!(audited_address(&proxied).await, "203.0.113.7");
}

#[tokio::test]
async fn a_body_over_two_megabytes_is_refused_unread_by_every_server_fn() {
    let app = TestApp::spawn().await;
    let big = "x".repeat(server::web::MAX_FORM_BYTES + 1);
    let res = app
        .client()
        .post(app.url("/api/login"))
        .form(&[("username", "nobody"), ("password", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("送出的資料過大"));
    // Nothing was counted against the name: the body was never read.
    let attempts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_throttle")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(attempts, 0);
}

#[tokio::test]
async fn a_body_sent_without_a_length_is_refused_past_the_limit_like_one_that_states_it() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = "POST /api/login HTTP/1.1\r\nHost: localhost\r\n\
                Content-Type: application/x-www-form-urlencoded\r\n\
                Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    let chunk = vec![b'y'; 64 * 1024];
    let mut sent = stream.write_all(head.as_bytes()).await;
    // 3 MB in chunks; the server may answer and close before all of it is sent.
    for _ in 0..48 {
        if sent.is_err() {
            break;
        }
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(&chunk);
        piece.extend_from_slice(b"\r\n");
        sent = stream.write_all(&piece).await;
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "{}",
        &answer[..answer.len().min(200)]
    );
}

#[tokio::test]
async fn failed_form_posts_without_a_session_leave_no_session_rows() {
    let app = TestApp::spawn().await;
    let rows = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions")
            .fetch_one(&app.state.db)
            .await
            .unwrap()
    };
    let before = rows().await;
    for endpoint in ["login", "cases/record-question", "cases/step", "logout"] {
        for n in 0..6 {
            // Half with a session cookie of their own making.
            let cookie = format!("{}=made-up-{n}", server::web::SESSION_COOKIE);
            let res = app
                .client()
                .post(app.url(&format!("/api/{endpoint}")))
                .header(header::ACCEPT, "text/html")
                .header(
                    header::COOKIE,
                    if n % 2 == 0 { cookie.as_str() } else { "x=1" },
                )
                .header(header::REFERER, app.url("/login"))
                .form(&[("username", "nobody"), ("password", "whatever")])
                .send()
                .await
                .unwrap();
            assert!(
                res.status().is_redirection(),
                "{endpoint}: {}",
                res.status()
            );
        }
    }
    assert_eq!(rows().await, before);
}

#[tokio::test]
async fn a_nul_in_a_keyword_or_a_form_is_dropped_not_an_error() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let res = app.page(&sec, "/cases?q=%E7%A4%BE%00%E5%AE%85").await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .call(&sec, "cases/list", &[("q", "社\u{0}宅".into())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let id = app.record_question(&sec, 7, "停車\u{0}場").await;
    assert_eq!(app.case(&sec, id).await.topic, "停車場");
}

#[tokio::test]
async fn a_clients_request_id_is_kept_only_in_a_safe_shape() {
    let app = TestApp::spawn().await;
    let id_of = |sent: &'static str| {
        let client = app.client();
        let url = app.url("/healthz");
        async move {
            let res = client
                .get(url)
                .header("x-request-id", sent)
                .send()
                .await
                .unwrap();
            res.headers()["x-request-id"].to_str().unwrap().to_owned()
        }
    };
    assert_eq!(id_of("lb-7f3a.2_x").await, "lb-7f3a.2_x");
    for forged in [
        "a b",
        "x\" level=error msg=\"forged",
        &*"a".repeat(65).leak(),
    ] {
        let got = id_of(forged).await;
        assert_ne!(got, forged);
        assert!(server::web::safe_request_id(got.as_bytes()), "{got}");
    }
}

#[tokio::test]
async fn over_https_a_post_from_plain_http_on_the_same_host_is_refused() {
    let app = TestApp::spawn_with(true).await;
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header(header::ORIGIN, format!("http://{}", app.addr))
        .form(&[("username", "x"), ("password", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn dates_outside_any_year_an_office_means_are_refused_in_words_not_a_crash() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let rev = app.signed_in("lo.rev", "reviewer", None).await;
    let mut form = app.question_form(9, "期限很遠").await;
    form.push(("form[due_on]", "+262142-12-31".into()));
    form.push(("form[due_reason]", "測試".into()));
    let res = app.call(&sec, "cases/record-question", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut form = app.question_form(9, "質詢日很遠").await;
    form.retain(|(k, _)| *k != "form[sitting_date]");
    form.push(("form[sitting_date]", "262142-01-01".into()));
    let res = app.call(&sec, "cases/record-question", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for path in [
        "/reports?from=262142-01-01&to=262142-12-31",
        "/reports/tables.csv?from=1-01-01&to=+262142-12-31",
    ] {
        let res = app.page(&rev, path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn refused_downloads_are_audited_for_files_that_exist_and_only_logged_for_made_up_ids() {
    let app = TestApp::spawn().await;
    let liaison = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    for id in 1_000..1_050 {
        let res = liaison
            .get(app.url(&format!("/files/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = app
            .call(&liaison, "cases/detail", &[("id", id.to_string())])
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let refusals: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'access_refused'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(refusals, 0, "no audit row for ids that exist nowhere");
}
