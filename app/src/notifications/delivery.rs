//! How notices leave the app: how each person hears of each kind (at once, in the morning
//! digest, or not at all), what a message says, and when a failed one is tried again. Plain
//! rules; the outbox (`db::outbox`) writes what they decide and the server's transports
//! (`server/src/features/delivery`) carry it.

use crate::{
    auth::Role, cases::notify::NotificationKind, city::City, escape::markup, notifications::Subject,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

text_enum!(Mode {
    Now = "now" / "立即通知",
    Digest = "digest" / "每日摘要",
    Off = "off" / "不通知",
});

text_enum!(Channel {
    Email = "email" / "電子郵件",
    Webhook = "webhook" / "訊息閘道",
});

text_enum!(Topic {
    Notice = "notice" / "通知",
    Digest = "digest" / "每日摘要",
    EmailConfirm = "email_confirm" / "確認電子郵件",
    StatusLink = "status_link" / "議員辦公室連結",
});

text_enum!(DeliveryState {
    Queued = "queued" / "待寄",
    Sending = "sending" / "寄送中",
    Sent = "sent" / "已寄出",
    Failed = "failed" / "寄送失敗",
});

/// When the morning digest goes out unless a deployment says otherwise (`DIGEST_TIME`).
pub const DIGEST_AT: (u32, u32) = (8, 30);

/// How long a runner holds a claimed message before another may take it: longer than any
/// one send may take (the SMTP and webhook timeouts are 30 s).
pub const LEASE_SECONDS: i64 = 120;

/// How many messages one run claims at most.
pub const BATCH: i64 = 100;

/// How a person of `role` hears of `kind` until they choose otherwise: what they must act
/// on at once, what they should know by the next morning, nothing for the admin.
pub fn default_mode(role: Role, kind: NotificationKind) -> Mode {
    use NotificationKind as K;
    match (role, kind) {
        (Role::Admin, _) => Mode::Off,
        (
            Role::BureauLiaison,
            K::Assigned
            | K::Returned
            | K::NotAnAnswer
            | K::DueTomorrow
            | K::Overdue
            | K::BillCall
            | K::BillCallDue
            | K::BillCallOverdue,
        ) => Mode::Now,
        (Role::BureauApprover, K::Overdue | K::BillCallOverdue) => Mode::Now,
        (
            Role::Secretariat,
            K::Rejected
            | K::NotAnAnswer
            | K::OfficeFiled
            | K::ExecutionReportDue
            | K::ExecutionReportOverdue,
        ) => Mode::Now,
        _ => Mode::Digest,
    }
}

/// Where a notice goes, given the person's mode and whether anything may be sent now (a
/// working day, or a case that cannot wait: `chase::may_send_on`): what would go at once on
/// a day off waits for the next working morning's digest.
pub fn route(mode: Mode, may_send_now: bool) -> Mode {
    match mode {
        Mode::Now if !may_send_now => Mode::Digest,
        mode => mode,
    }
}

/// The day whose morning digest is due at `now` (Taipei time), if any: working days only,
/// from `at` on.
pub fn digest_day(now: NaiveDateTime, at: NaiveTime, is_working_day: bool) -> Option<NaiveDate> {
    (is_working_day && now.time() >= at).then(|| now.date())
}

/// Seconds to wait before the next try after `attempts` failed ones with a temporary
/// error, or `None` when it is time to give up (after about a day of trying).
pub fn retry_after(attempts: i64) -> Option<i64> {
    const WAITS: [i64; 7] = [60, 300, 900, 3_600, 3 * 3_600, 6 * 3_600, 12 * 3_600];
    usize::try_from(attempts - 1)
        .ok()
        .and_then(|i| WAITS.get(i).copied())
}

/// Text that goes into a header, a subject line or a JSON string a person reads: one line
/// (control characters and line breaks become spaces), no bidirectional controls that could
/// make it read backwards, at most `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    let cleaned: String = text
        .chars()
        .filter_map(|c| match c {
            '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => Some(' '),
            c => Some(c),
        })
        .collect();
    let line = cleaned.trim();
    if line.chars().count() <= max {
        line.to_owned()
    } else {
        let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A topic as messages carry it.
pub const TOPIC_CHARS: usize = 80;

/// An e-mail address as users and the admin type it: one address, no display name, no
/// spaces or line breaks, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, crate::error::AppError> {
        let s = raw.trim();
        let bad = || crate::error::AppError::validation("email", "請輸入有效的電子郵件地址。");
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let fine = |part: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_graphic() && !"<>()[]\\,;:\"@".contains(c))
        };
        if s.len() > 254 || !fine(local) || !fine(domain) || !domain.contains('.') {
            return Err(bad());
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One notice as a message lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLine {
    pub kind: NotificationKind,
    pub about: Subject,
}

impl NoticeLine {
    pub fn headline(&self) -> String {
        format!("{}：{}", self.kind.label(), self.about.label())
    }

    pub fn link(&self, base: &str) -> String {
        format!("{}{}", base.trim_end_matches('/'), self.about.path())
    }
}

/// A message in both forms mail readers show: plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-Hant-TW\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: sans-serif; line-height: 1.6\">{body}</body></html>\n",
        markup(title)
    )
}

fn footer(city: &City, settings: &str) -> (String, String) {
    let office = city.liaison_office();
    (
        format!("\n——\n{office} 府會通寄出。要改變收到通知的方式，請到「通知設定」：{settings}\n"),
        format!(
            "<hr><p style=\"color:#555\">{} 府會通寄出。要改變收到通知的方式，請到<a href=\"{}\">通知設定</a>。</p>",
            markup(&office),
            markup(settings)
        ),
    )
}

fn settings_link(base: &str) -> String {
    format!("{}/account/notifications", base.trim_end_matches('/'))
}

/// One notice, sent at once: what happened to which case, its topic and a link; never the
/// case's text beyond its topic.
pub fn notice_letter(line: &NoticeLine, to_name: &str, base: &str, city: &City) -> Letter {
    let headline = line.headline();
    let topic = one_line(line.about.topic(), TOPIC_CHARS);
    let name = one_line(to_name, 50);
    let link = line.link(base);
    let opens = line.about.opens();
    let (foot_text, foot_html) = footer(city, &settings_link(base));
    Letter {
        subject: format!("［府會通］{headline}"),
        text: format!("{name} 您好：\n\n{headline}\n議題：{topic}\n\n{opens}：{link}\n{foot_text}"),
        html: html_page(
            &headline,
            &format!(
                "<p>{} 您好：</p><p><strong>{}</strong><br>議題：{}</p><p><a href=\"{}\">{opens}</a></p>{foot_html}",
                markup(&name),
                markup(&headline),
                markup(&topic),
                markup(&link)
            ),
        ),
    }
}

/// The morning digest: everything new since the last one, a line per notice, grouped by
/// kind in the order of [`NotificationKind::ALL`].
pub fn digest_letter(
    lines: &[NoticeLine],
    to_name: &str,
    day: NaiveDate,
    base: &str,
    city: &City,
) -> Letter {
    let name = one_line(to_name, 50);
    let date = crate::dates::roc_date(day);
    let title = format!("每日摘要 {date}：{} 則通知", lines.len());
    let (mut text, mut html) = (
        format!(
            "{name} 您好：\n\n自上次摘要以來，府會通有 {} 則給您的通知。\n",
            lines.len()
        ),
        format!(
            "<p>{} 您好：</p><p>自上次摘要以來，府會通有 {} 則給您的通知。</p>",
            markup(&name),
            lines.len()
        ),
    );
    for kind in NotificationKind::ALL {
        let of_kind: Vec<&NoticeLine> = lines.iter().filter(|l| l.kind == *kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        text.push_str(&format!("\n【{}】{} 則\n", kind.label(), of_kind.len()));
        html.push_str(&format!(
            "<h2 style=\"font-size:1.1em\">{}（{} 則）</h2><ul>",
            markup(kind.label()),
            of_kind.len()
        ));
        for line in of_kind {
            let label = line.about.label();
            let topic = one_line(line.about.topic(), TOPIC_CHARS);
            let link = line.link(base);
            text.push_str(&format!("・{label}　{topic}\n  {link}\n"));
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a>　{}</li>",
                markup(&link),
                markup(&label),
                markup(&topic)
            ));
        }
        html.push_str("</ul>");
    }
    let (foot_text, foot_html) = footer(city, &settings_link(base));
    text.push_str(&foot_text);
    html.push_str(&foot_html);
    Letter {
        subject: format!("［府會通］{title}"),
        html: html_page(&title, &html),
        text,
    }
}

/// The link that confirms a new address, to that address.
pub fn confirm_letter(to_name: &str, link: &str, city: &City) -> Letter {
    let name = one_line(to_name, 50);
    let office = city.liaison_office();
    Letter {
        subject: "［府會通］請確認您的電子郵件地址".into(),
        text: format!(
            "{name} 您好：\n\n您在府會通把通知信箱改為這個地址。請在 24 小時內開啟下面的連結並按「確認」：\n{link}\n\n若不是您本人操作，請略過這封信，信箱不會改變。\n——\n{office} 府會通\n"
        ),
        html: html_page(
            "請確認您的電子郵件地址",
            &format!(
                "<p>{} 您好：</p><p>您在府會通把通知信箱改為這個地址。請在 24 小時內開啟下面的連結並按「確認」：</p><p><a href=\"{}\">確認電子郵件地址</a></p><p>若不是您本人操作，請略過這封信，信箱不會改變。</p><hr><p style=\"color:#555\">{} 府會通</p>",
                markup(&name),
                markup(link),
                markup(&office)
            ),
        ),
    }
}

/// What a councilor office is mailed about: a link issued for it, or one of its cases
/// answered. The link is the office's own; the letter never carries the reply's text.
pub struct OfficeNews<'a> {
    pub reason: crate::links::SendReason,
    pub councilor: &'a str,
    /// `全部案件` or `質詢 第 12 號`.
    pub scope: &'a str,
    /// The case's topic, for a letter about one case.
    pub topic: Option<&'a str>,
    pub link: &'a str,
    pub expires_on: NaiveDate,
}

/// The letter to a councilor office.
pub fn office_letter(news: &OfficeNews<'_>, city: &City) -> Letter {
    use crate::links::SendReason;
    let councilor = one_line(news.councilor, 30);
    let scope = one_line(news.scope, 40);
    let topic = news.topic.map(|t| one_line(t, TOPIC_CHARS));
    let (subject, said) = match news.reason {
        SendReason::Issued | SendReason::Reissued => (
            format!("［府會通］{councilor} 議員辦公室的案件辦理情形連結"),
            format!(
                "{} 為貴辦公室建立了專屬連結，不必登入即可查看{}的辦理情形與最終答復。{}",
                city.liaison_office(),
                if news.scope == "全部案件" {
                    "本屆全部質詢與索資案件".to_owned()
                } else {
                    scope.clone()
                },
                if news.reason == SendReason::Reissued {
                    "先前寄給貴辦公室的連結已停用。"
                } else {
                    ""
                }
            ),
        ),
        SendReason::Answered => (
            format!("［府會通］{scope} 已答復"),
            format!("貴辦公室的 {scope} 已答復，答復內容請開啟下面的連結查看。"),
        ),
        SendReason::Delivered => (
            format!("［府會通］{scope} 已提供資料"),
            format!("貴辦公室索取的 {scope} 已提供資料，請開啟下面的連結查看與下載。"),
        ),
        SendReason::Corrected => (
            format!("［府會通］{scope} 答復勘誤"),
            format!(
                "貴辦公室的 {scope} 先前送達的答復內容有誤，已更正（勘誤）。更正內容與原因請開啟下面的連結查看；書面答復彙編將於下次函送時一併列入勘誤。"
            ),
        ),
    };
    let until = crate::dates::roc_date(news.expires_on);
    let office = city.liaison_office();
    let topic_text = topic
        .as_ref()
        .map(|t| format!("議題：{t}\n"))
        .unwrap_or_default();
    let topic_html = topic
        .as_ref()
        .map(|t| format!("<br>議題：{}", markup(t)))
        .unwrap_or_default();
    Letter {
        text: format!(
            "{councilor} 議員辦公室 您好：\n\n{said}\n{topic_text}\n查看辦理情形：{}\n（此連結為貴辦公室專用，請勿轉寄；有效至 {until}。）\n——\n{office} 府會通\n",
            news.link
        ),
        html: html_page(
            &subject,
            &format!(
                "<p>{} 議員辦公室 您好：</p><p>{}{topic_html}</p><p><a href=\"{}\">查看辦理情形</a></p><p style=\"color:#555\">此連結為貴辦公室專用，請勿轉寄；有效至 {}。</p><hr><p style=\"color:#555\">{} 府會通</p>",
                markup(&councilor),
                markup(&said),
                markup(news.link),
                markup(&until),
                markup(&office)
            ),
        ),
        subject,
    }
}

/// A person's own delivery settings (通知設定).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MySettings {
    pub email: Option<String>,
    /// A new address waiting for its confirmation.
    pub pending: Option<String>,
    /// Each kind of notice: the mode in force and the role's default.
    pub prefs: Vec<(NotificationKind, Mode, Mode)>,
    /// When the morning digest goes out, `08:30`.
    pub digest_at: String,
}

/// One message in the admin's log (寄送紀錄).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub channel: Channel,
    pub topic: Topic,
    /// The address (e-mail), or the account the gateway is told of (webhook).
    pub recipient: String,
    /// The webhook's name, for a webhook message.
    pub webhook: Option<String>,
    pub subject: String,
    pub state: DeliveryState,
    pub attempts: i64,
    /// What the other side last answered.
    pub answer: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// When it is tried next (queued), or its lease ends (sending).
    pub not_before: i64,
    pub message_id: String,
}

/// A messaging gateway that receives every message as signed JSON. Its secret never
/// leaves the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub active: bool,
    pub created_at: i64,
}

/// Where mail goes on this deployment, as the admin's log says it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSetup {
    /// The relay's host and port (never its password), when `SMTP_URL` is set.
    pub relay: Option<String>,
    /// Otherwise the folder `.eml` files are written to.
    pub folder: Option<String>,
    /// When the morning digest goes out, `08:30`.
    pub digest_at: String,
}

/// The admin's log: where mail goes, counts by state, the newest messages, the webhooks,
/// and with no relay the newest `.eml` files written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryLog {
    pub setup: MailSetup,
    pub counts: Vec<(DeliveryState, i64)>,
    pub rows: Vec<DeliveryRow>,
    pub webhooks: Vec<Webhook>,
    pub files: Vec<String>,
}

/// A webhook as the admin enters it: a name, an `https://` address (or `http://` on the
/// same machine or network, for a gateway beside the app) and the shared secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookInput {
    pub name: String,
    pub url: String,
    pub secret: String,
}

/// The shortest secret a webhook may have: 128 bits as hex.
pub const MIN_SECRET: usize = 32;

impl WebhookInput {
    pub fn parse(name: &str, url: &str, secret: &str) -> Result<Self, crate::error::AppError> {
        use crate::error::AppError;
        let mut p = crate::error::Problems::new();
        let name = one_line(name, 1_000);
        let name = p.check(if name.is_empty() || name.chars().count() > 30 {
            Err(AppError::validation("name", "請輸入 1 至 30 字的名稱。"))
        } else {
            Ok(name)
        });
        let url = url.trim();
        let url = p.check(
            if (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= 500
                && !url.chars().any(|c| c.is_whitespace() || c.is_control())
                && url.split("://").nth(1).is_some_and(|rest| !rest.is_empty())
            {
                Ok(url.to_owned())
            } else {
                Err(AppError::validation(
                    "url",
                    "請輸入 https:// 開頭的網址（同機或內網的閘道可用 http://）。",
                ))
            },
        );
        let secret = secret.trim();
        let secret = p.check(
            if secret.chars().count() >= MIN_SECRET && secret.chars().all(|c| c.is_ascii_graphic())
            {
                Ok(secret.to_owned())
            } else {
                Err(AppError::validation(
                    "secret",
                    format!(
                        "密鑰至少 {MIN_SECRET} 個英數字或符號（不含空白），請與閘道管理者約定。"
                    ),
                ))
            },
        );
        p.finish(|| {
            Some(Self {
                name: name?,
                url: url?,
                secret: secret?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::CaseKind;

    fn line(topic: &str) -> NoticeLine {
        NoticeLine {
            kind: NotificationKind::Assigned,
            about: Subject::Case {
                id: 7,
                kind: CaseKind::Question,
                number: 12,
                topic: topic.into(),
            },
        }
    }

    #[test]
    fn an_office_letter_names_the_case_and_its_link_and_hostile_names_stay_text() {
        let news = OfficeNews {
            reason: crate::links::SendReason::Answered,
            councilor: "林雨彤\r\nBcc: x@y.tw<script>",
            scope: "質詢 第 5 號",
            topic: Some("停車\u{202E}<b>x</b>"),
            link: "https://fuhuitong.example/s/abc",
            expires_on: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
        };
        let letter = office_letter(&news, &City::default());
        assert_eq!(letter.subject, "［府會通］質詢 第 5 號 已答復");
        assert!(!letter.text.contains('\r') && !letter.text.contains("\nBcc"));
        assert!(letter.text.contains("https://fuhuitong.example/s/abc"));
        assert!(letter.text.contains("有效至 115/12/24"));
        assert!(!letter.html.contains("<script>") && !letter.html.contains("<b>x"));
        assert!(letter.html.contains("&lt;script&gt;"));
        assert!(!letter.text.contains('\u{202E}'));
        // A link issued for every case says so, in the subject too.
        let issued = OfficeNews {
            reason: crate::links::SendReason::Issued,
            scope: "全部案件",
            topic: None,
            ..news
        };
        let letter = office_letter(&issued, &City::default());
        assert!(letter.subject.ends_with("議員辦公室的案件辦理情形連結"));
        assert!(!letter.subject.contains('\n'));
        assert!(letter.text.contains("本屆全部質詢與索資案件"));
    }

    #[test]
    fn liaison_officers_hear_at_once_of_what_they_must_act_on_and_the_admin_of_nothing() {
        use NotificationKind as K;
        assert_eq!(default_mode(Role::BureauLiaison, K::Assigned), Mode::Now);
        assert_eq!(default_mode(Role::BureauLiaison, K::Overdue), Mode::Now);
        assert_eq!(default_mode(Role::BureauLiaison, K::Approved), Mode::Digest);
        assert_eq!(default_mode(Role::BureauApprover, K::Overdue), Mode::Now);
        assert_eq!(
            default_mode(Role::BureauApprover, K::Assigned),
            Mode::Digest
        );
        assert_eq!(default_mode(Role::Secretariat, K::Rejected), Mode::Now);
        // The execution report is the secretariat's own deadline, owed to the council.
        assert_eq!(
            default_mode(Role::Secretariat, K::ExecutionReportDue),
            Mode::Now
        );
        assert_eq!(
            default_mode(Role::Reviewer, K::MeetingDecision),
            Mode::Digest
        );
        for kind in NotificationKind::ALL {
            assert_eq!(default_mode(Role::Admin, *kind), Mode::Off);
        }
    }

    #[test]
    fn what_would_go_at_once_on_a_day_off_waits_for_the_next_digest() {
        assert_eq!(route(Mode::Now, true), Mode::Now);
        assert_eq!(route(Mode::Now, false), Mode::Digest);
        assert_eq!(route(Mode::Digest, true), Mode::Digest);
        assert_eq!(route(Mode::Off, false), Mode::Off);
    }

    #[test]
    fn the_digest_is_due_on_working_days_from_its_time_on() {
        let at = NaiveTime::from_hms_opt(8, 30, 0).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 10, 12).unwrap();
        let t = |h, m| day.and_hms_opt(h, m, 0).unwrap();
        assert_eq!(digest_day(t(8, 29), at, true), None);
        assert_eq!(digest_day(t(8, 30), at, true), Some(day));
        assert_eq!(digest_day(t(17, 0), at, true), Some(day));
        assert_eq!(digest_day(t(9, 0), at, false), None);
    }

    #[test]
    fn temporary_failures_are_retried_with_growing_waits_then_given_up() {
        assert_eq!(retry_after(1), Some(60));
        assert_eq!(retry_after(2), Some(300));
        assert_eq!(retry_after(7), Some(43_200));
        assert_eq!(retry_after(8), None);
        assert_eq!(retry_after(0), None);
    }

    #[test]
    fn one_line_drops_line_breaks_bidi_controls_and_length() {
        assert_eq!(one_line("a\r\nBcc: x@y\u{202E}z", 80), "a  Bcc: x@yz");
        assert_eq!(one_line("一二三四五", 3), "一二…");
        assert_eq!(one_line(&"長".repeat(10_000), 80).chars().count(), 80);
        assert_eq!(one_line("  短  ", 80), "短");
    }

    #[test]
    fn a_webhook_needs_a_name_an_address_and_a_long_secret_all_named_at_once() {
        let ok = WebhookInput::parse(
            "LINE 閘道",
            "https://gw.example.gov.tw/hook",
            &"k".repeat(32),
        );
        assert_eq!(ok.unwrap().name, "LINE 閘道");
        let err = WebhookInput::parse("", "ftp://x", "short").unwrap_err();
        let fields: Vec<String> = err.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["name", "url", "secret"]);
    }

    #[test]
    fn an_address_is_one_plain_address() {
        assert_eq!(
            EmailAddress::parse(" Liaison@Dot.Example.GOV.tw ")
                .unwrap()
                .as_str(),
            "liaison@dot.example.gov.tw"
        );
        for bad in [
            "",
            "no-at",
            "a@b",
            "a b@c.tw",
            "a@c.tw\r\nBcc: x@y.tw",
            "王 <a@b.tw>",
            "a@b.tw,c@d.tw",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_notice_carries_the_topic_escaped_and_a_link_never_more() {
        let hostile = line("<script>alert(1)</script>\r\nBcc: all@x.tw");
        let letter = notice_letter(
            &hostile,
            "王<b>",
            "https://fht.example.gov.tw/",
            &City::default(),
        );
        assert_eq!(letter.subject, "［府會通］新分派案件：質詢 第 12 號");
        assert!(!letter.subject.contains('\n'));
        assert!(letter.html.contains("&lt;script&gt;"));
        assert!(!letter.html.contains("<script>"));
        assert!(!letter.html.contains("<b>"));
        assert!(letter.text.contains("https://fht.example.gov.tw/cases/7"));
        assert!(!letter.text.contains("\r\nBcc"));
    }

    #[test]
    fn a_call_for_bills_opens_the_sessions_bills_not_a_case() {
        let call = NoticeLine {
            kind: NotificationKind::BillCallOverdue,
            about: Subject::BillCall {
                session_id: 4,
                session: "第 4 屆第 5 次定期大會".into(),
            },
        };
        let letter = notice_letter(&call, "王", "https://fht.example.gov.tw", &City::default());
        assert_eq!(
            letter.subject,
            "［府會通］議法案提報已逾期：第 4 屆第 5 次定期大會"
        );
        assert!(letter
            .text
            .contains("開啟本會期議法案：https://fht.example.gov.tw/bills?session=4"));
        assert!(letter
            .html
            .contains("href=\"https://fht.example.gov.tw/bills?session=4\""));
        assert!(!letter.text.contains("/cases/"));
    }

    #[test]
    fn a_digest_groups_its_lines_by_kind() {
        let mut overdue = line("逾期的");
        overdue.kind = NotificationKind::Overdue;
        let day = NaiveDate::from_ymd_opt(2026, 10, 12).unwrap();
        let letter = digest_letter(
            &[line("甲"), overdue, line("乙")],
            "王",
            day,
            "http://h",
            &City::default(),
        );
        assert_eq!(letter.subject, "［府會通］每日摘要 115/10/12：3 則通知");
        let assigned = letter.text.find("【新分派案件】2 則").unwrap();
        let late = letter.text.find("【已逾期】1 則").unwrap();
        assert!(assigned < late);
    }
}
