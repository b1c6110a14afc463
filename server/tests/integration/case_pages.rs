//! The pages people work in, and what bad input gets: a clear message and no change.

use crate::harness::{location, TestApp};
use reqwest::{header, StatusCode};

#[tokio::test]
async fn a_question_with_missing_fields_is_refused_field_by_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let mut form = app.question_form(5, "停車問題").await;
    form.retain(|(k, _)| *k != "form[councilor_ids][]");
    let res = app.call(&sec, "cases/record-question", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: app::error::AppError = res.json().await.unwrap();
    assert_eq!(
        err.field_message("councilor_ids").as_deref(),
        Some("請至少選擇一位質詢議員。")
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_question_number_is_unique_within_its_session() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    app.record_question(&sec, 8, "第一題").await;
    let form = app.question_form(8, "重號").await;
    let res = app.call(&sec, "cases/record-question", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: app::error::AppError = res.json().await.unwrap();
    assert!(err.field_message("number").unwrap().contains("相同編號"));
}

#[tokio::test]
async fn unknown_ids_wrong_states_and_garbage_get_clear_answers_never_a_crash() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let id = app.record_question(&sec, 2, "路口改善").await;

    // Unknown case ids.
    for (endpoint, client) in [
        ("cases/detail", &sec),
        ("cases/accept", &udd),
        ("cases/due", &sec),
    ] {
        let key = if endpoint == "cases/detail" {
            "id"
        } else {
            "case_id"
        };
        let res = app
            .call(
                client,
                endpoint,
                &[
                    (key, "999999".into()),
                    ("due_on", "113/04/01".into()),
                    ("due_reason", "x".into()),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
    // A step out of turn: signing off a case nobody has answered.
    let res = app.step(&sec, id, "pass_to_review", "").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("待分派"));
    // Unknown step names and undecodable ids.
    let res = app
        .call(
            &sec,
            "cases/step",
            &[
                ("case_id", id.to_string()),
                ("version", "1".into()),
                ("step", "Delete".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .call(&sec, "cases/detail", &[("id", "abc".into())])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Unknown bureau on assignment.
    let res = app
        .call(
            &sec,
            "cases/assign",
            &[
                ("case_id", id.to_string()),
                ("version", "1".into()),
                ("lead_bureau_id", "424242".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Submitting an empty reply for sign-off is refused.
    app.assign(&sec, id, "UDD", &[]).await;
    app.ok(&udd, "cases/accept", &[("case_id", id.to_string())])
        .await;
    let res = app.step(&udd, id, "submit", "").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("請先撰寫"));
    // A return without a comment names the comment field.
    let res = app.save_reply(&udd, id, 0, "   ").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let case = app.case(&sec, id).await;
    assert_eq!(case.reply, "");
    assert_eq!(case.status, app::cases::CaseStatus::InProgress);
}

#[tokio::test]
async fn a_form_posted_without_javascript_comes_back_with_what_was_typed_and_the_message() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let mut form = app.question_form(31, "").await;
    form.retain(|(k, _)| *k != "form[body]");
    form.push(("form[body]", "請說明捷運新線延宕原因與因應對策。".into()));
    let res = sec
        .post(app.url("/api/cases/record-question"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/cases/new/question"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let back = location(&res).unwrap();
    assert_eq!(
        back,
        app.url("/cases/new/question"),
        "nothing typed in the address"
    );
    let page = app
        .page(&sec, back.trim_start_matches(&app.url("")))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("請輸入質詢議題。"),
        "the message is next to the field"
    );
    assert!(
        page.contains("請說明捷運新線延宕原因與因應對策。"),
        "the typed text is kept"
    );
    assert!(page.contains(r#"value="31""#), "the typed number is kept");
}

#[tokio::test]
async fn recording_and_going_on_to_the_next_question_keeps_the_sitting_and_numbers_on() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    app.record_question(&sec, 8, "已有第八題").await;
    let mut form = app.question_form(7, "第七題").await;
    form.push(("then", "next".into()));
    let res = sec
        .post(app.url("/api/cases/record-question"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/cases/new/question"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = location(&res).unwrap();
    let id: i64 = to
        .strip_prefix("/cases/new/question?after=")
        .expect("back to a fresh form")
        .parse()
        .unwrap();
    assert_eq!(app.case(&sec, id).await.topic, "第七題");
    let page = app.page(&sec, &to).await.text().await.unwrap();
    assert!(
        page.contains("下一題已帶入同一會期、類別、日期與議員。"),
        "{page}"
    );
    assert!(page.contains(">質詢 第 7 號</a>"));
    // 8 is taken: the next free number after the session's highest.
    assert!(page.contains(r#"value="9""#), "{page}");
    assert!(page.contains(r#"value="113/03/15""#));
    let r = app.reference().await;
    for councilor in &r.councilors[..2] {
        assert!(
            page.contains(&format!(r#"<option value="{councilor}" selected"#)),
            "{councilor}"
        );
    }
    // The topic and text start empty.
    assert!(!page.contains(r#"value="第七題""#));
    // Another role reads nothing through it.
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let res = app
        .call(&udd, "cases/next-question", &[("after", id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_question_form_with_three_mistakes_shows_all_three_at_once_without_javascript() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let mut form = app.question_form(0, "").await;
    form.retain(|(k, _)| *k != "form[sitting_date]");
    form.push(("form[sitting_date]", "下週三".into()));
    let res = sec
        .post(app.url("/api/cases/record-question"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/cases/new/question"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let page = app
        .page(&sec, "/cases/new/question")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("這份表單有 3 處需要修正："), "{page}");
    for message in [
        "請輸入質詢編號（正整數）。",
        "請輸入質詢日期（民國年/月/日）。",
        "請輸入質詢議題。",
    ] {
        // In the summary and beside its field.
        assert_eq!(page.matches(message).count(), 2, "{message}");
    }
    assert!(page.contains(r#"value="下週三""#), "what was typed stays");
}

#[tokio::test]
async fn the_case_page_shows_the_case_and_its_timeline_to_those_who_may_see_it() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let pwd = app
        .signed_in("lin.pwd", "bureau_liaison", Some("PWD"))
        .await;
    let id = app.record_question(&sec, 21, "運動中心收費").await;
    app.assign(&sec, id, "DOS", &[]).await;

    let res = app.page(&sec, &format!("/cases/{id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    for text in [
        "質詢 第 21 號",
        "運動中心收費",
        "113/03/22",
        "第14屆第3次定期大會",
        "登錄案件",
        "分派主辦機關",
        "體育局",
        "待局處接受",
    ] {
        assert!(page.contains(text), "case page lacks {text}");
    }
    let res = app.page(&pwd, &format!("/cases/{id}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains("運動中心收費"));
    let res = app.page(&sec, "/cases/424242").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_case_list_filters_and_pages() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    for n in 1..=30 {
        app.record_question(&sec, n, &format!("議題{n:02}")).await;
    }
    let dot_case = app.record_question(&sec, 31, "交通議題").await;
    app.assign(&sec, dot_case, "DOT", &[]).await;

    let page = app
        .page(&sec, "/cases?kind=question")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("共 31 件，第 1 / 2 頁"), "{page}");
    let second = app
        .page(&sec, "/cases?kind=question&page=2")
        .await
        .text()
        .await
        .unwrap();
    assert!(second.contains("第 2 / 2 頁"));
    let dot = app.bureau("DOT").await;
    let filtered = app
        .page(&sec, &format!("/cases?bureau={dot}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(filtered.contains("共 1 件") && filtered.contains("交通議題"));
    let search = app
        .page(&sec, "/cases?q=%E8%AD%B0%E9%A1%8C05")
        .await
        .text()
        .await
        .unwrap();
    assert!(search.contains("共 1 件"), "keyword search");
    // Overdue: due 2024-03-22; the test clock says 2024-03-15, so nothing yet.
    let overdue = app
        .page(&sec, "/cases?overdue=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(overdue.contains("共 0 件"));
    app.advance(60 * 24 * 10);
    // Ten days on, that session is long over.
    app.login(&sec, "chen.sec", crate::harness::PASSWORD).await;
    let overdue = app
        .page(&sec, "/cases?overdue=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(overdue.contains("共 31 件"));
    // Nonsense in the URL is ignored, not an error.
    let res = app.page(&sec, "/cases?status=bogus&page=-4&bureau=x").await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_deadline_rules_and_calendar_are_the_admins_and_change_new_due_dates() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    assert_eq!(
        app.page(&sec, "/admin/deadlines").await.status(),
        StatusCode::FORBIDDEN
    );
    let res = app
        .call(
            &sec,
            "admin/deadlines/rule",
            &[
                ("rule", "question_reply".into()),
                ("days", "1".into()),
                ("counting", "working".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Questions now get 5 working days.
    app.ok(
        &admin,
        "admin/deadlines/rule",
        &[
            ("rule", "question_reply".into()),
            ("days", "5".into()),
            ("counting", "working".into()),
        ],
    )
    .await;
    app.ok(
        &admin,
        "admin/calendar/add",
        &[
            ("day", "113/03/20".into()),
            ("kind", "holiday".into()),
            ("name", "測試假日".into()),
        ],
    )
    .await;
    let id = app.record_question(&sec, 1, "規則").await;
    // Friday 03-15 + 5 working days, skipping the weekend and Wednesday 03-20: 03-25.
    assert_eq!(app.case(&sec, id).await.due_on.to_string(), "2024-03-25");

    let page = app
        .page(&admin, "/admin/deadlines")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("113/03/20") && page.contains("測試假日"));
    let res = app
        .call(
            &admin,
            "admin/calendar/import",
            &[("csv", "2024-04-04,holiday,x\nnope,holiday,y\n".into())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("第 2 行"));
    let days: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM calendar_days")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(days, 1, "a bad import stores nothing");
}

#[tokio::test]
async fn each_role_starts_on_its_own_queues() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let id = app.record_question(&sec, 1, "社宅").await;
    let page = app.page(&sec, "/").await.text().await.unwrap();
    assert!(page.contains("待分派案件（1）") && page.contains("社宅"));
    app.assign(&sec, id, "UDD", &[]).await;
    let page = app.page(&udd, "/").await.text().await.unwrap();
    assert!(page.contains("本局待辦案件（1）") && page.contains("社宅"));
}

#[tokio::test]
async fn a_reply_conflict_without_javascript_shows_both_versions_on_the_case_page() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let first = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let second = app.signed_in("wu.udd", "bureau_liaison", Some("UDD")).await;
    let id = app.record_question(&sec, 6, "衝突").await;
    app.assign(&sec, id, "UDD", &[]).await;
    app.ok(&first, "cases/accept", &[("case_id", id.to_string())])
        .await;
    assert_eq!(
        app.save_reply(&first, id, 0, "先存的版本").await.status(),
        StatusCode::OK
    );

    let res = second
        .post(app.url("/api/cases/reply"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url(&format!("/cases/{id}")))
        .form(&[
            ("case_id", id.to_string()),
            ("reply_version", "0".into()),
            ("reply", "後存的版本".into()),
        ])
        .send()
        .await
        .unwrap();
    let back = location(&res).unwrap();
    let page = app
        .page(&second, back.trim_start_matches(&app.url("")))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("ho.udd 儲存的版本") && page.contains("先存的版本"),
        "theirs is shown"
    );
    assert!(
        page.contains("您的版本（未儲存）") && page.contains("後存的版本"),
        "yours is shown"
    );
    assert_eq!(app.case(&first, id).await.reply, "先存的版本");
}

#[tokio::test]
async fn a_bureau_inbox_puts_overdue_cases_first_then_the_nearest_due_date() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let mut ids = Vec::new();
    for (n, due) in [(1, "113/04/20"), (2, "113/03/10"), (3, "113/03/25")] {
        let id = app.record_question(&sec, n, &format!("案{n}")).await;
        app.ok(
            &sec,
            "cases/due",
            &[
                ("case_id", id.to_string()),
                ("due_on", due.into()),
                ("due_reason", "測試".into()),
            ],
        )
        .await;
        app.assign(&sec, id, "UDD", &[]).await;
        ids.push(id);
    }
    let queues: Vec<app::cases::Queue> = app
        .call(&udd, "cases/queues", &[])
        .await
        .json()
        .await
        .unwrap();
    let inbox = &queues[0];
    assert_eq!(inbox.title, "本局待辦案件");
    assert_eq!(
        inbox.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ids[1], ids[2], ids[0]]
    );
    assert!(
        inbox.rows[0].overdue,
        "03-10 is past on the test clock's 03-15"
    );
    assert!(!inbox.rows[1].overdue);
}

#[tokio::test]
async fn a_case_page_ships_its_islands_but_no_resource_data() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let id = app.record_question(&sec, 8, "島嶼").await;
    app.assign(&sec, id, "UDD", &[]).await;
    app.ok(&udd, "cases/accept", &[("case_id", id.to_string())])
        .await;

    let page = app
        .page(&udd, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("hydrateIslands"),
        "the islands loader is there"
    );
    assert!(
        page.contains("<leptos-island") && page.contains("EditorLive"),
        "the reply editor is an island"
    );
    // Without JavaScript the editor is still a plain, required textarea in the form.
    assert!(page.contains(r#"<textarea id="reply-text" name="reply" rows="10" required"#));
    assert!(page.contains("0 / 20000 字"));
    assert!(
        page.contains("__RESOLVED_RESOURCES=[];") && !page.contains("__RESOLVED_RESOURCES["),
        "the page's data is rendered, not serialised for hydration"
    );
}

/// Every step form on the page posts a code the server knows (no spelling of a Rust name).
#[tokio::test]
async fn every_step_button_on_the_case_page_posts_a_known_step_code() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let boss = app
        .signed_in("chiu.udd", "bureau_approver", Some("UDD"))
        .await;
    let rev = app.signed_in("lo.rev", "reviewer", None).await;
    let id = app.record_question(&sec, 1, "社會住宅").await;
    app.assign(&sec, id, "UDD", &[]).await;
    app.ok(&udd, "cases/accept", &[("case_id", id.to_string())])
        .await;
    app.save_reply(&udd, id, 0, "預計年底完工。").await;
    let mut seen = Vec::new();
    for (client, step) in [
        (&udd, "submit"),
        (&boss, "sign_off"),
        (&sec, "pass_to_review"),
        (&rev, "approve"),
    ] {
        let html = app
            .page(client, &format!("/cases/{id}"))
            .await
            .text()
            .await
            .unwrap();
        for value in html.split("name=\"step\" value=\"").skip(1) {
            let code = &value[..value.find('"').unwrap()];
            assert!(
                app::cases::workflow::Action::from_code(code).is_some(),
                "unknown step code {code}"
            );
            seen.push(code.to_owned());
        }
        let res = app.step(client, id, step, "").await;
        assert!(res.status().is_success(), "{step}");
    }
    for code in [
        "submit",
        "sign_off",
        "send_back",
        "pass_to_review",
        "return_from_check",
        "approve",
        "return_from_review",
    ] {
        assert!(
            seen.iter().any(|s| s == code),
            "no button for {code}: {seen:?}"
        );
    }
}

#[tokio::test]
async fn a_bureau_that_hands_back_an_assignment_lands_on_its_start_page_told_what_happened() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let dot = app
        .signed_in("lin.dot", "bureau_liaison", Some("DOT"))
        .await;
    let id = app.record_question(&sec, 41, "人行道破損").await;
    app.assign(&sec, id, "DOT", &[]).await;

    // Posted from the case page without JavaScript, as the form is.
    let res = dot
        .post(app.url("/api/cases/reject"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url(&format!("/cases/{id}")))
        .form(&[
            ("case_id", id.to_string()),
            ("reason", "屬工務局權責。".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res).as_deref(), Some("/?done=rejected"));
    let home = app.page(&dot, "/?done=rejected").await;
    assert_eq!(home.status(), StatusCode::OK);
    let home = home.text().await.unwrap();
    assert!(home.contains("已退回分派，秘書處將另行改分"), "{home}");
    // The case page it came from would have said 找不到.
    let case = app.page(&dot, &format!("/cases/{id}")).await;
    assert_eq!(case.status(), StatusCode::NOT_FOUND);
    // Without the code, or with one it does not know, the start page says nothing of it.
    for path in ["/", "/?done=%3Cb%3E"] {
        let page = app.page(&dot, path).await.text().await.unwrap();
        assert!(!page.contains("已退回分派"), "{path}");
    }
}

#[tokio::test]
async fn a_refused_step_form_on_the_case_page_comes_back_with_what_was_typed() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let id = app.record_question(&sec, 42, "路燈維護").await;
    let page = format!("/cases/{id}");
    let res = sec
        .post(app.url("/api/cases/due"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url(&page))
        .form(&[
            ("case_id", id.to_string()),
            ("due_on", "下週五".to_owned()),
            ("due_reason", "議員同意延後<b>一週</b>".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let html = app.page(&sec, &page).await.text().await.unwrap();
    assert!(html.contains(r#"value="下週五""#), "the typed day stays");
    assert!(
        html.contains(r#"value="議員同意延後&lt;b&gt;一週&lt;/b&gt;""#),
        "the typed reason stays, as text"
    );
    // Only once: the next visit is a fresh form.
    let html = app.page(&sec, &page).await.text().await.unwrap();
    assert!(!html.contains("下週五"));
}
