//! 府會通: components, shared types and server fns. Built twice: with `ssr` into the server,
//! with `hydrate` into the browser's wasm bundle.

pub mod admin;
pub mod app;
pub mod auth;
pub mod cases;
pub mod components;
pub mod deadlines;
pub mod error;
pub mod home;
pub mod input;
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
    leptos::mount::hydrate_body(app::App);
}
