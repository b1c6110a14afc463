//! The page benchmark. Builds (or reuses) a database of generated cases, serves the real
//! router and, beside it, a bare axum handler that returns the same case-list rows through
//! the same `cases::db::list` with no pages, sessions or middleware; then signs in as each
//! role and measures latency percentiles and throughput per page. The list's throughput
//! against the bare handler's, measured in the same run, is the figure that travels between
//! machines. Prints a Markdown section (see `scripts/bench`, which writes
//! docs/benchmarks.md).
//!
//! `bench --database-url URL --cases N [--requests R] [--concurrency C] [--only NAME]`

mod cluster;
mod delivery;
mod pages;

use app::{
    admin::{db::insert_user, NewUser},
    auth::{password::hash_password, CurrentUser},
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
    /// Measure only delivery (the outbox against lettre alone, the morning digests).
    delivery_only: bool,
    /// Messages for the delivery measurement.
    messages: usize,
    /// nginx in front of a running `scripts/cluster`: measure the cluster instead.
    cluster: Option<String>,
    cluster_dir: std::path::PathBuf,
    soak_minutes: u64,
    soak_users: usize,
}

fn args() -> Args {
    let mut a = Args {
        database_url: String::new(),
        cases: 20_000,
        requests: 300,
        concurrency: 8,
        only: String::new(),
        delivery_only: false,
        messages: 10_000,
        cluster: None,
        cluster_dir: "/tmp/fuhuitong-cluster".into(),
        soak_minutes: 20,
        soak_users: 200,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--delivery-only" {
            a.delivery_only = true;
            continue;
        }
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--database-url" => a.database_url = value,
            "--cases" => a.cases = value.parse().expect("--cases N"),
            "--requests" => a.requests = value.parse().expect("--requests N"),
            "--concurrency" => a.concurrency = value.parse().expect("--concurrency N"),
            "--only" => a.only = value,
            "--messages" => a.messages = value.parse().expect("--messages N"),
            "--cluster" => a.cluster = Some(value),
            "--cluster-dir" => a.cluster_dir = value.into(),
            "--soak-minutes" => a.soak_minutes = value.parse().expect("--soak-minutes M"),
            "--soak-users" => a.soak_users = value.parse().expect("--soak-users U"),
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
    server::demo::reference::seed_reference_data(state)
        .await
        .unwrap();
    for (username, role, bureau) in USERS {
        add_user(state, username, role, bureau, PASSWORD).await;
    }
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(&state.db)
        .await
        .unwrap();
    if have < cases as i64 {
        let started = Instant::now();
        server::demo::generate::generate(state, cases - have as usize)
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

/// Adds a user of `role` (in the bureau of code `bureau`, or none) unless there already.
async fn add_user(state: &AppState, username: &str, role: &str, bureau: &str, password: &str) {
    let bureau_id = match bureau {
        "" => String::new(),
        code => app::reference::db::bureau_id_by_code(&state.db, code)
            .await
            .unwrap()
            .unwrap()
            .to_string(),
    };
    let user = NewUser::parse(username, username, role, &bureau_id, password.into()).unwrap();
    let hash = hash_password(&user.password).await.unwrap();
    let mut conn = state.db.acquire().await.unwrap();
    let _ = insert_user(&mut conn, &user, &hash, 0).await; // already there on a rerun
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
        city: Default::default(),
    };
    if let Some(base) = args.cluster.clone() {
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
            .fetch_one(&state.db)
            .await
            .unwrap();
        println!(
            "### Three app servers behind nginx on PostgreSQL, {total} cases ({})\n",
            machine()
        );
        let options = cluster::Options {
            base,
            dir: args.cluster_dir.clone(),
            root: std::env::current_dir().unwrap(),
            soak: Duration::from_secs(args.soak_minutes * 60),
            users: args.soak_users,
        };
        cluster::run(&state, options).await;
        return;
    }
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
    if args.delivery_only {
        println!("### {backend}, {total} cases: delivery\n");
        delivery::messages(&state, backend, args.messages).await;
        delivery::digests(&state, backend).await;
        return;
    }

    let web = server::config::Config {
        public_url: String::new(),
        // The benchmark drives one status page from one address as fast as it can.
        link_lookups_per_minute: u32::MAX,
        ..server::config::Config::from_lookup(|_| None).unwrap()
    };
    // The report's figures are built by the housekeeping after an upgrade, before anyone
    // reads a report: here, before the measurement.
    let started = Instant::now();
    let built = match app::reports::db::rollup::refresh(&state.db).await.unwrap() {
        app::reports::db::rollup::Refreshed::Rebuilt(cases) => Some((cases, started.elapsed())),
        _ => None,
    };
    let options = LeptosOptions::builder().output_name("fuhuitong").build();
    let app = serve(server::web::router(state.clone(), &web, options)).await;
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
            .with_state((state.db.clone(), sec_user.clone())),
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
    // The lead bureau's own questions being written: the page also reads what the similar
    // cases offer it (併案, 援引), its corrections and its links.
    let writing: Vec<i64> = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN assignments a ON a.case_id = c.id \
         JOIN bureaus b ON b.id = a.bureau_id WHERE b.code = 'UDD' AND a.role = 'lead' \
         AND a.state = 'accepted' AND c.kind = 'question' \
         AND c.status IN ('in_progress', 'returned') ORDER BY c.id",
    )
    .fetch_all(&state.db)
    .await
    .unwrap();
    if !writing.is_empty() {
        let mine: Vec<String> = (0..50)
            .map(|i| url(&format!("/cases/{}", writing[i * writing.len() / 50])))
            .collect();
        results.extend(
            run(
                "Case page, lead bureau liaison writing (50 questions)",
                "bench-udd",
                mine,
            )
            .await,
        );
    }
    let topics: Vec<String> =
        sqlx::query_scalar("SELECT topic FROM cases ORDER BY id DESC LIMIT 20")
            .fetch_all(&state.db)
            .await
            .unwrap();
    if "Recording form, similar questions (20 topics)".contains(&only) {
        results.push(similar(app, &topics, councilor, args.requests, args.concurrency).await);
    }
    results.extend(
        run(
            "Notifications, bureau liaison",
            "bench-udd",
            vec![url("/notifications")],
        )
        .await,
    );
    let fixture = pages::fixture(&state, &sec_user).await;
    let today = state.today();
    let since = |days: i64| {
        format!(
            "/reports?from={}&to={today}",
            today - chrono::Duration::days(days)
        )
    };
    for (name, who, path) in [
        ("Reports, a year", "bench-sec", since(364)),
        ("Reports, a decade", "bench-rev", since(3652)),
        ("Meetings", "bench-sec", "/meetings".to_owned()),
        (
            "Meeting agenda (every tracked case, a bureau a page)",
            "bench-sec",
            format!("/meetings/{}", fixture.agenda),
        ),
        (
            "Meeting agenda, reviewer (a decision form a case)",
            "bench-rev",
            format!("/meetings/{}", fixture.agenda),
        ),
        (
            "Meeting minutes (300 decisions)",
            "bench-rev",
            format!("/meetings/{}", fixture.minutes),
        ),
        ("Volume", "bench-sec", "/volume".to_owned()),
        (
            "Volume job",
            "bench-sec",
            format!("/volume/jobs/{}", fixture.job),
        ),
        (
            "Import preview (600 rows)",
            "bench-sec",
            format!("/cases/import/{}", fixture.import),
        ),
        ("Status links", "bench-sec", "/links".to_owned()),
        (
            "Case list, service cases",
            "bench-sec",
            "/cases?kind=service".to_owned(),
        ),
        (
            "Office's filing form (service case, status link)",
            "bench-sec",
            format!("/s/{}/new/service", fixture.filing_token),
        ),
        (
            "Case list, resolutions",
            "bench-sec",
            "/cases?kind=resolution".to_owned(),
        ),
        (
            "Execution reports",
            "bench-sec",
            "/resolutions/reports".to_owned(),
        ),
        (
            "Execution report (two sessions' resolutions)",
            "bench-rev",
            format!("/resolutions/reports/{}", fixture.execution_report),
        ),
        (
            "Bills, a session (150 bills, every bureau)",
            "bench-sec",
            format!("/bills?session={}", fixture.bills_session),
        ),
        ("Bills, bureau liaison", "bench-udd", "/bills".to_owned()),
        (
            "Bill page (its steps and positions)",
            "bench-rev",
            format!("/bills/{}", fixture.bill),
        ),
        (
            "Briefings, a session",
            "bench-sec",
            format!("/briefings?session={}", fixture.bills_session),
        ),
        (
            "Briefing (10 bills, positions, asks)",
            "bench-sec",
            format!("/briefings/{}", fixture.briefing),
        ),
        (
            "Briefing pack, print",
            "bench-rev",
            format!("/briefings/{}/pack", fixture.briefing),
        ),
        (
            "Councilor brief, every councilor with a case open",
            "bench-sec",
            format!("/briefs?session={session}"),
        ),
        ("Audit log", "bench-admin", "/admin/audit".to_owned()),
        (
            "Mail deliveries",
            "bench-admin",
            "/admin/deliveries".to_owned(),
        ),
        (
            "Notification settings",
            "bench-udd",
            "/account/notifications".to_owned(),
        ),
    ] {
        results.extend(run(name, who, vec![url(&path)]).await);
    }
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
    let goal = if backend == "SQLite" { 2.0 } else { 3.0 };
    let over: Vec<String> = results
        .iter()
        .filter(|m| m.p95.as_secs_f64() > goal * baseline.p95.as_secs_f64())
        .map(|m| {
            format!(
                "{} ({:.1}×)",
                m.name,
                m.p95.as_secs_f64() / baseline.p95.as_secs_f64()
            )
        })
        .collect();
    println!(
        "Pages within {goal:.0}× the bare handler's p95: {} of {}{}\n",
        results.len() - over.len(),
        results.len(),
        if over.is_empty() {
            ".".to_owned()
        } else {
            format!("; over it: {}.", over.join(", "))
        }
    );
    if let Some((cases, took)) = built {
        println!(
            "The report's kept figures were first built from {cases} cases in {:.1} s (once, \
             by the housekeeping after the upgrade; then a few cases per refresh).\n",
            took.as_secs_f64()
        );
    }
    if args.only.is_empty() || "status".contains(&args.only) {
        status_page(&state, app, sec_id, &args).await;
    }
    // The volume has its own SQLite fixture: measured once, in the SQLite run.
    if backend == "SQLite" && (args.only.is_empty() || "volume".contains(&args.only)) {
        volume().await;
    }
}

/// The bare baseline of the status page: the same rows from the same query, as JSON.
/// 找相似案件 as an officer uses it: the draft posted (the session keeps it for the form's
/// next page), then the form with the similar questions under it; the pair is one sample.
/// Each of the `concurrency` tasks signs in on its own, so no task reads another's draft.
async fn similar(
    app: SocketAddr,
    topics: &[String],
    councilor: i64,
    requests: usize,
    concurrency: usize,
) -> Measured {
    let mut clients = Vec::new();
    for _ in 0..concurrency {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = client
            .post(format!("http://{app}/api/login"))
            .form(&[("username", "bench-sec"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "login bench-sec");
        clients.push(client);
    }
    let topics = Arc::new(topics.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in clients {
        let (topics, next) = (topics.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    break times;
                }
                let draft = [
                    ("form[topic]", topics[i % topics.len()].clone()),
                    ("form[councilor_ids][]", councilor.to_string()),
                ];
                let t = Instant::now();
                let res = client
                    .post(format!(
                        "http://{app}{}",
                        app::cases::pages::SIMILAR_DRAFT_PATH
                    ))
                    .header("Accept", "text/html")
                    .form(&draft)
                    .send()
                    .await
                    .unwrap();
                assert!(res.status().is_redirection(), "draft: {}", res.status());
                let res = client
                    .get(format!("http://{app}/cases/new/question"))
                    .header("Accept", "text/html")
                    .send()
                    .await
                    .unwrap();
                assert!(res.status().is_success(), "form: {}", res.status());
                let page = res.text().await.unwrap();
                assert!(
                    page.contains("similar-cases"),
                    "the form shows its similar cases"
                );
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
        name: "Recording form, similar questions (20 topics): draft posted, form read".to_owned(),
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        per_second: requests as f64 / elapsed.as_secs_f64(),
    }
}

async fn bare_status(
    State((pool, scope, session)): State<(AnyPool, app::links::Scope, i64)>,
) -> Json<Vec<app::links::PublicCase>> {
    let today = chrono::Utc::now().date_naive();
    Json(
        app::links::db::page(&pool, scope, Some(session), today)
            .await
            .unwrap()
            .cases,
    )
}

/// A councilor office's status page (the councilor and session with a count of cases
/// nearest 40), beside a bare handler serving the same rows, in the same run.
async fn status_page(state: &AppState, app: SocketAddr, sec_id: i64, args: &Args) {
    let (session, councilor, cases): (i64, i64, i64) = sqlx::query_as(
        "SELECT c.session_id, cc.councilor_id, COUNT(*) FROM case_councilors cc \
         JOIN cases c ON c.id = cc.case_id GROUP BY c.session_id, cc.councilor_id \
         ORDER BY ABS(COUNT(*) - 40), c.session_id DESC, cc.councilor_id LIMIT 1",
    )
    .fetch_one(&state.db)
    .await
    .unwrap();
    // Generated councilors ask fewer than 40 questions a session: answered ones are added
    // until this one has 40 (once; a rerun finds them).
    let mut tx = app::db::begin(&state.db).await.unwrap();
    let (sitting_type, last): (i64, i64) = sqlx::query_as(
        "SELECT MIN(sitting_type_id), MAX(number) FROM cases \
         WHERE session_id = $1 AND kind = 'question'",
    )
    .bind(session)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    for n in 0..(40 - cases).max(0) {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cases (kind, session_id, number, topic, body, sitting_type_id, \
               sitting_date, due_on, status, reply, created_by, created_at, updated_at) \
             VALUES ('question', $1, $2, '狀態頁測試議題', '請說明辦理情形。', $3, \
               '2024-03-15', '2024-03-22', 'closed', $4, $5, 0, 0) RETURNING id",
        )
        .bind(session)
        .bind(last + 1 + n)
        .bind(sitting_type)
        .bind(REPLY_SENTENCES.concat())
        .bind(sec_id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO case_councilors (case_id, councilor_id, position) VALUES ($1, $2, 0)",
        )
        .bind(id)
        .bind(councilor)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    let cases = cases.max(40);
    let scope = app::links::Scope {
        councilor_id: councilor,
        case_id: None,
    };
    let expires = chrono::Utc::now().date_naive() + chrono::Duration::days(30);
    let (_, token) = app::links::db::create(&mut tx, scope, expires, sec_id, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let bare = serve(
        Router::new()
            .route("/status", get(bare_status))
            .with_state((state.db.clone(), scope, session)),
    )
    .await;
    let client = reqwest::Client::new();
    let page = measure(
        "Status page (no login, server-rendered)",
        &client,
        vec![format!("http://{app}/s/{token}?session={session}")],
        args.requests,
        args.concurrency,
    )
    .await;
    let baseline = measure(
        "Bare axum + sqlx: the same rows as JSON",
        &client,
        vec![format!("http://{bare}/status")],
        args.requests,
        args.concurrency,
    )
    .await;
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    println!(
        "#### Councilor status page
"
    );
    println!(
        "A councilor with {cases} cases in one session, opened by a status link; {} \
         requests, {} at a time, in the same run.\n",
        args.requests, args.concurrency
    );
    println!("| | p50 ms | p99 ms | req/s |");
    println!("|---|---:|---:|---:|");
    for m in [&page, &baseline] {
        println!(
            "| {} | {} | {} | {:.0} |",
            m.name,
            ms(m.p50),
            ms(m.p99),
            m.per_second
        );
    }
    println!(
        "\nStatus page against the bare handler: **{:.2}×** the throughput.\n",
        page.per_second / baseline.per_second
    );
}

/// Words of a written reply, to be put together into replies of realistic length (the
/// seed's replies run from a few lines to over a page).
const REPLY_SENTENCES: &[&str] = &[
    "謝謝議員對本案的關心與指教。",
    "本府已邀集相關機關召開跨局處研商會議，就議員所提問題逐項檢討。",
    "經查本市目前計有一百二十三處相關設施，其中四十五處已完成改善，其餘預定於一一四年底前分三階段辦理完竣。",
    "有關經費部分，本府已於一一三年度預算編列新臺幣三億五千萬元，並將爭取中央前瞻計畫補助。",
    "針對議員關切之民眾權益，本府將加強宣導，並於各區公所設置專人諮詢窗口，以利民眾洽詢。",
    "另為提升執行效率，本府已建立管考機制，每月由研考會追蹤進度，並定期於市政會議報告。",
    "未來本府將持續與地方里長及社區團體溝通，蒐集在地意見，滾動檢討相關作法。",
    "至於議員建議參考其他縣市之作法，本府已函請相關機關蒐集資料，評估納入下一期計畫之可行性。",
    "本案後續辦理情形，將以書面資料送請議員參考。",
];

/// A 600-question session written into a fresh SQLite database: every question approved,
/// with a reply of 600–1,000 characters, one or two councilors and a lead bureau (some with
/// a co-bureau). Returns the state and the session.
async fn volume_fixture() -> (AppState, i64) {
    let dir = std::env::temp_dir().join(format!("fht-bench-volume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("volume.db").display());
    let state = AppState {
        db: server::open_database(&url).await.unwrap(),
        clock: Arc::new(SystemClock),
        city: Default::default(),
    };
    server::demo::reference::seed_reference_data(&state)
        .await
        .unwrap();
    let user = {
        let new =
            NewUser::parse("bench-volume", "bench", "secretariat", "", PASSWORD.into()).unwrap();
        let hash = hash_password(&new.password).await.unwrap();
        let mut conn = state.db.acquire().await.unwrap();
        insert_user(&mut conn, &new, &hash, 0).await.unwrap()
    };
    let session: i64 = sqlx::query_scalar("SELECT id FROM council_sessions ORDER BY id LIMIT 1")
        .fetch_one(&state.db)
        .await
        .unwrap();
    let councilors: Vec<i64> = sqlx::query_scalar(
        "SELECT c.id FROM councilors c JOIN council_sessions s ON s.term_id = c.term_id \
         WHERE s.id = $1 ORDER BY c.id",
    )
    .bind(session)
    .fetch_all(&state.db)
    .await
    .unwrap();
    let bureaus: Vec<i64> = sqlx::query_scalar("SELECT id FROM bureaus ORDER BY id")
        .fetch_all(&state.db)
        .await
        .unwrap();
    let types: Vec<i64> = sqlx::query_scalar("SELECT id FROM sitting_types ORDER BY sort_order")
        .fetch_all(&state.db)
        .await
        .unwrap();
    let mut seed: u64 = 12;
    let mut next = move |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        ((seed >> 33) as usize) % n
    };
    let mut tx = app::db::begin(&state.db).await.unwrap();
    for number in 1..=600i64 {
        let mut reply = String::new();
        while reply.chars().count() < 600 + next(400) {
            reply.push_str(REPLY_SENTENCES[next(REPLY_SENTENCES.len())]);
            if next(4) == 0 {
                reply.push('\n');
            }
        }
        let body = format!(
            "{}請市府說明目前辦理情形、經費來源與預定完成期程，並提出具體改善措施。{}",
            REPLY_SENTENCES[next(3) + 1],
            REPLY_SENTENCES[next(3) + 4]
        );
        let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
            + chrono::Duration::days(next(40) as i64);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cases (kind, session_id, number, topic, body, sitting_type_id, \
               sitting_date, due_on, status, reply, created_by, created_at, updated_at) \
             VALUES ('question', $1, $2, $3, $4, $5, $6, $6, 'closed', $7, $8, 0, 0) RETURNING id",
        )
        .bind(session)
        .bind(number)
        .bind(format!("市政議題第 {number} 案：公共設施改善與預算執行"))
        .bind(body)
        .bind(types[next(types.len())])
        .bind(day.to_string())
        .bind(reply)
        .bind(user)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let first = next(councilors.len());
        let mut asked = vec![councilors[first]];
        if next(5) == 0 {
            asked.push(councilors[(first + 1) % councilors.len()]);
        }
        for (position, c) in asked.iter().enumerate() {
            sqlx::query(
                "INSERT INTO case_councilors (case_id, councilor_id, position) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(c)
            .bind(position as i64)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        let lead = next(bureaus.len());
        let mut parts = vec![(bureaus[lead], "lead")];
        if next(3) == 0 {
            parts.push((bureaus[(lead + 1) % bureaus.len()], "co"));
        }
        for (bureau, role) in parts {
            sqlx::query(
                "INSERT INTO assignments (case_id, bureau_id, role, state, assigned_by, assigned_at) \
                 VALUES ($1, $2, $3, 'accepted', $4, 0)",
            )
            .bind(id)
            .bind(bureau)
            .bind(role)
            .bind(user)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    (state, session)
}

/// The written-reply volume of a 600-question session on SQLite: compiled and written as
/// ODT and as PDF, beside a plain query of the same rows in the same run.
async fn volume() {
    let (state, session) = volume_fixture().await;
    let state = &state;
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
    let fonts = server::documents::pdf::FontPaths::default();
    let mut sizes = (0, 0, 0, 0);
    let mut files = [Vec::new(), Vec::new()];
    for _ in 0..runs {
        for (i, format) in [
            app::volume::VolumeFormat::Odt,
            app::volume::VolumeFormat::Pdf,
        ]
        .into_iter()
        .enumerate()
        {
            let started = Instant::now();
            let v = app::volume::db::volume(&state.db, &state.city, &filter, today)
                .await
                .unwrap();
            let bytes =
                server::features::volume::render_now(&v, format, &fonts, |_, _| {}).unwrap();
            files[i].push(started.elapsed());
            let chars: usize = v.entries.iter().map(|e| e.reply.chars().count()).sum();
            sizes.0 = v.entries.len();
            sizes.1 = chars / v.entries.len().max(1);
            if i == 0 {
                sizes.2 = bytes.len();
            } else {
                sizes.3 = bytes.len();
            }
        }
    }
    let ms = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1000.0);
    println!("#### Written-reply volume\n");
    println!(
        "A 600-question session on SQLite ({questions} questions, {} approved replies of {} \
         characters on average); the ODT is {} KB, the PDF {} KB with its fonts subsetted. \
         Each compiled from the database and written {runs} times; the fonts are read in the \
         first PDF run only (the max), as a server does.\n",
        sizes.0,
        sizes.1,
        sizes.2 / 1024,
        sizes.3 / 1024
    );
    println!("| | min ms | median ms | max ms |");
    println!("|---|---:|---:|---:|");
    for (name, took) in [
        ("Plain query of the same rows", plain),
        ("Volume compiled and written as ODT", files[0].clone()),
        ("Volume compiled and written as PDF", files[1].clone()),
    ] {
        let (min, med, max) = time(took);
        println!("| {name} | {} | {} | {} |", ms(min), ms(med), ms(max));
    }
    println!();
    let _ = std::fs::remove_dir_all(
        std::env::temp_dir().join(format!("fht-bench-volume-{}", std::process::id())),
    );
}
