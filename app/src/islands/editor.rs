//! A long-text editor (a question's text, the reply, a co-bureau's sub-answer): a plain
//! textarea and its character count, rendered on the server; in the browser the count
//! follows the typing and the page asks before it is left with text that was not saved.

use leptos::prelude::*;

/// The textarea and its count. The markup is the server's; the island only listens.
#[component]
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
    let (words, over) = status(text.chars().count(), max_chars, unsaved);
    view! {
        <EditorLive>
            <textarea
                id=id
                name=name
                rows=rows
                required
                data-max-chars=max_chars
                data-unsaved=unsaved.then_some("")
            >
                // tachys 0.2 writes a textarea's children unescaped (`</textarea>` would end it).
                {crate::escape::raw_child(text)}
            </textarea>
            <p class="editor-status" class:over=over aria-live="polite">{words}</p>
        </EditorLive>
    }
}

/// The count under the textarea, and whether the text is over the limit.
pub fn status(chars: usize, max_chars: usize, unsaved: bool) -> (String, bool) {
    let over = chars > max_chars;
    let words = match (over, unsaved) {
        (true, _) => format!(
            "{chars} / {max_chars} 字，超過上限 {} 字",
            chars - max_chars
        ),
        (false, true) => format!("{chars} / {max_chars} 字・尚未儲存"),
        (false, false) => format!("{chars} / {max_chars} 字"),
    };
    (words, over)
}

/// The browser's part. It takes its settings from the markup it wraps (`data-max-chars`,
/// `data-unsaved`) rather than as props: an island's props travel as JSON, and the JSON
/// reader with the float formatting it drags in was a third of the wasm.
#[island]
fn EditorLive(children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    root.on_load(live::start);
    view! { <div class="text-editor" node_ref=root>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod live {
    use leptos::{
        ev,
        prelude::*,
        wasm_bindgen::JsCast,
        web_sys::{EventTarget, HtmlDivElement, HtmlTextAreaElement},
    };

    pub fn start(root: HtmlDivElement) {
        let (Some(area), Some(shown)) = (
            root.query_selector("textarea")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok()),
            root.query_selector(".editor-status").ok().flatten(),
        ) else {
            return;
        };
        let max_chars = area
            .get_attribute("data-max-chars")
            .and_then(|v| v.parse().ok())
            .unwrap_or(usize::MAX);
        let changed = RwSignal::new(area.has_attribute("data-unsaved"));

        let typed = {
            let area = area.clone();
            window_event_listener(ev::input, move |e| {
                if e.target().as_ref() == Some(area.unchecked_ref::<EventTarget>()) {
                    changed.set(true);
                    let (words, over) =
                        super::status(area.value().chars().count(), max_chars, true);
                    shown.set_text_content(Some(&words));
                    let _ = shown.class_list().toggle_with_force("over", over);
                }
            })
        };
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
            if let (Some(form), Some(target)) = (area.form(), e.target()) {
                if form.unchecked_ref::<EventTarget>() == &target && !e.default_prevented() {
                    changed.set(false);
                }
            }
        });
        on_cleanup(move || {
            typed.remove();
            leave.remove();
            save.remove();
        });
    }
}

#[cfg(test)]
mod tests {
    use super::status;

    #[test]
    fn the_count_says_how_many_characters_of_how_many() {
        assert_eq!(status(12, 4000, false), ("12 / 4000 字".to_owned(), false));
    }

    #[test]
    fn text_that_came_back_from_a_refused_save_says_it_is_not_saved() {
        assert_eq!(
            status(12, 4000, true),
            ("12 / 4000 字・尚未儲存".to_owned(), false)
        );
    }

    #[test]
    fn text_over_the_limit_says_by_how_much_and_is_marked() {
        assert_eq!(
            status(4003, 4000, true),
            ("4003 / 4000 字，超過上限 3 字".to_owned(), true)
        );
        assert!(!status(4000, 4000, true).1, "the limit itself is allowed");
    }
}
