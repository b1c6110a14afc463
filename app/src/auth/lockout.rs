//! Login throttling: after `max_failures` wrong passwords within `lock_for`, the username is
//! locked for `lock_for`. Counted per submitted username whether or not the account exists,
//! so the lock message reveals nothing about which accounts exist. On top of that, the app
//! refuses (429) a network address that tries more than `per_address_per_minute` logins a
//! minute, whatever the names, counted by every server together ([`crate::limits`]).

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

impl LockoutPolicy {
    /// Logins a minute from one network address, counted by every server together.
    pub fn address_limit(&self) -> crate::limits::Limiter {
        crate::limits::Limiter::new("login_address", self.per_address_per_minute)
    }

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
