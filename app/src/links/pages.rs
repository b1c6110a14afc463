//! `/links`: the secretariat issues a status link for a councilor (or one case), sees each
//! link's expiry, who made it and when it was last used, and revokes or reissues it. A new
//! link's address is shown once, with a QR code to print; whether status pages say 逾期.
//! Plain forms posting to their server fns.

use super::{
    server_fns::{
        councilor_cases, office_contacts, status_links, status_shows_overdue, AddOfficeContact,
        IssueStatusLink, ReissueStatusLink, RemoveOfficeContact, RevokeStatusLink,
        SaveOfficeOptOut, SaveStatusShowsOverdue,
    },
    CaseChoice, Contacts, Fresh, Link, LinkState,
};
use crate::components::PageTitle;
use crate::filings::server_fns::{filings_per_day, SaveFilingsPerDay, SwitchLinkFiling};
use crate::{
    auth::{guard::RequireRole, Role},
    components::ErrorPage,
    dates::{roc_date, roc_datetime},
    reference::server_fns::load_choices,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LinksPage() -> impl IntoView {
    view! {
        <PageTitle text="議員狀態連結｜府會通" />
        <RequireRole roles=&[Role::Secretariat] children=|_| view! { <LinksView /> } />
    }
}

#[component]
fn LinksView() -> impl IntoView {
    let query = use_query_map();
    let refused = crate::error::flashed_error(IssueStatusLink::PATH)
        .or_else(|| crate::error::flashed_error(RevokeStatusLink::PATH))
        .or_else(|| crate::error::flashed_error(ReissueStatusLink::PATH));
    let contact_refused = crate::error::flashed_error(AddOfficeContact::PATH)
        .or_else(|| crate::error::flashed_error(RemoveOfficeContact::PATH))
        .or_else(|| crate::error::flashed_error(SaveOfficeOptOut::PATH));
    let kept = |name: &str| {
        refused
            .as_ref()
            .and_then(|e| e.input(name).into_iter().next())
            .unwrap_or_default()
    };
    // The councilor is chosen first (a plain GET, so it works without JavaScript); the
    // issue form then lists that councilor's cases. A refused form keeps its choices.
    let councilor = query
        .with_untracked(|q| q.get("councilor"))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| kept("councilor"))
        .parse::<i64>()
        .ok();
    let (case_kept, expires_kept) = (kept("case"), kept("expires"));
    let data = Resource::new(
        || (),
        move |_| async move {
            let choices = load_choices().await?;
            let view = status_links().await?;
            let (cases, contacts) = match councilor {
                Some(id) => (councilor_cases(id).await?, Some(office_contacts(id).await?)),
                None => (Vec::new(), None),
            };
            let shows_overdue = status_shows_overdue().await?;
            let per_day = filings_per_day().await?;
            Ok::<_, crate::error::AppError>((
                choices,
                view,
                cases,
                contacts,
                shows_overdue,
                per_day,
            ))
        },
    );
    view! {
        <h1>"議員狀態連結"</h1>
        <p class="field-hint">"議員辦公室不必登入，以專屬連結查看其質詢與索資的辦理情形與最終答復。連結只在建立時完整顯示一次。"</p>
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {move || {
                let refused = refused.clone();
                let contact_refused = contact_refused.clone();
                let (case_kept, expires_kept) = (case_kept.clone(), expires_kept.clone());
                Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                        Ok((choices, v, cases, contacts, shows_overdue, per_day)) => {
                            let chosen = councilor
                                .and_then(|id| choices.councilors.iter().find(|(c, _)| *c == id).cloned());
                            view! {
                                {v.fresh.map(|f| view! { <FreshLink f /> })}
                                <form method="get" action="/links" class="grid-form panel" aria-label="選擇議員">
                                    <label for="link-councilor">"議員"</label>
                                    <div>
                                        <select id="link-councilor" name="councilor" required>
                                            <option value="">"（請選擇議員）"</option>
                                            {choices
                                                .councilors
                                                .iter()
                                                .map(|(id, name)| view! { <option value=id.to_string() selected=councilor == Some(*id)>{name.clone()}</option> })
                                                .collect_view()}
                                        </select>
                                        <p class="field-hint">"選定議員後，可為其全部案件或其中一案建立連結。"</p>
                                    </div>
                                    <div></div>
                                    <div><button type="submit" class="secondary">"選擇議員"</button></div>
                                </form>
                                {chosen.zip(contacts).map(|((id, name), contacts)| view! {
                                    <IssueForm councilor=id name=name.clone() cases refused case_kept expires_kept contacts=contacts.clone() />
                                    <OfficeContacts name contacts refused=contact_refused />
                                })}
                                <LinkTable links=v.links />
                                <OverdueSetting shown=shows_overdue />
                                <FilingLimit per_day />
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// The issue form for one chosen councilor: all their cases, or one picked from the list.
#[component]
fn IssueForm(
    councilor: i64,
    name: String,
    cases: Vec<CaseChoice>,
    refused: Option<crate::error::AppError>,
    case_kept: String,
    expires_kept: String,
    contacts: Contacts,
) -> impl IntoView {
    // Grouped under their session, in the order the server gave.
    let mut sessions: Vec<(String, Vec<CaseChoice>)> = Vec::new();
    for case in cases {
        match sessions.last_mut() {
            Some((title, list)) if *title == case.session => list.push(case),
            _ => sessions.push((case.session.clone(), vec![case])),
        }
    }
    let none = sessions.is_empty();
    view! {
        <form method="post" action=IssueStatusLink::PATH class="grid-form panel" aria-label="建立狀態連結">
            {refused.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            <input type="hidden" name="councilor" value=councilor.to_string() />
            <span class="label">"議員"</span>
            <p class="chosen"><strong>{name}</strong>" "<a href="/links">"改選議員"</a></p>
            <label for="link-case">"範圍"</label>
            <div>
                <select id="link-case" name="case">
                    <option value="" selected=case_kept.is_empty()>"全部案件（含日後登錄者）"</option>
                    {sessions
                        .into_iter()
                        .map(|(session, list)| {
                            let options = list
                                .into_iter()
                                .map(|c| {
                                    let selected = case_kept == c.id.to_string();
                                    view! { <option value=c.id.to_string() selected=selected>{format!("{}　{}", c.label, c.topic)}</option> }
                                })
                                .collect_view();
                            view! { <optgroup label=session>{options}</optgroup> }
                        })
                        .collect_view()}
                </select>
                <p class="field-hint">
                    {if none { "這位議員尚無案件；連結將列出日後登錄的案件。" } else { "只給一案時，請從該議員的案件中選擇。" }}
                </p>
            </div>
            <label for="link-expires">"到期日（選填）"</label>
            <div>
                <input id="link-expires" name="expires" placeholder=crate::dates::example_date() value=expires_kept />
                <p class="field-hint">"留空：本屆議員任期結束。"</p>
            </div>
            <div></div>
            <div>
                {contact_hint(&contacts)}
                <button type="submit">"建立連結"</button>
            </div>
        </form>
    }
}

/// The box that mails a new link to the office, ticked when it has addresses and did not
/// opt out; otherwise a line that says why it cannot be mailed.
fn contact_hint(contacts: &Contacts) -> AnyView {
    if contacts.reachable() {
        let n = contacts.addresses.len();
        view! {
            <label class="check">
                <input type="checkbox" name="send" checked=true />
                {format!("同時寄給議員辦公室（{n} 個聯絡信箱）")}
            </label>
        }
        .into_any()
    } else if contacts.opted_out {
        view! { <p class="field-hint">"這個辦公室表示不收電子郵件；請以其他方式交付連結。"</p> }
            .into_any()
    } else {
        view! { <p class="field-hint">"這個辦公室尚無聯絡信箱，連結不會寄出；可在下方新增。"</p> }
            .into_any()
    }
}

/// A councilor office's mail contacts: where its links and answer notices go, and whether
/// it asked not to be mailed.
#[component]
fn OfficeContacts(
    name: String,
    contacts: Contacts,
    refused: Option<crate::error::AppError>,
) -> impl IntoView {
    let councilor = contacts.councilor_id.to_string();
    let kept = refused
        .as_ref()
        .and_then(|e| e.input("address").into_iter().next())
        .unwrap_or_default();
    view! {
        <section class="panel" aria-labelledby="contacts-heading">
            <h2 id="contacts-heading">{format!("{name} 議員辦公室聯絡信箱")}</h2>
            <p class="field-hint">"新連結可寄到這些信箱；案件答復或提供資料時，辦公室也會收到一封附該案連結的通知信（信中不含答復內容）。"</p>
            {refused.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            {if contacts.addresses.is_empty() {
                view! { <p class="empty">"尚無聯絡信箱。"</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {contacts.addresses.iter().map(|(id, address)| view! {
                            <li class="inline-row">
                                <span>{address.clone()}</span>
                                <form method="post" action=RemoveOfficeContact::PATH>
                                    <input type="hidden" name="councilor" value=councilor.clone() />
                                    <input type="hidden" name="id" value=id.to_string() />
                                    <button type="submit" class="secondary" aria-label=format!("移除 {address}")>"移除"</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action=AddOfficeContact::PATH class="inline-row" aria-label="新增聯絡信箱">
                <input type="hidden" name="councilor" value=councilor.clone() />
                <label for="contact-address">"新增信箱"</label>
                <input id="contact-address" name="address" type="email" autocomplete="off" value=kept />
                <button type="submit" class="secondary">"新增"</button>
            </form>
            <form method="post" action=SaveOfficeOptOut::PATH class="inline-row" aria-label="寄信設定">
                <input type="hidden" name="councilor" value=councilor />
                <label class="check">
                    <input type="checkbox" name="opted_out" checked=contacts.opted_out />
                    "辦公室表示不收電子郵件（保留信箱，但不寄信）"
                </label>
                <button type="submit" class="secondary">"儲存"</button>
            </form>
        </section>
    }
}

/// Whether status pages say 逾期: the liaison office's choice, for every link.
#[component]
fn OverdueSetting(shown: bool) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="overdue-heading">
            <h2 id="overdue-heading">"狀態頁顯示"</h2>
            <form method="post" action=SaveStatusShowsOverdue::PATH class="inline-row" aria-label="狀態頁顯示">
                <label class="check">
                    <input type="checkbox" name="shown" checked=shown />
                    "超過預定答復日期的案件標示「逾期」"
                </label>
                <button type="submit" class="secondary">"儲存"</button>
            </form>
            <p class="field-hint">"不勾選時，這類案件依辦理階段顯示為「已收件」或「處理中」（延誤可能發生在府內檢核階段）。"</p>
        </section>
    }
}

/// How many cases one link may file a day.
#[component]
fn FilingLimit(per_day: i64) -> impl IntoView {
    let refused = crate::error::flashed_error(SaveFilingsPerDay::PATH)
        .and_then(|e| e.field_message("per_day"));
    view! {
        <section class="panel" aria-labelledby="filing-heading">
            <h2 id="filing-heading">"議員辦公室線上送件"</h2>
            <p class="field-hint">"議員的全部案件連結可直接送出索取資料與服務案件，送件後在「我的工作」待受理。可在上表逐一關閉。"</p>
            <form method="post" action=SaveFilingsPerDay::PATH class="inline-row" aria-label="每日送件上限">
                <label for="filing-per-day">"每個連結每日最多送件"</label>
                <input id="filing-per-day" name="per_day" value=per_day.to_string() inputmode="numeric" required />
                <button type="submit" class="secondary">"儲存"</button>
            </form>
            {refused.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </section>
    }
}

#[component]
fn FreshLink(f: Fresh) -> impl IntoView {
    view! {
        <section class="panel fresh-link" aria-labelledby="fresh-heading">
            <h2 id="fresh-heading">"新連結（僅顯示這一次）"</h2>
            <label for="fresh-url">"連結網址"</label>
            <crate::islands::CopyText>
                <input id="fresh-url" readonly value=f.url.clone() />
            </crate::islands::CopyText>
            <div class="qr" inner_html=f.qr_svg></div>
            {(f.mailed > 0).then(|| view! { <p role="status">{format!("已排入寄送給議員辦公室的 {} 個聯絡信箱。", f.mailed)}</p> })}
            <p class="field-hint">"請複製或列印後交給議員辦公室；離開此頁後將無法再看到完整網址（可撤銷後重新發給）。"</p>
        </section>
    }
}

#[component]
fn LinkTable(links: Vec<Link>) -> impl IntoView {
    if links.is_empty() {
        return view! { <p class="empty">"尚未建立任何連結。"</p> }.into_any();
    }
    view! {
        <table class="data-table">
            <caption>"已建立的連結"</caption>
            <thead>
                <tr>
                    <th scope="col">"議員"</th>
                    <th scope="col">"範圍"</th>
                    <th scope="col">"到期日"</th>
                    <th scope="col">"狀態"</th>
                    <th scope="col">"建立"</th>
                    <th scope="col">"最後使用"</th>
                    <th scope="col">"寄給辦公室"</th>
                    <th scope="col">"線上送件"</th>
                    <th scope="col">"操作"</th>
                </tr>
            </thead>
            <tbody>
                {links.into_iter().map(|l| {
                    let live = l.state == LinkState::Live;
                    let revoked = l.state == LinkState::Revoked;
                    view! {
                        <tr>
                            <td>{l.councilor.clone()}</td>
                            <td>{l.case_label.clone().unwrap_or_else(|| "全部案件".into())}</td>
                            <td>{roc_date(l.expires_on)}</td>
                            <td>{l.state.label()}</td>
                            <td>{format!("{}，{}", l.created_by, roc_datetime(l.created_at))}</td>
                            <td>{l.last_used_at.map(roc_datetime).unwrap_or_else(|| "尚未使用".into())}</td>
                            <td>{l.sent_at.map(|at| format!("{}，{} 個信箱", roc_datetime(at), l.sent_to)).unwrap_or_else(|| "未寄送".into())}</td>
                            <td>
                                {match (l.case_id, live) {
                                    (None, true) => view! {
                                        <form method="post" action=SwitchLinkFiling::PATH class="inline-row">
                                            <input type="hidden" name="link" value=l.id.to_string() />
                                            <label class="check">
                                                <input type="checkbox" name="on" checked=l.filing_enabled />
                                                "開放"
                                            </label>
                                            <button type="submit" class="secondary" aria-label=format!("儲存 {} 的連結 {} 線上送件設定", l.councilor, l.id)>"儲存"</button>
                                        </form>
                                    }.into_any(),
                                    (None, false) => "—".into_any(),
                                    (Some(_), _) => "單一案件不適用".into_any(),
                                }}
                            </td>
                            <td class="inline-row">
                                {live.then(|| view! {
                                    <form method="post" action=RevokeStatusLink::PATH>
                                        <input type="hidden" name="id" value=l.id.to_string() />
                                        <button type="submit" class="secondary" aria-label=format!("撤銷 {} 的連結 {}", l.councilor, l.id)>"撤銷"</button>
                                    </form>
                                })}
                                {(!revoked).then(|| view! {
                                    <form method="post" action=ReissueStatusLink::PATH class="inline-row">
                                        <input type="hidden" name="id" value=l.id.to_string() />
                                        <label class="check">
                                            <input type="checkbox" name="send" checked=l.sent_at.is_some() />
                                            "寄給辦公室"
                                        </label>
                                        <button type="submit" class="secondary" aria-label=format!("撤銷並重新發給 {} 的連結 {}", l.councilor, l.id)>"撤銷並重新發給"</button>
                                    </form>
                                })}
                            </td>
                        </tr>
                    }
                }.into_any()).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
