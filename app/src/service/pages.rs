//! The secretariat's form for a service case taken by phone, the case page's part of a
//! service case, and the admin's retention setting.

use super::{
    server_fns::{personal_data_days, RecordServiceCase, SavePersonalDataDays},
    PersonalView, ServiceFacts, ADDRESS_MAX_CHARS, CONTACT_MAX_CHARS, DISTRICT_MAX_CHARS,
    NAME_MAX_CHARS, PHONE_MAX_CHARS, TOPIC_MAX_CHARS,
};
use crate::{
    auth::{guard::RequireRole, Role},
    cases::pages::select_field,
    components::{form_result, kept, FieldError, FormError, FormProblems, PageTitle},
    dates::roc_date,
    reference::server_fns::load_choices,
};
use leptos::prelude::*;

#[component]
pub fn NewServiceCasePage() -> impl IntoView {
    view! {
        <PageTitle text="登錄服務案件｜府會通" />
        <RequireRole roles=&[Role::Secretariat] children=|_| view! { <NewServiceCase /> } />
    }
}

#[component]
fn NewServiceCase() -> impl IntoView {
    let record = ServerAction::<RecordServiceCase>::new();
    let error = form_result(record.value());
    let options = Resource::new(|| (), |_| load_choices());
    view! {
        <h1>"登錄服務案件"</h1>
        <p class="hint">"議員辦公室來電或來函轉達的民眾陳情（議員服務案件）。陳情人姓名與電話屬個人資料，只有秘書處與承辦局處看得到，結案後依保存期限刪除。"</p>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                let c = options.await.unwrap_or_default();
                let first_session = c.sessions.first().map(|s| s.0.to_string()).into_iter().collect::<Vec<_>>();
                let session_kept = match kept(error, "session_id") { s if s.is_empty() => first_session, s => vec![s] };
                view! {
                    <ActionForm action=record attr:class="grid-form wide" attr:aria-label="登錄服務案件">
                        <FormError error />
                        <FormProblems error />
                        <label for="s-session">"會期"</label>
                        <div>
                            {select_field("s-session", "form[session_id]", c.sessions, session_kept, "請選擇")}
                            <FieldError error field="session_id" />
                        </div>
                        <label for="s-councilor">"議員"</label>
                        <div>
                            {select_field("s-councilor", "form[councilor_id]", c.councilors, vec![kept(error, "councilor_id")], "請選擇")}
                            <FieldError error field="councilor_id" />
                        </div>
                        <label for="s-category">"案件類別"</label>
                        <div>
                            {select_field("s-category", "form[category_id]", c.service_categories, vec![kept(error, "category_id")], "請選擇")}
                            <FieldError error field="category_id" />
                        </div>
                        <label for="s-topic">"案由"</label>
                        <div>
                            <input id="s-topic" name="form[topic]" value=kept(error, "topic") maxlength=TOPIC_MAX_CHARS.to_string() required />
                            <FieldError error field="topic" />
                        </div>
                        <label for="s-body">"陳情事項"</label>
                        <div>
                            <textarea id="s-body" name="form[body]" rows="6" required>{crate::escape::raw_child(kept(error, "body"))}</textarea>
                            <FieldError error field="body" />
                        </div>
                        <label for="s-district">"行政區"</label>
                        <div>
                            <input id="s-district" name="form[district]" value=kept(error, "district") maxlength=DISTRICT_MAX_CHARS.to_string() />
                            <FieldError error field="district" />
                        </div>
                        <label for="s-address">"地點"</label>
                        <div>
                            <input id="s-address" name="form[address]" value=kept(error, "address") maxlength=ADDRESS_MAX_CHARS.to_string() />
                            <FieldError error field="address" />
                        </div>
                        <label for="s-received">"收件時間"</label>
                        <div>
                            <input id="s-received" name="form[received_at]" placeholder=format!("{} 10:30", crate::dates::example_date()) value=kept(error, "received_at") required />
                            <FieldError error field="received_at" />
                        </div>
                        <label for="s-contact">"辦公室聯絡人"</label>
                        <div>
                            <input id="s-contact" name="form[office_contact]" value=kept(error, "office_contact") maxlength=CONTACT_MAX_CHARS.to_string() placeholder="助理姓名與電話" />
                            <FieldError error field="office_contact" />
                        </div>
                        <label for="s-name">"陳情人姓名"</label>
                        <div>
                            <input id="s-name" name="form[constituent_name]" value=kept(error, "constituent_name") maxlength=NAME_MAX_CHARS.to_string() autocomplete="off" />
                            <FieldError error field="constituent_name" />
                        </div>
                        <label for="s-phone">"陳情人電話"</label>
                        <div>
                            <input id="s-phone" name="form[constituent_phone]" type="tel" value=kept(error, "constituent_phone") maxlength=PHONE_MAX_CHARS.to_string() autocomplete="off" />
                            <FieldError error field="constituent_phone" />
                        </div>
                        <div></div>
                        <div>
                            <button type="submit">"登錄"</button>
                        </div>
                    </ActionForm>
                }
            })}
        </Transition>
    }
}

/// A service case's own facts, inside the case page's fact list.
#[component]
pub fn ServiceFactRows(facts: ServiceFacts) -> impl IntoView {
    let place = [facts.district.as_str(), facts.address.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let constituent = match facts.constituent {
        PersonalView::Shown(p) => {
            let phone = (!p.phone.is_empty()).then(|| format!("（{}）", p.phone));
            view! { <span class="personal-data">{p.name}{phone}</span> }.into_any()
        }
        PersonalView::Withheld => {
            view! { <span class="muted">"個人資料，僅秘書處與承辦局處可見"</span> }.into_any()
        }
        PersonalView::Removed(on) => view! {
            <span class="muted">{format!("已於 {} 依保存期限刪除", roc_date(on))}</span>
        }
        .into_any(),
        PersonalView::NotGiven => view! { <span class="muted">"未提供"</span> }.into_any(),
    };
    view! {
        <dt>"案件類別"</dt>
        <dd>{facts.category}</dd>
        <dt>"地點"</dt>
        <dd>{if place.is_empty() { "—".to_owned() } else { place }}</dd>
        {(!facts.office_contact.is_empty()).then(|| view! {
            <dt>"辦公室聯絡人"</dt>
            <dd>{facts.office_contact.clone()}</dd>
        })}
        <dt>"陳情人"</dt>
        <dd>{constituent}</dd>
    }
}

/// The admin's form: how long a closed service case keeps its constituent's name and phone.
#[component]
pub fn RetentionForm() -> impl IntoView {
    let save = ServerAction::<SavePersonalDataDays>::new();
    let current = Resource::new(move || save.version().get(), |_| personal_data_days());
    let error = form_result(save.value());
    view! {
        <section class="panel">
            <h2>"服務案件個資保存期限"</h2>
            <p class="hint">"服務案件結案（或不受理）後，陳情人姓名與電話保留的天數；期滿由系統自動刪除，案件其餘內容保留。"</p>
            <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
                {Suspend::new(async move {
                    let days = current.await.map(|d| d.to_string()).unwrap_or_default();
                    view! {
                        <ActionForm action=save attr:class="inline-row" attr:aria-label="個資保存期限">
                            <label for="personal-days">"保存天數"</label>
                            <input id="personal-days" name="days" value=days inputmode="numeric" required />
                            <button type="submit">"儲存"</button>
                        </ActionForm>
                    }
                })}
            </Transition>
            <FieldError error field="days" />
            <FormError error />
        </section>
    }
}
