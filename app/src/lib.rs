//! 府會通: components, shared types and server fns. Built twice: with `ssr` into the server,
//! with `hydrate` into the browser's wasm bundle, which carries only the `#[island]`s and
//! the page-wide submit guard (see `islands`); every other component renders on the server.

/// An enum stored and sent as a stable text code, with its zh-TW label. The codes are
/// written out, never derived from the variants' Rust names, so renaming a variant cannot
/// change what the database or a URL holds.
macro_rules! text_enum {
    ($name:ident { $($variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s.trim() { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

pub mod admin;
pub mod app;
pub mod audit;
pub mod auth;
pub mod background;
pub mod bills;
pub mod briefs;
pub mod cases;
pub mod city;
pub mod components;
pub mod corrections;
pub mod dates;
pub mod deadlines;
pub mod document;
pub mod error;
pub mod escape;
pub mod filings;
pub mod grouping;
pub mod home;
pub mod i18n;
pub mod import;
pub mod input;
pub mod interim;
pub mod islands;
pub mod letters;
pub mod limits;
pub mod links;
pub mod meetings;
pub mod notifications;
pub mod promises;
pub mod reference;
pub mod reports;
pub mod resolutions;
pub mod service;
pub mod synonyms;
pub mod top_bar;
pub mod url;
pub mod volume;

#[cfg(feature = "ssr")]
pub mod caller;
#[cfg(feature = "ssr")]
pub mod chain;
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
