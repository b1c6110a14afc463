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
        self.push_all(clause, arg.into_iter().collect());
    }

    /// Adds a clause with several `?`, bound in order to `args`.
    pub fn push_all(&mut self, clause: &str, args: Vec<Arg>) {
        let mut sql = String::with_capacity(clause.len() + 4 * args.len());
        let mut args = args.into_iter();
        for c in clause.chars() {
            match c {
                '?' => {
                    self.args
                        .push(args.next().expect("as many arguments as placeholders"));
                    sql.push_str(&format!("${}", self.args.len()));
                }
                c => sql.push(c),
            }
        }
        debug_assert!(args.next().is_none(), "as many placeholders as arguments");
        self.clauses.push(sql);
    }

    /// How many clauses it holds.
    pub fn len(&self) -> usize {
        self.clauses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// The clauses from the `from`th on, joined by `AND` (without `WHERE`; `1 = 1` if none):
    /// for a statement that applies some of them in a subquery and the rest outside it.
    pub fn and_from(&self, from: usize) -> String {
        match self.clauses.get(from..) {
            Some(rest) if !rest.is_empty() => rest.join(" AND "),
            _ => "1 = 1".into(),
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

/// A query a page runs, with its arguments: public so that the plan guard (a test) can
/// EXPLAIN exactly what the app runs.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: String,
    pub args: Vec<Arg>,
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
        w.push_all("(k, n) < (?, ?)", vec![Arg::Int(7), Arg::Int(8)]);
        assert!(w.sql().ends_with(" AND (k, n) < ($3, $4)"));
        assert_eq!(w.args.len(), 4);
        assert_eq!(w.len(), 4);
        assert_eq!(w.and_from(2), "c LIKE $2 ESCAPE '\\' AND (k, n) < ($3, $4)");
        assert_eq!(w.and_from(4), "1 = 1");
    }
}
