//! A button that copies the text of the box it wraps (a new status link) to the clipboard.
//! Without JavaScript there is nothing to press: the text stays in its read-only box to
//! select and copy.

use leptos::prelude::*;

/// `children` hold the `<input>` or `<textarea>` whose value is copied: the island reads the
/// text from the page rather than taking it as a prop, which would travel as JSON (see
/// `editor::EditorLive`).
#[island]
pub fn CopyText(children: Children) -> impl IntoView {
    // Shown once running in the browser: the server renders it hidden.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let done = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(text) = button.get_untracked().and_then(|b| boxed_text(&b)) {
            let _ = window().navigator().clipboard().write_text(&text);
            done.set(true);
        }
    };
    view! {
        {children()}
        <button type="button" class="secondary" hidden=move || !live.get() on:click=copy node_ref=button>
            "複製連結"
        </button>
        <span aria-live="polite">{move || done.get().then_some("已複製")}</span>
    }
}

/// The value of the box beside the button, in the same island.
#[cfg(feature = "hydrate")]
fn boxed_text(button: &leptos::web_sys::HtmlButtonElement) -> Option<String> {
    use leptos::{wasm_bindgen::JsCast, web_sys};
    let field = button
        .parent_element()?
        .query_selector("input, textarea")
        .ok()??;
    field
        .dyn_ref::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .or_else(|| {
            field
                .dyn_ref::<web_sys::HtmlTextAreaElement>()
                .map(|t| t.value())
        })
}
