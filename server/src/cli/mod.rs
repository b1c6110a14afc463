//! The command line: one binary serves the app and runs the maintenance tasks.

use crate::{
    config::Config,
    demo, open_database,
    web::{housekeeping::spawn_housekeeping, router},
};
use app::caller::Caller;
use app::{
    admin::NewUser,
    auth::password::hash_password,
    reference::db::bureau_id_by_code,
    state::{AppState, SystemClock},
};
use clap::{Parser, Subcommand};
use std::{
    io::{BufRead, IsTerminal},
    sync::Arc,
};

/// 府會通: council liaison and interpellation tracker.
#[derive(Debug, Parser)]
#[command(version, after_help = crate::config::env_help())]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app (the default). Creates and migrates the database first.
    Serve,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Create a user. The password is asked for on the terminal, or read as the first
    /// line of standard input when that is not a terminal.
    CreateUser {
        /// Login name: 3–32 lowercase letters, digits, '.', '_' or '-'.
        #[arg(long)]
        username: String,
        /// One of: admin, secretariat, bureau_liaison, bureau_approver, reviewer.
        #[arg(long)]
        role: String,
        /// Bureau code (e.g. UDD for 都市發展局); required for bureau_liaison and
        /// bureau_approver. `seed-demo` loads the codes.
        #[arg(long)]
        bureau: Option<String>,
        /// Name shown in the app. Defaults to the username.
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Load the reference data of the seed report (29 bureaus, the 14th council's 3rd
    /// session, fictional councilors) and one demo user per role. Prints each new demo
    /// password once. Safe to run again.
    SeedDemo {
        /// Also generate this many cases over the 11th–14th councils' sessions, with their
        /// parts, answers, files and timelines (for trying the app at scale; once only).
        #[arg(long)]
        cases: Option<usize>,
    },
    /// Copy the SQLite database to FILE while the app keeps serving: a consistent
    /// snapshot (`VACUUM INTO`), checked before it is reported. For PostgreSQL use
    /// `pg_dump --format=custom --file FILE "$DATABASE_URL"` (restore with `pg_restore`).
    Backup {
        /// Where the copy goes; must not exist yet.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Check the tamper evidence of the case timeline and the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import questions from the council's list (CSV or XLSX, titles in the first row):
    /// every row is checked first; all are imported in one transaction, or, if any row has
    /// a problem, none.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Status links for councilor offices.
    Link {
        #[command(subcommand)]
        what: LinkCommand,
    },
    /// Write a follow-up meeting's agenda or minutes as an ODT file.
    Export {
        #[command(subcommand)]
        document: ExportCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The agenda of a scheduled meeting (every tracked case by lead bureau).
    Agenda {
        /// The meeting's number (as in /meetings/ID).
        #[arg(long)]
        meeting: i64,
        /// The file to write (.odt); an existing one is replaced.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The minutes of a held meeting, as confirmed.
    Minutes {
        #[arg(long)]
        meeting: i64,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The written-reply volume (書面答復彙編) of a session, as ODT or PDF.
    Volume {
        /// The session's id (as in the volume page's address).
        #[arg(long)]
        session: i64,
        /// Only the questions of this sitting type (its code, e.g. `general`).
        #[arg(long)]
        sitting_type: Option<String>,
        /// `odt` (OpenDocument text) or `pdf` (with embedded fonts; see PDF_FONT).
        #[arg(long, default_value = "odt", value_parser = ["odt", "pdf"])]
        format: String,
        /// The file to write; an existing one is replaced.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Create a link to a councilor's cases (or one of them) and print its address. The
    /// address is shown this once: only a digest of it is kept.
    Create {
        /// The councilor's id (as in the admin's councilor list).
        #[arg(long)]
        councilor: i64,
        /// Only this case (its id, as in /cases/ID).
        #[arg(long)]
        case: Option<i64>,
        /// The last day the link works (e.g. 115/12/24). Default: the end of the council term.
        #[arg(long)]
        expires: Option<String>,
        /// The secretariat account that creates it. Default: the only active one.
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Questions (質詢) of a session.
    Questions {
        /// The list: .csv (UTF-8 or Big5) or .xlsx (its first sheet).
        file: std::path::PathBuf,
        /// The session's id (as in the volume page's address).
        #[arg(long)]
        session: i64,
        /// Check every row and report; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The secretariat account the questions are recorded by. Default: the only
        /// active secretariat account, if there is just one.
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chains from their first row. Exits 0 when both are intact; otherwise
    /// names the first broken row and exits 1.
    Verify,
}

/// What `audit verify` found wrong.
#[derive(Debug, thiserror::Error)]
#[error("稽核鏈已損毀 (chain broken): {0}")]
pub struct ChainBroken(String);

pub async fn run(cli: Cli, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let pool = open_database(&config.database_url).await?;
    let state = AppState {
        db: pool,
        clock: Arc::new(SystemClock),
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(state, &config).await?,
        Command::Migrate => println!("資料庫已是最新結構 (database is up to date)."),
        Command::Backup { out } => backup(&state, &out).await?,
        Command::Audit {
            command: AuditCommand::Verify,
        } => verify(&state).await?,
        Command::Link {
            what:
                LinkCommand::Create {
                    councilor,
                    case,
                    expires,
                    by,
                },
        } => {
            let url = create_link(
                &state,
                &config,
                councilor,
                case,
                expires.as_deref(),
                by.as_deref(),
            )
            .await?;
            println!("{url}");
        }
        Command::Import {
            what:
                ImportCommand::Questions {
                    file,
                    session,
                    dry_run,
                    by,
                },
        } => import_questions(&state, &file, session, dry_run, by.as_deref()).await?,
        Command::Export {
            document:
                ExportCommand::Volume {
                    session,
                    sitting_type,
                    format,
                    out,
                },
        } => {
            let format =
                app::volume::VolumeFormat::parse(&format).unwrap_or(app::volume::VolumeFormat::Odt);
            let sitting_type = match sitting_type {
                None => None,
                Some(code) => Some(
                    sqlx::query_scalar::<_, i64>("SELECT id FROM sitting_types WHERE code = $1")
                        .bind(code.trim().to_lowercase())
                        .fetch_optional(&state.db)
                        .await?
                        .ok_or_else(|| format!("找不到質詢類別 {code} (no such sitting type)"))?,
                ),
            };
            let filter = app::volume::VolumeFilter {
                session,
                sitting_type,
                ..Default::default()
            };
            let today = state.today();
            let volume = app::volume::db::volume(&state.db, &filter, today)
                .await
                .map_err(|e| match e {
                    app::error::AppError::NotFound => {
                        format!("找不到會期 {session} (no session {session})")
                    }
                    other => other.to_string(),
                })?;
            let bytes =
                crate::features::volume::render_now(&volume, format, &config.pdf_fonts, |_, _| {})
                    .map_err(|e| e.to_string())?;
            std::fs::write(&out, bytes)?;
            println!(
                "已寫入 {}：答復 {} 題，尚未完成 {} 題 (written).",
                out.display(),
                volume.entries.len(),
                volume.outstanding.len()
            );
        }
        Command::Export { document } => {
            let (id, out, file) = match document {
                ExportCommand::Agenda { meeting, out } => (meeting, out, "agenda.odt"),
                ExportCommand::Minutes { meeting, out } => (meeting, out, "minutes.odt"),
                ExportCommand::Volume { .. } => unreachable!("handled above"),
            };
            let meeting = app::meetings::db::meeting(&state.db, id)
                .await
                .map_err(|e| match e {
                    app::error::AppError::NotFound => {
                        format!("找不到第 {id} 次會議 (no meeting {id})")
                    }
                    other => other.to_string(),
                })?;
            let (doc, _) =
                app::meetings::documents::document(&meeting, file).map_err(|e| e.to_string())?;
            std::fs::write(&out, crate::documents::odt::write(&doc)?)?;
            println!("已寫入 {} (written).", out.display());
        }
        Command::CreateUser {
            username,
            role,
            bureau,
            display_name,
        } => {
            let bureau_id = match bureau {
                None => String::new(),
                Some(code) => bureau_id_by_code(&state.db, &code.to_uppercase())
                    .await?
                    .map(|id| id.to_string())
                    .ok_or_else(|| {
                        format!("no bureau with code `{code}`; run seed-demo or check the code")
                    })?,
            };
            let password = read_password()?;
            let display_name = display_name.unwrap_or_else(|| username.clone());
            let user = NewUser::parse(&username, &display_name, &role, &bureau_id, password)
                .map_err(|e| format!("{e}"))?;
            let hash = hash_password(&user.password).await?;
            demo::reference::create_user(&state, &user, &hash)
                .await
                .map_err(|e| format!("{e}"))?;
            println!("已建立使用者 {} ({})。", user.username.as_str(), user.role);
        }
        Command::SeedDemo { cases } => {
            let shift = demo_shift(&state).await?;
            demo::reference::seed_reference_data_moved(&state, shift).await?;
            println!("已載入參考資料：29 個局處、第14屆第3次定期大會、示範議員。");
            println!("示範帳號（密碼只顯示這一次）：");
            for account in demo::reference::seed_demo_users(&state).await? {
                match account {
                    demo::reference::DemoAccount::Created { username, password } => {
                        println!("  {username:<18} {password}")
                    }
                    demo::reference::DemoAccount::AlreadyThere { username } => {
                        println!("  {username:<18} （已存在，密碼不變）")
                    }
                }
            }
            match demo::living::seed_demo_cases(&state, shift).await? {
                demo::living::DemoCases::Created {
                    questions,
                    data_requests,
                } => println!(
                    "已載入示範案件：質詢 {questions} 題、索資 {data_requests} 件（第14屆第3次定期大會）。"
                ),
                demo::living::DemoCases::AlreadyThere => {
                    println!("示範案件已存在，未重複載入。")
                }
            }
            if let Some(count) = cases {
                let started = std::time::Instant::now();
                let (questions, requests) = demo::generate::generate(&state, count)
                    .await
                    .map_err(|e| format!("{e}"))?;
                println!(
                    "已產生案件：質詢 {questions} 題、索資 {requests} 件（第11至14屆），費時 {:.1} 秒。",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
    Ok(())
}

/// How far to move the demo's dates: to the days around today on a first run; as far as
/// the first run did when the demo session already has its cases (their dates stay).
async fn demo_shift(state: &AppState) -> Result<chrono::Duration, Box<dyn std::error::Error>> {
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT s.starts_on FROM council_sessions s JOIN council_terms t ON t.id = s.term_id \
         WHERE t.number = 14 AND s.kind = 'regular' AND s.number = 3 \
         AND EXISTS (SELECT 1 FROM cases c WHERE c.session_id = s.id)",
    )
    .fetch_optional(&state.db)
    .await?;
    Ok(
        match existing.and_then(|d| d.parse::<chrono::NaiveDate>().ok()) {
            Some(start) => start - chrono::NaiveDate::from_ymd_opt(2024, 3, 5).unwrap_or_default(),
            None => demo::living::demo_shift(state.today()),
        },
    )
}

async fn verify(state: &AppState) -> Result<(), Box<dyn std::error::Error>> {
    let mut first_broken = None;
    for report in app::chain::verify(&state.db).await? {
        let name = report.chain.table();
        match &report.broken {
            None => println!("{name}: {} 筆，鏈完整 (intact).", report.rows),
            Some(broken) => {
                println!(
                    "{name}: {} 筆完好，之後斷裂 (broken) — {broken}",
                    report.rows
                );
                first_broken.get_or_insert(format!("{name} {broken}"));
            }
        }
    }
    match first_broken {
        None => Ok(()),
        Some(broken) => Err(ChainBroken(broken).into()),
    }
}

fn read_password() -> Result<String, Box<dyn std::error::Error>> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("密碼 (password): ")?;
        let again = rpassword::prompt_password("再輸入一次 (again): ")?;
        if first != again {
            return Err("兩次輸入的密碼不同 (passwords differ)".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

/// A consistent copy of the SQLite database at `out`, taken while others read and write.
async fn backup(state: &AppState, out: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    if app::db::Backend::of_pool(&state.db) != Some(app::db::Backend::Sqlite) {
        return Err("backup copies the SQLite database; for PostgreSQL use \
             pg_dump --format=custom --file FILE \"$DATABASE_URL\" (restore with pg_restore)"
            .into());
    }
    if out.exists() {
        return Err(format!("{} already exists; choose a new file", out.display()).into());
    }
    let path = out.to_str().ok_or("the backup path must be valid UTF-8")?;
    // Owner-only from the first byte: SQLite writes into the empty file made here.
    app::db::create_private(out)?;
    // One read transaction: the copy is the database as of one moment, whatever the
    // app writes meanwhile (WAL lets both go on).
    sqlx::query("VACUUM INTO $1")
        .bind(path)
        .execute(&state.db)
        .await?;
    // Read-only, and without the app's pragmas: the copy stays as written.
    let mut copy = {
        use sqlx::Connection;
        sqlx::AnyConnection::connect(&format!("sqlite://{path}?mode=ro")).await?
    };
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut copy)
        .await?;
    let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(&mut copy)
        .await?;
    {
        use sqlx::Connection;
        copy.close().await?;
    }
    if check != "ok" {
        return Err(format!("the copy failed its integrity check: {check}").into());
    }
    println!(
        "已備份至 {} ({} 件案件，{} bytes；integrity_check ok)。",
        out.display(),
        cases,
        std::fs::metadata(out)?.len()
    );
    Ok(())
}

/// `import questions`: checks every row of the file, prints the problems, and (unless a
/// dry run) imports all rows in one transaction when none has a problem, as the preview's
/// form does.
async fn import_questions(
    state: &AppState,
    file: &std::path::Path,
    session: i64,
    dry_run: bool,
    by: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (header, rows) =
        crate::features::import::read_table_now(&name, &bytes).map_err(|e| e.to_string())?;
    if !app::reference::db::session_exists(&state.db, session).await? {
        return Err(format!("找不到會期 {session} (no session {session})").into());
    }
    let mapping = app::import::Mapping::guess(&header);
    let known = app::import::db::known(&state.db, session).await?;
    let checked = app::import::check(&rows, &mapping, &known);
    for (row, _) in checked.iter().filter(|(r, _)| !r.valid()) {
        println!("第 {} 列：{}", row.line, row.problems.join("；"));
    }
    let valid = checked.iter().filter(|(r, _)| r.valid()).count();
    println!(
        "共 {} 列：可匯入 {valid} 列，有問題 {} 列 (rows: {}, valid: {valid}).",
        rows.len(),
        rows.len() - valid,
        rows.len()
    );
    if valid < rows.len() {
        return Err("有問題的列，未匯入任何一題 (nothing imported).".into());
    }
    if dry_run {
        println!("試算模式，未寫入資料 (dry run: nothing written).");
        return Ok(());
    }
    let c = secretariat(state, by).await?;
    let id = app::import::db::store(c.db(), c.user.id, session, &name, &header, &rows, c.ts())
        .await
        .map_err(|e| e.to_string())?;
    let lines = checked.iter().map(|(r, _)| r.line).collect();
    let imported = app::import::ops::commit(&c, id, |_| None, &lines)
        .await
        .map_err(|e| e.to_string())?;
    println!("已匯入 {imported} 題質詢 (imported).");
    Ok(())
}

/// `link create`: the link's full address, shown this once.
async fn create_link(
    state: &AppState,
    config: &Config,
    councilor: i64,
    case: Option<i64>,
    expires: Option<&str>,
    by: Option<&str>,
) -> Result<String, Box<dyn std::error::Error>> {
    let c = secretariat(state, by).await?;
    let public = app::links::ops::PublicUrl(config.public_url.clone());
    let scope = app::links::Scope {
        councilor_id: councilor,
        case_id: case,
    };
    let fresh = app::links::ops::issue(&c, &public, scope, expires.unwrap_or_default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(fresh.url)
}

/// The secretariat account a task acts as (`--by`, or the only one there is), as the
/// caller its operation takes; its audit rows say they came from the command line.
async fn secretariat(
    state: &AppState,
    by: Option<&str>,
) -> Result<Caller, Box<dyn std::error::Error>> {
    let ids: Vec<i64> =
        match by {
            Some(name) => sqlx::query_scalar(
                "SELECT id FROM users WHERE username = $1 AND role = 'secretariat' AND active = $2",
            )
            .bind(name.trim())
            .bind(true)
            .fetch_all(&state.db)
            .await?,
            None => {
                sqlx::query_scalar(
                    "SELECT id FROM users WHERE role = 'secretariat' AND active = $1 ORDER BY id",
                )
                .bind(true)
                .fetch_all(&state.db)
                .await?
            }
        };
    let user = match (ids.as_slice(), by) {
        ([id], _) => app::auth::db::active_user(&state.db, *id)
            .await?
            .ok_or("account not active")?,
        ([], Some(name)) => {
            return Err(
                format!("找不到啟用中的秘書處帳號 {name} (no active secretariat account)").into(),
            )
        }
        _ => {
            return Err("請以 --by 指定秘書處帳號 (choose the account with --by USERNAME).".into())
        }
    };
    Ok(Caller::acting(user, state.clone(), "cli".into()))
}

async fn serve(state: AppState, config: &Config) -> Result<(), Box<dyn std::error::Error>> {
    let mut leptos_options = leptos::prelude::get_configuration(None)?.leptos_options;
    leptos_options.site_addr = config.listen_addr;
    spawn_housekeeping(state.clone(), config);
    let app = router(state, config, leptos_options);
    let listener = tokio::net::TcpListener::bind(config.listen_addr).await?;
    tracing::info!("府會通 listening on http://{}", config.listen_addr);
    // On SIGTERM or Ctrl-C: stop accepting, let requests in flight finish, and leave after
    // at most ten seconds whatever is still running.
    let (stopping, mut stop) = tokio::sync::watch::channel(false);
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing the requests in flight");
        let _ = stopping.send(true);
    });
    tokio::select! {
        served = async { server.await } => served?,
        _ = async {
            let _ = stop.wait_for(|s| *s).await;
            tokio::time::sleep(std::time::Duration::from_secs(10)).await;
        } => tracing::warn!("requests still running after 10 s were cut off"),
    }
    Ok(())
}

async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}
