//! The case page's grouped and referral answers: what this case is answered through or
//! answers too (with the undo), and the similar questions the lead bureau may group under
//! it or refer to.

use super::{
    server_fns::{GroupReply, ReferReply, UnlinkReply},
    Offer, ShareKind, Shared,
};
use crate::{
    cases::search::SimilarCase,
    components::{form_result, FormError},
};
use leptos::prelude::*;

#[component]
pub fn SharedPanel(case_id: i64, shared: Shared, open: bool) -> impl IntoView {
    let unlink = ServerAction::<UnlinkReply>::new();
    let error = form_result(unlink.value());
    let undo = move |id: i64, words: String| {
        (shared.can_unlink && open).then(|| {
            let name = words.clone();
            view! {
                <ActionForm action=unlink attr:class="inline-row" attr:aria-label=name>
                    <input type="hidden" name="case_id" value=id />
                    <button type="submit" class="secondary">{words}</button>
                </ActionForm>
            }
        })
    };
    let through = shared.through.clone().map(|t| {
        let link = view! { <a href=format!("/cases/{}", t.case_id)>{t.label.clone()}</a> };
        let (before, after, words) = match t.kind {
            ShareKind::Grouped => (
                "本案由",
                "一併答復（答復內容在該案撰寫與審查）。",
                "取消併案",
            ),
            ShareKind::Referral => (
                "本案援引",
                "之答復，答復內容已引用該案答復，審查如一般答復。",
                "取消援引",
            ),
        };
        view! {
            <p>{before}{link}{format!("（{}）", t.councilors)}{after}</p>
            {undo(case_id, words.to_owned())}
        }
    });
    let members = (!shared.members.is_empty()).then(|| {
        view! {
            <p>"本案答復併同答復下列質詢；審查通過時一併通過："</p>
            <ul class="plain-list">
                {shared
                    .members
                    .iter()
                    .map(|m| view! {
                        <li>
                            <a href=format!("/cases/{}", m.case_id)>{m.label.clone()}</a>
                            {format!("（{}）", m.councilors)}
                            {undo(m.case_id, format!("取消{}併案", m.label))}
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        <section class="panel" aria-labelledby="shared-title">
            <h2 id="shared-title">"併案與援引答復"</h2>
            {through}
            {members}
            <FormError error />
        </section>
    }
}

/// The similar questions the lead bureau may group under this case or refer to, each with
/// its one button.
#[component]
pub fn ShareOffers(case_id: i64, offers: Vec<Offer>, similar: Vec<SimilarCase>) -> impl IntoView {
    let group = ServerAction::<GroupReply>::new();
    let refer = ServerAction::<ReferReply>::new();
    let group_error = form_result(group.value());
    let refer_error = form_result(refer.value());
    let rows = offers
        .into_iter()
        .filter_map(|o| {
            let s = similar.iter().find(|s| s.id == o.case_id)?;
            let label = crate::cases::case_label(s.kind, s.number);
            let name = format!("{}{}", o.words(), label);
            let form = match o.kind {
                ShareKind::Grouped => view! {
                    <ActionForm action=group attr:class="inline-row" attr:aria-label=name.clone()>
                        <input type="hidden" name="case_id" value=case_id />
                        <input type="hidden" name="other_id" value=o.case_id />
                        <button type="submit" class="secondary">{o.words()}</button>
                    </ActionForm>
                }
                .into_any(),
                ShareKind::Referral => view! {
                    <ActionForm action=refer attr:class="inline-row" attr:aria-label=name.clone()>
                        <input type="hidden" name="case_id" value=case_id />
                        <input type="hidden" name="other_id" value=o.case_id />
                        <button type="submit" class="secondary">{o.words()}</button>
                    </ActionForm>
                }
                .into_any(),
            };
            let hint = match o.kind {
                ShareKind::Grouped => "尚在撰寫，可由本案一併答復",
                ShareKind::Referral => "已審查通過，可援引其答復",
            };
            Some(view! {
                <li>
                    <a href=format!("/cases/{}", s.id)>{label}</a>
                    {format!(" {}・{}", s.councilors, hint)}
                    {form}
                </li>
            })
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="share-offers">
            <h2 id="share-offers">"併案或援引答復"</h2>
            <p class="hint">"同一主題的質詢可由一案一併答復；先前已答復過的，可援引該答復（期間由系統管理者設定）。"</p>
            <ul class="plain-list">{rows}</ul>
            <FormError error=group_error />
            <FormError error=refer_error />
        </section>
    }
}

/// How far back an answer may be referred to, as the admin sets it.
#[component]
pub fn ReferralWindowForm() -> impl IntoView {
    use super::server_fns::{referral_window, SaveReferralWindow};
    use crate::components::FieldError;
    let save = ServerAction::<SaveReferralWindow>::new();
    let current = Resource::new(move || save.version().get(), |_| referral_window());
    let error = form_result(save.value());
    view! {
        <section class="panel">
            <h2>"援引答復期間"</h2>
            <p class="hint">"局處可援引多久以內審查通過的答復（月）；超過期間的答復須重新撰寫。"</p>
            <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
                {Suspend::new(async move {
                    let months = current.await.unwrap_or(super::WINDOW_DEFAULT_MONTHS);
                    view! {
                        <ActionForm action=save attr:class="inline-row" attr:aria-label="援引答復期間">
                            <label for="referral-window">"援引期間（月）"</label>
                            <input id="referral-window" name="months" value=months.to_string() inputmode="numeric" required />
                            <button type="submit">"儲存"</button>
                        </ActionForm>
                    }
                })}
            </Transition>
            <FieldError error field="months" />
            <FormError error />
        </section>
    }
}
