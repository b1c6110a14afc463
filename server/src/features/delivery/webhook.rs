//! The messaging gateways: each message as JSON, POSTed with a timestamp and an
//! HMAC-SHA256 signature of `<timestamp>.<body>` under the gateway's secret, so the gateway
//! knows the message is ours and fresh (see README, 訊息閘道).

use app::notifications::db::outbox::{Claimed, Outcome};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

pub const TIMESTAMP_HEADER: &str = "X-Fuhuitong-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Fuhuitong-Signature";
pub const MESSAGE_ID_HEADER: &str = "X-Fuhuitong-Message-Id";

/// `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>").
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[derive(Clone)]
pub struct Client(reqwest::Client);

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl Client {
    pub fn new() -> Self {
        Self(
            reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                // A gateway that moved says so to the admin, not to a redirect chain.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client with default TLS settings"),
        )
    }

    pub async fn post(&self, url: &str, secret: &str, m: &Claimed) -> Outcome {
        let timestamp = chrono::Utc::now().timestamp();
        let sent = self
            .0
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, signature(secret, timestamp, &m.payload))
            .header(MESSAGE_ID_HEADER, &m.message_id)
            .body(m.payload.clone())
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status();
                let answer = format!("HTTP {status}");
                if status.is_success() {
                    Outcome::Sent(answer)
                } else if status.is_server_error()
                    || status == reqwest::StatusCode::REQUEST_TIMEOUT
                    || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                {
                    Outcome::Temporary(answer)
                } else {
                    Outcome::Permanent(answer)
                }
            }
            // Timeouts, refused and broken connections.
            Err(e) => Outcome::Temporary(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed apart from this code: python3 -c
        // "import hmac,hashlib;print(hmac.new(b'key',b'1700000000.{}',hashlib.sha256).hexdigest())"
        assert_eq!(
            signature("key", 1_700_000_000, "{}"),
            "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
        );
    }
}
