//! The cluster under load, through nginx (`scripts/bench --cluster`, with `scripts/cluster`
//! running): one app server killed and revived during load, a rolling restart of all three
//! during load, then a soak of simulated users of every role at the pace of an office day.
//! Requests sent, answered and refused are counted; every write the app acknowledged is
//! looked for in the database afterwards; each server's memory is read at the soak's start
//! and end. Prints Markdown sections for docs/benchmarks.md.

use app::state::AppState;
use std::{
    collections::BTreeMap,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

const PASSWORD: &str = "bench cluster password 2024";

pub struct Options {
    /// nginx in front of the servers, e.g. `http://127.0.0.1:8080`.
    pub base: String,
    /// The cluster's `CLUSTER_DIR` (the servers' pid files).
    pub dir: PathBuf,
    /// The repository, for `scripts/cluster`.
    pub root: PathBuf,
    pub soak: Duration,
    pub users: usize,
}

/// The roles of the soak's users and their share of them (of 20).
const ROLES: [(&str, &str, usize); 6] = [
    ("secretariat", "", 5),
    ("bureau_liaison", "UDD", 4),
    ("bureau_liaison", "DOT", 4),
    ("bureau_approver", "UDD", 3),
    ("reviewer", "", 2),
    ("admin", "", 2),
];

/// What the pages and writes need: ids from the database.
struct World {
    session: i64,
    sitting_type: i64,
    sitting_date: String,
    councilor: i64,
    cases: Vec<i64>,
    udd_cases: Vec<i64>,
    dot_cases: Vec<i64>,
    /// Each run's writes carry this in their topic, so they are found afterwards.
    tag: String,
    /// The next question number of the session (numbers are unique in a session).
    next_number: std::sync::atomic::AtomicI64,
}

impl World {
    fn number(&self) -> i64 {
        self.next_number
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

/// One request's outcome.
#[derive(Clone)]
struct Outcome {
    page: &'static str,
    write: bool,
    /// HTTP status, or none when the connection failed.
    status: Option<u16>,
    millis: f64,
    upstream: String,
    /// The topic of an acknowledged write.
    wrote: Option<String>,
}

impl Outcome {
    fn answered(&self) -> bool {
        self.status.is_some_and(|s| s < 500)
    }
}

type Log = Arc<Mutex<Vec<Outcome>>>;

struct Rng(u64);
impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

async fn accounts(state: &AppState) -> Vec<(String, &'static str, &'static str)> {
    let mut made = Vec::new();
    for (role, bureau, share) in ROLES {
        for i in 0..share {
            let username = format!("soak-{role}-{}{i}", bureau.to_lowercase());
            crate::add_user(state, &username, role, bureau, PASSWORD).await;
            made.push((username, role, bureau));
        }
    }
    made
}

async fn world(state: &AppState) -> World {
    let db = &state.db;
    let (session, sitting_date): (i64, String) = sqlx::query_as(
        "SELECT session_id, sitting_date FROM cases WHERE kind = 'question' ORDER BY id LIMIT 1",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let bureau_cases = |code: &'static str| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT a.case_id FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
             WHERE b.code = $1 AND a.role = 'lead' AND a.state IN ('pending', 'accepted') \
             ORDER BY a.case_id DESC LIMIT 50",
        )
        .bind(code)
        .fetch_all(db)
        .await
        .unwrap()
    };
    World {
        session,
        sitting_type: sqlx::query_scalar("SELECT id FROM sitting_types WHERE code = 'general'")
            .fetch_one(db)
            .await
            .unwrap(),
        sitting_date,
        councilor: sqlx::query_scalar("SELECT id FROM councilors ORDER BY id LIMIT 1")
            .fetch_one(db)
            .await
            .unwrap(),
        cases: sqlx::query_scalar("SELECT id FROM cases ORDER BY id DESC LIMIT 200")
            .fetch_all(db)
            .await
            .unwrap(),
        udd_cases: bureau_cases("UDD").await,
        dot_cases: bureau_cases("DOT").await,
        tag: format!("叢集壓測{}", chrono::Utc::now().format("%m%d%H%M%S")),
        next_number: sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM cases WHERE session_id = $1",
        )
        .bind(session)
        .fetch_one(db)
        .await
        .unwrap()
        .into(),
    }
}

async fn sign_in(base: &str, username: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    for _ in 0..20 {
        let res = client
            .post(format!("{base}/api/login"))
            .form(&[("username", username), ("password", PASSWORD)])
            .send()
            .await;
        if res.is_ok_and(|r| r.status().is_success()) {
            return client;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("{username} could not sign in through {base}");
}

/// A page a user of `role` opens, by name and path.
fn page_for(role: &str, bureau: &str, w: &World, rng: &mut Rng) -> (&'static str, String) {
    let pick = |ids: &[i64], rng: &mut Rng| ids.get(rng.below(ids.len())).copied().unwrap_or(1);
    match role {
        "secretariat" => match rng.below(8) {
            0 => ("start page", "/".into()),
            1 => ("case list", "/cases".into()),
            2 => ("keyword search", "/cases?q=%E5%81%9C%E8%BB%8A".into()),
            3 | 4 => ("case page", format!("/cases/{}", pick(&w.cases, rng))),
            5 => ("meetings", "/meetings".into()),
            6 => ("links", "/links".into()),
            _ => ("volume", format!("/volume?session={}", w.session)),
        },
        "bureau_liaison" | "bureau_approver" => {
            let ids = if bureau == "DOT" {
                &w.dot_cases
            } else {
                &w.udd_cases
            };
            match rng.below(5) {
                0 => ("start page", "/".into()),
                1 => ("case list", "/cases".into()),
                2 => ("notifications", "/notifications".into()),
                _ => ("case page", format!("/cases/{}", pick(ids, rng))),
            }
        }
        "reviewer" => match rng.below(4) {
            0 => ("start page", "/".into()),
            1 => ("meetings", "/meetings".into()),
            2 => ("reports", "/reports".into()),
            _ => ("case page", format!("/cases/{}", pick(&w.cases, rng))),
        },
        _ => match rng.below(3) {
            0 => ("audit log", "/admin/audit".into()),
            1 => ("users", "/admin/users".into()),
            _ => ("mail log", "/admin/deliveries".into()),
        },
    }
}

fn upstream(res: &reqwest::Response) -> String {
    res.headers()
        .get("x-upstream")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .unwrap_or("")
        .trim()
        .to_owned()
}

async fn get(client: &reqwest::Client, base: &str, page: &'static str, path: &str) -> Outcome {
    let started = Instant::now();
    let res = client.get(format!("{base}{path}")).send().await;
    let (status, upstream) = match res {
        Ok(res) => {
            let status = res.status().as_u16();
            let up = upstream(&res);
            let _ = res.bytes().await;
            (Some(status), up)
        }
        Err(_) => (None, String::new()),
    };
    Outcome {
        page,
        write: false,
        status,
        millis: started.elapsed().as_secs_f64() * 1000.0,
        upstream,
        wrote: None,
    }
}

/// Records a question as the secretariat; acknowledged when the app answers 2xx.
async fn write(client: &reqwest::Client, base: &str, w: &World) -> Outcome {
    let n = w.number();
    let topic = format!("{} 第{n}號", w.tag);
    let number = n.to_string();
    let form = [
        ("form[session_id]", w.session.to_string()),
        ("form[number]", number),
        ("form[sitting_type_id]", w.sitting_type.to_string()),
        ("form[sitting_date]", w.sitting_date.clone()),
        ("form[councilor_ids][]", w.councilor.to_string()),
        ("form[topic]", topic.clone()),
        ("form[body]", "請說明辦理情形。".into()),
    ];
    let started = Instant::now();
    let res = client
        .post(format!("{base}/api/cases/record-question"))
        .form(&form)
        .send()
        .await;
    let (status, upstream, wrote) = match res {
        Ok(res) => {
            let status = res.status().as_u16();
            let up = upstream(&res);
            let ok = res.status().is_success() && res.bytes().await.is_ok();
            (Some(status), up, ok.then_some(topic))
        }
        Err(_) => (None, String::new(), None),
    };
    Outcome {
        page: "record a question",
        write: true,
        status,
        millis: started.elapsed().as_secs_f64() * 1000.0,
        upstream,
        wrote,
    }
}

fn script(o: &Options, args: &[&str]) {
    let done = std::process::Command::new(o.root.join("scripts/cluster"))
        .args(args)
        .env("CLUSTER_DIR", &o.dir)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(done.success(), "scripts/cluster {args:?}");
}

/// `workers` clients reading and writing as fast as they are answered until `stop`.
async fn hammer(
    base: &str,
    w: &Arc<World>,
    sec: &[reqwest::Client],
    stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<Outcome> {
    let log: Log = Default::default();
    let mut tasks = Vec::new();
    for (i, client) in sec.iter().enumerate() {
        let (client, w, log, base) = (client.clone(), w.clone(), log.clone(), base.to_owned());
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(i as u64 + 7);
            while !*stop.borrow() {
                let outcome = if rng.below(5) == 0 {
                    write(&client, &base, &w).await
                } else {
                    let (page, path) = page_for("secretariat", "", &w, &mut rng);
                    get(&client, &base, page, &path).await
                };
                log.lock().unwrap().push(outcome);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    Arc::try_unwrap(log)
        .ok()
        .map(|m| m.into_inner().unwrap())
        .unwrap_or_default()
}

/// The acknowledged writes of `outcomes` that the database does not have, and the writes
/// it has of this run.
async fn writes_found(state: &AppState, w: &World, outcomes: &[Outcome]) -> (usize, i64) {
    let found: Vec<String> = sqlx::query_scalar("SELECT topic FROM cases WHERE topic LIKE $1")
        .bind(format!("{}%", w.tag))
        .fetch_all(&state.db)
        .await
        .unwrap();
    let found: std::collections::HashSet<String> = found.into_iter().collect();
    let lost = outcomes
        .iter()
        .filter_map(|o| o.wrote.as_ref())
        .filter(|t| !found.contains(*t))
        .count();
    (lost, found.len() as i64)
}

fn tally(outcomes: &[Outcome], write: bool) -> (usize, usize, usize) {
    let of: Vec<&Outcome> = outcomes.iter().filter(|o| o.write == write).collect();
    let answered = of.iter().filter(|o| o.answered()).count();
    (of.len(), answered, of.len() - answered)
}

async fn under_load(
    state: &AppState,
    o: &Options,
    w: &Arc<World>,
    sec: &[reqwest::Client],
    title: &str,
    steps: &[(&str, u64)],
) {
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE topic LIKE $1")
        .bind(format!("{}%", w.tag))
        .fetch_one(&state.db)
        .await
        .unwrap();
    let load = {
        let (base, w, sec) = (o.base.clone(), w.clone(), sec.to_vec());
        tokio::spawn(async move { hammer(&base, &w, &sec, stop).await })
    };
    let started = Instant::now();
    for (step, wait) in steps {
        tokio::time::sleep(Duration::from_secs(*wait)).await;
        let args: Vec<&str> = step.split(' ').collect();
        let at = started.elapsed().as_secs_f64();
        tokio::task::block_in_place(|| script(o, &args));
        eprintln!(
            "{title}: {step} at {at:.1} s, done at {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop_tx.send(true).unwrap();
    let outcomes = load.await.unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let (lost, found) = writes_found(state, w, &outcomes).await;
    let (reads, reads_ok, reads_refused) = tally(&outcomes, false);
    let (writes, writes_ok, writes_refused) = tally(&outcomes, true);
    let acknowledged = outcomes.iter().filter(|o| o.wrote.is_some()).count();
    let last_servers: std::collections::BTreeSet<&str> = outcomes
        .iter()
        .rev()
        .take(60)
        .map(|o| o.upstream.as_str())
        .filter(|u| !u.is_empty())
        .collect();
    println!("#### {title}\n");
    println!(
        "{} clients for {elapsed:.0} s, steps: {}.\n",
        sec.len(),
        steps
            .iter()
            .map(|(s, _)| format!("`scripts/cluster {s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("| | sent | answered | refused or failed |\n|---|---:|---:|---:|");
    println!("| reads (GET) | {reads} | {reads_ok} | {reads_refused} |");
    println!("| writes (POST) | {writes} | {writes_ok} | {writes_refused} |\n");
    println!(
        "Writes acknowledged: {acknowledged}; found in the database afterwards: {} of this \
         run's; acknowledged but missing: **{lost}**. Servers answering the last 60 requests: {}.\n",
        found - before,
        last_servers.len()
    );
}

fn rss_kb(pid: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{}/status", pid.trim()))
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn memory(o: &Options) -> Vec<(String, Option<u64>)> {
    (1..=3)
        .map(|n| {
            let pid =
                std::fs::read_to_string(o.dir.join(format!("app{n}/pid"))).unwrap_or_default();
            (format!("app{n}"), rss_kb(&pid))
        })
        .collect()
}

/// `users` simulated users of every role, each signed in on their own, opening a page (and
/// the secretariat now and then recording a question) every 3–10 s for `o.soak`.
async fn soak(
    state: &AppState,
    o: &Options,
    w: &Arc<World>,
    accounts: &[(String, &'static str, &'static str)],
) {
    let memory_before = memory(o);
    let log: Log = Default::default();
    let deadline = Instant::now() + o.soak;
    // Each server's memory once a minute, to tell warming up from growing.
    let samples = {
        let dir = o.dir.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                tokio::time::sleep(Duration::from_secs(60)).await;
                let o = Options {
                    base: String::new(),
                    dir: dir.clone(),
                    root: PathBuf::new(),
                    soak: Duration::ZERO,
                    users: 0,
                };
                samples.push(memory(&o));
            }
            samples
        })
    };
    let mut tasks = Vec::new();
    for i in 0..o.users {
        let (username, role, bureau) = accounts[i % accounts.len()].clone();
        let (w, log, base) = (w.clone(), log.clone(), o.base.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(0x9E37_79B9 ^ (i as u64 * 2_654_435_761));
            // Arrivals spread over the first half-minute, as people come in.
            tokio::time::sleep(Duration::from_millis(rng.below(30_000) as u64)).await;
            let client = sign_in(&base, &username).await;
            while Instant::now() < deadline {
                let outcome = if role == "secretariat" && rng.below(10) == 0 {
                    write(&client, &base, &w).await
                } else {
                    let (page, path) = page_for(role, bureau, &w, &mut rng);
                    get(&client, &base, page, &path).await
                };
                log.lock().unwrap().push(outcome);
                tokio::time::sleep(Duration::from_millis(3_000 + rng.below(7_000) as u64)).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let outcomes = std::mem::take(&mut *log.lock().unwrap());
    let memory_after = memory(o);
    let samples = samples.await.unwrap_or_default();
    let (lost, _) = writes_found(state, w, &outcomes).await;
    let mut pages: BTreeMap<&str, Vec<&Outcome>> = BTreeMap::new();
    for outcome in &outcomes {
        pages.entry(outcome.page).or_default().push(outcome);
    }
    println!("#### Soak\n");
    println!(
        "{} simulated users ({} accounts of six roles), each signed in on their own and opening a \
         page every 3–10 s for {} min through nginx; {} requests.\n",
        o.users,
        accounts.len(),
        o.soak.as_secs() / 60,
        outcomes.len()
    );
    println!("| page | requests | p50 ms | p95 ms | errors |\n|---|---:|---:|---:|---:|");
    for (page, of) in &pages {
        let mut ms: Vec<f64> = of.iter().map(|o| o.millis).collect();
        ms.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
        let errors = of
            .iter()
            .filter(|o| o.status.is_none_or(|s| s >= 400))
            .count();
        println!(
            "| {page} | {} | {:.1} | {:.1} | {} ({:.2} %) |",
            of.len(),
            at(0.5),
            at(0.95),
            errors,
            100.0 * errors as f64 / of.len() as f64
        );
    }
    println!("\nAcknowledged writes missing afterwards: **{lost}**.\n");
    println!("| server | memory at the start | at the end |\n|---|---:|---:|");
    for ((name, before), (_, after)) in memory_before.iter().zip(&memory_after) {
        let mb = |kb: &Option<u64>| {
            kb.map_or("–".into(), |kb| format!("{:.1} MB", kb as f64 / 1024.0))
        };
        println!("| {name} | {} | {} |", mb(before), mb(after));
    }
    println!();
    let series = |i: usize| {
        samples
            .iter()
            .map(|m| m[i].1.map_or("–".into(), |kb| format!("{}", kb / 1024)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!("Each server's memory (MB) at each minute of the soak:\n");
    for (i, (name, _)) in memory_before.iter().enumerate() {
        println!("- {name}: {}", series(i));
    }
    println!();
}

pub async fn run(state: &AppState, o: Options) {
    let accounts = accounts(state).await;
    let w = Arc::new(world(state).await);
    let sec: Vec<reqwest::Client> = {
        let mut clients = Vec::new();
        for (username, role, _) in &accounts {
            if *role == "secretariat" {
                clients.push(sign_in(&o.base, username).await);
            }
        }
        // Eight clients at once, each its own session, as in the page benchmark.
        let more: Vec<reqwest::Client> = clients.iter().take(3).cloned().collect();
        clients.extend(more);
        clients
    };
    under_load(
        state,
        &o,
        &w,
        &sec,
        "Kill one server under load",
        &[("kill 2", 10), ("revive 2", 10)],
    )
    .await;
    under_load(
        state,
        &o,
        &w,
        &sec,
        "Rolling restart under load",
        &[("restart 1", 5), ("restart 2", 3), ("restart 3", 3)],
    )
    .await;
    soak(state, &o, &w, &accounts).await;
}
