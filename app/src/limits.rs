//! Limits every app server counts against: login attempts per address, status-link misses
//! per address and views per link. Kept in the database (`rate_limits`, migration 0016) so
//! that three servers behind a proxy allow what one does; each check is one statement.
//!
//! The rule is the generic cell rate algorithm (what the `governor` crate, used here before,
//! does in memory): a key's bucket holds `per_minute` uses and refills evenly over the
//! minute. Stored per key is the "theoretical arrival time" `tat`: a use is allowed while
//! `max(tat, now) + interval - now ≤ window`, and moves `tat` on by one interval.

/// The window a limit counts over.
pub const WINDOW_MS: i64 = 60_000;

/// One limit: uses of a key allowed a minute, refilled evenly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limiter {
    /// Which limit (a row's `bucket`): `login_address`, `link_miss`, `link_view`.
    pub bucket: &'static str,
    pub per_minute: u32,
}

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; the key may try again after this many seconds (at least one).
    Wait(u64),
}

impl Limiter {
    pub const fn new(bucket: &'static str, per_minute: u32) -> Self {
        Self { bucket, per_minute }
    }

    /// Milliseconds one use adds to the bucket's arrival time.
    pub fn interval_ms(self) -> i64 {
        (WINDOW_MS / i64::from(self.per_minute.max(1))).max(1)
    }

    /// The rule in plain Rust: the new arrival time and the verdict for a use at `now_ms`
    /// of a key whose arrival time is `tat_ms` (none when the key is new or forgotten).
    /// [`Limiter::check`] does the same in one SQL statement; a test holds them together.
    pub fn decide(self, tat_ms: Option<i64>, now_ms: i64) -> (i64, Verdict) {
        let t = self.interval_ms();
        let from = tat_ms.map_or(now_ms, |tat| tat.max(now_ms));
        if from + t - now_ms <= WINDOW_MS {
            (from + t, Verdict::Allowed)
        } else {
            (from, self.wait(from, now_ms))
        }
    }

    /// Whether a use at `now_ms` would be refused, without counting one.
    pub fn over(self, tat_ms: Option<i64>, now_ms: i64) -> Option<u64> {
        match self.decide(tat_ms, now_ms).1 {
            Verdict::Allowed => None,
            Verdict::Wait(s) => Some(s),
        }
    }

    fn wait(self, tat_ms: i64, now_ms: i64) -> Verdict {
        let ms = tat_ms + self.interval_ms() - now_ms - WINDOW_MS;
        Verdict::Wait(u64::try_from((ms + 999) / 1000).unwrap_or(1).max(1))
    }
}

#[cfg(feature = "ssr")]
mod store {
    use super::{Limiter, Verdict, WINDOW_MS};
    use sqlx::AnyPool;

    impl Limiter {
        /// Counts one use of `subject` at `now_ms`, for every server at once: one
        /// `INSERT … ON CONFLICT DO UPDATE`, so that concurrent uses queue on the row and
        /// each sees the others' (the `SET` reads the row as it was before this use).
        pub async fn check(
            self,
            db: &AnyPool,
            subject: &str,
            now_ms: i64,
        ) -> Result<Verdict, sqlx::Error> {
            let (tat, allowed): (i64, i64) = sqlx::query_as(
                "INSERT INTO rate_limits (bucket, subject, tat_ms, allowed) \
                 VALUES ($1, $2, $3 + $4, 1) \
                 ON CONFLICT (bucket, subject) DO UPDATE SET \
                   tat_ms = CASE \
                     WHEN rate_limits.tat_ms <= $3 THEN $3 + $4 \
                     WHEN rate_limits.tat_ms + $4 - $3 <= $5 THEN rate_limits.tat_ms + $4 \
                     ELSE rate_limits.tat_ms END, \
                   allowed = CASE \
                     WHEN rate_limits.tat_ms <= $3 \
                       OR rate_limits.tat_ms + $4 - $3 <= $5 THEN 1 \
                     ELSE 0 END \
                 RETURNING tat_ms, allowed",
            )
            .bind(self.bucket)
            .bind(subject)
            .bind(now_ms)
            .bind(self.interval_ms())
            .bind(WINDOW_MS)
            .fetch_one(db)
            .await?;
            Ok(if allowed == 1 {
                Verdict::Allowed
            } else {
                self.wait(tat, now_ms)
            })
        }

        /// `Some(seconds)` when a use of `subject` now would be refused; counts nothing.
        pub async fn over_now(
            self,
            db: &AnyPool,
            subject: &str,
            now_ms: i64,
        ) -> Result<Option<u64>, sqlx::Error> {
            let tat: Option<i64> = sqlx::query_scalar(
                "SELECT tat_ms FROM rate_limits WHERE bucket = $1 AND subject = $2",
            )
            .bind(self.bucket)
            .bind(subject)
            .fetch_optional(db)
            .await?;
            Ok(self.over(tat, now_ms))
        }
    }

    /// Forgets keys whose buckets are full again (they would be allowed as if new).
    pub async fn purge(db: &AnyPool, now_ms: i64) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query("DELETE FROM rate_limits WHERE tat_ms <= $1")
            .bind(now_ms)
            .execute(db)
            .await?
            .rows_affected())
    }
}

#[cfg(feature = "ssr")]
pub use store::purge;

/// The key an address is limited under: an IPv4 address as it is, an IPv6 address by its
/// /64, which one subscriber gets whole (counting each of its 2^64 addresses apart would
/// limit nothing). An address that does not parse is its own key.
pub fn rate_key(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        _ => address.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(limiter: Limiter, times: &[i64]) -> Vec<Verdict> {
        let mut tat = None;
        times
            .iter()
            .map(|&now| {
                let (next, verdict) = limiter.decide(tat, now);
                tat = Some(next);
                verdict
            })
            .collect()
    }

    #[test]
    fn a_full_bucket_allows_its_minute_at_once_and_refuses_the_next() {
        let verdicts = run(Limiter::new("t", 3), &[0, 0, 0, 0]);
        assert_eq!(verdicts[..3], [Verdict::Allowed; 3]);
        // The next use comes back after one interval (20 s).
        assert_eq!(verdicts[3], Verdict::Wait(20));
    }

    #[test]
    fn the_bucket_refills_evenly_over_the_minute() {
        let limiter = Limiter::new("t", 60);
        let mut times = vec![0; 60];
        times.extend([0, 999, 1_000, 1_000]);
        let verdicts = run(limiter, &times);
        assert!(verdicts[..60].iter().all(|v| *v == Verdict::Allowed));
        assert_eq!(
            verdicts[60..],
            [
                Verdict::Wait(1),
                Verdict::Wait(1),
                Verdict::Allowed,
                Verdict::Wait(1)
            ]
        );
    }

    #[test]
    fn a_refused_use_costs_nothing_so_waiting_always_helps() {
        let limiter = Limiter::new("t", 2);
        let verdicts = run(limiter, &[0, 0, 0, 0, 0, 30_000]);
        assert_eq!(verdicts[5], Verdict::Allowed);
    }

    #[test]
    fn over_says_what_the_next_use_would_get_without_counting_it() {
        let limiter = Limiter::new("t", 1);
        assert_eq!(limiter.over(None, 0), None);
        let (tat, _) = limiter.decide(None, 0);
        assert_eq!(limiter.over(Some(tat), 0), Some(60));
        assert_eq!(limiter.over(Some(tat), 60_000), None);
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_slash_64_and_ipv4_by_its_address() {
        assert_eq!(rate_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(rate_key("2001:db8:1:2:ffff:1:2:3"), "2001:db8:1:2::/64");
        assert_eq!(rate_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(rate_key("203.0.113.7"), "203.0.113.7");
    }
}
