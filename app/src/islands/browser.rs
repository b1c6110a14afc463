//! What the browser adds to every page once the wasm has loaded, without an island of its
//! own: a form being posted cannot be posted twice, and its button says it is working.
//! One listener on the window covers every form, including ones later pages add.

use leptos::{
    ev,
    prelude::*,
    wasm_bindgen::JsCast,
    web_sys::{HtmlButtonElement, HtmlFormElement},
};
use std::time::Duration;

const WORKING: &str = "處理中…";
const BUSY: &str = "data-submitting";

pub fn start() {
    guard_submissions();
    // Islands hydrate in the microtasks the loader queues right after this call; a timer
    // fires after all of them, so end-to-end tests know every island is live.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        Duration::ZERO,
    );
}

/// The listeners live as long as the page: dropping their handles leaves them in place.
fn guard_submissions() {
    window_event_listener(ev::submit, |e| {
        // An island that sends its form itself (the delivery upload) has said so already.
        if e.default_prevented() {
            return;
        }
        let Some(form) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        if form.has_attribute(BUSY) {
            e.prevent_default();
            return;
        }
        let _ = form.set_attribute(BUSY, "");
        if let Some(button) = e
            .submitter()
            .and_then(|b| b.dyn_into::<HtmlButtonElement>().ok())
        {
            let _ = button.set_attribute("data-label", &button.text_content().unwrap_or_default());
            button.set_text_content(Some(WORKING));
            let _ = button.set_attribute("aria-busy", "true");
        }
        // Disabled only after this event: the browser gathers the form's fields right after
        // it, and a disabled button would drop its own name and value from them.
        set_timeout(
            move || for_each_submit_button(&form, |b| b.set_disabled(true)),
            Duration::ZERO,
        );
    });
    // A page restored by the back button comes back as it was left: posting.
    window_event_listener(ev::pageshow, |e| {
        if !e.persisted() {
            return;
        }
        let Ok(forms) = document().query_selector_all(&format!("form[{BUSY}]")) else {
            return;
        };
        for form in (0..forms.length()).filter_map(|i| forms.item(i)) {
            let Ok(form) = form.dyn_into::<HtmlFormElement>() else {
                continue;
            };
            let _ = form.remove_attribute(BUSY);
            for_each_submit_button(&form, |b| {
                b.set_disabled(false);
                let _ = b.remove_attribute("aria-busy");
                if let Some(label) = b.get_attribute("data-label") {
                    b.set_text_content(Some(&label));
                }
            });
        }
    });
}

fn for_each_submit_button(form: &HtmlFormElement, f: impl Fn(&HtmlButtonElement)) {
    let Ok(buttons) = form.query_selector_all("button[type=submit], button:not([type])") else {
        return;
    };
    for node in (0..buttons.length()).filter_map(|i| buttons.item(i)) {
        if let Ok(button) = node.dyn_into::<HtmlButtonElement>() {
            f(&button);
        }
    }
}
