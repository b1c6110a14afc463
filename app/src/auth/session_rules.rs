//! How long a session lives: it ends after `idle` without a request, and `absolute` after
//! sign-in whatever happens. Pure, so the limits are tested without a clock or a database.

use chrono::Duration;

/// The longest `SESSION_HOURS` may be: a working day and its evening, never days.
pub const MAX_SESSION_HOURS: u32 = 24;

/// A session's last request is written down at most this often: each request would
/// otherwise be a write, and the idle limit needs no finer grain.
pub const TOUCH_EVERY_SECONDS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        }
    }
}

/// What to do with a stored session on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Past one of the limits: delete it and treat the request as signed out.
    Expired,
    /// Valid, and seen recently enough.
    Fresh,
    /// Valid; note this request as its last.
    Touch,
}

impl SessionPolicy {
    /// Judges a session created at `created_at` and last seen at `last_seen_at` (seconds).
    pub fn judge(&self, created_at: i64, last_seen_at: i64, now: i64) -> Freshness {
        if now >= self.expires_at(created_at) || now - last_seen_at >= self.idle.num_seconds() {
            Freshness::Expired
        } else if now - last_seen_at >= TOUCH_EVERY_SECONDS {
            Freshness::Touch
        } else {
            Freshness::Fresh
        }
    }

    /// When a session created at `created_at` ends at the latest.
    pub fn expires_at(&self, created_at: i64) -> i64 {
        created_at + self.absolute.num_seconds()
    }

    /// Sessions last seen before this are idle-expired (for the cleanup).
    pub fn idle_before(&self, now: i64) -> i64 {
        now - self.idle.num_seconds()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = 1_710_460_800;

    fn policy() -> SessionPolicy {
        SessionPolicy::default()
    }

    #[test]
    fn a_session_used_a_moment_ago_is_fresh_and_not_rewritten() {
        assert_eq!(policy().judge(START, START, START + 59), Freshness::Fresh);
    }

    #[test]
    fn a_session_used_a_minute_ago_or_more_is_touched() {
        assert_eq!(policy().judge(START, START, START + 60), Freshness::Touch);
        assert_eq!(
            policy().judge(START, START, START + 29 * 60),
            Freshness::Touch
        );
    }

    #[test]
    fn thirty_minutes_without_a_request_end_it() {
        assert_eq!(
            policy().judge(START, START, START + 30 * 60),
            Freshness::Expired
        );
    }

    #[test]
    fn a_session_in_steady_use_still_ends_at_the_absolute_limit() {
        let now = START + 12 * 3600;
        assert_eq!(policy().judge(START, now - 5, now), Freshness::Expired);
        assert_eq!(policy().judge(START, now - 5, now - 1), Freshness::Fresh);
    }

    #[test]
    fn the_limits_are_the_configured_ones() {
        let p = SessionPolicy {
            idle: Duration::minutes(5),
            absolute: Duration::hours(1),
        };
        assert_eq!(p.judge(START, START, START + 5 * 60), Freshness::Expired);
        assert_eq!(p.expires_at(START), START + 3600);
        assert_eq!(p.idle_before(START + 600), START + 300);
    }
}
