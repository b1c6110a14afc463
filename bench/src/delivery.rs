//! The delivery benchmark: messages queued in the outbox and carried by the runner to a
//! loopback SMTP server, beside lettre alone sending the same messages to the same server
//! in the same run (the outbox's cost is the ratio); and every user's morning digest built
//! over the generated cases, beside the bare query that reads the notices it lists.

use app::{
    cases::{notify::NotificationKind, CaseKind},
    db::begin,
    notifications::{
        db::outbox::{self, queue_to_address, Claimed, Sender},
        delivery::{notice_letter, Channel, NoticeLine, Topic},
        Subject,
    },
    state::AppState,
};
use futures::StreamExt;
use server::features::delivery::{mail::Mailer, Runner, IN_FLIGHT};
use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A mail server that takes everything and counts what it took: the other side of both
/// measurements, so neither waits on a real relay's disk.
async fn sink() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let taken = Arc::new(AtomicUsize::new(0));
    let count = taken.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            let count = count.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply: &[u8] = if data {
                        if line == "." {
                            data = false;
                            count.fetch_add(1, Ordering::Relaxed);
                            b"250 2.0.0 queued\r\n"
                        } else {
                            continue;
                        }
                    } else {
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        match verb.as_str() {
                            "EHLO" => b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
                            "DATA" => {
                                data = true;
                                b"354 go ahead\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        }
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, taken)
}

fn config(port: u16) -> server::config::Config {
    let mut config = server::config::Config {
        public_url: "https://fuhuitong.example.gov.tw".into(),
        ..server::config::Config::from_lookup(|_| None).unwrap()
    };
    config.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}").parse().unwrap());
    config
}

/// The `i`-th message's notice: a realistic topic and link.
fn line(i: usize) -> NoticeLine {
    NoticeLine {
        kind: NotificationKind::Assigned,
        about: Subject::Case {
            id: i as i64 + 1,
            kind: CaseKind::Question,
            number: i as i64 + 1,
            topic: format!("北投區社會住宅興建進度與周邊交通改善之辦理情形（第 {i} 則）"),
        },
    }
}

fn rate(n: usize, took: Duration) -> f64 {
    n as f64 / took.as_secs_f64()
}

/// Queues `n` messages, lets the runner deliver them all, then has lettre alone send the
/// same `n` messages; prints both rates and their ratio.
pub async fn messages(state: &AppState, backend: &str, n: usize) {
    let (port, taken) = sink().await;
    let config = config(port);
    let sender = Sender {
        base: &config.public_url,
        city: &state.city,
    };
    // Nothing left from an earlier run.
    sqlx::query("DELETE FROM messages WHERE dedupe_key LIKE 'bench:%'")
        .execute(&state.db)
        .await
        .unwrap();
    let now = state.now().timestamp();
    let letters: Vec<_> = (0..n)
        .map(|i| notice_letter(&line(i), "何聯絡", sender.base, sender.city))
        .collect();
    let started = Instant::now();
    let mut tx = begin(&state.db).await.unwrap();
    for (i, letter) in letters.iter().enumerate() {
        let to = format!("officer{}@udd.example.gov.tw", i % 500);
        let key = format!("bench:{now}:{i}");
        queue_to_address(&mut tx, &sender, Topic::Notice, &to, letter, &key, now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let queued = started.elapsed();

    let runner = Runner::new(state.clone(), &config).unwrap();
    let started = Instant::now();
    let mut sent = 0;
    while sent < n as u64 {
        let run = runner.run_once().await.unwrap();
        assert_eq!(run.failed + run.retrying, 0, "the sink takes everything");
        sent += run.sent;
        if run.sent == 0 {
            break;
        }
    }
    let by_runner = started.elapsed();
    assert_eq!(
        taken.load(Ordering::Relaxed),
        n,
        "the sink took every message once"
    );

    // lettre alone: the same messages (built the same way) over the same transport.
    let mailer = Mailer::new(&config).unwrap();
    let claimed: Vec<Claimed> = letters
        .iter()
        .enumerate()
        .map(|(i, letter)| Claimed {
            id: i as i64,
            channel: Channel::Email,
            recipient: format!("officer{}@udd.example.gov.tw", i % 500),
            subject: letter.subject.clone(),
            body_text: letter.text.clone(),
            body_html: letter.html.clone(),
            payload: "{}".into(),
            message_id: format!("<bench{i}@fuhuitong.example.gov.tw>"),
            attempts: 1,
            webhook_id: None,
        })
        .collect();
    let started = Instant::now();
    let outcomes: Vec<outbox::Outcome> = futures::stream::iter(&claimed)
        .map(|m| mailer.send(m))
        .buffered(IN_FLIGHT)
        .collect()
        .await;
    assert!(outcomes
        .iter()
        .all(|o| matches!(o, outbox::Outcome::Sent(_))));
    let by_lettre = started.elapsed();
    assert_eq!(taken.load(Ordering::Relaxed), 2 * n);

    println!("#### Delivery: {n} queued messages to a loopback SMTP server ({backend})\n");
    println!(
        "Queued in one transaction in {:.2} s. The runner claims `DELIVERY_BATCH` ({}) at a time, sends them {IN_FLIGHT} at a time over lettre's pool and marks them in one transaction; lettre alone sends the same messages, built the same way, over the same transport, {IN_FLIGHT} at a time.\n",
        queued.as_secs_f64(),
        config.mail.batch
    );
    println!("| | seconds | messages/s |\n|---|---:|---:|");
    println!(
        "| Runner (outbox → SMTP) | {:.2} | {:.0} |",
        by_runner.as_secs_f64(),
        rate(n, by_runner)
    );
    println!(
        "| lettre alone | {:.2} | {:.0} |",
        by_lettre.as_secs_f64(),
        rate(n, by_lettre)
    );
    println!(
        "\nThe runner against lettre alone: **{:.2}×** the throughput (goal ≥ 0.8×).\n",
        by_lettre.as_secs_f64() / by_runner.as_secs_f64()
    );
}

/// Per bureau, this many liaison officers and approvers, each with this many notices
/// waiting for the morning (a heavy morning: a new session's assignments).
const PER_BUREAU: usize = 2;
const WAITING: i64 = 40;

/// Every user's morning digest over the generated cases: the bureaus' people with a
/// morning's notices each (their bureau's newest assignments), on top of one digested
/// notice per case as history; the digest run timed over several mornings.
pub async fn digests(state: &AppState, backend: &str) {
    let db = &state.db;
    let bureaus: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, code FROM bureaus ORDER BY sort_order, id")
            .fetch_all(db)
            .await
            .unwrap();
    let mut users = Vec::new();
    for (id, code) in &bureaus {
        for (n, role) in
            (0..PER_BUREAU).flat_map(|n| [(n, "bureau_liaison"), (n, "bureau_approver")])
        {
            let username = format!("bench-digest-{}-{role}-{n}", code.to_lowercase());
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(&username)
                .fetch_optional(db)
                .await
                .unwrap();
            let user = match found {
                Some(user) => user,
                None => sqlx::query_scalar(
                    "INSERT INTO users (username, display_name, role, bureau_id, password_hash, \
                       active, created_at, email) VALUES ($1, $1, $2, $3, 'x', $4, 0, $5) RETURNING id",
                )
                .bind(&username)
                .bind(role)
                .bind(id)
                .bind(true)
                .bind(format!("{username}@example.gov.tw"))
                .fetch_one(db)
                .await
                .unwrap(),
            };
            users.push((user, *id));
        }
    }
    let history: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE dedupe_key LIKE 'bench-history:%'",
    )
    .fetch_one(db)
    .await
    .unwrap();
    if history == 0 {
        // One notice per case to a person of its lead bureau, long since digested.
        for (user, bureau) in users.iter().step_by(2 * PER_BUREAU) {
            sqlx::query(
                "INSERT INTO notifications (user_id, kind, case_id, created_at, emailed_at, routed, dedupe_key) \
                 SELECT $1, 'assigned', a.case_id, 0, 1, 'digest', 'bench-history:' || a.case_id \
                 FROM assignments a WHERE a.bureau_id = $2 AND a.role = 'lead'",
            )
            .bind(user)
            .bind(bureau)
            .execute(db)
            .await
            .unwrap();
        }
    }
    // This morning's: each person's bureau's newest open assignments.
    sqlx::query("DELETE FROM notifications WHERE dedupe_key LIKE 'bench-morning:%'")
        .execute(db)
        .await
        .unwrap();
    for (user, bureau) in &users {
        sqlx::query(&format!(
            "INSERT INTO notifications (user_id, kind, case_id, created_at, routed, dedupe_key) \
             SELECT $1, 'assigned', a.case_id, 0, 'digest', 'bench-morning:' || a.case_id \
             FROM assignments a WHERE a.bureau_id = $2 AND a.state IN ('pending', 'accepted') \
             ORDER BY a.case_id DESC LIMIT {WAITING}"
        ))
        .bind(user)
        .bind(bureau)
        .execute(db)
        .await
        .unwrap();
    }
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE routed = 'digest' AND emailed_at IS NULL",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications")
        .fetch_one(db)
        .await
        .unwrap();
    let config = config(25);
    let sender = Sender {
        base: &config.public_url,
        city: &state.city,
    };
    // The bench's mornings are far in the future; an earlier run's claims of them go.
    sqlx::query("DELETE FROM job_runs WHERE job = $1 AND run_key >= '2031-01-01'")
        .bind(outbox::DIGEST_JOB)
        .execute(db)
        .await
        .unwrap();
    let mut runs = Vec::new();
    let mut bare = Vec::new();
    let mut written = 0;
    for morning in 0..5 {
        // The bare query: the notices the digests list, read once.
        let started = Instant::now();
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT n.user_id, n.case_id, c.topic FROM notifications n \
             JOIN cases c ON c.id = n.case_id \
             WHERE n.routed = 'digest' AND n.emailed_at IS NULL ORDER BY n.user_id, n.id",
        )
        .fetch_all(db)
        .await
        .unwrap();
        bare.push(started.elapsed());
        assert_eq!(rows.len() as i64, waiting);
        // Each morning a day of its own (the run claims its day), the same notices waiting.
        let day = chrono::NaiveDate::from_ymd_opt(2031, 1, 6).unwrap()
            + chrono::Duration::days(7 * morning);
        let started = Instant::now();
        written = outbox::run_digests(db, &sender, day, state.now().timestamp())
            .await
            .unwrap()
            .expect("the bench's own day");
        runs.push(started.elapsed());
        sqlx::query(
            "UPDATE notifications SET emailed_at = NULL WHERE dedupe_key LIKE 'bench-morning:%'",
        )
        .execute(db)
        .await
        .unwrap();
        sqlx::query("DELETE FROM messages WHERE topic = 'digest'")
            .execute(db)
            .await
            .unwrap();
    }
    // This morning's notices go, so no later run (or a server on this database) digests them.
    sqlx::query("DELETE FROM notifications WHERE dedupe_key LIKE 'bench-morning:%'")
        .execute(db)
        .await
        .unwrap();
    runs.sort();
    bare.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("#### Morning digests ({backend})\n");
    println!(
        "{} people of {} bureaus, the {written} of them whose bureau has open cases with {WAITING} notices waiting ({waiting} in all), among {total} notices (one digested per case as history); every digest built and queued in one run, 5 mornings.\n",
        users.len(),
        bureaus.len()
    );
    println!("| | min ms | median ms | max ms |\n|---|---:|---:|---:|");
    println!(
        "| All morning digests ({written} queued) | {:.0} | {:.0} | {:.0} |",
        ms(runs[0]),
        ms(runs[2]),
        ms(runs[4])
    );
    println!(
        "| Bare query: the waiting notices with their topics | {:.0} | {:.0} | {:.0} |",
        ms(bare[0]),
        ms(bare[2]),
        ms(bare[4])
    );
    println!("\nGoal: every user's digests under 10 s.\n");
}
