use super::guard::use_auth;
use leptos::prelude::*;
use leptos_meta::Title;

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
        <Title text="登入｜府會通" />
        <section class="login">
            <div class="login-card">
                <h1>"府會通"</h1>
                <p class="subtitle">"臺北市政府 府會聯絡與質詢追蹤系統"</p>
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
