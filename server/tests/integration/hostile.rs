//! Hostile text in everything a user can type or import, read back by every role on every
//! page and in every file: no markup it carries may become markup where it lands. Pages are
//! parsed as a browser parses them (html5ever), files by what reads them (XML, a
//! spreadsheet reader, a PDF text extractor, a CSV reader).

use crate::{harness::TestApp, meetings::Cast};
use reqwest::{header, multipart, Client, StatusCode};
use scraper::{Html, Selector};

/// Breakouts of `<title>` and `<textarea>`, scripts, event handlers, `javascript:` links,
/// SVG, attribute breakouts, bidi overrides, NUL, CR/LF, spreadsheet formulas; and one of
/// 10,000 characters for the long texts.
fn payloads() -> Vec<String> {
    vec![
        r#"議題</title><meta http-equiv="refresh" content="0;url=https://evil.example/t"><title>"#.into(),
        r#"</textarea><meta http-equiv="refresh" content="0;url=https://evil.example/a"><textarea>"#.into(),
        "<script>window.pwned=1</script>".into(),
        r#"<img src=x onerror="alert(1)">"#.into(),
        r#"<a href="javascript:alert(1)">點我</a>"#.into(),
        "<svg onload=alert(1)><circle r=1 /></svg>".into(),
        r#""'><x-pwn data-pwn=1>"#.into(),
        "\u{202E}fdp.exe 反轉\u{202C}".into(),
        "前\u{0}後".into(),
        "一行\r\n<x-pwn>二行".into(),
        r#"=HYPERLINK("https://evil.example","點此")"#.into(),
        "-2+3+cmd|' /C calc'!A0".into(),
        format!("{}<x-pwn data-pwn>", "長".repeat(9_990)),
    ]
}

/// A topic-sized piece of a payload (topics hold 200 characters).
fn short(p: &str) -> String {
    p.chars().take(150).collect()
}

/// What markup from a payload would look like once parsed: every one is checked.
fn planted_markup(path: &str, html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = |s: &str| Selector::parse(s).unwrap();
    let mut found = Vec::new();
    // (A chart's SVG has titles of its own.)
    let titles = doc.select(&sel("title")).count() - doc.select(&sel("svg title")).count();
    if titles > 1 {
        found.push(format!("{path}: {titles} <title> elements"));
    }
    for meta in doc.select(&sel("meta[http-equiv]")) {
        let content = meta.value().attr("content").unwrap_or_default();
        // The volume job page reloads itself: a number of seconds, nothing more.
        if !content.chars().all(|c| c.is_ascii_digit()) {
            found.push(format!("{path}: meta http-equiv {content:?}"));
        }
    }
    for el in doc.select(&sel("*")) {
        let name = el.value().name();
        if name == "x-pwn" || name == "img" {
            found.push(format!("{path}: a planted <{name}>"));
        }
        for (attr, value) in el.value().attrs() {
            if attr.starts_with("on") || attr == "data-pwn" {
                found.push(format!("{path}: <{name} {attr}>"));
            }
            if matches!(attr, "href" | "src" | "action" | "formaction")
                && value.trim().to_lowercase().starts_with("javascript:")
            {
                found.push(format!("{path}: <{name} {attr}={value:?}>"));
            }
        }
        if name == "script" && el.text().any(|t| t.contains("pwned")) {
            found.push(format!("{path}: a planted script"));
        }
        if name == "circle" {
            found.push(format!("{path}: a planted <svg>"));
        }
    }
    found
}

fn csv_formulas(path: &str, bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut found = Vec::new();
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                found.push(format!("{path}: a formula cell {:?}", short(cell)));
            }
        }
    }
    found
}

/// Every XML part of a zip (ODT, XLSX) parses, and holds no element a payload named.
fn zip_xml(path: &str, bytes: &[u8]) -> (Vec<String>, String) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect(path);
    let mut found = Vec::new();
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        if !part.name().ends_with(".xml") {
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml).unwrap();
        match roxmltree::Document::parse(&xml) {
            Ok(doc) => {
                const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
                for node in doc.descendants() {
                    let (name, ns) = (node.tag_name().name(), node.tag_name().namespace());
                    let planted = matches!(name, "x-pwn" | "script" | "img" | "circle" | "svg")
                        || (name == "meta" && ns != Some(OFFICE))
                        || node
                            .attributes()
                            .any(|a| a.name() == "data-pwn" || a.name().starts_with("on"));
                    if node.is_element() && planted {
                        found.push(format!("{path} {}: <{name}>", part.name()));
                    }
                    if let Some(t) = node.text() {
                        text.push_str(t);
                    }
                }
            }
            Err(e) => found.push(format!("{path} {}: not XML: {e}", part.name())),
        }
    }
    (found, text)
}

#[tokio::test]
async fn hostile_text_typed_or_imported_anywhere_never_becomes_markup_in_a_page_or_a_file() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let r = app.reference().await;
    let payloads = payloads();
    let mut fields_written = 0usize;
    let mut cases = Vec::new();

    // Names the admin types: a councilor's, a bureau's, an officer's (set here directly;
    // their forms have their own tests).
    for (sql, name) in [
        (
            "UPDATE councilors SET name = $1 WHERE id = $2",
            r#""'><x-pwn data-pwn=1>"#,
        ),
        (
            "UPDATE bureaus SET name = $1, short_name = $1 WHERE id = $2",
            "<svg onload=alert(1)><circle r=1 />",
        ),
        (
            "UPDATE users SET display_name = $1 WHERE id = $2",
            "<script>window.pwned=1</script>",
        ),
    ] {
        let id = if sql.contains("councilors") {
            r.councilors[0]
        } else if sql.contains("bureaus") {
            app.bureau("DOT").await
        } else {
            app.current_user("ho.udd").await.id
        };
        sqlx::query(sql)
            .bind(name)
            .bind(id)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    fields_written += 3;

    // A failed login plants its username in the audit log.
    for p in &payloads {
        app.login(&app.client(), &short(p), "wrong password").await;
    }
    fields_written += 1;

    for (i, p) in payloads.iter().enumerate() {
        let number = 100 + i as i64;
        // Recorded: topic and question text.
        let mut form = app.question_form(number, &short(p)).await;
        form.retain(|(k, _)| *k != "form[body]");
        form.push(("form[body]", p.clone()));
        let res = app.call(&cast.sec, "cases/record-question", &form).await;
        assert_eq!(res.status(), StatusCode::OK, "record {i}");
        let id: i64 = res.text().await.unwrap().parse().unwrap();
        cases.push(id);
        app.assign(&cast.sec, id, "UDD", &["DOT"]).await;
        // The co-bureau's sub-answer, the lead's reply and comments on the steps.
        app.ok(&cast.dot, "cases/accept", &[("case_id", id.to_string())])
            .await;
        app.ok(
            &cast.dot,
            "cases/sub-answer",
            &[("case_id", id.to_string()), ("body", p.clone())],
        )
        .await;
        app.ok(&cast.udd, "cases/accept", &[("case_id", id.to_string())])
            .await;
        let version = app.case(&cast.udd, id).await.reply_version;
        assert_eq!(
            app.save_reply(&cast.udd, id, version, p).await.status(),
            StatusCode::OK
        );
        if i % 2 == 0 {
            // Half go all the way to an approved reply (the volume, the status page).
            for (who, step) in [
                (&cast.udd, "submit"),
                (&cast.udd_boss, "sign_off"),
                (&cast.sec, "pass_to_review"),
                (&cast.rev, "approve"),
            ] {
                let res = app.step(who, id, step, &short(p)).await;
                assert_eq!(res.status(), StatusCode::OK, "{step} {i}");
            }
        }
    }
    fields_written += 6;

    // Promises made in session on the approved questions: who promised and what, into the
    // question's page, the request's topic and text, and the volume.
    let udd = app.bureau("UDD").await;
    for i in (0..payloads.len()).step_by(2) {
        let p = &payloads[i];
        let request: i64 = app
            .ok(
                &cast.sec,
                "promises/record",
                &[
                    ("case_id", cases[i].to_string()),
                    ("form[promised_by]", p.chars().take(40).collect()),
                    ("form[what]", p.chars().take(1_000).collect()),
                    ("form[bureau_id]", udd.to_string()),
                ],
            )
            .await
            .parse()
            .unwrap();
        cases.push(request);
    }
    fields_written += 2;

    // The lead bureau's internal background, on the page and in its textarea.
    for (i, p) in payloads.iter().enumerate() {
        app.ok(
            &cast.udd,
            "cases/background",
            &[
                ("case_id", cases[i].to_string()),
                ("background_version", "0".into()),
                ("note", p.chars().take(2_000).collect()),
                ("flags[]", "media".into()),
            ],
        )
        .await;
    }
    fields_written += 1;

    // Interim replies on the questions still being answered: what is known, why, who agreed.
    for i in (1..payloads.len()).step_by(2) {
        let p = &payloads[i];
        app.ok(
            &cast.udd,
            "cases/interim",
            &[
                ("case_id", cases[i].to_string()),
                ("form[known]", p.chars().take(2_000).collect()),
                ("form[why]", p.chars().take(500).collect()),
                ("form[new_due_on]", "113/12/31".into()),
                ("form[agreement]", "later".into()),
                ("form[agreed_with]", p.chars().take(40).collect()),
            ],
        )
        .await;
    }
    fields_written += 3;

    // The letters of the approved questions: the council's number and the city's.
    for i in (0..payloads.len()).step_by(2) {
        let number: String = payloads[i].chars().take(40).collect();
        for (who, which) in [(&cast.sec, "incoming"), (&cast.udd, "outgoing")] {
            app.ok(
                who,
                "letters/record",
                &[
                    ("case_id", cases[i].to_string()),
                    ("which", which.into()),
                    ("form[number]", number.clone()),
                ],
            )
            .await;
        }
    }
    fields_written += 2;

    // Corrections of the approved answers, approved: what it should say and why, into the
    // case page, the status page and the volume's corrections section.
    for i in (0..payloads.len()).step_by(2) {
        let p = &payloads[i];
        app.ok(
            &cast.udd,
            "corrections/submit",
            &[
                ("case_id", cases[i].to_string()),
                ("form[body]", format!("勘誤：{p}")),
                ("form[why]", p.chars().take(500).collect()),
            ],
        )
        .await;
        let correction = app.case(&cast.rev, cases[i]).await.corrections[0].id;
        app.ok(
            &cast.rev,
            "corrections/review",
            &[
                ("case_id", cases[i].to_string()),
                ("correction_id", correction.to_string()),
                ("decision", "approve".into()),
            ],
        )
        .await;
    }
    fields_written += 2;

    // A rejection's reason.
    let rejected = app.record_question(&cast.sec, 300, "退回分派的案件").await;
    app.assign(&cast.sec, rejected, "DOT", &[]).await;
    app.ok(
        &cast.dot,
        "cases/reject",
        &[
            ("case_id", rejected.to_string()),
            ("reason", payloads[0].clone()),
        ],
    )
    .await;
    fields_written += 1;

    // A data request delivered with files named by the payloads.
    let request: i64 = app
        .ok(
            &cast.sec,
            "cases/record-data-request",
            &[
                ("form[session_id]", r.session.to_string()),
                ("form[councilor_id]", r.councilors[0].to_string()),
                ("form[topic]", short(&payloads[2])),
                ("form[body]", payloads[3].clone()),
                ("form[received_at]", "113/03/15 09:00".into()),
                ("form[priority]", "ordinary".into()),
            ],
        )
        .await
        .parse()
        .unwrap();
    app.assign(&cast.sec, request, "DOT", &[]).await;
    app.ok(
        &cast.dot,
        "cases/accept",
        &[("case_id", request.to_string())],
    )
    .await;
    let mut upload = multipart::Form::new().text("note", payloads[4].clone());
    for p in payloads.iter().take(8) {
        upload = upload.part(
            "files",
            multipart::Part::bytes(b"a,b\n".to_vec())
                .file_name(format!("{}.csv", short(p)))
                .mime_str("text/csv")
                .unwrap(),
        );
    }
    let res = cast
        .dot
        .post(app.url(&format!("/cases/{request}/deliveries")))
        .multipart(upload)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "delivery {}", res.status());
    cases.push(request);
    fields_written += 3;

    // 答非所問 through a status link, on an approved case.
    let by = app.current_user("chen.sec").await.id;
    let mut tx = app::db::begin(&app.state.db).await.unwrap();
    let (_, token) = app::links::db::create(
        &mut tx,
        app::links::Scope {
            councilor_id: r.councilors[0],
            case_id: None,
        },
        app::dates::parse_date("115/12/24").unwrap(),
        by,
        0,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let res = app
        .client()
        .post(app.url(&format!("/s/{token}/cases/{}/not-answered", cases[2])))
        .form(&[("comment", short(&payloads[1]))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    fields_written += 1;

    // An office files a service case through its link with the payloads in every field the
    // form has; taken in, it gets a site inspection with hostile place, attendees and outcome.
    let cut = |p: &str, n: usize| p.chars().take(n).collect::<String>();
    let filing = multipart::Form::new()
        .text("category_id", "1")
        .text("topic", short(&payloads[0]))
        .text("body", payloads[1].clone())
        .text("district", cut(&payloads[2], 20))
        .text("address", short(&payloads[3]))
        .text("contact", cut(&payloads[4], 100))
        .text("constituent_name", cut(&payloads[6], 50))
        .part(
            "files",
            multipart::Part::bytes(b"x".to_vec())
                .file_name(short(&payloads[7]))
                .mime_str("text/plain")
                .unwrap(),
        );
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url(&format!("/s/{token}/new/service")))
        .multipart(filing)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "filing");
    let filed: i64 = crate::harness::location(&res)
        .unwrap()
        .split("filed=")
        .nth(1)
        .and_then(|s| s.split('#').next())
        .unwrap()
        .parse()
        .unwrap();
    app.ok(
        &cast.sec,
        "filings/take-in",
        &[("case_id", filed.to_string())],
    )
    .await;
    app.assign(&cast.sec, filed, "UDD", &["DOT"]).await;
    let visit: i64 = app
        .ok(
            &cast.udd,
            "service/visit",
            &[
                ("case_id", filed.to_string()),
                ("kind", "coordination".into()),
                ("held_on", "113/03/22".into()),
                ("place", short(&payloads[5])),
                ("bureau[]", app.bureau("DOT").await.to_string()),
                ("attendees[]", cut(&payloads[9], 200)),
            ],
        )
        .await
        .parse()
        .unwrap();
    app.ok(
        &cast.udd,
        "service/visit-outcome",
        &[
            ("visit_id", visit.to_string()),
            ("outcome", cut(&payloads[12], 2_000)),
        ],
    )
    .await;
    // A refused office form shows what was typed back.
    let refused = app
        .client()
        .post(app.url(&format!("/s/{token}/new/data-request")))
        .multipart(
            multipart::Form::new()
                .text("topic", short(&payloads[0]))
                .text("body", payloads[1].clone()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    let mut office_found = planted_markup("refused office form", &html);
    fields_written += 10;

    // A council list with the payloads in its rows.
    let mut list =
        String::from("\u{feff}質詢編號,質詢議員,質詢類別,質詢日期,質詢議題,質詢內容\r\n");
    for (i, p) in payloads.iter().enumerate() {
        let cell = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        list.push_str(&format!(
            "{},{},{},{},{},{}\r\n",
            500 + i,
            cell(p),
            cell(p),
            cell(p),
            cell(p),
            cell(p)
        ));
    }
    let upload = multipart::Form::new()
        .text("session", r.session.to_string())
        .part(
            "file",
            multipart::Part::bytes(list.into_bytes())
                .file_name("清單.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    let res = cast
        .sec
        .post(app.url("/cases/import"))
        .header(header::ACCEPT, "text/html")
        .multipart(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "import upload");
    let import: i64 = crate::harness::location(&res)
        .unwrap()
        .trim_start_matches("/cases/import/")
        .parse()
        .unwrap();
    fields_written += 6;

    // Resolutions: a payload in every field the secretariat types, an execution update and
    // a reconsideration with them, and the execution report compiled from them.
    let mut resolutions = Vec::new();
    for (i, p) in payloads.iter().enumerate() {
        let form = vec![
            ("form[session_id]", r.session.to_string()),
            ("form[resolution_kind]", "budget_rider".to_owned()),
            ("form[sitting]", short(p).chars().take(100).collect()),
            ("form[councilor_ids][]", r.councilors[0].to_string()),
            ("form[topic]", short(p)),
            ("form[body]", p.clone()),
            ("form[budget_item]", short(p)),
            ("form[letter_number]", p.chars().take(60).collect()),
            ("form[received_on]", "113/03/12".to_owned()),
            ("form[requirement]", "report".to_owned()),
            ("form[committee]", p.chars().take(60).collect()),
            ("form[report_by]", "113/06/14".to_owned()),
        ];
        let id: i64 = app
            .ok(&cast.sec, "resolutions/record", &form)
            .await
            .parse()
            .unwrap();
        if i < 3 {
            app.assign(&cast.sec, id, "UDD", &["DOT"]).await;
            app.ok(&cast.udd, "cases/accept", &[("case_id", id.to_string())])
                .await;
            app.ok(
                &cast.udd,
                "cases/progress",
                &[
                    ("case_id", id.to_string()),
                    ("form[body]", p.chars().take(2_000).collect()),
                    ("form[percent]", "40".to_owned()),
                    ("form[letter_number]", p.chars().take(60).collect()),
                ],
            )
            .await;
            app.ok(
                &cast.sec,
                "resolutions/reconsideration",
                &[
                    ("case_id", id.to_string()),
                    ("form[asked_on]", "113/03/14".to_owned()),
                    ("form[letter_number]", p.chars().take(60).collect()),
                    ("form[reason]", p.chars().take(2_000).collect()),
                ],
            )
            .await;
        }
        resolutions.push(id);
    }
    let report: i64 = app
        .ok(
            &cast.sec,
            "resolutions/compile",
            &[
                ("for_session_id", r.session.to_string()),
                ("session_ids[]", r.session.to_string()),
            ],
        )
        .await
        .parse()
        .unwrap();
    fields_written += 11;

    // Bills and a caucus briefing: a payload in every field a bureau or the secretariat
    // types, each bill major and presented, the caucus's asks with them, one made a data
    // request.
    let mut bills = Vec::new();
    for p in &payloads {
        let id: i64 = app
            .ok(
                &cast.udd,
                "bills/record",
                &[
                    ("form[session_id]", r.session.to_string()),
                    ("form[bill_kind]", "ordinance_new".to_owned()),
                    ("form[title]", short(p)),
                    ("form[why]", p.chars().take(2_000).collect()),
                    ("form[changes]", p.chars().take(4_000).collect()),
                    ("form[committee]", p.chars().take(100).collect()),
                    ("form[council_number]", p.chars().take(100).collect()),
                    ("form[contact]", p.chars().take(100).collect()),
                ],
            )
            .await
            .parse()
            .unwrap();
        app.ok(
            &cast.udd,
            "bills/stage",
            &[
                ("bill_id", id.to_string()),
                ("version", "1".to_owned()),
                ("form[stage]", "sent".to_owned()),
                ("form[on]", "113/03/14".to_owned()),
                ("form[note]", p.chars().take(1_000).collect()),
            ],
        )
        .await;
        app.ok(
            &cast.sec,
            "bills/major",
            &[("bill_id", id.to_string()), ("major", "true".to_owned())],
        )
        .await;
        bills.push(id);
    }
    app.ok(
        &cast.sec,
        "bills/call",
        &[
            ("form[session_id]", r.session.to_string()),
            ("form[note]", payloads[0].chars().take(1_000).collect()),
        ],
    )
    .await;
    let caucus: String = sqlx::query_scalar("SELECT caucus FROM councilors WHERE id = $1")
        .bind(r.councilors[0])
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let briefing: i64 = app
        .ok(
            &cast.sec,
            "briefings/schedule",
            &[
                ("form[session_id]", r.session.to_string()),
                ("form[caucus]", caucus),
                ("form[held_on]", "113/03/20".to_owned()),
                (
                    "form[place]",
                    short(&payloads[0]).chars().take(100).collect(),
                ),
                ("form[attendees]", payloads[0].chars().take(1_000).collect()),
            ],
        )
        .await
        .parse()
        .unwrap();
    let mut chosen = vec![("briefing_id", briefing.to_string())];
    chosen.extend(bills.iter().map(|b| ("bill_ids[]", b.to_string())));
    app.ok(&cast.sec, "briefings/bills", &chosen).await;
    let mut outcome = vec![
        ("briefing_id", briefing.to_string()),
        ("note", payloads[1].chars().take(1_000).collect()),
    ];
    for b in &bills {
        outcome.push(("bill_ids[]", b.to_string()));
        outcome.push(("positions[]", "conditional".to_owned()));
    }
    app.ok(&cast.sec, "briefings/outcome", &outcome).await;
    for (i, p) in payloads.iter().enumerate() {
        let ask: i64 = app
            .ok(
                &cast.sec,
                "briefings/ask",
                &[
                    ("briefing_id", briefing.to_string()),
                    ("bill_id", bills[i].to_string()),
                    ("ask", p.chars().take(2_000).collect()),
                ],
            )
            .await
            .parse()
            .unwrap();
        if i == 0 {
            app.ok(
                &cast.sec,
                "briefings/file-ask",
                &[
                    ("briefing_id", briefing.to_string()),
                    ("ask_id", ask.to_string()),
                    ("councilor_id", r.councilors[0].to_string()),
                ],
            )
            .await;
        }
    }
    fields_written += 13;

    // Every page, as each role.
    let mut pages: Vec<String> = [
        "/",
        "/cases",
        "/cases?q=script",
        "/cases?q=x-pwn",
        "/notifications",
        "/reports",
        "/links",
        "/admin/audit",
        "/admin/users",
        "/admin/reference",
        "/admin/deadlines",
        "/meetings",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    pages.push(format!("/volume?session={}", r.session));
    pages.push("/briefs".into());
    pages.push(format!("/cases/import/{import}"));
    pages.push(format!("/s/{token}"));
    pages.push(format!("/s/{token}/new/service"));
    pages.push(format!("/cases/{rejected}"));
    pages.push(format!("/cases/{filed}"));
    pages.extend(cases.iter().map(|id| format!("/cases/{id}")));
    pages.extend(resolutions.iter().map(|id| format!("/cases/{id}")));
    pages.push("/resolutions/reports".into());
    pages.push(format!("/resolutions/reports/{report}"));
    pages.push(format!("/bills?session={}", r.session));
    pages.extend(bills.iter().map(|id| format!("/bills/{id}")));
    pages.push(format!("/briefings?session={}", r.session));
    pages.push(format!("/briefings/{briefing}"));
    pages.push(format!("/briefings/{briefing}/pack"));
    let roles: [(&str, &Client); 7] = [
        ("secretariat", &cast.sec),
        ("reviewer", &cast.rev),
        ("lead liaison", &cast.udd),
        ("lead approver", &cast.udd_boss),
        ("co liaison", &cast.dot),
        ("co approver", &cast.dot_boss),
        ("admin", &admin),
    ];
    let mut found = Vec::new();
    found.append(&mut office_found);
    let mut read = 0usize;
    for (role, client) in roles {
        for path in &pages {
            let res = app.page(client, path).await;
            assert!(
                res.status() != StatusCode::INTERNAL_SERVER_ERROR,
                "{role} {path}"
            );
            let html = res.text().await.unwrap();
            found.extend(planted_markup(&format!("{role} {path}"), &html));
            read += 1;
        }
    }

    // Every file the app writes from these texts.
    let files = [
        "/cases.csv".to_string(),
        "/admin/audit.csv".into(),
        "/reports/tables.csv".into(),
        "/cases.xlsx".into(),
        "/reports/tables.xlsx".into(),
        format!("/volume.odt?session={}", r.session),
        format!("/volume.pdf?session={}", r.session),
        format!("/resolutions/reports/{report}/report.csv"),
        format!("/resolutions/reports/{report}/report.xlsx"),
        format!("/resolutions/reports/{report}/report.odt"),
        format!("/resolutions/reports/{report}/report.pdf"),
        format!("/bills/report.csv?session={}", r.session),
        format!("/bills/report.xlsx?session={}", r.session),
        format!("/briefings/{briefing}/pack.odt"),
        format!("/briefings/{briefing}/pack.pdf"),
        format!("/cases/{}/letter.odt", cases[4]),
        "/briefs/brief.odt".into(),
    ];
    let mut exports = 0usize;
    for path in &files {
        let who = if path.starts_with("/admin") {
            &admin
        } else {
            &cast.sec
        };
        let res = who.get(app.url(path)).send().await.unwrap();
        if path.contains(".pdf") && res.status() == StatusCode::SERVICE_UNAVAILABLE {
            // No CJK font on this machine: the PDF tests say so; the rest still ran.
            eprintln!("no PDF font: {path} not checked");
            continue;
        }
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let bytes = res.bytes().await.unwrap();
        exports += 1;
        if path.contains(".csv") {
            found.extend(csv_formulas(path, &bytes));
        } else if path.contains(".pdf") {
            // Without the line breaks a narrow table cell puts into a long text.
            let text: String = pdf_extract::extract_text_from_mem(&bytes)
                .unwrap()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            assert!(
                text.contains("<script>window.pwned=1</script>"),
                "the PDF shows the text as text"
            );
        } else {
            let (planted, text) = zip_xml(path, &bytes);
            found.extend(planted);
            // (The report tables hold figures, not texts; the letter draft is of one case,
            // whose texts are the fifth payload.)
            let expected = if path.contains("/letter.odt") {
                payloads[4].as_str()
            } else {
                "<script>window.pwned=1</script>"
            };
            if !path.starts_with("/reports") {
                assert!(text.contains(expected), "{path} keeps the text as text");
            }
        }
    }
    if path_has_xlsx(&files) {
        let res = cast.sec.get(app.url("/cases.xlsx")).send().await.unwrap();
        let bytes = res.bytes().await.unwrap();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let cells: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(
            cells.iter().any(|c| c == &short(&payloads[10])),
            "a formula-like topic is a plain text cell in the workbook"
        );
    }
    eprintln!(
        "hostile text: {} payloads into {fields_written} kinds of field; {read} page reads ({} pages × 7 roles); {exports} files",
        payloads.len(),
        pages.len()
    );
    assert!(
        found.is_empty(),
        "markup got through:\n{}",
        found.join("\n")
    );
}

fn path_has_xlsx(files: &[String]) -> bool {
    files.iter().any(|f| f.ends_with(".xlsx"))
}

/// A page as `client` reads it, parsed, after checking that nothing planted became markup.
async fn clean_page(app: &TestApp, client: &Client, path: &str) -> Html {
    let html = app.page(client, path).await.text().await.unwrap();
    assert_eq!(planted_markup(path, &html), Vec::<String>::new());
    Html::parse_document(&html)
}

#[tokio::test]
async fn a_topic_that_closes_the_title_stays_text_in_the_title() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let topic =
        r#"議題</title><meta http-equiv="refresh" content="1;url=https://evil.example"><title>"#;
    let id = app.record_question(&sec, 1, topic).await;
    let doc = clean_page(&app, &sec, &format!("/cases/{id}")).await;
    let title = doc
        .select(&Selector::parse("title").unwrap())
        .next()
        .unwrap();
    assert!(
        title.text().collect::<String>().contains(topic),
        "the topic is the title's text"
    );
}

#[tokio::test]
async fn a_draft_that_closes_the_textarea_stays_in_the_textarea_for_the_bureaus_other_liaisons() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let other = app
        .signed_in("lin.udd", "bureau_liaison", Some("UDD"))
        .await;
    let id = app.record_question(&cast.sec, 1, "公園").await;
    app.assign(&cast.sec, id, "UDD", &[]).await;
    app.ok(&cast.udd, "cases/accept", &[("case_id", id.to_string())])
        .await;
    let draft =
        r#"</textarea><meta http-equiv="refresh" content="0;url=https://evil.example"><textarea>"#;
    let version = app.case(&cast.udd, id).await.reply_version;
    app.save_reply(&cast.udd, id, version, draft).await;
    let doc = clean_page(&app, &other, &format!("/cases/{id}")).await;
    let editors: Vec<String> = doc
        .select(&Selector::parse("textarea").unwrap())
        .map(|t| t.text().collect())
        .collect();
    assert!(editors.iter().any(|t| t == draft), "{editors:?}");
}

#[tokio::test]
async fn a_question_form_is_never_filled_from_its_address_and_similar_cases_keep_the_draft_out_of_it(
) {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let earlier = app.record_question(&sec, 1, "信義區停車場不足").await;
    // A link sent by chat cannot put words into the form.
    let planted = "</textarea><x-pwn>請至 https://evil.example 重新登入";
    let html = app
        .page(
            &sec,
            &format!(
                "/cases/new/question?form[body]={}&form[topic]={}",
                app::url::percent_encode(planted),
                app::url::percent_encode("假議題")
            ),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("evil.example") && !html.contains("假議題"));
    assert_eq!(planted_markup("form", &html), Vec::<String>::new());

    // 找相似案件 posts the draft; the form comes back with it and the similar cases under
    // it, and the address holds none of it.
    let mut form = app.question_form(2, "信義區停車場不足問題").await;
    form.retain(|(k, _)| *k != "form[body]");
    form.push(("form[body]", "請說明停車場增設期程。".into()));
    let res = sec
        .post(app.url(app::cases::pages::SIMILAR_DRAFT_PATH))
        .header(header::ACCEPT, "text/html")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = crate::harness::location(&res).unwrap();
    assert_eq!(to, "/cases/new/question#similar-cases");
    let html = app
        .page(&sec, "/cases/new/question")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("請說明停車場增設期程。"), "the text typed");
    assert!(
        html.contains("value=\"信義區停車場不足問題\""),
        "the topic typed"
    );
    assert!(html.contains("相似的過去案件"));
    assert!(
        html.contains(&format!("href=\"/cases/{earlier}\"")),
        "the earlier case is listed"
    );
    let again = app
        .page(&sec, "/cases/new/question")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !again.contains("請說明停車場增設期程。"),
        "kept for the next page only"
    );
}

#[tokio::test]
async fn a_formula_typed_at_a_failed_login_is_inert_in_the_admins_audit_file() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let planted = r#"=HYPERLINK("https://evil.example","點此")"#;
    app.login(&app.client(), planted, "wrong").await;
    let bytes = admin
        .get(app.url("/admin/audit.csv"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    // (Usernames are kept in lower case.)
    assert!(text.to_lowercase().contains("'=hyperlink"), "{text}");
    assert_eq!(csv_formulas("audit.csv", &bytes), Vec::<String>::new());
}

#[tokio::test]
async fn a_refused_bill_keeps_a_why_that_closes_the_textarea_inside_its_textarea() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let why =
        r#"</textarea><meta http-equiv="refresh" content="0;url=https://evil.example"><textarea>"#;
    // No title: refused, and sent back to the form without JavaScript with what was typed.
    let res = cast
        .udd
        .post(app.url("/api/bills/record"))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::REFERER, app.url("/bills/new"))
        .form(&[
            (
                "form[session_id]",
                app.reference().await.session.to_string(),
            ),
            ("form[bill_kind]", "other".to_owned()),
            ("form[why]", why.to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let doc = clean_page(&app, &cast.udd, "/bills/new").await;
    let kept: Vec<String> = doc
        .select(&Selector::parse("textarea#b-why").unwrap())
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(kept, [why]);
}
