//! Login throttling: after `max_failures` wrong passwords within `lock_for`, the username is
//! locked for `lock_for`. Counted per submitted username whether or not the account exists,
//! so the lock message reveals nothing about which accounts exist. On top of that, each app
//! server refuses (429) a network address that tries more than `per_address_per_minute`
//! logins a minute, whatever the names ([`AddressLimiter`]).

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_for: Duration,
    /// Generous: an office's staff may all reach the app through one address.
    pub per_address_per_minute: u32,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lock_for: Duration::minutes(15),
            per_address_per_minute: 30,
        }
    }
}

/// Login attempts per network address, kept by each app server (the `governor` crate: a
/// token bucket per key, refilled evenly over the minute).
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct AddressLimiter(std::sync::Arc<governor::DefaultKeyedRateLimiter<String>>);

#[cfg(feature = "ssr")]
impl AddressLimiter {
    pub fn new(policy: &LockoutPolicy) -> Self {
        Self::per_minute(policy.per_address_per_minute)
    }

    /// `per_minute` attempts per address, refilled evenly over the minute.
    pub fn per_minute(per_minute: u32) -> Self {
        let per_minute =
            std::num::NonZeroU32::new(per_minute.max(1)).unwrap_or(std::num::NonZeroU32::MIN);
        Self(std::sync::Arc::new(governor::RateLimiter::keyed(
            governor::Quota::per_minute(per_minute),
        )))
    }

    /// `Err(seconds to wait)` when `address` has used up its attempts. An IPv6 address
    /// counts with its whole /64 ([`rate_key`]).
    pub fn check(&self, address: &str) -> Result<(), u64> {
        self.check_key(rate_key(address))
    }

    /// `Err(seconds to wait)` when `key` (anything: a link, an address) has used up its
    /// attempts.
    pub fn check_key(&self, key: String) -> Result<(), u64> {
        use governor::clock::{Clock, DefaultClock};
        self.0.check_key(&key).map_err(|not_until| {
            not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)
        })
    }

    /// Forgets addresses whose buckets are full again (run now and then).
    pub fn purge(&self) {
        self.0.retain_recent();
        self.0.shrink_to_fit();
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

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

impl LockoutPolicy {
    /// Failures older than this no longer count towards a lock.
    pub fn stale_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.lock_for
    }

    pub fn should_lock(&self, failures_in_window: u32) -> bool {
        failures_in_window >= self.max_failures
    }

    pub fn locked_until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + self.lock_for
    }

    /// What to do with an attempt, given what claiming it returned: the attempts counted in
    /// the window including this one, and the lock if any. The attempt is counted *before*
    /// the password is checked, in one statement, so parallel guesses cannot all pass
    /// (tried: 40 at once got 27 verifications when the failure was counted after).
    pub fn decide(
        &self,
        attempts: u32,
        locked_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Attempt {
        if let Some(minutes) = locked_until.and_then(|until| Self::minutes_left(until, now)) {
            return Attempt::Locked { minutes };
        }
        if attempts > self.max_failures {
            // Earlier attempts are still being checked; one of them may set the lock.
            return Attempt::Locked {
                minutes: self.lock_for.num_minutes().max(1),
            };
        }
        Attempt::Verify {
            lock_if_wrong: self.should_lock(attempts),
        }
    }

    /// Whole minutes left on a lock, rounded up so users are never told "0 minutes".
    pub fn minutes_left(locked_until: DateTime<Utc>, now: DateTime<Utc>) -> Option<i64> {
        let left = locked_until - now;
        (left > Duration::zero()).then(|| (left.num_seconds() + 59) / 60)
    }
}

/// The verdict on one login attempt before its password is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Refused unverified.
    Locked { minutes: i64 },
    /// Check the password; if wrong, this attempt was the last one allowed.
    Verify { lock_if_wrong: bool },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_five_attempts_are_checked_and_the_fifth_locks_if_wrong() {
        let p = LockoutPolicy::default();
        for n in 1..=4 {
            assert_eq!(
                p.decide(n, None, t(0)),
                Attempt::Verify {
                    lock_if_wrong: false
                }
            );
        }
        assert_eq!(
            p.decide(5, None, t(0)),
            Attempt::Verify {
                lock_if_wrong: true
            }
        );
    }

    #[test]
    fn attempts_past_the_fifth_or_under_a_lock_are_refused_unchecked() {
        let p = LockoutPolicy::default();
        assert_eq!(p.decide(6, None, t(0)), Attempt::Locked { minutes: 15 });
        assert_eq!(p.decide(40, None, t(0)), Attempt::Locked { minutes: 15 });
        let until = p.locked_until(t(0));
        assert_eq!(
            p.decide(1, Some(until), t(5)),
            Attempt::Locked { minutes: 10 }
        );
        // An expired lock refuses nothing.
        assert_eq!(
            p.decide(1, Some(until), t(15)),
            Attempt::Verify {
                lock_if_wrong: false
            }
        );
    }

    fn t(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_710_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn an_ipv6_client_is_limited_by_its_slash_64_and_ipv4_by_its_address() {
        assert_eq!(rate_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(rate_key("2001:db8:1:2:ffff:1:2:3"), "2001:db8:1:2::/64");
        assert_eq!(rate_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(rate_key("203.0.113.7"), "203.0.113.7");
        let limiter = AddressLimiter::per_minute(2);
        assert!(limiter.check("2001:db8::1").is_ok());
        assert!(limiter.check("2001:db8::2").is_ok());
        assert!(limiter.check("2001:db8::3").is_err());
        assert!(limiter.check("2001:db8:0:1::1").is_ok());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_quiet_address_is_forgotten_when_purged() {
        // 60,000 a minute: a bucket is full again within a millisecond.
        let limiter = AddressLimiter::per_minute(60_000);
        limiter.check("203.0.113.7").unwrap();
        assert_eq!(limiter.len(), 1);
        std::thread::sleep(std::time::Duration::from_millis(20));
        limiter.purge();
        assert!(limiter.is_empty());
    }

    #[test]
    fn four_failures_do_not_lock_but_the_fifth_does() {
        let policy = LockoutPolicy::default();
        assert!(!policy.should_lock(4));
        assert!(policy.should_lock(5));
    }

    #[test]
    fn a_lock_lasts_fifteen_minutes_by_default() {
        let policy = LockoutPolicy::default();
        let until = policy.locked_until(t(0));
        assert_eq!(LockoutPolicy::minutes_left(until, t(0)), Some(15));
        assert_eq!(LockoutPolicy::minutes_left(until, t(14)), Some(1));
        assert_eq!(LockoutPolicy::minutes_left(until, t(15)), None);
    }

    #[test]
    fn a_few_seconds_left_still_reads_as_one_minute() {
        let until = t(1);
        let now = until - Duration::seconds(5);
        assert_eq!(LockoutPolicy::minutes_left(until, now), Some(1));
    }

    #[test]
    fn failures_older_than_the_window_are_stale() {
        let policy = LockoutPolicy {
            max_failures: 3,
            lock_for: Duration::minutes(10),
            ..Default::default()
        };
        assert_eq!(policy.stale_before(t(30)), t(20));
    }
}
