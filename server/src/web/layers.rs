//! The layers every request passes on its way in: who the client is, a request id the log
//! can trust, bodies of a bounded size without NUL characters, and no caching of pages.

use app::state::ClientAddr;
use axum::{
    extract::{ConnectInfo, Request},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, HeaderValue};
use std::net::{IpAddr, SocketAddr};

/// The most any request but a delivery upload may send: the longest form (a reply of
/// 20,000 characters with its sub-answers, percent-encoded) is well under it.
pub const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// Server fns read their whole body before looking at it, with no limit of their own; a
/// body announced over [`MAX_FORM_BYTES`] is refused unread (413), and one sent without a
/// length (chunked) is read here up to the limit and refused alike when it goes past it.
/// Uploads have their own, larger limit (`files`).
pub(super) async fn limit_form_bodies(request: Request, next: Next) -> Response {
    let (method, path) = (request.method(), request.uri().path());
    if crate::features::cases::is_upload(method, path)
        || crate::features::filings::is_upload(method, path)
        || crate::features::bills::is_upload(method, path)
    {
        return next.run(request).await;
    }
    let too_large = || {
        (
            http::StatusCode::PAYLOAD_TOO_LARGE,
            "送出的資料過大，請縮短內容後再試。",
        )
            .into_response()
    };
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_FORM_BYTES as u64) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let form = parts.headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    let body = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) if form => axum::body::Body::from(without_nul(bytes)),
        Ok(bytes) => axum::body::Body::from(bytes),
        Err(e) => {
            // Over the limit, or the client broke off: either way nothing is done.
            tracing::info!("form body refused: {e}");
            return too_large();
        }
    };
    next.run(Request::from_parts(parts, body)).await
}

/// A form body without NUL characters (`%00`, or raw): no one types them, PostgreSQL
/// refuses them in text, and a crafted one would otherwise turn a save into an error.
fn without_nul(bytes: axum::body::Bytes) -> axum::body::Bytes {
    let has = bytes.contains(&0) || bytes.windows(3).any(|w| w == b"%00");
    if !has {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0 {
            i += 1;
        } else if bytes[i..].starts_with(b"%00") {
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out.into()
}

/// Pages and answers hold case contents: no cache keeps them (`private, no-store`), unless
/// the response chose otherwise. The app's own static files (`/pkg/…`, the icon) may be.
pub(super) async fn no_store(request: Request, next: Next) -> Response {
    let cacheable = {
        let path = request.uri().path();
        path.starts_with("/pkg/") || path == "/favicon.svg"
    };
    let mut response = next.run(request).await;
    if !cacheable && !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

/// Every log line a request causes carries its id (also sent back as `x-request-id`, so a
/// user's report can be matched to the log), its method and its path.
pub(super) fn request_span(request: &Request) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %loggable_path(request.uri().path())
    )
}

/// A path as logs may hold it: a status link's token is a password, so a log says only
/// that a status page was asked.
pub fn loggable_path(path: &str) -> &str {
    if path.starts_with(app::links::PATH) {
        "/s/[token]"
    } else {
        path
    }
}

/// Whether a client's request id may be kept: 1–64 letters, digits, `-`, `_` or `.`.
pub fn safe_request_id(id: &[u8]) -> bool {
    (1..=64).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Answers the request with its id known to whatever fails inside it: an internal error
/// shows the user this id (錯誤代碼), which every log line of the request carries.
pub(super) async fn remember_request_id(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    app::error::REQUEST_ID.scope(id, next.run(request)).await
}

/// Drops a client's `X-Request-Id` of an unsafe shape, so that a new one is made: a load
/// balancer's id is kept (both logs then tell the same request), but anything else a
/// client sends there could forge or garble log lines.
pub(super) async fn screen_request_id(mut request: Request, next: Next) -> Response {
    let unsafe_id = request
        .headers()
        .get("x-request-id")
        .is_some_and(|v| !safe_request_id(v.as_bytes()));
    if unsafe_id {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

/// Notes where the request came from, for the audit log and the login limit: the TCP
/// peer, or behind a trusted reverse proxy the address it forwarded. Serve the router with
/// `into_make_service_with_connect_info::<SocketAddr>()` for the peer to be known.
pub(super) async fn client_addr(
    axum::extract::State(trusted): axum::extract::State<std::sync::Arc<Vec<IpAddr>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let addr = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| {
            let forwarded = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",");
            client_address(peer.ip(), &forwarded, &trusted).to_string()
        })
        .unwrap_or_default();
    request.extensions_mut().insert(ClientAddr(addr));
    next.run(request).await
}

/// The client's address. A peer that is not a trusted proxy is the client, whatever it
/// claims. From a trusted proxy, `X-Forwarded-For` is read from the right (each proxy
/// appends the address it saw) and the first address that is not a trusted proxy is the
/// client; the entries left of it are the client's own say and are not believed.
pub fn client_address(peer: IpAddr, forwarded_for: &str, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for.rsplit(',').map(str::trim) {
        match hop.parse::<IpAddr>() {
            Ok(addr) => {
                client = addr;
                if !trusted.contains(&addr) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::{client_address, loggable_path, safe_request_id};

    #[test]
    fn a_status_links_token_never_reaches_a_log_line() {
        assert_eq!(
            loggable_path("/s/abcDEF_-0123456789abcdef0123456789abcdef012"),
            "/s/[token]"
        );
        assert_eq!(loggable_path("/s/x/files/3"), "/s/[token]");
        assert_eq!(loggable_path("/cases/3"), "/cases/3");
    }

    #[test]
    fn only_a_plain_request_id_of_at_most_64_characters_is_kept() {
        assert!(safe_request_id(b"9f0c1e2a-lb.1_x"));
        for bad in [&b""[..], b"a b", b"a\nlevel=error", &[b'a'; 65]] {
            assert!(!safe_request_id(bad), "{bad:?}");
        }
    }
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_a_trusted_proxy_the_peer_is_the_client_whatever_it_claims() {
        assert_eq!(
            client_address(ip("198.51.100.9"), "203.0.113.7", &[]),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_address_it_saw_is_the_client() {
        let proxy = [ip("10.0.0.2")];
        assert_eq!(
            client_address(ip("10.0.0.2"), "203.0.113.7", &proxy),
            ip("203.0.113.7")
        );
        // What the client put in the header itself (left of what the proxy saw) is ignored.
        assert_eq!(
            client_address(ip("10.0.0.2"), "1.2.3.4, 203.0.113.7", &proxy),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_back_to_the_client() {
        let proxies = [ip("10.0.0.2"), ip("10.0.0.3")];
        assert_eq!(
            client_address(ip("10.0.0.2"), "203.0.113.7, 10.0.0.3", &proxies),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_garbled_header_leaves_the_last_good_address() {
        let proxy = [ip("10.0.0.2")];
        assert_eq!(client_address(ip("10.0.0.2"), "", &proxy), ip("10.0.0.2"));
        assert_eq!(
            client_address(ip("10.0.0.2"), "nonsense", &proxy),
            ip("10.0.0.2")
        );
    }
}
