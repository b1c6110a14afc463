//! `backup` and `audit verify`: the database copied while the app serves, and the audit
//! chains checked.

use super::ChainBroken;
use app::state::AppState;

pub(super) async fn verify(state: &AppState) -> Result<(), Box<dyn std::error::Error>> {
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

/// A consistent copy of the SQLite database at `out`, taken while others read and write.
pub(super) async fn backup(
    state: &AppState,
    out: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
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
