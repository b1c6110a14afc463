use crate::components::PageTitle;
use crate::{
    admin::{audit_page::AuditPage, pages::UsersPage},
    auth::{
        guard::Auth,
        pages::{ChangePasswordPage, LoginPage},
    },
    cases::{
        case_page::CasePage,
        pages::{CaseListPage, NewDataRequestPage, NewQuestionPage},
    },
    components::NotFound,
    deadlines::pages::DeadlinesPage,
    home::HomePage,
    import::pages::{ImportPage, ImportPreviewPage},
    links::pages::LinksPage,
    meetings::pages::{MeetingPage, MeetingsPage},
    notifications::pages::NotificationsPage,
    reference::pages::ReferencePage,
    reports::pages::ReportsPage,
    top_bar::TopBar,
    volume::pages::{VolumeJobPage, VolumePage},
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Outlet, ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="zh-Hant-TW">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // `site_pkg_dir` names the build (`pkg/<hash>`, server/src/web/assets.rs).
                <link
                    rel="stylesheet"
                    href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name)
                />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    crate::error::provide_flashed_action_error();
    view! {
        <PageTitle text="府會通" />
        <Router>
            <AppRoutes />
        </Router>
    }
}

/// Pages that depend on who is signed in render fully on the server before the response
/// starts (`SsrMode::Async`), so they can answer with a redirect or a 403 status.
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <NotFound /> }>
            <ParentRoute path=path!("") view=Layout>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/account/password") view=ChangePasswordPage ssr=SsrMode::Async />
                <Route path=path!("/account/notifications") view=crate::notifications::settings_page::NotificationSettingsPage ssr=SsrMode::Async />
                <Route path=path!("/account/email/confirm") view=crate::notifications::settings_page::ConfirmEmailPage ssr=SsrMode::Async />
                <Route path=path!("/admin/deliveries") view=crate::notifications::log_page::DeliveriesPage ssr=SsrMode::Async />
                <Route path=path!("/admin/users") view=UsersPage ssr=SsrMode::Async />
                <Route path=path!("/admin/deadlines") view=DeadlinesPage ssr=SsrMode::Async />
                <Route path=path!("/admin/reference") view=ReferencePage ssr=SsrMode::Async />
                <Route path=path!("/admin/audit") view=AuditPage ssr=SsrMode::Async />
                <Route path=path!("/admin/synonyms") view=crate::synonyms::pages::SynonymsPage ssr=SsrMode::Async />
                <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async />
                <Route path=path!("/meetings") view=MeetingsPage ssr=SsrMode::Async />
                <Route path=path!("/meetings/:id") view=MeetingPage ssr=SsrMode::Async />
                <Route path=path!("/reports") view=ReportsPage ssr=SsrMode::Async />
                <Route path=path!("/volume") view=VolumePage ssr=SsrMode::Async />
                <Route path=path!("/links") view=LinksPage ssr=SsrMode::Async />
                <Route path=path!("/volume/jobs/:id") view=VolumeJobPage ssr=SsrMode::Async />
                <Route path=path!("/cases") view=CaseListPage ssr=SsrMode::Async />
                <Route path=path!("/cases/new/question") view=NewQuestionPage ssr=SsrMode::Async />
                <Route path=path!("/cases/new/data-request") view=NewDataRequestPage ssr=SsrMode::Async />
                <Route path=path!("/cases/new/service") view=crate::service::pages::NewServiceCasePage ssr=SsrMode::Async />
                <Route path=path!("/cases/new/resolution") view=crate::resolutions::pages::NewResolutionPage ssr=SsrMode::Async />
                <Route path=path!("/resolutions/reports") view=crate::resolutions::pages::ExecutionReportsPage ssr=SsrMode::Async />
                <Route path=path!("/resolutions/import") view=crate::resolutions::import_pages::ResolutionImportPage ssr=SsrMode::Async />
                <Route path=path!("/resolutions/import/:id") view=crate::resolutions::import_pages::ResolutionImportPreviewPage ssr=SsrMode::Async />
                <Route path=path!("/resolutions/reports/:id") view=crate::resolutions::pages::ExecutionReportPage ssr=SsrMode::Async />
                <Route path=path!("/bills") view=crate::bills::pages::BillsPage ssr=SsrMode::Async />
                <Route path=path!("/bills/new") view=crate::bills::pages::NewBillPage ssr=SsrMode::Async />
                <Route path=path!("/bills/:id") view=crate::bills::pages::BillPage ssr=SsrMode::Async />
                <Route path=path!("/briefings") view=crate::bills::briefing_pages::BriefingsPage ssr=SsrMode::Async />
                <Route path=path!("/briefs") view=crate::briefs::pages::BriefsPage ssr=SsrMode::Async />
                <Route path=path!("/briefings/:id") view=crate::bills::briefing_pages::BriefingPage ssr=SsrMode::Async />
                <Route path=path!("/briefings/:id/pack") view=crate::bills::briefing_pages::BriefingPackPage ssr=SsrMode::Async />
                <Route path=path!("/cases/import") view=ImportPage ssr=SsrMode::Async />
                <Route path=path!("/cases/import/:id") view=ImportPreviewPage ssr=SsrMode::Async />
                <Route path=path!("/cases/:id") view=CasePage ssr=SsrMode::Async />
            </ParentRoute>
        </Routes>
    }
}

/// The frame around every page. It lives inside `<Routes>` because that is where a form
/// posted without JavaScript gets its error back from the URL, and the login action
/// created here must see it.
#[component]
fn Layout() -> impl IntoView {
    Auth::provide();
    view! {
        // The first stop of the keyboard: past the top bar's links to the work.
        <a class="skip-link" href="#main">"跳到主要內容"</a>
        <TopBar />
        <main id="main" tabindex="-1">
            <Outlet />
        </main>
    }
}

/// What a page may load: its own files, the scripts carrying this response's nonce (the
/// islands' loader) and their wasm; no frames around it, no plug-ins, forms only to itself.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sends [`page_policy`] with the nonce Leptos put on this page's inline scripts.
#[cfg(feature = "ssr")]
fn set_page_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_runs_only_scripts_with_its_nonce_and_cannot_be_framed() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
    }
}
