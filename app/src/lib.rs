//! 府會通: components, shared types and server fns. Built twice: with `ssr` into the server,
//! with `hydrate` into the browser's wasm bundle, which carries only the `#[island]`s and
//! the page-wide submit guard (see `islands`); every other component renders on the server.

pub mod admin;
pub mod app;
pub mod auth;
pub mod cases;
pub mod components;
pub mod deadlines;
pub mod error;
pub mod home;
pub mod input;
pub mod islands;
pub mod reference;
pub mod roc;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod state;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Pages are rendered on the server only; just the `#[island]`s come alive here.
    leptos::mount::hydrate_islands();
    islands::browser::start();
}
