//! `/volume`: choose a session (and optionally a sitting type, dates, a bureau or a
//! councilor), read the compiled volume as a print-ready page, download it as ODT.

use super::{server_fns::load_volume, Entry, Volume, VolumeFilter};
use crate::{
    auth::{guard::RequireRole, Role},
    components::ErrorPage,
    dates::roc_date,
    reference::{server_fns::load_choices, Choices},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn VolumePage() -> impl IntoView {
    view! {
        <Title text="書面答復彙編｜府會通" />
        <RequireRole
            roles=&[Role::Secretariat, Role::Reviewer]
            children=|_| view! { <VolumeView /> }
        />
    }
}

#[component]
fn VolumeView() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.get();
        VolumeFilter::from_query(|k| q.get(k).filter(|v| !v.trim().is_empty()))
    };
    let data = Resource::new(filter, |filter| async move {
        let choices = load_choices().await?;
        let volume = match filter.clone() {
            Some(f) => Some(load_volume(f).await?),
            None => None,
        };
        Ok::<_, crate::error::AppError>((choices, filter, volume))
    });
    view! {
        <h1 class="no-print">"書面答復彙編"</h1>
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                    Ok((choices, filter, volume)) => view! {
                        <FilterForm choices filter=filter.clone() />
                        {match (filter, volume) {
                            (Some(f), Some(v)) => view! { <VolumeBody v query=f.query() /> }.into_any(),
                            _ => view! {
                                <p class="empty">"請選擇會期，彙編該會期已審查通過的書面答復。"</p>
                            }
                                .into_any(),
                        }}
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}

fn options(items: &[(i64, String)], chosen: Option<i64>, blank: &'static str) -> AnyView {
    view! {
        <option value="">{blank}</option>
        {items
            .iter()
            .map(|(id, name)| view! { <option value=id.to_string() selected=chosen == Some(*id)>{name.clone()}</option> })
            .collect_view()}
    }
    .into_any()
}

#[component]
fn FilterForm(choices: Choices, filter: Option<VolumeFilter>) -> impl IntoView {
    let f = filter.unwrap_or_default();
    let chosen_session = (f.session != 0)
        .then_some(f.session)
        .or_else(|| choices.sessions.first().map(|s| s.0));
    view! {
        <form method="get" action="/volume" class="grid-form panel no-print" aria-label="彙編條件">
            <label for="volume-session">"會期"</label>
            <select id="volume-session" name="session" required>
                {choices
                    .sessions
                    .iter()
                    .map(|(id, name)| view! { <option value=id.to_string() selected=chosen_session == Some(*id)>{name.clone()}</option> })
                    .collect_view()}
            </select>
            <label for="volume-sitting">"質詢類別"</label>
            <select id="volume-sitting" name="sitting_type">{options(&choices.sitting_types, f.sitting_type, "全部類別")}</select>
            <label for="volume-from">"質詢日期自"</label>
            <input id="volume-from" name="from" placeholder="113/03/01" value=f.from.map(roc_date).unwrap_or_default() />
            <label for="volume-to">"至"</label>
            <input id="volume-to" name="to" placeholder="113/06/30" value=f.to.map(roc_date).unwrap_or_default() />
            <label for="volume-bureau">"答復機關"</label>
            <select id="volume-bureau" name="bureau">{options(&choices.bureaus, f.bureau, "全部機關")}</select>
            <label for="volume-councilor">"議員"</label>
            <select id="volume-councilor" name="councilor">{options(&choices.councilors, f.councilor, "全部議員")}</select>
            <div></div>
            <div><button type="submit">"彙編"</button></div>
        </form>
    }
}

fn anchor(e: &Entry) -> String {
    format!("q-{}", e.case_id)
}

#[component]
fn VolumeBody(v: Volume, query: String) -> impl IntoView {
    let title = v.title();
    let count = v.entries.len();
    let outstanding = v.outstanding.len();
    view! {
        <p class="no-print downloads">
            {format!("已審查通過 {count} 題，尚未完成 {outstanding} 題。")}
            "　"
            <a href=format!("/volume.odt?{query}") download>"下載 ODT"</a>
            "　列印請使用瀏覽器的列印功能（已排版為 A4）。"
        </p>
        <article class="volume">
            <header class="volume-cover">
                <p class="volume-council">"臺北市政府"</p>
                <h2>{title}</h2>
                <p>{format!("中華民國 {}", roc_date(v.compiled_on))}</p>
            </header>
            <nav class="volume-toc" aria-label="目錄">
                <h2>"目錄"</h2>
                <ol>
                    {v.entries
                        .iter()
                        .map(|e| view! {
                            <li><a href=format!("#{}", anchor(e))>{format!("{}　{}（{}）", e.label(), e.topic, e.councilors.join("、"))}</a></li>
                        })
                        .collect_view()}
                    {(outstanding > 0).then(|| view! { <li><a href="#outstanding">"尚未完成答復之質詢"</a></li> })}
                </ol>
            </nav>
            {v.entries.into_iter().map(|e| view! { <EntryView e /> }.into_any()).collect_view()}
            {(outstanding > 0).then(|| view! {
                <section class="volume-outstanding" id="outstanding">
                    <h2>"尚未完成答復之質詢"</h2>
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">"編號"</th>
                                <th scope="col">"議員"</th>
                                <th scope="col">"質詢議題"</th>
                                <th scope="col">"答復機關"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {v.outstanding.into_iter().map(|e| view! {
                                <tr>
                                    <td>{e.label()}</td>
                                    <td>{e.councilors.join("、")}</td>
                                    <td>{e.topic}</td>
                                    <td>{e.bureaus.join("、")}</td>
                                </tr>
                            }.into_any()).collect_view()}
                        </tbody>
                    </table>
                </section>
            })}
        </article>
    }
}

#[component]
fn EntryView(e: Entry) -> impl IntoView {
    let (id, heading) = (anchor(&e), format!("{}　{}", e.label(), e.topic));
    view! {
        <section class="volume-entry" id=id>
            <h3>{heading}</h3>
            <dl class="facts">
                <dt>"質詢議員"</dt>
                <dd>{e.councilors.join("、")}</dd>
                <dt>"質詢類別"</dt>
                <dd>{format!("{}（{}）", e.sitting_type, roc_date(e.sitting_date))}</dd>
                <dt>"答復機關"</dt>
                <dd>{e.bureaus.join("、")}</dd>
            </dl>
            <h4>"質詢內容"</h4>
            <div class="prose">{e.body}</div>
            <h4>"答復內容"</h4>
            <div class="prose">{e.reply}</div>
        </section>
    }
}
