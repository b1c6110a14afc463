//! The synonym table (issue 26): words officers use for the same thing (社宅 / 社會住宅,
//! 都更 / 都市更新), one group per row, kept by the admin at `/admin/synonyms`. The keyword
//! search and the similar-question lookup read it (`cases::search::Synonyms`); nothing is
//! indexed by it, so an edit takes effect on the next search without rebuilding anything.

pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod db;

use crate::{cases::search, error::AppError};
use serde::{Deserialize, Serialize};

/// The most words in one group.
pub const MAX_WORDS: usize = 10;
/// The longest word.
pub const MAX_WORD_CHARS: usize = 20;

/// One group as stored: its words, as the admin wrote them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynonymGroup {
    pub id: i64,
    pub words: Vec<String>,
}

/// A group as typed into the form (`words`: apart at spaces, 、 or commas), checked: two
/// distinct words or more (repeats, also in another width or as 臺/台, dropped), none too
/// long, not too many. Stored joined by single spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInput(Vec<String>);

impl GroupInput {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let mut words: Vec<String> = Vec::new();
        for word in search::words(raw) {
            if word.chars().count() > MAX_WORD_CHARS {
                return Err(AppError::validation(
                    "words",
                    format!("「{word}」太長：每個詞最多 {MAX_WORD_CHARS} 字。"),
                ));
            }
            if !words
                .iter()
                .any(|w| search::fold_str(w) == search::fold_str(&word))
            {
                words.push(word);
            }
        }
        if words.len() < 2 {
            return Err(AppError::validation(
                "words",
                "請輸入至少兩個意思相同的詞，以空格或頓號分隔，例如「社宅 社會住宅」。",
            ));
        }
        if words.len() > MAX_WORDS {
            return Err(AppError::validation(
                "words",
                format!("一組最多 {MAX_WORDS} 個詞。"),
            ));
        }
        Ok(Self(words))
    }

    pub fn words(&self) -> &[String] {
        &self.0
    }

    /// As stored in `synonym_groups.words`.
    pub fn stored(&self) -> String {
        self.0.join(" ")
    }

    /// The first word of this group that another group already has: a word in two groups
    /// would make a search for it mean two different things.
    pub fn clash<'a>(&self, others: impl IntoIterator<Item = &'a SynonymGroup>) -> Option<String> {
        let others: Vec<&SynonymGroup> = others.into_iter().collect();
        self.0
            .iter()
            .find(|w| {
                others.iter().any(|g| {
                    g.words
                        .iter()
                        .any(|o| search::fold_str(o) == search::fold_str(w))
                })
            })
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_two_words_or_more_apart_at_spaces_commas_or_the_enumeration_comma() {
        let g = GroupInput::parse(" 社宅、社會住宅，公宅 ").unwrap();
        assert_eq!(g.words(), ["社宅", "社會住宅", "公宅"]);
        assert_eq!(g.stored(), "社宅 社會住宅 公宅");
    }

    #[test]
    fn a_group_of_one_word_or_its_repeats_is_refused() {
        for raw in ["", "社宅", "社宅 社宅", "臺北 台北", "ＭＲＴ mrt"] {
            let e = GroupInput::parse(raw).unwrap_err();
            assert!(
                e.field_message("words").unwrap().contains("至少兩個"),
                "{raw}"
            );
        }
    }

    #[test]
    fn a_word_too_long_or_too_many_words_is_refused() {
        let long = "字".repeat(MAX_WORD_CHARS + 1);
        assert!(GroupInput::parse(&format!("社宅 {long}")).is_err());
        let many: Vec<String> = (0..=MAX_WORDS).map(|i| format!("詞{i}")).collect();
        assert!(GroupInput::parse(&many.join(" ")).is_err());
    }

    #[test]
    fn a_word_another_group_has_is_named() {
        let others = [SynonymGroup {
            id: 1,
            words: vec!["社宅".into(), "社會住宅".into()],
        }];
        let g = GroupInput::parse("公宅 社會住宅").unwrap();
        assert_eq!(g.clash(&others), Some("社會住宅".into()));
        assert_eq!(
            GroupInput::parse("都更 都市更新").unwrap().clash(&others),
            None
        );
    }
}
