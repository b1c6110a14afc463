//! `/notifications`: the user's notices, newest first; each opens its case and can be
//! marked read, or all at once.

use super::server_fns::{load_inbox, MarkRead};
use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, Role},
    components::{form_result, ErrorPage, FormError},
    dates::roc_datetime,
};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <PageTitle text="通知｜府會通" />
        <RequireRole roles=&Role::ALL children=|_| view! { <InboxView /> } />
    }
}

#[component]
fn InboxView() -> impl IntoView {
    let mark = ServerAction::<MarkRead>::new();
    let inbox = Resource::new(move || mark.version().get(), |_| load_inbox());
    let error = form_result(mark.value());
    view! {
        <div class="page-head">
            <h1>"通知"</h1>
            <A href="/account/notifications">"通知設定（電子郵件與每日摘要）"</A>
        </div>
        <FormError error />
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match inbox.await {
                    Ok(inbox) if inbox.items.is_empty() => {
                        view! { <p class="empty">"目前沒有通知。"</p> }.into_any()
                    }
                    Ok(inbox) => {
                        view! {
                            <section class="panel">
                                <div class="panel-head">
                                    <h2>{format!("未讀 {} 則", inbox.unread)}</h2>
                                    {(inbox.unread > 0)
                                        .then(|| {
                                            view! {
                                                <ActionForm action=mark attr:class="inline-form">
                                                    <input type="hidden" name="id" value="" />
                                                    <button type="submit" class="secondary">"全部標示為已讀"</button>
                                                </ActionForm>
                                            }
                                        })}
                                </div>
                                <ul class="notifications">
                                    {inbox
                                        .items
                                        .into_iter()
                                        .map(|n| {
                                            let headline = n.headline();
                                            let href = n.about.path();
                                            let line = format!("{}・{}", n.about.topic(), roc_datetime(n.created_at));
                                            let label = format!("將「{headline}」標示為已讀");
                                            view! {
                                                <li class:unread=!n.read>
                                                    <p>
                                                        {(!n.read).then(|| view! { <span class="tag tag-overdue">"未讀"</span> })}
                                                        <A href=href>{headline}</A>
                                                    </p>
                                                    <p class="muted">{line}</p>
                                                    {(!n.read)
                                                        .then(|| {
                                                            view! {
                                                                <ActionForm action=mark attr:class="inline-form">
                                                                    <input type="hidden" name="id" value=n.id />
                                                                    <button type="submit" class="secondary" aria-label=label>"標示為已讀"</button>
                                                                </ActionForm>
                                                            }
                                                        })}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
