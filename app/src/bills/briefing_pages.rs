//! The caucus briefings: the session's list with the form that schedules one, a briefing's
//! page (its bills, the pack, the caucus's positions and asks, an ask made a data request),
//! and the pack as a page to print.

use super::{
    pages::session_chooser,
    server_fns::{
        briefing_pack, briefing_page, briefings_page, AddBriefingAsk, ChooseBriefingBills,
        FileBriefingAsk, RecordBriefingOutcome, ScheduleBriefing,
    },
    Briefing, BriefingStatus, Position, ASK_MAX_CHARS, BRIEFING_READERS, NOTE_MAX_CHARS,
    SHORT_MAX_CHARS,
};
use crate::{
    components::{
        form_result, kept, DocumentView, ErrorPage, FieldError, FormError, FormProblems,
        FormResult, PageTitle,
    },
    dates::{example_date, roc_date},
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn BriefingsPage() -> impl IntoView {
    view! {
        <PageTitle text="黨團報告｜府會通" />
        <RequireRole roles=BRIEFING_READERS children=|_| view! { <BriefingsList /> } />
    }
}

use crate::auth::guard::RequireRole;

#[component]
fn BriefingsList() -> impl IntoView {
    let query = use_query_map();
    let schedule = ServerAction::<ScheduleBriefing>::new();
    let error = form_result(schedule.value());
    let session = move || query.with(|q| q.get("session").and_then(|s| s.parse::<i64>().ok()));
    let page = Resource::new(session, briefings_page);
    view! {
        <div class="page-head"><h1>"黨團報告"</h1></div>
        <p class="lead">"每會期安排市長率相關局處首長向各黨團報告重大議法案，爭取支持；報告後記錄黨團對各案的態度與要求。"</p>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || Suspend::new(async move {
                let p = match page.await {
                    Ok(p) => p,
                    Err(e) => return view! { <ErrorPage error=e /> }.into_any(),
                };
                let list = if p.briefings.is_empty() {
                    view! { <p class="empty">"這個會期尚未排定黨團報告。"</p> }.into_any()
                } else {
                    view! {
                        <table class="data-table case-table">
                            <caption class="visually-hidden">"本會期黨團報告"</caption>
                            <thead><tr>
                                <th scope="col">"黨團"</th><th scope="col">"時間"</th><th scope="col">"地點"</th>
                                <th scope="col">"狀態"</th><th scope="col">"議案"</th><th scope="col">"待處理要求"</th>
                            </tr></thead>
                            <tbody>
                                {p.briefings.iter().map(|b| view! {
                                    <tr>
                                        <td data-label="黨團"><a href=format!("/briefings/{}", b.id)>{b.caucus.clone()}</a></td>
                                        <td data-label="時間">{format!("{} {}", roc_date(b.held_on), b.starts_at)}</td>
                                        <td data-label="地點">{b.place.clone()}</td>
                                        <td data-label="狀態">{b.status.label()}</td>
                                        <td data-label="議案" class="num">{b.bills}</td>
                                        <td data-label="待處理要求" class="num">{b.asks_open}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                };
                let caucus_kept = kept(error, "caucus");
                let form = p.may_write.then(|| view! {
                    <section class="panel" aria-labelledby="schedule-title">
                        <h2 id="schedule-title">"排定黨團報告"</h2>
                        <ActionForm action=schedule attr:class="grid-form" attr:aria-label="排定黨團報告">
                            <FormError error />
                            <FormProblems error />
                            <input type="hidden" name="form[session_id]" value=p.session_id.to_string() />
                            <label for="br-caucus">"黨團"</label>
                            <div>
                                <select id="br-caucus" name="form[caucus]" required>
                                    <option value="">"請選擇"</option>
                                    {p.caucuses.iter().map(|c| view! { <option value=c.clone() selected=caucus_kept == *c>{c.clone()}</option> }).collect_view()}
                                </select>
                                <FieldError error field="caucus" />
                            </div>
                            <label for="br-day">"日期"</label>
                            <div>
                                <input id="br-day" name="form[held_on]" type="text" inputmode="numeric" required placeholder=example_date() value=kept(error, "held_on") />
                                <FieldError error field="held_on" />
                            </div>
                            <label for="br-time">"時間"</label>
                            <div>
                                <input id="br-time" name="form[starts_at]" type="text" inputmode="numeric" placeholder="14:30" value=kept(error, "starts_at") />
                                <FieldError error field="starts_at" />
                            </div>
                            <label for="br-place">"地點"</label>
                            <div>
                                <input id="br-place" name="form[place]" type="text" maxlength=SHORT_MAX_CHARS value=kept(error, "place") />
                                <FieldError error field="place" />
                            </div>
                            <label for="br-attendees">"出席人員"</label>
                            <div>
                                <textarea id="br-attendees" name="form[attendees]" rows="2" maxlength=NOTE_MAX_CHARS placeholder="市長、相關局處首長">{crate::escape::raw_child(kept(error, "attendees"))}</textarea>
                                <FieldError error field="attendees" />
                            </div>
                            <div></div>
                            <div><button type="submit">"排定"</button></div>
                        </ActionForm>
                    </section>
                });
                view! {
                    {session_chooser("/briefings", &p.sessions, p.session_id)}
                    <h2>{p.session.clone()}</h2>
                    <p class="no-print"><a href=format!("/bills?session={}", p.session_id)>"本會期議法案"</a></p>
                    {list}
                    {form}
                }.into_any()
            })}
        </Transition>
    }
}

#[component]
pub fn BriefingPage() -> impl IntoView {
    view! {
        <PageTitle text="黨團報告｜府會通" />
        <RequireRole roles=BRIEFING_READERS children=|_| view! { <BriefingView /> } />
    }
}

#[component]
fn BriefingView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let choose = ServerAction::<ChooseBriefingBills>::new();
    let outcome = ServerAction::<RecordBriefingOutcome>::new();
    let ask = ServerAction::<AddBriefingAsk>::new();
    let file = ServerAction::<FileBriefingAsk>::new();
    let actions = Actions {
        choose,
        choose_error: form_result(choose.value()),
        outcome,
        outcome_error: form_result(outcome.value()),
        ask,
        ask_error: form_result(ask.value()),
        file,
        file_error: form_result(file.value()),
    };
    let briefing = Resource::new(
        move || {
            (
                id(),
                choose.version().get() + outcome.version().get() + ask.version().get(),
            )
        },
        |(id, _)| briefing_page(id),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || Suspend::new(async move {
                match briefing.await {
                    Ok((b, _)) => view! { <BriefingDetail briefing=b actions /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    choose: ServerAction<ChooseBriefingBills>,
    choose_error: FormResult,
    outcome: ServerAction<RecordBriefingOutcome>,
    outcome_error: FormResult,
    ask: ServerAction<AddBriefingAsk>,
    ask_error: FormResult,
    file: ServerAction<FileBriefingAsk>,
    file_error: FormResult,
}

#[component]
fn BriefingDetail(briefing: Briefing, actions: Actions) -> impl IntoView {
    let b = &briefing;
    let id = b.id;
    let base = format!("/briefings/{}", b.id);
    let held = b.status == BriefingStatus::Held;
    let presented: Vec<i64> = b.bills.iter().map(|p| p.bill.id).collect();
    let choose_error = actions.choose_error;
    let choose_form = (b.may_write && !held).then(|| {
        let options = if b.major_bills.is_empty() {
            view! { <p class="empty">"這個會期尚未標記重大議案；請先在議案頁列為重大議案。"</p> }.into_any()
        } else {
            b.major_bills.iter().map(|m| {
                let field = format!("bb-{}", m.id);
                view! {
                    <label for=field.clone()>
                        <input type="checkbox" id=field.clone() name="bill_ids[]" value=m.id.to_string() checked=presented.contains(&m.id) />
                        {format!("{}（{}，{}）", m.title, m.bureau, m.stage.label())}
                    </label>
                }
            }).collect_view().into_any()
        };
        view! {
            <section class="panel no-print" aria-labelledby="choose-title">
                <h2 id="choose-title">"報告的議案"</h2>
                <ActionForm action=actions.choose attr:aria-label="選定報告的議案">
                    <FormError error=choose_error />
                    <input type="hidden" name="briefing_id" value=id.to_string() />
                    <fieldset class="checks" aria-labelledby="choose-title">
                        {options}
                        <FieldError error=choose_error field="bill_ids" />
                    </fieldset>
                    <button type="submit">"儲存報告的議案"</button>
                </ActionForm>
            </section>
        }
    });
    let outcome_error = actions.outcome_error;
    let position_rows = b
        .bills
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let field = format!("pos-{i}");
            let chosen = p.position.map(|p| p.as_str()).unwrap_or("");
            view! {
                <label for=field.clone()>{p.bill.title.clone()}</label>
                <div>
                    <input type="hidden" name="bill_ids[]" value=p.bill.id.to_string() />
                    <select id=field name="positions[]" required>
                        <option value="">"請選擇"</option>
                        {Position::ALL.iter().map(|o| view! { <option value=o.as_str() selected=chosen == o.as_str()>{o.label()}</option> }).collect_view()}
                    </select>
                </div>
            }
        })
        .collect_view();
    let outcome_note = b.outcome_note.clone();
    let outcome_form = (b.may_write && !b.bills.is_empty()).then(|| view! {
        <section class="panel no-print" aria-labelledby="outcome-title">
            <h2 id="outcome-title">{if held { "修正黨團態度" } else { "記錄報告結果" }}</h2>
            <ActionForm action=actions.outcome attr:class="grid-form" attr:aria-label="記錄報告結果">
                <FormError error=outcome_error />
                <input type="hidden" name="briefing_id" value=id.to_string() />
                {position_rows}
                <label for="outcome-note">"報告紀要"</label>
                <div>
                    <textarea id="outcome-note" name="note" rows="3" maxlength=NOTE_MAX_CHARS>{crate::escape::raw_child(outcome_note)}</textarea>
                    <FieldError error=outcome_error field="positions" />
                    <FieldError error=outcome_error field="note" />
                </div>
                <div></div>
                <div><button type="submit">"儲存"</button></div>
            </ActionForm>
        </section>
    });
    let ask_error = actions.ask_error;
    let ask_form = (b.may_write && held).then(|| {
        let bill_kept = kept(ask_error, "bill_id");
        let bill_options = b
            .bills
            .iter()
            .map(|p| view! { <option value=p.bill.id.to_string() selected=bill_kept == p.bill.id.to_string()>{p.bill.title.clone()}</option> })
            .collect_view();
        let ask_kept = kept(ask_error, "ask");
        view! {
            <ActionForm action=actions.ask attr:class="grid-form no-print" attr:aria-label="記錄黨團的要求">
                <FormError error=ask_error />
                <input type="hidden" name="briefing_id" value=id.to_string() />
                <label for="ask-bill">"關於議案"</label>
                <div>
                    <select id="ask-bill" name="bill_id">
                        <option value="">"（整體）"</option>
                        {bill_options}
                    </select>
                    <FieldError error=ask_error field="bill_id" />
                </div>
                <label for="ask-text">"要求"</label>
                <div>
                    <textarea id="ask-text" name="ask" rows="2" required maxlength=ASK_MAX_CHARS>{crate::escape::raw_child(ask_kept)}</textarea>
                    <FieldError error=ask_error field="ask" />
                </div>
                <div></div>
                <div><button type="submit">"記錄要求"</button></div>
            </ActionForm>
        }
    });
    let file_error = actions.file_error;
    let asks = if b.asks.is_empty() {
        view! { <p class="empty">"尚無黨團要求。"</p> }.into_any()
    } else {
        view! {
            <ul class="asks">
                {b.asks.iter().map(|a| {
                    let about = a.bill_title.clone().map(|t| format!("（{t}）")).unwrap_or_default();
                    let action = match a.case_id {
                        Some(case) => view! { <a href=format!("/cases/{case}")>"已轉為索資案件"</a> }.into_any(),
                        None if b.may_write => {
                            let field = format!("ask-councilor-{}", a.id);
                            let ask_id = a.id;
                            let councilors = b
                                .councilors
                                .iter()
                                .map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> })
                                .collect_view();
                            view! {
                                <ActionForm action=actions.file attr:class="inline-form no-print" attr:aria-label="轉為索資案件">
                                    <input type="hidden" name="briefing_id" value=id.to_string() />
                                    <input type="hidden" name="ask_id" value=ask_id.to_string() />
                                    <label for=field.clone()>"提出議員"</label>
                                    <select id=field name="councilor_id" required>
                                        <option value="">"請選擇"</option>
                                        {councilors}
                                    </select>
                                    <button type="submit" class="secondary">"轉為索資案件"</button>
                                </ActionForm>
                            }.into_any()
                        }
                        None => view! { <span>"尚未處理"</span> }.into_any(),
                    };
                    view! { <li><span class="doc-text">{a.ask.clone()}</span>{about}" "{action}</li> }
                }).collect_view()}
            </ul>
            <FieldError error=file_error field="councilor_id" />
            <FormError error=file_error />
        }.into_any()
    };
    view! {
        <PageTitle text=format!("{}黨團報告｜府會通", b.caucus) />
        <p class="no-print"><a href=format!("/briefings?session={}", b.session_id)>"← 黨團報告"</a></p>
        <h1>{format!("{}黨團報告", b.caucus)}</h1>
        <dl class="facts">
            <dt>"會期"</dt><dd>{b.session.clone()}</dd>
            <dt>"時間"</dt><dd>{b.when()}</dd>
            <dt>"地點"</dt><dd>{if b.place.is_empty() { "—".to_owned() } else { b.place.clone() }}</dd>
            <dt>"出席"</dt><dd>{if b.attendees.is_empty() { "—".to_owned() } else { b.attendees.clone() }}</dd>
            <dt>"狀態"</dt><dd>{b.status.label()}</dd>
        </dl>
        {(!b.bills.is_empty()).then(|| view! {
            <p class="file-links no-print">"報告資料："
                <a href=format!("{base}/pack")>"列印"</a>" "
                <a href=format!("{base}/pack.odt")>"ODT"</a>" "
                <a href=format!("{base}/pack.pdf")>"PDF"</a>
            </p>
        })}
        <h2>"議案與黨團態度"</h2>
        {if b.bills.is_empty() {
            view! { <p class="empty">"尚未選定報告的議案。"</p> }.into_any()
        } else {
            view! {
                <table class="data-table">
                    <caption class="visually-hidden">"報告的議案"</caption>
                    <thead><tr><th scope="col">"案名"</th><th scope="col">"主辦機關"</th><th scope="col">"審議進度"</th><th scope="col">"黨團態度"</th></tr></thead>
                    <tbody>
                        {b.bills.iter().map(|p| view! {
                            <tr>
                                <td data-label="案名"><a href=format!("/bills/{}", p.bill.id)>{p.bill.title.clone()}</a></td>
                                <td data-label="主辦機關">{p.bill.bureau.clone()}</td>
                                <td data-label="審議進度">{format!("{} {}", p.bill.stage.label(), roc_date(p.bill.stage_on))}</td>
                                <td data-label="黨團態度">{p.position.map_or("—", |p| p.label())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {(!b.outcome_note.is_empty()).then(|| view! { <h2>"報告紀要"</h2><p class="doc-text">{b.outcome_note.clone()}</p> })}
        {choose_form}
        {outcome_form}
        <h2>"黨團的要求"</h2>
        {asks}
        {ask_form}
    }
}

#[component]
pub fn BriefingPackPage() -> impl IntoView {
    view! {
        <PageTitle text="黨團報告資料｜府會通" />
        <RequireRole roles=BRIEFING_READERS children=|_| view! { <Pack /> } />
    }
}

#[component]
fn Pack() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let pack = Resource::new(id, briefing_pack);
    view! {
        <p class="no-print"><a href=move || format!("/briefings/{}", id())>"← 黨團報告"</a></p>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match pack.await {
                    Ok(doc) => view! { <PageTitle text=format!("{}｜府會通", doc.title) /><DocumentView doc /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}
