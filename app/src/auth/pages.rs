use super::{guard::use_auth, server_fns::ChangePassword};
use crate::components::PageTitle;
use crate::components::{form_result, FieldError, FormError};
use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_query_map};

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = use_auth().login;
    let error = move || {
        login
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    view! {
        <PageTitle text="登入｜府會通" />
        <section class="login">
            <div class="login-card">
                <h1>"府會通"</h1>
                <p class="subtitle">{format!("{} 府會聯絡與質詢追蹤系統", crate::city::City::current().government)}</p>
                <ActionForm action=login attr:class="stacked-form" attr:aria-label="登入">
                    {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <label for="login-username">"帳號"</label>
                    <input
                        id="login-username"
                        name="username"
                        autocomplete="username"
                        autocapitalize="none"
                        required
                    />
                    <label for="login-password">"密碼"</label>
                    <input
                        id="login-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                    <button type="submit">"登入"</button>
                </ActionForm>
                <p class="hint">"忘記密碼或帳號遭鎖定，請洽系統管理者。"</p>
            </div>
        </section>
    }
}

/// `/account/password`: any signed-in user changes their own password here; one whose
/// password an admin set is sent here and may do nothing else until they have.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let auth = use_auth();
    let change = ServerAction::<ChangePassword>::new();
    let error = form_result(change.value());
    // A fixed flag, never text from the URL: the message is ours.
    let changed = move || use_query_map().get().get("changed").as_deref() == Some("1");
    let page = Suspend::new(async move {
        match auth.user.await {
            Ok(Some(user)) => view! {
                <section class="panel narrow">
                    <h1>"變更密碼"</h1>
                    {user
                        .must_change_password
                        .then(|| {
                            view! {
                                <p class="notice" role="status">
                                    "您的密碼是系統管理者設定的。請先設定只有您知道的新密碼，才能繼續使用府會通。"
                                </p>
                            }
                        })}
                    {move || changed().then(|| view! { <p class="form-ok" role="status">"密碼已變更。其他裝置上的登入已結束。"</p> })}
                    <ActionForm action=change attr:class="stacked-form" attr:aria-label="變更密碼">
                        <FormError error />
                        <label for="current-password">"目前的密碼"</label>
                        <input
                            id="current-password"
                            name="current"
                            type="password"
                            autocomplete="current-password"
                            required
                        />
                        <FieldError error field="current" />
                        <label for="new-password">"新密碼"</label>
                        <input
                            id="new-password"
                            name="new"
                            type="password"
                            autocomplete="new-password"
                            minlength="12"
                            maxlength="128"
                            required
                            aria-describedby="new-password-hint"
                        />
                        <p class="field-hint" id="new-password-hint">
                            "12 至 128 個字元，可用中文與空格；太常見的密碼不能使用。"
                        </p>
                        <FieldError error field="new" />
                        <label for="confirm-password">"再輸入一次新密碼"</label>
                        <input
                            id="confirm-password"
                            name="confirm"
                            type="password"
                            autocomplete="new-password"
                            required
                        />
                        <FieldError error field="confirm" />
                        <button type="submit">"變更密碼"</button>
                    </ActionForm>
                </section>
            }
            .into_any(),
            Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
            Err(error) => view! { <crate::components::ErrorPage error /> }.into_any(),
        }
    });
    view! {
        <PageTitle text="變更密碼｜府會通" />
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>{page}</Suspense>
    }
}
