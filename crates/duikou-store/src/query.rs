//! A small builder for the WHERE clauses of list and statistics queries: conditions with
//! numbered placeholders ($1, $2 ...), which both SQLite and PostgreSQL accept.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Where {
    conds: Vec<String>,
    args: Vec<Arg>,
}

impl Where {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a bound value and returns its placeholder.
    pub fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }
    pub fn text(&mut self, v: impl Into<String>) -> String {
        self.arg(Arg::Text(v.into()))
    }
    pub fn int(&mut self, v: i64) -> String {
        self.arg(Arg::Int(v))
    }
    pub fn push(&mut self, cond: String) {
        self.conds.push(cond);
    }
    /// `col` lies in the subtree of `path` (itself included).
    pub fn subtree(&mut self, col: &str, path: &str) {
        let lo = self.text(path);
        let hi = self.text(crate::rows::subtree_end(path));
        self.push(format!("{col} >= {lo} AND {col} < {hi}"));
    }
    pub fn sql(&self) -> String {
        if self.conds.is_empty() {
            "1 = 1".to_owned()
        } else {
            self.conds.join(" AND ")
        }
    }
    pub fn bind<'q>(
        &self,
        mut q: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for a in &self.args {
            q = match a {
                Arg::Text(t) => q.bind(t.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

/// Escapes LIKE wildcards so that a user's text matches literally (with `ESCAPE '\'`).
pub(crate) fn like_literal(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}
