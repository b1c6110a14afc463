use app::{
    admin::{db::insert_user, NewUser},
    auth::{lockout::LockoutPolicy, password::hash_password},
    reference::db::bureau_id_by_code,
    state::{AppState, ManualClock},
};
use chrono::{DateTime, Duration};
use leptos::prelude::LeptosOptions;
use reqwest::{header, redirect::Policy, Client, Response};
use server::{config::Config, open_database, web::router};
use sqlx::Executor;
use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc,
    },
};

pub const PASSWORD: &str = "府會通 correct horse";

pub struct TestApp {
    pub addr: SocketAddr,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    /// The settings it was started with.
    pub web: Config,
    /// The database's URL, dropped with the app that made it.
    url: String,
    /// Whether this app made the database (another server on it leaves it be).
    owns_database: bool,
}

/// A test's database goes with its app, whether the test passed or panicked: a PostgreSQL
/// database is dropped (its connections ended), a SQLite file deleted. (`scripts/test`
/// also drops what a killed run left.)
impl Drop for TestApp {
    fn drop(&mut self) {
        if self.owns_database {
            forget_database(&self.url);
        }
    }
}

/// Drops a database that [`fresh_database_url`] or [`fresh_sqlite_url`] made.
pub fn forget_database(url: &str) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.contains("fht_test_") {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        return;
    }
    let (Some((_, name)), Ok(admin_url)) =
        (url.rsplit_once('/'), std::env::var("TEST_POSTGRES_URL"))
    else {
        return;
    };
    if !name.starts_with("fht_test_") {
        return;
    }
    let name = name.to_owned();
    // A runtime of its own on a thread of its own: this may run while the test's runtime
    // is unwinding.
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        runtime.block_on(async {
            let admin = app::db::connect(&admin_url).await.ok()?;
            let done = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
            admin.close().await;
            done.ok()
        })
    })
    .join();
    if !matches!(dropped, Ok(Some(_))) {
        eprintln!("test database {url} was not dropped");
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database no other test touches: a new SQLite file, or a new PostgreSQL database.
pub async fn fresh_database_url() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("fht_test_{}_{}_{n}", std::process::id(), rand_suffix());
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let admin = app::db::connect(&admin_url)
                .await
                .expect("connect to PostgreSQL");
            admin
                .execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create test database");
            admin.close().await;
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("URL with a database name");
            format!("{base}/{name}")
        }
        _ => sqlite_url(&name),
    }
}

/// A new SQLite file, whichever backend the suite runs on (to compare the two).
pub fn fresh_sqlite_url() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    sqlite_url(&format!(
        "fht_test_{}_{}_{n}",
        std::process::id(),
        rand_suffix()
    ))
}

fn sqlite_url(name: &str) -> String {
    let dir = std::env::temp_dir().join("fht-tests");
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite://{}", dir.join(format!("{name}.db")).display())
}

fn rand_suffix() -> u32 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now()) as u32
}

/// The configuration of an app under test: the defaults, served over `cookie_secure`, its
/// status links under a made-up public address.
/// The settings of a test app: the demo city's (the reference data is its council).
fn web_settings(cookie_secure: bool) -> Config {
    Config {
        cookie_secure,
        public_url: "https://fuhuitong.example.gov.tw".into(),
        city: demo_city(),
        ..Config::from_lookup(|_| None).expect("the default configuration")
    }
}

/// The city the demo data belongs to.
pub fn demo_city() -> app::city::City {
    app::city::City {
        government: "臺北市政府".into(),
        council: "臺北市議會".into(),
        liaison_unit: "秘書處".into(),
        contact: "府會聯絡組 (02) 2720-8889 分機 6262".into(),
    }
}

/// Serves the app's router on a loopback port of its own, its browser files under
/// `site_root`.
async fn serve_site(state: AppState, web: &Config, site_root: &str) -> SocketAddr {
    let options = LeptosOptions::builder()
        .output_name("fuhuitong")
        .site_root(site_root)
        .build();
    let app = router(state, web, options);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    addr
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(false).await
    }

    pub async fn spawn_with(cookie_secure: bool) -> Self {
        Self::start(&fresh_database_url().await, cookie_secure).await
    }

    /// Serves a database that a test prepared some other way (e.g. with the CLI).
    pub async fn spawn_on(url: &str) -> Self {
        Self::start(url, false).await
    }

    /// A fresh app with other login rules.
    pub async fn spawn_with_lockout(lockout: LockoutPolicy) -> Self {
        let web = Config {
            lockout,
            ..web_settings(false)
        };
        Self::start_with(&fresh_database_url().await, web).await
    }

    /// A fresh app that trusts the test's own address as its reverse proxy.
    pub async fn spawn_behind_proxy() -> Self {
        let web = Config {
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
            ..web_settings(false)
        };
        Self::start_with(&fresh_database_url().await, web).await
    }

    /// A fresh app for another city.
    pub async fn spawn_for_city(city: app::city::City) -> Self {
        let web = Config {
            city,
            ..web_settings(false)
        };
        Self::start_with(&fresh_database_url().await, web).await
    }

    /// A fresh app that sets PDF files in the fonts given.
    pub async fn spawn_with_fonts(pdf_fonts: server::documents::pdf::FontPaths) -> Self {
        let web = Config {
            pdf_fonts,
            ..web_settings(false)
        };
        Self::start_with(&fresh_database_url().await, web).await
    }

    /// An app whose mail goes to `smtp` (`smtp://127.0.0.1:<port>`), or with `None` to
    /// `.eml` files under `data_dir`.
    pub async fn spawn_with_mail(smtp: Option<&str>, data_dir: &std::path::Path) -> Self {
        let mut web = web_settings(false);
        web.mail.smtp_url = smtp.map(|u| u.parse().expect("an SMTP URL"));
        web.data_dir = data_dir.to_owned();
        Self::start_with(&fresh_database_url().await, web).await
    }

    /// A fresh app with its own settings.
    pub async fn spawn_with_config(web: Config) -> Self {
        Self::start_with(&fresh_database_url().await, web).await
    }

    /// The settings a test app starts with, to change before [`TestApp::spawn_with_config`].
    pub fn default_config() -> Config {
        web_settings(false)
    }

    /// Another server on this one's database whose browser files are those under `site_root`.
    pub async fn another_server_with_site(&self, site_root: &str) -> Self {
        let db = open_database(&self.url)
            .await
            .expect("open the shared database");
        let state = AppState {
            db,
            clock: self.clock.clone(),
            city: self.state.city.clone(),
        };
        let addr = serve_site(state.clone(), &self.web, site_root).await;
        Self {
            addr,
            clock: self.clock.clone(),
            state,
            web: self.web.clone(),
            url: self.url.clone(),
            owns_database: false,
        }
    }

    /// Another app server on this one's database, with its settings and clock, as a cluster
    /// runs them: its own router, pool, limits and workers; the database stays this app's.
    pub async fn another_server(&self) -> Self {
        self.another_server_with_site("target/site").await
    }

    async fn start(url: &str, cookie_secure: bool) -> Self {
        Self::start_with(url, web_settings(cookie_secure)).await
    }

    async fn start_with(url: &str, web: Config) -> Self {
        // Server logs show up under a failing test only.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("warn")
            .try_init();
        let db = open_database(url).await.expect("open test database");
        let clock = Arc::new(ManualClock::new(
            DateTime::from_timestamp(1_710_460_800, 0).unwrap(), // 2024-03-15 08:00 Taipei
        ));
        let state = AppState {
            db,
            clock: clock.clone(),
            city: Arc::new(web.city.clone()),
        };
        server::demo::reference::seed_reference_data(&state)
            .await
            .unwrap();
        let addr = serve_site(state.clone(), &web, "target/site").await;
        Self {
            addr,
            clock,
            state,
            web,
            url: url.to_owned(),
            owns_database: true,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser-like client with its own cookie jar that does not follow redirects,
    /// so tests can see them.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    pub async fn create_user(&self, username: &str, role: &str, bureau_code: Option<&str>) {
        let bureau_id = match bureau_code {
            Some(code) => bureau_id_by_code(&self.state.db, code)
                .await
                .unwrap()
                .unwrap()
                .to_string(),
            None => String::new(),
        };
        let user = NewUser::parse(username, username, role, &bureau_id, PASSWORD.into()).unwrap();
        let hash = hash_password(&user.password).await.unwrap();
        let mut conn = self.state.db.acquire().await.unwrap();
        insert_user(&mut conn, &user, &hash, 0).await.unwrap();
    }

    /// Gets a page as a browser navigation does (`Accept: text/html`), which is what makes
    /// the server answer redirects with a real 302.
    pub async fn page(&self, client: &Client, path: &str) -> Response {
        client
            .get(self.url(path))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .send()
            .await
            .unwrap()
    }

    /// Posts the login server fn as the hydrated app does (no `Accept: text/html`).
    pub async fn login(&self, client: &Client, username: &str, password: &str) -> Response {
        client
            .post(self.url("/api/login"))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// Creates a user of `role` and returns a client signed in as them.
    pub async fn signed_in(&self, username: &str, role: &str, bureau: Option<&str>) -> Client {
        self.create_user(username, role, bureau).await;
        let client = self.client();
        let res = self.login(&client, username, PASSWORD).await;
        assert!(res.status().is_success(), "login failed: {}", res.status());
        client
    }

    /// A new client signed in as an existing user, as on a new day.
    pub async fn sign_in(&self, username: &str) -> Client {
        let client = self.client();
        let res = self.login(&client, username, PASSWORD).await;
        assert!(res.status().is_success(), "login failed: {}", res.status());
        client
    }

    pub fn advance(&self, minutes: i64) {
        self.clock.advance(Duration::minutes(minutes));
    }
}

pub fn set_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get(header::SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_owned())
}

pub fn location(res: &Response) -> Option<String> {
    res.headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// The ids a case test needs from the reference data the harness loads.
pub struct Reference {
    pub session: i64,
    pub general_interpellation: i64,
    pub councilors: Vec<i64>,
}

impl TestApp {
    pub async fn reference(&self) -> Reference {
        let db = &self.state.db;
        Reference {
            session: sqlx::query_scalar("SELECT id FROM council_sessions ORDER BY id LIMIT 1")
                .fetch_one(db)
                .await
                .unwrap(),
            general_interpellation: sqlx::query_scalar(
                "SELECT id FROM sitting_types WHERE code = 'general'",
            )
            .fetch_one(db)
            .await
            .unwrap(),
            councilors: sqlx::query_scalar("SELECT id FROM councilors ORDER BY id")
                .fetch_all(db)
                .await
                .unwrap(),
        }
    }

    /// A user as the server fns see them once signed in.
    pub async fn current_user(&self, username: &str) -> app::auth::CurrentUser {
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(&self.state.db)
            .await
            .unwrap();
        app::auth::db::active_user(&self.state.db, id)
            .await
            .unwrap()
            .unwrap()
    }

    /// A status link to every case of `councilor_id`, issued by chen.sec (who must exist);
    /// its token, for `/s/{token}`.
    pub async fn status_token(&self, councilor_id: i64) -> String {
        let by = self.current_user("chen.sec").await.id;
        let mut tx = app::db::begin(&self.state.db).await.unwrap();
        let (_, token) = app::links::db::create(
            &mut tx,
            app::links::Scope {
                councilor_id,
                case_id: None,
            },
            app::dates::parse_date("115/12/24").unwrap(),
            by,
            0,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        token
    }

    /// `cases` generated cases over the demo's terms, as `scripts/bench` makes them; the
    /// generator records them as chen.sec, who must exist. How many questions and data
    /// requests it made.
    pub async fn generate(&self, cases: usize) -> (usize, usize) {
        server::demo::generate::generate(&self.state, cases)
            .await
            .unwrap()
    }

    /// The council session with the most cases, and its term: where generated data looks
    /// most like the bench's current session.
    pub async fn largest_session(&self) -> (i64, i64) {
        sqlx::query_as(
            "SELECT s.id, s.term_id FROM council_sessions s JOIN cases c ON c.session_id = s.id \
             GROUP BY s.id, s.term_id ORDER BY COUNT(*) DESC, s.id LIMIT 1",
        )
        .fetch_one(&self.state.db)
        .await
        .unwrap()
    }

    /// The mail `username` has been sent by `at` (seconds): their address set to
    /// `{username}@example.gov.tw`, the new notices routed as the delivery runner does, then
    /// the subject and text of each message whose subject holds `about`.
    pub async fn mailed(&self, username: &str, about: &str, at: i64) -> Vec<(String, String)> {
        let address = format!("{username}@example.gov.tw");
        sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
            .bind(&address)
            .bind(username)
            .execute(&self.state.db)
            .await
            .unwrap();
        let sender = app::notifications::db::outbox::Sender {
            base: "https://fuhuitong.example.gov.tw",
            city: &self.state.city,
        };
        app::notifications::db::outbox::route_new(&self.state.db, &sender, at)
            .await
            .unwrap();
        sqlx::query_as(
            "SELECT subject, body_text FROM messages WHERE recipient = $1 AND subject LIKE $2 \
             ORDER BY id",
        )
        .bind(&address)
        .bind(format!("%{about}%"))
        .fetch_all(&self.state.db)
        .await
        .unwrap()
    }

    /// A council term's councilors and sessions, by id.
    pub async fn term_of(&self, term: i64) -> (Vec<i64>, Vec<i64>) {
        let ids = |sql: &'static str| async move {
            sqlx::query_scalar(sql)
                .bind(term)
                .fetch_all(&self.state.db)
                .await
                .unwrap()
        };
        (
            ids("SELECT id FROM councilors WHERE term_id = $1").await,
            ids("SELECT id FROM council_sessions WHERE term_id = $1").await,
        )
    }

    pub async fn bureau(&self, code: &str) -> i64 {
        bureau_id_by_code(&self.state.db, code)
            .await
            .unwrap()
            .unwrap()
    }

    /// Posts a server fn as the hydrated app does.
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, String)]) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Calls a server fn that must succeed and returns its body.
    pub async fn ok(&self, client: &Client, endpoint: &str, form: &[(&str, String)]) -> String {
        let res = self.call(client, endpoint, form).await;
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(status.is_success(), "{endpoint}: {status} {body}");
        body
    }

    pub async fn case(&self, client: &Client, id: i64) -> app::cases::CaseDetail {
        let res = self
            .call(client, "cases/detail", &[("id", id.to_string())])
            .await;
        assert!(res.status().is_success(), "case {id}: {}", res.status());
        res.json().await.unwrap()
    }

    /// A complete question form: a joint question of the first two councilors, asked at a
    /// general interpellation on 113/03/15. Tests change or drop fields from it.
    pub async fn question_form(&self, number: i64, topic: &str) -> Vec<(&'static str, String)> {
        let r = self.reference().await;
        vec![
            ("form[session_id]", r.session.to_string()),
            ("form[number]", number.to_string()),
            (
                "form[sitting_type_id]",
                r.general_interpellation.to_string(),
            ),
            ("form[sitting_date]", "113/03/15".into()),
            ("form[councilor_ids][]", r.councilors[0].to_string()),
            ("form[councilor_ids][]", r.councilors[1].to_string()),
            ("form[topic]", topic.into()),
            ("form[body]", "請說明辦理情形。".into()),
        ]
    }

    /// Records a question as the secretariat client and returns its id.
    pub async fn record_question(&self, secretariat: &Client, number: i64, topic: &str) -> i64 {
        let form = self.question_form(number, topic).await;
        let body = self.ok(secretariat, "cases/record-question", &form).await;
        body.parse().unwrap()
    }

    /// Assigns a case to a lead bureau and co-bureaus (by code) as the secretariat.
    pub async fn assign(&self, secretariat: &Client, case: i64, lead: &str, co: &[&str]) {
        let version = self.case(secretariat, case).await.version;
        let mut form = vec![
            ("case_id", case.to_string()),
            ("version", version.to_string()),
            ("lead_bureau_id", self.bureau(lead).await.to_string()),
        ];
        for code in co {
            form.push(("co_bureau_ids[]", self.bureau(code).await.to_string()));
        }
        self.ok(secretariat, "cases/assign", &form).await;
    }

    /// Takes a status step (by the action's name) on the version the client sees.
    pub async fn step(&self, client: &Client, case: i64, step: &str, comment: &str) -> Response {
        let version = self.case(client, case).await.version;
        self.call(
            client,
            "cases/step",
            &[
                ("case_id", case.to_string()),
                ("version", version.to_string()),
                ("step", step.into()),
                ("comment", comment.into()),
            ],
        )
        .await
    }

    pub async fn save_reply(
        &self,
        client: &Client,
        case: i64,
        version: i64,
        text: &str,
    ) -> Response {
        self.call(
            client,
            "cases/reply",
            &[
                ("case_id", case.to_string()),
                ("reply_version", version.to_string()),
                ("reply", text.into()),
            ],
        )
        .await
    }
}
