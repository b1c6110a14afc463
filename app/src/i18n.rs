//! The languages the app speaks. zh-TW is the default and, until the English interface
//! lands, the language of every viewer; what is stored as data (events, notifications)
//! is turned into words through [`Lang`] so that English needs no change to storage.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    ZhTw,
    En,
}

impl Lang {
    /// The language the current viewer reads. Everyone reads zh-TW until users can choose.
    pub fn of_viewer() -> Self {
        Self::ZhTw
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, zh_tw: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::ZhTw => zh_tw,
            Self::En => en,
        }
    }
}
