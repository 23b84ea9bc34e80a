//! A list's parameters as they appear in its URL (filters and page), so that a leader can send
//! the link; unknown and empty parameters are dropped.

use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct UrlParams {
    base: &'static str,
    pub map: BTreeMap<String, String>,
}

impl UrlParams {
    /// The parameters of `query` that `allowed` names, for the list at `base`.
    pub fn parse(base: &'static str, allowed: &[&str], query: Option<&str>) -> UrlParams {
        let map = query
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .filter(|(k, v)| allowed.contains(&k.as_str()) && !v.trim().is_empty())
                    .map(|(k, v)| (k, v.trim().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        UrlParams { base, map }
    }

    pub fn get(&self, k: &str) -> &str {
        self.map.get(k).map(String::as_str).unwrap_or("")
    }

    /// An id parameter: None when absent, Err when it is not a number.
    pub fn id(&self, k: &str) -> Result<Option<i64>, ()> {
        match self.get(k) {
            "" => Ok(None),
            v => v.parse::<i64>().map(Some).map_err(|_| ()),
        }
    }

    /// The page number (1 when absent or bad).
    pub fn page(&self) -> i64 {
        self.get("page").parse::<i64>().unwrap_or(1).max(1)
    }

    /// The list's address with some parameters changed (`None` removes one).
    pub fn href(&self, changes: &[(&str, Option<String>)]) -> String {
        let mut m = self.map.clone();
        for (k, v) in changes {
            match v {
                Some(v) => m.insert((*k).to_owned(), v.clone()),
                None => m.remove(*k),
            };
        }
        if m.is_empty() {
            return self.base.to_owned();
        }
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.extend_pairs(m.iter());
        format!("{}?{}", self.base, q.finish())
    }

    /// Whether any parameter other than the page is set.
    pub fn filtered(&self) -> bool {
        self.map.keys().any(|k| k != "page")
    }
}

/// Where a list's page stands: its number, how many there are (more when the total is not
/// exact), and the links to the previous and next pages.
pub struct Pager {
    pub page_no: i64,
    pub pages: i64,
    pub exact: bool,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// The pager of a list of `total` rows, `size` a page.
pub fn pager(p: &UrlParams, total: i64, size: i64) -> Pager {
    let pages = ((total + size - 1) / size).max(1);
    let n = p.page();
    let href = |n: i64| p.href(&[("page", (n > 1).then(|| n.to_string()))]);
    Pager {
        page_no: n,
        pages,
        exact: true,
        prev: (n > 1).then(|| href(n - 1)),
        next: (n < pages).then(|| href(n + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_numbers_or_refused() {
        let p = UrlParams::parse("/slips", &["owner", "project"], Some("owner=12&project=x"));
        assert_eq!(p.id("owner"), Ok(Some(12)));
        assert_eq!(p.id("project"), Err(()));
        assert_eq!(p.id("page"), Ok(None));
    }

    #[test]
    fn addresses_keep_the_other_filters_and_drop_unknown_ones() {
        let p = UrlParams::parse(
            "/warnings",
            &["level", "rule", "page"],
            Some("level=red&bogus=1&page=2&rule="),
        );
        assert_eq!(p.get("level"), "red");
        assert_eq!(p.get("bogus"), "");
        assert_eq!(p.page(), 2);
        assert_eq!(p.href(&[("page", None)]), "/warnings?level=red");
        assert_eq!(
            p.href(&[("page", None), ("level", None)]),
            "/warnings".to_owned()
        );
        let pg = pager(&p, 120, 50);
        assert_eq!((pg.page_no, pg.pages), (2, 3));
        assert_eq!(pg.prev.as_deref(), Some("/warnings?level=red"));
        assert_eq!(pg.next.as_deref(), Some("/warnings?level=red&page=3"));
    }
}
