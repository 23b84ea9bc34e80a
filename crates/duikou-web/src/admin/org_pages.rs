//! 系统管理 · 单位 (administrators): the units by region (named with its parent) and kind,
//! filtered by region, kind and a part of the name, a page at a time; and a new unit. One
//! unit's page (edit, 停用 / 启用, 合并, its history) is `org_page.rs`.

use axum::extract::{Query, RawQuery, State};
use axum::http::Uri;
use duikou_core::org::{Org, OrgInput, OrgKind};
use duikou_core::FieldError;
use duikou_store::OrgFilter;

use crate::admin::{tabs, Tab};
use crate::shared::forms::{ending, unprocessable, FormState};
use crate::shared::i18n::Lang;
use crate::shared::page::Flash;
use crate::shared::page::{html, CsrfForm, FormData, Page, PageResult, PageUser, Section};
use crate::shared::params::{pager, Pager, UrlParams};
use crate::shared::refs::{Choice, Refs};
use crate::AppState;

pub const PAGE_SIZE: i64 = 50;

const PARAMS: [&str; 4] = ["region", "kind", "q", "page"];

/// The fields of the unit form, as the core and the store name them.
pub const ORG_FIELDS: [&str; 4] = ["name", "kind", "region_code", "parent_id"];

pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub region: String,
    pub parent: String,
    pub disabled: bool,
    pub merged_into: String,
}

pub fn kind_label(lang: Lang, k: OrgKind) -> &'static str {
    lang.t(&format!("org.kind.{}", k.code()))
}

pub fn kind_choices(lang: Lang) -> Vec<Choice> {
    OrgKind::ALL
        .into_iter()
        .map(|k| Choice {
            value: k.code().to_owned(),
            label: kind_label(lang, k).to_owned(),
        })
        .collect()
}

pub fn org_row(lang: Lang, refs: &Refs, o: &Org) -> OrgRow {
    OrgRow {
        id: o.id,
        name: lang.data(&o.name).into_owned(),
        kind: kind_label(lang, o.kind),
        region: refs.region_with_parent(lang, &o.region_code),
        parent: refs.org_name(lang, o.parent_id),
        disabled: o.disabled,
        merged_into: refs.org_name(lang, o.merged_into),
    }
}

/// The unit typed into the form; every bad field named at once (the kind's here, the rest
/// by core's own check, so that a missing kind does not hide a bad name).
pub fn org_of(lang: Lang, data: &FormData, errs: &mut Vec<FieldError>) -> Option<OrgInput> {
    let kind = OrgKind::parse(data.get("kind"));
    if kind.is_none() {
        errs.push(FieldError::new("kind", "required", lang.t("err.required")));
    }
    let parent_id = match data.get("parent_id") {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errs.push(FieldError::new("parent_id", "number", lang.t("err.number")));
                None
            }
        },
    };
    let input = OrgInput {
        name: data.get("name").to_owned(),
        kind: kind.unwrap_or(OrgKind::Other),
        region_code: data.get("region_code").to_owned(),
        parent_id,
    };
    if !errs.is_empty() {
        if let Err(e) = input.validate() {
            errs.extend(e.0);
        }
        return None;
    }
    Some(input)
}

#[derive(askama::Template)]
#[template(path = "admin/orgs.html")]
struct OrgsPage {
    page: Page,
    tabs: Vec<Tab>,
    filters: FormState,
    regions: Vec<Choice>,
    kinds: Vec<Choice>,
    rows: Vec<OrgRow>,
    total: i64,
    pager: Pager,
    filtered: bool,
    form: FormState,
    parents: Vec<Choice>,
    flash: Option<&'static str>,
}

/// `GET /admin/orgs`.
pub async fn list(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    RawQuery(query): RawQuery,
    Query(f): Query<Flash>,
) -> PageResult {
    s.store.scoped(&u.access).require_admin()?;
    let flash = (f.done.as_deref() == Some("merged")).then_some("org.merged_done");
    let mut form = FormState::default();
    form.set("kind", OrgKind::Office.code());
    list_page(&s, &u, lang, &uri, query.as_deref(), form, flash).await
}

async fn list_page(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    query: Option<&str>,
    form: FormState,
    flash: Option<&'static str>,
) -> PageResult {
    let params = UrlParams::parse("/admin/orgs", &PARAMS, query);
    let mut filters = FormState::default();
    for (k, v) in &params.map {
        filters.set(k, v.clone());
    }
    let refs = Refs::load(s).await?;
    let mut filter = OrgFilter {
        name_contains: params.map.get("q").cloned(),
        ..OrgFilter::default()
    };
    let mut bad = |field: &str| {
        filters.failed = true;
        let text = lang.t("list.bad_value").to_owned();
        filters.errors.insert(field.to_owned(), text);
    };
    match params.get("region") {
        "" => {}
        code if refs.regions.iter().any(|r| r.code == code) => {
            filter.region_code = Some(code.to_owned())
        }
        _ => bad("region"),
    }
    match params.get("kind") {
        "" => {}
        k => match OrgKind::parse(k) {
            Some(k) => filter.kind = Some(k),
            None => bad("kind"),
        },
    }
    let offset = (params.page() - 1).saturating_mul(PAGE_SIZE);
    let found = s.store.org_page(&filter, PAGE_SIZE, offset).await?;
    let title = lang.t("admin.orgs").to_owned();
    html(&OrgsPage {
        page: Page::build(s, u, lang, Section::Admin, title, uri).await,
        tabs: tabs(lang, "/admin/orgs"),
        filters,
        regions: refs.region_choices(lang),
        kinds: kind_choices(lang),
        rows: found
            .items
            .iter()
            .map(|o| org_row(lang, &refs, o))
            .collect(),
        total: found.total,
        pager: pager(&params, found.total, PAGE_SIZE),
        filtered: params.filtered(),
        parents: refs.open_org_choices(lang, &[form.value("parent_id")]),
        form,
        flash,
    })
}

/// `POST /admin/orgs`: a new unit; its page next.
pub async fn create(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    scoped.require_admin()?;
    let mut form = FormState::from_data(&data);
    let mut errs = Vec::new();
    let input = org_of(lang, &data, &mut errs);
    form.add_all(&ORG_FIELDS, lang, &errs);
    let written = match input {
        Some(i) => Some(scoped.create_org(&i).await),
        None => None,
    };
    let id = written.as_ref().and_then(|w| w.as_ref().ok()).map(|o| o.id);
    let to = || format!("/admin/orgs/{}?done=created", id.unwrap_or_default());
    if let Some(done) = ending(written, &mut form, &ORG_FIELDS, lang, to)? {
        return Ok(done);
    }
    unprocessable(list_page(&s, &u, lang, &uri, None, form, None).await)
}
