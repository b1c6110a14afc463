//! The parts of a page that run in the browser. Everything else is rendered on the server
//! only and ships no code: a page works without JavaScript, and these make it nicer.
//! Feature-specific islands live with their feature (e.g. `cases::upload`).

pub mod copy;
pub mod editor;

pub use copy::CopyText;

#[cfg(feature = "hydrate")]
pub mod browser;
