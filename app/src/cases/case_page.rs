//! One case: what was asked, who holds it, the answer as it grows, the steps the viewer may
//! take now, and the timeline of everything that happened.

use super::{
    events::render,
    pages::SimilarCases,
    server_fns::{
        load_case, AcceptPart, AddCoBureau, AssignCase, OverrideDue, Postpone, ReassignPart,
        RejectPart, ReportProgress, SaveReply, TakeStep, WriteSubAnswer,
    },
    upload::DeliveryForm,
    workflow::Action,
    CaseDetail, CaseKind, CaseStatus, PartRole, PartState, LONG_TEXT_MAX_CHARS,
};
use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, Role},
    components::{form_result, kept, ErrorPage, FieldError, FormError},
    dates::{roc_date, roc_datetime},
    error::AppError,
    i18n::Lang,
    islands::editor::TextEditor,
    reference::server_fns::load_choices,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CasePage() -> impl IntoView {
    view! {
        <PageTitle text="案件｜府會通" />
        <RequireRole roles=&Role::ALL children=|_| view! { <CaseView /> } />
    }
}

/// Every form on the page, created once so a refused form keeps its message and a
/// successful one reloads the case.
#[derive(Clone, Copy)]
struct Forms {
    assign: ServerAction<AssignCase>,
    add_co: ServerAction<AddCoBureau>,
    reassign: ServerAction<ReassignPart>,
    accept: ServerAction<AcceptPart>,
    reject: ServerAction<RejectPart>,
    sub_answer: ServerAction<WriteSubAnswer>,
    reply: ServerAction<SaveReply>,
    step: ServerAction<TakeStep>,
    due: ServerAction<OverrideDue>,
    postpone: ServerAction<Postpone>,
    progress: ServerAction<ReportProgress>,
}

impl Forms {
    fn new() -> Self {
        Self {
            assign: ServerAction::new(),
            add_co: ServerAction::new(),
            reassign: ServerAction::new(),
            accept: ServerAction::new(),
            reject: ServerAction::new(),
            sub_answer: ServerAction::new(),
            reply: ServerAction::new(),
            step: ServerAction::new(),
            due: ServerAction::new(),
            postpone: ServerAction::new(),
            progress: ServerAction::new(),
        }
    }

    fn version(&self) -> usize {
        self.assign.version().get()
            + self.add_co.version().get()
            + self.reassign.version().get()
            + self.accept.version().get()
            + self.reject.version().get()
            + self.sub_answer.version().get()
            + self.reply.version().get()
            + self.step.version().get()
            + self.due.version().get()
            + self.postpone.version().get()
            + self.progress.version().get()
    }
}

#[component]
fn CaseView() -> impl IntoView {
    let params = use_params_map();
    let forms = Forms::new();
    let case = Resource::new(
        move || {
            (
                params.get().get("id").and_then(|id| id.parse::<i64>().ok()),
                forms.version(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => load_case(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let bureaus = Resource::new(|| (), |_| load_choices());
    view! {
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match case.await {
                    Ok(case) => {
                        let bureaus = bureaus.await.map(|c| c.bureaus).unwrap_or_default();
                        view! { <CaseBody case bureaus forms /> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The bureaus to choose from, `selected` (an id, as typed before a refusal or as
/// suggested) chosen.
pub(crate) fn bureau_options(
    bureaus: &[(i64, String)],
    placeholder: &'static str,
    selected: &str,
) -> impl IntoView {
    view! {
        <option value="">{placeholder}</option>
        {bureaus
            .iter()
            .map(|(id, name)| {
                let id = id.to_string();
                let chosen = id == selected;
                view! { <option value=id selected=chosen>{name.clone()}</option> }
            })
            .collect_view()}
    }
}

/// The name a refused delivery upload is flashed under.
pub const DELIVERY_FORM: &str = "deliveries";

use crate::{
    background::pages::BackgroundPanel,
    corrections::pages::CorrectionPanel,
    filings::pages::FilingPanel,
    grouping::pages::{ShareOffers, SharedPanel},
    interim::pages::InterimPanel,
    letters::pages::LetterPanel,
    promises::pages::PromisePanel,
    resolutions::pages::{ResolutionFactRows, ResolutionPanel},
    service::pages::{ServiceFactRows, Visits},
};

#[component]
fn CaseBody(case: CaseDetail, bureaus: Vec<(i64, String)>, forms: Forms) -> impl IntoView {
    let label = super::case_label(case.kind, case.number);
    let title = format!("{label}｜{}｜府會通", case.topic);
    // The upload is a plain form post to the server's own handler; a refusal comes back
    // in the session (see the server's `flash`).
    let flashed = crate::error::flashed_error(DELIVERY_FORM);
    let delivery_error = move || {
        flashed
            .clone()
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    let meta = match case.kind {
        CaseKind::Question => {
            let (sitting, day) = case.sitting.clone().unwrap_or_default();
            view! {
                <dt>"質詢類別"</dt>
                <dd>{sitting}</dd>
                <dt>"質詢日期"</dt>
                <dd>{roc_date(day)}</dd>
            }
            .into_any()
        }
        CaseKind::Service => view! {
            <dt>"收件時間"</dt>
            <dd>{case.received_at.map(roc_datetime).unwrap_or_default()}</dd>
            {case.service.clone().map(|facts| view! { <ServiceFactRows facts /> })}
        }
        .into_any(),
        CaseKind::Resolution => view! {
            {case.resolution.clone().map(|facts| view! { <ResolutionFactRows facts /> })}
        }
        .into_any(),
        CaseKind::DataRequest => view! {
            <dt>"收件時間"</dt>
            <dd>{case.received_at.map(roc_datetime).unwrap_or_default()}</dd>
            <dt>"速別"</dt>
            <dd>
                {case.priority.map(|p| p.label()).unwrap_or_default()}
                {case.within_three_days.then(|| view! { <span class="tag tag-urgent">"三日內取件"</span> })}
            </dd>
        }
        .into_any(),
    };
    // Arrived here from "… and open the next one": say what became of the last case.
    let done = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("done"))
        .and_then(|code| Action::from_code(&code))
        .filter(|a| a.queue().is_some())
        .map(|a| format!("上一案已{}。這是佇列中的下一案。", a.label()));
    view! {
        <PageTitle text=title />
        {done.map(|words| view! { <p class="notice" role="status">{words}</p> })}
        <div class="page-head">
            <h1>
                <span class="case-no">{label}</span>
                {case.topic.clone()}
            </h1>
            <span class=format!("status status-{}", case.status.as_str())>{case.status.label()}</span>
            {case.overdue.then(|| view! { <span class="tag tag-overdue">"逾期"</span> })}
            {case.corrections.iter().any(|k| k.state == crate::corrections::CorrectionState::Approved).then(|| view! { <span class="tag">"已勘誤"</span> })}
        </div>
        <div class="case-layout">
            <div class="case-main">
                <section class="panel" aria-labelledby="case-facts">
                    <h2 id="case-facts">"案件資料"</h2>
                    <dl class="facts">
                        <dt>"會期"</dt>
                        <dd>{case.session.clone()}</dd>
                        <dt>"議員"</dt>
                        <dd>{case.councilors.join("、")}</dd>
                        {meta}
                        <dt>"期限"</dt>
                        <dd>
                            {roc_date(case.due_on)}
                            {case.due_override_reason.clone().map(|r| view! { <span class="muted">{format!("（調整：{r}）")}</span> })}
                        </dd>
                        {case.from_briefing.clone().map(|source| {
                            let words = format!("{}黨團報告提出的要求", source.caucus);
                            view! {
                                <dt>"來源"</dt>
                                <dd>{match source.briefing_id {
                                    Some(id) => view! { <a href=format!("/briefings/{id}")>{words}</a> }.into_any(),
                                    None => view! { <span>{words}</span> }.into_any(),
                                }}</dd>
                            }
                        })}
                        {case.promised_on.clone().map(|source| {
                            let question = super::case_label(CaseKind::Question, source.question_number);
                            view! {
                                <dt>"來源"</dt>
                                <dd>
                                    {match source.question_id {
                                        Some(id) => view! { <a href=format!("/cases/{id}")>{question}</a> }.into_any(),
                                        None => view! { <span>{question}</span> }.into_any(),
                                    }}
                                    {format!(" 質詢時{}承諾會後提供", source.promised_by)}
                                </dd>
                            }
                        })}
                        {case.sent_to_council_on.map(|on| view! {
                            <dt>"函送議會"</dt>
                            <dd>{format!("{}（書面答復彙編）", roc_date(on))}</dd>
                        })}
                    </dl>
                    <h3>{case.kind.body_label()}</h3>
                    <div class="prose">{case.body.clone()}</div>
                </section>
                // Erased to AnyView: the page's type outgrows the wasm build's query depth.
                {case.filing.clone().map(|filing| view! {
                    <FilingPanel case_id=case.id filing can_decide=case.can_decide_filing />
                }.into_any())}
                {case.resolution.clone().map(|facts| view! {
                    <ResolutionPanel case_id=case.id facts />
                }.into_any())}
                {case.service.clone().filter(|s| s.can_arrange || !s.visits.is_empty()).map(|s| {
                    let lead = case
                        .parts
                        .iter()
                        .find(|p| p.role == PartRole::Lead && matches!(p.state, PartState::Pending | PartState::Accepted))
                        .map(|p| p.bureau_id);
                    view! {
                        <Visits case_id=case.id visits=s.visits can_arrange=s.can_arrange bureaus=bureaus.clone() lead />
                    }
                    .into_any()
                })}
                {(case.kind == CaseKind::Question && (case.can_promise || !case.promises.is_empty())).then(|| {
                    let lead = case
                        .parts
                        .iter()
                        .find(|p| p.role == PartRole::Lead && matches!(p.state, PartState::Pending | PartState::Accepted))
                        .map(|p| p.bureau_id);
                    view! {
                        <PromisePanel case_id=case.id promises=case.promises.clone() can_promise=case.can_promise bureaus=bureaus.clone() lead />
                    }
                    .into_any()
                })}
                {(case.can_draft_letter || case.can_record_incoming || case.can_record_outgoing || !case.letters.is_empty()).then(|| view! {
                    <LetterPanel case_id=case.id letters=case.letters.clone() can_incoming=case.can_record_incoming can_outgoing=case.can_record_outgoing can_draft=case.can_draft_letter />
                }.into_any())}
                {case.background.clone().map(|background| view! {
                    <BackgroundPanel case_id=case.id background />
                }.into_any())}
                {(case.can_send_interim || !case.interims.is_empty()).then(|| view! {
                    <InterimPanel case_id=case.id replies=case.interims.clone() can_record=case.can_send_interim />
                }.into_any())}
                <Parts case=case.clone() bureaus=bureaus.clone() forms />
                <SubAnswers case=case.clone() forms />
                {case.shared.clone().map(|shared| view! {
                    <SharedPanel case_id=case.id shared open=matches!(case.status, CaseStatus::InProgress | CaseStatus::Returned) />
                }.into_any())}
                <Reply case=case.clone() forms />
                {(case.can_correct || !case.corrections.is_empty()).then(|| view! {
                    <CorrectionPanel case_id=case.id reply=case.reply.clone() corrections=case.corrections.clone() can_correct=case.can_correct can_review=case.can_review_correction />
                }.into_any())}
                {(case.kind == CaseKind::DataRequest)
                    .then(|| view! { <Deliveries case=case.clone() error=delivery_error /> })}
                {(case.status == CaseStatus::Tracking || !case.progress.is_empty() || case.can_report_progress)
                    .then(|| view! { <Progress case=case.clone() forms /> })}
            </div>
            <aside class="case-side">
                <Steps case=case.clone() bureaus=bureaus.clone() forms />
                <SimilarCases cases=case.similar.clone() heading="相似案件" />
                {(!case.share_offers.is_empty()).then(|| view! {
                    <ShareOffers case_id=case.id offers=case.share_offers.clone() similar=case.similar.clone() />
                }.into_any())}
                <Timeline case=case.clone() />
            </aside>
        </div>
    }
    .into_any()
}

#[component]
fn Parts(case: CaseDetail, bureaus: Vec<(i64, String)>, forms: Forms) -> impl IntoView {
    let can_reassign = case.can(Action::Reassign);
    let reassign_error = form_result(forms.reassign.value());
    let add_error = form_result(forms.add_co.value());
    let id = case.id;
    let add_bureaus = bureaus.clone();
    let rows = case
        .parts
        .clone()
        .into_iter()
        .map(|p| {
            let bureaus = bureaus.clone();
            let rejected = p.state == PartState::Rejected;
            // The bureau the rejecting one suggested comes preselected.
            let suggested = bureaus
                .iter()
                .find(|(_, name)| p.suggested_bureau.as_ref() == Some(name))
                .map(|(id, _)| id.to_string())
                .unwrap_or_default();
            let reassign = (can_reassign && rejected && p.role == PartRole::Co).then(|| {
                view! {
                    <ActionForm action=forms.reassign attr:class="inline-row" attr:aria-label=format!("改分{}", p.bureau)>
                        <input type="hidden" name="case_id" value=id />
                        <input type="hidden" name="part_id" value=p.id />
                        <select name="bureau_id" aria-label="改分至">{bureau_options(&bureaus, "改分至…", &suggested)}</select>
                        <button type="submit">"改分"</button>
                    </ActionForm>
                }
            });
            view! {
                <tr class:rejected=rejected>
                    <td>{p.bureau}</td>
                    <td>{p.role.label()}</td>
                    <td>{p.state.label()}</td>
                    <td>
                        {p.reject_reason}
                        {p.suggested_bureau.map(|b| view! { <span class="muted">{format!("（建議：{b}）")}</span> })}
                        {reassign}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="case-parts">
            <h2 id="case-parts">"主協辦機關"</h2>
            {if case.parts.is_empty() {
                view! { <p class="empty">"尚未分派。"</p> }.into_any()
            } else {
                view! {
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">"機關"</th>
                                <th scope="col">"角色"</th>
                                <th scope="col">"狀態"</th>
                                <th scope="col">"退回理由"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                    .into_any()
            }}
            <FieldError error=reassign_error field="bureau_id" />
            <FormError error=reassign_error />
            {case
                .can(Action::AddCoBureau)
                .then(|| {
                    view! {
                        <ActionForm action=forms.add_co attr:class="inline-row" attr:aria-label="加入協辦機關">
                            <input type="hidden" name="case_id" value=id />
                            <label for="add-co">"加入協辦機關"</label>
                            <select id="add-co" name="bureau_id">{bureau_options(&add_bureaus, "請選擇", "")}</select>
                            <button type="submit">"加入"</button>
                        </ActionForm>
                        <FieldError error=add_error field="bureau_id" />
                        <FormError error=add_error />
                    }
                })}
        </section>
    }
    .into_any()
}

#[component]
fn SubAnswers(case: CaseDetail, forms: Forms) -> impl IntoView {
    let error = form_result(forms.sub_answer.value());
    let has_co = case.parts.iter().any(|p| p.role == PartRole::Co);
    let can_write = case.can(Action::WriteSubAnswer);
    (has_co || !case.sub_answers.is_empty()).then(move || {
        view! {
            <section class="panel" aria-labelledby="case-sub-answers">
                <h2 id="case-sub-answers">"協辦意見"</h2>
                {if case.sub_answers.is_empty() {
                    view! { <p class="empty">"協辦機關尚未提供意見。"</p> }.into_any()
                } else {
                    case.sub_answers
                        .iter()
                        .map(|s| {
                            view! {
                                <article class="sub-answer">
                                    <h3>{s.bureau.clone()}</h3>
                                    <div class="prose">{s.body.clone()}</div>
                                    <p class="muted">{format!("{}・{}", s.updated_by, roc_datetime(s.updated_at))}</p>
                                </article>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
                {can_write
                    .then(|| {
                        view! {
                            <ActionForm action=forms.sub_answer attr:class="stacked-form" attr:aria-label="協辦意見">
                                <input type="hidden" name="case_id" value=case.id />
                                <label for="sub-answer">"本局協辦意見"</label>
                                <TextEditor
                                    id="sub-answer".to_owned()
                                    name="body".to_owned()
                                    text=String::new()
                                    rows=5
                                    max_chars=LONG_TEXT_MAX_CHARS
                                    unsaved=false
                                />
                                <FieldError error field="body" />
                                <FormError error />
                                <button type="submit">"儲存協辦意見"</button>
                            </ActionForm>
                        }
                    })}
            </section>
        }
    })
}

#[component]
fn Reply(case: CaseDetail, forms: Forms) -> impl IntoView {
    let error = form_result(forms.reply.value());
    let editing = case.can(Action::EditReply);
    let heading = case.kind.reply_label();
    let conflict = move || {
        error.get().and_then(|e| match e {
            AppError::EditConflict { theirs, by, yours } => Some(view! {
                <div class="conflict" role="alert">
                    <p>{format!("{by} 已先儲存了新的版本，您的內容尚未儲存。請對照兩個版本，整合後再儲存。")}</p>
                    <div class="conflict-versions">
                        <div>
                            <h3>{format!("{by} 儲存的版本")}</h3>
                            <div class="prose">{theirs}</div>
                        </div>
                        <div>
                            <h3>"您的版本（未儲存）"</h3>
                            <div class="prose">{yours}</div>
                        </div>
                    </div>
                </div>
            }),
            _ => None,
        })
    };
    // After a refusal without JavaScript, the editor comes back with what was typed.
    let typed = error.get_untracked().and_then(|e| match e {
        AppError::EditConflict { yours, .. } => Some(yours),
        e => e.input("reply").into_iter().next(),
    });
    let unsaved = typed.as_ref().is_some_and(|t| *t != case.reply);
    let draft = typed.unwrap_or_else(|| case.reply.clone());
    let review = (!case.review_comment.is_empty()).then(|| {
        view! {
            <div class="review-comment" role="note">
                <h3>"退回意見"</h3>
                <div class="prose">{case.review_comment.clone()}</div>
            </div>
        }
    });
    view! {
        <section class="panel" aria-labelledby="case-reply">
            <h2 id="case-reply">{heading}</h2>
            {review}
            {conflict}
            {if editing {
                view! {
                    <ActionForm action=forms.reply attr:class="stacked-form" attr:aria-label=heading>
                        <input type="hidden" name="case_id" value=case.id />
                        <input type="hidden" name="reply_version" value=case.reply_version />
                        <label for="reply-text">{format!("{heading}內容")}</label>
                        <TextEditor
                            id="reply-text".to_owned()
                            name="reply".to_owned()
                            text=draft
                            rows=10
                            max_chars=LONG_TEXT_MAX_CHARS
                            unsaved=unsaved
                        />
                        {(case.kind == CaseKind::DataRequest)
                            .then(|| {
                                view! {
                                    <label class="check">
                                        <input type="checkbox" name="cannot_provide" checked=case.cannot_provide />
                                        "無法提供資料（請於說明中敘明理由）"
                                    </label>
                                }
                            })}
                        <FieldError error field="reply" />
                        <FormError error />
                        <button type="submit">{format!("儲存{heading}")}</button>
                    </ActionForm>
                }
                    .into_any()
            } else if case.reply.is_empty() {
                view! { <p class="empty">"主辦機關尚未撰寫。"</p> }.into_any()
            } else {
                view! {
                    {case.cannot_provide.then(|| view! { <p class="tag tag-urgent">"無法提供"</p> })}
                    <div class="prose">{case.reply.clone()}</div>
                }
                    .into_any()
            }}
            {case.reply_updated.clone().map(|(by, at)| view! { <p class="muted">{format!("最後儲存：{by}・{}", roc_datetime(at))}</p> })}
            {case.corrections.iter().rev().find_map(|k| k.approved_on.map(|d| (k.id, d))).map(|(id, d)| view! {
                <p class="correction-flag" role="note">
                    <a href=format!("#correction-{id}")>{format!("{}，更正內容見「勘誤」。", crate::corrections::flag(d))}</a>
                </p>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn Deliveries<E, V>(case: CaseDetail, error: E) -> impl IntoView
where
    E: Fn() -> Option<V> + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let id = case.id;
    view! {
        <section class="panel" id="deliveries" aria-labelledby="case-deliveries">
            <h2 id="case-deliveries">"提供資料"</h2>
            {if case.deliveries.is_empty() {
                view! { <p class="empty">"尚未提供資料。"</p> }.into_any()
            } else {
                view! {
                    <ol class="deliveries">
                        {case
                            .deliveries
                            .iter()
                            .map(|d| {
                                view! {
                                    <li>
                                        <strong>{format!("第 {} 批", d.batch)}</strong>
                                        " "
                                        {d.note.clone()}
                                        <span class="muted">{format!("（{}・{}）", d.delivered_by, roc_datetime(d.delivered_at))}</span>
                                        <ul>
                                            {d.files
                                                .iter()
                                                .map(|f| {
                                                    view! {
                                                        <li>
                                                            <a href=format!("/files/{}", f.id) download>{f.file_name.clone()}</a>
                                                            <span class="muted">{format!(" {} KB", (f.size_bytes + 1023) / 1024)}</span>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
            {error}
            {case
                .can(Action::Deliver)
                .then(|| {
                    // Erased here, on the server, where it costs the browser nothing: the
                    // island's full view type is too deep for the page's.
                    view! { <DeliveryForm case_id=id /> }.into_any()
                })}
        </section>
    }
    .into_any()
}

/// The step forms the viewer may use now.
#[component]
fn Steps(case: CaseDetail, bureaus: Vec<(i64, String)>, forms: Forms) -> impl IntoView {
    let id = case.id;
    let version = case.version;
    let step_error = form_result(forms.step.value());
    let assign_error = form_result(forms.assign.value());
    let accept_error = form_result(forms.accept.value());
    let reject_error = form_result(forms.reject.value());
    let due_error = form_result(forms.due.value());
    let postpone_error = form_result(forms.postpone.value());
    // A refused step's comment returns to the form of that step only.
    let typed_comment = move |action: Action| match kept(step_error, "step") == action.code() {
        true => kept(step_error, "comment"),
        false => String::new(),
    };
    let simple = |action: Action, class: &'static str| {
        view! {
            <ActionForm action=forms.step attr:class="step-form" attr:aria-label=action.label()>
                <input type="hidden" name="case_id" value=id />
                <input type="hidden" name="version" value=version />
                <input type="hidden" name="step" value=action.code() />
                <button type="submit" class=class>{action.label()}</button>
            </ActionForm>
        }
    };
    let with_comment = |action: Action, required: bool| {
        let field = format!("comment-{}", action.code());
        view! {
            <ActionForm action=forms.step attr:class="stacked-form step-form" attr:aria-label=action.label()>
                <input type="hidden" name="case_id" value=id />
                <input type="hidden" name="version" value=version />
                <input type="hidden" name="step" value=action.code() />
                <label for=field.clone()>{if required { "退回意見" } else { "意見（選填）" }}</label>
                <textarea id=field name="comment" rows="3" required=required>
                    {crate::escape::raw_child(typed_comment(action))}
                </textarea>
                <FieldError error=step_error field="comment" />
                <button type="submit" class="secondary">{action.label()}</button>
            </ActionForm>
        }
    };
    // The steps that pass a reply on: its wording may be corrected on the way (修改後核定),
    // and the next case of the queue opened at once.
    let reply = case.reply.clone();
    let passing = move |action: Action| {
        let field = format!("reply-{}", action.code());
        let typed = match kept(step_error, "step") == action.code() {
            true => kept(step_error, "reply"),
            false => reply.clone(),
        };
        let corrects = action.corrects_reply() && !reply.is_empty();
        view! {
            <ActionForm action=forms.step attr:class="stacked-form step-form" attr:aria-label=action.label()>
                <input type="hidden" name="case_id" value=id />
                <input type="hidden" name="version" value=version />
                <input type="hidden" name="step" value=action.code() />
                {(action == Action::Approve).then(|| view! {
                    // Whether the case stays tracked is a decision, not an option to miss.
                    <fieldset class="choice">
                        <legend>"審查通過後"</legend>
                        <label class="check">
                            <input type="radio" name="keep_tracking" value="0" checked />
                            "結案"
                        </label>
                        <label class="check">
                            <input type="radio" name="keep_tracking" value="1" />
                            "繼續列管"
                        </label>
                    </fieldset>
                })}
                {corrects.then(|| view! {
                    <details class="correct-reply" open=!kept(step_error, "reply").is_empty()>
                        <summary>"修改答復文字"</summary>
                        <label for=field.clone()>"答復內容（修改後送出；承辦人會收到通知，時間軸留有修改前後）"</label>
                        <textarea id=field name="reply" rows="10">
                            {crate::escape::raw_child(typed)}
                        </textarea>
                        <FieldError error=step_error field="reply" />
                    </details>
                })}
                <div class="form-actions">
                    <button type="submit">{action.label()}</button>
                    <button type="submit" class="secondary" name="then" value="next">
                        {format!("{}並開啟下一案", action.label())}
                    </button>
                </div>
            </ActionForm>
        }
    };
    let has = |a: Action| case.can(a);
    let (assign_bureaus, reject_bureaus) = (bureaus.clone(), bureaus);
    let any = Action::ALL.iter().any(|a| {
        case.can(*a)
            && !matches!(
                a,
                Action::EditReply
                    | Action::WriteSubAnswer
                    | Action::Deliver
                    | Action::AddCoBureau
                    | Action::Reassign
            )
    });
    view! {
        <section class="panel steps" aria-labelledby="case-steps">
            <h2 id="case-steps">"辦理"</h2>
            {(!any).then(|| pending_elsewhere(&case))}
            <FormError error=step_error />
            <FieldError error=step_error field="comment" />
            {has(Action::Assign)
                .then(|| {
                    view! {
                        <ActionForm action=forms.assign attr:class="stacked-form" attr:aria-label="分派">
                            <input type="hidden" name="case_id" value=id />
                            <input type="hidden" name="version" value=version />
                            <label for="assign-lead">"主辦機關"</label>
                            <select id="assign-lead" name="lead_bureau_id">{bureau_options(&assign_bureaus, "請選擇", &kept(assign_error, "lead_bureau_id"))}</select>
                            <FieldError error=assign_error field="lead_bureau_id" />
                            <label for="assign-co">"協辦機關（可多選）"</label>
                            <select id="assign-co" name="co_bureau_ids[]" multiple size="5">
                                {assign_bureaus.iter().map(|(b, name)| view! { <option value=b.to_string()>{name.clone()}</option> }).collect_view()}
                            </select>
                            <FieldError error=assign_error field="co_bureau_ids" />
                            <FieldError error=assign_error field="bureau_id" />
                            <FormError error=assign_error />
                            <button type="submit">"分派"</button>
                        </ActionForm>
                    }
                })}
            {(has(Action::AcceptLead) || has(Action::AcceptCo))
                .then(|| {
                    view! {
                        <ActionForm action=forms.accept attr:class="step-form" attr:aria-label="接受分派">
                            <input type="hidden" name="case_id" value=id />
                            <button type="submit">"接受分派"</button>
                        </ActionForm>
                        <FormError error=accept_error />
                    }
                })}
            {(has(Action::RejectLead) || has(Action::RejectCo))
                .then(|| {
                    view! {
                        <ActionForm action=forms.reject attr:class="stacked-form step-form" attr:aria-label="退回分派">
                            <input type="hidden" name="case_id" value=id />
                            <label for="reject-reason">"退回理由"</label>
                            <textarea id="reject-reason" name="reason" rows="3" required>
                                {crate::escape::raw_child(kept(reject_error, "reason"))}
                            </textarea>
                            <FieldError error=reject_error field="reason" />
                            <label for="reject-suggest">"建議改由"</label>
                            <select id="reject-suggest" name="suggested_bureau_id">
                                {bureau_options(&reject_bureaus, "（不指定）", &kept(reject_error, "suggested_bureau_id"))}
                            </select>
                            <FieldError error=reject_error field="suggested_bureau_id" />
                            <FormError error=reject_error />
                            <button type="submit" class="secondary">"退回分派"</button>
                        </ActionForm>
                    }
                })}
            {has(Action::SubmitForSignOff).then(|| simple(Action::SubmitForSignOff, ""))}
            {has(Action::SignOff).then(|| passing(Action::SignOff))}
            {has(Action::SendBack).then(|| with_comment(Action::SendBack, true))}
            {has(Action::PassToReview).then(|| passing(Action::PassToReview))}
            {has(Action::ReturnFromCheck).then(|| with_comment(Action::ReturnFromCheck, true))}
            {has(Action::Approve).then(|| passing(Action::Approve))}
            {has(Action::ReturnFromReview).then(|| with_comment(Action::ReturnFromReview, true))}
            {has(Action::Release)
                .then(|| {
                    // Away from 審查通過 and behind a second look: a double click on a
                    // primary button once released a case.
                    view! {
                        <details class="step-form">
                            <summary>"解除列管"</summary>
                            <p class="field-hint">"解除後本案結案，不再列入追蹤會議。"</p>
                            {simple(Action::Release, "secondary")}
                        </details>
                    }
                })}
            {has(Action::Postpone)
                .then(|| {
                    view! {
                        <ActionForm action=forms.postpone attr:class="stacked-form step-form" attr:aria-label="展延期限">
                            <input type="hidden" name="case_id" value=id />
                            <label for="postpone-on">"展延至"</label>
                            <input id="postpone-on" name="due_on" placeholder=crate::dates::example_date() value=kept(postpone_error, "due_on") required />
                            <FieldError error=postpone_error field="due_on" />
                            <label for="postpone-reason">"展延理由（已與議員辦公室協調）"</label>
                            <input id="postpone-reason" name="due_reason" value=kept(postpone_error, "due_reason") required />
                            <FieldError error=postpone_error field="due_reason" />
                            <FormError error=postpone_error />
                            <button type="submit" class="secondary">"展延期限"</button>
                        </ActionForm>
                    }
                })}
            {has(Action::OverrideDue)
                .then(|| {
                    view! {
                        <details class="step-form">
                            <summary>"調整期限"</summary>
                            <ActionForm action=forms.due attr:class="stacked-form" attr:aria-label="調整期限">
                                <input type="hidden" name="case_id" value=id />
                                <label for="due-on">"新期限"</label>
                                <input id="due-on" name="due_on" placeholder=crate::dates::example_date() value=kept(due_error, "due_on") required />
                                <FieldError error=due_error field="due_on" />
                                <label for="due-reason">"調整理由"</label>
                                <input id="due-reason" name="due_reason" value=kept(due_error, "due_reason") required />
                                <FieldError error=due_error field="due_reason" />
                                <FormError error=due_error />
                                <button type="submit" class="secondary">"調整期限"</button>
                            </ActionForm>
                        </details>
                    }
                })}
        </section>
    }
    .into_any()
}

/// 辦理進度: the bureaus' reports while the case is tracked, those the next follow-up
/// meeting will read marked; the form for a bureau that may report.
#[component]
fn Progress(case: CaseDetail, forms: Forms) -> impl IntoView {
    let error = form_result(forms.progress.value());
    let id = case.id;
    let check = case.next_check_on.map(|on| {
        view! { <p class="muted">{format!("追蹤會議訂下次檢視日：{}", roc_date(on))}</p> }
    });
    let escalated = case
        .escalated
        .then(|| view! { <p><span class="tag tag-overdue">"已提報上級"</span></p> });
    // A resolution's progress is its execution (執行情形), with a percent and the bureau's
    // letter.
    let resolution = case.kind == CaseKind::Resolution;
    let heading = if resolution {
        "執行情形"
    } else {
        "辦理進度"
    };
    // What the next meeting will see as new: reports and other steps since the last one.
    let since = case.last_meeting_at.map(|at| {
        let reports = case.progress.iter().filter(|p| p.reported_at > at).count();
        let others = case
            .timeline
            .iter()
            .filter(|e| e.at > at && e.action != "report_progress")
            .count();
        view! {
            <p class="muted">
                {format!(
                    "自上次追蹤會議（{}）後：進度報告 {reports} 則，其他異動 {others} 項。",
                    roc_datetime(at)
                )}
            </p>
        }
    });
    view! {
        <section class="panel" aria-labelledby="case-progress">
            <h2 id="case-progress">{heading}</h2>
            {escalated}
            {check}
            {since}
            {if case.progress.is_empty() {
                view! { <p class="empty">"尚無進度報告。"</p> }.into_any()
            } else {
                view! {
                    <ol class="progress-list">
                        {case
                            .progress
                            .iter()
                            .map(|p| {
                                let expected = p
                                    .expected_on
                                    .map(|on| format!("預計 {} 完成", roc_date(on)));
                                let percent = p.percent.map(|n| view! { <span class="tag">{format!("執行進度 {n}%")}</span> });
                                let letter = (!p.letter_number.is_empty())
                                    .then(|| view! { <p class="muted">{format!("發文字號：{}", p.letter_number)}</p> });
                                view! {
                                    <li>
                                        <p class="progress-meta">
                                            <strong>{p.bureau.clone()}</strong>
                                            " "
                                            {p.reported_by.clone()}
                                            "・"
                                            {roc_datetime(p.reported_at)}
                                            {p.since_last_meeting.then(|| view! { <span class="tag tag-new">"上次會議後"</span> })}
                                            {percent}
                                        </p>
                                        <div class="prose">{p.body.clone()}</div>
                                        {expected.map(|e| view! { <p class="muted">{e}</p> })}
                                        {letter}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
            {case
                .can_report_progress
                .then(|| {
                    view! {
                        <ActionForm action=forms.progress attr:class="stacked-form" attr:aria-label="提報辦理進度">
                            <input type="hidden" name="case_id" value=id />
                            <label for="progress-body">{if resolution { "本次執行情形" } else { "本次辦理進度" }}</label>
                            <textarea id="progress-body" name="form[body]" rows="4" maxlength="2000" required>
                                {crate::escape::raw_child(kept(error, "body"))}
                            </textarea>
                            <FieldError error field="body" />
                            <label for="progress-expected">"預計完成日期（選填）"</label>
                            <input id="progress-expected" name="form[expected_on]" placeholder=crate::dates::example_date() value=kept(error, "expected_on") />
                            <FieldError error field="expected_on" />
                            {resolution.then(|| view! {
                                <label for="progress-percent">"執行進度（%，選填）"</label>
                                <input id="progress-percent" name="form[percent]" inputmode="numeric" value=kept(error, "percent") />
                                <FieldError error field="percent" />
                                <label for="progress-letter">"函復議會的發文字號（選填）"</label>
                                <input id="progress-letter" name="form[letter_number]" maxlength=crate::resolutions::LETTER_MAX_CHARS.to_string() value=kept(error, "letter_number") />
                                <FieldError error field="letter_number" />
                            })}
                            <FormError error />
                            <button type="submit">{if resolution { "提報執行情形" } else { "提報進度" }}</button>
                        </ActionForm>
                    }
                })}
        </section>
    }
}

/// What the steps panel says when it has no step: where on the page the one thing left to
/// do is (a progress report, a resolution's reconsideration or finding), or that there is
/// none.
fn pending_elsewhere(case: &CaseDetail) -> AnyView {
    let resolution = case.resolution.as_ref();
    if case.can_report_progress {
        let what = if case.kind == CaseKind::Resolution {
            "提報執行情形"
        } else {
            "提報辦理進度"
        };
        view! { <p>"請在下方"<a href="#case-progress">{what}</a>"。"</p> }.into_any()
    } else if resolution.is_some_and(|r| {
        r.can_ask_reconsideration || r.can_record_outcome || r.can_mark_not_executable
    }) {
        view! { <p>"覆議與窒礙難行的紀錄，在"<a href="#case-resolution">"覆議與執行"</a>"。"</p> }
            .into_any()
    } else {
        view! { <p class="empty">"目前沒有需要您辦理的步驟。"</p> }.into_any()
    }
}

#[component]
fn Timeline(case: CaseDetail) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="case-timeline">
            <h2 id="case-timeline">"歷程"</h2>
            <ol class="timeline">
                {case
                    .timeline
                    .iter()
                    .map(|e| {
                        let names = &case.bureau_names;
                        let bureau = |id: i64| {
                            names
                                .iter()
                                .find(|(i, _)| *i == id)
                                .map_or_else(|| format!("#{id}"), |(_, n)| n.clone())
                        };
                        let at = e.at;
                        let e = render(e, &bureau, Lang::of_viewer());
                        let change = e.change.map(|(before, after)| {
                            let long = before.chars().count() > 40 || after.chars().count() > 40;
                            if long {
                                view! {
                                    <details>
                                        <summary>"修改前後"</summary>
                                        <div class="diff">
                                            <div><strong>"修改前"</strong><div class="prose">{before}</div></div>
                                            <div><strong>"修改後"</strong><div class="prose">{after}</div></div>
                                        </div>
                                    </details>
                                }
                                    .into_any()
                            } else {
                                view! { <p class="change">{format!("{before} → {after}")}</p> }.into_any()
                            }
                        });
                        view! {
                            <li>
                                <p>
                                    <strong>{e.title}</strong>
                                    " "
                                    <span class="muted">{format!("{}・{}", e.actor, roc_datetime(at))}</span>
                                </p>
                                {e.lines.into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
                                {change}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
    .into_any()
}
