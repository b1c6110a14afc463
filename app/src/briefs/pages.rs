//! `/briefs`: the councilor brief. A GET form (the session and the speaking order, so the
//! address can be kept and it works without JavaScript), the brief as it prints, and the
//! same as ODT and PDF.

use super::{server_fns::councilor_brief, READERS};
use crate::{
    auth::guard::RequireRole,
    components::{DocumentView, ErrorPage, PageTitle},
    error::AppError,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BriefsPage() -> impl IntoView {
    view! {
        <PageTitle text="議員問政摘要｜府會通" />
        <RequireRole roles=READERS children=|_| view! { <BriefView /> } />
    }
}

#[component]
fn BriefView() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        query.with(|q| {
            (
                q.get("session").and_then(|s| s.parse::<i64>().ok()),
                q.get("order").unwrap_or_default(),
            )
        })
    };
    let brief = Resource::new(asked, |(session, order)| councilor_brief(session, order));
    view! {
        <h1 class="no-print">"議員問政摘要"</h1>
        <p class="hint no-print">"市長施政報告或總質詢前，依質詢順序為每位議員整理一頁：本會期未結與逾期案件、答非所問、尚未提供的會後補資料，以及過去質詢議題的最新答復。"</p>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                let (_, typed) = asked();
                match brief.await {
                    Ok(b) => {
                        let query = format!(
                            "session={}&order={}",
                            b.session_id,
                            crate::url::percent_encode(&b.order)
                        );
                        let doc = b.document();
                        view! {
                            <Form sessions=b.sessions.clone() current=Some(b.session_id) order=b.order.clone() problem=None />
                            <p class="no-print">
                                <a href=format!("/briefs/brief.odt?{query}") download>"下載 ODT"</a>" "
                                <a href=format!("/briefs/brief.pdf?{query}") download>"下載 PDF"</a>
                                "（本頁亦可直接以瀏覽器列印，每位議員一頁）"
                            </p>
                            <DocumentView doc />
                        }
                        .into_any()
                    }
                    Err(e @ AppError::Validation { .. }) => {
                        let problem = e.field_message("order");
                        view! { <Form sessions=Vec::new() current=None order=typed problem /> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Form(
    sessions: Vec<(i64, String)>,
    current: Option<i64>,
    order: String,
    problem: Option<String>,
) -> impl IntoView {
    view! {
        <form method="get" action="/briefs" class="stacked-form no-print" aria-label="編製議員問政摘要">
            {(!sessions.is_empty()).then(|| view! {
                <label for="brief-session">"會期"</label>
                <select id="brief-session" name="session">
                    {sessions
                        .into_iter()
                        .map(|(id, name)| view! { <option value=id.to_string() selected=current == Some(id)>{name}</option> })
                        .collect_view()}
                </select>
            })}
            <label for="brief-order">"質詢順序"</label>
            <textarea id="brief-order" name="order" rows="3" aria-describedby="brief-order-hint">{crate::escape::raw_child(order)}</textarea>
            <p class="hint" id="brief-order-hint">"依質詢順序輸入議員姓名，每行一位或以「、」分隔；留空則列出本會期有未結案件的議員。"</p>
            {problem.map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            <button type="submit">"編製摘要"</button>
        </form>
    }
}
