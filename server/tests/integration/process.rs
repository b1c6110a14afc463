//! The real binary as an operator runs it: a clean stop on SIGTERM that lets a request in
//! flight finish, and no acknowledged case lost when the process is killed outright.

use crate::cli::{run, text, BIN};
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    time::Duration,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `fuhuitong serve` on a free port over the SQLite database in `dir`.
struct Served {
    child: Child,
    port: u16,
}

impl Served {
    async fn start(dir: &Path) -> Self {
        Self::start_with(dir, &[("RUST_LOG", "warn")], Stdio::null()).await
    }

    async fn start_with(dir: &Path, env: &[(&str, &str)], log: Stdio) -> Self {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let child = Command::new(BIN)
            .arg("serve")
            .env("DATA_DIR", dir)
            .env_remove("DATABASE_URL")
            .env_remove("LOG_FORMAT")
            .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .envs(env.iter().copied())
            .stdout(log)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let served = Self { child, port };
        for _ in 0..150 {
            if reqwest::get(served.url("/healthz"))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return served;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not come up");
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// How the process ended, if it did within `seconds`.
    async fn exit_within(&mut self, seconds: u64) -> Option<ExitStatus> {
        for _ in 0..seconds * 10 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fht-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// SIGTERM (what systemd and container runtimes send): the server stops accepting and
/// leaves with success well within ten seconds.
#[tokio::test]
async fn serve_stops_cleanly_on_sigterm() {
    let dir = data_dir("term");
    let mut served = Served::start(&dir).await;
    served.signal("TERM");
    let status = served.exit_within(12).await;
    assert!(status.expect("still running 12 s after SIGTERM").success());
}

/// A login whose body is still arriving when SIGTERM comes is answered, then the process
/// leaves with success; a new connection meanwhile is refused.
#[tokio::test]
async fn sigterm_during_a_slow_request_lets_it_finish() {
    let dir = data_dir("slow");
    let mut served = Served::start(&dir).await;
    let body = "username=nobody&password=a+wrong+password";
    let (first, rest) = body.split_at(20);
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", served.port))
        .await
        .unwrap();
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    served.signal("TERM");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        served.child.try_wait().unwrap().is_none(),
        "it waits for the request in flight"
    );
    let refused = tokio::net::TcpStream::connect(("127.0.0.1", served.port)).await;
    assert!(refused.is_err(), "no new connections while stopping");

    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("answered")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let status = served.exit_within(12).await;
    assert!(status.expect("still running after the request").success());
}

/// Eight clients record data requests as fast as they are answered; the process is killed
/// outright (SIGKILL: no clean-up of any kind) mid-way. Restarted, the server has every
/// case it acknowledged, and SQLite finds the file intact.
#[tokio::test]
async fn after_sigkill_every_acknowledged_case_is_there_and_the_database_is_intact() {
    let dir = data_dir("kill");
    let url = format!("sqlite://{}", dir.join("app.db").display());
    let seeded = run(&url, &["seed-demo"], "");
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let password = "當機測試 專用密碼 2024";
    let created = run(
        &url,
        &[
            "create-user",
            "--username",
            "crash.sec",
            "--role",
            "secretariat",
        ],
        &format!("{password}\n"),
    );
    assert!(created.status.success(), "{}", text(&created.stderr));
    let (session, councilor): (i64, i64) = {
        let db = app::db::connect(&url).await.unwrap();
        let ids = sqlx::query_as(
            "SELECT s.id, c.id FROM council_sessions s JOIN councilors c ON c.term_id = s.term_id \
             ORDER BY s.id DESC, c.id LIMIT 1",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        db.close().await;
        ids
    };

    let served = Served::start(&dir).await;
    let mut clients = tokio::task::JoinSet::new();
    for client_no in 0..8 {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let login = client
            .post(served.url("/api/login"))
            .form(&[("username", "crash.sec"), ("password", password)])
            .send()
            .await
            .unwrap();
        assert!(login.status().is_success(), "{}", login.status());
        let endpoint = served.url("/api/cases/record-data-request");
        clients.spawn(async move {
            let mut acknowledged = Vec::new();
            for n in 0.. {
                let topic = format!("當機測試 {client_no}-{n}");
                let form = [
                    ("form[session_id]", session.to_string()),
                    ("form[councilor_id]", councilor.to_string()),
                    ("form[topic]", topic.clone()),
                    ("form[body]", "請提供資料。".to_owned()),
                    ("form[received_at]", "113/03/15 09:00".to_owned()),
                    ("form[priority]", "ordinary".to_owned()),
                ];
                match client.post(&endpoint).form(&form).send().await {
                    Ok(res) if res.status().is_success() => {
                        if let Ok(id) = res.text().await.unwrap_or_default().parse::<i64>() {
                            acknowledged.push((id, topic));
                        }
                    }
                    // Killed: this request and later ones get no answer.
                    _ => break,
                }
            }
            acknowledged
        });
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    served.signal("KILL");
    let acknowledged: Vec<(i64, String)> = clients.join_all().await.into_iter().flatten().collect();
    drop(served);
    assert!(
        acknowledged.len() >= 8,
        "only {} recorded before the kill",
        acknowledged.len()
    );
    eprintln!("{} cases acknowledged before SIGKILL", acknowledged.len());

    // Restarted on the same file, the server comes up and serves.
    let again = Served::start(&dir).await;
    let ready = reqwest::get(again.url("/readyz")).await.unwrap();
    assert!(ready.status().is_success());
    drop(again);

    let db = app::db::connect(&url).await.unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    for (id, topic) in &acknowledged {
        let stored: Option<String> = sqlx::query_scalar("SELECT topic FROM cases WHERE id = $1")
            .bind(id)
            .fetch_optional(&db)
            .await
            .unwrap();
        assert_eq!(stored.as_ref(), Some(topic), "case {id} was acknowledged");
    }
    let numbers: Vec<i64> = sqlx::query_scalar(
        "SELECT number FROM cases WHERE kind = 'data_request' AND session_id = $1 \
         GROUP BY number HAVING COUNT(*) > 1",
    )
    .bind(session)
    .fetch_all(&db)
    .await
    .unwrap();
    assert!(numbers.is_empty(), "numbers given twice: {numbers:?}");
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// `LOG_FORMAT=json`: every line is one JSON object, and a request's lines carry its id.
#[tokio::test]
async fn json_logs_carry_the_request_id_on_every_line_of_a_request() {
    let dir = data_dir("json");
    let log = std::fs::File::create(dir.join("log.jsonl")).unwrap();
    let mut served = Served::start_with(
        &dir,
        &[
            ("LOG_FORMAT", "json"),
            ("RUST_LOG", "info,tower_http=debug"),
        ],
        Stdio::from(log),
    )
    .await;
    let res = reqwest::Client::new()
        .get(served.url("/login"))
        .header("x-request-id", "req-test-4711")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "req-test-4711");
    served.signal("TERM");
    assert!(served.exit_within(12).await.is_some());

    let lines = std::fs::read_to_string(dir.join("log.jsonl")).unwrap();
    let mut of_the_request = 0;
    for line in lines.lines() {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        let path = value["span"]["path"].as_str();
        if path == Some("/login") {
            assert_eq!(value["span"]["id"], "req-test-4711", "{line}");
            of_the_request += 1;
        }
    }
    assert!(of_the_request >= 2, "request and response lines: {lines}");
}
