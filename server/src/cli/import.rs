//! `import questions`.

use super::secretariat;
use app::state::AppState;

/// The list to import: its file, the session, the sheet asked for ("" for the first with
/// recognised column titles).
pub(super) struct List<'a> {
    pub file: &'a std::path::Path,
    pub session: i64,
    pub sheet: &'a str,
}

/// `import questions`: checks every row of the file, prints the problems, and (unless a
/// dry run) imports all rows in one transaction when none has a problem, as the preview's
/// form does.
pub(super) async fn questions(
    state: &AppState,
    list: List<'_>,
    dry_run: bool,
    by: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let List {
        file,
        session,
        sheet,
    } = list;
    let bytes = std::fs::read(file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let table =
        crate::features::import::read_table_now(&name, &bytes, sheet).map_err(|e| e.to_string())?;
    if !app::reference::db::session_exists(&state.db, session).await? {
        return Err(format!("找不到會期 {session} (no session {session})").into());
    }
    if !table.layout.sheet.is_empty() {
        println!("讀取工作表「{}」(sheet).", table.layout.sheet);
    }
    let mapping = app::import::Mapping::guess(&table.header);
    let known = app::import::db::known(&state.db, session).await?;
    let checked = app::import::check(&table.rows, &table.layout.lines, &mapping, &known);
    for (row, _) in &checked {
        if let Some(section) = &row.section {
            println!("第 {} 列：分節標題「{section}」，略過", row.line);
        } else if !row.valid() {
            println!("第 {} 列：{}", row.line, row.problems.join("；"));
        } else if !row.notes.is_empty() {
            println!("第 {} 列：{}", row.line, row.notes.join("；"));
        }
    }
    let questions: Vec<_> = checked.iter().filter(|(r, _)| r.question()).collect();
    let total = questions.len();
    let valid = questions.iter().filter(|(r, _)| r.valid()).count();
    println!(
        "共 {total} 列：可匯入 {valid} 列，有問題 {} 列 (rows: {total}, valid: {valid}).",
        total - valid,
    );
    if valid < total {
        return Err("有問題的列，未匯入任何一題 (nothing imported).".into());
    }
    if dry_run {
        println!("試算模式，未寫入資料 (dry run: nothing written).");
        return Ok(());
    }
    let c = secretariat(state, by).await?;
    let id = app::import::db::store(c.db(), c.user.id, session, &name, &table, c.ts())
        .await
        .map_err(|e| e.to_string())?;
    let lines = questions.iter().map(|(r, _)| r.line).collect();
    let imported = app::import::ops::commit(&c, id, |_| None, &lines)
        .await
        .map_err(|e| e.to_string())?;
    println!("已匯入 {imported} 題質詢 (imported).");
    Ok(())
}
