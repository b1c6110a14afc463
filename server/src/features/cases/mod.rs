//! A case's HTTP beyond server fns: a delivery's files (upload and download) and a
//! question's draft posted to find similar cases.

pub mod attachments;
pub mod similar;

pub use attachments::{is_upload, read_form, served, served_bytes};

use axum::Router;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .merge(attachments::routes())
        .merge(similar::routes())
}
