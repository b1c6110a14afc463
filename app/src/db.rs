//! The one place that knows there are two database backends. Everything else writes portable
//! SQL with `$1` placeholders against [`sqlx::AnyPool`].

use sqlx::{
    any::{AnyPoolOptions, AnyRow},
    migrate::Migrator,
    AnyPool, Executor, Row,
};
use std::time::Duration;

pub mod filter;

/// Anything a query can run on: the pool, or the connection of a transaction under way
/// (`&mut *tx`), so that reads can join the transaction of the change they serve.
pub trait Db<'c>: Executor<'c, Database = sqlx::Any> {}
impl<'c, E: Executor<'c, Database = sqlx::Any>> Db<'c> for E {}

/// A transaction the caller owns. Steps take one so that several of them (on several cases)
/// commit together or not at all.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_pool(pool: &AnyPool) -> Option<Self> {
        Self::of_url(pool.connect_options().database_url.as_str())
    }

    /// The condition that the search document `s.doc` (of `case_search s`, migration 0005)
    /// contains `needle`, three characters or more, with its argument. SQLite's FTS5
    /// answers a phrase `MATCH` from the trigram index alone, while its `LIKE` re-reads
    /// every document the index offers (100 ms instead of 0.8 ms for a character found in
    /// 18,000 of 20,000 cases); PostgreSQL's pg_trgm serves `LIKE`, and has no `MATCH`.
    /// Both match the folded text exactly, so both find the same cases.
    pub fn doc_contains(self, needle: &str) -> (&'static str, filter::Arg) {
        match self {
            Self::Sqlite => (
                "s.case_search MATCH ?",
                filter::Arg::Text(format!("\"{}\"", needle.replace('"', "\"\""))),
            ),
            Self::Postgres => ("s.doc LIKE ?", filter::Arg::Text(format!("%{needle}%"))),
        }
    }

    /// What a queue's claiming query ends with so that several app servers each take
    /// different rows: PostgreSQL locks the rows it picks and skips those another claim holds;
    /// SQLite has one writer at a time (the claim is one `UPDATE … RETURNING`), so it needs
    /// nothing.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a deferred transaction that reads first and writes later fails at its first
/// write with "database is locked" (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out)
/// when another connection wrote meanwhile; 11 of 12 data requests recorded at the same
/// moment failed so. Immediate writers queue on the busy timeout instead. PostgreSQL locks
/// rows as they are written and needs nothing of the kind.
pub async fn begin(pool: &AnyPool) -> Result<Tx, sqlx::Error> {
    match Backend::of_pool(pool) {
        Some(Backend::Sqlite) => pool.begin_with("BEGIN IMMEDIATE").await,
        _ => pool.begin().await,
    }
}

/// Claims the run of `job` for `key` (a day) inside `tx`: true for the one transaction
/// that may do it, however many servers try. A second claim waits on the first one's row
/// lock in PostgreSQL (on SQLite's write lock), then finds it taken; if the first rolls
/// back, the second's claim succeeds.
pub async fn claim_run(tx: &mut Tx, job: &str, key: &str, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO job_runs (job, run_key, started_at) VALUES ($1, $2, $3) \
         ON CONFLICT (job, run_key) DO NOTHING",
    )
    .bind(job)
    .bind(key)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("DATABASE_URL must start with sqlite: or postgres://, got `{0}`")]
    UnsupportedUrl(String),
    #[error(transparent)]
    Connect(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database file {0}: {1}")]
    File(String, std::io::Error),
    #[error("after the migrations, {0} rows refer to rows that do not exist")]
    BrokenReferences(usize),
}

/// Opens a pool. SQLite files are created when missing and every connection gets WAL,
/// `synchronous=FULL` (a recorded reply must survive a power cut), foreign keys, a busy
/// timeout so concurrent writers wait rather than fail, and the file mapped into memory
/// (up to 256 MiB) so that reads share the system's page cache instead of copying pages
/// into each connection's own small one (bench, 20,000 cases: a bureau's case list 56 → 25
/// ms p95).
pub async fn connect(url: &str) -> Result<AnyPool, DbSetupError> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of_url(url).ok_or_else(|| DbSetupError::UnsupportedUrl(url.into()))?;
    let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
    let pool = match backend {
        // No parallel workers for a page's query: each one starts worker processes, and on
        // a server busy with many small requests that costs more than it saves (bench, 400,000
        // cases, 2 cores: the keyword 社宅 54 → 12 ms p95, the councilor filter 134 → 49 ms).
        Backend::Postgres => {
            options
                .max_connections(10)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("SET max_parallel_workers_per_gather = 0")
                            .await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await?
        }
        Backend::Sqlite => {
            if let Some(path) = sqlite_file(url) {
                create_private(std::path::Path::new(path))
                    .map_err(|e| DbSetupError::File(path.to_owned(), e))?;
            }
            let url = if url.contains("mode=") {
                url.to_owned()
            } else {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            };
            options
                .max_connections(8)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                             PRAGMA mmap_size = 268435456;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect(&url)
                .await?
        }
    };
    Ok(pool)
}

/// The file a `sqlite://` URL names, if it names one (not `:memory:`).
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:") && !url.contains("mode=memory")).then_some(path)
}

/// Creates `path` empty and readable by its owner alone (0600), unless it exists. The
/// database holds every case and password hash: no other account on the machine may read
/// it. SQLite gives its `-wal` and `-shm` files the database file's permissions. A backup
/// (`VACUUM INTO` an empty file) is made the same way.
pub fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // No folder yet: SQLite will say so in its own words.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Brings the schema up to date. (Migration 0003 has a part in Rust, which SQL cannot do on
/// SQLite: `chain::seal_unchained`, run right after this by whoever opens the database.)
pub async fn migrate(pool: &AnyPool, url: &str) -> Result<(), DbSetupError> {
    run(migrations(url)?, pool, url).await
}

/// Runs the migrations up to and including `version` only: for tests that load data in an
/// older schema and then check what a later migration makes of it.
pub async fn migrate_to(pool: &AnyPool, url: &str, version: i64) -> Result<(), DbSetupError> {
    let older = Migrator::new(UpTo(migrations(url)?, version)).await?;
    run(&older, pool, url).await
}

/// SQLite cannot change a CHECK in place: a migration rebuilds the table (0019 rebuilds
/// `cases`, which eighteen tables refer to). SQLite's own procedure for that turns foreign
/// keys off on the connection first — dropping the old table would otherwise fail at
/// commit, even deferred — and checks them all before turning them on again. The pragma
/// does nothing inside a transaction, and sqlx runs each migration in one, so it is set
/// here, around the whole run, on one connection.
async fn run(migrator: &Migrator, pool: &AnyPool, url: &str) -> Result<(), DbSetupError> {
    if Backend::of_url(url) != Some(Backend::Sqlite) {
        migrator.run(pool).await?;
        return Ok(());
    }
    let mut conn = pool.acquire().await?;
    conn.execute("PRAGMA foreign_keys = OFF").await?;
    let ran = migrator.run(&mut *conn).await;
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut *conn)
        .await;
    // On again before anything can fail, or the pool would hand the connection on without.
    let on = conn.execute("PRAGMA foreign_keys = ON").await;
    ran?;
    let broken: Vec<AnyRow> = broken?;
    on?;
    if !broken.is_empty() {
        return Err(DbSetupError::BrokenReferences(broken.len()));
    }
    Ok(())
}

/// The migrations of a migrator up to a version, as a source for another migrator.
#[derive(Debug)]
struct UpTo(&'static Migrator, i64);

impl sqlx::migrate::MigrationSource<'static> for UpTo {
    fn resolve(
        self,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = Result<Vec<sqlx::migrate::Migration>, sqlx::error::BoxDynError>,
                > + Send,
        >,
    > {
        let migrations = self
            .0
            .iter()
            .filter(|m| m.version <= self.1)
            .cloned()
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}

fn migrations(url: &str) -> Result<&'static Migrator, DbSetupError> {
    Ok(
        match Backend::of_url(url).ok_or_else(|| DbSetupError::UnsupportedUrl(url.into()))? {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        },
    )
}

/// One of the settings the app keeps in the database (`settings`, migration 0012): the
/// liaison office's and the admin's choices, read by every server.
pub async fn setting(pool: &AnyPool, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await
}

/// Sets a setting, in `tx`.
pub async fn set_setting(tx: &mut Tx, key: &str, value: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// After a bulk load that chose the ids itself, moves PostgreSQL's identity sequences past
/// them so later inserts do not collide; SQLite takes the next id from the table itself.
pub async fn resync_ids(
    conn: &mut sqlx::AnyConnection,
    tables: &[&'static str],
) -> Result<(), sqlx::Error> {
    if conn.backend_name() != "PostgreSQL" {
        return Ok(());
    }
    for table in tables {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
               (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        ))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Reads a flag column: PostgreSQL returns a boolean, SQLite an integer 0/1.
pub fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    row.try_get::<bool, _>(column)
        .or_else(|_| row.try_get::<i64, _>(column).map(|v| v != 0))
}

/// A stored value the code does not know; the schema's checks should make it impossible.
pub fn unexpected(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {what} in the database").into())
}

/// A date column, stored as TEXT 'YYYY-MM-DD' on both backends.
pub fn date(row: &AnyRow, column: &str) -> Result<chrono::NaiveDate, sqlx::Error> {
    chrono::NaiveDate::parse_from_str(row.try_get(column)?, "%Y-%m-%d")
        .map_err(|_| unexpected(column))
}

/// Whether a failed statement broke the named unique constraint. PostgreSQL names the
/// constraint; SQLite does not, so there any unique violation of the statement counts (each
/// caller's statement can break only the one constraint it names).
pub fn is_unique_violation(err: &sqlx::Error, constraint: &str) -> bool {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            db.constraint().is_none_or(|name| name == constraint)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_needle_is_a_quoted_phrase_on_sqlite_and_a_like_pattern_on_postgresql() {
        assert_eq!(
            Backend::Sqlite.doc_contains(" 社宅"),
            (
                "s.case_search MATCH ?",
                filter::Arg::Text("\" 社宅\"".into())
            )
        );
        assert_eq!(
            Backend::Sqlite.doc_contains("a\"b").1,
            filter::Arg::Text("\"a\"\"b\"".into())
        );
        assert_eq!(
            Backend::Postgres.doc_contains("社會住宅"),
            ("s.doc LIKE ?", filter::Arg::Text("%社會住宅%".into()))
        );
    }

    #[test]
    fn the_backend_follows_the_url_scheme() {
        assert_eq!(
            Backend::of_url("sqlite://data/app.db"),
            Some(Backend::Sqlite)
        );
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://u@localhost/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("postgresql://u@localhost/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://localhost/db"), None);
    }

    #[tokio::test]
    async fn a_fresh_sqlite_database_migrates_and_enforces_foreign_keys() {
        let dir = std::env::temp_dir().join(format!("fht-db-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("fk.db").display());
        let pool = connect(&url).await.unwrap();
        migrate(&pool, &url).await.unwrap();
        let orphan = sqlx::query(
            "INSERT INTO council_sessions (term_id, kind, number, starts_on, ends_on) \
             VALUES ($1, 'regular', 1, '2024-03-01', '2024-05-31')",
        )
        .bind(999_i64)
        .execute(&pool)
        .await;
        match orphan {
            Err(sqlx::Error::Database(db)) => assert!(db.is_foreign_key_violation(), "{db}"),
            other => panic!("foreign keys must be enforced, got {other:?}"),
        }
    }
}
