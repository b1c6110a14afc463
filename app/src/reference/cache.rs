//! The choice lists every form and the case list's filters show (sessions, sitting types,
//! councilors, bureaus), kept by each app server for a few seconds: four queries of the ten
//! a case-list page ran, for lists that change a few times a term. This server forgets
//! them the moment it changes reference data; another app server (PostgreSQL) shows the
//! change within [`FRESH_FOR`]. What a form posts is checked against the database, never
//! against these lists.

use super::Choices;
use sqlx::AnyPool;
use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

pub const FRESH_FOR: Duration = Duration::from_secs(10);

/// Provided as Leptos context by the server, one per router.
#[derive(Clone, Default)]
pub struct ChoicesCache(Arc<Mutex<Option<(Instant, Choices)>>>);

impl ChoicesCache {
    pub async fn get(&self, pool: &AnyPool) -> Result<Choices, sqlx::Error> {
        if let Some(choices) = self.fresh(Instant::now()) {
            return Ok(choices);
        }
        let read_at = Instant::now();
        let choices = super::db::choices(pool).await?;
        if let Ok(mut kept) = self.0.lock() {
            *kept = Some((read_at, choices.clone()));
        }
        Ok(choices)
    }

    fn fresh(&self, now: Instant) -> Option<Choices> {
        let kept = self.0.lock().ok()?;
        kept.as_ref()
            .filter(|(at, _)| now.duration_since(*at) < FRESH_FOR)
            .map(|(_, choices)| choices.clone())
    }

    pub fn forget(&self) {
        if let Ok(mut kept) = self.0.lock() {
            *kept = None;
        }
    }
}

/// Forgets the lists of the server this request runs on, after a change to reference data.
pub fn forget_choices() {
    if let Some(cache) = leptos::prelude::use_context::<ChoicesCache>() {
        cache.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(cache: &ChoicesCache, at: Instant) {
        *cache.0.lock().unwrap() = Some((
            at,
            Choices {
                bureaus: vec![(1, "都發局".into())],
                ..Default::default()
            },
        ));
    }

    #[test]
    fn lists_are_served_while_fresh_and_read_again_after() {
        let cache = ChoicesCache::default();
        let now = Instant::now();
        assert_eq!(cache.fresh(now), None);
        kept(&cache, now);
        assert_eq!(cache.fresh(now).unwrap().bureaus[0].1, "都發局");
        assert!(cache
            .fresh(now + FRESH_FOR - Duration::from_millis(1))
            .is_some());
        assert_eq!(cache.fresh(now + FRESH_FOR), None);
    }

    #[test]
    fn a_change_on_this_server_is_shown_at_once() {
        let cache = ChoicesCache::default();
        let now = Instant::now();
        kept(&cache, now);
        cache.clone().forget();
        assert_eq!(cache.fresh(now), None);
    }
}
