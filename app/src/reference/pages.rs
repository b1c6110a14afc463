//! Admin: council terms and sessions, councilors, bureaus and sitting types.

use super::{
    server_fns::{
        load_reference, AddBureau, AddCouncilor, AddServiceCategory, AddSession, AddSittingType,
        AddSittingTypeAlias, AddTerm, RemoveSittingTypeAlias, SetActive, UpdateBureau,
        UpdateCouncilor, UpdateSession,
    },
    ReferenceData, SessionKind, Term,
};
use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, Role},
    components::{form_result, ErrorPage, FieldError, FormError, FormResult},
    dates::roc_date,
};
use leptos::prelude::*;

#[component]
pub fn ReferencePage() -> impl IntoView {
    view! {
        <PageTitle text="基本資料｜府會通" />
        <RequireRole roles=&[Role::Admin] children=|_| view! { <Reference /> } />
    }
}

#[derive(Clone, Copy)]
struct Forms {
    term: ServerAction<AddTerm>,
    session: ServerAction<AddSession>,
    councilor: ServerAction<AddCouncilor>,
    bureau: ServerAction<AddBureau>,
    sitting: ServerAction<AddSittingType>,
    category: ServerAction<AddServiceCategory>,
    alias: ServerAction<AddSittingTypeAlias>,
    unalias: ServerAction<RemoveSittingTypeAlias>,
    active: ServerAction<SetActive>,
    edit_session: ServerAction<UpdateSession>,
    edit_councilor: ServerAction<UpdateCouncilor>,
    edit_bureau: ServerAction<UpdateBureau>,
}

#[component]
fn Reference() -> impl IntoView {
    let forms = Forms {
        term: ServerAction::new(),
        session: ServerAction::new(),
        councilor: ServerAction::new(),
        bureau: ServerAction::new(),
        sitting: ServerAction::new(),
        category: ServerAction::new(),
        alias: ServerAction::new(),
        unalias: ServerAction::new(),
        active: ServerAction::new(),
        edit_session: ServerAction::new(),
        edit_councilor: ServerAction::new(),
        edit_bureau: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            forms.term.version().get()
                + forms.session.version().get()
                + forms.councilor.version().get()
                + forms.bureau.version().get()
                + forms.sitting.version().get()
                + forms.category.version().get()
                + forms.alias.version().get()
                + forms.unalias.version().get()
                + forms.active.version().get()
                + forms.edit_session.version().get()
                + forms.edit_councilor.version().get()
                + forms.edit_bureau.version().get()
        },
        |_| load_reference(),
    );
    view! {
        <h1>"基本資料"</h1>
        <VolumeTitleForm />
        <crate::grouping::pages::ReferralWindowForm />
        <crate::service::pages::RetentionForm />
        <p class="hint">"停用的局處、議員與質詢類別保留在既有案件上，但不再出現在新案件的選單。"</p>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <Sections data forms /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A retire/restore button for one row.
fn toggle(forms: Forms, kind: &'static str, id: i64, active: bool, name: String) -> impl IntoView {
    view! {
        <ActionForm action=forms.active attr:class="inline-form">
            <input type="hidden" name="kind" value=kind />
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="active" value=if active { "" } else { "1" } />
            <button type="submit" class="secondary" aria-label=format!("{}{name}", if active { "停用" } else { "啟用" })>
                {if active { "停用" } else { "啟用" }}
            </button>
        </ActionForm>
    }
}

fn field(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    error: FormResult,
    placeholder: impl Into<String>,
) -> impl IntoView {
    let placeholder = placeholder.into();
    view! {
        <label for=id>{label}</label>
        <div>
            <input id=id name=name placeholder=placeholder />
            <FieldError error field=name />
        </div>
    }
}

fn term_options(terms: &[Term], selected: i64) -> impl IntoView {
    terms
        .iter()
        .map(|t| view! { <option value=t.id selected=t.id == selected>{format!("第{}屆", t.number)}</option> })
        .collect_view()
}

/// A labelled input with a value, for the edit forms.
fn filled(label: &'static str, name: &'static str, value: String) -> impl IntoView {
    view! {
        <label>
            {label}
            <input name=name value=value aria-label=label />
        </label>
    }
}

#[component]
fn Sections(data: ReferenceData, forms: Forms) -> impl IntoView {
    let term_error = form_result(forms.term.value());
    let session_error = form_result(forms.session.value());
    let councilor_error = form_result(forms.councilor.value());
    let bureau_error = form_result(forms.bureau.value());
    let sitting_error = form_result(forms.sitting.value());
    let category_error = form_result(forms.category.value());
    let alias_error = form_result(forms.alias.value());
    let type_choices: Vec<(i64, String)> = data
        .sitting_types
        .iter()
        .map(|t| (t.id, t.name.clone()))
        .collect();
    let active_error = form_result(forms.active.value());
    let edit_error = Signal::derive(move || {
        form_result(forms.edit_session.value())
            .get()
            .or_else(|| form_result(forms.edit_councilor.value()).get())
            .or_else(|| form_result(forms.edit_bureau.value()).get())
    });
    let newest = data.terms.first().map(|t| t.id).unwrap_or_default();
    let session_terms = data.terms.clone();
    let councilor_terms = data.terms.clone();
    let new_session_terms = term_options(&data.terms, newest);
    let new_councilor_terms = term_options(&data.terms, newest);
    view! {
        <FormError error=active_error />
        <FormError error=edit_error />
        {move || edit_error.get().and_then(|e| match e {
            crate::error::AppError::Validation { message, .. } => Some(view! { <p class="form-error" role="alert">{message}</p> }),
            _ => None,
        })}
        <section class="panel">
            <h2>"屆別與會期"</h2>
            <table class="data-table">
                <thead><tr><th scope="col">"會期"</th><th scope="col">"開始"</th><th scope="col">"結束"</th><th></th></tr></thead>
                <tbody>
                    {data.sessions.into_iter().map(|s| {
                        let terms = term_options(&session_terms, s.term_id);
                        let label = format!("修改{}", s.title);
                        view! {
                        <tr>
                            <td>{s.title.clone()}</td><td>{roc_date(s.starts_on)}</td><td>{roc_date(s.ends_on)}</td>
                            <td>
                                <details>
                                    <summary>"修改"</summary>
                                    <ActionForm action=forms.edit_session attr:class="edit-row" attr:aria-label=label>
                                        <input type="hidden" name="id" value=s.id />
                                        <label>"屆別"<select name="term_id">{terms}</select></label>
                                        <label>"類別"
                                            <select name="kind">
                                                {[SessionKind::Regular, SessionKind::Extraordinary].into_iter().map(|k| view! { <option value=k.as_str() selected=k == s.kind>{k.label()}</option> }).collect_view()}
                                            </select>
                                        </label>
                                        {filled("會次", "number", s.number.to_string())}
                                        {filled("開始日期", "starts_on", roc_date(s.starts_on))}
                                        {filled("結束日期", "ends_on", roc_date(s.ends_on))}
                                        <button type="submit">"儲存"</button>
                                    </ActionForm>
                                </details>
                            </td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
            <h3>"新增會期"</h3>
            <ActionForm action=forms.session attr:class="grid-form" attr:aria-label="新增會期">
                <FormError error=session_error />
                <label for="s-term">"屆別"</label>
                <div><select id="s-term" name="term_id">{new_session_terms}</select><FieldError error=session_error field="term_id" /></div>
                <label for="s-kind">"類別"</label>
                <div>
                    <select id="s-kind" name="kind">
                        {[SessionKind::Regular, SessionKind::Extraordinary].into_iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select>
                </div>
                {field("s-number", "number", "會次", session_error, "4")}
                {field("s-start", "starts_on", "開始日期", session_error, crate::dates::example_date())}
                {field("s-end", "ends_on", "結束日期", session_error, "")}
                <div></div><div><button type="submit">"新增會期"</button></div>
            </ActionForm>
            <h3>"新增屆別"</h3>
            <ActionForm action=forms.term attr:class="grid-form" attr:aria-label="新增屆別">
                <FormError error=term_error />
                {field("t-number", "number", "屆次", term_error, "15")}
                {field("t-start", "starts_on", "就職日", term_error, "115/12/25")}
                {field("t-end", "ends_on", "任期屆滿", term_error, "119/12/24")}
                <div></div><div><button type="submit">"新增屆別"</button></div>
            </ActionForm>
        </section>
        <section class="panel">
            <h2>"議員"</h2>
            <table class="data-table">
                <thead><tr><th scope="col">"屆"</th><th scope="col">"姓名"</th><th scope="col">"政黨"</th><th scope="col">"黨團"</th><th scope="col">"選區"</th><th scope="col">"狀態"</th><th></th></tr></thead>
                <tbody>
                    {data.councilors.into_iter().map(|c| {
                        let terms = term_options(&councilor_terms, c.term_id);
                        let label = format!("修改{}", c.name);
                        view! {
                        <tr>
                            <td>{c.term}</td><td>{c.name.clone()}</td><td>{c.party.clone()}</td><td>{c.caucus.clone()}</td><td>{c.district.clone()}</td>
                            <td>{if c.active { "在職" } else { "停用" }}</td>
                            <td>
                                {toggle(forms, "councilor", c.id, c.active, c.name.clone())}
                                <details>
                                    <summary>"修改"</summary>
                                    <ActionForm action=forms.edit_councilor attr:class="edit-row" attr:aria-label=label>
                                        <input type="hidden" name="id" value=c.id />
                                        <label>"屆別"<select name="term_id">{terms}</select></label>
                                        {filled("姓名", "name", c.name.clone())}
                                        {filled("政黨", "party", c.party.clone())}
                                        {filled("黨團", "caucus", c.caucus.clone())}
                                        {filled("選區", "district", c.district.clone())}
                                        <button type="submit">"儲存"</button>
                                    </ActionForm>
                                </details>
                            </td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
            <h3>"新增議員"</h3>
            <ActionForm action=forms.councilor attr:class="grid-form" attr:aria-label="新增議員">
                <FormError error=councilor_error />
                <label for="c-term">"屆別"</label>
                <div><select id="c-term" name="term_id">{new_councilor_terms}</select><FieldError error=councilor_error field="term_id" /></div>
                {field("c-name", "name", "姓名", councilor_error, "")}
                {field("c-party", "party", "政黨", councilor_error, "")}
                {field("c-caucus", "caucus", "黨團", councilor_error, "")}
                {field("c-district", "district", "選區", councilor_error, "")}
                <div></div><div><button type="submit">"新增議員"</button></div>
            </ActionForm>
        </section>
        <section class="panel">
            <h2>"局處"</h2>
            <table class="data-table">
                <thead><tr><th scope="col">"代碼"</th><th scope="col">"全名"</th><th scope="col">"簡稱"</th><th scope="col">"狀態"</th><th></th></tr></thead>
                <tbody>
                    {data.bureaus.into_iter().map(|b| {
                        let label = format!("修改{}", b.name);
                        view! {
                        <tr>
                            <td>{b.code.clone()}</td><td>{b.name.clone()}</td><td>{b.short_name.clone()}</td>
                            <td>{if b.active { "啟用" } else { "停用" }}</td>
                            <td>
                                {toggle(forms, "bureau", b.id, b.active, b.name.clone())}
                                <details>
                                    <summary>"修改"</summary>
                                    <ActionForm action=forms.edit_bureau attr:class="edit-row" attr:aria-label=label>
                                        <input type="hidden" name="id" value=b.id />
                                        {filled("代碼", "code", b.code.clone())}
                                        {filled("全名", "name", b.name.clone())}
                                        {filled("簡稱", "short_name", b.short_name.clone())}
                                        <button type="submit">"儲存"</button>
                                    </ActionForm>
                                </details>
                            </td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
            <h3>"新增局處"</h3>
            <ActionForm action=forms.bureau attr:class="grid-form" attr:aria-label="新增局處">
                <FormError error=bureau_error />
                {field("b-code", "code", "代碼", bureau_error, "DOT")}
                {field("b-name", "name", "全名", bureau_error, "交通局")}
                {field("b-short", "short_name", "簡稱", bureau_error, "交通局")}
                <div></div><div><button type="submit">"新增局處"</button></div>
            </ActionForm>
        </section>
        <section class="panel">
            <h2>"質詢類別"</h2>
            <table class="data-table">
                <thead><tr><th scope="col">"名稱"</th><th scope="col">"匯入時也認得的別名"</th><th scope="col">"狀態"</th><th></th></tr></thead>
                <tbody>
                    {data.sitting_types.into_iter().map(|t| view! {
                        <tr>
                            <td>{t.name.clone()}</td>
                            <td>
                                {t.aliases.into_iter().map(|(id, alias)| view! {
                                    <ActionForm action=forms.unalias attr:class="inline-form alias">
                                        <input type="hidden" name="id" value=id />
                                        {alias.clone()}
                                        <button type="submit" class="secondary" aria-label=format!("移除別名{alias}")>"×"</button>
                                    </ActionForm>
                                }).collect_view()}
                            </td>
                            <td>{if t.active { "啟用" } else { "停用" }}</td>
                            <td>{toggle(forms, "sitting_type", t.id, t.active, t.name)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ActionForm action=forms.sitting attr:class="inline-row" attr:aria-label="新增質詢類別">
                <label for="st-name">"新增質詢類別"</label>
                <input id="st-name" name="name" />
                <button type="submit">"新增"</button>
            </ActionForm>
            <FieldError error=sitting_error field="name" />
            <FormError error=sitting_error />
            <ActionForm action=forms.alias attr:class="inline-row" attr:aria-label="新增別名">
                <label for="alias-type">"別名屬於"</label>
                <select id="alias-type" name="sitting_type" required>
                    <option value="">"（請選擇）"</option>
                    {type_choices.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
                <label for="alias-name">"別名"</label>
                <input id="alias-name" name="alias" placeholder="總質詢" required />
                <button type="submit">"新增別名"</button>
            </ActionForm>
            <p class="field-hint">"議會清單上的類別名稱與上表不同時（例如「總質詢」「業務質詢」），加為別名，匯入時即可對應。"</p>
            <FieldError error=alias_error field="alias" />
            <FormError error=alias_error />
        </section>
        <section class="panel">
            <h2>"服務案件類別"</h2>
            <table class="data-table">
                <thead><tr><th scope="col">"名稱"</th><th scope="col">"狀態"</th><th></th></tr></thead>
                <tbody>
                    {data.service_categories.into_iter().map(|t| view! {
                        <tr>
                            <td>{t.name.clone()}</td>
                            <td>{if t.active { "啟用" } else { "停用" }}</td>
                            <td>{toggle(forms, "service_category", t.id, t.active, t.name)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ActionForm action=forms.category attr:class="inline-row" attr:aria-label="新增服務案件類別">
                <label for="sc-name">"新增服務案件類別"</label>
                <input id="sc-name" name="name" />
                <button type="submit">"新增"</button>
            </ActionForm>
            <FieldError error=category_error field="name" />
            <FormError error=category_error />
        </section>
    }
    .into_any()
}

/// What the council calls a volume of written replies, as the admin sets it.
#[component]
fn VolumeTitleForm() -> impl IntoView {
    use crate::volume::server_fns::{volume_title_words, SaveVolumeTitle};
    let save = ServerAction::<SaveVolumeTitle>::new();
    let current = Resource::new(move || save.version().get(), |_| volume_title_words());
    let error = form_result(save.value());
    view! {
        <section class="panel">
            <h2>"書面答復彙編名稱"</h2>
            <p class="hint">"彙編標題的末段，依議會刊物的用語，例如「書面答復彙編」或「書面質詢及答覆彙編」。"</p>
            <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
                {Suspend::new(async move {
                    let words = current.await.unwrap_or_default();
                    view! {
                        <ActionForm action=save attr:class="inline-row" attr:aria-label="彙編名稱">
                            <label for="volume-title">"彙編名稱"</label>
                            <input id="volume-title" name="words" value=words maxlength="20" required />
                            <button type="submit">"儲存"</button>
                        </ActionForm>
                    }
                })}
            </Transition>
            <FieldError error field="words" />
            <FormError error />
        </section>
    }
}
