//! Real counterparts on loopback ports: an SMTP server that records what it receives and
//! answers as it is told (451 then 250, or 550), and an HTTP receiver that checks webhook
//! signatures as a city gateway would.

use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

/// One message as the SMTP server took it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    /// The message as sent, headers and body (dot-unstuffed).
    pub data: String,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .expect("a message a mail client can read")
    }
}

#[derive(Clone)]
pub struct Smtp {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<Received>>>,
    /// Answers to the next RCPT commands (250 when none is left).
    script: Arc<Mutex<VecDeque<u16>>>,
}

impl Smtp {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let smtp = Self {
            addr: listener.local_addr().unwrap(),
            received: Arc::default(),
            script: Arc::default(),
        };
        let server = smtp.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let server = server.clone();
                tokio::spawn(async move { server.converse(socket).await });
            }
        });
        smtp
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// The next recipients are answered with these codes, in order.
    pub fn answer_next(&self, codes: &[u16]) {
        self.script.lock().unwrap().extend(codes);
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    async fn converse(&self, socket: tokio::net::TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let _ = write.write_all(b"220 loopback ESMTP\r\n").await;
        let mut to = Vec::new();
        while let Ok(Some(line)) = lines.next_line().await {
            let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
            let reply: String = match verb.as_str() {
                "EHLO" => "250-loopback\r\n250-8BITMIME\r\n250 SMTPUTF8".into(),
                "HELO" | "MAIL" | "RSET" | "NOOP" => {
                    if verb == "RSET" {
                        to.clear();
                    }
                    "250 OK".into()
                }
                "RCPT" => {
                    let code = self.script.lock().unwrap().pop_front().unwrap_or(250);
                    if code == 250 {
                        let address = line.split(['<', '>']).nth(1).unwrap_or_default().to_owned();
                        to.push(address);
                        "250 OK".into()
                    } else if code < 500 {
                        format!("{code} 4.3.0 try again later")
                    } else {
                        format!("{code} 5.1.1 no such mailbox")
                    }
                }
                "DATA" => {
                    let _ = write.write_all(b"354 go ahead\r\n").await;
                    let mut data = String::new();
                    while let Ok(Some(l)) = lines.next_line().await {
                        if l == "." {
                            break;
                        }
                        data.push_str(
                            l.strip_prefix('.')
                                .filter(|_| l.starts_with(".."))
                                .unwrap_or(&l),
                        );
                        data.push_str("\r\n");
                    }
                    self.received.lock().unwrap().push(Received {
                        to: std::mem::take(&mut to),
                        data,
                    });
                    "250 2.0.0 queued".into()
                }
                "QUIT" => {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    return;
                }
                _ => "502 not here".into(),
            };
            if write
                .write_all(format!("{reply}\r\n").as_bytes())
                .await
                .is_err()
            {
                return;
            }
        }
    }
}

/// One POST the webhook receiver took.
#[derive(Debug, Clone)]
pub struct Hook {
    pub body: String,
    pub signed_correctly: bool,
    pub message_id: String,
}

/// A gateway at `http://127.0.0.1:<port>/hook` that checks each POST's signature under
/// `secret` and answers as told (200 when nothing is left).
#[derive(Clone)]
pub struct Gateway {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<Hook>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
}

impl Gateway {
    pub async fn start(secret: &str) -> Self {
        use axum::{http::HeaderMap, routing::post, Router};
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gateway = Self {
            addr: listener.local_addr().unwrap(),
            received: Arc::default(),
            script: Arc::default(),
        };
        let (me, secret) = (gateway.clone(), secret.to_owned());
        let app = Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: String| {
                let (me, secret) = (me.clone(), secret.clone());
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    // Verified as the README tells a gateway to: HMAC-SHA256 of
                    // "<timestamp>.<body>", compared in constant time.
                    use hmac::{Hmac, Mac};
                    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
                    mac.update(format!("{}.{body}", header("X-Fuhuitong-Timestamp")).as_bytes());
                    let given = header("X-Fuhuitong-Signature");
                    let signed_correctly = given
                        .strip_prefix("sha256=")
                        .and_then(|h| hex::decode(h).ok())
                        .is_some_and(|sig| mac.verify_slice(&sig).is_ok());
                    me.received.lock().unwrap().push(Hook {
                        body,
                        signed_correctly,
                        message_id: header("X-Fuhuitong-Message-Id"),
                    });
                    let code = me.script.lock().unwrap().pop_front().unwrap_or(200);
                    axum::http::StatusCode::from_u16(code).unwrap()
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        gateway
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn answer_next(&self, codes: &[u16]) {
        self.script.lock().unwrap().extend(codes);
    }

    pub fn hooks(&self) -> Vec<Hook> {
        self.received.lock().unwrap().clone()
    }
}
