//! The bills pages: the session view (every bill by bureau and stage, the call for bills and
//! who has not answered, what is still before the council as the session ends), the form a
//! bureau records a bill with, and a bill's page with its timeline and next step.

use super::{
    server_fns::{
        bill_page, bills_page, EditBill, MarkMajor, RecordBill, RecordStage, SayNothing, SendCall,
        BILL_WRITERS,
    },
    Bill, BillKind, BillRow, SessionBills, BILL_READERS, CHANGES_MAX_CHARS, NOTE_MAX_CHARS,
    SHORT_MAX_CHARS, TITLE_MAX_CHARS, WHY_MAX_CHARS,
};
use crate::{
    auth::{guard::RequireRole, CurrentUser, Role},
    cases::pages::select_field,
    components::{form_result, kept, ErrorPage, FieldError, FormError, FormProblems, PageTitle},
    dates::{example_date, roc_date, roc_datetime},
    reference::server_fns::load_choices,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn BillsPage() -> impl IntoView {
    view! {
        <PageTitle text="議法案｜府會通" />
        <RequireRole roles=BILL_READERS children=|user| view! { <SessionView user /> } />
    }
}

/// The session chooser every bills and briefings page opens with (a GET form: it works
/// without JavaScript and its address can be kept).
pub(super) fn session_chooser(
    action: &'static str,
    sessions: &[(i64, String)],
    current: i64,
) -> impl IntoView {
    view! {
        <form method="get" action=action class="filters no-print" aria-label="選擇會期">
            <label>
                "會期"
                <select name="session">
                    {sessions.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=*id == current>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit">"切換"</button>
        </form>
    }
}

#[component]
fn SessionView(user: CurrentUser) -> impl IntoView {
    let query = use_query_map();
    let call = ServerAction::<SendCall>::new();
    let nothing = ServerAction::<SayNothing>::new();
    let call_error = form_result(call.value());
    let session = move || query.with(|q| q.get("session").and_then(|s| s.parse::<i64>().ok()));
    let page = Resource::new(
        move || (session(), call.version().get() + nothing.version().get()),
        |(s, _)| bills_page(s),
    );
    let may_write = BILL_WRITERS.contains(&user.role);
    let secretariat = user.role == Role::Secretariat;
    let bureau = matches!(user.role, Role::BureauLiaison | Role::BureauApprover);
    let briefings = super::BRIEFING_READERS.contains(&user.role);
    view! {
        <div class="page-head">
            <h1>"議法案"</h1>
            {may_write.then(|| view! { <a class="button" href="/bills/new">"登錄議案"</a> })}
        </div>
        <p class="lead">"每會期各局處送議會的自治條例、預算案與其他議案，及其在議會的審議進度。秘書處據以標記重大議案，安排市長向各黨團報告。"</p>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || Suspend::new(async move {
                let p = match page.await {
                    Ok(p) => p,
                    Err(e) => return view! { <ErrorPage error=e /> }.into_any(),
                };
                let chooser = session_chooser("/bills", &p.sessions, p.session_id);
                let call_box = call_panel(&p, secretariat, bureau, call, nothing, call_error);
                let warning = near_end_warning(&p);
                let counts = p.by_stage();
                let summary = if counts.is_empty() {
                    String::new()
                } else {
                    counts.iter().map(|(s, n)| format!("{} {n}", s.label())).collect::<Vec<_>>().join("・")
                };
                let links = briefings.then(|| view! {
                    <p class="no-print">
                        {format!("黨團報告已舉行 {} 場，尚未處理的黨團要求 {} 項。", p.briefings_held, p.asks_open)}
                        " "<a href=format!("/briefings?session={}", p.session_id)>"黨團報告"</a>
                    </p>
                });
                let files = format!("/bills/report.csv?session={}", p.session_id);
                let xlsx = format!("/bills/report.xlsx?session={}", p.session_id);
                view! {
                    {chooser}
                    <h2>{p.session.clone()}</h2>
                    {call_box}
                    {warning}
                    {links}
                    <p>{format!("共 {} 案", p.bills.len())}{(!summary.is_empty()).then(|| format!("：{summary}"))}
                        " " <span class="file-links no-print"><a href=files>"CSV"</a>" "<a href=xlsx>"XLSX"</a></span>
                    </p>
                    {ended_summary(&p)}
                    {bureau_table(&p)}
                    <h3>"議案"</h3>
                    {bill_table(&p.bills)}
                }.into_any()
            })}
        </Transition>
    }
}

fn call_panel(
    p: &SessionBills,
    secretariat: bool,
    bureau: bool,
    call: ServerAction<SendCall>,
    nothing: ServerAction<SayNothing>,
    error: crate::components::FormResult,
) -> impl IntoView {
    let session_id = p.session_id;
    match &p.call {
        None if secretariat => view! {
            <section class="panel" aria-labelledby="call-title">
                <h3 id="call-title">"請各局處提報本會期議法案"</h3>
                <ActionForm action=call attr:class="grid-form" attr:aria-label="請各局處提報">
                    <FormError error />
                    <input type="hidden" name="form[session_id]" value=session_id.to_string() />
                    <label for="call-due">"提報期限"</label>
                    <div>
                        <input id="call-due" name="form[due_on]" type="text" inputmode="numeric" value=kept(error, "due_on") placeholder=example_date() aria-describedby="call-due-hint" />
                        <p class="hint" id="call-due-hint">"留空則依期限規則（各局處提報本會期議法案）自今日起算。"</p>
                        <FieldError error field="due_on" />
                    </div>
                    <label for="call-note">"說明"</label>
                    <div>
                        <textarea id="call-note" name="form[note]" rows="2" maxlength=NOTE_MAX_CHARS>{crate::escape::raw_child(kept(error, "note"))}</textarea>
                        <FieldError error field="note" />
                    </div>
                    <div></div>
                    <div><button type="submit">"請各局處提報"</button></div>
                </ActionForm>
            </section>
        }
        .into_any(),
        None => view! { <p class="hint">"秘書處尚未請各局處提報本會期議法案。"</p> }.into_any(),
        Some(c) => {
            let overdue = p.today > c.due_on && !c.missing.is_empty();
            let head = format!(
                "秘書處於 {} 請各局處提報，期限 {}。",
                roc_date(c.asked_on),
                roc_date(c.due_on)
            );
            let who = if bureau {
                // A bureau sees only its own bills: none, and not said so, is not answered.
                let mine_missing = p.bills.is_empty() && !c.mine_said_nothing;
                if mine_missing {
                    view! {
                        <p>"本局處尚未回報。請登錄本會期的議案；如無議案，請按下方按鈕。"</p>
                        <ActionForm action=nothing attr:aria-label="回報本會期無議案">
                            <input type="hidden" name="session_id" value=session_id.to_string() />
                            <button type="submit">"本會期無議案"</button>
                        </ActionForm>
                    }
                    .into_any()
                } else if c.mine_said_nothing {
                    view! { <p>"本局處已回報本會期無議案。"</p> }.into_any()
                } else {
                    view! { <p>"本局處已回報。"</p> }.into_any()
                }
            } else {
                let missing = c.missing.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>();
                view! {
                    <p>{format!("已回報 {} 個局處", c.answered.len())}
                        {if missing.is_empty() { "，全部局處皆已回報。".to_owned() } else { format!("；尚未回報 {} 個：{}", missing.len(), missing.join("、")) }}
                    </p>
                }
                .into_any()
            };
            view! {
                <section class=if overdue { "panel notice overdue" } else { "panel notice" } aria-labelledby="call-title">
                    <h3 id="call-title">"議法案提報"</h3>
                    <p>{head}{overdue.then_some("已逾期。")}</p>
                    {(!c.note.is_empty()).then(|| view! { <p class="doc-text">{c.note.clone()}</p> })}
                    {who}
                </section>
            }
            .into_any()
        }
    }
}

fn near_end_warning(p: &SessionBills) -> Option<impl IntoView> {
    let pending = p.pending();
    (p.near_end && !pending.is_empty()).then(|| {
        view! {
            <section class="panel notice overdue" role="status" aria-labelledby="near-end-title">
                <h3 id="near-end-title">{format!("會期將於 {} 結束，仍有 {} 案在議會審議中", roc_date(p.ends_on), pending.len())}</h3>
                <ul>
                    {pending.iter().map(|b| view! {
                        <li><a href=format!("/bills/{}", b.id)>{b.title.clone()}</a>{format!("（{}，{} {}）", b.bureau, b.stage.label(), roc_date(b.stage_on))}</li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// After the session: what passed, and what is left for the next one.
fn ended_summary(p: &SessionBills) -> Option<impl IntoView> {
    p.ended().then(|| {
        let passed = p.bills.iter().filter(|b| b.stage.passed()).count();
        let pending = p.pending().len();
        view! {
            <p class="notice" role="status">{format!(
                "本會期已於 {} 結束：通過 {passed} 案，仍待審議 {pending} 案。",
                roc_date(p.ends_on)
            )}</p>
        }
    })
}

/// Each bureau's bills by where they stand: the session at a glance.
fn bureau_table(p: &SessionBills) -> Option<impl IntoView> {
    let counts = p.by_bureau();
    (counts.len() > 1).then(|| view! {
        <table class="data-table">
            <caption>"各機關議案審議情形"</caption>
            <thead><tr>
                <th scope="col">"主辦機關"</th><th scope="col">"議案"</th><th scope="col">"通過"</th>
                <th scope="col">"審議中"</th><th scope="col">"擬送議會"</th><th scope="col">"退回或撤回"</th>
            </tr></thead>
            <tbody>
                {counts.into_iter().map(|c| view! {
                    <tr>
                        <td data-label="主辦機關">{c.bureau.clone()}</td>
                        <td data-label="議案" class="num">{c.total()}</td>
                        <td data-label="通過" class="num">{c.passed}</td>
                        <td data-label="審議中" class="num">{c.pending}</td>
                        <td data-label="擬送議會" class="num">{c.planned}</td>
                        <td data-label="退回或撤回" class="num">{c.gone}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    })
}

fn bill_table(bills: &[BillRow]) -> impl IntoView {
    if bills.is_empty() {
        return view! { <p class="empty">"這個會期尚無議案。"</p> }.into_any();
    }
    view! {
        <table class="data-table case-table">
            <caption class="visually-hidden">"本會期議案"</caption>
            <thead><tr>
                <th scope="col">"主辦機關"</th><th scope="col">"案名"</th><th scope="col">"種類"</th>
                <th scope="col">"委員會"</th><th scope="col">"審議進度"</th>
            </tr></thead>
            <tbody>
                {bills.iter().map(|b| view! {
                    <tr>
                        <td data-label="主辦機關">{b.bureau.clone()}</td>
                        <td data-label="案名">
                            {b.major.then(|| view! { <strong class="tag">"重大"</strong>" " })}
                            <a href=format!("/bills/{}", b.id)>{b.title.clone()}</a>
                        </td>
                        <td data-label="種類">{b.kind.label()}</td>
                        <td data-label="委員會">{b.committee.clone()}</td>
                        <td data-label="審議進度">{format!("{} {}", b.stage.label(), roc_date(b.stage_on))}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn NewBillPage() -> impl IntoView {
    view! {
        <PageTitle text="登錄議案｜府會通" />
        <RequireRole roles=BILL_WRITERS children=|user| view! { <NewBill user /> } />
    }
}

#[component]
fn NewBill(user: CurrentUser) -> impl IntoView {
    let record = ServerAction::<RecordBill>::new();
    let error = form_result(record.value());
    let options = Resource::new(|| (), |_| load_choices());
    let secretariat = user.role == Role::Secretariat;
    let own = user.bureau_name.clone().unwrap_or_default();
    view! {
        <h1>"登錄議案"</h1>
        <p class="hint">"本會期送議會的議案。登錄後可在議案頁記錄送議會、一讀、委員會審查到三讀的進度。"</p>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                let c = options.await.unwrap_or_default();
                let first = c.sessions.first().map(|s| s.0.to_string()).into_iter().collect::<Vec<_>>();
                let session_kept = match kept(error, "session_id") { s if s.is_empty() => first, s => vec![s] };
                let kind_kept = kept(error, "bill_kind");
                let bureau = if secretariat {
                    view! {
                        <label for="b-bureau">"主辦機關"</label>
                        <div>
                            {select_field("b-bureau", "form[bureau_id]", c.bureaus, vec![kept(error, "bureau_id")], "請選擇")}
                            <FieldError error field="bureau_id" />
                        </div>
                    }.into_any()
                } else {
                    view! { <span>"主辦機關"</span><div>{own.clone()}</div> }.into_any()
                };
                view! {
                    <ActionForm action=record attr:class="grid-form wide" attr:aria-label="登錄議案">
                        <FormError error />
                        <FormProblems error />
                        <label for="b-session">"會期"</label>
                        <div>
                            {select_field("b-session", "form[session_id]", c.sessions, session_kept, "請選擇")}
                            <FieldError error field="session_id" />
                        </div>
                        {bureau}
                        <label for="b-kind">"種類"</label>
                        <div>
                            <select id="b-kind" name="form[bill_kind]" required>
                                <option value="">"請選擇"</option>
                                {BillKind::ALL.iter().map(|k| view! {
                                    <option value=k.as_str() selected=kind_kept == k.as_str()>{k.label()}</option>
                                }).collect_view()}
                            </select>
                            <FieldError error field="bill_kind" />
                        </div>
                        <label for="b-title">"案名"</label>
                        <div>
                            <input id="b-title" name="form[title]" type="text" required maxlength=TITLE_MAX_CHARS value=kept(error, "title") />
                            <FieldError error field="title" />
                        </div>
                        <label for="b-why">"重要性說明"</label>
                        <div>
                            <textarea id="b-why" name="form[why]" rows="3" required maxlength=WHY_MAX_CHARS aria-describedby="b-why-hint">{crate::escape::raw_child(kept(error, "why"))}</textarea>
                            <p class="hint" id="b-why-hint">"幾行字說明為何重要：影響誰、不通過會怎樣。會印在黨團報告資料上。"</p>
                            <FieldError error field="why" />
                        </div>
                        <label for="b-changes">"主要內容"</label>
                        <div>
                            <textarea id="b-changes" name="form[changes]" rows="4" maxlength=CHANGES_MAX_CHARS>{crate::escape::raw_child(kept(error, "changes"))}</textarea>
                            <FieldError error field="changes" />
                        </div>
                        <label for="b-committee">"審查委員會"</label>
                        <div>
                            <input id="b-committee" name="form[committee]" type="text" maxlength=SHORT_MAX_CHARS value=kept(error, "committee") />
                            <FieldError error field="committee" />
                        </div>
                        <label for="b-number">"議會案號"</label>
                        <div>
                            <input id="b-number" name="form[council_number]" type="text" maxlength=SHORT_MAX_CHARS value=kept(error, "council_number") />
                            <FieldError error field="council_number" />
                        </div>
                        <label for="b-contact">"聯絡人"</label>
                        <div>
                            <input id="b-contact" name="form[contact]" type="text" maxlength=SHORT_MAX_CHARS value=kept(error, "contact") placeholder="姓名、電話" />
                            <FieldError error field="contact" />
                        </div>
                        <div></div>
                        <div><button type="submit">"登錄"</button></div>
                    </ActionForm>
                }
            })}
        </Transition>
    }
}

#[component]
pub fn BillPage() -> impl IntoView {
    view! {
        <PageTitle text="議案｜府會通" />
        <RequireRole roles=BILL_READERS children=|_| view! { <BillView /> } />
    }
}

#[component]
fn BillView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let stage = ServerAction::<RecordStage>::new();
    let major = ServerAction::<MarkMajor>::new();
    let edit = ServerAction::<EditBill>::new();
    let error = form_result(stage.value());
    let edit_error = form_result(edit.value());
    let bill = Resource::new(
        move || {
            (
                id(),
                stage.version().get() + major.version().get() + edit.version().get(),
            )
        },
        |(id, _)| bill_page(id),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || Suspend::new(async move {
                match bill.await {
                    Ok(b) => view! { <BillDetail bill=b stage major error edit edit_error /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BillDetail(
    bill: Bill,
    stage: ServerAction<RecordStage>,
    major: ServerAction<MarkMajor>,
    error: crate::components::FormResult,
    edit: ServerAction<EditBill>,
    edit_error: crate::components::FormResult,
) -> impl IntoView {
    let b = &bill.row;
    let (id, version, today) = (b.id, bill.version, bill.today);
    let next = b.stage.next();
    let stage_kept = kept(error, "stage");
    let stage_options = next
        .iter()
        .map(|s| view! { <option value=s.as_str() selected=stage_kept == s.as_str()>{s.label()}</option> })
        .collect_view();
    let on_kept = match kept(error, "on") {
        s if s.is_empty() => roc_date(today),
        s => s,
    };
    let stage_form = (bill.may_write && !next.is_empty()).then(|| view! {
        <section class="panel" aria-labelledby="stage-title">
            <h2 id="stage-title">"記錄審議進度"</h2>
            <ActionForm action=stage attr:class="grid-form" attr:aria-label="記錄審議進度">
                <FormError error />
                <input type="hidden" name="bill_id" value=id.to_string() />
                <input type="hidden" name="version" value=version.to_string() />
                <label for="s-stage">"進度"</label>
                <div>
                    <select id="s-stage" name="form[stage]" required>
                        {stage_options}
                    </select>
                    <FieldError error field="stage" />
                </div>
                <label for="s-on">"日期"</label>
                <div>
                    <input id="s-on" name="form[on]" type="text" inputmode="numeric" required placeholder=example_date()
                        value=on_kept />
                    <FieldError error field="on" />
                </div>
                <label for="s-number">"議會案號"</label>
                <div>
                    <input id="s-number" name="form[council_number]" type="text" maxlength=SHORT_MAX_CHARS value=kept(error, "council_number") aria-describedby="s-number-hint" />
                    <p class="hint" id="s-number-hint">"議會編了案號時填寫；留空則不變。"</p>
                    <FieldError error field="council_number" />
                </div>
                <label for="s-note">"說明"</label>
                <div>
                    <textarea id="s-note" name="form[note]" rows="2" maxlength=NOTE_MAX_CHARS>{crate::escape::raw_child(kept(error, "note"))}</textarea>
                    <FieldError error field="note" />
                </div>
                <div></div>
                <div><button type="submit">"記錄"</button></div>
            </ActionForm>
        </section>
    });
    let major_form = bill.may_mark_major.then(|| {
        let (value, label) = if b.major { ("false", "取消重大議案標記") } else { ("true", "列為重大議案") };
        view! {
            <ActionForm action=major attr:class="inline-form no-print" attr:aria-label="重大議案標記">
                <input type="hidden" name="bill_id" value=id.to_string() />
                <input type="hidden" name="major" value=value />
                <button type="submit" class="secondary">{label}</button>
            </ActionForm>
        }
    });
    let edit_form = bill.may_write.then(|| {
        // What was typed when refused, else what the bill says.
        let value = |name: &str, current: &str| match kept(edit_error, name) {
            s if s.is_empty() && edit_error.get_untracked().is_none() => current.to_owned(),
            s => s,
        };
        let kind = value("bill_kind", b.kind.as_str());
        let kinds = BillKind::ALL
            .iter()
            .map(|k| view! { <option value=k.as_str() selected=kind == k.as_str()>{k.label()}</option> })
            .collect_view();
        let (title, why, changes) = (value("title", &b.title), value("why", &bill.why), value("changes", &bill.changes));
        let (committee, number, contact) = (value("committee", &b.committee), value("council_number", &b.council_number), value("contact", &bill.contact));
        view! {
            <details class="panel no-print" open=edit_error.get_untracked().is_some()>
                <summary>"修改議案資料"</summary>
                <ActionForm action=edit attr:class="grid-form wide" attr:aria-label="修改議案資料">
                    <FormError error=edit_error />
                    <input type="hidden" name="bill_id" value=id.to_string() />
                    <input type="hidden" name="version" value=version.to_string() />
                    <label for="e-kind">"種類"</label>
                    <div><select id="e-kind" name="form[bill_kind]" required>{kinds}</select><FieldError error=edit_error field="bill_kind" /></div>
                    <label for="e-title">"案名"</label>
                    <div><input id="e-title" name="form[title]" type="text" required maxlength=TITLE_MAX_CHARS value=title /><FieldError error=edit_error field="title" /></div>
                    <label for="e-why">"重要性說明"</label>
                    <div><textarea id="e-why" name="form[why]" rows="3" required maxlength=WHY_MAX_CHARS>{crate::escape::raw_child(why)}</textarea><FieldError error=edit_error field="why" /></div>
                    <label for="e-changes">"主要內容"</label>
                    <div><textarea id="e-changes" name="form[changes]" rows="4" maxlength=CHANGES_MAX_CHARS>{crate::escape::raw_child(changes)}</textarea><FieldError error=edit_error field="changes" /></div>
                    <label for="e-committee">"審查委員會"</label>
                    <div><input id="e-committee" name="form[committee]" type="text" maxlength=SHORT_MAX_CHARS value=committee /><FieldError error=edit_error field="committee" /></div>
                    <label for="e-number">"議會案號"</label>
                    <div><input id="e-number" name="form[council_number]" type="text" maxlength=SHORT_MAX_CHARS value=number /><FieldError error=edit_error field="council_number" /></div>
                    <label for="e-contact">"聯絡人"</label>
                    <div><input id="e-contact" name="form[contact]" type="text" maxlength=SHORT_MAX_CHARS value=contact /><FieldError error=edit_error field="contact" /></div>
                    <div></div>
                    <div><button type="submit">"儲存修改"</button></div>
                </ActionForm>
            </details>
        }
    });
    // The upload is a plain multipart post to the server's handler; a refusal comes back
    // in the session.
    let files_error = crate::error::flashed_error(super::FILES_FORM)
        .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> });
    let file_list = if bill.files.is_empty() {
        view! { <p class="empty">"尚無附件。"</p> }.into_any()
    } else {
        view! {
            <ul class="files">
                {bill.files.iter().map(|f| view! {
                    <li>
                        {format!("{}：", f.kind.label())}
                        <a href=format!("/bills/files/{}", f.id)>{f.file_name.clone()}</a>
                        <span class="muted">{format!("（{}，{} {}）", crate::cases::batch::megabytes(f.size_bytes as u64), roc_datetime(f.uploaded_at), f.uploaded_by)}</span>
                    </li>
                }).collect_view()}
            </ul>
        }.into_any()
    };
    let upload = bill.may_write.then(|| view! {
        <form method="post" action=format!("/bills/{id}/files") enctype="multipart/form-data" class="stacked-form no-print" aria-label="上傳附件">
            {files_error}
            <label for="bf-kind">"附件種類"</label>
            <select id="bf-kind" name="file_kind" required>
                {super::FileKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
            </select>
            <label for="bf-files">"檔案（可多選）"</label>
            <input id="bf-files" name="files" type="file" multiple required aria-describedby="bf-limits" />
            <p class="field-hint" id="bf-limits">{format!(
                "每個檔案 {} 以內，每次最多 {} 個、合計 {} 以內。",
                crate::cases::batch::megabytes(crate::cases::batch::MAX_FILE_BYTES),
                crate::cases::batch::MAX_FILES,
                crate::cases::batch::megabytes(crate::cases::batch::MAX_BATCH_BYTES),
            )}</p>
            <button type="submit">"上傳附件"</button>
        </form>
    });
    let files = view! {
        <section id="bill-files" class="panel" aria-labelledby="bill-files-title">
            <h2 id="bill-files-title">"附件（草案條文、條文對照表）"</h2>
            {file_list}
            {upload}
        </section>
    };
    let positions = (!bill.positions.is_empty()).then(|| view! {
        <h2>"黨團態度"</h2>
        <ul>
            {bill.positions.iter().map(|p| view! {
                <li>
                    <a href=format!("/briefings/{}", p.briefing_id)>{format!("{}黨團（{}）", p.caucus, roc_date(p.held_on))}</a>
                    {format!("：{}", p.position.map_or("尚未記錄", |p| p.label()))}
                </li>
            }).collect_view()}
        </ul>
    });
    view! {
        <PageTitle text=format!("{}｜府會通", b.title) />
        <p class="no-print"><a href=format!("/bills?session={}", bill.session_id)>"← 議法案"</a></p>
        <h1>{b.major.then(|| view! { <strong class="tag">"重大"</strong>" " })}{b.title.clone()}</h1>
        {major_form}
        <dl class="facts">
            <dt>"會期"</dt><dd>{bill.session.clone()}</dd>
            <dt>"主辦機關"</dt><dd>{b.bureau.clone()}</dd>
            <dt>"種類"</dt><dd>{b.kind.label()}</dd>
            <dt>"審議進度"</dt><dd>{format!("{}（{}）", b.stage.label(), roc_date(b.stage_on))}</dd>
            <dt>"審查委員會"</dt><dd>{if b.committee.is_empty() { "—".to_owned() } else { b.committee.clone() }}</dd>
            <dt>"議會案號"</dt><dd>{if b.council_number.is_empty() { "—".to_owned() } else { b.council_number.clone() }}</dd>
            <dt>"聯絡人"</dt><dd>{if bill.contact.is_empty() { "—".to_owned() } else { bill.contact.clone() }}</dd>
        </dl>
        <h2>"重要性說明"</h2>
        <p class="doc-text">{bill.why.clone()}</p>
        {(!bill.changes.is_empty()).then(|| view! { <h2>"主要內容"</h2><p class="doc-text">{bill.changes.clone()}</p> })}
        {files}
        {stage_form}
        {edit_form}
        {positions}
        <h2>"歷程"</h2>
        <ol class="timeline">
            {bill.events.iter().map(|e| view! {
                <li>
                    <strong>{e.sentence()}</strong>
                    {format!("　{} {}", roc_datetime(e.at), e.actor)}
                    {(!e.note.is_empty()).then(|| view! { <p class="doc-text">{e.note.clone()}</p> })}
                </li>
            }).collect_view()}
        </ol>
    }
}
