use crate::harness::{fresh_database_url, TestApp};
use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

pub const BIN: &str = env!("CARGO_BIN_EXE_fuhuitong");

pub fn run(database_url: &str, args: &[&str], stdin: &str) -> Output {
    run_in(database_url, &tempfile::tempdir().unwrap(), args, stdin)
}

/// `run` with `DATA_DIR` (where mail without a relay is written) in `data`.
pub fn run_in(database_url: &str, data: &tempfile::TempDir, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("DATA_DIR", data.path())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_explains_every_subcommand_and_the_environment() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = text(&out.stdout);
    for word in [
        "serve",
        "migrate",
        "create-user",
        "seed-demo",
        "audit",
        "DATABASE_URL",
        "COOKIE_SECURE",
    ] {
        assert!(help.contains(word), "--help lacks {word}:\n{help}");
    }
    let create = text(
        &Command::new(BIN)
            .args(["create-user", "--help"])
            .output()
            .unwrap()
            .stdout,
    );
    for flag in ["--username", "--role", "--bureau", "--display-name"] {
        assert!(create.contains(flag), "create-user --help lacks {flag}");
    }
}

#[tokio::test]
async fn seed_demo_then_create_user_from_stdin_gives_an_account_that_logs_in() {
    let url = fresh_database_url().await;
    let data = tempfile::tempdir().unwrap();
    let seeded = run_in(&url, &data, &["seed-demo"], "");
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let printed = text(&seeded.stdout);
    // With no relay, the demo accounts' mail (this morning's digests among it) is in the
    // folder, each file a message a mail reader opens.
    assert!(
        printed.contains("已寄出示範帳號的通知信與今天的每日摘要"),
        "{printed}"
    );
    let files: Vec<_> = std::fs::read_dir(data.path().join("mail"))
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert!(!files.is_empty());
    let subjects: Vec<String> = files
        .iter()
        .filter_map(|f| {
            mail_parser::MessageParser::default()
                .parse(&f[..])?
                .subject()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(subjects.len(), files.len());
    assert!(
        subjects.iter().any(|s| s.contains("每日摘要")),
        "{subjects:?}"
    );
    for name in [
        "demo-admin",
        "demo-secretariat",
        "demo-liaison",
        "demo-approver",
        "demo-reviewer",
    ] {
        assert!(printed.contains(name), "{printed}");
    }

    // The demo's dates sit around today: a current session, cases due soon, a few overdue,
    // two meetings held and the next one scheduled.
    {
        let db = app::db::connect(&url).await.unwrap();
        let today = chrono::Utc::now().date_naive().to_string();
        let (starts, ends): (String, String) = sqlx::query_as(
            "SELECT starts_on, ends_on FROM council_sessions WHERE number = 3 AND kind = 'regular'",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert!(
            starts < today && today < ends,
            "{starts}..{ends} around {today}"
        );
        let open = "status NOT IN ('closed', 'tracking')";
        let soon: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM cases WHERE {open} AND due_on >= $1"
        ))
        .bind(&today)
        .fetch_one(&db)
        .await
        .unwrap();
        let overdue: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM cases WHERE {open} AND due_on < $1"
        ))
        .bind(&today)
        .fetch_one(&db)
        .await
        .unwrap();
        assert!(
            soon > 0 && overdue > 0,
            "{soon} due from today, {overdue} overdue"
        );
        let meetings: Vec<(String, String)> =
            sqlx::query_as("SELECT status, held_on FROM meetings ORDER BY held_on")
                .fetch_all(&db)
                .await
                .unwrap();
        let statuses: Vec<&str> = meetings.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(statuses, ["held", "held", "scheduled"]);
        assert!(
            meetings[1].1 < today && today < meetings[2].1,
            "{meetings:?}"
        );
        let decided: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meeting_decisions")
            .fetch_one(&db)
            .await
            .unwrap();
        // The tracked questions and data request, and two budget riders under tracking.
        assert_eq!(decided, 10 + 9);
        db.close().await;
    }

    // A living session: 60 questions and 20 data requests in every state of the workflow;
    // what offices filed through their links (two data requests, two service cases), with a
    // service case the secretariat took by phone; and nine resolutions at every stage.
    let app = TestApp::spawn_on(&url).await;
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT kind, COUNT(*) FROM cases GROUP BY kind ORDER BY kind")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        counts,
        vec![
            // One of them a caucus's ask at a briefing, two of them promises made in session.
            ("data_request".into(), 25),
            ("question".into(), 60),
            ("resolution".into(), 9),
            ("service".into(), 3)
        ]
    );
    // Resolutions: one reconsideration asked, one found not executable, execution updates
    // with percents, and the execution report compiled for this session.
    let (asked, not_executable, reports, updates): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM resolution_reconsiderations), \
           (SELECT COUNT(*) FROM resolution_details WHERE not_executable_on IS NOT NULL), \
           (SELECT COUNT(*) FROM execution_reports), \
           (SELECT COUNT(*) FROM progress_reports WHERE percent IS NOT NULL)",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!((asked, not_executable, reports), (1, 1, 1));
    assert!(updates >= 3, "{updates}");
    // Promises made in session on the social-housing question; internal backgrounds with
    // flags, one of them on a reply waiting for the reviewer.
    let (promises, backgrounds, flagged_in_review): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM case_promises), (SELECT COUNT(*) FROM case_background), \
           (SELECT COUNT(*) FROM case_flags f JOIN cases c ON c.id = f.case_id \
            WHERE c.status = 'in_review')",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!((promises, backgrounds, flagged_in_review), (2, 2, 1));
    let letters: (String, String) =
        sqlx::query_as("SELECT incoming_number, outgoing_number FROM case_letters")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(
        !letters.0.is_empty() && !letters.1.is_empty(),
        "{letters:?}"
    );
    // Corrections: one approved (its office told), one waiting for the reviewer.
    let corrections: Vec<(String,)> = sqlx::query_as("SELECT state FROM corrections ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        corrections,
        [("approved".to_owned(),), ("in_review".to_owned(),)]
    );
    let told: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM office_notices WHERE reason = 'corrected'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(told, 1);
    // One grouped answer and one referral.
    let shared: Vec<(String,)> = sqlx::query_as("SELECT kind FROM shared_replies ORDER BY kind")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(shared, [("grouped".to_owned(),), ("referral".to_owned(),)]);
    // Bills at every stage, two briefings held and one scheduled, one ask made a data request.
    let (stages, held, scheduled, filed_asks): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(DISTINCT stage) FROM bills), \
           (SELECT COUNT(*) FROM caucus_briefings WHERE status = 'held'), \
           (SELECT COUNT(*) FROM caucus_briefings WHERE status = 'scheduled'), \
           (SELECT COUNT(*) FROM briefing_asks WHERE case_id IS NOT NULL)",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        (stages, held, scheduled, filed_asks),
        (app::bills::Stage::ALL.len() as i64, 2, 1, 1)
    );
    let states: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT status) FROM cases")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        states, 11,
        "every status has examples, filed and refused too"
    );
    let filed: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT c.status, f.refusal_reason FROM case_filings f JOIN cases c ON c.id = f.case_id \
         ORDER BY f.case_id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(filed.len(), 4);
    assert!(filed.iter().any(|(s, r)| s == "refused" && r.is_some()));
    assert!(filed.iter().any(|(s, _)| s == "filed"));
    let outcomes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM service_visits WHERE outcome IS NOT NULL")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(outcomes, 1, "a site inspection held, with its outcome");
    let bureaus: i64 =
        sqlx::query_scalar("SELECT COUNT(DISTINCT bureau_id) FROM assignments WHERE role = 'lead'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(bureaus >= 15, "spread over the bureaus: {bureaus}");

    let again = text(&run(&url, &["seed-demo"], "").stdout);
    assert!(again.contains("示範案件已存在"), "{again}");
    assert!(
        again.contains("已存在"),
        "a second seed keeps passwords: {again}"
    );

    let created = run(
        &url,
        &[
            "create-user",
            "--username",
            "kuo.dot",
            "--role",
            "bureau_liaison",
            "--bureau",
            "dot",
        ],
        "交通局 聯絡員 專用密碼\n",
    );
    assert!(created.status.success(), "{}", text(&created.stderr));

    let res = app
        .login(&app.client(), "kuo.dot", "交通局 聯絡員 專用密碼")
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);
}

#[tokio::test]
async fn create_user_refuses_a_bureau_role_without_a_bureau_and_says_why() {
    let url = fresh_database_url().await;
    let out = run(
        &url,
        &[
            "create-user",
            "--username",
            "kuo.dot",
            "--role",
            "bureau_liaison",
        ],
        "long enough password\n",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("局處人員須選擇所屬局處"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_with_identical_rows() {
    let url = crate::harness::fresh_sqlite_url();
    let app = TestApp::spawn_on(&url).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    for n in 1..=5 {
        app.record_question(&sec, n, &format!("備份測試 {n}")).await;
    }
    let out = std::env::temp_dir().join(format!(
        "fht-backup-{}-{}.db",
        std::process::id(),
        rand::random::<u32>()
    ));
    // Writes go on during the copy.
    let mut forms = Vec::new();
    for n in 100..110 {
        forms.push(app.question_form(n, "備份時寫入").await);
    }
    let writer = {
        let (client, url) = (sec.clone(), app.url("/api/cases/record-question"));
        tokio::spawn(async move {
            let mut written = 0;
            for form in forms {
                let res = client.post(&url).form(&form).send().await.unwrap();
                written += usize::from(res.status().is_success());
            }
            written
        })
    };
    let done = run(&url, &["backup", "--out", out.to_str().unwrap()], "");
    assert_eq!(
        writer.await.unwrap(),
        10,
        "every write during the backup succeeded"
    );
    assert!(done.status.success(), "{}", text(&done.stderr));
    assert!(text(&done.stdout).contains("integrity_check ok"));
    // Cases and password hashes: readable by the owner alone, the database as the copy.
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out), 0o600, "the backup");
        let db = url.trim_start_matches("sqlite://");
        assert_eq!(mode(std::path::Path::new(db)), 0o600, "the database");
    }

    let restored = server::open_database(&format!("sqlite://{}", out.display()))
        .await
        .unwrap();
    let rows = |pool: sqlx::AnyPool| async move {
        let cases: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT id, topic, status, version FROM cases WHERE topic LIKE '備份測試%' ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let events: Vec<(i64, String)> = sqlx::query_as(
            "SELECT e.id, e.hash FROM case_events e JOIN cases c ON c.id = e.case_id \
             WHERE c.topic LIKE '備份測試%' ORDER BY e.id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        (cases, events)
    };
    let (cases, events) = rows(restored.clone()).await;
    assert_eq!(cases.len(), 5);
    assert_eq!((cases, events), rows(app.state.db.clone()).await);
    // A second backup to the same file is refused rather than overwriting it.
    let again = run(&url, &["backup", "--out", out.to_str().unwrap()], "");
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("already exists"));
    restored.close().await;
    let _ = std::fs::remove_file(&out);
}

#[tokio::test]
async fn backup_on_postgresql_points_to_pg_dump() {
    let url = fresh_database_url().await;
    if !url.starts_with("postgres") {
        return; // The SQLite pass has its own backup test; this one is for the PostgreSQL pass.
    }
    let out = std::env::temp_dir().join(format!("fht-pg-{}.db", std::process::id()));
    let done = run(&url, &["backup", "--out", out.to_str().unwrap()], "");
    assert!(!done.status.success());
    assert!(
        text(&done.stderr).contains("pg_dump"),
        "{}",
        text(&done.stderr)
    );
    assert!(!out.exists());
}
