//! `/admin/audit`: the audit log with filters (action, who, from, to), newest first, and
//! its CSV export (served by the server at `/admin/audit.csv` with the same filters).

use super::server_fns::load_audit;
use crate::components::PageTitle;
use crate::{
    audit::{describe, AuditAction, AuditFilter},
    auth::{guard::RequireRole, Role},
    components::ErrorPage,
    dates::{roc_date, roc_datetime},
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <PageTitle text="稽核紀錄｜府會通" />
        <RequireRole roles=&[Role::Admin] children=|_| view! { <AuditLog /> } />
    }
}

fn href(filter: &AuditFilter, page: u32) -> String {
    let query = filter.query();
    if query.is_empty() {
        format!("/admin/audit?page={page}")
    } else {
        format!("/admin/audit?{query}&page={page}")
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.get();
        AuditFilter::from_query(|k| q.get(k))
    });
    let log = Resource::new(move || filter.get(), load_audit);
    view! {
        <div class="page-head">
            <h1>"稽核紀錄"</h1>
        </div>
        <p class="lead">
            "登入、帳號、基本資料、期限規則、行事曆、附件下載與拒絕存取的紀錄。紀錄以雜湊鏈串接，至少保存六個月。"
        </p>
        {move || {
            let f = filter.get();
            let export = if f.query().is_empty() {
                "/admin/audit.csv".to_owned()
            } else {
                format!("/admin/audit.csv?{}", f.query())
            };
            view! {
                <form method="get" action="/admin/audit" class="filters" role="search" aria-label="篩選稽核紀錄">
                    <label>
                        "動作"
                        <select name="action">
                            <option value="">"全部"</option>
                            {AuditAction::ALL
                                .iter()
                                .map(|a| view! { <option value=a.as_str() selected=f.action == Some(*a)>{a.label()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        "執行者帳號"
                        <input type="text" name="actor" value=f.actor.clone() maxlength="64" />
                    </label>
                    <label>
                        "起日"
                        <input type="text" name="from" value=f.from.map(roc_date).unwrap_or_default() placeholder=crate::dates::example_date() inputmode="numeric" />
                    </label>
                    <label>
                        "迄日"
                        <input type="text" name="to" value=f.to.map(roc_date).unwrap_or_default() placeholder=crate::dates::example_date() inputmode="numeric" />
                    </label>
                    <button type="submit">"查詢"</button>
                    <a href=export class="button secondary" download>"匯出 CSV"</a>
                </form>
            }
        }}
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match log.await {
                    Ok(page) => {
                        let f = filter.get_untracked();
                        let prev = (page.page > 1).then(|| href(&f, page.page - 1));
                        let next = (page.page < page.pages).then(|| href(&f, page.page + 1));
                        view! {
                            <p class="result-count" role="status">
                                {format!("共 {} 筆，第 {} / {} 頁", page.total, page.page, page.pages)}
                            </p>
                            {if page.rows.is_empty() {
                                view! { <p class="empty">"沒有符合條件的紀錄。"</p> }.into_any()
                            } else {
                                view! {
                                    <table class="data-table audit-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"時間"</th>
                                                <th scope="col">"動作"</th>
                                                <th scope="col">"執行者"</th>
                                                <th scope="col">"對象"</th>
                                                <th scope="col">"內容"</th>
                                                <th scope="col">"來源位址"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {page
                                                .rows
                                                .into_iter()
                                                .map(|r| {
                                                    view! {
                                                        <tr>
                                                            <td class="nowrap">{roc_datetime(r.at)}</td>
                                                            <td>{r.action_label()}</td>
                                                            <td>{r.actor_label()}</td>
                                                            <td>{r.target_label()}</td>
                                                            <td class="audit-data">
                                                                {describe(&r.data).into_iter().map(|line| view! { <div>{line}</div> }).collect_view()}
                                                            </td>
                                                            <td>{r.client_addr}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                }
                                    .into_any()
                            }}
                            <nav class="pager" aria-label="分頁">
                                {prev.map(|h| view! { <A href=h>"上一頁"</A> })}
                                {next.map(|h| view! { <A href=h>"下一頁"</A> })}
                            </nav>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
