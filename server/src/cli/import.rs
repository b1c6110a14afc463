//! `import questions`.

use super::secretariat;
use app::state::AppState;

/// `import questions`: checks every row of the file, prints the problems, and (unless a
/// dry run) imports all rows in one transaction when none has a problem, as the preview's
/// form does.
pub(super) async fn questions(
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
