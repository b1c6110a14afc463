//! The outbox: steps tell exactly the people concerned, in the step's transaction; the
//! daily reminders run once per day however many servers try; users read their inbox.

use crate::harness::{fresh_database_url, TestApp};
use app::cases::db::run_due_reminders;
use reqwest::StatusCode;

/// `(username, kind)` of every notice, oldest first.
async fn notices(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT u.username, n.kind FROM notifications n JOIN users u ON u.id = n.user_id \
         ORDER BY COALESCE(n.event_id, 1000000000), n.case_id, u.username",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(u, k)| (u.to_string(), k.to_string()))
        .collect()
}

#[tokio::test]
async fn each_step_tells_exactly_the_people_concerned_and_never_another_bureau() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    app.create_user("wang.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let boss = app
        .signed_in("chiu.udd", "bureau_approver", Some("UDD"))
        .await;
    let dla = app
        .signed_in("lin.dla", "bureau_liaison", Some("DLA"))
        .await;
    app.create_user("chiang.dot", "bureau_liaison", Some("DOT"))
        .await;
    let rev = app.signed_in("lo.rev", "reviewer", None).await;

    let id = app.record_question(&sec, 1, "社會住宅").await;
    app.assign(&sec, id, "UDD", &["DLA"]).await;
    app.ok(
        &dla,
        "cases/reject",
        &[("case_id", id.to_string()), ("reason", "非本局業務".into())],
    )
    .await;
    app.ok(&udd, "cases/accept", &[("case_id", id.to_string())])
        .await;
    app.save_reply(&udd, id, 0, "預計年底完工。").await;
    app.step(&udd, id, "submit", "").await;
    app.step(&boss, id, "send_back", "請補充數據").await;
    app.step(&udd, id, "submit", "").await;
    app.step(&boss, id, "sign_off", "").await;
    app.step(&sec, id, "pass_to_review", "").await;
    app.step(&rev, id, "return_from_review", "請補充期程").await;
    app.step(&udd, id, "submit", "").await;
    app.step(&boss, id, "sign_off", "").await;
    app.step(&sec, id, "pass_to_review", "").await;
    let res = app.step(&rev, id, "approve", "").await;
    assert!(res.status().is_success());

    assert_eq!(
        notices(&app).await,
        pairs(&[
            // Assigned: the lead bureau's people and the co-bureau's.
            ("chiu.udd", "assigned"),
            ("ho.udd", "assigned"),
            ("lin.dla", "assigned"),
            // The co-bureau declined: the secretariat hears, not the one who declined.
            ("chen.sec", "rejected"),
            ("wang.sec", "rejected"),
            // The approver sent the draft back: the liaison hears.
            ("ho.udd", "returned"),
            // The reviewer returned it: the lead bureau hears.
            ("chiu.udd", "returned"),
            ("ho.udd", "returned"),
            ("chiu.udd", "approved"),
            ("ho.udd", "approved"),
        ])
    );
}

#[tokio::test]
async fn users_see_their_unread_count_read_their_inbox_and_mark_it_read() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let dot = app
        .signed_in("chiang.dot", "bureau_liaison", Some("DOT"))
        .await;
    for n in 1..=2 {
        let id = app.record_question(&sec, n, &format!("議題{n}")).await;
        app.assign(&sec, id, "UDD", &[]).await;
    }
    let home = app.page(&udd, "/").await.text().await.unwrap();
    assert!(home.contains("通知，2 則未讀"), "top bar count");
    let home = app.page(&dot, "/").await.text().await.unwrap();
    assert!(!home.contains("則未讀") && home.contains("href=\"/notifications\""));

    let inbox = app.page(&udd, "/notifications").await;
    assert_eq!(inbox.status(), StatusCode::OK);
    let html = inbox.text().await.unwrap();
    assert!(html.contains("新分派案件：質詢 第 2 號") && html.contains("議題1"));
    assert!(html.contains("未讀 2 則"));
    assert!(app
        .page(&dot, "/notifications")
        .await
        .text()
        .await
        .unwrap()
        .contains("目前沒有通知"));

    // Another user's notice cannot be marked by guessing its id.
    let first: i64 = sqlx::query_scalar("SELECT MIN(id) FROM notifications")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let changed = app
        .ok(&dot, "notifications/read", &[("id", first.to_string())])
        .await;
    assert_eq!(changed, "0");
    let changed = app
        .ok(&udd, "notifications/read", &[("id", first.to_string())])
        .await;
    assert_eq!(changed, "1");
    let home = app.page(&udd, "/").await.text().await.unwrap();
    assert!(home.contains("通知，1 則未讀"));
    assert_eq!(app.ok(&udd, "notifications/read", &[]).await, "1");
    let home = app.page(&udd, "/").await.text().await.unwrap();
    assert!(!home.contains("則未讀"));
    assert_eq!(
        app.call(&app.client(), "notifications", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn due_reminders_run_once_a_day_however_many_servers_try() {
    let url = fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    app.create_user("ho.udd", "bureau_liaison", Some("UDD"))
        .await;
    app.create_user("chiu.udd", "bureau_approver", Some("UDD"))
        .await;
    app.create_user("chiang.dot", "bureau_liaison", Some("DOT"))
        .await;
    // Both asked at the sitting of 113/03/15, so due 113/03/22; one is never assigned.
    let assigned = app.record_question(&sec, 1, "已分派").await;
    app.assign(&sec, assigned, "UDD", &[]).await;
    let waiting = app.record_question(&sec, 2, "未分派").await;
    let before = notices(&app).await.len();
    let reminders = |app: &TestApp| {
        let db = app.state.db.clone();
        let now = app.state.now().timestamp();
        async move { run_due_reminders(&db, now).await.unwrap() }
    };

    // 113/03/21: due tomorrow.
    app.advance(6 * 24 * 60);
    assert_eq!(reminders(&app).await, Some(3));
    assert_eq!(reminders(&app).await, None, "the day's run is done");
    assert_eq!(
        notices(&app).await[before..],
        pairs(&[
            ("chiu.udd", "due_tomorrow"),
            ("ho.udd", "due_tomorrow"),
            ("chen.sec", "due_tomorrow"),
        ])
    );

    // 113/03/23, a Saturday: nothing on a day off.
    app.advance(2 * 24 * 60);
    assert_eq!(reminders(&app).await, Some(0));

    // 113/03/25, the first working day overdue: the liaison officers are chased (and the
    // secretariat of the case nobody has). Two servers (two pools) try at the same moment;
    // one runs.
    app.advance(2 * 24 * 60);
    let other_server = app::db::connect(&url).await.unwrap();
    let now = app.state.now().timestamp();
    let (a, b) = tokio::join!(
        run_due_reminders(&other_server, now),
        run_due_reminders(&app.state.db, now)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        [a, b].iter().filter(|r| r.is_some()).count(),
        1,
        "exactly one run: {a:?} {b:?}"
    );
    assert_eq!(a.or(b), Some(2));
    let overdue = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT u.username FROM notifications n JOIN users u ON u.id = n.user_id \
                 WHERE n.kind = 'overdue' ORDER BY u.username",
            )
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    assert_eq!(overdue(&app).await, ["chen.sec", "ho.udd"]);
    // Still overdue the next day, but the next chase is three working days on (113/03/28);
    // the third (113/04/02) reaches the bureau's approver too.
    app.advance(24 * 60);
    assert_eq!(reminders(&app).await, Some(0));
    app.advance(2 * 24 * 60);
    assert_eq!(reminders(&app).await, Some(2));
    app.advance(5 * 24 * 60);
    assert_eq!(reminders(&app).await, Some(3));
    assert_eq!(
        overdue(&app).await,
        ["chen.sec", "chen.sec", "chen.sec", "chiu.udd", "ho.udd", "ho.udd", "ho.udd"]
    );
    let runs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM job_runs")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(runs, 6);
    let dot: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE u.username = 'chiang.dot'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(dot, 0, "another bureau hears nothing");
    let about_waiting: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE case_id = $1")
            .bind(waiting)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        about_waiting, 4,
        "the secretariat: due the next working day, then each of three chases"
    );
}

#[tokio::test]
async fn a_liaison_moved_to_another_bureau_no_longer_reads_the_old_bureaus_case_topics() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let id = app.record_question(&sec, 1, "都更案的機密議題").await;
    app.assign(&sec, id, "UDD", &[]).await;
    let inbox = app.page(&udd, "/notifications").await.text().await.unwrap();
    assert!(inbox.contains("都更案的機密議題"));

    let dot = app.bureau("DOT").await;
    sqlx::query("UPDATE users SET bureau_id = $1 WHERE username = 'ho.udd'")
        .bind(dot)
        .execute(&app.state.db)
        .await
        .unwrap();
    let inbox = app.page(&udd, "/notifications").await.text().await.unwrap();
    assert!(!inbox.contains("都更案的機密議題"), "{inbox}");
    let home = app.page(&udd, "/").await.text().await.unwrap();
    assert!(!home.contains("則未讀"), "nor counts them");
}

#[tokio::test]
async fn the_secretariat_sees_what_was_chased_this_morning_and_the_cases_still_unanswered_after_three_chases(
) {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    // Friday 2024-03-15. Due dates: Thursday (1st overdue chase today), next Monday (due
    // next working day), 3/6 (7 working days late: the 3rd chase) and 3/1 (10 late: the
    // 4th chase, on the overdue list since the day after the 3rd).
    for (n, topic, due) in [
        (1, "昨天到期", "2024-03-14"),
        (2, "下週一到期", "2024-03-18"),
        (3, "第三次催辦", "2024-03-06"),
        (4, "久未答復", "2024-03-01"),
    ] {
        let id = app.record_question(&sec, n, topic).await;
        app.assign(&sec, id, "UDD", &[]).await;
        sqlx::query("UPDATE cases SET due_on = $1 WHERE id = $2")
            .bind(due)
            .bind(id)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let page = app.page(&sec, "/").await.text().await.unwrap();
    for words in [
        "今天催辦的案件（4）",
        "第 1 次逾期催辦：聯絡人",
        "下一個工作日到期，已提醒局處",
        "第 3 次逾期催辦：聯絡人與核定主管",
        "第 4 次逾期催辦：聯絡人與核定主管",
        "逾期清單：催辦三次後仍未答復（1）",
        "已催辦 4 次，逾期 10 個工作日",
    ] {
        assert!(page.contains(words), "{words}");
    }
    // Saturday: nothing is chased; the list stays.
    app.clock.advance(chrono::Duration::days(1));
    let sec = app.sign_in("chen.sec").await;
    let page = app.page(&sec, "/").await.text().await.unwrap();
    assert!(page.contains("今天不是工作日，不催辦。"));
    assert!(page.contains("逾期清單：催辦三次後仍未答復（1）"));
}

#[tokio::test]
async fn on_the_meetings_eve_each_bureau_hears_of_its_cases_without_progress_and_the_reviewer_of_the_agenda(
) {
    use crate::meetings::{report, schedule, tracked, Cast};
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let quiet = tracked(&app, &cast, 5, "信義計畫區停車", "UDD").await;
    let reported = tracked(&app, &cast, 6, "公車路網調整", "DOT").await;
    assert!(
        report(&app, &cast.dot, reported, "已完成路網檢討。", "113/04/30")
            .await
            .status()
            .is_success()
    );
    // Thursday 3/21: bureaus hear on Tuesday, the reviewer on Wednesday.
    let res = schedule(&app, &cast.sec, "113/03/21").await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let heard = |kind: &'static str| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_as::<_, (String, i64)>(
                "SELECT u.username, n.case_id FROM notifications n JOIN users u ON u.id = n.user_id \
                 WHERE n.kind = $1 ORDER BY u.username, n.case_id",
            )
            .bind(kind)
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    let day = |d: i64| {
        // 07:30 Taipei on March d, 2024 (a day's chases are written from 07:00).
        chrono::DateTime::parse_from_rfc3339(&format!("2024-03-{d:02}T07:30:00+08:00"))
            .unwrap()
            .timestamp()
    };
    run_due_reminders(&app.state.db, day(18)).await.unwrap();
    assert!(
        heard("meeting_reports").await.is_empty(),
        "Monday: too early"
    );

    run_due_reminders(&app.state.db, day(19)).await.unwrap();
    assert_eq!(
        heard("meeting_reports").await,
        vec![("ho.udd".to_owned(), quiet), ("wang.udd".to_owned(), quiet)],
        "only the bureau whose case has no report since the last meeting"
    );
    assert!(heard("meeting_agenda").await.is_empty());

    run_due_reminders(&app.state.db, day(20)).await.unwrap();
    assert_eq!(
        heard("meeting_agenda").await,
        vec![
            ("lo.rev".to_owned(), quiet),
            ("lo.rev".to_owned(), reported)
        ]
    );
    assert_eq!(heard("meeting_reports").await.len(), 2, "told once");
}

#[tokio::test]
async fn a_long_backlog_fills_both_chase_lists_to_fifty_most_overdue_first_and_the_page_after_it_still_loads(
) {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    // 200 unanswered questions due one a day from 2023-08-28 (a Monday) to 2024-03-14: far
    // more than either list shows, so the chase stops reading part way (issue 28).
    let first = chrono::NaiveDate::from_ymd_opt(2023, 8, 28).unwrap();
    for n in 0..200 {
        let topic = if n == 0 {
            "最久未答復".to_owned()
        } else {
            format!("積案 {n}")
        };
        let id = app.record_question(&sec, n + 1, &topic).await;
        sqlx::query("UPDATE cases SET due_on = $1 WHERE id = $2")
            .bind((first + chrono::Duration::days(n)).to_string())
            .bind(id)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let on_friday = app.page(&sec, "/").await.text().await.unwrap();
    assert!(on_friday.contains("今天催辦的案件（50）"), "{on_friday}");
    assert!(on_friday.contains("逾期清單：催辦三次後仍未答復（50）"));
    // The overdue list is the page's last; it holds the 50 most overdue, due by 10/16.
    let list = &on_friday[on_friday.find("逾期清單：催辦三次後仍未答復").unwrap()..];
    assert!(list.contains("最久未答復"));
    assert!(list.contains("積案 49"));
    assert!(
        !list.contains("積案 120"),
        "due 12/26, past the first fifty"
    );

    // Saturday: nothing is chased, and the overdue list is still full.
    app.clock.advance(chrono::Duration::days(1));
    let sec = app.sign_in("chen.sec").await;
    let on_saturday = app.page(&sec, "/").await.text().await.unwrap();
    assert!(on_saturday.contains("今天不是工作日，不催辦。"));
    assert!(on_saturday.contains("逾期清單：催辦三次後仍未答復（50）"));
    // The reading left part way gave its connection back: the next pages load.
    for _ in 0..3 {
        assert!(app.page(&sec, "/").await.status().is_success());
        assert!(app.page(&sec, "/cases").await.status().is_success());
    }
}
