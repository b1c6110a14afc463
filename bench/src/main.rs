//! The page benchmark. Builds (or reuses) a database of generated cases, serves the real
//! router and, beside it, a bare axum handler that returns the same case-list rows through
//! the same `cases::db::list` with no pages, sessions or middleware; then signs in as each
//! role and measures latency percentiles and throughput per page. The list's throughput
//! against the bare handler's, measured in the same run, is the figure that travels between
//! machines. Prints a Markdown section (see `scripts/bench`, which writes
//! docs/benchmarks.md).
//!
//! `bench --database-url URL --cases N [--requests R] [--concurrency C] [--only NAME]`

use app::{
    admin::{db::insert_user, NewUser},
    auth::{lockout::LockoutPolicy, password::hash_password, CurrentUser},
    cases::CaseFilter,
    state::{AppState, SystemClock},
};
use axum::{extract::State, routing::get, Json, Router};
use leptos::prelude::LeptosOptions;
use sqlx::AnyPool;
use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

const PASSWORD: &str = "bench password 2024";

struct Args {
    database_url: String,
    cases: usize,
    requests: usize,
    concurrency: usize,
    /// Measure only the pages whose name contains this (for profiling one page).
    only: String,
}

fn args() -> Args {
    let mut a = Args {
        database_url: String::new(),
        cases: 20_000,
        requests: 300,
        concurrency: 4,
        only: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--database-url" => a.database_url = value,
            "--cases" => a.cases = value.parse().expect("--cases N"),
            "--requests" => a.requests = value.parse().expect("--requests N"),
            "--concurrency" => a.concurrency = value.parse().expect("--concurrency N"),
            "--only" => a.only = value,
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(!a.database_url.is_empty(), "--database-url is required");
    a
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    addr
}

/// The users the benchmark signs in as, created once.
const USERS: [(&str, &str, &str); 5] = [
    ("bench-sec", "secretariat", ""),
    ("bench-udd", "bureau_liaison", "UDD"),
    ("bench-udd-boss", "bureau_approver", "UDD"),
    ("bench-rev", "reviewer", ""),
    ("bench-admin", "admin", ""),
];

async fn prepare(state: &AppState, cases: usize) {
    server::seed::seed_reference_data(state).await.unwrap();
    for (username, role, bureau) in USERS {
        let bureau_id = match bureau {
            "" => String::new(),
            code => app::reference::db::bureau_id_by_code(&state.db, code)
                .await
                .unwrap()
                .unwrap()
                .to_string(),
        };
        let user = NewUser::parse(username, username, role, &bureau_id, PASSWORD.into()).unwrap();
        let hash = hash_password(&user.password).await.unwrap();
        let mut conn = state.db.acquire().await.unwrap();
        let _ = insert_user(&mut conn, &user, &hash, 0).await; // already there on a rerun
    }
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(&state.db)
        .await
        .unwrap();
    if have < cases as i64 {
        let started = Instant::now();
        server::generate::generate(state, cases - have as usize)
            .await
            .unwrap();
        eprintln!(
            "generated {} cases in {:.1} s",
            cases - have as usize,
            started.elapsed().as_secs_f64()
        );
        // PostgreSQL: vacuum now, or autovacuum (merging the trigram index's pending
        // entries, setting visibility) runs during the measurement and skews it.
        if state
            .db
            .connect_options()
            .database_url
            .scheme()
            .starts_with("postgres")
        {
            sqlx::query("VACUUM ANALYZE")
                .execute(&state.db)
                .await
                .unwrap();
        }
    }
}

/// The bare baseline: the same list rows as the case list's first page, as JSON.
async fn bare_list(
    State((pool, user)): State<(AnyPool, CurrentUser)>,
) -> Json<Vec<app::cases::CaseRow>> {
    let today = chrono::Utc::now().date_naive();
    let page = app::cases::db::list(&pool, &CaseFilter::default(), &user, today)
        .await
        .unwrap();
    Json(page.rows)
}

struct Measured {
    name: String,
    p50: Duration,
    p95: Duration,
    p99: Duration,
    per_second: f64,
}

async fn measure(
    name: &str,
    client: &reqwest::Client,
    urls: Vec<String>,
    requests: usize,
    concurrency: usize,
) -> Measured {
    for url in urls.iter().take(5) {
        client.get(url).send().await.unwrap().bytes().await.unwrap();
    }
    let urls = Arc::new(urls);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, urls, next) = (client.clone(), urls.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    break times;
                }
                let url = &urls[i % urls.len()];
                let t = Instant::now();
                let res = client
                    .get(url)
                    .header("Accept", "text/html")
                    .send()
                    .await
                    .unwrap();
                assert!(res.status().is_success(), "{url}: {}", res.status());
                res.bytes().await.unwrap();
                times.push(t.elapsed());
            }
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Measured {
        name: name.to_owned(),
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        per_second: requests as f64 / elapsed.as_secs_f64(),
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or_else(String::new, |kb| format!(", {} GiB", kb / 1024 / 1024));
    format!("{cpu}, {cores} cores{memory}")
}

#[tokio::main]
async fn main() {
    let args = args();
    // Warnings (a dropped connection, a notice) are part of what a run shows; the slow
    // bulk inserts of the generator are not.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,sqlx::query=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let db = server::open_database(&args.database_url).await.unwrap();
    let state = AppState {
        db,
        clock: Arc::new(SystemClock),
    };
    prepare(&state, args.cases).await;
    let backend = if args.database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(&state.db)
        .await
        .unwrap();

    let web = server::WebSettings {
        cookie_secure: false,
        sessions: app::auth::session_rules::SessionPolicy::default(),
        lockout: LockoutPolicy::default(),
        trusted_proxies: Vec::new(),
        pdf_fonts: Default::default(),
    };
    let options = LeptosOptions::builder().output_name("fuhuitong").build();
    let app = serve(server::router(state.clone(), &web, options)).await;
    let sec_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'bench-sec'")
        .fetch_one(&state.db)
        .await
        .unwrap();
    let sec_user = app::auth::db::active_user(&state.db, sec_id)
        .await
        .unwrap()
        .unwrap();
    let bare = serve(
        Router::new()
            .route("/rows", get(bare_list))
            .with_state((state.db.clone(), sec_user)),
    )
    .await;

    let mut clients = std::collections::HashMap::new();
    for (username, _, _) in USERS {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = client
            .post(format!("http://{app}/api/login"))
            .form(&[("username", username), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "login {username}");
        clients.insert(username, client);
    }
    let url = |path: &str| format!("http://{app}{path}");
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM cases ORDER BY id")
        .fetch_all(&state.db)
        .await
        .unwrap();
    let sample: Vec<String> = (0..50)
        .map(|i| url(&format!("/cases/{}", ids[i * ids.len() / 50])))
        .collect();
    let (session, councilor): (i64, i64) = sqlx::query_as(
        "SELECT c.session_id, cc.councilor_id FROM cases c \
         JOIN case_councilors cc ON cc.case_id = c.id ORDER BY c.id DESC LIMIT 1",
    )
    .fetch_one(&state.db)
    .await
    .unwrap();
    let dot = app::reference::db::bureau_id_by_code(&state.db, "DOT")
        .await
        .unwrap()
        .unwrap();
    // The row above page 200, for the pager's link by key.
    let (kind, number, id): (String, i64, i64) = sqlx::query_as(
        "SELECT kind, number, id FROM cases ORDER BY kind DESC, number DESC, id DESC          LIMIT 1 OFFSET 4974",
    )
    .fetch_one(&state.db)
    .await
    .unwrap();
    let councilor_name: String = sqlx::query_scalar("SELECT name FROM councilors WHERE id = $1")
        .bind(councilor)
        .fetch_one(&state.db)
        .await
        .unwrap();
    let keyword = |q: &str| format!("/cases?q={}", app::url::percent_encode(q));
    let lists = [
        ("Case list, no filter", "/cases".to_owned()),
        ("Case list, page 200", "/cases?page=200".to_owned()),
        (
            "Case list, page 200 by key",
            format!("/cases?after={kind}.{number}.{id}&page=200"),
        ),
        ("Case list, session", format!("/cases?session={session}")),
        ("Case list, kind", "/cases?kind=data_request".to_owned()),
        (
            "Case list, councilor",
            format!("/cases?councilor={councilor}"),
        ),
        ("Case list, bureau", format!("/cases?bureau={dot}")),
        ("Case list, status", "/cases?status=in_review".to_owned()),
        ("Case list, overdue", "/cases?overdue=1".to_owned()),
        ("Case list, tracking", "/cases?tracking=1".to_owned()),
        ("Case list, keyword 社會住宅", keyword("社會住宅")),
        ("Case list, keyword 停車場 捷運", keyword("停車場 捷運")),
        ("Case list, keyword of two characters 社宅", keyword("社宅")),
        ("Case list, keyword of one character 橋", keyword("橋")),
        (
            "Case list, keyword councilor name",
            keyword(&councilor_name),
        ),
    ];
    let mut results = Vec::new();
    let only = args.only.clone();
    let run = |name: &str, who: &str, urls: Vec<String>| {
        let client = clients[who].clone();
        let name = name.to_owned();
        let skip = !name.contains(&only);
        async move {
            if skip {
                return None;
            }
            Some(measure(&name, &client, urls, args.requests, args.concurrency).await)
        }
    };
    for (name, who) in [
        ("Start page, secretariat", "bench-sec"),
        ("Start page, bureau liaison (inbox)", "bench-udd"),
        ("Start page, bureau approver", "bench-udd-boss"),
        ("Start page, reviewer", "bench-rev"),
        ("Start page, admin", "bench-admin"),
    ] {
        results.extend(run(name, who, vec![url("/")]).await);
    }
    for (name, path) in &lists {
        results.extend(run(name, "bench-sec", vec![url(path)]).await);
    }
    results.extend(
        run(
            "Case list, bureau liaison",
            "bench-udd",
            vec![url("/cases")],
        )
        .await,
    );
    results.extend(
        run(
            "Case list, keyword 社會住宅, bureau liaison",
            "bench-udd",
            vec![url(&keyword("社會住宅"))],
        )
        .await,
    );
    results.extend(run("Case page (50 cases)", "bench-sec", sample).await);
    let topics: Vec<String> =
        sqlx::query_scalar("SELECT topic FROM cases ORDER BY id DESC LIMIT 20")
            .fetch_all(&state.db)
            .await
            .unwrap();
    results.extend(
        run(
            "Recording form, similar questions (20 topics)",
            "bench-sec",
            topics
                .iter()
                .map(|t| {
                    url(&format!(
                        "/cases/new/question?form%5Btopic%5D={}&form%5Bcouncilor_ids%5D%5B%5D={councilor}",
                        app::url::percent_encode(t)
                    ))
                })
                .collect(),
        )
        .await,
    );
    results.extend(
        run(
            "Notifications, bureau liaison",
            "bench-udd",
            vec![url("/notifications")],
        )
        .await,
    );
    let baseline = measure(
        "Bare axum + sqlx: the list's rows as JSON",
        &reqwest::Client::new(),
        vec![format!("http://{bare}/rows")],
        args.requests,
        args.concurrency,
    )
    .await;
    let list = results
        .iter()
        .find(|m| m.name == "Case list, no filter")
        .map_or(0.0, |m| m.per_second);

    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    println!(
        "### {backend}, {total} cases\n\n{} requests per page, {} at a time; release build; {}; {}.\n",
        args.requests,
        args.concurrency,
        machine(),
        chrono::Utc::now().format("%Y-%m-%d")
    );
    println!("| page | p50 ms | p95 ms | p99 ms | req/s |");
    println!("|---|---:|---:|---:|---:|");
    for m in results.iter().chain(std::iter::once(&baseline)) {
        println!(
            "| {} | {} | {} | {} | {:.0} |",
            m.name,
            ms(m.p50),
            ms(m.p95),
            ms(m.p99),
            m.per_second
        );
    }
    println!(
        "\nCase list (no filter) against the bare handler: **{:.2}×** the throughput.\n",
        list / baseline.per_second
    );
    if args.only.is_empty() || "volume".contains(&args.only) {
        volume(&state).await;
    }
}

/// The written-reply volume of the session with the most questions: compiled and written
/// as ODT, beside a plain query of the same rows, ten times each.
async fn volume(state: &AppState) {
    let session: Option<i64> = sqlx::query_scalar(
        "SELECT session_id FROM cases WHERE kind = 'question' GROUP BY session_id \
         ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_optional(&state.db)
    .await
    .unwrap();
    let Some(session) = session else { return };
    let runs = 10;
    let time = |mut took: Vec<Duration>| {
        took.sort();
        (took[0], took[took.len() / 2], took[took.len() - 1])
    };
    let mut plain = Vec::new();
    let mut questions = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT topic, body, reply FROM cases WHERE session_id = $1 AND kind = 'question' \
             ORDER BY sitting_date, number",
        )
        .bind(session)
        .fetch_all(&state.db)
        .await
        .unwrap();
        plain.push(started.elapsed());
        questions = rows.len();
    }
    let filter = app::volume::VolumeFilter {
        session,
        ..Default::default()
    };
    let today = chrono::Utc::now().date_naive();
    let mut odt = Vec::new();
    let mut shape = (0, 0, 0, 0);
    for _ in 0..runs {
        let started = Instant::now();
        let v = app::volume::db::volume(&state.db, &filter, today)
            .await
            .unwrap();
        let bytes = server::volume_docs::document(&v).to_odt().unwrap();
        odt.push(started.elapsed());
        let chars: usize = v.entries.iter().map(|e| e.reply.chars().count()).sum();
        shape = (
            v.entries.len(),
            v.outstanding.len(),
            chars / v.entries.len().max(1),
            bytes.len(),
        );
    }
    let ms = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1000.0);
    let (p_min, p_med, p_max) = time(plain);
    let (o_min, o_med, o_max) = time(odt);
    println!("#### Written-reply volume\n");
    println!(
        "The session with the most questions: {questions} questions, {} approved replies \
         (on average {} characters each), {} outstanding; the ODT is {} KB. {runs} runs each.\n",
        shape.0,
        shape.2,
        shape.1,
        shape.3 / 1024
    );
    println!("| | min ms | median ms | max ms |");
    println!("|---|---:|---:|---:|");
    println!(
        "| Plain query of the same rows | {} | {} | {} |",
        ms(p_min),
        ms(p_med),
        ms(p_max)
    );
    println!(
        "| Volume compiled and written as ODT | {} | {} | {} |\n",
        ms(o_min),
        ms(o_med),
        ms(o_max)
    );
}
