//! `/meetings`: the meetings and the form to schedule the next; `/meetings/:id`: a
//! scheduled meeting's agenda with the reviewer's decisions, or a held meeting's minutes.
//! Both print cleanly (the forms and the top bar stay off paper).

use super::{
    decision_sentence,
    server_fns::{
        list_meetings, load_meeting, ConfirmMeeting, KeepTheRest, MoveMeeting, RecordDecision,
        ScheduleMeeting,
    },
    AgendaGroup, AgendaItem, AgendaPart, DecisionKind, Meeting, MeetingStatus, Minutes,
};
use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, CurrentUser, Role},
    components::{form_result, kept, ErrorPage, FieldError, FormError, FormProblems},
    dates::{roc_date, roc_datetime},
};
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

const READERS: &[Role] = &[Role::Secretariat, Role::Reviewer, Role::Admin];

#[component]
pub fn MeetingsPage() -> impl IntoView {
    view! {
        <PageTitle text="追蹤會議｜府會通" />
        <RequireRole roles=READERS children=|user| view! { <Meetings user /> } />
    }
}

#[component]
fn Meetings(user: CurrentUser) -> impl IntoView {
    let schedule = ServerAction::<ScheduleMeeting>::new();
    let error = form_result(schedule.value());
    let overview = Resource::new(move || schedule.version().get(), |_| list_meetings());
    let may_schedule = user.role == Role::Secretariat;
    view! {
        <h1>"追蹤會議"</h1>
        <p class="lead">"副秘書長每兩週召開追蹤會議，逐案檢視列管案件的辦理進度，決議繼續列管、解除列管、改由他機關主辦或提報上級。"</p>
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                    Ok(o) => {
                        let scheduled = o.meetings.iter().any(|m| m.status == MeetingStatus::Scheduled);
                        view! {
                            <section class="panel">
                                <h2>"會議"</h2>
                                {if o.meetings.is_empty() {
                                    view! { <p class="empty">"尚未排定任何追蹤會議。"</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="data-table">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"會議日期"</th>
                                                    <th scope="col">"狀態"</th>
                                                    <th scope="col" class="num">"決議案數"</th>
                                                    <th scope="col" class="num">"解除列管"</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {o.meetings.into_iter().map(|m| view! {
                                                    <tr>
                                                        <td><A href=format!("/meetings/{}", m.id)>{format!("{} 追蹤會議", roc_date(m.held_on))}</A></td>
                                                        <td><span class="status">{m.status.label()}</span></td>
                                                        <td class="num">{m.decisions}</td>
                                                        <td class="num">{m.released}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                            </section>
                            {(may_schedule && !scheduled).then(|| view! {
                                <section class="panel no-print">
                                    <h2>"排定下次會議"</h2>
                                    <ActionForm action=schedule attr:class="grid-form" attr:aria-label="排定追蹤會議">
                                        <FormError error />
                                        <FormProblems error />
                                        <label for="meeting-on">"會議日期"</label>
                                        <div>
                                            <input id="meeting-on" name="form[held_on]" value=roc_date(o.suggested_on) required />
                                            <p class="field-hint">"建議日期：上次會議兩週後的工作日。"</p>
                                            <FieldError error field="held_on" />
                                        </div>
                                        <label for="meeting-time">"時間"</label>
                                        <div>
                                            <input id="meeting-time" name="form[starts_at]" value="14:30" placeholder="14:30" />
                                            <FieldError error field="starts_at" />
                                        </div>
                                        <label for="meeting-place">"地點"</label>
                                        <div>
                                            <input id="meeting-place" name="form[place]" value="市政大樓 11 樓第 2 會議室" />
                                        </div>
                                        <label for="meeting-attendees">"出席人員（每行一位）"</label>
                                        <div>
                                            <textarea id="meeting-attendees" name="form[attendees]" rows="6" required>
                                                {crate::escape::raw_child(o.last_attendees.join("\n"))}
                                            </textarea>
                                            <FieldError error field="attendees" />
                                        </div>
                                        <div></div>
                                        <div><button type="submit">"排定會議"</button></div>
                                    </ActionForm>
                                </section>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn MeetingPage() -> impl IntoView {
    view! {
        <PageTitle text="追蹤會議｜府會通" />
        <RequireRole roles=READERS children=|user| view! { <MeetingView user /> } />
    }
}

#[component]
fn MeetingView(user: CurrentUser) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let decide = ServerAction::<RecordDecision>::new();
    let confirm = ServerAction::<ConfirmMeeting>::new();
    let mover = ServerAction::<MoveMeeting>::new();
    let keep = ServerAction::<KeepTheRest>::new();
    let meeting = Resource::new(
        move || {
            (
                params.get().get("id").and_then(|id| id.parse::<i64>().ok()),
                query
                    .get()
                    .get("bureau")
                    .and_then(|b| b.parse::<i64>().ok()),
                query
                    .get()
                    .get("page")
                    .and_then(|p| p.parse::<usize>().ok()),
                decide.version().get()
                    + confirm.version().get()
                    + mover.version().get()
                    + keep.version().get(),
            )
        },
        |(id, bureau, page, _)| async move {
            match id {
                Some(id) => load_meeting(id, bureau, page).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let reviewer = user.role == Role::Reviewer;
    let secretariat = user.role == Role::Secretariat;
    view! {
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match meeting.await {
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                    Ok(m) => {
                        let movable = secretariat && m.status == MeetingStatus::Scheduled;
                        let move_form = movable.then(|| {
                            view! { <MoveMeetingForm id=m.id held_on=m.held_on starts_at=m.starts_at.clone() mover /> }
                        });
                        view! {
                            <MeetingBody m reviewer decide confirm keep />
                            {move_form}
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The secretariat moves a scheduled meeting (to today, when it is held early).
#[component]
fn MoveMeetingForm(
    id: i64,
    held_on: chrono::NaiveDate,
    starts_at: String,
    mover: ServerAction<MoveMeeting>,
) -> impl IntoView {
    let error = form_result(mover.value());
    view! {
        <section class="panel no-print" aria-labelledby="move-heading">
            <h2 id="move-heading">"變更會議日期"</h2>
            <ActionForm action=mover attr:class="grid-form" attr:aria-label="變更會議日期">
                <FormError error />
                <input type="hidden" name="meeting_id" value=id />
                <label for="move-on">"會議日期"</label>
                <div>
                    <input id="move-on" name="form[held_on]" value=roc_date(held_on) required />
                    <p class="field-hint">"會議日當天起，副秘書長才能確認決議並產生會議紀錄。"</p>
                    <FieldError error field="held_on" />
                </div>
                <label for="move-time">"時間"</label>
                <div>
                    <input id="move-time" name="form[starts_at]" value=starts_at placeholder="14:30" />
                    <FieldError error field="starts_at" />
                </div>
                <div></div>
                <div><button type="submit" class="secondary">"變更日期"</button></div>
            </ActionForm>
        </section>
    }
}

#[component]
fn MeetingBody(
    m: Meeting,
    reviewer: bool,
    decide: ServerAction<RecordDecision>,
    confirm: ServerAction<ConfirmMeeting>,
    keep: ServerAction<KeepTheRest>,
) -> impl IntoView {
    let title = format!("{} 追蹤會議", roc_date(m.held_on));
    let when = if m.starts_at.is_empty() {
        roc_date(m.held_on)
    } else {
        format!("{} {}", roc_date(m.held_on), m.starts_at)
    };
    let facts = view! {
        <dl class="facts">
            <dt>"時間"</dt>
            <dd>{when}</dd>
            <dt>"地點"</dt>
            <dd>{if m.place.is_empty() { "—".to_owned() } else { m.place.clone() }}</dd>
            <dt>"出席"</dt>
            <dd>{m.attendees.join("、")}</dd>
            <dt>"狀態"</dt>
            <dd><span class="status">{m.status.label()}</span></dd>
        </dl>
    };
    let body = match (m.status, m.minutes.clone()) {
        (MeetingStatus::Held, Some(minutes)) => {
            view! { <MinutesView id=m.id minutes /> }.into_any()
        }
        _ => view! { <AgendaView m=m.clone() reviewer decide confirm keep /> }.into_any(),
    };
    view! {
        <PageTitle text=format!("{title}｜府會通") />
        <p class="no-print"><A href="/meetings">"← 追蹤會議"</A></p>
        <h1>{title}</h1>
        <section class="panel">{facts}</section>
        {body}
    }
}

fn marks(item: &AgendaItem) -> impl IntoView {
    view! {
        {item.overdue.then(|| view! { <span class="tag tag-overdue">"逾期"</span> })}
        {item.no_progress.then(|| view! { <span class="tag tag-urgent">"未提報進度"</span> })}
        {item.case.escalated.then(|| view! { <span class="tag">"已提報上級"</span> })}
    }
}

#[component]
fn AgendaView(
    m: Meeting,
    reviewer: bool,
    decide: ServerAction<RecordDecision>,
    confirm: ServerAction<ConfirmMeeting>,
    keep: ServerAction<KeepTheRest>,
) -> impl IntoView {
    let decide_error = form_result(decide.value());
    let keep_error = form_result(keep.value());
    let next_check_on = m.next_check_on;
    let confirm_error = form_result(confirm.value());
    let open: usize = m.parts.iter().map(|p| p.undecided).sum();
    let total: usize = m.parts.iter().map(|p| p.cases).sum();
    let id = m.id;
    let contents = m
        .shown
        .map(|shown| view! { <AgendaContents id parts=m.parts.clone() shown /> }.into_any());
    // A page of a bureau's part: the heading counts the whole part, and a pager follows.
    let part = m
        .shown
        .and_then(|b| m.parts.iter().find(|p| p.bureau_id == b))
        .map(|p| (p.bureau_id, p.cases));
    let (page, pages) = (m.part_page, m.part_pages);
    let pager = part.filter(|_| pages > 1).map(|(bureau, _)| {
        let href = move |n: usize| format!("/meetings/{id}?bureau={bureau}&page={n}");
        view! {
            <nav class="pager no-print" aria-label="分頁">
                <span>{format!("第 {page} / {pages} 頁")}</span>
                {(page > 1).then(|| view! { <a href=href(page - 1)>"上一頁"</a> })}
                {(page < pages).then(|| view! { <a href=href(page + 1)>"下一頁"</a> })}
            </nav>
        }
        .into_any()
    });
    let (confirmable, held_on) = (m.confirmable, m.held_on);
    let bureaus = m.bureaus.clone();
    view! {
        <section class="panel" aria-labelledby="agenda-heading">
            <div class="panel-head">
                <h2 id="agenda-heading">{format!("議程：列管案件 {total} 案")}</h2>
                <p class="no-print">
                    <a href=format!("/meetings/{id}/agenda.odt") download>"下載議程（ODT）"</a>
                </p>
            </div>
            <p class="muted">"依主辦機關分組；逾期與未提報進度的案件排在各機關最前面。"</p>
            {contents}
            <FormError error=decide_error />
            {(total == 0).then(|| view! { <p class="empty">"目前沒有列管中的案件。"</p> })}
            {m
                .agenda
                .into_iter()
                .map(|group| {
                    let count = part.map_or(group.items.len(), |(_, cases)| cases);
                    view! { <AgendaGroupView group count id reviewer decide bureaus=bureaus.clone() next_check_on /> }.into_any()
                })
                .collect_view()}
            {pager}
        </section>
        {reviewer.then(|| view! {
            <section class="panel no-print" aria-labelledby="confirm-heading">
                <h2 id="confirm-heading">"確認會議決議"</h2>
                <p>
                    {if open == 0 {
                        "每一案都已有決議。確認後，決議一次生效並通知各機關；會議紀錄隨即產生，之後不能再修改。".to_owned()
                    } else {
                        format!("尚有 {open} 案未作成決議。")
                    }}
                </p>
                {(open > 0).then(|| {
                    let typed_on = kept(keep_error, "next_check_on");
                    let typed_remark = kept(keep_error, "remark");
                    view! {
                        <ActionForm action=keep attr:class="stacked-form" attr:aria-label="其餘案件繼續列管">
                            <input type="hidden" name="meeting_id" value=id />
                            <label for="keep-rest-on">"下次檢視日期"</label>
                            <input
                                id="keep-rest-on"
                                name="next_check_on"
                                value=if typed_on.is_empty() { roc_date(next_check_on) } else { typed_on }
                                required
                            />
                            <FieldError error=keep_error field="next_check_on" />
                            <label for="keep-rest-remark">"決議說明"</label>
                            <input
                                id="keep-rest-remark"
                                name="remark"
                                maxlength="500"
                                value=if typed_remark.is_empty() { super::KEEP_ALL_REMARK.to_owned() } else { typed_remark }
                                required
                            />
                            <FieldError error=keep_error field="remark" />
                            <FormError error=keep_error />
                            <button type="submit" class="secondary">{format!("其餘 {open} 案一律繼續列管")}</button>
                        </ActionForm>
                    }
                })}
                {if confirmable {
                    view! {
                        <ActionForm action=confirm attr:class="inline-form" attr:aria-label="確認會議決議">
                            <input type="hidden" name="meeting_id" value=id />
                            <FormError error=confirm_error />
                            <button type="submit">"確認決議並產生會議紀錄"</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <p class="field-hint">
                            {format!("會議日（{}）當天起才能確認決議；決議可先記錄。會議提前舉行時，請秘書處先變更會議日期。", roc_date(held_on))}
                        </p>
                    }.into_any()
                }}
            </section>
        }.into_any())}
    }
}

/// A long agenda's table of contents: each bureau's cases and those still undecided, the
/// shown one marked; the agenda is read a bureau at a time.
#[component]
fn AgendaContents(id: i64, parts: Vec<AgendaPart>, shown: i64) -> impl IntoView {
    view! {
        <nav class="agenda-parts no-print" aria-label="議程各機關">
            <p>"議程較長，依主辦機關分頁；完整議程請下載 ODT。"</p>
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"主辦機關"</th>
                        <th scope="col" class="num">"案件"</th>
                        <th scope="col" class="num">"未決議"</th>
                    </tr>
                </thead>
                <tbody>
                    {parts
                        .into_iter()
                        .map(|p| {
                            let current = (p.bureau_id == shown).then_some("page");
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!("/meetings/{id}?bureau={}", p.bureau_id) aria-current=current>
                                            {p.bureau}
                                        </a>
                                    </td>
                                    <td class="num">{p.cases}</td>
                                    <td class="num">{p.undecided}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </nav>
    }
}

#[component]
fn AgendaGroupView(
    group: AgendaGroup,
    /// The bureau's cases on the agenda (more than `group` holds on a page of them).
    count: usize,
    id: i64,
    reviewer: bool,
    decide: ServerAction<RecordDecision>,
    bureaus: Vec<(i64, String)>,
    next_check_on: chrono::NaiveDate,
) -> impl IntoView {
    let heading = format!("{}（{count} 案）", group.bureau);
    view! {
        <h3>{heading}</h3>
        <table class="data-table agenda">
            <thead>
                <tr>
                    <th scope="col">"案件"</th>
                    <th scope="col">"最新進度"</th>
                    <th scope="col">"決議"</th>
                </tr>
            </thead>
            <tbody>
                {group
                    .items
                    .into_iter()
                    .map(|item| {
                        let case_id = item.case.id;
                        let latest = match (&item.case.last_report, item.case.last_report_at) {
                            (Some(text), Some(at)) => format!("{}：{text}", roc_datetime(at)),
                            _ => "尚無進度報告".to_owned(),
                        };
                        let expected = item
                            .case
                            .expected_on
                            .map(|on| format!("預計 {} 完成", roc_date(on)));
                        let recorded = item.decision.clone().map(|d| {
                            let new_bureau = d
                                .bureau_id
                                .and_then(|b| bureaus.iter().find(|(i, _)| *i == b))
                                .map(|(_, n)| n.clone());
                            format!(
                                "{}：{}",
                                decision_sentence(d.kind, d.next_check_on, new_bureau.as_deref()),
                                d.remark
                            )
                        });
                        let label = item.case.label();
                        let form_case = label.clone();
                        view! {
                            <tr class:overdue=item.overdue>
                                <td>
                                    <A href=format!("/cases/{case_id}")>{label.clone()}</A>
                                    " "
                                    {item.case.topic.clone()}
                                    {marks(&item)}
                                </td>
                                <td>
                                    {latest}
                                    {expected.map(|e| view! { <br /><span class="muted">{e}</span> })}
                                </td>
                                <td>
                                    {recorded.clone().map(|r| view! { <p class="decision">{r}</p> })}
                                    {reviewer.then(|| view! {
                                        <DecisionFormView id case_id label=form_case.clone() decide bureaus=bureaus.clone() has=recorded.is_some() next_check_on />
                                    }.into_any())}
                                    {(!reviewer && recorded.is_none()).then(|| view! { <span class="muted">"尚未決議"</span> })}
                                </td>
                            </tr>
                        }
                        .into_any()
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn DecisionFormView(
    id: i64,
    case_id: i64,
    label: String,
    decide: ServerAction<RecordDecision>,
    bureaus: Vec<(i64, String)>,
    has: bool,
    next_check_on: chrono::NaiveDate,
) -> impl IntoView {
    let error = form_result(decide.value());
    let field = move |name: &'static str| format!("decision-{case_id}-{name}");
    let form_label = format!("{label}的決議");
    view! {
        <details class="no-print" open=!has>
            <summary>{if has { "修改決議" } else { "作成決議" }}</summary>
            <ActionForm action=decide attr:class="stacked-form decision-form" attr:aria-label=form_label>
                <input type="hidden" name="meeting_id" value=id />
                <input type="hidden" name="case_id" value=case_id />
                <label for=field("kind")>"決議"</label>
                <select id=field("kind") name="form[decision]">
                    {DecisionKind::ALL
                        .iter()
                        .map(|k| view! { <option value=k.as_str()>{k.label()}</option> })
                        .collect_view()}
                </select>
                <label for=field("next")>"下次檢視日期（繼續列管）"</label>
                <input id=field("next") name="form[next_check_on]" value=roc_date(next_check_on) />
                <label for=field("bureau")>"改由主辦機關（改分）"</label>
                <select id=field("bureau") name="form[bureau_id]">
                    <option value="">"—"</option>
                    {bureaus
                        .iter()
                        .map(|(b, n)| view! { <option value=b.to_string()>{n.clone()}</option> })
                        .collect_view()}
                </select>
                <label for=field("remark")>"決議說明"</label>
                <input id=field("remark") name="form[remark]" maxlength="500" required />
                {move || {
                    error
                        .get()
                        .and_then(|e| {
                            ["decision", "next_check_on", "bureau_id", "remark"]
                                .iter()
                                .find_map(|f| e.field_message(f))
                        })
                        .map(|m| view! { <p class="field-error">{m}</p> })
                }}
                <button type="submit" class="secondary">"儲存決議"</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn MinutesView(id: i64, minutes: Minutes) -> impl IntoView {
    let released = minutes
        .released()
        .into_iter()
        .map(|(b, i)| (b.to_owned(), i.label.clone(), i.topic.clone(), i.case_id))
        .collect::<Vec<_>>();
    let counts = minutes.counts_sentence();
    view! {
        <section class="panel" aria-labelledby="minutes-heading">
            <div class="panel-head">
                <h2 id="minutes-heading">"會議紀錄"</h2>
                <p class="no-print">
                    <a href=format!("/meetings/{id}/minutes.odt") download>"下載會議紀錄（ODT）"</a>
                </p>
            </div>
            <p>{format!("決議：{counts}。由 {} 於 {} 確認。", minutes.confirmed_by, roc_datetime(minutes.confirmed_at))}</p>
            {minutes
                .groups
                .into_iter()
                .map(|g| view! {
                    <h3>{g.bureau}</h3>
                    <table class="data-table minutes">
                        <thead>
                            <tr>
                                <th scope="col">"案件"</th>
                                <th scope="col">"辦理情形"</th>
                                <th scope="col">"決議"</th>
                                <th scope="col">"說明"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {g.items.into_iter().map(|i| view! {
                                <tr>
                                    <td><A href=format!("/cases/{}", i.case_id)>{i.label}</A>" "{i.topic}</td>
                                    <td>{i.progress.unwrap_or_else(|| "尚無進度報告".to_owned())}</td>
                                    <td>{decision_sentence(i.decision, i.next_check_on, i.new_bureau.as_deref())}</td>
                                    <td>{i.remark}</td>
                                </tr>
                            }.into_any()).collect_view()}
                        </tbody>
                    </table>
                }.into_any())
                .collect_view()}
            <h3>"解除列管案件"</h3>
            {if released.is_empty() {
                view! { <p class="empty">"本次會議未解除列管任何案件。"</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {released.into_iter().map(|(b, label, topic, case_id)| view! {
                            <li><A href=format!("/cases/{case_id}")>{label}</A>" "{topic}"（"{b}"）"</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p class="signatures">"主席：＿＿＿＿＿＿＿＿　　紀錄：＿＿＿＿＿＿＿＿"</p>
        </section>
    }
}
