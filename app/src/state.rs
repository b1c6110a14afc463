//! What every server fn may reach: the pool, the clock, and the rules that are configurable.
//! Provided as Leptos context by the server for both server fns and SSR.

use crate::auth::lockout::LockoutPolicy;
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use sqlx::AnyPool;
use std::sync::{Arc, Mutex};

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to, so time rules are tested without sleeping.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Mutex::new(start))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub db: AnyPool,
    pub clock: Arc<dyn Clock>,
    pub lockout: LockoutPolicy,
}

impl AppState {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// The state of the running app, from Leptos context.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("context", "AppState missing from context"))
}
