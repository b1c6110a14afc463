//! `/cases/import`: upload a list (CSV or a workbook) for a session; `/cases/import/:id`: choose
//! which column holds what, see every row with its problems, import the rows chosen. Plain
//! forms throughout: the upload and the import post to the server, the column choice is a
//! GET of the same page.

use super::{
    server_fns::{import_preview, CommitImport},
    Field, Preview, RowCheck, UPLOAD_FORM,
};
use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, Role},
    components::ErrorPage,
    reference::server_fns::load_choices,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <PageTitle text="匯入質詢｜府會通" />
        <RequireRole roles=&[Role::Secretariat] children=|_| view! { <UploadForm /> } />
    }
}

#[component]
fn UploadForm() -> impl IntoView {
    let choices = Resource::new(|| (), |_| load_choices());
    let refused = crate::error::flashed_error(UPLOAD_FORM);
    view! {
        <h1>"匯入質詢"</h1>
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || Suspend::new({
                let refused = refused.clone();
                async move {
                match choices.await {
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                    Ok(choices) => view! {
                        <form method="post" action="/cases/import" enctype="multipart/form-data" class="grid-form panel" aria-label="上傳質詢清單">
                            {refused.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                            <label for="import-session">"會期"</label>
                            // A required select starts with an empty choice (HTML's rule); the
                            // session listed first is chosen, as before.
                            <select id="import-session" name="session" required>
                                <option value="">"（請選擇會期）"</option>
                                {choices
                                    .sessions
                                    .iter()
                                    .enumerate()
                                    .map(|(i, (id, name))| view! { <option value=id.to_string() selected=i == 0>{name.clone()}</option> })
                                    .collect_view()}
                            </select>
                            <label for="import-file">"質詢清單"</label>
                            <div>
                                <input id="import-file" type="file" name="file" accept=".csv,.txt,.xlsx,.xls,.ods,text/csv,text/plain,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet" required />
                                <p class="field-hint">
                                    "CSV（UTF-8 或 Big5）或試算表（.xlsx、.xls、.ods），以 2 MB 為限。表頭上方的標題列會自動略過；活頁簿讀取第一個有欄位名稱的工作表。"
                                    <a href="/cases/import/sample.csv" download>"下載範例檔"</a>
                                </p>
                            </div>
                            <label for="import-sheet">"工作表（選填）"</label>
                            <div>
                                <input id="import-sheet" name="sheet" maxlength="100" aria-describedby="import-sheet-hint" />
                                <p class="field-hint" id="import-sheet-hint">"活頁簿有多個工作表時，可填工作表名稱或順序（例如 2）。"</p>
                            </div>
                            <div></div>
                            <div><button type="submit">"上傳並檢查"</button></div>
                        </form>
                        <p class="field-hint">"上傳後會先逐列檢查（議員、編號、日期等），確認無誤並勾選後才會匯入。"</p>
                    }
                        .into_any(),
                }
            }})}
        </Suspense>
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    view! {
        <PageTitle text="匯入質詢：檢查｜府會通" />
        <RequireRole roles=&[Role::Secretariat] children=|_| view! { <PreviewView /> } />
    }
}

#[component]
fn PreviewView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let q = query.get();
        let columns = Field::ALL
            .iter()
            .filter_map(|f| q.get(f.as_str()).map(|v| format!("{}={v}", f.as_str())))
            .collect::<Vec<_>>()
            .join("&");
        (
            params.get().get("id").and_then(|v| v.parse::<i64>().ok()),
            columns,
        )
    };
    let preview = Resource::new(key, |(id, columns)| async move {
        match id {
            Some(id) => import_preview(id, columns).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <h1>"匯入質詢：檢查"</h1>
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match preview.await {
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                    Ok(p) => view! { <PreviewBody p /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PreviewBody(p: Preview) -> impl IntoView {
    let refused = crate::error::flashed_error(CommitImport::PATH);
    let total = p.rows.iter().filter(|r| r.question()).count();
    let valid = p.rows.iter().filter(|r| r.valid()).count();
    let sections = p.rows.len() - total;
    let id = p.id;
    let columns: Vec<(usize, String)> = (0..p.width).map(|i| (i, p.column_name(i))).collect();
    let chosen_columns = p.mapping.query();
    let found = found_where(&p);
    view! {
        <p>
            {format!("檔案「{}」，匯入至{}。", p.file_name, p.session)}
        </p>
        {(!found.is_empty()).then(|| view! { <p class="field-hint">{found}</p> })}
        {match p.imported {
            Some(n) => view! {
                <p class="notice" role="status">{format!("已匯入 {n} 題質詢。")}</p>
                <p>
                    <a href=format!("/cases?session={}", p.session_id)>"查看本會期的案件"</a>
                    "　"
                    <a href="/cases/import">"匯入另一個檔案"</a>
                </p>
            }
                .into_any(),
            None => view! {
                <form method="get" action=format!("/cases/import/{id}") class="grid-form panel" aria-label="欄位對應">
                    {p.mapping
                        .0
                        .iter()
                        .map(|(f, at)| {
                            let field_id = format!("map-{}", f.as_str());
                            let label_for = field_id.clone();
                            view! {
                                <label for=label_for>{f.label()}</label>
                                <select id=field_id name=f.as_str()>
                                    <option value="" selected=at.is_none()>"（未指定）"</option>
                                    {columns
                                        .iter()
                                        .map(|(i, name)| view! { <option value=i.to_string() selected=*at == Some(*i)>{name.clone()}</option> })
                                        .collect_view()}
                                </select>
                            }
                        })
                        .collect_view()}
                    <div></div>
                    <div><button type="submit">"依此對應重新檢查"</button></div>
                </form>
                <p role="status">
                    {format!("共 {total} 列：可匯入 {valid} 列，有問題 {} 列。", total - valid)}
                    {(sections > 0).then(|| format!("另有分節標題 {sections} 列，已略過。"))}
                </p>
                <form method="post" action=CommitImport::PATH aria-label="匯入質詢">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="columns" value=chosen_columns />
                    {refused.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">"列"</th>
                                <th scope="col">"匯入"</th>
                                <th scope="col">"編號"</th>
                                <th scope="col">"議員"</th>
                                <th scope="col">"類別"</th>
                                <th scope="col">"日期"</th>
                                <th scope="col">"議題"</th>
                                <th scope="col">"問題"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p.rows.into_iter().map(|r| view! { <PreviewRow r /> }.into_any()).collect_view()}
                        </tbody>
                    </table>
                    <p class="field-hint">"勾選的列全部無誤才會匯入，並在同一筆交易中寫入；有任何一列有問題，就一題也不匯入。"</p>
                    <button type="submit">"匯入勾選的列"</button>
                </form>
            }
                .into_any(),
        }}
    }
}

/// Where the list was found in its file: the sheet (and the others), the title lines
/// skipped.
fn found_where(p: &Preview) -> String {
    let layout = &p.layout;
    let mut said = Vec::new();
    if layout.sheets.len() > 1 {
        let others: Vec<&str> = layout
            .sheets
            .iter()
            .filter(|s| **s != layout.sheet)
            .map(String::as_str)
            .collect();
        said.push(format!(
            "讀取工作表「{}」（其他工作表：{}；若要改讀，請重新上傳並填寫工作表）。",
            layout.sheet,
            others.join("、")
        ));
    }
    if layout.header_line > 1 {
        said.push(format!(
            "欄位名稱在第 {} 列，其上 {} 列為標題，已略過。",
            layout.header_line,
            layout.header_line - 1
        ));
    }
    said.join("")
}

#[component]
fn PreviewRow(r: RowCheck) -> impl IntoView {
    if let Some(section) = r.section {
        return view! {
            <tr class="row-section">
                <td>{r.line}</td>
                <td></td>
                <td colspan="6">{section}"（分節標題，略過）"</td>
            </tr>
        }
        .into_any();
    }
    let valid = r.valid();
    let check_id = format!("line-{}", r.line);
    let label = format!("匯入第 {} 列", r.line);
    view! {
        <tr class:row-problem=!valid>
            <td>{r.line}</td>
            <td>
                <input type="checkbox" id=check_id name="line[]" value=r.line.to_string() checked=valid aria-label=label />
            </td>
            <td>{r.number}</td>
            <td>{r.councilors}</td>
            <td>{r.sitting_type}</td>
            <td>{r.sitting_date}</td>
            <td>{r.topic}</td>
            <td>
                {if valid && r.notes.is_empty() {
                    view! { "無" }.into_any()
                } else {
                    view! {
                        <ul class="problems">
                            {r.problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                            {r.notes.into_iter().map(|n| view! { <li class="note">{n}</li> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </td>
        </tr>
    }
    .into_any()
}
