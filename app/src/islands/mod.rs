//! The parts of a page that run in the browser. Everything else is rendered on the server
//! only and ships no code: a page works without JavaScript, and these make it nicer.
//! Feature-specific islands live with their feature (e.g. `cases::upload`).
//!
//! An island takes `children` (markup the server renders and the browser keeps) and reads
//! what it needs from that markup, never other props: Leptos sends an island's props as
//! JSON, and serde_json with the float formatting it pulls in was 31 of the wasm's 111 KB
//! gzipped. `scripts/bundle-size` holds the wasm to 100 KB.

pub mod copy;
pub mod editor;

pub use copy::CopyText;

#[cfg(feature = "hydrate")]
pub mod browser;
