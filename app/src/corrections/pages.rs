//! The case page's corrections (each with the original it corrects), the form that writes
//! one, the reviewer's decision; and the start page's list of corrections waiting.

use super::{
    server_fns::{ReviewCorrection, SubmitCorrection},
    Correction, CorrectionState, Decision, BODY_MAX_CHARS, COMMENT_MAX_CHARS, WHY_MAX_CHARS,
};
use crate::{
    components::{form_result, kept, FieldError, FormError},
    dates::{roc_date, roc_datetime},
};
use leptos::prelude::*;

#[component]
pub fn CorrectionPanel(
    case_id: i64,
    reply: String,
    corrections: Vec<Correction>,
    can_correct: bool,
    can_review: bool,
) -> impl IntoView {
    let submit = ServerAction::<SubmitCorrection>::new();
    let review = ServerAction::<ReviewCorrection>::new();
    let error = form_result(submit.value());
    let review_error = form_result(review.value());
    let open = corrections
        .iter()
        .find(|k| k.state != CorrectionState::Approved)
        .cloned();
    let shown = corrections
        .into_iter()
        .rev()
        .map(|k| {
            let decide = (can_review && k.state == CorrectionState::InReview).then(|| {
                view! {
                    <ActionForm action=review attr:class="stacked-form" attr:aria-label="審查勘誤">
                        <input type="hidden" name="case_id" value=case_id />
                        <input type="hidden" name="correction_id" value=k.id />
                        <FormError error=review_error />
                        <fieldset>
                            <legend>"審查結果"</legend>
                            {Decision::ALL
                                .iter()
                                .map(|d| view! {
                                    <label class="check">
                                        <input type="radio" name="decision" value=d.as_str() required />
                                        {d.label()}
                                    </label>
                                })
                                .collect_view()}
                        </fieldset>
                        <FieldError error=review_error field="decision" />
                        <label for=format!("kc-comment-{}", k.id)>"審查意見（退回時必填）"</label>
                        <textarea id=format!("kc-comment-{}", k.id) name="comment" rows="2" maxlength=COMMENT_MAX_CHARS.to_string()>{crate::escape::raw_child(kept(review_error, "comment"))}</textarea>
                        <FieldError error=review_error field="comment" />
                        <button type="submit">"送出審查結果"</button>
                    </ActionForm>
                }
            });
            let when = match (k.approved_on, k.sent_on) {
                (Some(a), Some(s)) => format!("{} 審查通過・{} 隨書面答復彙編函送議會", roc_date(a), roc_date(s)),
                (Some(a), None) => format!("{} 審查通過・已通知議員辦公室，將列入下次函送之書面答復彙編", roc_date(a)),
                _ => format!("{}・{}", k.drafted_by, roc_datetime(k.drafted_at)),
            };
            let original_heading = match k.original_on {
                Some(d) => format!("原答復（{} 審查通過）", roc_date(d)),
                None => "原答復".to_owned(),
            };
            view! {
                <article class="correction" id=format!("correction-{}", k.id)>
                    <p>
                        <span class=format!("status correction-{}", k.state.as_str())>{k.state.label()}</span>
                        " "<span class="muted">{when}</span>
                    </p>
                    <p>{format!("勘誤原因：{}", k.why)}</p>
                    <h4>"更正為"</h4>
                    <div class="prose">{k.body.clone()}</div>
                    {(!k.review_comment.is_empty()).then(|| view! {
                        <div class="review-comment" role="note">
                            <h4>"審查意見"</h4>
                            <div class="prose">{k.review_comment.clone()}</div>
                        </div>
                    })}
                    <details>
                        <summary>{original_heading}</summary>
                        <div class="prose">{k.original.clone()}</div>
                        <p><a href="#case-reply">"回到答復"</a></p>
                    </details>
                    {decide}
                </article>
            }
        })
        .collect_view();
    let in_review = open
        .as_ref()
        .is_some_and(|k| k.state == CorrectionState::InReview);
    let form = (can_correct && !in_review).then(|| {
        // A returned correction comes back to be written again; a new one starts from the
        // answer as sent.
        let (body, why) = match &open {
            Some(k) => (k.body.clone(), k.why.clone()),
            None => (reply.clone(), String::new()),
        };
        let body = error
            .get_untracked()
            .and_then(|e| e.input("body").into_iter().next())
            .unwrap_or(body);
        let why = error
            .get_untracked()
            .and_then(|e| e.input("why").into_iter().next())
            .unwrap_or(why);
        let summary = if open.is_some() {
            "修正退回的勘誤後再送審"
        } else {
            "答復內容有誤：提出勘誤"
        };
        view! {
            <details open=error.get_untracked().is_some() || open.is_some()>
                <summary>{summary}</summary>
                <ActionForm action=submit attr:class="stacked-form" attr:aria-label="勘誤">
                    <input type="hidden" name="case_id" value=case_id />
                    <FormError error />
                    <label for="kc-body">"更正後的內容"</label>
                    <textarea id="kc-body" name="form[body]" rows="8" maxlength=BODY_MAX_CHARS.to_string() required>{crate::escape::raw_child(body)}</textarea>
                    <FieldError error field="body" />
                    <label for="kc-why">"勘誤原因"</label>
                    <textarea id="kc-why" name="form[why]" rows="2" maxlength=WHY_MAX_CHARS.to_string() required>{crate::escape::raw_child(why)}</textarea>
                    <FieldError error field="why" />
                    <p class="hint">"勘誤送副秘書長審查；審查通過後即通知議員辦公室，並列入下次函送議會的書面答復彙編。原答復保留不變。"</p>
                    <button type="submit" class="secondary">"送副秘書長審查"</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <section class="panel" id="corrections" aria-labelledby="corrections-title">
            <h2 id="corrections-title">"勘誤"</h2>
            {shown}
            {form}
        </section>
    }
}

/// The corrections waiting for the signed-in user, on the start page; nothing when none.
#[component]
pub fn WaitingCorrections() -> impl IntoView {
    let waiting = Resource::new(|| (), |_| super::server_fns::corrections_waiting());
    view! {
        <Suspense>
            {Suspend::new(async move {
                let list = waiting.await.unwrap_or_default();
                (!list.is_empty()).then(|| {
                    let title = if list.iter().all(|w| w.state == CorrectionState::InReview) {
                        "待審查的勘誤"
                    } else {
                        "退回修正的勘誤"
                    };
                    view! {
                        <section class="panel" aria-labelledby="waiting-corrections">
                            <h2 id="waiting-corrections">{format!("{title}（{}）", list.len())}</h2>
                            <ul>
                                {list.into_iter().map(|w| view! {
                                    <li>
                                        <a href=format!("/cases/{}#corrections", w.case_id)>{w.label}</a>
                                        {format!(" {}：{}", w.topic, w.why)}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}
