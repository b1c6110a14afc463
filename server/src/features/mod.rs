//! The HTTP of each feature that server fns cannot do: uploads and downloads, the public
//! status page, the volume built in the background. Named as in `app/src/`.

pub mod audit;
pub mod bills;
pub mod briefs;
pub mod cases;
pub mod deadlines;
pub mod delivery;
pub mod filings;
pub mod import;
pub mod letters;
pub mod links;
pub mod meetings;
pub mod reports;
pub mod resolutions;
pub mod volume;

use axum::Router;

/// Every feature's routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .merge(cases::routes())
        .merge(audit::routes())
        .merge(bills::routes())
        .merge(briefs::routes())
        .merge(meetings::routes())
        .merge(reports::routes())
        .merge(resolutions::routes())
        .merge(volume::routes())
        .merge(import::routes())
        .merge(letters::routes())
        .merge(deadlines::routes())
        .merge(links::routes())
        .merge(filings::routes())
        .merge(delivery::routes())
}
