//! The secretariat's form for a service case taken by phone, the case page's part of a
//! service case, and the admin's retention setting.

use super::{
    server_fns::{
        personal_data_days, RecordServiceCase, RecordVisitOutcome, SavePersonalDataDays,
        ScheduleVisit,
    },
    PersonalView, ServiceFacts, Visit, VisitKind, ADDRESS_MAX_CHARS, CONTACT_MAX_CHARS,
    DISTRICT_MAX_CHARS, NAME_MAX_CHARS, OUTCOME_MAX_CHARS, PHONE_MAX_CHARS, PLACE_MAX_CHARS,
    TOPIC_MAX_CHARS, VISIT_BUREAU_ROWS,
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

/// A visit in words: `會勘 113/03/20 14:00，石牌路口`.
pub fn visit_heading(v: &Visit) -> String {
    let at = if v.starts_at.is_empty() {
        String::new()
    } else {
        format!(" {}", v.starts_at)
    };
    format!(
        "{} {}{at}，{}",
        v.kind.label(),
        roc_date(v.held_on),
        v.place
    )
}

/// A service case's site inspections and coordination meetings, and the forms to schedule
/// one and record what came of it.
#[component]
pub fn Visits(
    case_id: i64,
    visits: Vec<Visit>,
    can_arrange: bool,
    bureaus: Vec<(i64, String)>,
    /// The lead bureau, offered first.
    lead: Option<i64>,
) -> impl IntoView {
    let schedule = ServerAction::<ScheduleVisit>::new();
    let outcome = ServerAction::<RecordVisitOutcome>::new();
    let error = form_result(schedule.value());
    let outcome_error = form_result(outcome.value());
    let typed_rows = error
        .get_untracked()
        .map(|e| (e.input("bureau"), e.input("attendees")))
        .unwrap_or_default();
    let list = if visits.is_empty() {
        view! { <p class="empty">"尚未安排會勘或協調會。"</p> }.into_any()
    } else {
        visits
            .into_iter()
            .map(|v| {
                let who = v
                    .bureaus
                    .iter()
                    .map(|(b, a)| if a.is_empty() { b.clone() } else { format!("{b}（{a}）") })
                    .collect::<Vec<_>>()
                    .join("、");
                let record = (can_arrange && v.outcome.is_none()).then(|| {
                    let field = format!("outcome-{}", v.id);
                    view! {
                        <ActionForm action=outcome attr:class="stacked-form" attr:aria-label=format!("記錄{}結果", v.kind.label())>
                            <input type="hidden" name="visit_id" value=v.id />
                            <label for=field.clone()>{format!("{}結果", v.kind.label())}</label>
                            <textarea id=field name="outcome" rows="3" maxlength=OUTCOME_MAX_CHARS.to_string() required></textarea>
                            <button type="submit" class="secondary">"記錄結果"</button>
                        </ActionForm>
                    }
                });
                view! {
                    <li>
                        <p><strong>{visit_heading(&v)}</strong></p>
                        <p>{format!("出席：{who}")}</p>
                        {v.outcome.clone().map(|o| view! { <p>{format!("結果：{o}")}</p> })}
                        {record}
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let form = can_arrange.then(|| {
        let rows = (0..VISIT_BUREAU_ROWS)
            .map(|i| {
                let chosen = typed_rows
                    .0
                    .get(i)
                    .cloned()
                    .or_else(|| (i == 0).then(|| lead.map(|l| l.to_string())).flatten())
                    .unwrap_or_default();
                let who = typed_rows.1.get(i).cloned().unwrap_or_default();
                let (b, a) = (format!("visit-bureau-{i}"), format!("visit-attendees-{i}"));
                view! {
                    <label for=b.clone()>{format!("出席機關 {}", i + 1)}</label>
                    <div class="inline-row">
                        <select id=b name="bureau[]">
                            <option value="">"（不列）"</option>
                            {bureaus
                                .iter()
                                .map(|(id, name)| view! {
                                    <option value=id.to_string() selected=chosen == id.to_string()>{name.clone()}</option>
                                })
                                .collect_view()}
                        </select>
                        <label for=a.clone() class="visually-hidden">{format!("出席機關 {} 的人員", i + 1)}</label>
                        <input id=a name="attendees[]" value=who placeholder="出席人員（職稱姓名）" />
                    </div>
                }
            })
            .collect_view();
        let kind_kept = kept(error, "kind");
        view! {
            <ActionForm action=schedule attr:class="grid-form" attr:aria-label="安排會勘或協調會">
                <input type="hidden" name="case_id" value=case_id />
                <FormError error />
                <FormProblems error />
                <label for="visit-kind">"類型"</label>
                <div>
                    <select id="visit-kind" name="kind">
                        {VisitKind::ALL
                            .iter()
                            .map(|k| view! { <option value=k.as_str() selected=kind_kept == k.as_str()>{k.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <label for="visit-day">"日期"</label>
                <div>
                    <input id="visit-day" name="held_on" value=kept(error, "held_on") placeholder=crate::dates::example_date() required />
                    <FieldError error field="held_on" />
                </div>
                <label for="visit-time">"時間"</label>
                <div>
                    <input id="visit-time" name="starts_at" value=kept(error, "starts_at") placeholder="14:00" />
                    <FieldError error field="starts_at" />
                </div>
                <label for="visit-place">"地點"</label>
                <div>
                    <input id="visit-place" name="place" value=kept(error, "place") maxlength=PLACE_MAX_CHARS.to_string() required />
                    <FieldError error field="place" />
                </div>
                {rows}
                <div></div>
                <div>
                    <FieldError error field="bureau" />
                    <FieldError error field="attendees" />
                    <button type="submit">"安排"</button>
                </div>
            </ActionForm>
        }
    });
    view! {
        <section class="panel" id="visits" aria-labelledby="visits-heading">
            <h2 id="visits-heading">"會勘與協調會"</h2>
            <ul class="visits">{list}</ul>
            <FieldError error=outcome_error field="outcome" />
            <FormError error=outcome_error />
            {form}
        </section>
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
