//! `/resolutions/import`: upload the council's list of resolutions for a session;
//! `/resolutions/import/:id`: choose which column holds what, see every row with its
//! problems, import the rows chosen. Plain forms, as the questions' import.

use super::{
    import::{Field, Preview, RowCheck},
    server_fns::{resolution_import_preview, CommitResolutionImport},
    UPLOAD_FORM,
};
use crate::{
    auth::{guard::RequireRole, Role},
    components::{ErrorPage, PageTitle},
    reference::server_fns::load_choices,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ResolutionImportPage() -> impl IntoView {
    view! {
        <PageTitle text="匯入決議案｜府會通" />
        <RequireRole roles=&[Role::Secretariat] children=|_| view! { <Upload /> } />
    }
}

#[component]
fn Upload() -> impl IntoView {
    let choices = Resource::new(|| (), |_| load_choices());
    let refused = crate::error::flashed_error(UPLOAD_FORM);
    view! {
        <h1>"匯入決議案"</h1>
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || Suspend::new({
                let refused = refused.clone();
                async move {
                    match choices.await {
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                        Ok(choices) => view! {
                            <form method="post" action="/resolutions/import" enctype="multipart/form-data" class="grid-form panel" aria-label="上傳決議案清單">
                                {refused.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                                <label for="rimport-session">"會期"</label>
                                <select id="rimport-session" name="session" required>
                                    <option value="">"（請選擇會期）"</option>
                                    {choices
                                        .sessions
                                        .iter()
                                        .enumerate()
                                        .map(|(i, (id, name))| view! { <option value=id.to_string() selected=i == 0>{name.clone()}</option> })
                                        .collect_view()}
                                </select>
                                <label for="rimport-file">"決議案清單"</label>
                                <div>
                                    <input id="rimport-file" type="file" name="file" accept=".csv,.txt,.xlsx,.xls,.ods,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet" required />
                                    <p class="field-hint">
                                        "CSV（UTF-8 或 Big5）或試算表（.xlsx、.xls、.ods），以 2 MB 為限；欄位：種類、提案議員、案由、決議內容、預算科目、來文字號、收文日期、辦理方式、報告期限、委員會、會次。"
                                        <a href="/resolutions/import/sample.csv" download>"下載範例檔"</a>
                                    </p>
                                </div>
                                <label for="rimport-sheet">"工作表（選填）"</label>
                                <input id="rimport-sheet" name="sheet" maxlength="100" />
                                <div></div>
                                <div><button type="submit">"上傳並檢查"</button></div>
                            </form>
                            <p class="field-hint">"上傳後會先逐列檢查（種類、議員、來文字號、日期等），確認無誤並勾選後才會匯入。"</p>
                        }
                            .into_any(),
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ResolutionImportPreviewPage() -> impl IntoView {
    view! {
        <PageTitle text="匯入決議案：檢查｜府會通" />
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
            Some(id) => resolution_import_preview(id, columns).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <h1>"匯入決議案：檢查"</h1>
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
    let refused = crate::error::flashed_error(CommitResolutionImport::PATH);
    let total = p.rows.len();
    let valid = p.rows.iter().filter(|r| r.valid()).count();
    let id = p.id;
    let columns: Vec<(usize, String)> = (0..p.width).map(|i| (i, p.column_name(i))).collect();
    let chosen_columns = p.mapping.query();
    view! {
        <p>{format!("檔案「{}」，匯入至{}。", p.file_name, p.session)}</p>
        {match p.imported {
            Some(n) => view! {
                <p class="notice" role="status">{format!("已匯入 {n} 件決議案。")}</p>
                <p>
                    <a href="/cases?kind=resolution">"查看決議案"</a>
                    "　"
                    <a href="/resolutions/import">"匯入另一個檔案"</a>
                </p>
            }
                .into_any(),
            None => view! {
                <form method="get" action=format!("/resolutions/import/{id}") class="grid-form panel" aria-label="欄位對應">
                    {p.mapping
                        .0
                        .iter()
                        .map(|(f, at)| {
                            let field_id = format!("rmap-{}", f.as_str());
                            view! {
                                <label for=field_id.clone()>{f.label()}</label>
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
                <p role="status">{format!("共 {total} 列：可匯入 {valid} 列，有問題 {} 列。", total - valid)}</p>
                <form method="post" action=CommitResolutionImport::PATH aria-label="匯入決議案">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="columns" value=chosen_columns />
                    {refused.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">"列"</th>
                                <th scope="col">"匯入"</th>
                                <th scope="col">"種類"</th>
                                <th scope="col">"提案議員"</th>
                                <th scope="col">"案由"</th>
                                <th scope="col">"來文字號"</th>
                                <th scope="col">"收文日期"</th>
                                <th scope="col">"問題"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p.rows.into_iter().map(|r| view! { <PreviewRow r /> }).collect_view()}
                        </tbody>
                    </table>
                    <p class="field-hint">"勾選的列全部無誤才會匯入，並在同一筆交易中寫入；有任何一列有問題，就一件也不匯入。"</p>
                    <button type="submit">"匯入勾選的列"</button>
                </form>
            }
                .into_any(),
        }}
    }
    .into_any()
}

#[component]
fn PreviewRow(r: RowCheck) -> impl IntoView {
    let valid = r.valid();
    let check_id = format!("rline-{}", r.line);
    let label = format!("匯入第 {} 列", r.line);
    view! {
        <tr class:row-problem=!valid>
            <td>{r.line}</td>
            <td>
                <input type="checkbox" id=check_id name="line[]" value=r.line.to_string() checked=valid aria-label=label />
            </td>
            <td>{r.kind}</td>
            <td>{r.councilors}</td>
            <td>{r.topic}</td>
            <td>{r.letter_number}</td>
            <td>{r.received_on}</td>
            <td>
                {if valid {
                    view! { "無" }.into_any()
                } else {
                    view! {
                        <ul class="problems">
                            {r.problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </td>
        </tr>
    }
}
