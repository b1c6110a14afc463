//! The audit log: every audited action writes its row (who, what, before/after, from
//! where); the admin reads it with filters and exports it; young rows cannot be deleted.

use crate::harness::{TestApp, PASSWORD};
use reqwest::{header, StatusCode};
use sqlx::Row;

/// `(action, actor, target kind, target id)` of every audit row, oldest first.
async fn rows(app: &TestApp) -> Vec<(String, String, String, String)> {
    sqlx::query("SELECT action, actor_name, target_kind, target_id FROM audit_log ORDER BY seq")
        .fetch_all(&app.state.db)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get("action"),
                r.get("actor_name"),
                r.get("target_kind"),
                r.get("target_id"),
            )
        })
        .collect()
}

async fn data_of(app: &TestApp, action: &str) -> serde_json::Value {
    let data: String = sqlx::query_scalar(
        "SELECT data FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(action)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    serde_json::from_str(&data).unwrap()
}

fn row(action: &str, actor: &str, kind: &str, id: &str) -> (String, String, String, String) {
    (action.into(), actor.into(), kind.into(), id.into())
}

#[tokio::test]
async fn logins_logouts_and_locks_are_audited_with_the_client_address() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let client = app.client();
    assert!(app
        .login(&client, "chen.sec", PASSWORD)
        .await
        .status()
        .is_success());
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'chen.sec'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    app.ok(&client, "logout", &[]).await;
    for _ in 0..5 {
        app.login(&app.client(), "Chen.Sec", "wrong password").await;
    }
    // Locked now: even the right password is refused, and that is recorded too.
    app.login(&app.client(), "chen.sec", PASSWORD).await;

    let id = user_id.to_string();
    assert_eq!(
        rows(&app).await,
        vec![
            row("login", "chen.sec", "user", &id),
            row("logout", "chen.sec", "user", &id),
            row("login_failed", "chen.sec", "", ""),
            row("login_failed", "chen.sec", "", ""),
            row("login_failed", "chen.sec", "", ""),
            row("login_failed", "chen.sec", "", ""),
            row("login_locked", "chen.sec", "", ""),
            row("login_failed", "chen.sec", "", ""),
        ]
    );
    assert_eq!(data_of(&app, "login_locked").await["failures"], 5);
    assert_eq!(data_of(&app, "login_failed").await["reason"], "locked");
    let addresses: Vec<String> = sqlx::query_scalar("SELECT DISTINCT client_addr FROM audit_log")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(addresses, vec!["127.0.0.1".to_owned()]);
}

#[tokio::test]
async fn account_reference_deadline_and_calendar_changes_are_audited_with_before_and_after() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let before = rows(&app).await.len();
    let udd = app.bureau("UDD").await;
    let dot = app.bureau("DOT").await;
    let new_user: i64 = app
        .ok(
            &admin,
            "admin/users/create",
            &[
                ("username", "ho.udd".into()),
                ("display_name", "何聯絡".into()),
                ("role", "bureau_liaison".into()),
                ("bureau_id", udd.to_string()),
                ("password", PASSWORD.into()),
            ],
        )
        .await
        .parse()
        .unwrap();
    app.ok(
        &admin,
        "admin/users/bureau",
        &[
            ("user_id", new_user.to_string()),
            ("bureau_id", dot.to_string()),
        ],
    )
    .await;
    app.ok(
        &admin,
        "admin/users/password",
        &[
            ("user_id", new_user.to_string()),
            ("password", "another long password".into()),
        ],
    )
    .await;
    // The reset password is the one that works now.
    let res = app
        .login(&app.client(), "ho.udd", "another long password")
        .await;
    assert!(res.status().is_success());
    let bureau: i64 = app
        .ok(
            &admin,
            "admin/reference/bureau",
            &[
                ("code", "tpmo".into()),
                ("name", "臺北市示範管理處".into()),
                ("short_name", "示範處".into()),
            ],
        )
        .await
        .parse()
        .unwrap();
    app.ok(
        &admin,
        "admin/reference/bureau/update",
        &[
            ("id", bureau.to_string()),
            ("code", "tpmo".into()),
            ("name", "臺北市示範管理處".into()),
            ("short_name", "管理處".into()),
        ],
    )
    .await;
    app.ok(
        &admin,
        "admin/reference/active",
        &[("kind", "bureau".into()), ("id", bureau.to_string())],
    )
    .await;
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
    app.ok(
        &admin,
        "admin/calendar/import",
        &[(
            "csv",
            "2024-04-04,holiday,兒童節\n2024-04-05,holiday,清明節\n".into(),
        )],
    )
    .await;
    app.ok(
        &admin,
        "admin/calendar/remove",
        &[("day", "113/03/20".into())],
    )
    .await;

    let (u, b) = (new_user.to_string(), bureau.to_string());
    assert_eq!(
        rows(&app).await[before..],
        [
            row("user_created", "root.admin", "user", &u),
            row("user_changed", "root.admin", "user", &u),
            row("password_changed", "root.admin", "user", &u),
            row("login", "ho.udd", "user", &u),
            row("reference_created", "root.admin", "bureau", &b),
            row("reference_updated", "root.admin", "bureau", &b),
            row("reference_retired", "root.admin", "bureau", &b),
            row(
                "deadline_rule_changed",
                "root.admin",
                "deadline_rule",
                "question_reply"
            ),
            row(
                "calendar_day_saved",
                "root.admin",
                "calendar_day",
                "2024-03-20"
            ),
            row("calendar_imported", "root.admin", "calendar_day", ""),
            row(
                "calendar_day_removed",
                "root.admin",
                "calendar_day",
                "2024-03-20"
            ),
        ]
    );
    let moved = data_of(&app, "user_changed").await;
    assert_eq!(moved["before"]["bureau_id"], udd);
    assert_eq!(moved["after"]["bureau_id"], dot);
    assert!(!data_of(&app, "password_changed")
        .await
        .to_string()
        .contains("another"));
    let renamed = data_of(&app, "reference_updated").await;
    assert_eq!(renamed["before"]["short_name"], "示範處");
    assert_eq!(renamed["after"]["short_name"], "管理處");
    let retired = data_of(&app, "reference_retired").await;
    // A flag is 1/0 on SQLite and a boolean on PostgreSQL.
    let flag = |v: &serde_json::Value| v.as_bool().or(v.as_i64().map(|n| n != 0));
    assert_eq!(
        (
            flag(&retired["before"]["active"]),
            flag(&retired["after"]["active"])
        ),
        (Some(true), Some(false))
    );
    let rule = data_of(&app, "deadline_rule_changed").await;
    assert_eq!(rule["before"]["days"], 7);
    assert_eq!(rule["after"]["days"], 5);
    assert_eq!(data_of(&app, "calendar_imported").await["days"], 2);
    assert_eq!(
        data_of(&app, "calendar_day_removed").await["before"]["name"],
        "測試假日"
    );
}

#[tokio::test]
async fn downloads_and_refused_access_to_a_case_are_audited() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let pwd = app
        .signed_in("lin.pwd", "bureau_liaison", Some("PWD"))
        .await;
    let case = app.record_question(&sec, 1, "社會住宅").await;
    app.assign(&sec, case, "UDD", &[]).await;

    // Another bureau's case does not exist for PWD, whether asked for as a page or a step;
    // the secretariat sees it but may not act for a bureau.
    let page = app.page(&pwd, &format!("/cases/{case}")).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let accept = [("case_id", case.to_string())];
    let res = app.call(&pwd, "cases/accept", &accept).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.call(&sec, "cases/accept", &accept).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .call(&pwd, "cases/detail", &[("id", "999999".into())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let refused: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT actor_name, target_id, data FROM audit_log WHERE action = 'access_refused' ORDER BY seq",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        refused,
        [
            ("lin.pwd", case.to_string(), r#"{"status":404}"#),
            ("lin.pwd", case.to_string(), r#"{"status":404}"#),
            ("chen.sec", case.to_string(), r#"{"status":403}"#),
            // Case 999999 exists nowhere: only the server log has it.
        ]
        .map(|(a, b, c)| (a.to_owned(), b, c.to_owned()))
    );

    // A file download names the file and its case.
    let udd = app.signed_in("ho.udd", "bureau_liaison", Some("UDD")).await;
    let mut conn = app.state.db.acquire().await.unwrap();
    sqlx::query(
        "INSERT INTO deliveries (case_id, batch, note, delivered_by, delivered_at) \
         SELECT $1, 1, '第一批', id, 0 FROM users WHERE username = 'ho.udd'",
    )
    .bind(case)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO attachments (delivery_id, file_name, content_type, size_bytes, sha256, data, \
           uploaded_by, uploaded_at) SELECT d.id, '清冊.csv', 'text/csv', 3, 'x', $1, d.delivered_by, 0 \
         FROM deliveries d WHERE d.case_id = $2",
    )
    .bind(b"a,b".to_vec())
    .bind(case)
    .execute(&mut *conn)
    .await
    .unwrap();
    let file: i64 = sqlx::query_scalar("SELECT id FROM attachments")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let res = udd
        .get(app.url(&format!("/files/{file}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = pwd
        .get(app.url(&format!("/files/{file}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let downloads: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT action, actor_name, data FROM audit_log WHERE target_kind = 'attachment' ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert_eq!(downloads[0].0, "file_downloaded");
    assert_eq!(downloads[0].1, "ho.udd");
    assert!(
        downloads[0].2.contains("清冊.csv")
            && downloads[0].2.contains(&format!("\"case_id\":{case}"))
    );
    assert_eq!(downloads[1].0, "access_refused");
    assert_eq!(downloads[1].1, "lin.pwd");
}

#[tokio::test]
async fn the_admin_filters_the_log_and_exports_it_as_csv_and_no_one_else_may() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    app.login(&app.client(), "nobody", "wrong password").await;

    let page: app::audit::AuditPage = app
        .call(
            &admin,
            "admin/audit",
            &[("filter[action]", "login_failed".into())],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.rows[0].actor_name, "nobody");
    let html = app
        .page(&admin, "/admin/audit?actor=chen")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("登入成功") && html.contains("chen.sec"));
    assert!(!html.contains("nobody"), "filtered by actor");
    assert!(html.contains("/admin/audit.csv?actor=chen"));

    let res = admin
        .get(app.url("/admin/audit.csv?action=login"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("\u{feff}編號,時間"));
    assert_eq!(lines.len(), 3, "header and the two logins: {csv}");
    assert!(lines[1].contains("登入成功") && lines[1].contains("root.admin"));

    for client in [&sec, &app.client()] {
        let res = client
            .get(app.url("/admin/audit.csv"))
            .send()
            .await
            .unwrap();
        assert_ne!(res.status(), StatusCode::OK);
    }
    assert_eq!(
        app.page(&sec, "/admin/audit").await.status(),
        StatusCode::FORBIDDEN
    );
    // The export itself is on record.
    let exported: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'audit_exported'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(exported, 1);
}

#[tokio::test]
async fn audit_rows_younger_than_six_months_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    app.signed_in("chen.sec", "secretariat", None).await;
    // The trigger goes by the database's clock, not the app's: make the row a day old.
    let day_old = chrono::Utc::now().timestamp() - 86_400;
    sqlx::query("UPDATE audit_log SET at = $1")
        .bind(day_old)
        .execute(&app.state.db)
        .await
        .unwrap();
    let deleted = sqlx::query("DELETE FROM audit_log")
        .execute(&app.state.db)
        .await;
    assert!(deleted.is_err(), "a young audit row was deleted");
    // A row past the retention period may go.
    sqlx::query("UPDATE audit_log SET at = $1")
        .bind(day_old - 200 * 86_400)
        .execute(&app.state.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log")
        .execute(&app.state.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_admin_may_read_a_case_and_each_reading_is_audited() {
    let app = crate::harness::TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let id = app.record_question(&sec, 7, "公園綠地維護").await;
    app.case(&sec, id).await;
    assert_eq!(app.case(&admin, id).await.topic, "公園綠地維護");
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor_name, target_id FROM audit_log WHERE action = 'case_viewed_by_admin'",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(rows, vec![("root.admin".to_owned(), id.to_string())]);
}
