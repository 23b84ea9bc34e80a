//! Projects of the same name in a region: what a new project's form warns of before it is
//! created twice. Names are compared as core compares them (`core::text::name_key`).

use duikou_core::auth::ResolvedScope;
use duikou_core::project::Project;
use duikou_core::text::name_key;

use crate::projects::{read, COLS};
use crate::{ProjectFilter, Store, StoreError};

/// The most projects a lookup reads before comparing their names: the shortest names that
/// hold the name sought (one of the same name is among the shortest).
const CANDIDATES: i64 = 200;

impl Store {
    /// The projects in the subtree of `host_region` named like `name`, among those `visible`
    /// holds (`None`: all), by id. An unknown region has none.
    pub(crate) async fn same_named_visible(
        &self,
        name: &str,
        host_region: &str,
        visible: Option<&[ResolvedScope]>,
    ) -> Result<Vec<Project>, StoreError> {
        let key = name_key(name);
        if key.is_empty() || key.contains('\0') {
            return Ok(Vec::new());
        }
        let filter = ProjectFilter {
            host_region: Some(host_region.to_owned()),
            ..ProjectFilter::default()
        };
        let mut w = match self.project_where(&filter, false).await {
            Ok(w) => w,
            Err(StoreError::NotFound { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        if let Some(v) = visible {
            w.visible("", v);
        }
        // A superset on both backends, narrowed below: LOWER and a case-blind LIKE reach only
        // ASCII letters everywhere, so any other letter with a case matches any character.
        let p = w.text(like_pattern(&key));
        w.push(format!("LOWER(name) LIKE {p} ESCAPE '\\'"));
        let sql = format!(
            "SELECT {COLS} FROM projects WHERE {} ORDER BY LENGTH(name), id LIMIT {CANDIDATES}",
            w.sql()
        );
        let rows = w.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let mut same = Vec::new();
        for row in &rows {
            let p = read(row)?;
            if name_key(&p.fields.name) == key {
                same.push(p);
            }
        }
        same.sort_by_key(|p| p.id);
        Ok(same)
    }
}

/// `%key%` with LIKE's wildcards escaped and each non-ASCII letter that has a case as `_`.
fn like_pattern(key: &str) -> String {
    let mut s = String::with_capacity(key.len() + 2);
    s.push('%');
    for c in key.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
            s.push(c);
        } else if !c.is_ascii() && (c.is_lowercase() || c.is_uppercase()) {
            s.push('_');
        } else {
            s.push(c);
        }
    }
    s.push('%');
    s
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn a_pattern_escapes_wildcards_and_leaves_cased_letters_open() {
        assert_eq!(like_pattern("a_b%"), "%a\\_b\\%%");
        assert_eq!(like_pattern("énergie 园"), "%_nergie 园%");
    }
}
