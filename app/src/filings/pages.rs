//! The case page's panel for a case an office filed: when, who to call back, its files, and
//! for the secretariat while it waits, the two decisions.

use super::{
    server_fns::{RefuseFiling, TakeInFiling},
    FilingFacts, REASON_MAX_CHARS,
};
use crate::{
    components::{form_result, kept, FieldError, FormError},
    dates::roc_datetime,
};
use leptos::prelude::*;

#[component]
pub fn FilingPanel(case_id: i64, filing: FilingFacts, can_decide: bool) -> impl IntoView {
    let take_in = ServerAction::<TakeInFiling>::new();
    let refuse = ServerAction::<RefuseFiling>::new();
    let take_in_error = form_result(take_in.value());
    let refuse_error = form_result(refuse.value());
    let decided = filing.decided.clone().map(|(at, by)| {
        let words = match &filing.refusal_reason {
            Some(_) => format!("{by} 於 {} 決定不受理", roc_datetime(at)),
            None => format!("{by} 於 {} 受理", roc_datetime(at)),
        };
        view! { <p>{words}</p> }
    });
    let files = (!filing.files.is_empty()).then(|| {
        view! {
            <h3>"辦公室附件"</h3>
            <ul class="files">
                {filing.files
                    .iter()
                    .map(|(id, name, size)| view! {
                        <li>
                            <a href=format!("/filings/files/{id}")>{name.clone()}</a>
                            {format!("（{} KB）", (size + 1023) / 1024)}
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
    });
    let decide = can_decide.then(|| {
        view! {
            <div class="filing-decision">
                <ActionForm action=take_in attr:class="step-form" attr:aria-label="受理">
                    <input type="hidden" name="case_id" value=case_id />
                    <button type="submit" class="primary">"受理（進入待分派）"</button>
                </ActionForm>
                <FormError error=take_in_error />
                <ActionForm action=refuse attr:class="stacked-form step-form" attr:aria-label="不受理">
                    <input type="hidden" name="case_id" value=case_id />
                    <label for="refuse-reason">"不受理理由（議員辦公室看得到）"</label>
                    <textarea id="refuse-reason" name="reason" rows="3" maxlength=REASON_MAX_CHARS.to_string() required>
                        {crate::escape::raw_child(kept(refuse_error, "reason"))}
                    </textarea>
                    <FieldError error=refuse_error field="reason" />
                    <button type="submit">"不受理"</button>
                </ActionForm>
                <FormError error=refuse_error />
            </div>
        }
    });
    view! {
        <section class="panel" aria-labelledby="filing">
            <h2 id="filing">"議員辦公室線上送件"</h2>
            <dl class="facts">
                <dt>"送件時間"</dt>
                <dd>{roc_datetime(filing.filed_at)}</dd>
                <dt>"聯絡人"</dt>
                <dd>{if filing.contact.is_empty() { "—".to_owned() } else { filing.contact.clone() }}</dd>
                {filing.refusal_reason.clone().map(|r| view! { <dt>"不受理理由"</dt><dd>{r}</dd> })}
            </dl>
            {decided}
            {files}
            {decide}
        </section>
    }
}
