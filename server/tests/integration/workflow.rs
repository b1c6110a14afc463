//! The journeys of docs/domain.md, "How a case travels", over HTTP.

use crate::harness::TestApp;
use app::cases::{events::Change, CaseStatus, PartRole, PartState};
use reqwest::StatusCode;

#[tokio::test]
async fn a_question_travels_from_recording_through_a_rejection_and_a_return_to_approval() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let udd_boss = app
        .signed_in("chiu.udd", "bureau_approver", Some("UDD"))
        .await;
    let dot = app
        .signed_in("chiang.dot", "bureau_liaison", Some("DOT"))
        .await;
    let pwd = app
        .signed_in("lin.pwd", "bureau_liaison", Some("PWD"))
        .await;
    let reviewer = app.signed_in("lo.rev", "reviewer", None).await;

    // Recorded by the secretariat: a joint question, due 7 calendar days after the sitting.
    let id = app.record_question(&sec, 12, "社會住宅興建進度").await;
    let case = app.case(&sec, id).await;
    assert_eq!(case.status, CaseStatus::Unassigned);
    assert_eq!(case.councilors.len(), 2);
    assert_eq!(case.due_on.to_string(), "2024-03-22");

    // Assigned: UDD leads, DOT helps.
    app.assign(&sec, id, "UDD", &["DOT"]).await;
    assert_eq!(app.case(&sec, id).await.status, CaseStatus::Assigned);

    // DOT says it is not its remit and points to PWD.
    let pwd_id = app.bureau("PWD").await;
    app.ok(
        &dot,
        "cases/reject",
        &[
            ("case_id", id.to_string()),
            ("reason", "人行道養護屬工務局權責。".into()),
            ("suggested_bureau_id", pwd_id.to_string()),
        ],
    )
    .await;
    // DOT no longer sees the case at all.
    let res = app
        .call(&dot, "cases/detail", &[("id", id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The secretariat sees the rejection first on its start page and reassigns it.
    let queues: Vec<app::cases::Queue> = app
        .call(&sec, "cases/queues", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queues[0].title, "遭退回待改分案件");
    assert_eq!(
        queues[0].rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![id]
    );
    let case = app.case(&sec, id).await;
    let rejected = case
        .parts
        .iter()
        .find(|p| p.state == PartState::Rejected)
        .unwrap();
    assert_eq!(rejected.suggested_bureau.as_deref(), Some("工務局"));
    app.ok(
        &sec,
        "cases/reassign",
        &[
            ("case_id", id.to_string()),
            ("part_id", rejected.id.to_string()),
            ("bureau_id", pwd_id.to_string()),
        ],
    )
    .await;

    // Both bureaus accept; PWD writes its sub-answer; UDD writes the reply beside it.
    app.ok(&pwd, "cases/accept", &[("case_id", id.to_string())])
        .await;
    app.ok(
        &pwd,
        "cases/sub-answer",
        &[
            ("case_id", id.to_string()),
            ("body", "周邊人行道將於 6 月底前完成整平。".into()),
        ],
    )
    .await;
    app.ok(&udd, "cases/accept", &[("case_id", id.to_string())])
        .await;
    let case = app.case(&udd, id).await;
    assert_eq!(case.status, CaseStatus::InProgress);
    assert_eq!(case.sub_answers.len(), 1);
    assert_eq!(case.sub_answers[0].bureau, "工務局");
    let res = app
        .save_reply(
            &udd,
            id,
            case.reply_version,
            "預計 113 年底前完工 1,200 戶。",
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Submitted, signed off, checked by the secretariat, returned by the reviewer.
    assert_eq!(
        app.step(&udd, id, "submit", "").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.step(&udd_boss, id, "sign_off", "").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.step(&sec, id, "pass_to_review", "").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.step(&reviewer, id, "return_from_review", "請補充各基地期程。")
            .await
            .status(),
        StatusCode::OK
    );
    let case = app.case(&udd, id).await;
    assert_eq!(case.status, CaseStatus::Returned);
    assert_eq!(case.review_comment, "請補充各基地期程。");

    // Fixed and sent up again; approved and kept under tracking.
    let res = app
        .save_reply(
            &udd,
            id,
            case.reply_version,
            "預計 113 年底前完工 1,200 戶；各基地期程如附表。",
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.step(&udd, id, "submit", "").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.step(&udd_boss, id, "sign_off", "").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.step(&sec, id, "pass_to_review", "").await.status(),
        StatusCode::OK
    );
    let version = app.case(&reviewer, id).await.version;
    app.ok(
        &reviewer,
        "cases/step",
        &[
            ("case_id", id.to_string()),
            ("version", version.to_string()),
            ("step", "approve".into()),
            ("keep_tracking", "on".into()),
        ],
    )
    .await;

    let case = app.case(&reviewer, id).await;
    assert_eq!(case.status, CaseStatus::Tracking);
    assert!(case.tracking);
    assert_eq!(
        case.reply,
        "預計 113 年底前完工 1,200 戶；各基地期程如附表。"
    );
    assert_eq!(
        case.parts
            .iter()
            .map(|p| (p.bureau.as_str(), p.role, p.state))
            .collect::<Vec<_>>(),
        vec![
            ("都市發展局", PartRole::Lead, PartState::Accepted),
            ("工務局", PartRole::Co, PartState::Accepted),
            ("交通局", PartRole::Co, PartState::Reassigned),
        ]
    );
    // The timeline holds every step, newest first, with who did it.
    let actions: Vec<&str> = case
        .timeline
        .iter()
        .rev()
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        vec![
            "record",
            "assign",
            "reject",
            "reassign",
            "accept",
            "write_sub_answer",
            "accept",
            "edit_reply",
            "submit",
            "sign_off",
            "pass_to_review",
            "return_from_review",
            "edit_reply",
            "submit",
            "sign_off",
            "pass_to_review",
            "approve",
        ]
    );
    let returned = case
        .timeline
        .iter()
        .find(|e| e.action == "return_from_review")
        .unwrap();
    // Stored as data: the actor, the comment and the status codes, not sentences.
    assert_eq!(returned.actor_name.as_deref(), Some("lo.rev"));
    assert_eq!(returned.data.comment.as_deref(), Some("請補充各基地期程。"));
    assert_eq!(
        returned.data.status,
        Some(Change::new(CaseStatus::InReview, CaseStatus::Returned))
    );
    let edit = case
        .timeline
        .iter()
        .find(|e| e.action == "edit_reply")
        .unwrap();
    assert_eq!(
        edit.data.text.as_ref().map(|t| t.from.as_str()),
        Some("預計 113 年底前完工 1,200 戶。")
    );
}

#[tokio::test]
async fn a_lead_bureau_rejection_sends_the_case_back_to_be_assigned_again() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let dot = app
        .signed_in("chiang.dot", "bureau_liaison", Some("DOT"))
        .await;
    let id = app.record_question(&sec, 1, "騎樓整平").await;
    app.assign(&sec, id, "DOT", &[]).await;
    app.ok(
        &dot,
        "cases/reject",
        &[
            ("case_id", id.to_string()),
            ("reason", "非本局權責。".into()),
            ("suggested_bureau_id", app.bureau("PWD").await.to_string()),
        ],
    )
    .await;
    let case = app.case(&sec, id).await;
    assert_eq!(case.status, CaseStatus::Unassigned);
    // The secretariat triages from its start page: who, why and whom they suggest.
    let home = app.page(&sec, "/").await.text().await.unwrap();
    assert!(
        home.contains("交通局退回：非本局權責。（建議改由工務局）"),
        "{home}"
    );
    app.assign(&sec, id, "PWD", &[]).await;
    let case = app.case(&sec, id).await;
    assert_eq!(case.status, CaseStatus::Assigned);
    assert_eq!(case.parts[0].state, PartState::Pending);
    assert!(case.parts.iter().any(|p| p.state == PartState::Reassigned));
}

#[tokio::test]
async fn the_second_of_two_people_saving_the_same_reply_gets_both_versions_and_overwrites_nothing()
{
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let first = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let second = app.signed_in("wu.udd", "bureau_liaison", Some("UDD")).await;
    let id = app.record_question(&sec, 3, "都更審議時程").await;
    app.assign(&sec, id, "UDD", &[]).await;
    app.ok(&first, "cases/accept", &[("case_id", id.to_string())])
        .await;

    // Both open the editor on the same version.
    let seen = app.case(&first, id).await.reply_version;
    assert_eq!(
        app.save_reply(&first, id, seen, "甲的答復").await.status(),
        StatusCode::OK
    );
    let res = app.save_reply(&second, id, seen, "乙的答復").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    match res.json::<app::error::AppError>().await.unwrap() {
        app::error::AppError::EditConflict { theirs, by, yours } => {
            assert_eq!(theirs, "甲的答復");
            assert_eq!(by, "ho.udd");
            assert_eq!(yours, "乙的答復");
        }
        other => panic!("expected an edit conflict, got {other:?}"),
    }
    assert_eq!(app.case(&first, id).await.reply, "甲的答復");
}

#[tokio::test]
async fn a_stale_page_cannot_take_a_step_on_a_case_that_has_moved() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let id = app.record_question(&sec, 4, "公車路網").await;
    let stale = app.case(&sec, id).await.version;
    app.assign(&sec, id, "DOT", &[]).await;
    let res = app
        .call(
            &sec,
            "cases/assign",
            &[
                ("case_id", id.to_string()),
                ("version", stale.to_string()),
                ("lead_bureau_id", app.bureau("PWD").await.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let message = res.text().await.unwrap();
    assert!(
        message.contains("待局處接受") || message.contains("重新整理"),
        "{message}"
    );
}

/// Takes a question to the lead approver's sign-off at UDD with `reply`.
async fn awaiting_sign_off(
    app: &TestApp,
    cast: &crate::meetings::Cast,
    number: i64,
    topic: &str,
    reply: &str,
) -> i64 {
    let id = app.record_question(&cast.sec, number, topic).await;
    app.assign(&cast.sec, id, "UDD", &[]).await;
    app.ok(&cast.udd, "cases/accept", &[("case_id", id.to_string())])
        .await;
    let version = app.case(&cast.udd, id).await.reply_version;
    assert!(app
        .save_reply(&cast.udd, id, version, reply)
        .await
        .status()
        .is_success());
    assert_eq!(
        app.step(&cast.udd, id, "submit", "").await.status(),
        StatusCode::OK
    );
    id
}

/// A step as its form posts it, with more fields; the response unread.
async fn step_with(
    app: &TestApp,
    who: &reqwest::Client,
    id: i64,
    step: &str,
    more: &[(&str, &str)],
) -> reqwest::Response {
    let version = app.case(who, id).await.version;
    let mut form = vec![
        ("case_id", id.to_string()),
        ("version", version.to_string()),
        ("step", step.to_owned()),
    ];
    form.extend(more.iter().map(|(k, v)| (*k, (*v).to_owned())));
    who.post(app.url("/api/cases/step"))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::REFERER, app.url(&format!("/cases/{id}")))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_approver_and_the_secretariat_correct_the_wording_on_the_way_and_the_liaison_is_told() {
    let app = TestApp::spawn().await;
    let cast = crate::meetings::Cast::new(&app).await;
    let id = awaiting_sign_off(&app, &cast, 1, "信義區路燈", "本局將於本年底前完成換裝").await;

    let page = app
        .page(&cast.udd_boss, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("修改答復文字"), "the sign-off form offers it");
    let res = step_with(
        &app,
        &cast.udd_boss,
        id,
        "sign_off",
        &[("reply", "本局將於本（115）年底前完成全區路燈換裝。")],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let case = app.case(&cast.sec, id).await;
    assert_eq!(case.status, CaseStatus::SignedOff);
    assert_eq!(case.reply, "本局將於本（115）年底前完成全區路燈換裝。");

    // The secretariat leaves the wording as it is: no change is recorded.
    let unchanged = case.reply.clone();
    let res = step_with(
        &app,
        &cast.sec,
        id,
        "pass_to_review",
        &[("reply", &unchanged)],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());

    // The timeline shows the sign-off with the wording before and after.
    let case = app.case(&cast.udd, id).await;
    let rendered: Vec<app::cases::events::RenderedEvent> = case
        .timeline
        .iter()
        .map(|e| app::cases::events::render(e, &|b| format!("#{b}"), app::i18n::Lang::ZhTw))
        .collect();
    let sign_off = rendered
        .iter()
        .find(|e| e.title == "核定")
        .expect("a sign-off event");
    assert!(
        sign_off.lines.iter().any(|l| l.contains("修改後核定")),
        "{sign_off:?}"
    );
    assert_eq!(
        sign_off.change,
        Some((
            "本局將於本年底前完成換裝".to_owned(),
            "本局將於本（115）年底前完成全區路燈換裝。".to_owned()
        ))
    );
    let passed = rendered
        .iter()
        .find(|e| e.title == "送副秘書長審查")
        .expect("a pass event");
    assert!(
        !passed.lines.iter().any(|l| l.contains("修改")),
        "{passed:?}"
    );

    // The liaison who wrote it is told, once; nobody is told of the unchanged pass.
    let told: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.username, n.kind FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.kind = 'reply_corrected' ORDER BY n.id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        told,
        vec![("ho.udd".to_owned(), "reply_corrected".to_owned())]
    );
    let inbox = app
        .page(&cast.udd, "/notifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(inbox.contains("答復文字經修改後核轉"), "{inbox}");
}

#[tokio::test]
async fn only_the_steps_that_pass_a_reply_on_may_change_it_and_a_refused_correction_keeps_the_text()
{
    let app = TestApp::spawn().await;
    let cast = crate::meetings::Cast::new(&app).await;
    let id = awaiting_sign_off(&app, &cast, 1, "信義區路燈", "本局將於年底前完成").await;
    // Sending it back is no way to rewrite it.
    let res = app
        .call(
            &cast.udd_boss,
            "cases/step",
            &[
                ("case_id", id.to_string()),
                (
                    "version",
                    app.case(&cast.udd_boss, id).await.version.to_string(),
                ),
                ("step", "send_back".into()),
                ("comment", "請補充".into()),
                ("reply", "改寫".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Too long a correction is refused in words, and the form keeps what was typed.
    let long = "字".repeat(app::cases::LONG_TEXT_MAX_CHARS + 1);
    let res = step_with(&app, &cast.udd_boss, id, "sign_off", &[("reply", &long)]).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let page = app
        .page(&cast.udd_boss, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("答復內容最多"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains(&long[..300]), "the typed text stays");
    let case = app.case(&cast.sec, id).await;
    assert_eq!(case.status, CaseStatus::AwaitingSignOff);
    assert_eq!(case.reply, "本局將於年底前完成");
}

#[tokio::test]
async fn approving_and_opening_the_next_walks_the_reviewers_queue_most_urgent_first() {
    let app = TestApp::spawn().await;
    let cast = crate::meetings::Cast::new(&app).await;
    let mut ids = Vec::new();
    for n in 1..=3 {
        let id = awaiting_sign_off(&app, &cast, n, &format!("第{n}案"), "已辦理。").await;
        for (who, step) in [(&cast.udd_boss, "sign_off"), (&cast.sec, "pass_to_review")] {
            assert_eq!(app.step(who, id, step, "").await.status(), StatusCode::OK);
        }
        ids.push(id);
    }
    // The queue is in due-date order, then by id: the first recorded comes first.
    let mut at = ids[0];
    for expected in [Some(ids[1]), Some(ids[2]), None] {
        let page = app
            .page(&cast.rev, &format!("/cases/{at}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("審查通過並開啟下一案"));
        // 結案 (the radio's first choice), and on to the next.
        let res = step_with(
            &app,
            &cast.rev,
            at,
            "approve",
            &[("keep_tracking", "0"), ("then", "next")],
        )
        .await;
        assert!(res.status().is_redirection(), "{}", res.status());
        let to = crate::harness::location(&res).unwrap();
        assert_eq!(app.case(&cast.rev, at).await.status, CaseStatus::Closed);
        match expected {
            Some(next) => {
                assert_eq!(to, format!("/cases/{next}?done=approve"));
                let page = app.page(&cast.rev, &to).await.text().await.unwrap();
                assert!(page.contains("上一案已審查通過。這是佇列中的下一案。"));
                at = next;
            }
            None => {
                assert_eq!(to, "/?done=queue_done");
                let home = app.page(&cast.rev, &to).await.text().await.unwrap();
                assert!(home.contains("佇列中沒有其他待辦的案件了"), "{home}");
            }
        }
    }
}
