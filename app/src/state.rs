//! What every server fn may reach: the pool, the clock and the request's client address.
//! Provided as Leptos context by the server for both server fns and SSR. Knows nothing of
//! the features, which each provide their own settings (e.g. `auth::lockout`).

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
    /// Whom the app speaks for (settings).
    pub city: Arc<crate::city::City>,
}

impl AppState {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in Taipei, by the app's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        crate::dates::taipei_day(self.now())
    }
}

/// The state of the running app, from Leptos context.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("context", "AppState missing from context"))
}

/// Where a request came from, as the server put it into the request's extensions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientAddr(pub String);

/// The address the current request came from; empty when unknown.
pub fn client_addr() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddr>().map(|c| c.0.clone()))
        .unwrap_or_default()
}
