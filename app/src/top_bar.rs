//! The top bar: product name, the links the user's role may use, the inbox with its unread
//! count, who is signed in, logout.

use crate::{
    auth::{guard::use_auth, Role},
    notifications::server_fns::unread_notifications,
};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn TopBar() -> impl IntoView {
    let auth = use_auth();
    let logout = auth.logout;
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                "府會通"
            </A>
            <Transition fallback=|| ()>
                // One `Suspend`, not a closure returning one: a closure is tracked, runs again
                // when the user resource settles and drops the first run mid-query (a pooled
                // PostgreSQL connection dropped while being checked is closed: a new
                // connection per page, 40 ms at p95 on the simplest page).
                {Suspend::new(async move {
                    let user = auth.user.await.ok().flatten();
                    // Asked here, after the user, rather than as a resource of its own: pages
                    // render on the server only, and a second resource racing the first one
                    // could leave a response waiting.
                    let unread = match user {
                        Some(_) => unread_notifications().await.unwrap_or(0),
                        None => 0,
                    };
                    let inbox_label = if unread > 0 {
                        format!("通知，{unread} 則未讀")
                    } else {
                        "通知".to_owned()
                    };
                    user.map(|user| {
                        let is_admin = user.role == Role::Admin;
                        let who = match &user.bureau_name {
                            Some(bureau) => format!("{}（{}）", user.display_name, bureau),
                            None => user.display_name.clone(),
                        };
                        view! {
                            // On a phone the menu folds behind 選單: a checkbox and its label
                            // open it without JavaScript (see the stylesheet); wider screens
                            // show it as a row and never the toggle.
                            <input type="checkbox" id="menu-toggle" class="menu-toggle" aria-controls="top-menu" />
                            <label for="menu-toggle" class="menu-button">"選單"</label>
                            <div class="top-menu" id="top-menu">
                            <nav aria-label="主選單">
                                <A href="/">"我的工作"</A>
                                <A href="/cases">"案件列表"</A>
                                {matches!(user.role, Role::Secretariat | Role::Reviewer | Role::Admin)
                                    .then(|| view! { <A href="/meetings">"追蹤會議"</A><A href="/reports">"統計報表"</A> })}
                                {matches!(user.role, Role::Secretariat | Role::Reviewer)
                                    .then(|| view! { <A href="/volume">"答復彙編"</A><A href="/briefs">"問政摘要"</A> })}
                                {crate::bills::BILL_READERS.contains(&user.role)
                                    .then(|| view! { <A href="/bills">"議法案"</A> })}
                                {(user.role == Role::Secretariat)
                                    .then(|| view! { <A href="/links">"狀態連結"</A> })}
                                {is_admin
                                    .then(|| {
                                        view! {
                                            <A href="/admin/users">"使用者管理"</A>
                                            <A href="/admin/reference">"基本資料"</A>
                                            <A href="/admin/synonyms">"搜尋同義詞"</A>
                                            <A href="/admin/deadlines">"期限與行事曆"</A>
                                            <A href="/admin/deliveries">"寄送紀錄"</A>
                                            <A href="/admin/audit">"稽核紀錄"</A>
                                        }
                                    })}
                            </nav>
                            {(!is_admin).then(|| view! {
                                // From any page straight to the list searched by keyword.
                                <form method="get" action="/cases" class="top-search" role="search" aria-label="搜尋案件">
                                    <input
                                        type="search"
                                        name="q"
                                        aria-label="搜尋案件（議題、內容、答復、議員）"
                                        placeholder="搜尋案件"
                                        maxlength=crate::cases::search::MAX_QUERY_CHARS.to_string()
                                    />
                                    <button type="submit" class="link-button">"搜尋"</button>
                                </form>
                            })}
                            <div class="whoami">
                                <A href="/notifications" attr:class="inbox-link" attr:aria-label=inbox_label>
                                    "通知"
                                    {(unread > 0).then(|| view! { <span class="count" aria-hidden="true">{unread}</span> })}
                                </A>
                                <span class="user-name">{who}</span>
                                <span class="role-badge">{user.role.label()}</span>
                                <A href="/account/password" attr:class="account-link">"變更密碼"</A>
                                <ActionForm action=logout attr:class="inline-form">
                                    <button type="submit" class="link-button">"登出"</button>
                                </ActionForm>
                            </div>
                            </div>
                        }
                    })
                })}
            </Transition>
        </header>
    }
}
