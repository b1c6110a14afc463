//! E-mail: over the relay `SMTP_URL` names (lettre, with rustls), or, with none, into
//! `.eml` files under `<DATA_DIR>/mail/` so a newcomer's machine shows what would go.

use crate::config::Config;
use app::notifications::db::outbox::{Claimed, Outcome};
use lettre::{
    message::{header::ContentType, Mailbox, MultiPart, SinglePart},
    transport::smtp::{
        authentication::Credentials,
        client::{Tls, TlsParameters},
    },
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use std::{path::PathBuf, time::Duration};

#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("SMTP_URL: {0}")]
    Relay(String),
    #[error("MAIL_FROM: {0}")]
    From(String),
    #[error("the mail folder {0}: {1}")]
    Folder(PathBuf, std::io::Error),
}

pub enum Transport {
    Relay(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

pub fn default_port(scheme: &str) -> u16 {
    if scheme == "smtps" {
        465
    } else {
        25
    }
}

/// The `.eml` folder: `<DATA_DIR>/mail`.
pub fn folder(config: &Config) -> PathBuf {
    config.data_dir.join("mail")
}

/// The relay `url` names: `smtps://` speaks TLS from the first byte (port 465);
/// `smtp://` on port 587 (or with `?tls=required`) must upgrade with STARTTLS; any other
/// `smtp://` upgrades when the relay offers it (a relay inside the city's network on port
/// 25 may not). A user and password in the address sign in.
pub fn relay(url: &url::Url) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailSetupError> {
    let host = url
        .host_str()
        .ok_or_else(|| MailSetupError::Relay("no host".into()))?
        .to_owned();
    let port = url.port().unwrap_or(default_port(url.scheme()));
    let params =
        TlsParameters::new(host.clone()).map_err(|e| MailSetupError::Relay(e.to_string()))?;
    let required = url
        .query_pairs()
        .any(|(k, v)| k == "tls" && v == "required");
    let tls = match url.scheme() {
        "smtps" => Tls::Wrapper(params),
        _ if port == 587 || required => Tls::Required(params),
        _ => Tls::Opportunistic(params),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(30)));
    if !url.username().is_empty() {
        let decode = |s: &str| {
            percent_decode(s).map_err(|_| MailSetupError::Relay("user or password".into()))
        };
        builder = builder.credentials(Credentials::new(
            decode(url.username())?,
            decode(url.password().unwrap_or_default())?,
        ));
    }
    Ok(builder.build())
}

fn percent_decode(s: &str) -> Result<String, std::string::FromUtf8Error> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
}

impl Mailer {
    pub fn new(config: &Config) -> Result<Self, MailSetupError> {
        let from = config
            .mail
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailSetupError::From(e.to_string()))?;
        let transport = match &config.mail.smtp_url {
            Some(url) => Transport::Relay(relay(url)?),
            None => {
                let dir = folder(config);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| MailSetupError::Folder(dir.clone(), e))?;
                Transport::Folder(AsyncFileTransport::<Tokio1Executor>::new(dir))
            }
        };
        Ok(Self { transport, from })
    }

    /// The message as it goes out: from `MAIL_FROM` to the one recipient, its subject (an
    /// encoded header: lettre writes any text as an RFC 2047 word, so no line break can
    /// start a header of its own), plain text and HTML, and its own Message-ID.
    pub fn message(&self, m: &Claimed) -> Result<Message, String> {
        let to: Mailbox = m
            .recipient
            .parse()
            .map_err(|e| format!("收件地址無效：{e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(app::notifications::delivery::one_line(&m.subject, 200))
            .message_id(Some(m.message_id.clone()))
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(m.body_text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(m.body_html.clone()),
                    ),
            )
            .map_err(|e| format!("郵件無法組成：{e}"))
    }

    pub async fn send(&self, m: &Claimed) -> Outcome {
        let message = match self.message(m) {
            Ok(message) => message,
            Err(why) => return Outcome::Permanent(why),
        };
        match &self.transport {
            Transport::Relay(relay) => match relay.send(message).await {
                Ok(answer) => Outcome::Sent(answer_line(
                    answer.code().to_string(),
                    answer.message().collect::<Vec<_>>().join(" "),
                )),
                // A 5xx answer will not change by trying again; everything else (a 4xx,
                // a timeout, a refused or broken connection) may.
                Err(e) if e.is_permanent() => Outcome::Permanent(e.to_string()),
                Err(e) => Outcome::Temporary(e.to_string()),
            },
            Transport::Folder(files) => match files.send(message).await {
                Ok(id) => Outcome::Sent(format!("已寫入 {id}.eml")),
                Err(e) => Outcome::Temporary(e.to_string()),
            },
        }
    }
}

fn answer_line(code: String, words: String) -> String {
    format!("{code} {words}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    // The relay's connection pool lives on the Tokio runtime.
    #[tokio::test]
    async fn a_relay_address_says_how_to_speak_tls() {
        for ok in [
            "smtp://relay.example.gov.tw",
            "smtp://user:p%40ss@relay.example.gov.tw:587",
            "smtps://user:pass@relay.example.gov.tw:465",
        ] {
            assert!(relay(&url(ok)).is_ok(), "{ok}");
        }
    }

    #[test]
    fn a_password_in_the_address_is_percent_decoded() {
        assert_eq!(percent_decode("p%40ss%2Fw").unwrap(), "p@ss/w");
        assert_eq!(percent_decode("plain").unwrap(), "plain");
    }
}
