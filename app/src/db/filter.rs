//! A WHERE clause built from optional filters, with `$n` placeholders numbered as clauses
//! are added. Not sqlx's `QueryBuilder`: through the `Any` driver it writes `?` placeholders,
//! which PostgreSQL rejects, and the SQL here must run unchanged on both backends.

use sqlx::{any::AnyArguments, query::Query, Any};

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Int(i64),
    Text(String),
}

#[derive(Debug, Default)]
pub struct Where {
    clauses: Vec<String>,
    pub args: Vec<Arg>,
}

impl Where {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a clause; each `?` in it is replaced by the next `$n`, bound to `arg`.
    pub fn push(&mut self, clause: &str, arg: Option<Arg>) {
        match arg {
            Some(arg) => {
                self.args.push(arg);
                self.clauses
                    .push(clause.replace('?', &format!("${}", self.args.len())));
            }
            None => self.clauses.push(clause.to_owned()),
        }
    }

    /// `WHERE a AND b …`, or nothing when no filter was added.
    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// `text LIKE` pattern matching `needle` anywhere, with its own wildcards escaped (use
    /// with `ESCAPE '\'`).
    pub fn contains(needle: &str) -> Arg {
        Arg::Text(format!(
            "%{}%",
            needle
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        ))
    }
}

/// Binds `args` in order.
pub fn bind_all<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    args: &'q [Arg],
) -> Query<'q, Any, AnyArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Int(n) => query.bind(*n),
            Arg::Text(s) => query.bind(s.as_str()),
        };
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_the_order_clauses_are_added() {
        let mut w = Where::new();
        assert_eq!(w.sql(), "");
        w.push("a = ?", Some(Arg::Int(1)));
        w.push("b IS NULL", None);
        w.push("c LIKE ? ESCAPE '\\'", Some(Where::contains("50%_x")));
        assert_eq!(
            w.sql(),
            "WHERE a = $1 AND b IS NULL AND c LIKE $2 ESCAPE '\\'"
        );
        assert_eq!(w.args[1], Arg::Text("%50\\%\\_x%".into()));
    }
}
