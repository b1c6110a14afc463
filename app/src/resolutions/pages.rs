//! The secretariat's form for a resolution, the case page's part of one (its facts, the
//! reconsideration and the finding that it cannot be carried out), and the execution report
//! pages: the list with its compile form, and a compiled report to read and print.

use super::{
    report::{label, ExecutionReport},
    server_fns::{
        execution_report, reports_page, AskReconsideration, CompileReport, MarkNotExecutable,
        ReconsiderationOutcome as OutcomeAction, RecordResolution,
    },
    ReconsiderationOutcome, Requirement, ResolutionFacts, ResolutionKind, BUDGET_ITEM_MAX_CHARS,
    COMMITTEE_MAX_CHARS, LETTER_MAX_CHARS, REASON_MAX_CHARS, RECONSIDERATION_DAYS,
    SITTING_MAX_CHARS, TOPIC_MAX_CHARS,
};
use crate::{
    auth::{guard::RequireRole, Role},
    cases::pages::select_field,
    components::{form_result, kept, FieldError, FormError, FormProblems, PageTitle},
    dates::{example_date, roc_date, roc_datetime},
    reference::server_fns::load_choices,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn NewResolutionPage() -> impl IntoView {
    view! {
        <PageTitle text="登錄決議案｜府會通" />
        <RequireRole roles=&[Role::Secretariat] children=|_| view! { <NewResolution /> } />
    }
}

fn choices<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    name: impl Fn(T) -> &'static str,
    chosen: &str,
) -> impl IntoView {
    all.iter()
        .map(|k| {
            let value = code(*k);
            view! { <option value=value selected=chosen == value>{name(*k)}</option> }
        })
        .collect_view()
}

#[component]
fn NewResolution() -> impl IntoView {
    let record = ServerAction::<RecordResolution>::new();
    let error = form_result(record.value());
    let options = Resource::new(|| (), |_| load_choices());
    view! {
        <h1>"登錄決議案"</h1>
        <p class="hint">{format!(
            "議會函送的議決案、預算附帶決議、議員提案與請願案。市府得於收文後 {RECONSIDERATION_DAYS} 日內提出覆議；期限依決議所定的報告期限，未定者為下次定期會前的執行情形報告日。"
        )}</p>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                let c = options.await.unwrap_or_default();
                let first_session = c.sessions.first().map(|s| s.0.to_string()).into_iter().collect::<Vec<_>>();
                let session_kept = match kept(error, "session_id") { s if s.is_empty() => first_session, s => vec![s] };
                let councilors_kept = error.get_untracked().map(|e| e.input("councilor_ids")).unwrap_or_default();
                let kind_kept = kept(error, "resolution_kind");
                let requirement_kept = kept(error, "requirement");
                view! {
                    <ActionForm action=record attr:class="grid-form wide" attr:aria-label="登錄決議案">
                        <FormError error />
                        <FormProblems error />
                        <label for="r-session">"會期"</label>
                        <div>
                            {select_field("r-session", "form[session_id]", c.sessions, session_kept, "請選擇")}
                            <FieldError error field="session_id" />
                        </div>
                        <label for="r-kind">"種類"</label>
                        <div>
                            <select id="r-kind" name="form[resolution_kind]" required>
                                <option value="">"請選擇"</option>
                                {choices(ResolutionKind::ALL, ResolutionKind::as_str, ResolutionKind::label, &kind_kept)}
                            </select>
                            <FieldError error field="resolution_kind" />
                        </div>
                        <label for="r-sitting">"會次"</label>
                        <div>
                            <input id="r-sitting" name="form[sitting]" value=kept(error, "sitting") maxlength=SITTING_MAX_CHARS.to_string() placeholder="第3次定期大會第10次會議" />
                            <FieldError error field="sitting" />
                        </div>
                        <label for="r-councilors">"提案議員"</label>
                        <div>
                            <select id="r-councilors" name="form[councilor_ids][]" multiple size="6">
                                {c.councilors
                                    .into_iter()
                                    .map(|(id, name)| {
                                        let selected = councilors_kept.contains(&id.to_string());
                                        view! { <option value=id.to_string() selected=selected>{name}</option> }
                                    })
                                    .collect_view()}
                            </select>
                            <p class="hint">"議員提案與請願案必選（請願案選介紹議員）；市府提案的議決案可不選。"</p>
                            <FieldError error field="councilor_ids" />
                        </div>
                        <label for="r-topic">"案由"</label>
                        <div>
                            <input id="r-topic" name="form[topic]" value=kept(error, "topic") maxlength=TOPIC_MAX_CHARS.to_string() required />
                            <FieldError error field="topic" />
                        </div>
                        <label for="r-body">"決議內容"</label>
                        <div>
                            <textarea id="r-body" name="form[body]" rows="6" required>{crate::escape::raw_child(kept(error, "body"))}</textarea>
                            <FieldError error field="body" />
                        </div>
                        <label for="r-budget">"預算科目"</label>
                        <div>
                            <input id="r-budget" name="form[budget_item]" value=kept(error, "budget_item") maxlength=BUDGET_ITEM_MAX_CHARS.to_string() placeholder="附帶決議必填" />
                            <FieldError error field="budget_item" />
                        </div>
                        <label for="r-letter">"來文字號"</label>
                        <div>
                            <input id="r-letter" name="form[letter_number]" value=kept(error, "letter_number") maxlength=LETTER_MAX_CHARS.to_string() required />
                            <FieldError error field="letter_number" />
                        </div>
                        <label for="r-received">"收文日期"</label>
                        <div>
                            <input id="r-received" name="form[received_on]" value=kept(error, "received_on") placeholder=example_date() required />
                            <FieldError error field="received_on" />
                        </div>
                        <label for="r-requirement">"辦理方式"</label>
                        <div>
                            <select id="r-requirement" name="form[requirement]" required>
                                <option value="">"請選擇"</option>
                                {choices(Requirement::ALL, Requirement::as_str, Requirement::label, &requirement_kept)}
                            </select>
                            <FieldError error field="requirement" />
                        </div>
                        <label for="r-committee">"報告委員會"</label>
                        <div>
                            <input id="r-committee" name="form[committee]" value=kept(error, "committee") maxlength=COMMITTEE_MAX_CHARS.to_string() placeholder="工務委員會" />
                            <FieldError error field="committee" />
                        </div>
                        <label for="r-report-by">"報告期限"</label>
                        <div>
                            <input id="r-report-by" name="form[report_by]" value=kept(error, "report_by") placeholder="限期報告必填" />
                            <FieldError error field="report_by" />
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

/// A resolution's own facts, inside the case page's fact list.
#[component]
pub fn ResolutionFactRows(facts: ResolutionFacts) -> impl IntoView {
    let state = facts.state;
    view! {
        <dt>"種類"</dt>
        <dd>{facts.kind.label()}</dd>
        {(!facts.sitting.is_empty()).then(|| view! { <dt>"會次"</dt><dd>{facts.sitting.clone()}</dd> })}
        {(!facts.budget_item.is_empty()).then(|| view! { <dt>"預算科目"</dt><dd>{facts.budget_item.clone()}</dd> })}
        <dt>"來文"</dt>
        <dd>{format!("{}（{} 收文）", facts.letter_number, roc_date(facts.received_on))}</dd>
        <dt>"辦理方式"</dt>
        <dd>{facts.requirement_words()}</dd>
        <dt>"覆議期限"</dt>
        <dd>{format!("{} 前", roc_date(facts.window_closes))}</dd>
        <dt>"執行情形"</dt>
        <dd><span class=format!("tag tag-{}", state.as_str())>{state.label()}</span></dd>
    }
}

/// The reconsideration and the finding that it cannot be carried out, with their forms.
#[component]
pub fn ResolutionPanel(case_id: i64, facts: ResolutionFacts) -> impl IntoView {
    let ask = ServerAction::<AskReconsideration>::new();
    let outcome = ServerAction::<OutcomeAction>::new();
    let not_exec = ServerAction::<MarkNotExecutable>::new();
    let ask_error = form_result(ask.value());
    let outcome_error = form_result(outcome.value());
    let not_exec_error = form_result(not_exec.value());
    let reconsideration = facts.reconsideration.clone().map(|r| {
        let answer = r.outcome.map_or_else(
            || "議會尚未議決".to_owned(),
            |(o, on)| format!("{}（{}）", o.label(), roc_date(on)),
        );
        view! {
            <p>{format!("{} 提出覆議（{}）：{}", roc_date(r.asked_on), r.letter_number, r.reason)}</p>
            <p>{answer}</p>
        }
    });
    let not_executable = facts.not_executable.clone().map(|n| view! {
        <p>{format!("{} 函復議會（{}），認定窒礙難行：", roc_date(n.sent_on), n.letter_number)}</p>
        <div class="prose">{n.reply}</div>
    });
    let ask_form = facts.can_ask_reconsideration.then(|| view! {
        <details open=ask_error.get_untracked().is_some()>
            <summary>"記錄提出覆議"</summary>
            <ActionForm action=ask attr:class="stacked-form" attr:aria-label="記錄提出覆議">
                <input type="hidden" name="case_id" value=case_id />
                <FormError error=ask_error />
                <label for="rc-on">"提出日期"</label>
                <input id="rc-on" name="form[asked_on]" value=kept(ask_error, "asked_on") placeholder=example_date() required />
                <FieldError error=ask_error field="asked_on" />
                <label for="rc-letter">"發文字號"</label>
                <input id="rc-letter" name="form[letter_number]" value=kept(ask_error, "letter_number") maxlength=LETTER_MAX_CHARS.to_string() required />
                <FieldError error=ask_error field="letter_number" />
                <label for="rc-reason">"覆議理由"</label>
                <textarea id="rc-reason" name="form[reason]" rows="3" maxlength=REASON_MAX_CHARS.to_string() required>{crate::escape::raw_child(kept(ask_error, "reason"))}</textarea>
                <FieldError error=ask_error field="reason" />
                <button type="submit" class="secondary">"記錄覆議"</button>
            </ActionForm>
        </details>
    });
    let outcome_form = facts.can_record_outcome.then(|| {
        let chosen = kept(outcome_error, "outcome");
        view! {
            <ActionForm action=outcome attr:class="stacked-form" attr:aria-label="記錄覆議結果">
                <input type="hidden" name="case_id" value=case_id />
                <FormError error=outcome_error />
                <label for="rc-outcome">"議會議決結果"</label>
                <select id="rc-outcome" name="outcome" required>
                    <option value="">"請選擇"</option>
                    {choices(ReconsiderationOutcome::ALL, ReconsiderationOutcome::as_str, ReconsiderationOutcome::label, &chosen)}
                </select>
                <FieldError error=outcome_error field="outcome" />
                <label for="rc-outcome-on">"議決日期"</label>
                <input id="rc-outcome-on" name="outcome_on" value=kept(outcome_error, "outcome_on") placeholder=example_date() required />
                <FieldError error=outcome_error field="outcome_on" />
                <button type="submit" class="secondary">"記錄結果"</button>
            </ActionForm>
        }
    });
    let not_exec_form = facts.can_mark_not_executable.then(|| view! {
        <details open=not_exec_error.get_untracked().is_some()>
            <summary>"認定窒礙難行"</summary>
            <ActionForm action=not_exec attr:class="stacked-form" attr:aria-label="認定窒礙難行">
                <input type="hidden" name="case_id" value=case_id />
                <FormError error=not_exec_error />
                <p class="hint">"記錄已函復議會的理由說明；決議案隨即結案，不再列管。"</p>
                <label for="ne-on">"函復日期"</label>
                <input id="ne-on" name="form[sent_on]" value=kept(not_exec_error, "sent_on") placeholder=example_date() required />
                <FieldError error=not_exec_error field="sent_on" />
                <label for="ne-letter">"發文字號"</label>
                <input id="ne-letter" name="form[letter_number]" value=kept(not_exec_error, "letter_number") maxlength=LETTER_MAX_CHARS.to_string() required />
                <FieldError error=not_exec_error field="letter_number" />
                <label for="ne-reply">"窒礙難行的理由"</label>
                <textarea id="ne-reply" name="form[reply]" rows="4" maxlength=REASON_MAX_CHARS.to_string() required>{crate::escape::raw_child(kept(not_exec_error, "reply"))}</textarea>
                <FieldError error=not_exec_error field="reply" />
                <button type="submit" class="secondary">"認定窒礙難行並結案"</button>
            </ActionForm>
        </details>
    });
    let empty = facts.reconsideration.is_none()
        && facts.not_executable.is_none()
        && !facts.can_ask_reconsideration
        && !facts.can_mark_not_executable;
    (!empty).then(|| {
        view! {
            <section class="panel" aria-labelledby="case-resolution">
                <h2 id="case-resolution">"覆議與執行"</h2>
                {reconsideration}
                {outcome_form}
                {ask_form}
                {not_executable}
                {not_exec_form}
            </section>
        }
    })
}

#[component]
pub fn ExecutionReportsPage() -> impl IntoView {
    view! {
        <PageTitle text="決議案執行情形報告｜府會通" />
        <RequireRole roles=super::server_fns::REPORT_READERS children=|_| view! { <ReportsList /> } />
    }
}

#[component]
fn ReportsList() -> impl IntoView {
    let compile = ServerAction::<CompileReport>::new();
    let error = form_result(compile.value());
    let page = Resource::new(|| (), |_| reports_page());
    view! {
        <h1>"決議案執行情形報告"</h1>
        <p class="hint">"定期會開議前，市府將各會期決議案、附帶決議、議員提案與請願案的最新執行情形彙整送議會。編製後的報告內容固定，可再下載或列印。"</p>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                let page = match page.await {
                    Ok(p) => p,
                    Err(e) => return view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                };
                let next = page.next.clone().map(|n| {
                    let status = match n.compiled {
                        Some(id) => view! { <a href=format!("/resolutions/reports/{id}")>"已編製，查看報告"</a> }.into_any(),
                        None => view! { <strong>"尚未編製"</strong> }.into_any(),
                    };
                    view! {
                        <p class="notice" role="status">
                            {format!("下次定期會：{}，{} 開議；執行情形報告應於 {} 前送達。", n.session, roc_date(n.opens_on), roc_date(n.due_on))}
                            " "
                            {status}
                        </p>
                    }
                });
                let target_kept = match kept(error, "for_session_id") {
                    s if s.is_empty() => page.next.as_ref().map(|n| n.session_id.to_string()).unwrap_or_default(),
                    s => s,
                };
                let sessions_kept = error.get_untracked().map(|e| e.input("session_ids")).unwrap_or_default();
                let form = page.may_compile.then(|| view! {
                    <ActionForm action=compile attr:class="grid-form" attr:aria-label="編製執行情形報告">
                        <FormError error />
                        <label for="er-target">"送交的定期會"</label>
                        <div>
                            <select id="er-target" name="for_session_id" required>
                                {page.targets.iter().map(|(id, name)| view! {
                                    <option value=id.to_string() selected=target_kept == id.to_string()>{name.clone()}</option>
                                }).collect_view()}
                            </select>
                            <FieldError error field="for_session_id" />
                        </div>
                        <span id="er-sessions">"列入的會期"</span>
                        <fieldset class="checks" aria-labelledby="er-sessions">
                            {if page.sessions.is_empty() {
                                view! { <p class="empty">"尚無決議案。"</p> }.into_any()
                            } else {
                                page.sessions.iter().enumerate().map(|(i, (id, name, n))| {
                                    let field = format!("er-s-{id}");
                                    let checked = if sessions_kept.is_empty() { i < 2 } else { sessions_kept.contains(&id.to_string()) };
                                    view! {
                                        <label for=field.clone()>
                                            <input type="checkbox" id=field.clone() name="session_ids[]" value=id.to_string() checked=checked />
                                            {format!("{name}（{n} 案）")}
                                        </label>
                                    }
                                }).collect_view().into_any()
                            }}
                            <FieldError error field="session_ids" />
                        </fieldset>
                        <div></div>
                        <div><button type="submit">"編製報告"</button></div>
                    </ActionForm>
                });
                let list = if page.compiled.is_empty() {
                    view! { <p class="empty">"尚未編製過執行情形報告。"</p> }.into_any()
                } else {
                    view! {
                        <table class="data">
                            <caption class="visually-hidden">"已編製的報告"</caption>
                            <thead><tr><th>"送交會期"</th><th>"應送達"</th><th>"編製"</th><th>"檔案"</th></tr></thead>
                            <tbody>
                                {page.compiled.iter().map(|r| {
                                    let base = format!("/resolutions/reports/{}", r.id);
                                    view! {
                                        <tr>
                                            <td data-label="送交會期"><a href=base.clone()>{r.for_session.clone()}</a></td>
                                            <td data-label="應送達">{roc_date(r.due_on)}</td>
                                            <td data-label="編製">{format!("{} {}", roc_datetime(r.compiled_at), r.compiled_by)}</td>
                                            <td data-label="檔案" class="file-links">
                                                <a href=format!("{base}/report.odt")>"ODT"</a>" "
                                                <a href=format!("{base}/report.pdf")>"PDF"</a>" "
                                                <a href=format!("{base}/report.csv")>"CSV"</a>" "
                                                <a href=format!("{base}/report.xlsx")>"XLSX"</a>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                };
                view! {
                    {next}
                    {form}
                    <h2>"已編製的報告"</h2>
                    {list}
                }.into_any()
            })}
        </Transition>
    }
}

#[component]
pub fn ExecutionReportPage() -> impl IntoView {
    view! {
        <PageTitle text="決議案執行情形報告｜府會通" />
        <RequireRole roles=super::server_fns::REPORT_READERS children=|_| view! { <ReportView /> } />
    }
}

#[component]
fn ReportView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let report = Resource::new(id, execution_report);
    view! {
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match report.await {
                    Ok((r, city)) => view! { <Report report=r city /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Report(report: ExecutionReport, city: crate::city::City) -> impl IntoView {
    let counts = report.counts();
    let base = format!("/resolutions/reports/{}", report.id);
    view! {
        <PageTitle text=format!("{}｜府會通", report.title(&city)) />
        <p class="no-print"><a href="/resolutions/reports">"← 執行情形報告"</a></p>
        <h1>{report.title(&city)}</h1>
        <p>{format!(
            "涵蓋{}；{} 由 {} 編製，應於 {} 前送達。",
            report.content.sessions.join("、"),
            roc_datetime(report.compiled_at),
            report.compiled_by,
            roc_date(report.due_on)
        )}</p>
        <p class="no-print file-links">
            "下載："
            <a href=format!("{base}/report.odt")>"ODT"</a>" "
            <a href=format!("{base}/report.pdf")>"PDF"</a>" "
            <a href=format!("{base}/report.csv")>"CSV"</a>" "
            <a href=format!("{base}/report.xlsx")>"XLSX"</a>
        </p>
        <p>{counts.sentence()}</p>
        {report.content.parts.into_iter().map(|part| {
            let n = part.rows.len();
            view! {
                <section class="panel">
                    <h2>{format!("{}（{n} 案）", part.bureau)}</h2>
                    <table class="data">
                        <thead><tr>
                            <th>"案號"</th><th>"種類"</th><th>"案由"</th><th>"提案議員"</th><th>"執行情形"</th><th>"最新執行情形"</th>
                        </tr></thead>
                        <tbody>
                            {part.rows.into_iter().map(|r| {
                                let latest = match (&r.not_executable_reply, &r.latest) {
                                    (Some(reply), _) => format!("已函復議會：{reply}"),
                                    (None, Some(u)) => u.words(),
                                    (None, None) => "尚無執行情形".to_owned(),
                                };
                                view! {
                                    <tr>
                                        <td data-label="案號"><a href=format!("/cases/{}", r.case_id)>{format!("{} {}", r.session, label(r.number))}</a></td>
                                        <td data-label="種類">{r.kind.label()}</td>
                                        <td data-label="案由">{r.topic}</td>
                                        <td data-label="提案議員">{r.councilors}</td>
                                        <td data-label="執行情形"><span class=format!("tag tag-{}", r.state.as_str())>{r.state.label()}</span></td>
                                        <td data-label="最新執行情形">{latest}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }
        }).collect_view()}
    }
    .into_any()
}
