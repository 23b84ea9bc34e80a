//! 项目库: the project list with the API's filters, sorting and pages, all kept in the URL
//! so that a leader can send the link.

use axum::extract::{RawQuery, State};
use axum::http::Uri;
use duikou_core::money::{parse_money, MoneyUnit};
use duikou_core::project::{Category, Construction, Project};
use duikou_core::Stage;
use duikou_store::{ProjectFilter, ProjectSort, ProjectStart, StoreError};

use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::page::{html, Page, PageResult, PageUser, Section};
use crate::shared::params::{pager, Pager, UrlParams};
use crate::shared::refs::{Choice, Refs};
use crate::shared::{fmt, labels};
use crate::AppState;

pub const PAGE_SIZE: i64 = 50;

const PARAMS: [&str; 11] = [
    "q",
    "partnership",
    "region",
    "stage",
    "reached",
    "agreed",
    "category",
    "industry",
    "min_investment",
    "sort",
    "page",
];

/// The list's parameters (filters, sort, page) from its URL.
pub fn list_params(query: Option<&str>) -> UrlParams {
    UrlParams::parse("/projects", &PARAMS, query)
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
#[template(path = "projects/list.html")]
struct ListPage {
    page: Page,
    filters: FormState,
    stages: Vec<Choice>,
    reached: Vec<Choice>,
    agreed: Vec<Choice>,
    categories: Vec<Choice>,
    partnerships: Vec<Choice>,
    regions: Vec<Choice>,
    headers: Vec<SortHeader>,
    rows: Vec<Row>,
    total: i64,
    /// `false` when counting stopped at the bound: the total reads "more than 10 000".
    total_exact: bool,
    pager: Pager,
    filtered: bool,
    clear_href: String,
    /// 导出Excel: the same list as an .xlsx file.
    export_href: String,
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
pub(crate) fn filter_of(
    p: &UrlParams,
    refs: &Refs,
    lang: Lang,
    form: &mut FormState,
) -> ProjectFilter {
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
    match p.get("reached") {
        "" => {}
        s => match Stage::parse(s).filter(|s| s.is_main_line()) {
            Some(s) => f.reached = Some(s),
            None => bad("reached", "list.bad_stage"),
        },
    }
    match p.get("agreed") {
        "" => {}
        "1" => f.agreed = true,
        _ => bad("agreed", "list.bad_value"),
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

/// The list's sort; most recently updated first unless asked (what an office looks for).
pub(crate) fn sort_of(p: &UrlParams) -> (ProjectSort, bool) {
    ProjectSort::parse_signed(p.get("sort")).unwrap_or((ProjectSort::UpdatedAt, true))
}

fn headers(lang: Lang, p: &UrlParams) -> Vec<SortHeader> {
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

/// 签约及以后 ...: the main-line stages, each with those beyond it.
fn reached_choices(lang: Lang) -> Vec<Choice> {
    Stage::MAIN_LINE
        .into_iter()
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: lang
                .t("list.and_beyond")
                .replace("{stage}", labels::stage(lang, s)),
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

/// 建设性质 as a form offers it.
pub fn construction_choices(lang: Lang) -> Vec<Choice> {
    Construction::ALL
        .into_iter()
        .map(|c| Choice {
            value: c.code().to_owned(),
            label: labels::construction(lang, c).to_owned(),
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
    let params = list_params(query.as_deref());
    let refs = Refs::load(&s).await?;
    let mut filters = FormState::default();
    for (k, v) in &params.map {
        filters.set(k, v.clone());
    }
    let filter = filter_of(&params, &refs, lang, &mut filters);
    let (sort, descending) = sort_of(&params);
    let page_no = params.page();
    let offset = (page_no - 1).saturating_mul(PAGE_SIZE);
    let scoped = s.store.scoped(&u.access);
    let found = match scoped
        .projects(
            &filter,
            sort,
            descending,
            PAGE_SIZE,
            &ProjectStart::Offset(offset),
        )
        .await
    {
        Ok(p) => p,
        Err(StoreError::NotFound { .. }) => duikou_store::ProjectPage {
            items: Vec::new(),
            total: 0,
            total_exact: true,
            limit: PAGE_SIZE,
            offset,
            next: None,
        },
        Err(e) => return Err(e.into()),
    };
    let pager = Pager {
        exact: found.total_exact,
        ..pager(&params, found.total, PAGE_SIZE)
    };
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
        reached: reached_choices(lang),
        agreed: vec![Choice {
            value: "1".to_owned(),
            label: lang.t("list.agreed_yes").to_owned(),
        }],
        categories: category_choices(lang),
        partnerships: refs.partnership_choices(lang),
        regions: refs.region_choices(lang),
        headers: headers(lang, &params),
        rows: found.items.iter().map(|p| row(lang, &refs, p)).collect(),
        total: found.total,
        total_exact: found.total_exact,
        pager,
        filtered: params.map.keys().any(|k| k != "sort" && k != "page"),
        clear_href: "/projects".to_owned(),
        export_href: export_href(&params),
        filters,
    };
    html(&body)
}

/// The export's address: the list's filters and sort, without the page.
fn export_href(p: &UrlParams) -> String {
    let list = p.href(&[("page", None)]);
    format!("/projects/export.xlsx{}", &list["/projects".len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_addresses_keep_the_other_filters() {
        let p = list_params(Some("stage=signed&q=%E6%B2%88&page=3&lang=en&bogus=1"));
        assert_eq!(p.get("stage"), "signed");
        assert_eq!(p.get("lang"), "");
        let href = p.href(&[("page", None), ("sort", Some("-planned_investment".into()))]);
        assert_eq!(
            href,
            "/projects?q=%E6%B2%88&sort=-planned_investment&stage=signed"
        );
    }
}
