//! Refuses state-changing requests that a browser says come from another site. Together with
//! the SameSite=Strict session cookie this stops cross-site request forgery, including on
//! plain HTML form posts that carry no token.

use super::flash::SecureCookies;
use axum::{extract::Request, middleware::Next, response::IntoResponse, response::Response};
use http::{header, HeaderMap, Method, StatusCode};

/// Whether a state-changing request comes from another site. `https_only`: the site is
/// served over HTTPS (`COOKIE_SECURE`), so an `Origin` of `http://` the same host is another
/// origin (a page injected into plain HTTP traffic), not ours.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, https_only: bool) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    // Browsers that send Fetch Metadata say exactly where a request comes from.
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    // Otherwise compare Origin with the Host the request was sent to.
    match headers.get(header::ORIGIN) {
        None => false,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            let origin = origin.to_str().ok().and_then(|o| o.split_once("://"));
            let scheme_ok = |scheme: &str| match scheme.to_ascii_lowercase().as_str() {
                "https" => true,
                "http" => !https_only,
                _ => false,
            };
            match (origin, host) {
                (Some((scheme, o)), Some(h)) => {
                    !scheme_ok(scheme) || !o.trim_end_matches('/').eq_ignore_ascii_case(h)
                }
                _ => true,
            }
        }
    }
}

pub async fn refuse_cross_site(
    axum::extract::State(SecureCookies(https_only)): axum::extract::State<SecureCookies>,
    request: Request,
    next: Next,
) -> Response {
    if is_cross_site(request.method(), request.headers(), https_only) {
        tracing::warn!(
            method = %request.method(),
            path = %super::loggable_path(request.uri().path()),
            "refused a cross-site request"
        );
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "跨站請求已被拒絕。請直接在府會通頁面操作。",
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn reads_are_never_refused() {
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(!is_cross_site(&Method::GET, &h, false));
    }

    #[test]
    fn a_post_from_the_same_origin_passes() {
        let h = headers(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://x.gov.tw"),
        ]);
        assert!(!is_cross_site(&Method::POST, &h, false));
    }

    #[test]
    fn a_post_another_site_sends_is_refused() {
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "cross-site")]),
            false
        ));
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-site")]),
            false
        ));
    }

    #[test]
    fn without_fetch_metadata_the_origin_must_match_the_host() {
        let same = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(!is_cross_site(&Method::POST, &same, false));
        let forged = headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(is_cross_site(&Method::POST, &forged, false));
        let opaque = headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]);
        assert!(is_cross_site(&Method::DELETE, &opaque, false));
    }

    #[test]
    fn over_https_an_origin_of_plain_http_on_the_same_host_is_another_site() {
        let plain = headers(&[("origin", "http://x.gov.tw"), ("host", "x.gov.tw")]);
        assert!(is_cross_site(&Method::POST, &plain, true));
        assert!(!is_cross_site(&Method::POST, &plain, false));
        let tls = headers(&[("origin", "https://x.gov.tw"), ("host", "x.gov.tw")]);
        assert!(!is_cross_site(&Method::POST, &tls, true));
        let other = headers(&[("origin", "ftp://x.gov.tw"), ("host", "x.gov.tw")]);
        assert!(is_cross_site(&Method::POST, &other, false));
    }

    #[test]
    fn clients_that_send_neither_header_are_not_browsers_and_pass() {
        assert!(!is_cross_site(&Method::POST, &HeaderMap::new(), false));
    }
}
