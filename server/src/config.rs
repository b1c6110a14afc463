//! Configuration from environment variables, each with a documented default
//! (see `.env.example`). Parsing is pure so it is tested without touching the process env.

use app::auth::{
    lockout::LockoutPolicy,
    session_rules::{SessionPolicy, MAX_SESSION_HOURS},
};
use chrono::Duration;
use std::{net::SocketAddr, path::PathBuf};

/// One environment variable: its name, its default as a person reads it, what it does.
pub struct Variable {
    pub name: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

/// Every variable the app reads, in one place: `--help` prints this table, and a test holds
/// the README and `.env.example` to it (and this module to reading nothing else).
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: "DATABASE_URL",
        default: "sqlite://<DATA_DIR>/app.db",
        help: "sqlite://… or postgres://…",
    },
    Variable {
        name: "DATA_DIR",
        default: "data",
        help: "folder for the embedded database",
    },
    Variable {
        name: "LISTEN_ADDR",
        default: "LEPTOS_SITE_ADDR or 127.0.0.1:3000",
        help: "address to serve on",
    },
    Variable {
        name: "COOKIE_SECURE",
        default: "false",
        help: "mark the session cookie Secure (serve over HTTPS)",
    },
    Variable {
        name: "SESSION_HOURS",
        default: "12",
        help: "hours a session lasts at most (1–24)",
    },
    Variable {
        name: "SESSION_IDLE_MINUTES",
        default: "30",
        help: "minutes without a request that end a session",
    },
    Variable {
        name: "LOGIN_MAX_FAILURES",
        default: "5",
        help: "failed logins before a name is locked",
    },
    Variable {
        name: "LOGIN_LOCKOUT_MINUTES",
        default: "15",
        help: "how long a lock lasts",
    },
    Variable {
        name: "LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE",
        default: "30",
        help: "logins from one address a minute, all app servers together",
    },
    Variable {
        name: "TRUSTED_PROXIES",
        default: "none",
        help: "reverse proxies whose X-Forwarded-For is believed (IPs, comma-separated)",
    },
    Variable {
        name: "PUBLIC_URL",
        default: "http://<LISTEN_ADDR>",
        help: "the address status links are written with",
    },
    Variable {
        name: "CITY_NAME",
        default: "市政府",
        help: "the city government, as pages and documents name it (臺北市政府)",
    },
    Variable {
        name: "COUNCIL_NAME",
        default: "市議會",
        help: "the council it answers (臺北市議會)",
    },
    Variable {
        name: "LIAISON_UNIT",
        default: "秘書處",
        help: "the government's unit that liaises with the council",
    },
    Variable {
        name: "LIAISON_CONTACT",
        default: "none",
        help: "how councilor offices reach that unit, shown on status pages",
    },
    Variable {
        name: "STATUS_LINK_LOOKUPS_PER_MINUTE",
        default: "60",
        help: "status-link misses per address and views per link a minute, all servers together",
    },
    Variable {
        name: "SMTP_URL",
        default: "none: mail is written to <DATA_DIR>/mail/*.eml",
        help: "the mail relay: smtp://host:25, smtp://user:pass@host:587 (STARTTLS), smtps://user:pass@host:465",
    },
    Variable {
        name: "MAIL_FROM",
        default: "府會通 <fuhuitong@localhost>",
        help: "the sender of every message",
    },
    Variable {
        name: "DIGEST_TIME",
        default: "08:30",
        help: "when the morning digest goes out on working days (Taipei time)",
    },
    Variable {
        name: "DELIVERY_BATCH",
        default: "100",
        help: "messages one delivery run sends at most, per app server",
    },
    Variable {
        name: "RENDER_SLOTS",
        default: "1 per 2 cores",
        help: "volumes written at once, all app servers together (set the same on each)",
    },
    Variable {
        name: "PDF_FONT",
        default: "Noto Serif CJK TC (fonts-noto-cjk)",
        help: "font file PDF text is set in",
    },
    Variable {
        name: "PDF_FONT_BOLD",
        default: "Noto Sans CJK TC Bold (fonts-noto-cjk)",
        help: "font file PDF headings are set in",
    },
    Variable {
        name: "RUST_LOG",
        default: "info",
        help: "log filter",
    },
    Variable {
        name: "LOG_FORMAT",
        default: "text",
        help: "`json` for one JSON object a line",
    },
];

/// The table of [`VARIABLES`] for `--help`.
pub fn env_help() -> String {
    let mut help =
        String::from("Environment (a .env file in the working directory is read too):\n");
    for v in VARIABLES {
        help.push_str(&format!(
            "  {:<38} {} [default: {}]\n",
            v.name, v.help, v.default
        ));
    }
    help
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`. Default: `sqlite://<DATA_DIR>/app.db`.
    pub database_url: String,
    /// `DATA_DIR`: where the embedded database (and later, attachments) live. Default `data`.
    pub data_dir: PathBuf,
    /// `LISTEN_ADDR`, else `LEPTOS_SITE_ADDR` (set by cargo-leptos), else `127.0.0.1:3000`.
    pub listen_addr: SocketAddr,
    /// `COOKIE_SECURE`: mark the session cookie `Secure` (serve over HTTPS). Default `false`.
    pub cookie_secure: bool,
    /// `SESSION_HOURS`: a session ends this long after sign-in at the latest (default 12,
    /// at most 24); `SESSION_IDLE_MINUTES`: or this long after its last request (default
    /// 30, no longer than the session).
    pub sessions: SessionPolicy,
    /// `LOGIN_MAX_FAILURES` (default 5), `LOGIN_LOCKOUT_MINUTES` (default 15) and
    /// `LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE` (default 30, all servers together).
    pub lockout: LockoutPolicy,
    /// `TRUSTED_PROXIES`: addresses of the reverse proxies in front of the app, whose
    /// `X-Forwarded-For` names the client. Default: none (the TCP peer is the client).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `PDF_FONT`, `PDF_FONT_BOLD`: the font files PDF documents are set in (a `.ttc`
    /// collection, `.otf` or `.ttf` with Traditional Chinese). Default: Debian's
    /// fonts-noto-cjk where it installs them.
    pub pdf_fonts: crate::documents::pdf::FontPaths,
    /// `RENDER_SLOTS`: volumes written at once by all the servers on the database together
    /// (default one per two cores of this machine, at least one).
    pub render_slots: usize,
    /// `PUBLIC_URL`: the address offices reach the app at, for the status links the app
    /// hands out (e.g. `https://fuhuitong.gov.taipei`). Default: `http://<LISTEN_ADDR>`.
    pub public_url: String,
    /// `STATUS_LINK_LOOKUPS_PER_MINUTE`: status-link lookups a minute, all servers together
    /// (default 60): misses per client address, and views of each link.
    pub link_lookups_per_minute: u32,
    /// `CITY_NAME`, `COUNCIL_NAME`, `LIAISON_UNIT`, `LIAISON_CONTACT`: whom the app speaks
    /// for. Defaults: words true of any city (市政府, 市議會, 秘書處, no contact line).
    pub city: app::city::City,
    /// `SMTP_URL`, `MAIL_FROM`, `DIGEST_TIME`, `DELIVERY_BATCH`: how messages leave.
    pub mail: MailConfig,
}

/// How messages leave the app (see `features::delivery`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// The relay; `None` writes `.eml` files to `<DATA_DIR>/mail/` instead.
    pub smtp_url: Option<url::Url>,
    /// `"府會通 <fuhuitong@localhost>"`, checked as a mailbox at start.
    pub from: String,
    pub digest_at: chrono::NaiveTime,
    pub batch: i64,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {problem} (got `{value}`)")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub problem: &'static str,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = get("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("app.db").display()));
        if app::db::Backend::of_url(&database_url).is_none() {
            return Err(ConfigError {
                name: "DATABASE_URL",
                value: database_url,
                problem: "must start with sqlite:// or postgres://",
            });
        }
        let listen = get("LISTEN_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let listen_addr = listen.parse().map_err(|_| ConfigError {
            name: "LISTEN_ADDR",
            value: listen.clone(),
            problem: "expected host:port, e.g. 127.0.0.1:3000",
        })?;
        let max_failures = number(&get, "LOGIN_MAX_FAILURES", 5)?;
        let lockout_minutes = number(&get, "LOGIN_LOCKOUT_MINUTES", 15)?;
        let per_address_per_minute = number(&get, "LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", 30)?;
        let session_hours = number(&get, "SESSION_HOURS", 12)?;
        if session_hours > MAX_SESSION_HOURS {
            return Err(ConfigError {
                name: "SESSION_HOURS",
                value: session_hours.to_string(),
                problem: "a session may last at most 24 hours",
            });
        }
        let idle_minutes = number(&get, "SESSION_IDLE_MINUTES", 30)?;
        if idle_minutes > session_hours * 60 {
            return Err(ConfigError {
                name: "SESSION_IDLE_MINUTES",
                value: idle_minutes.to_string(),
                problem: "must not be longer than SESSION_HOURS",
            });
        }
        let trusted_proxies = match get("TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.parse().map_err(|_| ConfigError {
                        name: "TRUSTED_PROXIES",
                        value: list.clone(),
                        problem: "expected IP addresses separated by commas",
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let public_url = get("PUBLIC_URL").unwrap_or_else(|| format!("http://{listen_addr}"));
        let link_lookups_per_minute = match get("STATUS_LINK_LOOKUPS_PER_MINUTE") {
            None => crate::features::links::LOOKUPS_PER_MINUTE,
            Some(v) => v
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(ConfigError {
                    name: "STATUS_LINK_LOOKUPS_PER_MINUTE",
                    value: v.clone(),
                    problem: "expected a whole number above 0",
                })?,
        };
        let named = |name: &'static str, default: String| -> Result<String, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) if v.trim().chars().count() > 60 || v.contains(['\n', '\r']) => {
                    Err(ConfigError {
                        name,
                        value: v,
                        problem: "expected one line of at most 60 characters",
                    })
                }
                Some(v) => Ok(v.trim().to_owned()),
            }
        };
        let defaults = app::city::City::default();
        let city = app::city::City {
            government: named("CITY_NAME", defaults.government)?,
            council: named("COUNCIL_NAME", defaults.council)?,
            liaison_unit: named("LIAISON_UNIT", defaults.liaison_unit)?,
            contact: named("LIAISON_CONTACT", defaults.contact)?,
        };
        let smtp_url = match get("SMTP_URL") {
            None => None,
            Some(v) => Some(
                url::Url::parse(v.trim())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host_str().is_some())
                    .ok_or(ConfigError {
                        name: "SMTP_URL",
                        // Never the password in a message that may reach a log.
                        value: v.split('@').next_back().unwrap_or_default().to_owned(),
                        problem: "expected smtp://host:port or smtps://user:pass@host:port",
                    })?,
            ),
        };
        let from = get("MAIL_FROM").unwrap_or_else(|| "府會通 <fuhuitong@localhost>".into());
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError {
                name: "MAIL_FROM",
                value: from,
                problem: "expected an address, e.g. 府會通 <fuhuitong@example.gov.tw>",
            });
        }
        let digest_at = match get("DIGEST_TIME") {
            None => chrono::NaiveTime::from_hms_opt(8, 30, 0).expect("a time"),
            Some(v) => {
                chrono::NaiveTime::parse_from_str(v.trim(), "%H:%M").map_err(|_| ConfigError {
                    name: "DIGEST_TIME",
                    value: v.clone(),
                    problem: "expected HH:MM, e.g. 08:30",
                })?
            }
        };
        let batch = number(&get, "DELIVERY_BATCH", 100)?.into();
        let render_slots = match get("RENDER_SLOTS") {
            None => crate::features::volume::RenderQueue::per_machine(),
            Some(_) => number(&get, "RENDER_SLOTS", 1)? as usize,
        };
        Ok(Self {
            mail: MailConfig {
                smtp_url,
                from,
                digest_at,
                batch,
            },
            city,
            link_lookups_per_minute,
            render_slots,
            public_url,
            trusted_proxies,
            pdf_fonts: crate::documents::pdf::FontPaths {
                regular: get("PDF_FONT").map(PathBuf::from),
                bold: get("PDF_FONT_BOLD").map(PathBuf::from),
            },
            database_url,
            data_dir,
            listen_addr,
            cookie_secure: boolean(&get, "COOKIE_SECURE", false)?,
            sessions: SessionPolicy {
                idle: Duration::minutes(idle_minutes.into()),
                absolute: Duration::hours(session_hours.into()),
            },
            lockout: LockoutPolicy {
                max_failures,
                lock_for: Duration::minutes(lockout_minutes.into()),
                per_address_per_minute,
            },
        })
    }
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u32,
) -> Result<u32, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(ConfigError {
                name,
                value: v,
                problem: "expected a whole number greater than 0",
            }),
        },
    }
}

fn boolean(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(name).map(|v| v.trim().to_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(ConfigError {
            name,
            value: v,
            problem: "expected true or false",
        }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_variable_read_is_in_the_table_and_the_table_in_the_readme_and_env_example() {
        let read: std::collections::BTreeSet<&str> = include_str!("config.rs")
            .split("get(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|name| name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .collect();
        let table: std::collections::BTreeSet<&str> =
            super::VARIABLES.iter().map(|v| v.name).collect();
        // LEPTOS_SITE_ADDR is cargo-leptos's, read as LISTEN_ADDR's fallback.
        let unlisted: Vec<_> = read
            .iter()
            .filter(|n| !table.contains(*n) && **n != "LEPTOS_SITE_ADDR")
            .collect();
        assert!(
            unlisted.is_empty(),
            "read but not in VARIABLES: {unlisted:?}"
        );
        let readme = include_str!("../../README.md");
        let example = include_str!("../../.env.example");
        let help = super::env_help();
        for v in super::VARIABLES {
            assert!(
                readme.contains(&format!("`{}`", v.name)),
                "README lacks {}",
                v.name
            );
            assert!(
                example.contains(&format!("{}=", v.name)),
                ".env.example lacks {}",
                v.name
            );
            assert!(help.contains(v.name), "--help lacks {}", v.name);
        }
    }

    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| vars.get(k).cloned())
    }

    #[test]
    fn with_nothing_set_it_runs_on_sqlite_in_the_data_folder() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/app.db");
        assert_eq!(c.listen_addr, "127.0.0.1:3000".parse().unwrap());
        assert!(!c.cookie_secure);
        assert_eq!(c.sessions, SessionPolicy::default());
        assert_eq!(c.lockout, LockoutPolicy::default());
    }

    #[test]
    fn the_data_folder_moves_the_default_database() {
        let c = config(&[("DATA_DIR", "/var/lib/fht")]).unwrap();
        assert_eq!(c.database_url, "sqlite:///var/lib/fht/app.db");
    }

    #[test]
    fn a_postgres_url_is_taken_as_given() {
        let c = config(&[("DATABASE_URL", "postgres://app@db/fht")]).unwrap();
        assert_eq!(c.database_url, "postgres://app@db/fht");
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        let err = config(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(err.name, "DATABASE_URL");
    }

    #[test]
    fn listen_addr_wins_over_the_cargo_leptos_address() {
        let c = config(&[
            ("LISTEN_ADDR", "0.0.0.0:8080"),
            ("LEPTOS_SITE_ADDR", "127.0.0.1:3000"),
        ])
        .unwrap();
        assert_eq!(c.listen_addr.port(), 8080);
    }

    #[test]
    fn lockout_rules_are_configurable() {
        let c = config(&[
            ("LOGIN_MAX_FAILURES", "3"),
            ("LOGIN_LOCKOUT_MINUTES", "30"),
            ("LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", "100"),
        ])
        .unwrap();
        assert_eq!(c.lockout.max_failures, 3);
        assert_eq!(c.lockout.lock_for, Duration::minutes(30));
        assert_eq!(c.lockout.per_address_per_minute, 100);
    }

    #[test]
    fn nonsense_values_are_refused_with_the_variable_named() {
        assert_eq!(
            config(&[("COOKIE_SECURE", "maybe")]).unwrap_err().name,
            "COOKIE_SECURE"
        );
        assert_eq!(
            config(&[("LOGIN_MAX_FAILURES", "0")]).unwrap_err().name,
            "LOGIN_MAX_FAILURES"
        );
        assert_eq!(
            config(&[("LISTEN_ADDR", "localhost")]).unwrap_err().name,
            "LISTEN_ADDR"
        );
    }

    #[test]
    fn the_city_is_named_by_its_settings_and_generic_words_without_them() {
        let c = config(&[]).unwrap();
        assert_eq!(c.city, app::city::City::default());
        let c = config(&[
            ("CITY_NAME", " 新北市政府 "),
            ("COUNCIL_NAME", "新北市議會"),
            ("LIAISON_UNIT", "研考會"),
            ("LIAISON_CONTACT", "府會聯絡組 (02) 2960-3456 分機 8888"),
        ])
        .unwrap();
        assert_eq!(c.city.liaison_office(), "新北市政府研考會");
        assert_eq!(c.city.council, "新北市議會");
        assert_eq!(c.city.contact, "府會聯絡組 (02) 2960-3456 分機 8888");
        for bad in ["市政府\n<script>", &"長".repeat(61)] {
            assert_eq!(config(&[("CITY_NAME", bad)]).unwrap_err().name, "CITY_NAME");
        }
    }

    #[test]
    fn status_links_point_at_the_public_address_and_lookups_are_limited() {
        let c = config(&[]).unwrap();
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.link_lookups_per_minute, 60);
        assert!(c.pdf_fonts.regular.is_none() && c.pdf_fonts.bold.is_none());
        let c = config(&[
            ("PUBLIC_URL", "https://fuhuitong.example.gov.tw"),
            ("STATUS_LINK_LOOKUPS_PER_MINUTE", "20"),
            ("PDF_FONT", "/fonts/kai.ttf"),
        ])
        .unwrap();
        assert_eq!(c.public_url, "https://fuhuitong.example.gov.tw");
        assert_eq!(c.link_lookups_per_minute, 20);
        assert_eq!(
            c.pdf_fonts.regular.as_deref(),
            Some(std::path::Path::new("/fonts/kai.ttf"))
        );
        assert_eq!(
            config(&[("STATUS_LINK_LOOKUPS_PER_MINUTE", "0")])
                .unwrap_err()
                .name,
            "STATUS_LINK_LOOKUPS_PER_MINUTE"
        );
    }

    #[test]
    fn sessions_are_capped_at_a_day_and_idle_within_them() {
        let c = config(&[("SESSION_HOURS", "8"), ("SESSION_IDLE_MINUTES", "15")]).unwrap();
        assert_eq!(c.sessions.absolute, Duration::hours(8));
        assert_eq!(c.sessions.idle, Duration::minutes(15));
        assert_eq!(
            config(&[("SESSION_HOURS", "25")]).unwrap_err().name,
            "SESSION_HOURS"
        );
        assert_eq!(
            config(&[("SESSION_HOURS", "1"), ("SESSION_IDLE_MINUTES", "61")])
                .unwrap_err()
                .name,
            "SESSION_IDLE_MINUTES"
        );
    }

    #[test]
    fn trusted_proxies_are_a_list_of_addresses() {
        assert!(config(&[]).unwrap().trusted_proxies.is_empty());
        let c = config(&[("TRUSTED_PROXIES", "10.0.0.2, ::1")]).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert_eq!(
            config(&[("TRUSTED_PROXIES", "proxy.local")])
                .unwrap_err()
                .name,
            "TRUSTED_PROXIES"
        );
    }

    #[test]
    fn secure_cookies_can_be_switched_on() {
        assert!(config(&[("COOKIE_SECURE", "true")]).unwrap().cookie_secure);
        assert!(config(&[("COOKIE_SECURE", "1")]).unwrap().cookie_secure);
    }

    #[test]
    fn blank_values_count_as_unset() {
        assert_eq!(
            config(&[("DATABASE_URL", "  ")]).unwrap().database_url,
            "sqlite://data/app.db"
        );
    }
}
