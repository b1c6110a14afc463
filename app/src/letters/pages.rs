//! The case page's letters panel: the council's letter and the city's, the forms for those
//! who record them, and the draft to download.

use super::{
    server_fns::{RecordIncoming, RecordOutgoing},
    NUMBER_MAX_CHARS,
};
use crate::{
    cases::LetterNumbers,
    components::{form_result, kept, FieldError, FormError},
    dates::{example_date, roc_date},
};
use leptos::prelude::*;

fn line(number: &str, on: Option<chrono::NaiveDate>) -> String {
    if number.is_empty() {
        "尚未記錄".to_owned()
    } else {
        match on {
            Some(d) => format!("{number}（{}）", roc_date(d)),
            None => number.to_owned(),
        }
    }
}

#[component]
pub fn LetterPanel(
    case_id: i64,
    letters: LetterNumbers,
    can_incoming: bool,
    can_outgoing: bool,
    can_draft: bool,
) -> impl IntoView {
    let incoming = ServerAction::<RecordIncoming>::new();
    let outgoing = ServerAction::<RecordOutgoing>::new();
    let in_error = form_result(incoming.value());
    let out_error = form_result(outgoing.value());
    let in_form = can_incoming.then(|| view! {
        <details open=in_error.get_untracked().is_some()>
            <summary>"記錄來文字號"</summary>
            <ActionForm action=incoming attr:class="stacked-form" attr:aria-label="記錄來文字號">
                <input type="hidden" name="case_id" value=case_id />
                <FormError error=in_error />
                <label for="in-number">"來文字號"</label>
                <input id="in-number" name="form[number]" value=kept(in_error, "number") maxlength=NUMBER_MAX_CHARS.to_string() placeholder="議議字第1130001234號" required />
                <FieldError error=in_error field="number" />
                <label for="in-on">"來文日期"</label>
                <input id="in-on" name="form[on]" inputmode="numeric" value=kept(in_error, "on") placeholder=example_date() />
                <FieldError error=in_error field="on" />
                <button type="submit" class="secondary">"儲存來文字號"</button>
            </ActionForm>
        </details>
    });
    let out_form = can_outgoing.then(|| view! {
        <details open=out_error.get_untracked().is_some()>
            <summary>"記錄發文字號"</summary>
            <ActionForm action=outgoing attr:class="stacked-form" attr:aria-label="記錄發文字號">
                <input type="hidden" name="case_id" value=case_id />
                <FormError error=out_error />
                <label for="out-number">"發文字號"</label>
                <input id="out-number" name="form[number]" value=kept(out_error, "number") maxlength=NUMBER_MAX_CHARS.to_string() placeholder="府都新字第1133012345號" required />
                <FieldError error=out_error field="number" />
                <label for="out-on">"發文日期"</label>
                <input id="out-on" name="form[on]" inputmode="numeric" value=kept(out_error, "on") placeholder=example_date() />
                <FieldError error=out_error field="on" />
                <button type="submit" class="secondary">"儲存發文字號"</button>
            </ActionForm>
        </details>
    });
    let draft = can_draft.then(|| {
        view! {
            <p><a href=format!("/cases/{case_id}/letter.odt") download>"下載函稿（ODT）"</a></p>
        }
    });
    view! {
        <section class="panel" aria-labelledby="letters-title">
            <h3 id="letters-title">"公文"</h3>
            <dl class="facts">
                <dt>"來文字號"</dt>
                <dd>{line(&letters.incoming_number, letters.incoming_on)}</dd>
                <dt>"發文字號"</dt>
                <dd>{line(&letters.outgoing_number, letters.outgoing_on)}</dd>
            </dl>
            {draft}
            {in_form}
            {out_form}
        </section>
    }
}
