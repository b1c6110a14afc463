//! A case's internal background (背景說明) and sensitivity flags (媒體關注, 預算影響, 法律風險):
//! what the lead bureau tells those who judge its reply and nobody else. The lead bureau's
//! liaisons and approvers write it; they, the secretariat and the reviewer read it; a
//! co-bureau, the admin, the councilor's status page, the exports to the council and the
//! written-reply volume never do (none of them reads these tables). The reviewer's queue
//! and the case list filter by flag.

pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod db;

use crate::{
    auth::Role,
    error::{AppError, Problems},
    input::optional_text,
};
use serde::{Deserialize, Serialize};

text_enum!(Flag {
    Media = "media" / "媒體關注",
    Budget = "budget" / "預算影響",
    Legal = "legal" / "法律風險",
});

pub const NOTE_MAX_CHARS: usize = 2_000;

/// Who reads a case's background: its lead bureau (`leads`: the viewer's bureau holds the
/// case's open lead part), the secretariat and the reviewer.
pub fn may_see(role: Role, leads: bool) -> bool {
    match role {
        Role::Secretariat | Role::Reviewer => true,
        Role::BureauLiaison | Role::BureauApprover => leads,
        Role::Admin => false,
    }
}

/// Who writes it: the lead bureau only; it knows the case.
pub fn may_write(role: Role, leads: bool) -> bool {
    matches!(role, Role::BureauLiaison | Role::BureauApprover) && leads
}

/// Who may filter a list by flag: whoever reads flags (a bureau, of the cases it leads).
pub fn may_filter(role: Role) -> bool {
    role != Role::Admin
}

/// The background as the case page shows it to those who may see it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Background {
    pub note: String,
    pub flags: Vec<Flag>,
    /// 0 while none has been written.
    pub version: i64,
    /// Who wrote the current version, and when.
    pub updated: Option<(String, i64)>,
    pub can_edit: bool,
}

impl Background {
    pub fn is_empty(&self) -> bool {
        self.note.is_empty() && self.flags.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBackground {
    pub note: String,
    pub flags: Vec<Flag>,
}

/// Reads the form: the note (may be empty) and the ticked flags, each once, in their order.
pub fn parse(note: &str, flags: &[String]) -> Result<NewBackground, AppError> {
    let mut p = Problems::new();
    let note = p.check(optional_text("note", note, "背景說明", NOTE_MAX_CHARS));
    let mut chosen = Vec::new();
    for raw in flags {
        match Flag::parse(raw.trim()) {
            Some(f) => chosen.push(f),
            None => {
                p.check::<()>(Err(AppError::validation("flags", "請從清單中選擇標記。")));
            }
        }
    }
    let flags: Vec<Flag> = Flag::ALL
        .iter()
        .copied()
        .filter(|f| chosen.contains(f))
        .collect();
    p.finish(|| Some(NewBackground { note: note?, flags }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lead_bureau_writes_and_only_it_the_secretariat_and_the_reviewer_read() {
        for role in [Role::Secretariat, Role::Reviewer] {
            assert!(may_see(role, false) && !may_write(role, false));
        }
        for role in [Role::BureauLiaison, Role::BureauApprover] {
            assert!(may_see(role, true) && may_write(role, true));
            assert!(
                !may_see(role, false) && !may_write(role, false),
                "a co-bureau"
            );
        }
        assert!(!may_see(Role::Admin, true) && !may_write(Role::Admin, true));
        assert!(!may_filter(Role::Admin) && may_filter(Role::Reviewer));
    }

    #[test]
    fn flags_are_kept_once_in_their_order_and_an_unknown_one_is_refused() {
        let b = parse(
            "  議員擬召開記者會。  ",
            &["legal".into(), "media".into(), "legal".into()],
        )
        .unwrap();
        assert_eq!(b.note, "議員擬召開記者會。");
        assert_eq!(b.flags, vec![Flag::Media, Flag::Legal]);
        let err = parse("", &["secret".into()]).unwrap_err();
        assert_eq!(err.problems()[0].0, "flags");
        assert!(parse(&"長".repeat(NOTE_MAX_CHARS + 1), &[]).is_err());
        assert!(parse("", &[]).unwrap().flags.is_empty());
    }
}
