//! Keyword search and similar questions: the rules, in plain Rust so that both backends
//! answer alike. Text is *folded* here (Latin case, full-width forms, 臺/台) before it is
//! stored in the search index and before it is looked up, so the database only ever does
//! an exact substring match; SQLite and PostgreSQL cannot disagree about case or width.
//! A term is also looked for as its synonyms ([`Synonyms`], the admin's table: 社宅 /
//! 社會住宅), so the index itself never depends on the table and editing it rebuilds nothing.
//!
//! Both backends index a document by its three-character pieces (trigrams), which cannot
//! find a term of one or two characters, and Chinese has many (社宅, 停車, 橋). So the
//! document also lists each character and each pair of characters once, as words between
//! spaces: ` 社 ` and ` 社宅` are three characters long and the trigram index finds them.

use super::{CaseKind, CaseStatus};
use serde::{Deserialize, Serialize};

/// Bumped when [`fold`], [`doc`] or [`pieces`] changes, or what is stored with them:
/// documents of another version are rebuilt when the server starts
/// (`cases::db::reindex_stale`). 2: topic pieces (migration 0006). 3: NFKC.
pub const DOC_VERSION: i64 = 3;

/// At most this many terms are used; more are ignored.
pub const MAX_TERMS: usize = 5;

/// What the keyword box holds; a longer keyword is refused (400) before any search, so a
/// crafted one cannot reach the database (a 60,000-character one once answered 500).
pub const MAX_QUERY_CHARS: usize = 50;

/// Terms this long or longer are looked up as they are; shorter ones as the words that
/// [`doc`] lists for them (see [`needle`]).
pub const TRIGRAM: usize = 3;

/// One character as it is compared. One character in, one out, so positions in the
/// folded text are positions in the original (highlighting relies on it).
pub fn fold(c: char) -> char {
    let c = compatible(c);
    let c = match c {
        // Full-width Latin letters, digits and signs (ＡＢＣ１２３) as typed by CJK input.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        // Both forms of tai are in everyday use (臺北市 / 台北市).
        '臺' => '台',
        _ => c,
    };
    let c = {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    };
    // LIKE's own characters never reach the database as themselves, so patterns need no
    // escaping: the document and the term are folded alike.
    match c {
        '%' => '％',
        '_' => '＿',
        '\\' => '＼',
        c => c,
    }
}

/// The character Unicode's compatibility normalization (NFKC) gives, where that is one
/// character: text pasted from a PDF carries Kangxi radicals (⼈ U+2F08 for 人) and
/// compatibility ideographs (U+F900–U+FAFF) that look like the everyday character but do
/// not match it. Where NFKC gives several (㈱), the character stays as it is, so that
/// positions hold. The common ranges are let through without a lookup.
fn compatible(c: char) -> char {
    use unicode_normalization::UnicodeNormalization;
    if c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return c;
    }
    let mut n = std::iter::once(c).nfkc();
    match (n.next(), n.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

pub fn fold_str(text: &str) -> String {
    text.chars().map(fold).collect()
}

/// The indexed document of a case: topic, question text and reply folded, a line break
/// after each so that no term matches across two fields; then a line of every character and
/// a line of every pair of characters that occur in them (without spaces), each once, each
/// after a space. Councilor names are matched against the councilors table instead, so
/// renaming a councilor needs no reindexing.
pub fn doc(topic: &str, body: &str, reply: &str) -> String {
    let fields: Vec<Vec<char>> = [topic, body, reply]
        .iter()
        .map(|f| f.chars().map(fold).collect())
        .collect();
    let mut singles: Vec<char> = Vec::new();
    let mut pairs: Vec<[char; 2]> = Vec::new();
    for field in &fields {
        singles.extend(field.iter().filter(|c| !c.is_whitespace()));
        pairs.extend(
            field
                .windows(2)
                .filter(|w| !w[0].is_whitespace() && !w[1].is_whitespace())
                .map(|w| [w[0], w[1]]),
        );
    }
    singles.sort_unstable();
    singles.dedup();
    pairs.sort_unstable();
    pairs.dedup();
    let text: usize = fields.iter().map(Vec::len).sum();
    let mut doc = String::with_capacity(4 * (text + 2 * singles.len() + 3 * pairs.len() + 8));
    for field in &fields {
        doc.extend(
            field
                .iter()
                .map(|c| if c.is_whitespace() { ' ' } else { *c }),
        );
        doc.push('\n');
    }
    for c in singles {
        doc.push(' ');
        doc.push(c);
    }
    doc.push_str(" \n");
    for [a, b] in pairs {
        doc.push(' ');
        doc.push(a);
        doc.push(b);
    }
    doc.push_str(" \n");
    doc
}

/// The search box's text as terms: split at spaces (full-width too), folded, repeats
/// dropped. Every term must match (in the document or a councilor's name), as typed or as
/// one of its spellings with synonyms ([`Terms::with`]); the typed word comes first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms(Vec<Vec<String>>);

impl Terms {
    pub fn parse(q: &str) -> Self {
        let mut terms: Vec<String> = Vec::new();
        // Control characters (a NUL, which PostgreSQL refuses in text) separate terms too.
        for term in fold_str(q)
            .split(|c: char| c.is_whitespace() || c.is_control())
            .filter(|t| !t.is_empty())
        {
            if terms.len() == MAX_TERMS {
                break;
            }
            if !terms.iter().any(|t| t == term) {
                terms.push(term.to_owned());
            }
        }
        Self(terms.into_iter().map(|t| vec![t]).collect())
    }

    /// Each term with its spellings under `synonyms`.
    pub fn with(self, synonyms: &Synonyms) -> Self {
        Self(
            self.0
                .into_iter()
                .map(|mut t| synonyms.spellings(&t.swap_remove(0)))
                .collect(),
        )
    }

    /// Shingles of a topic (already folded), all of them, to mark a similar case's topic.
    pub fn of_shingles(shingles: &[String]) -> Self {
        Self(shingles.iter().map(|s| vec![s.clone()]).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The terms as typed (folded).
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|t| t[0].as_str())
    }

    /// Each term's spellings, the typed one first; a case matches a term through any.
    pub fn spellings(&self) -> impl Iterator<Item = &[String]> {
        self.0.iter().map(Vec::as_slice)
    }
}

/// How many spellings of one text are looked for, the text itself included.
pub const MAX_SPELLINGS: usize = 6;

/// Words that mean the same to the search and the similar-question lookup (社宅 /
/// 社會住宅, 都更 / 都市更新), the admin's table (`synonym_groups`), folded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms(Vec<Vec<String>>);

impl Synonyms {
    /// Groups as stored, each one line of words ([`words`]); a group of fewer than two
    /// distinct words says nothing and is left out.
    pub fn new<'a>(groups: impl IntoIterator<Item = &'a str>) -> Self {
        Self(
            groups
                .into_iter()
                .map(|g| {
                    let mut folded: Vec<String> = Vec::new();
                    for w in words(g) {
                        let w = fold_str(&w);
                        if !folded.contains(&w) {
                            folded.push(w);
                        }
                    }
                    folded
                })
                .filter(|g| g.len() >= 2)
                .collect(),
        )
    }

    /// `text` (folded), then `text` with the words of a group it contains written as each
    /// other word of that group, one group at a time, at most [`MAX_SPELLINGS`] in all. A
    /// word inside a longer word of its group is not a word of its own there: 北捷 is in
    /// 台北捷運, but 台北捷運 is not rewritten as 台北捷運運.
    pub fn spellings(&self, text: &str) -> Vec<String> {
        let mut out = vec![text.to_owned()];
        for group in &self.0 {
            let found = occurrences(text, group);
            if found.is_empty() {
                continue;
            }
            for word in group {
                let mut spelled = String::with_capacity(text.len() + word.len());
                let mut at = 0;
                for (start, end) in &found {
                    spelled.push_str(&text[at..*start]);
                    spelled.push_str(word);
                    at = *end;
                }
                spelled.push_str(&text[at..]);
                if !out.contains(&spelled) {
                    if out.len() == MAX_SPELLINGS {
                        return out;
                    }
                    out.push(spelled);
                }
            }
        }
        out
    }
}

/// Byte ranges in `text` of the words of `group`, longest words first, none overlapping,
/// in order.
fn occurrences(text: &str, group: &[String]) -> Vec<(usize, usize)> {
    let mut longest: Vec<&String> = group.iter().collect();
    longest.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let mut found: Vec<(usize, usize)> = Vec::new();
    for word in longest {
        for (start, _) in text.match_indices(word.as_str()) {
            let end = start + word.len();
            if found.iter().all(|(s, e)| end <= *s || start >= *e) {
                found.push((start, end));
            }
        }
    }
    found.sort_unstable();
    found
}

/// The words of a synonym group as the admin types them: apart at spaces, 、 and commas.
pub fn words(group: &str) -> Vec<String> {
    group
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '、' | ',' | '，' | ';' | '；' | '/' | '／')
        })
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What the search document must contain for a folded term (folding already removed `%`,
/// `_` and `\`), three characters or more so that a trigram index can serve it: the term
/// itself, or the word [`doc`] lists for a pair (` 社宅`) or a single character (` 社 `).
pub fn needle(term: &str) -> String {
    match term.chars().count() {
        1 => format!(" {term} "),
        2 => format!(" {term}"),
        _ => term.to_owned(),
    }
}

/// A piece of text, highlighted or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seg {
    pub text: String,
    pub hit: bool,
}

/// Which text an excerpt comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Body,
    Reply,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Body => "內容",
            Field::Reply => "答復",
        }
    }
}

/// Where the terms were found in one case, for the result list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub topic: Vec<Seg>,
    pub councilors: Vec<Seg>,
    pub excerpt: Option<(Field, Vec<Seg>)>,
}

/// Character ranges of every match of any term in `text`, merged and in order.
fn matches(text: &[char], terms: &Terms) -> Vec<(usize, usize)> {
    let folded: Vec<char> = text.iter().map(|c| fold(*c)).collect();
    let mut found = Vec::new();
    for term in terms.spellings().flatten() {
        let term: Vec<char> = term.chars().collect();
        if term.is_empty() || term.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - term.len() {
            if folded[start..start + term.len()] == term[..] {
                found.push((start, start + term.len()));
            }
        }
    }
    found.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in found {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn segments(text: &[char], from: usize, to: usize, ranges: &[(usize, usize)]) -> Vec<Seg> {
    let mut segs = Vec::new();
    let mut at = from;
    let mut push = |chars: &[char], hit: bool| {
        if !chars.is_empty() {
            segs.push(Seg {
                text: chars.iter().collect(),
                hit,
            });
        }
    };
    for &(s, e) in ranges {
        let (s, e) = (s.max(from), e.min(to));
        if s >= e {
            continue;
        }
        push(&text[at..s], false);
        push(&text[s..e], true);
        at = e;
    }
    push(&text[at..to], false);
    segs
}

/// `text` with every match of the terms marked.
pub fn highlight(text: &str, terms: &Terms) -> Vec<Seg> {
    let chars: Vec<char> = text.chars().collect();
    let ranges = matches(&chars, terms);
    segments(&chars, 0, chars.len(), &ranges)
}

/// About `width` characters of `text` around its first match, marked, with an ellipsis
/// where it was cut; `None` if no term occurs in it.
pub fn excerpt(text: &str, terms: &Terms, width: usize) -> Option<Vec<Seg>> {
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    let ranges = matches(&chars, terms);
    let &(first, _) = ranges.first()?;
    // A little before the match for context, the rest after it.
    let from = first.saturating_sub(width / 4);
    let to = (from + width).min(chars.len());
    let from = to.saturating_sub(width).min(from);
    let mut segs = segments(&chars, from, to, &ranges);
    if from > 0 {
        segs.insert(
            0,
            Seg {
                text: "…".into(),
                hit: false,
            },
        );
    }
    if to < chars.len() {
        segs.push(Seg {
            text: "…".into(),
            hit: false,
        });
    }
    Some(segs)
}

/// The search result's marks for one case: the excerpt comes from the question text, or
/// from the reply when only the reply matches.
pub fn hit(topic: &str, councilors: &str, body: &str, reply: &str, terms: &Terms) -> Hit {
    const WIDTH: usize = 80;
    Hit {
        topic: highlight(topic, terms),
        councilors: highlight(councilors, terms),
        excerpt: excerpt(body, terms, WIDTH)
            .map(|s| (Field::Body, s))
            .or_else(|| excerpt(reply, terms, WIDTH).map(|s| (Field::Reply, s))),
    }
}

/// What a similar question is looked for by: the topic being recorded or shown, its
/// councilors, its lead bureau, and the case itself to leave out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    pub topic: String,
    pub councilor_ids: Vec<i64>,
    pub bureau_id: Option<i64>,
    pub exclude: Option<i64>,
}

impl Probe {
    /// A question not yet recorded: what has been typed, cut to sensible sizes.
    pub fn draft(topic: &str, councilor_ids: Vec<i64>) -> Self {
        Self {
            topic: topic.trim().chars().take(200).collect(),
            councilor_ids: councilor_ids.into_iter().take(20).collect(),
            bureau_id: None,
            exclude: None,
        }
    }
}

/// The start of a reply, for a list: up to `max` characters, an ellipsis where cut.
pub fn opening(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// An earlier case that looks like the one at hand, with the start of its reply for reuse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimilarCase {
    pub id: i64,
    pub kind: CaseKind,
    pub number: i64,
    pub topic: Vec<Seg>,
    pub councilors: String,
    pub lead_bureau: Option<String>,
    pub status: CaseStatus,
    pub reply: String,
}

/// A topic's distinct three-character pieces, as stored for similar questions (Chinese
/// has no spaces to split words at; a trigram is the search index's unit too). Pieces with
/// spaces or punctuation are skipped; a topic shorter than a piece has none.
pub fn pieces(topic: &str) -> Vec<String> {
    let chars: Vec<char> = fold_str(topic).chars().collect();
    let mut out: Vec<String> = Vec::new();
    for w in chars.windows(TRIGRAM) {
        if w.iter().all(|c| c.is_alphanumeric()) {
            let s: String = w.iter().collect();
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// How many pieces of a topic (with its spellings) are looked for.
pub const MAX_SHINGLES: usize = 24;

/// The terms a similar question would share with `topic`: the [`pieces`] of the topic and
/// of its spellings with `synonyms` (社宅 also as 社會住宅), or a spelling as a whole when
/// it is shorter than a piece; at most [`MAX_SHINGLES`], the topic's own first.
pub fn shingles(topic: &str, synonyms: &Synonyms) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for spelling in synonyms.spellings(&fold_str(topic)) {
        let chars: Vec<char> = spelling.chars().collect();
        let found = if chars.len() < TRIGRAM {
            let t: String = chars.iter().filter(|c| c.is_alphanumeric()).collect();
            if t.is_empty() {
                Vec::new()
            } else {
                vec![t]
            }
        } else {
            pieces(&spelling)
        };
        for piece in found {
            if !out.contains(&piece) {
                out.push(piece);
            }
        }
    }
    out.truncate(MAX_SHINGLES);
    out
}

/// What a candidate shares with the question being looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shared {
    /// How many of the question's shingles occur in the candidate.
    pub shingles: usize,
    pub same_councilor: bool,
    pub same_bureau: bool,
}

/// Where a candidate stands among similar questions, higher first, or `None` when it shares
/// no piece. No share of the topic is required: a compound topic (社宅興建與停車場規劃)
/// has neighbours that share one half of it, and the lookup shows the top few anyway. More
/// pieces in common rank first; among equals, the same councilor, then the same bureau.
pub fn similarity(s: Shared) -> Option<u32> {
    (s.shingles > 0)
        .then(|| s.shingles as u32 * 4 + u32::from(s.same_councilor) * 2 + u32::from(s.same_bureau))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(segs: &[Seg]) -> String {
        segs.iter()
            .map(|s| {
                if s.hit {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn folding_ignores_latin_case_width_and_the_two_forms_of_tai() {
        assert_eq!(fold_str("ＭＲＴ Road 臺北"), "mrt road 台北");
        assert_eq!(fold_str("YouBike２.０"), "youbike2.0");
        assert_eq!(fold_str("50%_\\"), "50％＿＼");
        // One character in, one out, even where lowercasing would give two.
        assert_eq!(fold('İ'), 'İ');
        assert_eq!(fold_str("社會住宅").chars().count(), 4);
    }

    #[test]
    fn folding_reads_kangxi_radicals_and_compatibility_ideographs_as_the_everyday_character() {
        // ⼈ (U+2F08 KANGXI RADICAL MAN), 說 (U+F96F), 﨑 (U+FA11) as PDFs paste them.
        assert_eq!(fold_str("\u{2F08}\u{53E3}"), "人口");
        assert_eq!(fold('\u{F96F}'), '說');
        assert_eq!(fold_str("①號"), "1號");
        // NFKC would give three characters: it stays, so positions hold.
        assert_eq!(fold('㈱'), '㈱');
        assert_eq!(fold_str("\u{2F08}\u{53E3}").chars().count(), 2);
    }

    fn city() -> Synonyms {
        Synonyms::new([
            "社宅 社會住宅",
            "北捷、台北捷運、臺北捷運",
            "都更",
            "長照 長期照顧",
        ])
    }

    #[test]
    fn a_synonym_group_is_folded_without_repeats_and_a_lone_word_is_no_group() {
        let s = city();
        assert_eq!(s.0.len(), 3);
        assert_eq!(s.0[1], vec!["北捷", "台北捷運"]);
        assert_eq!(
            words(" 社宅， 社會住宅/公宅 "),
            vec!["社宅", "社會住宅", "公宅"]
        );
    }

    #[test]
    fn a_text_is_spelled_with_each_word_of_every_group_it_contains() {
        let s = city();
        assert_eq!(s.spellings("社宅"), vec!["社宅", "社會住宅"]);
        assert_eq!(
            s.spellings("北投社宅長照"),
            vec!["北投社宅長照", "北投社會住宅長照", "北投社宅長期照顧"]
        );
        assert_eq!(s.spellings("停車"), vec!["停車"]);
        // 北捷 inside 台北捷運 is not a word of its own.
        assert_eq!(s.spellings("台北捷運站"), vec!["台北捷運站", "北捷站"]);
        let many = Synonyms::new(["甲 乙 丙 丁 戊 己 庚 辛"]);
        assert_eq!(many.spellings("甲").len(), MAX_SPELLINGS);
    }

    #[test]
    fn a_term_matches_and_is_marked_through_its_synonyms() {
        let terms = Terms::parse("社宅").with(&city());
        assert_eq!(terms.iter().collect::<Vec<_>>(), vec!["社宅"]);
        assert_eq!(
            terms.spellings().next().unwrap(),
            &["社宅".to_owned(), "社會住宅".to_owned()][..]
        );
        assert_eq!(
            marked(&highlight("興建社會住宅與社宅", &terms)),
            "興建[社會住宅]與[社宅]"
        );
    }

    #[test]
    fn terms_split_at_any_space_drop_repeats_and_stop_at_five() {
        assert_eq!(
            Terms::parse(" 社宅　停車  社宅 MRT ")
                .iter()
                .collect::<Vec<_>>(),
            vec!["社宅", "停車", "mrt"]
        );
        assert!(Terms::parse("  ").is_empty());
        assert_eq!(Terms::parse("a b c d e f g").iter().count(), MAX_TERMS);
    }

    #[test]
    fn every_needle_has_three_characters_for_the_trigram_index() {
        assert_eq!(needle("社"), " 社 ");
        assert_eq!(needle("社宅"), " 社宅");
        assert_eq!(needle("停車場"), "停車場");
        for term in ["社", "社宅", "mrt", "停車場"] {
            assert!(needle(term).chars().count() >= TRIGRAM);
        }
    }

    #[test]
    fn the_document_folds_each_field_onto_its_own_line_then_lists_characters_and_pairs() {
        assert_eq!(
            doc("臺北ＭＲＴ", "第一\n行", ""),
            "台北mrt\n第一 行\n\n m r t 一 北 台 第 行 \n mr rt 北m 台北 第一 \n"
        );
    }

    #[test]
    fn a_pattern_matches_the_document_exactly_when_a_field_contains_the_term() {
        let d = doc("社會住宅", "停車場 MRT", "明年完成");
        for (term, found) in [
            ("社", true),
            ("宅", true),
            ("會住", true),
            ("社宅", false),
            ("車場", true),
            ("場m", false),
            ("mrt", true),
            ("rt", true),
            ("t", true),
            ("宅停", false),
            ("成", true),
            ("住宅停", false),
            ("年完成", true),
            ("無", false),
        ] {
            assert_eq!(d.contains(&needle(term)), found, "{term}");
        }
    }

    #[test]
    fn highlighting_marks_every_match_case_insensitively_and_merges_overlaps() {
        let terms = Terms::parse("mrt 臺北 北市");
        assert_eq!(
            marked(&highlight("台北市的MRT與Mrt", &terms)),
            "[台北市]的[MRT]與[Mrt]"
        );
        assert_eq!(marked(&highlight("沒有", &terms)), "沒有");
    }

    #[test]
    fn an_excerpt_is_cut_around_the_first_match_with_ellipses() {
        let text = format!("{}社會住宅{}", "甲".repeat(100), "乙".repeat(100));
        let segs = excerpt(&text, &Terms::parse("社會住宅"), 20).unwrap();
        assert_eq!(
            marked(&segs),
            format!("…{}[社會住宅]{}…", "甲".repeat(5), "乙".repeat(11))
        );
        let short = excerpt("就在開頭社宅", &Terms::parse("社宅"), 80).unwrap();
        assert_eq!(marked(&short), "就在開頭[社宅]");
        assert_eq!(excerpt("無關", &Terms::parse("社宅"), 80), None);
    }

    #[test]
    fn a_hit_takes_its_excerpt_from_the_reply_only_when_the_question_text_lacks_the_terms() {
        let terms = Terms::parse("停車");
        let h = hit("議題", "王大明", "問停車場", "答停車", &terms);
        assert_eq!(h.excerpt.as_ref().unwrap().0, Field::Body);
        let h = hit("議題", "王大明", "問別的", "答停車", &terms);
        assert_eq!(h.excerpt.as_ref().unwrap().0, Field::Reply);
        let h = hit("議題", "王大明", "", "", &Terms::parse("大明"));
        assert_eq!(marked(&h.councilors), "王[大明]");
        assert_eq!(h.excerpt, None);
    }

    #[test]
    fn an_opening_is_cut_with_an_ellipsis_only_when_there_is_more() {
        assert_eq!(opening("短答復", 5), "短答復");
        assert_eq!(opening("一二三四五六", 5), "一二三四五…");
    }

    #[test]
    fn pieces_are_every_distinct_three_character_run_without_spaces_or_punctuation() {
        assert_eq!(pieces("社會住宅，社會住宅"), vec!["社會住", "會住宅"]);
        assert_eq!(pieces("ＭＲＴ 站"), vec!["mrt"]);
        assert!(pieces("社宅").is_empty());
        assert_eq!(pieces(&"一二三四五六七八九十".repeat(3)).len(), 10);
        assert_eq!(pieces("臺北市").first().map(String::as_str), Some("台北市"));
    }

    #[test]
    fn shingles_are_the_topics_distinct_three_character_pieces() {
        let none = Synonyms::default();
        assert_eq!(shingles("社會住宅，社會", &none), vec!["社會住", "會住宅"]);
        assert_eq!(shingles("社宅", &none), vec!["社宅"]);
        assert!(shingles("，", &none).is_empty());
        assert_eq!(shingles(&"一二三四五六七八九十".repeat(3), &none).len(), 10);
        let long: String = ('一'..).take(40).collect();
        assert_eq!(shingles(&long, &none).len(), MAX_SHINGLES);
    }

    #[test]
    fn shingles_take_in_the_pieces_of_the_topic_spelled_with_its_synonyms() {
        assert_eq!(shingles("社宅", &city()), vec!["社宅", "社會住", "會住宅"]);
        assert_eq!(
            shingles("北投社宅", &city()),
            vec!["北投社", "投社宅", "投社會", "社會住", "會住宅"]
        );
    }

    #[test]
    fn similar_cases_rank_by_pieces_in_common_then_councilor_then_bureau() {
        let s = |shingles, same_councilor, same_bureau| {
            similarity(Shared {
                shingles,
                same_councilor,
                same_bureau,
            })
        };
        // One piece of a long compound topic is enough to be shown.
        assert!(s(1, false, false).is_some());
        assert_eq!(s(0, true, true), None);
        assert!(s(3, false, false) > s(2, true, true));
        assert!(s(2, true, false) > s(2, false, true));
        assert!(s(2, false, true) > s(2, false, false));
    }
}
