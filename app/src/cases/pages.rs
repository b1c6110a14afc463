//! The case list, the start-page queues and the recording forms.

use super::{
    search::{Seg, SimilarCase},
    server_fns::{
        list_cases, next_question, saved_filters, similar_to_draft, RecordDataRequest,
        RecordQuestion, RemoveFilter, SaveFilter,
    },
    CaseFilter, CaseKind, CaseRow, CaseStatus, ListKey, ListSort, Priority, LONG_TEXT_MAX_CHARS,
};
use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, Role},
    components::{form_result, kept, ErrorPage, FieldError, FormError, FormProblems, FormResult},
    dates::roc_date,
    input::FlashedDraft,
    islands::editor::TextEditor,
    reference::{server_fns::load_choices, Choices},
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

/// Everyone who signs in to work on cases.
pub const INTERNAL: &[Role] = &[
    Role::Secretariat,
    Role::BureauLiaison,
    Role::BureauApprover,
    Role::Reviewer,
    Role::Admin,
];

/// Text with the parts a search matched marked.
pub fn marked(segs: Vec<Seg>) -> impl IntoView {
    segs.into_iter()
        .map(|s| {
            if s.hit {
                view! { <mark>{s.text}</mark> }.into_any()
            } else {
                s.text.into_any()
            }
        })
        .collect_view()
}

/// Earlier cases that look like the one at hand, with the start of their replies.
#[component]
pub fn SimilarCases(cases: Vec<SimilarCase>, heading: &'static str) -> impl IntoView {
    view! {
        <section class="panel similar" aria-labelledby="similar-cases">
            <h2 id="similar-cases">{heading}</h2>
            {if cases.is_empty() {
                view! { <p class="empty">"沒有找到相似的案件。"</p> }.into_any()
            } else {
                view! {
                    <ul class="similar-list">
                        {cases
                            .into_iter()
                            .map(|c| {
                                let label = super::case_label(c.kind, c.number);
                                view! {
                                    <li>
                                        <a href=format!("/cases/{}", c.id)>
                                            <span class="case-no">{label}</span>
                                            {marked(c.topic)}
                                        </a>
                                        <span class="muted">
                                            {format!(
                                                " {}・{}・{}",
                                                c.councilors,
                                                c.lead_bureau.unwrap_or_else(|| "未分派".into()),
                                                c.status.label(),
                                            )}
                                        </span>
                                        {(!c.reply.is_empty())
                                            .then(|| view! { <p class="excerpt"><span class="muted">"答復："</span>{c.reply}</p> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// The sortable headings of the case list: the order now and where each heading leads.
#[derive(Debug, Clone)]
pub struct Sorting {
    pub current: ListSort,
    pub by_number: String,
    pub by_due: String,
}

/// A table of cases, as the list, the inbox and the start page show them. On the list,
/// 案號 and 期限 sort (`sorting`), and the secretariat ticks rows for the form `bulk`
/// (`selectable`).
#[component]
pub fn CaseTable(
    rows: Vec<CaseRow>,
    #[prop(optional)] caption: Option<String>,
    #[prop(optional)] sorting: Option<Sorting>,
    #[prop(optional)] selectable: bool,
) -> impl IntoView {
    let heading = move |label: &'static str, by_due: bool| match &sorting {
        Some(s) => {
            let href = if by_due {
                s.by_due.clone()
            } else {
                s.by_number.clone()
            };
            let next = s.current.toggled(by_due);
            view! {
                <th scope="col" aria-sort=s.current.aria(by_due)>
                    <A href=href attr:title=format!("依{}排序", next.label())>{label}</A>
                </th>
            }
            .into_any()
        }
        None => view! { <th scope="col">{label}</th> }.into_any(),
    };
    view! {
        <table class="data-table case-table">
            {caption.map(|c| view! { <caption>{c}</caption> })}
            <thead>
                <tr>
                    {selectable.then(|| view! { <th scope="col" class="select">"選取"</th> })}
                    {heading("案號", false)}
                    <th scope="col">"議題／主旨"</th>
                    <th scope="col">"議員"</th>
                    <th scope="col">"主辦機關"</th>
                    <th scope="col">"狀態"</th>
                    {heading("期限", true)}
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let label = super::case_label(row.kind, row.number);
                        let href = format!("/cases/{}", row.id);
                        let (topic, councilors, excerpt) = match row.hit {
                            Some(hit) => (
                                marked(hit.topic).into_any(),
                                marked(hit.councilors).into_any(),
                                hit.excerpt,
                            ),
                            None => (row.topic.into_any(), row.councilors.into_any(), None),
                        };
                        let tick = selectable.then(|| {
                            let name = format!("選取{label}");
                            view! {
                                <td class="select">
                                    <input type="checkbox" form="bulk" name="ids[]" value=row.id aria-label=name />
                                </td>
                            }
                        });
                        view! {
                            <tr class:overdue=row.overdue>
                                {tick}
                                <td class="nowrap case-number">{label}</td>
                                <td class="case-topic">
                                    <A href=href>{topic}</A>
                                    {row.priority.filter(|p| *p != Priority::Ordinary).map(|p| view! { <span class="tag tag-urgent">{p.label()}</span> })}
                                    {row.within_three_days.then(|| view! { <span class="tag tag-urgent">"三日內"</span> })}
                                    {row.tracking.then(|| view! { <span class="tag">"列管"</span> })}
                                    {row.note.map(|note| view! { <p class="row-note">{note}</p> })}
                                    {excerpt
                                        .map(|(field, segs)| {
                                            view! {
                                                <p class="excerpt">
                                                    <span class="muted">{format!("{}：", field.label())}</span>
                                                    {marked(segs)}
                                                </p>
                                            }
                                        })}
                                </td>
                                <td data-label="議員">{councilors}</td>
                                <td data-label="主辦">{row.lead_bureau.unwrap_or_else(|| "—".into())}</td>
                                <td class="case-status">
                                    <span class=format!("status status-{}", row.status.as_str())>{row.status.label()}</span>
                                </td>
                                <td class="nowrap" data-label="期限">
                                    {roc_date(row.due_on)}
                                    {row.overdue.then(|| view! { <span class="tag tag-overdue">"逾期"</span> })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn CaseListPage() -> impl IntoView {
    view! {
        <PageTitle text="案件列表｜府會通" />
        <RequireRole roles=INTERNAL children=|user| {
                view! {
                    <CaseList
                        is_bureau=user.role.belongs_to_bureau()
                        can_record=user.role == Role::Secretariat
                        can_flag=crate::background::may_filter(user.role)
                    />
                }
            }
        />
    }
}

/// A page of the list with the same filters: by number, or from a row's key (`after` for
/// the next page, `before` for the previous one).
fn page_href(filter: &CaseFilter, page: u32, from: Option<(&str, ListKey)>) -> String {
    let mut parts: Vec<String> = Some(filter.to_query())
        .filter(|q| !q.is_empty())
        .into_iter()
        .collect();
    if let Some((dir, key)) = from {
        parts.push(format!("{dir}={}", key.code()));
    }
    parts.push(format!("page={page}"));
    format!("/cases?{}", parts.join("&"))
}

#[component]
fn CaseList(is_bureau: bool, can_record: bool, can_flag: bool) -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.get();
        CaseFilter::from_query(|k| q.get(k))
    });
    let cases = Resource::new(move || filter.get(), list_cases);
    let options = Resource::new(|| (), |_| load_choices());
    let save = ServerAction::<SaveFilter>::new();
    let remove = ServerAction::<RemoveFilter>::new();
    let saved = Resource::new(
        move || save.version().get() + remove.version().get(),
        |_| saved_filters(),
    );
    let save_error = form_result(save.value());
    let remove_error = form_result(remove.value());
    // Back from assigning the ticked rows: how many.
    let assigned = query
        .with_untracked(|q| q.get("assigned"))
        .and_then(|n| n.parse::<usize>().ok());

    view! {
        <div class="page-head">
            <h1>"案件列表"</h1>
            {can_record
                .then(|| {
                    view! {
                        <div class="page-actions">
                            <A href="/cases/new/question">"登錄質詢"</A>
                            <A href="/cases/new/data-request">"登錄索資"</A>
                            <A href="/cases/new/service">"登錄服務案件"</A>
                            <A href="/cases/new/resolution">"登錄決議案"</A>
                            <A href="/cases/import">"匯入質詢"</A>
                            <A href="/resolutions/import">"匯入決議案"</A>
                        </div>
                    }
                })}
        </div>
        {assigned.map(|n| view! { <p class="notice" role="status">{format!("已分派 {n} 案。")}</p> })}
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                let mine = saved.await.unwrap_or_default();
                let f = filter.get_untracked();
                view! { <SavedFilters mine f save remove /> }
            })}
        </Transition>
        <FieldError error=save_error field="name" />
        <FormError error=save_error />
        <FormError error=remove_error />
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                let choices = options.await.unwrap_or_default();
                let f = filter.get_untracked();
                view! { <FilterForm choices f is_bureau can_flag /> }
            })}
        </Transition>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match cases.await {
                    Ok(page) => {
                        let f = filter.get_untracked();
                        let first = (page.page > 2).then(|| page_href(&f, 1, None));
                        // Newest first pages by key; another order by number.
                        let (prev, next) = if f.order() == ListSort::Newest {
                            (
                                page.before.map(|k| {
                                    page_href(&f, page.page.saturating_sub(1).max(1), Some(("before", k)))
                                }),
                                page.after.map(|k| page_href(&f, page.page + 1, Some(("after", k)))),
                            )
                        } else {
                            (
                                (page.page > 1).then(|| page_href(&f, page.page - 1, None)),
                                (page.page < page.pages).then(|| page_href(&f, page.page + 1, None)),
                            )
                        };
                        let sorted = |sort: ListSort| {
                            let mut g = f.clone();
                            g.sort = (sort != ListSort::Newest).then_some(sort);
                            g.from = None;
                            page_href(&g, 1, None)
                        };
                        let sorting = Sorting {
                            current: f.order(),
                            by_number: sorted(f.order().toggled(false)),
                            by_due: sorted(f.order().toggled(true)),
                        };
                        let back = page_href(&f, page.page, None);
                        let bulk = can_record && !page.rows.is_empty();
                        let bureaus = options.get_untracked().and_then(Result::ok).map(|c| c.bureaus).unwrap_or_default();
                        let any = !page.rows.is_empty();
                        view! {
                            <p class="result-count" role="status">
                                {format!("{}，第 {} / {} 頁", page.count_label(), page.page, page.pages)}
                            </p>
                            {if page.rows.is_empty() {
                                view! { <p class="empty">"沒有符合條件的案件。"</p> }.into_any()
                            } else {
                                view! { <CaseTable rows=page.rows sorting selectable=bulk /> }.into_any()
                            }}
                            {bulk.then(|| view! { <BulkActions bureaus back /> })}
                            <nav class="pager" aria-label="分頁">
                                {first.map(|href| view! { <A href=href>"第一頁"</A> })}
                                {prev.map(|href| view! { <A href=href>"上一頁"</A> })}
                                {next.map(|href| view! { <A href=href>"下一頁"</A> })}
                            </nav>
                            {any.then(|| {
                                // The whole filtered list (not just this page), as files.
                                let query = page_href(&f, 1, None).replacen("/cases?", "", 1);
                                view! {
                                    <p class="downloads no-print">
                                        "下載此清單："
                                        <a href=format!("/cases.csv?{query}") download>"CSV"</a>
                                        "　"
                                        <a href=format!("/cases.xlsx?{query}") download>"Excel（XLSX）"</a>
                                        <span class="muted">{format!("（最多 {} 件）", crate::cases::EXPORT_LIMIT)}</span>
                                    </p>
                                }
                            })}
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The user's saved filters as links, and the form to keep the list's filters now.
#[component]
fn SavedFilters(
    mine: Vec<super::saved::SavedFilter>,
    f: CaseFilter,
    save: ServerAction<SaveFilter>,
    remove: ServerAction<RemoveFilter>,
) -> impl IntoView {
    view! {
        <section class="saved-filters no-print" aria-label="我的篩選">
            {(!mine.is_empty()).then(|| view! {
                <ul class="saved-list">
                    {mine
                        .into_iter()
                        .map(|s| {
                            let label = format!("刪除篩選「{}」", s.name);
                            view! {
                                <li>
                                    <A href=s.href()>{s.name.clone()}</A>
                                    <ActionForm action=remove attr:class="inline-form">
                                        <input type="hidden" name="id" value=s.id />
                                        <button type="submit" class="link-button" aria-label=label>"×"</button>
                                    </ActionForm>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            })}
            <details>
                <summary>"儲存目前的篩選"</summary>
                <ActionForm action=save attr:class="inline-row">
                    <input type="hidden" name="query" value=f.to_query() />
                    <label for="saved-name">"名稱"</label>
                    <input id="saved-name" name="name" maxlength="30" placeholder="交通局逾期案件" required />
                    <button type="submit" class="secondary">"儲存"</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// The secretariat's actions on the ticked rows: assign them to one lead bureau, or take
/// them as a file. The checkboxes in the table belong to this form (`form="bulk"`).
#[component]
fn BulkActions(bureaus: Vec<(i64, String)>, back: String) -> impl IntoView {
    let assign_error = form_result(ServerAction::<super::server_fns::AssignMany>::new().value());
    view! {
        <form id="bulk" method="post" action="/api/cases/assign-many" class="bulk-actions no-print" aria-label="勾選的案件">
            <input type="hidden" name="back" value=back />
            <FormError error=assign_error />
            <FieldError error=assign_error field="ids" />
            <label for="bulk-bureau">"勾選的案件分派給"</label>
            <select id="bulk-bureau" name="lead_bureau_id">
                <option value="">"（請選擇主辦機關）"</option>
                {bureaus.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
            <FieldError error=assign_error field="lead_bureau_id" />
            <button type="submit">"分派"</button>
            <button type="submit" class="secondary" name="ticked" value="1" formaction="/cases.xlsx" formmethod="get" formnovalidate>"匯出勾選（Excel）"</button>
            <button type="submit" class="secondary" name="ticked" value="1" formaction="/cases.csv" formmethod="get" formnovalidate>"匯出勾選（CSV）"</button>
        </form>
    }
}

fn options(list: Vec<(i64, String)>, selected: Option<i64>) -> impl IntoView {
    list.into_iter()
        .map(|(id, label)| {
            view! { <option value=id.to_string() selected=selected == Some(id)>{label}</option> }
        })
        .collect_view()
}

#[component]
fn FilterForm(choices: Choices, f: CaseFilter, is_bureau: bool, can_flag: bool) -> impl IntoView {
    view! {
        <form method="get" action="/cases" class="filters" role="search" aria-label="篩選案件">
            <label>
                "會期"
                <select name="session">
                    <option value="">"全部"</option>
                    {options(choices.sessions, f.session)}
                </select>
            </label>
            <label>
                "類別"
                <select name="kind">
                    <option value="">"全部"</option>
                    {CaseKind::ALL
                        .iter()
                        .map(|k| view! { <option value=k.as_str() selected=f.kind == Some(*k)>{k.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "議員"
                <select name="councilor">
                    <option value="">"全部"</option>
                    {options(choices.councilors, f.councilor)}
                </select>
            </label>
            {(!is_bureau)
                .then(|| {
                    view! {
                        <label>
                            "局處"
                            <select name="bureau">
                                <option value="">"全部"</option>
                                {options(choices.bureaus, f.bureau)}
                            </select>
                        </label>
                    }
                })}
            <label>
                "狀態"
                <select name="status">
                    <option value="">"全部"</option>
                    {CaseStatus::ALL
                        .iter()
                        .map(|s| view! { <option value=s.as_str() selected=f.status == Some(*s)>{s.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "關鍵字"
                <input
                    name="q"
                    type="search"
                    maxlength=crate::cases::search::MAX_QUERY_CHARS.to_string()
                    value=f.q.clone()
                />
            </label>
            <label>
                "排序"
                <select name="sort">
                    {ListSort::ALL
                        .iter()
                        .map(|s| view! { <option value=s.as_str() selected=f.order() == *s>{s.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            {can_flag
                .then(|| {
                    view! {
                        <label>
                            "敏感標記"
                            <select name="flag">
                                <option value="">"全部"</option>
                                {crate::background::Flag::ALL
                                    .iter()
                                    .map(|x| view! { <option value=x.as_str() selected=f.flag == Some(*x)>{x.label()}</option> })
                                    .collect_view()}
                            </select>
                        </label>
                    }
                })}
            <label class="check">
                <input type="checkbox" name="overdue" value="1" checked=f.overdue />
                "只看逾期"
            </label>
            <label class="check">
                <input type="checkbox" name="tracking" value="1" checked=f.tracking />
                "只看列管"
            </label>
            <button type="submit">"篩選"</button>
        </form>
    }
}

/// A select whose options come from the choices, keeping a typed value after a refusal.
pub(crate) fn select_field(
    id: &'static str,
    name: &'static str,
    list: Vec<(i64, String)>,
    kept: Vec<String>,
    placeholder: &'static str,
) -> impl IntoView {
    view! {
        <select id=id name=name>
            <option value="">{placeholder}</option>
            {list
                .into_iter()
                .map(|(value, label)| {
                    let selected = kept.contains(&value.to_string());
                    view! { <option value=value.to_string() selected=selected>{label}</option> }
                })
                .collect_view()}
        </select>
    }
}

/// What was typed into the question form before 找相似案件 sent it back to this page: posted
/// to the server, which keeps it in the session for the page's next request (never in the
/// URL: see [`FlashedDraft`]).
#[derive(Clone, Default)]
struct Draft(FlashedDraft);

impl Draft {
    fn value(&self, name: &str) -> String {
        self.0.value(&format!("form[{name}]"))
    }

    fn values(&self, name: &str) -> Vec<String> {
        self.0.values(&format!("form[{name}][]"))
    }

    /// A refused save's value, or else the draft's.
    fn or_kept(&self, error: FormResult, name: &'static str) -> String {
        match kept(error, name) {
            v if v.is_empty() => self.value(name),
            v => v,
        }
    }
}

/// The question's or request's text, as typed before the last refusal; typed text that came
/// back is not saved yet.
fn body_editor(id: &'static str, rows: u32, error: FormResult, draft: &Draft) -> impl IntoView {
    let text = draft.or_kept(error, "body");
    let unsaved = !text.is_empty();
    view! {
        <TextEditor
            id=id.to_owned()
            name="form[body]".to_owned()
            text
            rows
            max_chars=LONG_TEXT_MAX_CHARS
            unsaved
        />
    }
}

/// Where 找相似案件 posts the question form (the server keeps the draft and sends the
/// officer back to the form with the similar cases under it).
pub const SIMILAR_DRAFT_PATH: &str = "/cases/new/question/similar";

#[component]
pub fn NewQuestionPage() -> impl IntoView {
    view! {
        <PageTitle text="登錄質詢｜府會通" />
        <RequireRole roles=&[Role::Secretariat] children=|_| view! { <NewQuestion /> } />
    }
}

#[component]
fn NewQuestion() -> impl IntoView {
    let record = ServerAction::<RecordQuestion>::new();
    let error = form_result(record.value());
    let options = Resource::new(|| (), |_| load_choices());
    let draft = Draft(FlashedDraft::current());
    // After 登錄並繼續下一題: the question just recorded, whose sitting the next one shares.
    let after = use_query_map()
        .with_untracked(|q| q.get("after"))
        .and_then(|v| v.parse::<i64>().ok());
    let next = Resource::new(
        move || after,
        |after| async move {
            match after {
                Some(id) => next_question(id).await.ok().flatten(),
                None => None,
            }
        },
    );
    // Looked up only when the officer asked (找相似案件) and typed a topic.
    let asked = {
        let topic = draft.value("topic");
        let ids: Vec<i64> = draft
            .values("councilor_ids")
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect();
        (!topic.trim().is_empty()).then_some((topic, ids))
    };
    let similar = Resource::new(
        move || asked.clone(),
        |asked| async move {
            match asked {
                Some((topic, ids)) => similar_to_draft(topic, ids).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <h1>"登錄質詢"</h1>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || {
                let draft = draft.clone();
                Suspend::new(async move {
                // The form and the list come together: the list sits under the form.
                let c = options.await.unwrap_or_default();
                let similar = similar.await;
                let next = next.await;
                // A fresh form after 登錄並繼續下一題 starts from the sitting just recorded;
                // a draft or a refused form keeps what was typed instead.
                let fresh = draft.0.fields.is_empty() && error.get_untracked().is_none();
                let draft = match (&next, fresh) {
                    (Some(n), true) => Draft(FlashedDraft { to: String::new(), fields: n.fields() }),
                    _ => draft,
                };
                let recorded = next.map(|n| (n.recorded_id, super::case_label(CaseKind::Question, n.recorded_number)));
                let councilors_kept = match error.get_untracked().map(|e| e.input("councilor_ids")).unwrap_or_default() {
                    kept if kept.is_empty() => draft.values("councilor_ids"),
                    kept => kept,
                };
                let first_session = c.sessions.first().map(|s| s.0.to_string()).into_iter().collect::<Vec<_>>();
                let session_kept = match draft.or_kept(error, "session_id") { s if s.is_empty() => first_session, s => vec![s] };
                view! {
                    {recorded.map(|(id, label)| view! {
                        <p class="notice" role="status">
                            "已登錄 "<A href=format!("/cases/{id}")>{label}</A>"。下一題已帶入同一會期、類別、日期與議員。"
                        </p>
                    })}
                    <ActionForm action=record attr:class="grid-form wide" attr:aria-label="登錄質詢">
                        <FormError error />
                        <FormProblems error />
                        <label for="q-session">"會期"</label>
                        <div>
                            {select_field("q-session", "form[session_id]", c.sessions, session_kept, "請選擇")}
                            <FieldError error field="session_id" />
                        </div>
                        <label for="q-number">"質詢編號"</label>
                        <div>
                            <input id="q-number" name="form[number]" inputmode="numeric" value=draft.or_kept(error, "number") required />
                            <p class="field-hint">"同一會期內不得重複。"</p>
                            <FieldError error field="number" />
                        </div>
                        <label for="q-sitting-type">"質詢類別"</label>
                        <div>
                            {select_field("q-sitting-type", "form[sitting_type_id]", c.sitting_types, vec![draft.or_kept(error, "sitting_type_id")], "請選擇")}
                            <FieldError error field="sitting_type_id" />
                        </div>
                        <label for="q-sitting-date">"質詢日期"</label>
                        <div>
                            <input id="q-sitting-date" name="form[sitting_date]" placeholder=crate::dates::example_date() value=draft.or_kept(error, "sitting_date") required />
                            <p class="field-hint">"民國年／月／日，或西元 2024-03-15。"</p>
                            <FieldError error field="sitting_date" />
                        </div>
                        <label for="q-councilors">"質詢議員"</label>
                        <div>
                            <select id="q-councilors" name="form[councilor_ids][]" multiple size="6">
                                {c.councilors
                                    .into_iter()
                                    .map(|(id, name)| {
                                        let selected = councilors_kept.contains(&id.to_string());
                                        view! { <option value=id.to_string() selected=selected>{name}</option> }
                                    })
                                    .collect_view()}
                            </select>
                            <p class="field-hint">"聯合質詢可按住 Ctrl 或 ⌘ 多選。"</p>
                            <FieldError error field="councilor_ids" />
                        </div>
                        <label for="q-topic">"質詢議題"</label>
                        <div>
                            <input id="q-topic" name="form[topic]" value=draft.or_kept(error, "topic") required />
                            <p class="field-hint">"可按下方「找相似案件」，依議題與議員找出過去相似的質詢與答復，避免重複、便於參考。"</p>
                            <FieldError error field="topic" />
                        </div>
                        <label for="q-body">"質詢內容"</label>
                        <div>
                            {body_editor("q-body", 8, error, &draft)}
                            <FieldError error field="body" />
                        </div>
                        <label for="q-due">"自訂期限"</label>
                        <div>
                            <input id="q-due" name="form[due_on]" placeholder="留空則依規則計算" value=draft.or_kept(error, "due_on") />
                            <FieldError error field="due_on" />
                        </div>
                        <label for="q-due-reason">"自訂理由"</label>
                        <div>
                            <input id="q-due-reason" name="form[due_reason]" value=draft.or_kept(error, "due_reason") />
                            <FieldError error field="due_reason" />
                        </div>
                        <div></div>
                        // 登錄 comes first: Enter in any field presses the form's first
                        // submit button, and Enter means save.
                        <div class="form-actions">
                            <button type="submit">"登錄"</button>
                            <button type="submit" class="secondary" name="then" value="next">"登錄並繼續下一題"</button>
                            <button type="submit" class="secondary" formaction=SIMILAR_DRAFT_PATH formmethod="post" formnovalidate=true>
                                "找相似案件"
                            </button>
                        </div>
                    </ActionForm>
                    {match similar {
                        Ok(Some(cases)) => view! { <SimilarCases cases heading="相似的過去案件" /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }}
                }
            })}}
        </Transition>
    }
}

#[component]
pub fn NewDataRequestPage() -> impl IntoView {
    view! {
        <PageTitle text="登錄索資｜府會通" />
        <RequireRole roles=&[Role::Secretariat] children=|_| view! { <NewDataRequest /> } />
    }
}

#[component]
fn NewDataRequest() -> impl IntoView {
    let record = ServerAction::<RecordDataRequest>::new();
    let error = form_result(record.value());
    let options = Resource::new(|| (), |_| load_choices());
    view! {
        <h1>"登錄索資"</h1>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                let c = options.await.unwrap_or_default();
                let first_session = c.sessions.first().map(|s| s.0.to_string()).into_iter().collect::<Vec<_>>();
                let session_kept = match kept(error, "session_id") { s if s.is_empty() => first_session, s => vec![s] };
                let priority_kept = match kept(error, "priority") { p if p.is_empty() => "ordinary".to_owned(), p => p };
                let three_days = !kept(error, "within_three_days").is_empty();
                view! {
                    <ActionForm action=record attr:class="grid-form wide" attr:aria-label="登錄索資">
                        <FormError error />
                        <FormProblems error />
                        <label for="d-session">"會期"</label>
                        <div>
                            {select_field("d-session", "form[session_id]", c.sessions, session_kept, "請選擇")}
                            <FieldError error field="session_id" />
                        </div>
                        <label for="d-councilor">"索資議員"</label>
                        <div>
                            {select_field("d-councilor", "form[councilor_id]", c.councilors, vec![kept(error, "councilor_id")], "請選擇")}
                            <FieldError error field="councilor_id" />
                        </div>
                        <label for="d-topic">"索資主旨"</label>
                        <div>
                            <input id="d-topic" name="form[topic]" value=kept(error, "topic") required />
                            <FieldError error field="topic" />
                        </div>
                        <label for="d-body">"索取資料項目"</label>
                        <div>
                            {body_editor("d-body", 6, error, &Draft::default())}
                            <FieldError error field="body" />
                        </div>
                        <label for="d-received">"收件時間"</label>
                        <div>
                            <input id="d-received" name="form[received_at]" placeholder=format!("{} 10:30", crate::dates::example_date()) value=kept(error, "received_at") required />
                            <FieldError error field="received_at" />
                        </div>
                        <label for="d-priority">"速別"</label>
                        <div>
                            <select id="d-priority" name="form[priority]">
                                {Priority::ALL
                                    .iter()
                                    .map(|p| view! { <option value=p.as_str() selected=priority_kept == p.as_str()>{p.label()}</option> })
                                    .collect_view()}
                            </select>
                            <FieldError error field="priority" />
                        </div>
                        <div></div>
                        <div>
                            <label class="check">
                                <input type="checkbox" name="form[within_three_days]" checked=three_days />
                                "三日內取件（通知局處首長）"
                            </label>
                        </div>
                        <label for="d-due">"自訂期限"</label>
                        <div>
                            <input id="d-due" name="form[due_on]" placeholder="留空則依速別計算" value=kept(error, "due_on") />
                            <FieldError error field="due_on" />
                        </div>
                        <label for="d-due-reason">"自訂理由"</label>
                        <div>
                            <input id="d-due-reason" name="form[due_reason]" value=kept(error, "due_reason") />
                            <FieldError error field="due_reason" />
                        </div>
                        <div></div>
                        <div>
                            <button type="submit">"登錄"</button>
                        </div>
                    </ActionForm>
                }
            })}
        </Transition>
    }
}
