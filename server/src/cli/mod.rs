//! The command line: one binary serves the app and runs the maintenance tasks. Each task
//! is a file here and calls the same operation the web does, through a `Caller` for the
//! account it acts as (`secretariat`).

mod accounts;
mod calendar;
mod demo;
mod export;
mod import;
mod links;
mod maintenance;
mod serve;

use crate::{config::Config, open_database};
use app::{
    auth::Role,
    caller::Caller,
    state::{AppState, SystemClock},
};
use clap::{Parser, Subcommand};
use std::sync::Arc;

/// 府會通: council liaison and interpellation tracker.
#[derive(Debug, Parser)]
#[command(version, after_help = crate::config::env_help())]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app (the default). Creates and migrates the database first, and loads
    /// the national working-day calendar for the years it has none of.
    Serve,
    /// Create or upgrade the database schema and load the national working-day calendar
    /// for the years it has none of, then exit.
    Migrate,
    /// The working-day calendar (holidays and make-up working days) deadlines count on.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
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
    /// Import questions from the council's list (CSV, XLSX, XLS or ODS; title lines above
    /// the column titles are skipped): every row is checked first; all are imported in one transaction, or, if any row has
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
        /// Also mail it to the councilor office's contacts (unless the office opted out).
        #[arg(long)]
        send: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Import a calendar file: the central government's open-data table (西元日期,星期,
    /// 是否放假,備註), a city's (Date,name,isHoliday,…) or `日期,類別,名稱`; CSV or
    /// tab-separated, in UTF-8, Big5 or UTF-16. The years it covers are replaced; what
    /// changed is printed.
    Import {
        file: std::path::PathBuf,
        /// The admin account the import is recorded by. Default: the only active admin.
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Questions (質詢) of a session.
    Questions {
        /// The list: .csv or tab-separated text (UTF-8 or Big5), or a workbook (.xlsx,
        /// .xls, .ods; the first sheet whose column titles are recognised).
        file: std::path::PathBuf,
        /// The session's id (as in the volume page's address).
        #[arg(long)]
        session: i64,
        /// The workbook's sheet to read, by name or number (from 1).
        #[arg(long, default_value = "")]
        sheet: String,
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
        city: Arc::new(config.city.clone()),
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            calendar::load_national(&state, true).await?;
            serve::serve(state, &config).await?
        }
        Command::Migrate => {
            println!("資料庫已是最新結構 (database is up to date).");
            calendar::load_national(&state, false).await?;
        }
        Command::Calendar {
            command: CalendarCommand::Import { file, by },
        } => calendar::import(&state, &file, by.as_deref()).await?,
        Command::Backup { out } => maintenance::backup(&state, &out).await?,
        Command::Audit {
            command: AuditCommand::Verify,
        } => maintenance::verify(&state).await?,
        Command::Link {
            what:
                LinkCommand::Create {
                    councilor,
                    case,
                    expires,
                    by,
                    send,
                },
        } => {
            let url = links::create(
                &state,
                &config,
                links::Asked {
                    councilor,
                    case,
                    expires: expires.as_deref(),
                    by: by.as_deref(),
                    send,
                },
            )
            .await?;
            println!("{url}");
        }
        Command::Import {
            what:
                ImportCommand::Questions {
                    file,
                    session,
                    sheet,
                    dry_run,
                    by,
                },
        } => {
            let list = import::List {
                file: &file,
                session,
                sheet: &sheet,
            };
            import::questions(&state, list, dry_run, by.as_deref()).await?
        }
        Command::Export { document } => export::run(&state, &config, document).await?,
        Command::CreateUser {
            username,
            role,
            bureau,
            display_name,
        } => accounts::create_user(&state, &username, &role, bureau, display_name).await?,
        Command::SeedDemo { cases } => {
            calendar::load_national(&state, false).await?;
            demo::seed(&state, &config, cases).await?
        }
    }
    Ok(())
}

/// The secretariat account a command acts as: `--by`, or the only active one.
pub(crate) async fn secretariat(
    state: &AppState,
    by: Option<&str>,
) -> Result<Caller, Box<dyn std::error::Error>> {
    account(state, Role::Secretariat, by).await
}

/// The admin account a command acts as: `--by`, or the only active one.
pub(crate) async fn admin(
    state: &AppState,
    by: Option<&str>,
) -> Result<Caller, Box<dyn std::error::Error>> {
    account(state, Role::Admin, by).await
}

/// The active account of `role` named by `--by`, or the only one there is.
async fn account(
    state: &AppState,
    role: Role,
    by: Option<&str>,
) -> Result<Caller, Box<dyn std::error::Error>> {
    let ids: Vec<i64> = match by {
        Some(name) => {
            sqlx::query_scalar(
                "SELECT id FROM users WHERE username = $1 AND role = $2 AND active = $3",
            )
            .bind(name.trim())
            .bind(role.as_str())
            .bind(true)
            .fetch_all(&state.db)
            .await?
        }
        None => {
            sqlx::query_scalar("SELECT id FROM users WHERE role = $1 AND active = $2 ORDER BY id")
                .bind(role.as_str())
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
            return Err(format!(
                "找不到啟用中的{}帳號 {name} (no active {} account)",
                role.label(),
                role.as_str()
            )
            .into())
        }
        _ => {
            return Err(format!(
                "請以 --by 指定{}帳號 (choose the account with --by USERNAME).",
                role.label()
            )
            .into())
        }
    };
    Ok(Caller::acting(user, state.clone(), "cli".into()))
}
