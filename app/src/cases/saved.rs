//! Saved filters: a case list's filters and order kept under a name by one user, shown as
//! links above the list. What is kept is the list's own query string, rebuilt from the
//! filters it parses to, so nothing else can be stored under a name.

use super::CaseFilter;
use crate::{error::AppError, input::required_text};
use serde::{Deserialize, Serialize};

/// The most filters one user keeps.
pub const MAX_SAVED: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFilter {
    pub id: i64,
    pub name: String,
    /// `status=assigned&sort=due`, as [`CaseFilter::to_query`] writes it.
    pub query: String,
}

impl SavedFilter {
    pub fn href(&self) -> String {
        if self.query.is_empty() {
            "/cases".to_owned()
        } else {
            format!("/cases?{}", self.query)
        }
    }
}

/// A filter to save, as typed: its name (1–30 characters) and the list's query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSavedFilter {
    pub name: String,
    pub query: String,
}

impl NewSavedFilter {
    pub fn parse(name: &str, query: &str) -> Result<Self, AppError> {
        let name = required_text("name", name, "篩選名稱", 30)?;
        let filter = CaseFilter::from_query(|k| crate::url::query_value(query, k));
        Ok(Self {
            name,
            query: filter.to_query(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_filter_keeps_only_what_the_list_understands_in_its_own_order() {
        let f = NewSavedFilter::parse(
            " 交通局逾期 ",
            "page=3&overdue=1&status=assigned&evil=%3Cscript%3E&sort=due&after=question.1.2",
        )
        .unwrap();
        assert_eq!(f.name, "交通局逾期");
        assert_eq!(f.query, "status=assigned&overdue=1&sort=due");
        let all = NewSavedFilter::parse("全部", "").unwrap();
        assert_eq!(
            SavedFilter {
                id: 1,
                name: all.name,
                query: all.query
            }
            .href(),
            "/cases"
        );
    }

    #[test]
    fn a_saved_filter_needs_a_short_name() {
        assert!(NewSavedFilter::parse("  ", "status=assigned").is_err());
        assert!(NewSavedFilter::parse(&"名".repeat(31), "").is_err());
    }
}
