use super::server_fns::{
    list_users, ChangeUserBureau, CreateUser, ResetPassword, SetUserActive, SetUserEmail,
};
use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, Role},
    components::ErrorPage,
    dates::roc_datetime,
    reference::server_fns::list_bureaus,
};
use leptos::prelude::*;

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <PageTitle text="使用者管理｜府會通" />
        <RequireRole roles=&[Role::Admin] children=|_| view! { <UsersAdmin /> } />
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let move_bureau = ServerAction::<ChangeUserBureau>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let activate = ServerAction::<SetUserActive>::new();
    let set_email = ServerAction::<SetUserEmail>::new();
    let users = Resource::new(
        move || {
            create.version().get()
                + move_bureau.version().get()
                + reset.version().get()
                + activate.version().get()
                + set_email.version().get()
        },
        |_| list_users(),
    );
    let bureaus = Resource::new(|| (), |_| list_bureaus());

    let result = move || create.value().get();
    let field_error = move |field: &'static str| {
        move || {
            result()
                .and_then(Result::err)
                .and_then(|e| e.field_message(field))
                .map(|m| view! { <p class="field-error">{m}</p> })
        }
    };
    let form_error = move || {
        result()
            .and_then(Result::err)
            .filter(|e| !matches!(e, crate::error::AppError::Validation { .. }))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    let created = move || {
        matches!(result(), Some(Ok(_)))
            .then(|| view! { <p class="form-ok" role="status">"已建立帳號。"</p> })
    };

    view! {
        <h1>"使用者管理"</h1>
        <section class="panel">
            <h2>"使用者"</h2>
            <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
                {Suspend::new(async move {
                    match users.await {
                        Ok(users) => {
                            let bureaus = bureaus.await.unwrap_or_default();
                            view! { <UserTable users bureaus move_bureau reset activate set_email /> }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="panel">
            <h2>"新增使用者"</h2>
            <ActionForm action=create attr:class="grid-form" attr:aria-label="新增使用者">
                {form_error}
                <crate::components::FormProblems error=crate::components::form_result(create.value()) />
                {created}
                <label for="new-username">"帳號"</label>
                <div>
                    <input id="new-username" name="username" autocomplete="off" required />
                    {field_error("username")}
                </div>
                <label for="new-display-name">"姓名"</label>
                <div>
                    <input id="new-display-name" name="display_name" required />
                    {field_error("display_name")}
                </div>
                <label for="new-role">"角色"</label>
                <div>
                    <select id="new-role" name="role">
                        {Role::ALL
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str()>{r.label()}</option> })
                            .collect_view()}
                    </select>
                    {field_error("role")}
                </div>
                <label for="new-bureau">"所屬局處"</label>
                <div>
                    <select id="new-bureau" name="bureau_id">
                        <option value="">"（非局處人員）"</option>
                        <Transition fallback=|| ()>
                            {Suspend::new(async move {
                                bureaus
                                    .await
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|b| view! { <option value=b.id.to_string()>{b.name}</option> })
                                    .collect_view()
                            })}
                        </Transition>
                    </select>
                    <p class="field-hint">"局處府會聯絡員與局處主管必填。"</p>
                    {field_error("bureau_id")}
                </div>
                <label for="new-password">"初始密碼"</label>
                <div>
                    <input
                        id="new-password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        minlength="12"
                        required
                    />
                    <p class="field-hint">"12 至 128 個字元；請以安全管道交給使用者，對方第一次登入時須改設自己的密碼。"</p>
                    {field_error("password")}
                </div>
                <div></div>
                <div>
                    <button type="submit">
                        "建立帳號"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn UserTable(
    users: Vec<super::UserSummary>,
    bureaus: Vec<crate::reference::Bureau>,
    move_bureau: ServerAction<ChangeUserBureau>,
    reset: ServerAction<ResetPassword>,
    activate: ServerAction<SetUserActive>,
    set_email: ServerAction<SetUserEmail>,
) -> impl IntoView {
    let email_error = crate::components::form_result(set_email.value());
    let error = crate::components::form_result(move_bureau.value());
    let reset_error = crate::components::form_result(reset.value());
    let active_error = crate::components::form_result(activate.value());
    view! {
        <crate::components::FormError error />
        <crate::components::FieldError error field="bureau_id" />
        <crate::components::FormError error=reset_error />
        <crate::components::FieldError error=reset_error field="password" />
        <crate::components::FormError error=active_error />
        <crate::components::FieldError error=active_error field="active" />
        <crate::components::FormError error=email_error />
        <crate::components::FieldError error=email_error field="email" />
        {move || {
            matches!(reset.value().get(), Some(Ok(())))
                .then(|| view! { <p class="form-ok" role="status">"已重設密碼。"</p> })
        }}
        <table class="data-table card-table">
            <thead>
                <tr>
                    <th scope="col">"帳號"</th>
                    <th scope="col">"姓名"</th>
                    <th scope="col">"角色"</th>
                    <th scope="col">"所屬局處"</th>
                    <th scope="col">"通知信箱"</th>
                    <th scope="col">"狀態"</th>
                    <th scope="col">"最後登入"</th>
                    <th scope="col">"重設密碼"</th>
                </tr>
            </thead>
            <tbody>
                {users
                    .into_iter()
                    .map(|u| {
                        let toggle_label = format!(
                            "{}{}",
                            if u.active { "停用" } else { "重新啟用" },
                            u.username,
                        );
                        let email_label = format!("{}的通知信箱", u.username);
                        let email_save = format!("儲存{}的通知信箱", u.username);
                        view! {
                            <tr>
                                <td class="card-title">{u.username.clone()}</td>
                                <td data-label="姓名">{u.display_name}</td>
                                <td data-label="角色">{u.role.label()}</td>
                                <td data-label="所屬局處">
                                    {if u.role.belongs_to_bureau() {
                                        let current = u.bureau_name.clone().unwrap_or_default();
                                        let label = format!("{}的所屬局處", u.username);
                                        let options = bureaus
                                            .iter()
                                            .map(|b| view! { <option value=b.id selected=b.name == current>{b.name.clone()}</option> })
                                            .collect_view();
                                        view! {
                                            <ActionForm action=move_bureau attr:class="inline-row">
                                                <input type="hidden" name="user_id" value=u.id />
                                                <select name="bureau_id" aria-label=label.clone()>{options}</select>
                                                <button type="submit" class="secondary">"調整"</button>
                                            </ActionForm>
                                        }
                                            .into_any()
                                    } else {
                                        view! { "—" }.into_any()
                                    }}
                                </td>
                                <td data-label="通知信箱">
                                    <ActionForm action=set_email attr:class="inline-row">
                                        <input type="hidden" name="user_id" value=u.id />
                                        <input
                                            type="email"
                                            name="email"
                                            value=u.email.clone().unwrap_or_default()
                                            autocomplete="off"
                                            aria-label=email_label
                                        />
                                        <button type="submit" class="secondary" aria-label=email_save>"儲存"</button>
                                    </ActionForm>
                                </td>
                                <td data-label="狀態">
                                    {if u.active { "啟用" } else { "停用" }}
                                    <ActionForm action=activate attr:class="inline-row">
                                        <input type="hidden" name="user_id" value=u.id />
                                        <input type="hidden" name="active" value=(!u.active).to_string() />
                                        <button
                                            type="submit"
                                            class="secondary"
                                            aria-label=toggle_label
                                        >
                                            {if u.active { "停用" } else { "重新啟用" }}
                                        </button>
                                    </ActionForm>
                                </td>
                                <td data-label="最後登入">{u.last_login_at.map(roc_datetime).unwrap_or_else(|| "從未登入".into())}</td>
                                <td data-label="重設密碼">
                                    <ActionForm action=reset attr:class="inline-row">
                                        <input type="hidden" name="user_id" value=u.id />
                                        <input
                                            type="password"
                                            name="password"
                                            autocomplete="new-password"
                                            minlength="12"
                                            required
                                            aria-label=format!("{}的新密碼", u.username)
                                        />
                                        <button type="submit" class="secondary">"重設"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
