//! The status page a councilor office opens by its private link, written by Leptos on the
//! server and sent as it is: no hydration, no script, no wasm (the server's `features::links`
//! serves it with its own headers). Every text is escaped by the renderer.

use super::{db::StatusPage, PublicCase, NOT_AN_ANSWER_MAX_CHARS, PATH};
use crate::{city::City, dates::roc_date, error::AppError};
use leptos::{prelude::*, tachys::view::RenderHtml};

/// What the office just did, said at the top of its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// Its 答非所問 on this case was received.
    NotAnswered(i64),
    /// It filed this case.
    Filed(i64),
}

/// The page of a link's cases, and what the office just did.
pub fn page(city: &City, p: StatusPage, token: &str, done: Option<Done>) -> String {
    let title = format!("{} 議員 案件進度", p.councilor);
    let token = token.to_owned();
    document(city, title, move || view! { <Cases p token done /> })
}

/// The one answer for every token that opens nothing.
pub fn not_found(city: &City) -> String {
    let ask = format!(
        "這個連結無效或已停用。如需查詢案件進度，請洽{}府會聯絡人員。",
        city.liaison_office()
    );
    document(city, "找不到這個頁面".into(), move || {
        view! {
            <h1>"找不到這個頁面"</h1>
            <p>{ask}</p>
        }
    })
}

/// A 答非所問 that was refused, with the way back to its case.
pub fn refused(city: &City, error: &AppError, token: &str, case_id: i64) -> String {
    let message = error.to_string();
    let back = format!("{PATH}{token}#case-{case_id}");
    document(city, "未能送出".into(), move || {
        view! {
            <h1>"未能送出"</h1>
            <p role="alert">{message}</p>
            <p><a href=back>"回到案件進度"</a></p>
        }
    })
}

/// A whole document around `body`, as plain HTML.
pub(crate) fn document<V: IntoView + 'static>(
    city: &City,
    title: String,
    body: impl FnOnce() -> V + 'static,
) -> String {
    let government = city.government.clone();
    let office = format!(
        "{}　府會聯絡。此連結僅供議員辦公室使用，請勿轉傳。",
        city.liaison_office()
    );
    let contact = (!city.contact.is_empty()).then(|| format!("聯絡窗口：{}", city.contact));
    let html = Owner::new().with(|| {
        view! {
            <html lang="zh-Hant-TW">
                <head>
                    <meta charset="utf-8" />
                    <meta name="viewport" content="width=device-width, initial-scale=1" />
                    <meta name="robots" content="noindex, nofollow" />
                    <title>{format!("{title}｜{government}")}</title>
                    <link rel="stylesheet" href="/pkg/fuhuitong.css" />
                </head>
                <body class="status-page">
                    <main>{body()}</main>
                    <footer>
                        <p>{office}</p>
                        {contact.map(|c| view! { <p class="status-contact">{c}</p> })}
                    </footer>
                </body>
            </html>
        }
        .to_html()
    });
    format!("<!DOCTYPE html>{html}")
}

#[component]
fn Cases(p: StatusPage, token: String, done: Option<Done>) -> impl IntoView {
    let here = format!("{PATH}{token}");
    let sent = match done {
        Some(Done::NotAnswered(id)) => Some(id),
        _ => None,
    };
    let filed = match done {
        Some(Done::Filed(id)) => p.cases.iter().find(|c| c.id == id).map(|c| {
            format!(
                "已送出「{}」（{}）。府會聯絡人員受理後即分派局處辦理，進度會顯示在下方。",
                c.topic, c.label
            )
        }),
        _ => None,
    };
    let file_links = p.can_file.then(|| {
        view! {
            <nav class="status-file" aria-label="線上送件">
                <h2>"線上送件"</h2>
                <p>
                    <a href=format!("{PATH}{token}/new/data-request")>"新增索取資料"</a>
                    " "
                    <a href=format!("{PATH}{token}/new/service")>"新增服務案件"</a>
                </p>
            </nav>
        }
    });
    let sessions = match p.sessions.len() {
        0 => None,
        1 => Some(view! { <p class="status-session">{p.sessions[0].1.clone()}</p> }.into_any()),
        _ => Some(
            view! {
                <form method="get" action=here class="status-sessions" aria-label="切換會期">
                    <label for="session">"會期"</label>
                    <select id="session" name="session">
                        {p.sessions
                            .iter()
                            .map(|(id, title)| {
                                view! {
                                    <option value=id.to_string() selected=Some(*id) == p.session>
                                        {title.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <button type="submit">"查看"</button>
                </form>
            }
            .into_any(),
        ),
    };
    view! {
        <h1>{format!("{} 議員 案件進度", p.councilor)}</h1>
        {filed.map(|words| view! { <p class="status-sent" role="status">{words}</p> })}
        {file_links}
        {sessions}
        {p.cases.is_empty().then(|| view! { <p>"目前沒有案件。"</p> })}
        {p.cases
            .into_iter()
            .map(|c| view! { <Case c token=token.clone() sent /> })
            .collect_view()}
    }
}

#[component]
fn Case(c: PublicCase, token: String, sent: Option<i64>) -> impl IntoView {
    let id = c.id;
    let corrected = !c.corrections.is_empty();
    let reply = (c.status.answered() && !c.reply.is_empty()).then(|| {
        let corrections = c
            .corrections
            .iter()
            .map(|k| {
                view! {
                    <h3>{format!("勘誤（{}）", roc_date(k.on))}</h3>
                    <div class="status-reply status-correction">
                        <p>{format!("勘誤原因：{}", k.why)}</p>
                        <p>"更正為："</p>
                        {k.body.clone()}
                    </div>
                }
            })
            .collect_view();
        view! {
            <h3>{if corrected { "原答復內容（已勘誤，更正內容見下方）" } else { "答復內容" }}</h3>
            <div class="status-reply">{c.reply.clone()}</div>
            {corrections}
        }
    });
    let files = (!c.files.is_empty()).then(|| {
        view! {
            <h3>"提供之資料"</h3>
            <ul class="status-files">
                {c.files
                    .iter()
                    .map(|(file, name, size)| {
                        view! {
                            <li>
                                <a href=format!("{PATH}{token}/files/{file}") download>{name.clone()}</a>
                                {format!("（{}）", human_size(*size))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    let not_answered = c.awaits_office.then(|| {
        let comment = format!("comment-{id}");
        view! {
            <details class="status-not-answered">
                <summary>"對答復內容有疑義？"</summary>
                <form method="post" action=format!("{PATH}{token}/cases/{id}/not-answered") aria-label="答非所問">
                    <label for=comment.clone()>"請說明未回答的部分"</label>
                    <textarea id=comment name="comment" rows="4" maxlength=NOT_AN_ANSWER_MAX_CHARS.to_string() required></textarea>
                    <button type="submit">"送出答非所問"</button>
                </form>
            </details>
        }
    });
    view! {
        <article class="status-case" id=format!("case-{id}")>
            <h2>{format!("{}　{}", c.label, c.topic)}</h2>
            <p>
                <span class=format!("status-word status-{}", c.status.as_str())>{c.status.label()}</span>
                {corrected.then(|| view! { " "<span class="status-word status-corrected">"已勘誤"</span> })}
            </p>
            <dl>
                {c.lead_bureau.map(|lead| view! { <dt>"主辦機關"</dt><dd>{lead}</dd> })}
                {match c.answered_on {
                    Some(day) => view! { <dt>"答復日期"</dt><dd>{roc_date(day)}</dd> }.into_any(),
                    None => view! { <dt>"預定答復日期"</dt><dd>{roc_date(c.due_on)}</dd> }.into_any(),
                }}
                {(!c.letters.incoming_number.is_empty()).then(|| view! {
                    <dt>"議會來文字號"</dt><dd>{c.letters.incoming_number.clone()}</dd>
                })}
                {(!c.letters.outgoing_number.is_empty()).then(|| {
                    let on = c.letters.outgoing_on.map(|d| format!("（{}）", roc_date(d))).unwrap_or_default();
                    view! { <dt>"發文字號"</dt><dd>{format!("{}{on}", c.letters.outgoing_number)}</dd> }
                })}
            </dl>
            {(!c.visits.is_empty()).then(|| view! {
                <h3>"會勘與協調會"</h3>
                <ul class="status-visits">
                    {c.visits
                        .iter()
                        .map(|v| view! {
                            <li>
                                {v.heading.clone()}
                                {v.outcome.clone().map(|o| view! { <div class="status-reply">{format!("結果：{o}")}</div> })}
                            </li>
                        })
                        .collect_view()}
                </ul>
            })}
            {c.interim.clone().map(|i| view! {
                <h3>"期中答復"</h3>
                <div class="status-reply">
                    <p>{format!("{}：{}", roc_date(i.on), i.sentence())}</p>
                    <p>{format!("目前已掌握：{}", i.known)}</p>
                    <p>{format!("需要更多時間的原因：{}", i.why)}</p>
                </div>
            })}
            {c.refusal.clone().map(|reason| view! {
                <h3>"不受理理由"</h3>
                <div class="status-reply">{reason}</div>
            })}
            {reply}
            {(sent == Some(id)).then(|| view! {
                <p class="status-sent" role="status">"已收到您的意見，已請主辦機關重新答復。"</p>
            })}
            {files}
            {not_answered}
        </article>
    }
}

fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::PublicStatus;
    use chrono::NaiveDate;

    fn hostile_page() -> String {
        let evil = "</title><script>alert(1)</script><meta http-equiv=\"refresh\" content=\"0\">";
        let p = StatusPage {
            councilor: evil.into(),
            sessions: vec![(1, format!("第1次{evil}")), (2, "第2次".into())],
            session: Some(1),
            cases: vec![PublicCase {
                id: 7,
                label: "質詢 第 1 號".into(),
                topic: evil.into(),
                status: PublicStatus::Answered,
                lead_bureau: Some(evil.into()),
                due_on: NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
                answered_on: NaiveDate::from_ymd_opt(2024, 3, 29),
                reply: format!("{evil}</textarea>"),
                files: vec![(3, format!("{evil}.pdf"), 2048)],
                awaits_office: true,
                refusal: Some(evil.into()),
                visits: vec![crate::links::PublicVisit {
                    heading: evil.into(),
                    outcome: Some(evil.into()),
                }],
                interim: Some(crate::interim::InterimReply {
                    known: evil.into(),
                    why: evil.into(),
                    previous_due_on: NaiveDate::from_ymd_opt(2024, 3, 20).unwrap(),
                    new_due_on: NaiveDate::from_ymd_opt(2024, 3, 29).unwrap(),
                    agreement: crate::interim::Agreement::Later,
                    agreed_with: evil.into(),
                    on: NaiveDate::from_ymd_opt(2024, 3, 18).unwrap(),
                }),
                corrections: vec![crate::corrections::PublicCorrection {
                    body: evil.into(),
                    why: evil.into(),
                    on: NaiveDate::from_ymd_opt(2024, 4, 2).unwrap(),
                }],
                letters: crate::cases::LetterNumbers {
                    incoming_number: evil.into(),
                    incoming_on: None,
                    outgoing_number: evil.into(),
                    outgoing_on: NaiveDate::from_ymd_opt(2024, 3, 29),
                },
            }],
            can_file: true,
        };
        let city = City {
            government: format!("市政府{evil}"),
            contact: evil.into(),
            ..City::default()
        };
        page(&city, p, "tok_en-1", Some(Done::NotAnswered(7)))
    }

    #[test]
    fn every_text_an_office_reads_is_escaped_by_the_renderer() {
        let html = hostile_page();
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"zh-Hant-TW\">"));
        assert_eq!(html.matches("<title>").count(), 1, "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<meta http-equiv"), "{html}");
        assert!(html.contains("&lt;/title&gt;&lt;script&gt;"), "{html}");
    }

    #[test]
    fn the_page_links_each_file_and_the_not_an_answer_form_under_its_own_token() {
        let html = hostile_page();
        assert!(html.contains("href=\"/s/tok_en-1/files/3\""), "{html}");
        assert!(html.contains("action=\"/s/tok_en-1/cases/7/not-answered\""));
        assert!(html.contains("已收到您的意見"));
        assert!(html.contains("2 KB"));
        assert!(
            html.contains("<dt>答復日期</dt><dd>113/03/29</dd>"),
            "{html}"
        );
        assert!(!html.contains("<script"), "no hydration script either");
        assert!(html.contains("href=\"/s/tok_en-1/new/service\""), "{html}");
        assert!(html.contains("不受理理由"), "{html}");
    }
}
