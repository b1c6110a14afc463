//! The case page's letters panel: the council's letter and the city's, the forms for those
//! who record them, and the draft to download.

use super::{server_fns::RecordLetter, Which, NUMBER_MAX_CHARS};
use crate::{
    cases::LetterNumbers,
    components::{form_result, kept, FieldError, FormError, FormResult},
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

/// The form for one of the two letters. Both post to the same action; a mistake in one is
/// shown under that one only (the refusal carries which it was), and a refusal not about a
/// field above both (`LetterPanel`).
fn letter_form(case_id: i64, which: Which, action: ServerAction<RecordLetter>) -> impl IntoView {
    let error = form_result(action.value());
    let mine: FormResult = Signal::derive(move || {
        error
            .get()
            .filter(|e| e.input("which").first().map(String::as_str) == Some(which.as_str()))
    });
    let id = which.as_str();
    view! {
        <details open=mine.get_untracked().is_some()>
            <summary>{format!("記錄{}", which.label())}</summary>
            <ActionForm action attr:class="stacked-form" attr:aria-label=format!("記錄{}", which.label())>
                <input type="hidden" name="case_id" value=case_id />
                <input type="hidden" name="which" value=id />
                <label for=format!("{id}-number")>{which.label()}</label>
                <input id=format!("{id}-number") name="form[number]" value=kept(mine, "number") maxlength=NUMBER_MAX_CHARS.to_string() required />
                <FieldError error=mine field="number" />
                <label for=format!("{id}-on")>{which.day_label()}</label>
                <input id=format!("{id}-on") name="form[on]" inputmode="numeric" value=kept(mine, "on") placeholder=example_date() />
                <FieldError error=mine field="on" />
                <button type="submit" class="secondary">{format!("儲存{}", which.label())}</button>
            </ActionForm>
        </details>
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
    let action = ServerAction::<RecordLetter>::new();
    let error = form_result(action.value());
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
            <FormError error />
            {can_incoming.then(|| letter_form(case_id, Which::Incoming, action))}
            {can_outgoing.then(|| letter_form(case_id, Which::Outgoing, action))}
        </section>
    }
}
