//! The case page's internal background panel, for those who may see it.

use super::{server_fns::SaveBackground, Background, Flag, NOTE_MAX_CHARS};
use crate::{
    components::{form_result, kept, FieldError, FormError},
    dates::roc_datetime,
};
use leptos::prelude::*;

#[component]
pub fn BackgroundPanel(case_id: i64, background: Background) -> impl IntoView {
    let save = ServerAction::<SaveBackground>::new();
    let error = form_result(save.value());
    let tags = background
        .flags
        .iter()
        .map(|f| view! { <span class="tag tag-overdue">{f.label()}</span>" " })
        .collect_view();
    let updated = background.updated.clone().map(|(by, at)| {
        view! { <p class="muted">{format!("{by} 更新於 {}", roc_datetime(at))}</p> }
    });
    let shown = (!background.note.is_empty())
        .then(|| view! { <div class="prose">{background.note.clone()}</div> });
    let empty = (background.is_empty() && !background.can_edit)
        .then(|| view! { <p class="muted">"主辦局處尚未填寫背景說明。"</p> });
    let form = background.can_edit.then(|| {
        let typed = kept(error, "note");
        let note = if error.get_untracked().is_some() {
            typed
        } else {
            background.note.clone()
        };
        let flags = Flag::ALL
            .iter()
            .map(|f| {
                let checked = background.flags.contains(f);
                view! {
                    <label class="check">
                        <input type="checkbox" name="flags[]" value=f.as_str() checked=checked />
                        {f.label()}
                    </label>
                }
            })
            .collect_view();
        view! {
            <details open=error.get_untracked().is_some() || background.is_empty()>
                <summary>"編輯背景說明與標記"</summary>
                <ActionForm action=save attr:class="stacked-form" attr:aria-label="背景說明與敏感標記">
                    <input type="hidden" name="case_id" value=case_id />
                    <input type="hidden" name="background_version" value=background.version />
                    <FormError error />
                    <label for="bg-note">"背景說明"</label>
                    <textarea id="bg-note" name="note" rows="4" maxlength=NOTE_MAX_CHARS.to_string() aria-describedby="bg-hint">{crate::escape::raw_child(note)}</textarea>
                    <p class="hint" id="bg-hint">"僅本局、秘書處與副秘書長可見；不會出現在議員狀態頁、匯出給議會的檔案或書面答復彙編。"</p>
                    <FieldError error field="note" />
                    <fieldset>
                        <legend>"敏感標記"</legend>
                        {flags}
                    </fieldset>
                    <FieldError error field="flags" />
                    <button type="submit" class="secondary">"儲存背景說明"</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <section class="panel internal" aria-labelledby="background-title">
            <h3 id="background-title">"內部背景說明"</h3>
            <p>{tags}</p>
            {shown}
            {updated}
            {empty}
            {form}
        </section>
    }
}
