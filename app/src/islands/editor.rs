//! A long-text editor (a question's text, the reply, a co-bureau's sub-answer): a plain
//! textarea on the server; in the browser it counts characters against the limit and asks
//! before the page is left with text that was not saved.

use leptos::{ev, html, prelude::*, wasm_bindgen::JsCast};

#[island]
pub fn TextEditor(
    /// The textarea's id, for its `<label for>`.
    id: String,
    /// The form field's name.
    name: String,
    /// The text to start from.
    text: String,
    rows: u32,
    /// The most characters the server accepts.
    max_chars: usize,
    /// The starting text is not what is stored (it came back from a refused save), so
    /// leaving is a loss from the start.
    unsaved: bool,
) -> impl IntoView {
    let area = NodeRef::<html::Textarea>::new();
    let count = RwSignal::new(text.chars().count());
    let changed = RwSignal::new(unsaved);

    // Chromium shows its own wording; the handler only has to ask.
    let leave = window_event_listener(ev::beforeunload, move |e| {
        if changed.get_untracked() {
            e.prevent_default();
            e.set_return_value("");
        }
    });
    // Saving is leaving with the text, not losing it. Another form on the page (a step
    // button) is still a loss, so only this textarea's own form counts.
    let save = window_event_listener(ev::submit, move |e| {
        let own_form = area.get_untracked().and_then(|a| a.form());
        let target = e.target();
        if let (Some(form), Some(target)) = (own_form, target) {
            if form.unchecked_ref::<leptos::web_sys::EventTarget>() == &target
                && !e.default_prevented()
            {
                changed.set(false);
            }
        }
    });
    on_cleanup(move || {
        leave.remove();
        save.remove();
    });

    let status = move || {
        let n = count.get();
        let over = n > max_chars;
        let text = match (over, changed.get()) {
            (true, _) => format!("{n} / {max_chars} 字，超過上限 {} 字", n - max_chars),
            (false, true) => format!("{n} / {max_chars} 字・尚未儲存"),
            (false, false) => format!("{n} / {max_chars} 字"),
        };
        view! { <p class="editor-status" class:over=over aria-live="polite">{text}</p> }
    };
    view! {
        <textarea
            id=id
            name=name
            rows=rows
            required
            node_ref=area
            on:input=move |e| {
                count.set(event_target_value(&e).chars().count());
                changed.set(true);
            }
        >
            // tachys 0.2 writes a textarea's children unescaped (`</textarea>` would end it).
            {crate::escape::raw_child(text)}
        </textarea>
        {status}
    }
}
