//! `/admin/deliveries` (寄送紀錄): where mail goes, every message queued, sent or failed
//! with the other side's answer, a resend button for the failed; the messaging gateways.

use super::{
    delivery::{DeliveryLog, DeliveryState, MIN_SECRET},
    server_fns::{delivery_log, AddWebhook, ResendMessage, SetWebhookActive},
};
use crate::{
    auth::{guard::RequireRole, Role},
    components::{form_result, kept, ErrorPage, FieldError, FormError, FormProblems, PageTitle},
    dates::roc_datetime,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    view! {
        <PageTitle text="寄送紀錄｜府會通" />
        <RequireRole roles=&[Role::Admin] children=|_| view! { <Deliveries /> } />
    }
}

#[component]
fn Deliveries() -> impl IntoView {
    let query = use_query_map();
    let state = Memo::new(move |_| query.with(|q| q.get("state").unwrap_or_default()));
    let resend = ServerAction::<ResendMessage>::new();
    let add = ServerAction::<AddWebhook>::new();
    let toggle = ServerAction::<SetWebhookActive>::new();
    let log = Resource::new(
        move || {
            (
                state.get(),
                resend.version().get() + add.version().get() + toggle.version().get(),
            )
        },
        |(state, _)| delivery_log(state),
    );
    let resend_error = form_result(resend.value());
    let add_error = form_result(add.value());
    let toggle_error = form_result(toggle.value());
    view! {
        <h1>"寄送紀錄"</h1>
        <FieldError error=resend_error field="id" />
        <FormError error=resend_error />
        <FormError error=toggle_error />
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => view! { <Log log state=state.get_untracked() resend toggle /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
        <section class="panel" aria-labelledby="hook-add-heading">
            <h2 id="hook-add-heading">"新增訊息閘道"</h2>
            <p class="hint">
                "市府的 LINE 官方帳號或 Teams 閘道收到與電子郵件相同的通知與每日摘要（JSON，以 HMAC-SHA256 簽章）。格式與驗證方式見 README 的「訊息閘道」。"
            </p>
            <FormProblems error=add_error />
            <ActionForm action=add attr:class="stacked">
                <label for="hook-name">"名稱"</label>
                <input id="hook-name" name="name" value=kept(add_error, "name") maxlength="30" required />
                <FieldError error=add_error field="name" />
                <label for="hook-url">"網址"</label>
                <input id="hook-url" name="url" type="url" value=kept(add_error, "url") placeholder="https://gateway.example.gov.tw/fuhuitong" required />
                <FieldError error=add_error field="url" />
                <label for="hook-secret">"密鑰"</label>
                <input id="hook-secret" name="secret" type="password" autocomplete="off" minlength=MIN_SECRET.to_string() aria-describedby="hook-secret-hint" required />
                <p class="field-hint" id="hook-secret-hint">{format!("至少 {MIN_SECRET} 個字元，與閘道管理者約定；存入後不再顯示。")}</p>
                <FieldError error=add_error field="secret" />
                <button type="submit">"新增閘道"</button>
            </ActionForm>
            <FormError error=add_error />
        </section>
    }
}

#[component]
fn Log(
    log: DeliveryLog,
    state: String,
    resend: ServerAction<ResendMessage>,
    toggle: ServerAction<SetWebhookActive>,
) -> impl IntoView {
    let setup = match (&log.setup.relay, &log.setup.folder) {
        (Some(relay), _) => format!("郵件經由 {relay} 寄出。"),
        (None, Some(folder)) => format!(
            "尚未設定郵件伺服器（SMTP_URL）：郵件寫成 .eml 檔，存在伺服器的 {folder} 資料夾，最新的列在下方。"
        ),
        (None, None) => "尚未設定郵件伺服器。".to_owned(),
    };
    let count = |s: DeliveryState| {
        log.counts
            .iter()
            .find(|(c, _)| *c == s)
            .map_or(0, |(_, n)| *n)
    };
    let total: i64 = log.counts.iter().map(|(_, n)| n).sum();
    let filters = std::iter::once((String::new(), format!("全部 {total}")))
        .chain(DeliveryState::ALL.iter().map(|s| {
            (
                s.as_str().to_owned(),
                format!("{} {}", s.label(), count(*s)),
            )
        }))
        .map(|(code, words)| {
            let href = if code.is_empty() {
                "/admin/deliveries".to_owned()
            } else {
                format!("/admin/deliveries?state={code}")
            };
            let current = (code == state).then_some("page");
            view! { <li><a href=href aria-current=current>{words}</a></li> }
        })
        .collect_view();
    let files = (!log.files.is_empty()).then(|| {
        view! {
            <section class="panel" aria-labelledby="files-heading">
                <h2 id="files-heading">"最新寫出的郵件檔"</h2>
                <ul>
                    {log.files.iter().map(|name| view! {
                        <li><a href=format!("/admin/deliveries/files/{name}") download>{name.clone()}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    let rows = if log.rows.is_empty() {
        view! { <p class="empty">"沒有符合的訊息。"</p> }.into_any()
    } else {
        view! {
            <table class="data-table card-table">
                <thead>
                    <tr>
                        <th scope="col">"建立時間"</th>
                        <th scope="col">"管道"</th>
                        <th scope="col">"收件人"</th>
                        <th scope="col">"主旨"</th>
                        <th scope="col">"狀態"</th>
                        <th scope="col">"嘗試"</th>
                        <th scope="col">"對方回應"</th>
                        <th scope="col">"重寄"</th>
                    </tr>
                </thead>
                <tbody>
                    {log.rows.into_iter().map(|d| {
                        let channel = match &d.webhook {
                            Some(name) => format!("{}（{name}）", d.channel.label()),
                            None => d.channel.label().to_owned(),
                        };
                        let state_words = match d.state {
                            DeliveryState::Sent => format!("已寄出 {}", d.sent_at.map(roc_datetime).unwrap_or_default()),
                            DeliveryState::Queued if d.attempts > 0 => format!("待重試（{}）", roc_datetime(d.not_before)),
                            s => s.label().to_owned(),
                        };
                        let label = format!("重寄「{}」給 {}", d.subject, d.recipient);
                        view! {
                            <tr>
                                <td class="card-title">{roc_datetime(d.created_at)}</td>
                                <td data-label="管道">{channel}</td>
                                <td data-label="收件人">{d.recipient.clone()}</td>
                                <td data-label="主旨">{d.subject.clone()}</td>
                                <td data-label="狀態">
                                    <span class:tag=true class:tag-overdue=d.state == DeliveryState::Failed>{state_words}</span>
                                </td>
                                <td data-label="嘗試">{d.attempts}</td>
                                <td data-label="對方回應">{d.answer.clone().unwrap_or_default()}</td>
                                <td data-label="重寄">
                                    {(d.state == DeliveryState::Failed).then(|| view! {
                                        <ActionForm action=resend attr:class="inline-form">
                                            <input type="hidden" name="id" value=d.id />
                                            <button type="submit" class="secondary" aria-label=label>"重寄"</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    let hooks = if log.webhooks.is_empty() {
        view! { <p class="empty">"尚未設定訊息閘道。"</p> }.into_any()
    } else {
        view! {
            <table class="data-table card-table">
                <thead><tr><th scope="col">"名稱"</th><th scope="col">"網址"</th><th scope="col">"狀態"</th></tr></thead>
                <tbody>
                    {log.webhooks.into_iter().map(|h| {
                        let label = format!("{}{}", if h.active { "停用" } else { "啟用" }, h.name);
                        view! {
                            <tr>
                                <td class="card-title">{h.name.clone()}</td>
                                <td data-label="網址">{h.url.clone()}</td>
                                <td data-label="狀態">
                                    {if h.active { "啟用中" } else { "已停用" }}
                                    <ActionForm action=toggle attr:class="inline-form">
                                        <input type="hidden" name="id" value=h.id />
                                        <input type="hidden" name="active" value=(!h.active).to_string() />
                                        <button type="submit" class="secondary" aria-label=label>{if h.active { "停用" } else { "啟用" }}</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <p class="lead">{setup}</p>
        <nav aria-label="依狀態篩選"><ul class="tabs">{filters}</ul></nav>
        <section class="panel" aria-labelledby="messages-heading">
            <h2 id="messages-heading">"訊息"</h2>
            <p class="hint">"暫時的失敗（對方忙碌、連線逾時、閘道 5xx）會自動重試約一天；永久的失敗（收件地址被拒、閘道 4xx）停在這裡，可修正後重寄。"</p>
            {rows}
        </section>
        {files}
        <section class="panel" aria-labelledby="hooks-heading">
            <h2 id="hooks-heading">"訊息閘道"</h2>
            {hooks}
        </section>
    }
}
