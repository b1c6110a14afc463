//! Admin: the synonym table (`/admin/synonyms`).

use super::{
    server_fns::{synonym_groups, AddSynonymGroup, RemoveSynonymGroup, SaveSynonymGroup},
    SynonymGroup,
};
use crate::{
    auth::{guard::RequireRole, Role},
    components::{form_result, kept, ErrorPage, FieldError, FormError, PageTitle},
};
use leptos::prelude::*;

#[component]
pub fn SynonymsPage() -> impl IntoView {
    view! {
        <PageTitle text="搜尋同義詞｜府會通" />
        <RequireRole roles=&[Role::Admin] children=|_| view! { <Synonyms /> } />
    }
}

#[component]
fn Synonyms() -> impl IntoView {
    let add = ServerAction::<AddSynonymGroup>::new();
    let save = ServerAction::<SaveSynonymGroup>::new();
    let remove = ServerAction::<RemoveSynonymGroup>::new();
    let groups = Resource::new(
        move || add.version().get() + save.version().get() + remove.version().get(),
        |_| synonym_groups(),
    );
    let add_error = form_result(add.value());
    let change_error = Signal::derive(move || {
        form_result(save.value())
            .get()
            .or_else(|| form_result(remove.value()).get())
    });
    view! {
        <h1>"搜尋同義詞"</h1>
        <p class="hint">
            "同一組的詞，關鍵字搜尋與「找相似案件」都視為相同：搜尋「社宅」也會找到寫成「社會住宅」的案件。"
            "改了立即生效，不必重建索引。"
        </p>
        <FieldError error=change_error field="words" />
        <FormError error=change_error />
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || Suspend::new(async move {
                match groups.await {
                    Ok(groups) => view! { <Groups groups save remove /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
        <section class="panel" aria-labelledby="add-heading">
            <h2 id="add-heading">"新增一組"</h2>
            <ActionForm action=add attr:class="inline-row">
                <label for="synonym-words">"意思相同的詞"</label>
                <input
                    id="synonym-words"
                    name="words"
                    placeholder="社宅 社會住宅"
                    aria-describedby="synonym-hint"
                    value=kept(add_error, "words")
                    required
                />
                <button type="submit">"新增"</button>
            </ActionForm>
            <p class="field-hint" id="synonym-hint">
                {format!("以空格或頓號分隔，每組至少兩個、最多 {} 個詞；一個詞只能在一組。", super::MAX_WORDS)}
            </p>
            <FieldError error=add_error field="words" />
            <FormError error=add_error />
        </section>
    }
}

#[component]
fn Groups(
    groups: Vec<SynonymGroup>,
    save: ServerAction<SaveSynonymGroup>,
    remove: ServerAction<RemoveSynonymGroup>,
) -> impl IntoView {
    if groups.is_empty() {
        return view! { <p class="empty">"還沒有同義詞。"</p> }.into_any();
    }
    view! {
        <table class="data-table card-table">
            <thead><tr><th scope="col">"同義詞"</th><th scope="col">"刪除"</th></tr></thead>
            <tbody>
                {groups.into_iter().map(|g| {
                    let shown = g.words.join("、");
                    let label = format!("修改同義詞 {shown}");
                    let save_label = format!("儲存 {shown}");
                    let remove_label = format!("刪除 {shown}");
                    view! {
                        <tr>
                            <td data-label="同義詞">
                                <ActionForm action=save attr:class="inline-form">
                                    <input type="hidden" name="id" value=g.id />
                                    <input name="words" value=g.words.join(" ") aria-label=label required />
                                    <button type="submit" class="secondary" aria-label=save_label>"儲存"</button>
                                </ActionForm>
                            </td>
                            <td data-label="刪除">
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="id" value=g.id />
                                    <button type="submit" class="secondary" aria-label=remove_label>"刪除"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
