//! `/account/notifications` (通知設定): the user's address and how they hear of each kind of
//! notice; `/account/email/confirm`: the page a confirmation link opens.

use super::{
    delivery::{Mode, MySettings},
    server_fns::{my_settings, ChangeMyEmail, ConfirmMyEmail, SaveNotificationPrefs},
};
use crate::{
    auth::{guard::RequireRole, Role},
    components::{form_result, kept, ErrorPage, FieldError, FormError, PageTitle},
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};
use serde::{Deserialize, Serialize};

// What a form of these pages did, told on the settings page it lands on
// (`/account/notifications?done=saved`), with or without JavaScript.
text_enum!(SettingsDone {
    Saved = "saved" / "已儲存通知設定。",
    ConfirmSent = "confirm_sent" / "確認信已寄出，請到新信箱開啟連結。",
    EmailConfirmed = "email_confirmed" / "已確認，之後的通知會寄到新的信箱。",
});

impl SettingsDone {
    pub fn path(self) -> String {
        format!("/account/notifications?done={}", self.as_str())
    }
}

#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    view! {
        <PageTitle text="通知設定｜府會通" />
        <RequireRole roles=&Role::ALL children=|_| view! { <Settings /> } />
    }
}

#[component]
fn Settings() -> impl IntoView {
    let change = ServerAction::<ChangeMyEmail>::new();
    let save = ServerAction::<SaveNotificationPrefs>::new();
    let settings = Resource::new(
        move || change.version().get() + save.version().get(),
        |_| my_settings(),
    );
    let email_error = form_result(change.value());
    let save_error = form_result(save.value());
    let query = use_query_map();
    let done = move || query.with(|q| q.get("done").and_then(|c| SettingsDone::parse(&c)));
    view! {
        <h1>"通知設定"</h1>
        {move || done().map(|d| view! { <p class="form-ok" role="status">{d.label()}</p> })}
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(mine) => view! { <SettingsForms mine change save email_error save_error /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SettingsForms(
    mine: MySettings,
    change: ServerAction<ChangeMyEmail>,
    save: ServerAction<SaveNotificationPrefs>,
    email_error: crate::components::FormResult,
    save_error: crate::components::FormResult,
) -> impl IntoView {
    let digest_at = if mine.digest_at.is_empty() {
        "08:30".to_owned()
    } else {
        mine.digest_at.clone()
    };
    view! {
        <section class="panel" aria-labelledby="email-heading">
            <h2 id="email-heading">"通知信箱"</h2>
            <p>
                {match &mine.email {
                    Some(address) => format!("通知寄到 {address}。"),
                    None => "尚未設定通知信箱，通知只會出現在府會通的「通知」頁。".to_owned(),
                }}
            </p>
            {mine.pending.clone().map(|address| view! {
                <p class="hint" role="status">{format!("等待確認：{address}。請開啟寄到該信箱的確認信（24 小時內有效）；確認前仍寄到原信箱。")}</p>
            })}
            <ActionForm action=change attr:class="inline-row">
                <label for="new-email">"新的通知信箱"</label>
                <input id="new-email" type="email" name="email" autocomplete="email" value=kept(email_error, "email") required />
                <button type="submit">"寄出確認信"</button>
            </ActionForm>
            <FieldError error=email_error field="email" />
            <FormError error=email_error />
        </section>
        <section class="panel" aria-labelledby="prefs-heading">
            <h2 id="prefs-heading">"各類通知"</h2>
            <p class="hint">
                {format!("「每日摘要」在每個工作日上午 {digest_at} 寄出一封，列出上次摘要以來的通知。")}
                "假日只立即寄出最速件與三日內取件的通知，其餘併入下一個工作日的摘要。"
            </p>
            <FormError error=save_error />
            <ActionForm action=save attr:class="prefs">
                {mine.prefs.into_iter().map(|(kind, mode, default)| {
                    let name = format!("prefs[{}]", kind.as_str());
                    view! {
                        <fieldset class="choice-row">
                            <legend>{kind.label()}</legend>
                            {Mode::ALL.iter().map(|m| {
                                let id = format!("pref-{}-{}", kind.as_str(), m.as_str());
                                let label = if *m == default {
                                    format!("{}（預設）", m.label())
                                } else {
                                    m.label().to_owned()
                                };
                                view! {
                                    <span class="choice">
                                        <input type="radio" id=id.clone() name=name.clone() value=m.as_str() checked=*m == mode />
                                        <label for=id>{label}</label>
                                    </span>
                                }
                            }).collect_view()}
                        </fieldset>
                    }
                }).collect_view()}
                <button type="submit">"儲存通知設定"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    view! {
        <PageTitle text="確認通知信箱｜府會通" />
        <RequireRole roles=&Role::ALL children=|_| view! { <Confirm /> } />
    }
}

#[component]
fn Confirm() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let confirm = ServerAction::<ConfirmMyEmail>::new();
    let error = form_result(confirm.value());
    view! {
        <h1>"確認通知信箱"</h1>
        <p>"按下確認後，府會通的通知就改寄到您剛申請的信箱。"</p>
        <ActionForm action=confirm>
            <input type="hidden" name="token" value=token />
            <button type="submit">"確認使用這個信箱"</button>
        </ActionForm>
        <FieldError error field="token" />
        <FormError error />
        <p><A href="/account/notifications">"回到通知設定"</A></p>
    }
}
