//! The start page: the lists each role works through, most urgent first.

use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, CurrentUser, Role},
    cases::{pages::CaseTable, server_fns::my_queues},
    components::ErrorPage,
};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PageTitle text="我的工作｜府會通" />
        <RequireRole roles=&Role::ALL children=|user| view! { <StartPage user /> } />
    }
}

/// What a step that leaves its page did, told on the start page it lands on
/// (`/?done=rejected`): a code in the address, the words here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// A bureau handed an assignment back; the case is no longer its to see.
    Rejected,
    /// A step taken with "… and open the next one" left nothing in its queue.
    QueueDone,
}

impl Done {
    const ALL: [Done; 2] = [Done::Rejected, Done::QueueDone];

    fn code(self) -> &'static str {
        match self {
            Done::Rejected => "rejected",
            Done::QueueDone => "queue_done",
        }
    }

    /// The start page telling this.
    pub fn path(self) -> String {
        format!("/?done={}", self.code())
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    fn words(self) -> &'static str {
        match self {
            Done::Rejected => "已退回分派，秘書處將另行改分；本案已不在本局的待辦中。",
            Done::QueueDone => "已辦理完成；佇列中沒有其他待辦的案件了。",
        }
    }
}

#[component]
fn StartPage(user: CurrentUser) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let done = query.with_untracked(|q| q.get("done").and_then(|c| Done::from_code(&c)));
    let greeting = match &user.bureau_name {
        Some(bureau) => format!("{}（{}）", user.display_name, bureau),
        None => user.display_name.clone(),
    };
    let queues = Resource::new(|| (), |_| my_queues());
    view! {
        <h1>"我的工作"</h1>
        {done.map(|d| view! { <p class="form-ok" role="status">{d.words()}</p> })}
        <p class="lead">{greeting}"，您好。您的角色是「"{user.role.label()}"」。"</p>
        {(user.role == Role::Admin).then(|| view! { <CalendarWarning /> })}
        {(user.role == Role::Admin)
            .then(|| {
                view! {
                    <section class="panel">
                        <h2>"系統管理"</h2>
                        <ul>
                            <li><A href="/admin/users">"使用者管理"</A>"：檢視帳號、建立新使用者。"</li>
                            <li><A href="/admin/reference">"基本資料"</A>"：會期、議員、局處與質詢類別。"</li>
                            <li><A href="/admin/deadlines">"期限規則與行事曆"</A>"：答復天數、放假日與補班日。"</li>
                        </ul>
                    </section>
                }
            })}
        {(user.role == Role::Secretariat)
            .then(|| {
                view! {
                    <p class="page-actions">
                        <A href="/cases/new/question">"登錄質詢"</A>
                        <A href="/cases/new/data-request">"登錄索資"</A>
                        <A href="/cases/new/service">"登錄服務案件"</A>
                        <A href="/cases/new/resolution">"登錄決議案"</A>
                        <A href="/resolutions/reports">"執行情形報告"</A>
                        <A href="/cases">"全部案件"</A>
                    </p>
                }
            })}
        {matches!(user.role, Role::Secretariat | Role::Reviewer).then(|| view! { <ResolutionWarnings /> })}
        {(user.role != Role::Admin).then(|| view! { <crate::corrections::pages::WaitingCorrections /> })}
        {matches!(user.role, Role::Secretariat | Role::BureauLiaison | Role::BureauApprover)
            .then(|| view! { <BillCallReminder bureau=user.role != Role::Secretariat /> })}
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match queues.await {
                    Ok(queues) => queues
                        .into_iter()
                        .map(|q| {
                            view! {
                                <section class="panel">
                                    <h2>{format!("{}（{}）", q.title, q.rows.len())}</h2>
                                    {q.by_flag.map(|status| view! {
                                        <p class="queue-filters">"依敏感標記查看："
                                            {crate::background::Flag::ALL
                                                .iter()
                                                .map(|f| view! {
                                                    " "<a href=format!("/cases?status={}&flag={}", status.as_str(), f.as_str())>{f.label()}</a>
                                                })
                                                .collect_view()}
                                        </p>
                                    })}
                                    {if q.rows.is_empty() {
                                        view! { <p class="empty">{q.empty}</p> }.into_any()
                                    } else {
                                        view! { <CaseTable rows=q.rows /> }.into_any()
                                    }}
                                </section>
                            }
                        })
                        .collect_view()
                        .into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Resolutions whose reconsideration window (覆議, 30 days) closes within five working
/// days, and the execution report when it is due soon and not compiled.
#[component]
fn ResolutionWarnings() -> impl IntoView {
    let warnings = Resource::new(|| (), |_| crate::resolutions::server_fns::warnings());
    view! {
        <Suspense>
            {Suspend::new(async move {
                let w = warnings.await.unwrap_or_default();
                let report = w.report.map(|r| view! {
                    <p class="notice warning" role="alert">
                        {format!(
                            "{}決議案執行情形報告應於 {} 前送達（{} 開議），尚未編製。",
                            r.session,
                            crate::dates::roc_date(r.due_on),
                            crate::dates::roc_date(r.opens_on)
                        )}
                        " "
                        <A href="/resolutions/reports">"編製報告"</A>
                    </p>
                });
                let windows = (!w.windows.is_empty()).then(|| view! {
                    <section class="panel warning" aria-labelledby="closing-windows">
                        <h2 id="closing-windows">{format!("覆議期限將屆的決議案（{}）", w.windows.len())}</h2>
                        <p class="hint">"市府得於收文後 30 日內提出覆議；期限過後即應依決議執行。"</p>
                        <ul>
                            {w.windows.into_iter().map(|c| view! {
                                <li>
                                    <a href=format!("/cases/{}", c.case_id)>{crate::resolutions::report::label(c.number)}</a>
                                    {format!(" {}：覆議期限 {}", c.topic, crate::dates::roc_date(c.closes))}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                });
                view! { {report} {windows} }
            })}
        </Suspense>
    }
}

/// The call for the session's bills, while it waits for answers: a bureau that has not
/// answered is asked to, the secretariat sees how many have not.
#[component]
fn BillCallReminder(bureau: bool) -> impl IntoView {
    let reminder = Resource::new(|| (), |_| crate::bills::server_fns::call_reminder());
    view! {
        <Suspense>
            {Suspend::new(async move {
                reminder.await.ok().flatten().map(|r| {
                    let class = if r.overdue { "notice warning" } else { "notice" };
                    view! {
                        <p class=class role="status">
                            {r.sentence(bureau)}
                            " "
                            <A href=format!("/bills?session={}", r.session_id)>{if bureau { "登錄議案" } else { "查看提報情形" }}</A>
                        </p>
                    }
                })
            })}
        </Suspense>
    }
}

/// Tells the admin when a year's working-day calendar is missing: deadlines would then
/// count weekends only.
#[component]
fn CalendarWarning() -> impl IntoView {
    let missing = Resource::new(
        || (),
        |_| crate::deadlines::server_fns::calendar_years_missing(),
    );
    view! {
        <Suspense>
            {Suspend::new(async move {
                missing.await.ok().filter(|years| !years.is_empty()).map(|years| {
                    let years: Vec<String> = years.iter().map(|y| format!("{} 年", y - 1911)).collect();
                    view! {
                        <p class="notice warning" role="alert">
                            {format!("尚未登錄{}的放假日與補行上班日：期限會只按週末計算。", years.join("、"))}
                            <A href="/admin/deadlines">"匯入人事行政總處公告的行事曆"</A>
                        </p>
                    }
                })
            })}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_done_code_reads_back_and_unknown_codes_say_nothing() {
        for d in Done::ALL {
            assert_eq!(Done::from_code(d.code()), Some(d));
            assert!(d.path().ends_with(d.code()));
        }
        assert_eq!(Done::from_code("<script>"), None);
    }
}
