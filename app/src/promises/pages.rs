//! The case page's part for promises: on a question, what was promised in session and the
//! data requests carrying it, with the secretariat's form; on a data request, where it came
//! from is shown among the case's facts (`cases::case_page`).

use super::{server_fns::RecordPromise, BY_MAX_CHARS, WHAT_MAX_CHARS};
use crate::{
    cases::{case_label, CaseKind, PromiseLine},
    components::{form_result, kept, FieldError, FormError},
    dates::{example_date, roc_date},
};
use leptos::prelude::*;

#[component]
pub fn PromisePanel(
    case_id: i64,
    promises: Vec<PromiseLine>,
    can_promise: bool,
    bureaus: Vec<(i64, String)>,
    /// The question's lead bureau, offered first as the one to deliver.
    lead: Option<i64>,
) -> impl IntoView {
    let record = ServerAction::<RecordPromise>::new();
    let error = form_result(record.value());
    let rows = promises
        .into_iter()
        .map(|p| {
            let late = p.overdue;
            view! {
                <li>
                    <p>
                        <a href=format!("/cases/{}", p.request_id)>{case_label(CaseKind::DataRequest, p.request_number)}</a>
                        {format!("　{}承諾：{}", p.promised_by, p.what)}
                    </p>
                    <p class="muted">
                        {format!("期限 {}・{}", roc_date(p.due_on), p.status.label())}
                        {late.then(|| view! { <span class="tag tag-overdue">"已逾期"</span> })}
                    </p>
                </li>
            }
        })
        .collect_view();
    let chosen = {
        let typed = kept(error, "bureau_id");
        if typed.is_empty() {
            lead.map(|b| b.to_string()).unwrap_or_default()
        } else {
            typed
        }
    };
    let form = can_promise.then(|| {
        let options = crate::cases::case_page::bureau_options(&bureaus, "請選擇局處", &chosen);
        view! {
            <details open=error.get_untracked().is_some()>
                <summary>"記錄會後補資料承諾"</summary>
                <ActionForm action=record attr:class="stacked-form" attr:aria-label="記錄會後補資料承諾">
                    <input type="hidden" name="case_id" value=case_id />
                    <FormError error />
                    <label for="pr-by">"承諾人"</label>
                    <input id="pr-by" name="form[promised_by]" value=kept(error, "promised_by") maxlength=BY_MAX_CHARS.to_string() placeholder="例：都市發展局局長" required />
                    <FieldError error field="promised_by" />
                    <label for="pr-what">"承諾提供的資料"</label>
                    <textarea id="pr-what" name="form[what]" rows="3" maxlength=WHAT_MAX_CHARS.to_string() required>{crate::escape::raw_child(kept(error, "what"))}</textarea>
                    <FieldError error field="what" />
                    <label for="pr-bureau">"提供資料的局處"</label>
                    <select id="pr-bureau" name="form[bureau_id]" required>{options}</select>
                    <FieldError error field="bureau_id" />
                    <label for="pr-due">"提供期限"</label>
                    <input id="pr-due" name="form[due_on]" inputmode="numeric" value=kept(error, "due_on") placeholder=example_date() aria-describedby="pr-due-hint" />
                    <p class="hint" id="pr-due-hint">"留空則依期限規則（會後補資料）自今日起算。"</p>
                    <FieldError error field="due_on" />
                    <button type="submit" class="secondary">"建立會後補資料索資案件"</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <section class="panel" aria-labelledby="promises-title">
            <h3 id="promises-title">"會後補資料"</h3>
            <ul class="plain-list">{rows}</ul>
            {form}
        </section>
    }
}
