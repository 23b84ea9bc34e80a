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
    /// Only rows that one of `scopes` holds (a user's read or edit scopes); `p` is the table
    /// alias with its dot ("p." or ""). An empty list holds nothing.
    pub fn visible(&mut self, p: &str, scopes: &[duikou_core::auth::ResolvedScope]) {
        if scopes.contains(&duikou_core::auth::ResolvedScope::All) {
            return;
        }
        let any = self.scope_conds(p, scopes, false);
        self.push_any(any);
    }

    /// Only the rows waiting on the user (`Access::acts_on`): the record's own org (`org_col`)
    /// is the user's, or the project lies in an editing scope (by its host region) or a
    /// supervising one. `p` is the projects' alias with its dot.
    pub fn acting(&mut self, p: &str, org_col: &str, access: &duikou_core::auth::Access) {
        use duikou_core::auth::ResolvedScope as S;
        if access.edit.contains(&S::All) || access.supervise.contains(&S::All) {
            return;
        }
        let mut any = Vec::new();
        if let Some(org) = access.org_id {
            let v = self.int(org);
            any.push(format!("{org_col} = {v}"));
        }
        any.extend(self.scope_conds(p, &access.edit, true));
        any.extend(self.scope_conds(p, &access.supervise, false));
        self.push_any(any);
    }

    /// One condition per scope; a region scope holds the projects it hosts and, unless
    /// `host_only`, those it sends.
    fn scope_conds(
        &mut self,
        p: &str,
        scopes: &[duikou_core::auth::ResolvedScope],
        host_only: bool,
    ) -> Vec<String> {
        use duikou_core::auth::ResolvedScope as S;
        let mut any = Vec::with_capacity(scopes.len());
        for s in scopes {
            match s {
                S::All => any.push("1 = 1".to_owned()),
                S::Org(id) => {
                    let v = self.int(*id);
                    any.push(format!("{p}owner_org_id = {v}"));
                }
                S::RegionPath(path) => {
                    let cols: &[&str] = if host_only {
                        &["host_region_path"]
                    } else {
                        &["host_region_path", "source_region_path"]
                    };
                    for col in cols {
                        let lo = self.text(path.clone());
                        let hi = self.text(crate::rows::subtree_end(path));
                        any.push(format!("({p}{col} >= {lo} AND {p}{col} < {hi})"));
                    }
                }
                S::PartnershipPath(path) => {
                    let lo = self.text(path.clone());
                    let hi = self.text(crate::rows::subtree_end(path));
                    any.push(format!(
                        "({p}partnership_path >= {lo} AND {p}partnership_path < {hi})"
                    ));
                }
            }
        }
        any
    }

    /// Rows that meet any of `conds`; none meets an empty list.
    fn push_any(&mut self, any: Vec<String>) {
        if any.is_empty() {
            self.push("1 = 0".to_owned());
        } else {
            self.push(format!("({})", any.join(" OR ")));
        }
    }

    /// The conditions so far as SQL (`sql`), leaving none behind: the bound values stay, so
    /// that one statement can use conditions taken at several points in several places.
    pub fn take_conds(&mut self) -> String {
        let sql = self.sql();
        self.conds.clear();
        sql
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
