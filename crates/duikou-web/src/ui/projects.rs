//! 项目库: the project list with the API's filters, sorting and pages, all kept in the URL
//! so that a leader can send the link.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use axum::http::Uri;
use duikou_core::money::{parse_money, MoneyUnit};
use duikou_core::project::{Category, Project};
use duikou_core::Stage;
use duikou_store::{ProjectFilter, ProjectSort, StoreError};

use super::forms::FormState;
use super::i18n::Lang;
use super::page::{html, Page, PageResult, PageUser, Section};
use super::refs::{Choice, Refs};
use super::{fmt, labels};
use crate::AppState;

pub const PAGE_SIZE: i64 = 50;

/// The list's parameters as they appear in the URL.
#[derive(Debug, Clone, Default)]
pub struct ListParams(BTreeMap<String, String>);

const PARAMS: [&str; 9] = [
    "q",
    "partnership",
    "region",
    "stage",
    "category",
    "industry",
    "min_investment",
    "sort",
    "page",
];

impl ListParams {
    pub fn parse(query: Option<&str>) -> ListParams {
        let map = query
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .filter(|(k, v)| PARAMS.contains(&k.as_str()) && !v.trim().is_empty())
                    .map(|(k, v)| (k, v.trim().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        ListParams(map)
    }
    pub fn get(&self, k: &str) -> &str {
        self.0.get(k).map(String::as_str).unwrap_or("")
    }
    /// The list's address with some parameters changed (`None` removes one).
    pub fn href(&self, changes: &[(&str, Option<String>)]) -> String {
        let mut m = self.0.clone();
        for (k, v) in changes {
            match v {
                Some(v) => m.insert((*k).to_owned(), v.clone()),
                None => m.remove(*k),
            };
        }
        if m.is_empty() {
            return "/projects".to_owned();
        }
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.extend_pairs(m.iter());
        format!("/projects?{}", q.finish())
    }
}

/// A row of the table, ready to print.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub stage: &'static str,
    pub stage_code: &'static str,
    pub stage_since: String,
    pub category: &'static str,
    pub region: String,
    pub partnership: String,
    pub planned: String,
    pub agreement: String,
    pub large: bool,
}

pub struct SortHeader {
    pub label: &'static str,
    pub href: String,
    /// "ascending", "descending" or "none" (for aria-sort).
    pub state: &'static str,
}

#[derive(askama::Template)]
#[template(path = "projects.html")]
struct ListPage {
    page: Page,
    filters: FormState,
    stages: Vec<Choice>,
    categories: Vec<Choice>,
    partnerships: Vec<Choice>,
    regions: Vec<Choice>,
    headers: Vec<SortHeader>,
    rows: Vec<Row>,
    total: i64,
    page_no: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    filtered: bool,
    clear_href: String,
}

pub fn row(lang: Lang, refs: &Refs, p: &Project) -> Row {
    Row {
        id: p.id,
        name: lang.data(&p.fields.name).into_owned(),
        stage: labels::stage(lang, p.stage),
        stage_code: p.stage.code(),
        stage_since: fmt::date(p.stage_since),
        category: labels::category(lang, p.fields.category),
        region: refs.region_name(lang, &p.fields.host_region_code),
        partnership: refs.partnership_name(lang, p.fields.partnership_id),
        planned: fmt::yi(p.fields.planned_investment),
        agreement: fmt::yi(p.fields.agreement_amount),
        large: p
            .fields
            .planned_investment
            .is_some_and(|m| m.yuan() >= duikou_core::stats::LARGE_PROJECT_YUAN),
    }
}

/// The store filter of the parameters; a bad parameter is reported on the form and left out.
fn filter_of(p: &ListParams, refs: &Refs, lang: Lang, form: &mut FormState) -> ProjectFilter {
    let mut f = ProjectFilter {
        name_contains: Some(p.get("q").to_owned()).filter(|q| !q.is_empty()),
        industry: Some(p.get("industry").to_owned()).filter(|q| !q.is_empty()),
        ..ProjectFilter::default()
    };
    let mut bad = |field: &str, key: &str| {
        form.failed = true;
        form.errors.insert(field.to_owned(), lang.t(key).to_owned());
    };
    match p.get("partnership") {
        "" => {}
        key => match refs
            .partnerships
            .iter()
            .find(|ps| ps.slug == key || ps.id.to_string() == key)
        {
            Some(ps) => f.partnership_id = Some(ps.id),
            None => bad("partnership", "list.bad_partnership"),
        },
    }
    match p.get("region") {
        "" => {}
        code if refs.regions.iter().any(|r| r.code == code) => f.host_region = Some(code.into()),
        _ => bad("region", "list.bad_region"),
    }
    match p.get("stage") {
        "" => {}
        s => match Stage::parse(s) {
            Some(s) => f.stage = Some(s),
            None => bad("stage", "list.bad_stage"),
        },
    }
    match p.get("category") {
        "" => {}
        c => match Category::parse(c) {
            Some(c) => f.category = Some(c),
            None => bad("category", "list.bad_category"),
        },
    }
    match p.get("min_investment") {
        "" => {}
        m => match parse_money(m, MoneyUnit::Yi) {
            Ok(m) => f.min_planned_investment = Some(m.amount.yuan()),
            Err(_) => bad("min_investment", "list.bad_money"),
        },
    }
    f
}

fn sort_of(p: &ListParams) -> (ProjectSort, bool) {
    let text = p.get("sort");
    let (desc, key) = match text.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, text),
    };
    match ProjectSort::parse(key) {
        Some(s) => (s, desc),
        None => (ProjectSort::UpdatedAt, true),
    }
}

fn headers(lang: Lang, p: &ListParams) -> Vec<SortHeader> {
    let current = if p.get("sort").is_empty() {
        "-updated_at"
    } else {
        p.get("sort")
    };
    [
        ("name", "field.name", false),
        ("stage_since", "field.stage", false),
        ("planned_investment", "list.col_planned", true),
        ("agreement_amount", "list.col_agreement", true),
        ("updated_at", "list.col_updated", false),
    ]
    .into_iter()
    .map(|(key, label, numeric): (&str, &str, bool)| {
        let state = if current == key {
            "ascending"
        } else if current.strip_prefix('-') == Some(key) {
            "descending"
        } else {
            "none"
        };
        // Numbers and dates sort largest/newest first on the first click.
        let next = match (
            state,
            numeric || key == "updated_at" || key == "stage_since",
        ) {
            ("descending", _) => key.to_owned(),
            ("ascending", _) => format!("-{key}"),
            (_, true) => format!("-{key}"),
            (_, false) => key.to_owned(),
        };
        SortHeader {
            label: lang.t(label),
            href: p.href(&[("sort", Some(next)), ("page", None)]),
            state,
        }
    })
    .collect()
}

pub fn stage_choices(lang: Lang) -> Vec<Choice> {
    Stage::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: labels::stage(lang, s).to_owned(),
        })
        .collect()
}

pub fn category_choices(lang: Lang) -> Vec<Choice> {
    Category::ALL
        .into_iter()
        .map(|c| Choice {
            value: c.code().to_owned(),
            label: labels::category(lang, c).to_owned(),
        })
        .collect()
}

pub async fn list(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> PageResult {
    let params = ListParams::parse(query.as_deref());
    let refs = Refs::load(&s).await?;
    let mut filters = FormState::default();
    for (k, v) in &params.0 {
        filters.set(k, v.clone());
    }
    let filter = filter_of(&params, &refs, lang, &mut filters);
    let (sort, descending) = sort_of(&params);
    let page_no = params.get("page").parse::<i64>().unwrap_or(1).max(1);
    let offset = (page_no - 1).saturating_mul(PAGE_SIZE);
    let scoped = s.store.scoped(&u.access);
    let found = match scoped
        .projects(&filter, sort, descending, PAGE_SIZE, offset)
        .await
    {
        Ok(p) => p,
        Err(StoreError::NotFound { .. }) => duikou_store::Page {
            items: Vec::new(),
            total: 0,
            limit: PAGE_SIZE,
            offset,
        },
        Err(e) => return Err(e.into()),
    };
    let pages = ((found.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page_href = |n: i64| params.href(&[("page", (n > 1).then(|| n.to_string()))]);
    let body = ListPage {
        page: Page::build(
            &s,
            &u,
            lang,
            Section::Projects,
            lang.t("nav.projects").into(),
            &uri,
        )
        .await,
        stages: stage_choices(lang),
        categories: category_choices(lang),
        partnerships: refs.partnership_choices(lang),
        regions: refs.region_choices(lang),
        headers: headers(lang, &params),
        rows: found.items.iter().map(|p| row(lang, &refs, p)).collect(),
        total: found.total,
        page_no,
        pages,
        prev: (page_no > 1).then(|| page_href(page_no - 1)),
        next: (page_no < pages).then(|| page_href(page_no + 1)),
        filtered: params.0.keys().any(|k| k != "sort" && k != "page"),
        clear_href: "/projects".to_owned(),
        filters,
    };
    html(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_addresses_keep_the_other_filters() {
        let p = ListParams::parse(Some("stage=signed&q=%E6%B2%88&page=3&lang=en&bogus=1"));
        assert_eq!(p.get("stage"), "signed");
        assert_eq!(p.get("lang"), "");
        let href = p.href(&[("page", None), ("sort", Some("-planned_investment".into()))]);
        assert_eq!(
            href,
            "/projects?q=%E6%B2%88&sort=-planned_investment&stage=signed"
        );
    }
}
