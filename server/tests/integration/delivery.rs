//! Delivery: notices leave by e-mail to a real (loopback) SMTP server and by signed JSON to
//! a real HTTP gateway; each person's mode, the morning digest, days off, retries, the
//! admin's resend, the `.eml` folder, hostile text, and two runners on one queue.

use crate::{
    harness::TestApp,
    loopback::{Gateway, Smtp},
};
use app::notifications::delivery::{one_line, DeliveryState};
use chrono::Duration;
use server::features::delivery::Runner;

fn runner(app: &TestApp) -> Runner {
    Runner::new(app.state.clone(), &app.web).unwrap()
}

async fn set_email(app: &TestApp, username: &str, address: &str) {
    sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
        .bind(address)
        .bind(username)
        .execute(&app.state.db)
        .await
        .unwrap();
}

/// `(state, recipient)` of every message, oldest first.
async fn outbox(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT state, recipient FROM messages ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .unwrap()
}

fn accepted(res: &reqwest::Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

/// A fresh app mailing `smtp`, with a secretariat officer and UDD's liaison and approver,
/// each with an address.
async fn desk(smtp: &Smtp) -> (TestApp, reqwest::Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with_mail(Some(&smtp.url()), dir.path()).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    app.create_user("ho.udd", "bureau_liaison", Some("UDD"))
        .await;
    app.create_user("chiu.udd", "bureau_approver", Some("UDD"))
        .await;
    set_email(&app, "ho.udd", "ho@udd.example.gov.tw").await;
    set_email(&app, "chiu.udd", "chiu@udd.example.gov.tw").await;
    (app, sec, dir)
}

#[tokio::test]
async fn an_assigned_liaison_officer_is_mailed_at_once_with_the_topic_and_a_link_and_the_approver_waits_for_the_digest(
) {
    let smtp = Smtp::start().await;
    let (app, sec, _dir) = desk(&smtp).await;
    let id = app.record_question(&sec, 1, "北投區社會住宅興建進度").await;
    app.assign(&sec, id, "UDD", &[]).await;

    let run = runner(&app).run_once().await.unwrap();
    assert_eq!((run.queued, run.sent), (1, 1));
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].to, ["ho@udd.example.gov.tw"]);
    let mail = messages[0].parsed();
    assert_eq!(mail.subject(), Some("［府會通］新分派案件：質詢 第 1 號"));
    let text = mail.body_text(0).unwrap();
    assert!(text.contains("議題：北投區社會住宅興建進度"), "{text}");
    assert!(text.contains(&format!("https://fuhuitong.example.gov.tw/cases/{id}")));
    assert!(mail.body_html(0).unwrap().contains("<a href="));
    let message_id = mail.message_id().unwrap().to_owned();
    assert!(
        message_id.ends_with("@fuhuitong.example.gov.tw"),
        "{message_id}"
    );

    // Nothing more on the next run: each message goes once.
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 0);
    assert_eq!(smtp.messages().len(), 1);

    // The approver hears of assignments in the morning digest: at 08:30 the next working
    // day (Monday: the clock starts on Friday 2024-03-15 at 08:00).
    app.clock.advance(Duration::days(3));
    app.advance(29);
    assert_eq!(runner(&app).run_once().await.unwrap().digests, None);
    app.advance(1);
    let run = runner(&app).run_once().await.unwrap();
    assert_eq!(run.digests, Some(1));
    let digest = smtp.messages().pop().unwrap();
    assert_eq!(digest.to, ["chiu@udd.example.gov.tw"]);
    let mail = digest.parsed();
    assert_eq!(
        mail.subject(),
        Some("［府會通］每日摘要 113/03/18：1 則通知")
    );
    assert!(mail.body_text(0).unwrap().contains("【新分派案件】1 則"));
    // One digest a day, however often the runner comes.
    app.advance(60);
    assert_eq!(runner(&app).run_once().await.unwrap().digests, None);
    assert_eq!(smtp.messages().len(), 2);
}

#[tokio::test]
async fn on_a_day_off_only_what_cannot_wait_goes_out_the_rest_joins_the_next_working_morning() {
    let smtp = Smtp::start().await;
    let (app, _first, _dir) = desk(&smtp).await;
    // Saturday 2024-03-16, 10:00 (a new day's session).
    app.clock.advance(Duration::hours(26));
    let sec = app.sign_in("chen.sec").await;
    let id = app.record_question(&sec, 2, "週末分派的案件").await;
    app.assign(&sec, id, "UDD", &[]).await;
    let run = runner(&app).run_once().await.unwrap();
    assert_eq!((run.queued, run.sent, run.digests), (0, 0, None));

    // Monday 08:30: the liaison's notice is in their digest, with the approver's.
    app.clock
        .advance(Duration::hours(46) + Duration::minutes(30));
    let run = runner(&app).run_once().await.unwrap();
    assert_eq!(run.digests, Some(2));
    let mut to: Vec<String> = smtp.messages().iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    assert_eq!(to, ["chiu@udd.example.gov.tw", "ho@udd.example.gov.tw"]);
}

#[tokio::test]
async fn an_approver_moved_to_another_bureau_overnight_is_not_mailed_the_old_bureaus_topics() {
    let smtp = Smtp::start().await;
    let (app, sec, _dir) = desk(&smtp).await;
    let admin = app.signed_in("root", "admin", None).await;
    let id = app.record_question(&sec, 10, "舊局處的議題").await;
    app.assign(&sec, id, "UDD", &[]).await;
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 1); // the liaison, at once
    let chiu = app.current_user("chiu.udd").await;
    let dot = app.bureau("DOT").await;
    app.ok(
        &admin,
        "admin/users/bureau",
        &[
            ("user_id", chiu.id.to_string()),
            ("bureau_id", dot.to_string()),
        ],
    )
    .await;
    app.clock.advance(Duration::days(3));
    app.advance(30);
    assert_eq!(runner(&app).run_once().await.unwrap().digests, Some(0));
    assert_eq!(smtp.messages().len(), 1);
    assert!(!smtp.messages().iter().any(|m| m.data.contains("chiu@")));
}

#[tokio::test]
async fn a_person_who_turned_a_kind_off_hears_nothing_and_the_change_is_audited() {
    let smtp = Smtp::start().await;
    let (app, sec, _dir) = desk(&smtp).await;
    let ho = app.sign_in("ho.udd").await;
    let res = app
        .call(
            &ho,
            "account/notifications/save",
            &[("prefs[assigned]", "off".into())],
        )
        .await;
    assert!(accepted(&res), "{}", res.status());
    let id = app.record_question(&sec, 3, "不想收信").await;
    app.assign(&sec, id, "UDD", &[]).await;
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 0);
    assert!(smtp.messages().is_empty());
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'notification_prefs_changed'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(logged, 1);
    // A mode that is not one is refused.
    let res = app
        .call(
            &ho,
            "account/notifications/save",
            &[("prefs[assigned]", "sometimes".into())],
        )
        .await;
    assert!(!accepted(&res));
}

#[tokio::test]
async fn a_busy_relay_is_tried_again_later_and_a_refused_address_fails_until_the_admin_resends_it()
{
    let smtp = Smtp::start().await;
    let (app, sec, _dir) = desk(&smtp).await;
    let admin = app.signed_in("root", "admin", None).await;
    smtp.answer_next(&[451]);
    let first = app.record_question(&sec, 4, "第一案").await;
    app.assign(&sec, first, "UDD", &[]).await;
    let run = runner(&app).run_once().await.unwrap();
    assert_eq!((run.sent, run.retrying), (0, 1));
    let (state, answer): (String, String) = sqlx::query_as("SELECT state, answer FROM messages")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(state, DeliveryState::Queued.as_str());
    assert!(answer.contains("451"), "{answer}");
    // Not before its wait is over; then it goes.
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 0);
    app.advance(1);
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 1);
    assert_eq!(smtp.messages().len(), 1);

    smtp.answer_next(&[550]);
    let second = app.record_question(&sec, 5, "第二案").await;
    app.assign(&sec, second, "UDD", &[]).await;
    let run = runner(&app).run_once().await.unwrap();
    assert_eq!(run.failed, 1);
    let failed: i64 = sqlx::query_scalar("SELECT id FROM messages WHERE state = 'failed'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    // The admin's log shows it with the server's answer and a resend button.
    let page = app
        .page(&admin, "/admin/deliveries?state=failed")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("550") && page.contains("no such mailbox"));
    assert!(page.contains("重寄"));
    let res = app
        .call(
            &admin,
            "admin/deliveries/resend",
            &[("id", failed.to_string())],
        )
        .await;
    assert!(accepted(&res));
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 1);
    let resent = smtp.messages().pop().unwrap();
    // Sent once more, as the same message.
    let ids: Vec<String> = sqlx::query_scalar("SELECT message_id FROM messages WHERE id = $1")
        .bind(failed)
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        resent.parsed().message_id().map(|m| format!("<{m}>")),
        Some(ids[0].clone())
    );
    // A message that has not failed is not resent; only the admin may.
    assert!(!accepted(
        &app.call(
            &admin,
            "admin/deliveries/resend",
            &[("id", failed.to_string())]
        )
        .await
    ));
    assert!(!accepted(
        &app.call(
            &sec,
            "admin/deliveries/resend",
            &[("id", failed.to_string())]
        )
        .await
    ));
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'message_resent'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn hostile_names_and_topics_cannot_add_a_header_break_the_html_or_the_json() {
    let smtp = Smtp::start().await;
    let (app, sec, _dir) = desk(&smtp).await;
    let secret = "s".repeat(40);
    let gateway = Gateway::start(&secret).await;
    let admin = app.signed_in("root", "admin", None).await;
    app.ok(
        &admin,
        "admin/webhooks/add",
        &[
            ("name", "LINE 閘道".into()),
            ("url", gateway.url()),
            ("secret", secret.clone()),
        ],
    )
    .await;
    sqlx::query("UPDATE users SET display_name = $1 WHERE username = 'ho.udd'")
        .bind(format!(
            "何\r\nBcc: everyone@example.com\r\n\r\n<b>x</b>{}",
            "名".repeat(10_000)
        ))
        .execute(&app.state.db)
        .await
        .unwrap();
    let topic = format!(
        "<script>alert(1)</script>\r\nSubject: 假\u{202E}\"}}{}",
        "長".repeat(150)
    );
    let id = app.record_question(&sec, 6, &topic).await;
    app.assign(&sec, id, "UDD", &[]).await;
    let run = runner(&app).run_once().await.unwrap();
    assert_eq!(run.sent, 2, "{run:?}");

    let received = smtp.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, ["ho@udd.example.gov.tw"]);
    let head = received[0].data.split("\r\n\r\n").next().unwrap();
    assert!(!head.contains("Bcc"), "{head}");
    assert_eq!(
        head.matches("\r\nSubject:").count() + head.starts_with("Subject:") as usize,
        1
    );
    let mail = received[0].parsed();
    let html = mail.body_html(0).unwrap();
    assert!(!html.contains("<script>") && !html.contains("<b>x</b>"));
    assert!(html.contains("&lt;script&gt;"));
    assert!(!mail.body_text(0).unwrap().contains('\u{202E}'));

    let hooks = gateway.hooks();
    assert_eq!(hooks.len(), 1);
    assert!(hooks[0].signed_correctly);
    let json: serde_json::Value = serde_json::from_str(&hooks[0].body).unwrap();
    assert_eq!(json["to"]["username"], "ho.udd");
    assert_eq!(json["notices"][0]["topic"], one_line(&topic, 80));
    assert_eq!(json["notices"][0]["kind"], "assigned");
    assert_eq!(json["message_id"], hooks[0].message_id);
}

#[tokio::test]
async fn a_gateway_that_fails_is_retried_and_one_that_refuses_fails_for_good() {
    let smtp = Smtp::start().await;
    let (app, sec, _dir) = desk(&smtp).await;
    let secret = "k".repeat(32);
    let gateway = Gateway::start(&secret).await;
    let admin = app.signed_in("root", "admin", None).await;
    app.ok(
        &admin,
        "admin/webhooks/add",
        &[
            ("name", "Teams".into()),
            ("url", gateway.url()),
            ("secret", secret.clone()),
        ],
    )
    .await;
    // A short secret, or a second gateway of the same name, is refused.
    let short = app
        .call(
            &admin,
            "admin/webhooks/add",
            &[
                ("name", "Teams".into()),
                ("url", gateway.url()),
                ("secret", "short".into()),
            ],
        )
        .await;
    assert!(!accepted(&short));
    gateway.answer_next(&[503, 200, 404]);
    let id = app.record_question(&sec, 7, "閘道").await;
    app.assign(&sec, id, "UDD", &[]).await;
    let run = runner(&app).run_once().await.unwrap();
    assert_eq!((run.sent, run.retrying), (1, 1)); // the e-mail went, the hook waits
    app.advance(1);
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 1);
    let other = app.record_question(&sec, 8, "閘道二").await;
    app.assign(&sec, other, "UDD", &[]).await;
    assert_eq!(runner(&app).run_once().await.unwrap().failed, 1);
    let states: Vec<String> =
        sqlx::query_scalar("SELECT state FROM messages WHERE channel = 'webhook' ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(states, ["sent", "failed"]);
    assert!(gateway.hooks().iter().all(|h| h.signed_correctly));
}

#[tokio::test]
async fn a_new_address_is_used_only_once_its_owner_confirms_it_by_the_mailed_link() {
    let smtp = Smtp::start().await;
    let (app, _sec, _dir) = desk(&smtp).await;
    let ho = app.sign_in("ho.udd").await;
    let res = app
        .call(
            &ho,
            "account/email",
            &[("email", "Ho.New@udd.example.gov.tw".into())],
        )
        .await;
    assert!(accepted(&res));
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 1);
    let letter = smtp.messages().pop().unwrap();
    assert_eq!(letter.to, ["ho.new@udd.example.gov.tw"]);
    let text = letter.parsed().body_text(0).unwrap().to_string();
    let token = text
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let email = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT email FROM users WHERE username = 'ho.udd'")
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(email(&app).await, "ho@udd.example.gov.tw");
    // Someone else's session cannot use the link.
    let other = app
        .signed_in("lin.udd", "bureau_liaison", Some("UDD"))
        .await;
    assert!(!accepted(
        &app.call(&other, "account/email/confirm", &[("token", token.clone())])
            .await
    ));
    assert!(!accepted(
        &app.call(&ho, "account/email/confirm", &[("token", "wrong".into())])
            .await
    ));
    assert!(accepted(
        &app.call(&ho, "account/email/confirm", &[("token", token.clone())])
            .await
    ));
    assert_eq!(email(&app).await, "ho.new@udd.example.gov.tw");
    // A link works once.
    assert!(!accepted(
        &app.call(&ho, "account/email/confirm", &[("token", token)])
            .await
    ));
    let page = app
        .page(&ho, "/account/notifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("通知寄到 ho.new@udd.example.gov.tw"));
}

#[tokio::test]
async fn with_no_relay_messages_become_eml_files_the_admin_can_open() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with_mail(None, dir.path()).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    app.create_user("ho.udd", "bureau_liaison", Some("UDD"))
        .await;
    set_email(&app, "ho.udd", "ho@udd.example.gov.tw").await;
    let admin = app.signed_in("root", "admin", None).await;
    let id = app.record_question(&sec, 9, "寫成檔案").await;
    app.assign(&sec, id, "UDD", &[]).await;
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 1);
    let files: Vec<String> = std::fs::read_dir(dir.path().join("mail"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), 1);
    let page = app
        .page(&admin, "/admin/deliveries")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("尚未設定郵件伺服器"));
    assert!(page.contains(&files[0]));
    let res = admin
        .get(app.url(&format!("/admin/deliveries/files/{}", files[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "message/rfc822");
    let bytes = res.bytes().await.unwrap();
    let parsed = mail_parser::MessageParser::default()
        .parse(&bytes[..])
        .unwrap();
    assert_eq!(parsed.subject(), Some("［府會通］新分派案件：質詢 第 9 號"));
    // Only the admin, and only a file of the folder.
    let refused = sec
        .get(app.url(&format!("/admin/deliveries/files/{}", files[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    for bad in ["..%2Fapp.db", "x.txt", ".eml"] {
        let res = admin
            .get(app.url(&format!("/admin/deliveries/files/{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{bad}");
    }
}

#[tokio::test]
async fn two_runners_on_one_queue_send_each_message_exactly_once() {
    let smtp = Smtp::start().await;
    let (app, sec, _dir) = desk(&smtp).await;
    for n in 0..12 {
        let id = app
            .record_question(&sec, 20 + n, &format!("第 {n} 案"))
            .await;
        app.assign(&sec, id, "UDD", &[]).await;
    }
    let mut web = app.web.clone();
    web.mail.batch = 3;
    let (a, b) = (
        Runner::new(app.state.clone(), &web).unwrap(),
        Runner::new(app.state.clone(), &web).unwrap(),
    );
    loop {
        let (ra, rb) = tokio::join!(a.run_once(), b.run_once());
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        if ra.sent + rb.sent == 0 {
            break;
        }
    }
    let messages = smtp.messages();
    assert_eq!(messages.len(), 12);
    let mut ids: Vec<String> = messages
        .iter()
        .map(|m| m.parsed().message_id().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12);
    assert!(outbox(&app).await.iter().all(|(s, _)| s == "sent"));
}

#[tokio::test]
async fn a_runner_killed_between_send_and_mark_sends_again_with_the_same_message_id() {
    let smtp = Smtp::start().await;
    let (app, sec, _dir) = desk(&smtp).await;
    let id = app.record_question(&sec, 40, "中斷").await;
    app.assign(&sec, id, "UDD", &[]).await;
    let sender = app::notifications::db::outbox::Sender {
        base: "https://fuhuitong.example.gov.tw",
        city: &app.state.city,
    };
    let now = app.state.now().timestamp();
    app::notifications::db::outbox::route_new(&app.state.db, &sender, now)
        .await
        .unwrap();
    // A runner claims the message, and dies before it marks it.
    let claimed = app::notifications::db::outbox::claim(&app.state.db, "dead", now, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    // Within its lease nobody else takes it; after, another runner does.
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 0);
    app.advance(3);
    assert_eq!(runner(&app).run_once().await.unwrap().sent, 1);
    let sent = smtp.messages().pop().unwrap();
    assert_eq!(
        sent.parsed().message_id().map(|m| format!("<{m}>")),
        Some(claimed[0].message_id.clone())
    );
}

#[tokio::test]
async fn a_fortnight_of_chases_follows_the_working_days_through_a_holiday_and_a_make_up_saturday() {
    use app::cases::db::run_due_reminders;
    let smtp = Smtp::start().await;
    let (app, sec, _dir) = desk(&smtp).await;
    // Wednesday 3/20 is a holiday; Saturday 3/23 is a make-up workday.
    for (day, kind) in [("2024-03-20", "holiday"), ("2024-03-23", "workday")] {
        sqlx::query("INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, '測試')")
            .bind(day)
            .bind(kind)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let id = app.record_question(&sec, 1, "北投區社會住宅興建進度").await;
    app.assign(&sec, id, "UDD", &[]).await;
    sqlx::query("UPDATE cases SET due_on = '2024-03-19' WHERE id = $1")
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    runner(&app).run_once().await.unwrap();
    let start = smtp.messages().len();
    // Friday 3/15 08:00 → each later day at 06:50 (too early), 07:00, and 08:30 (digests).
    let mut seen: Vec<(u32, String, String)> = Vec::new();
    for day in 16..=29u32 {
        let at = |h: u32, m: u32| {
            chrono::DateTime::parse_from_rfc3339(&format!(
                "2024-03-{day:02}T{h:02}:{m:02}:00+08:00"
            ))
            .unwrap()
            .with_timezone(&chrono::Utc)
        };
        let now = app.state.now();
        app.clock.advance(at(6, 50) - now);
        assert_eq!(
            run_due_reminders(&app.state.db, app.state.now().timestamp())
                .await
                .unwrap(),
            None,
            "nothing in the night"
        );
        app.clock.advance(Duration::minutes(10));
        run_due_reminders(&app.state.db, app.state.now().timestamp())
            .await
            .unwrap();
        runner(&app).run_once().await.unwrap();
        app.clock.advance(Duration::minutes(90));
        runner(&app).run_once().await.unwrap();
        for m in smtp.messages().into_iter().skip(start + seen.len()) {
            let subject = m.parsed().subject().unwrap_or("").to_owned();
            seen.push((day, m.to[0].clone(), subject));
        }
    }
    let to_ho: Vec<(u32, &str)> = seen
        .iter()
        .filter(|(_, to, _)| to == "ho@udd.example.gov.tw")
        .map(|(d, _, s)| (*d, s.as_str()))
        .collect();
    assert_eq!(
        to_ho,
        vec![
            // The last working day before Tuesday's due date: Monday, not Sunday.
            (18, "［府會通］下一個工作日到期：質詢 第 1 號"),
            // First working day overdue: Thursday (Wednesday is a holiday), then every third
            // working day, the make-up Saturday counted.
            (21, "［府會通］已逾期：質詢 第 1 號"),
            (25, "［府會通］已逾期：質詢 第 1 號"),
            (28, "［府會通］已逾期：質詢 第 1 號"),
        ],
        "{seen:?}"
    );
    let to_chiu: Vec<(u32, &str)> = seen
        .iter()
        .filter(|(_, to, _)| to == "chiu@udd.example.gov.tw")
        .map(|(d, _, s)| (*d, s.as_str()))
        .collect();
    assert_eq!(
        to_chiu,
        vec![
            // The approver's digest of Monday: the assignment and the coming due date.
            (18, "［府會通］每日摘要 113/03/18：2 則通知"),
            // The third chase reaches the approver too, at once.
            (28, "［府會通］已逾期：質詢 第 1 號"),
        ],
        "{seen:?}"
    );
    // Nothing went out on a day off.
    assert!(
        seen.iter().all(|(d, _, _)| ![16, 17, 20, 24].contains(d)),
        "{seen:?}"
    );
    // The day after the third chase the case is on the secretariat's overdue list.
    let sec = app.client();
    let password = crate::harness::PASSWORD;
    assert!(app
        .login(&sec, "chen.sec", password)
        .await
        .status()
        .is_success());
    let home = app.page(&sec, "/").await.text().await.unwrap();
    assert!(home.contains("已催辦 3 次，逾期 8 個工作日"), "{home}");
}
