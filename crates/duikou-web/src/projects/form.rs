//! 新建项目 and 编辑项目: one form for both. Money is typed in 万元 unless the text names its
//! unit; every bad value is shown under its field and nothing is written until all are good.
//! An edit carries the version it started from: a stale one is refused, never overwritten,
//! and the form comes back to be merged (`shared::merge`). A new project named like one the
//! writer reads in its region comes back to be confirmed first.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect};
use duikou_core::money::{read_amount, MoneyUnit};
use duikou_core::project::{Category, Construction, Project, ProjectFields};
use duikou_core::project_code::ProjectCode;
use duikou_core::{FieldError, Stage};
use duikou_store::{NewProject, StoreError};

use crate::projects::list::{category_choices, construction_choices, stage_choices};
use crate::shared::fmt;
use crate::shared::forms::{parse_date, FormState};
use crate::shared::i18n::Lang;
use crate::shared::merge::{self, Stored};
use crate::shared::page::{html, CsrfForm, FormData, Page, PageResult, PageUser, Section};
use crate::shared::refs::{Choice, Refs};
use crate::AppState;

const FIELDS: [&str; 22] = [
    "name",
    "construction",
    "code",
    "partnership_id",
    "investor",
    "source_region_code",
    "host_region_code",
    "owner_org_id",
    "category",
    "industry",
    "planned_start",
    "planned_production",
    "planned_investment",
    "agreement_amount",
    "leader",
    "service_officer",
    "task_force",
    "land_area_mu",
    "address",
    "note",
    "stage",
    "stage_since",
];

/// The fields of the edit form (a project's stage moves on its own page).
const EDITED: &[&str] = FIELDS.split_at(20).0;

/// A project of the same name the writer reads in the region, shown with a new one.
struct Duplicate {
    id: i64,
    name: String,
    region: String,
}

#[derive(askama::Template)]
#[template(path = "projects/form.html")]
struct FormPage {
    page: Page,
    form: FormState,
    /// `None` for a new project.
    id: Option<i64>,
    action: String,
    cancel: String,
    partnerships: Vec<Choice>,
    regions: Vec<Choice>,
    orgs: Vec<Choice>,
    categories: Vec<Choice>,
    constructions: Vec<Choice>,
    stages: Vec<Choice>,
    duplicates: Vec<Duplicate>,
}

async fn show(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    id: Option<i64>,
    form: FormState,
) -> PageResult {
    show_with(s, u, lang, uri, id, form, Vec::new()).await
}

async fn show_with(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    id: Option<i64>,
    form: FormState,
    same: Vec<duikou_core::project::Project>,
) -> PageResult {
    let refs = Refs::load(s).await?;
    let title = lang.t(if id.is_some() {
        "project.edit_title"
    } else {
        "project.new_title"
    });
    let page = Page::build(s, u, lang, Section::Projects, title.into(), uri).await;
    let main_line: Vec<Choice> = stage_choices(lang)
        .into_iter()
        .filter(|c| Stage::parse(&c.value).is_some_and(Stage::is_main_line))
        .collect();
    let orgs = refs.open_org_choices(
        lang,
        &[form.value("owner_org_id"), form.value("source_org_id")],
    );
    let body = FormPage {
        page,
        form,
        id,
        action: id.map_or("/projects".to_owned(), |i| format!("/projects/{i}/edit")),
        cancel: id.map_or("/projects".to_owned(), |i| format!("/projects/{i}")),
        partnerships: refs.partnership_choices(lang),
        regions: refs.region_choices(lang),
        orgs,
        categories: category_choices(lang),
        constructions: construction_choices(lang),
        stages: main_line,
        duplicates: same
            .iter()
            .map(|p| Duplicate {
                id: p.id,
                name: lang.data(&p.fields.name).into_owned(),
                region: refs.region_name(lang, &p.fields.host_region_code),
            })
            .collect(),
    };
    let failed = body.form.failed || body.form.confirm.is_some();
    let r = html(&body)?;
    Ok(if failed {
        (StatusCode::UNPROCESSABLE_ENTITY, r).into_response()
    } else {
        r
    })
}

pub async fn new_form(State(s): State<AppState>, u: PageUser, lang: Lang, uri: Uri) -> PageResult {
    let mut form = FormState::default();
    form.set("category", Category::Investment.code());
    form.set("stage", Stage::Lead.code());
    form.set("stage_since", fmt::date(s.today()));
    if let Some(org) = u.user.org_id {
        form.set("owner_org_id", org.to_string());
    }
    show(&s, &u, lang, &uri, None, form).await
}

pub async fn edit_form(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    scoped.editable(id).await?;
    let p = scoped.project(id).await?;
    let mut form = values_of(&p);
    merge::remember_start(&mut form, EDITED, p.version);
    show(&s, &u, lang, &uri, Some(id), form).await
}

/// The form filled with a stored project (money in 万元, exactly).
fn values_of(p: &Project) -> FormState {
    let f = &p.fields;
    let mut form = FormState::default();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let money = |m: Option<duikou_core::Money>| {
        m.map(|m| m.format_exact(duikou_core::MoneyUnit::Wan))
            .unwrap_or_default()
    };
    for (k, v) in [
        ("name", f.name.clone()),
        (
            "code",
            f.code
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "partnership_id",
            f.partnership_id.map(|i| i.to_string()).unwrap_or_default(),
        ),
        ("investor", opt(&f.investor)),
        ("source_region_code", opt(&f.source_region_code)),
        ("host_region_code", f.host_region_code.clone()),
        (
            "owner_org_id",
            f.owner_org_id.map(|i| i.to_string()).unwrap_or_default(),
        ),
        ("category", f.category.code().to_owned()),
        (
            "construction",
            f.construction
                .map(|c| c.code().to_owned())
                .unwrap_or_default(),
        ),
        ("industry", opt(&f.industry)),
        (
            "planned_start",
            f.planned_start.map(fmt::date).unwrap_or_default(),
        ),
        (
            "planned_production",
            f.planned_production.map(fmt::date).unwrap_or_default(),
        ),
        ("planned_investment", money(f.planned_investment)),
        ("agreement_amount", money(f.agreement_amount)),
        ("leader", opt(&f.leader)),
        ("service_officer", opt(&f.service_officer)),
        ("task_force", opt(&f.task_force)),
        (
            "land_area_mu",
            f.land_area_mu.map(|a| a.to_string()).unwrap_or_default(),
        ),
        ("address", opt(&f.address)),
        ("note", opt(&f.note)),
        ("version", p.version.to_string()),
    ] {
        form.set(k, v);
    }
    form
}

/// Reads the project's fields from the form; every bad value is named. `base` is the stored
/// project on an edit (fields the form does not show are kept).
fn fields_of(
    lang: Lang,
    data: &FormData,
    base: Option<&ProjectFields>,
) -> Result<ProjectFields, Vec<FieldError>> {
    let mut errs = Vec::new();
    let id_of = |field: &str, errs: &mut Vec<FieldError>| match data.get(field) {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errs.push(FieldError::new(field, "number", lang.t("err.number")));
                None
            }
        },
    };
    let code = match data.get("code") {
        "" => None,
        c => match ProjectCode::parse(c) {
            Ok(c) => Some(c),
            Err(e) => {
                errs.push(FieldError::new("code", "project_code", e.to_string()));
                None
            }
        },
    };
    let category = Category::parse(data.get("category")).unwrap_or_else(|| {
        errs.push(FieldError::new(
            "category",
            "required",
            lang.t("err.required"),
        ));
        Category::Other
    });
    let land_area_mu = match data.get("land_area_mu") {
        "" => None,
        v => match v.parse::<f64>() {
            Ok(a) => Some(a),
            Err(_) => {
                errs.push(FieldError::new(
                    "land_area_mu",
                    "number",
                    lang.t("err.number"),
                ));
                None
            }
        },
    };
    let host = data.get("host_region_code").to_owned();
    if host.is_empty() {
        errs.push(FieldError::new(
            "host_region_code",
            "required",
            lang.t("err.required"),
        ));
    }
    // Money in 万元 unless the text names its unit; a text naming a currency sets the
    // project's (core's `read_amount`).
    let mut currency = base.map(|b| b.currency);
    let mut amount = |field: &str, errs: &mut Vec<FieldError>| {
        read_amount(field, data.get(field), MoneyUnit::Wan, &mut currency).unwrap_or_else(|e| {
            errs.push(e);
            None
        })
    };
    let planned_investment = amount("planned_investment", &mut errs);
    let agreement_amount = amount("agreement_amount", &mut errs);
    let fields = ProjectFields {
        code,
        external_ids: base.map(|b| b.external_ids.clone()).unwrap_or_default(),
        name: data.get("name").to_owned(),
        partnership_id: id_of("partnership_id", &mut errs),
        source_region_code: data.opt("source_region_code"),
        source_org_id: base.and_then(|b| b.source_org_id),
        investor: data.opt("investor"),
        host_region_code: host,
        owner_org_id: id_of("owner_org_id", &mut errs),
        category,
        industry: data.opt("industry"),
        planned_start: parse_date(data, "planned_start", &mut errs),
        planned_production: parse_date(data, "planned_production", &mut errs),
        currency: currency.unwrap_or_default(),
        planned_investment,
        agreement_amount,
        leader: data.opt("leader"),
        service_officer: data.opt("service_officer"),
        task_force: data.opt("task_force"),
        land_area_mu,
        address: data.opt("address"),
        note: data.opt("note"),
        generated: base.is_some_and(|b| b.generated),
        construction: match data.get("construction") {
            "" => None,
            code => {
                let c = Construction::parse(code);
                if c.is_none() {
                    let t = lang.t("err.choice");
                    errs.push(FieldError::new("construction", "choice", t));
                }
                c
            }
        },
    };
    if let Err(v) = fields.validate() {
        // The core checks the name and region again; keep one message per field.
        for e in v.0 {
            if !errs.iter().any(|x| x.field == e.field) {
                errs.push(e);
            }
        }
    }
    if errs.is_empty() {
        Ok(fields)
    } else {
        Err(errs)
    }
}

pub async fn create(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let mut form = FormState::from_data(&data);
    let mut errs = Vec::new();
    let stage = Stage::parse(data.get("stage")).unwrap_or(Stage::Lead);
    let today = s.today();
    let since = parse_date(&data, "stage_since", &mut errs).unwrap_or(today);
    // Core's rule, which the store enforces, checked here too so that the form names it
    // with the fields' other errors at once.
    if let Err(e) = duikou_core::project::check_entered_since(since, today) {
        errs.extend(e.0);
    }
    match fields_of(lang, &data, None) {
        Ok(fields) if errs.is_empty() => {
            let scoped = s.store.scoped(&u.access);
            if !data.checked("confirm") {
                let same = scoped
                    .same_named_projects(&fields.name, &fields.host_region_code)
                    .await?;
                if !same.is_empty() {
                    form.values.remove("confirm");
                    form.confirm = Some(lang.t("project.duplicate").to_owned());
                    return show_with(&s, &u, lang, &uri, None, form, same).await;
                }
            }
            let new = NewProject {
                fields,
                stage,
                stage_since: since,
            };
            match scoped.create_project(&new).await {
                Ok(p) => {
                    return Ok(
                        Redirect::to(&format!("/projects/{}?done=created", p.id)).into_response()
                    )
                }
                Err(e) => form.store_error(&FIELDS, lang, e)?,
            }
        }
        Ok(_) => {}
        Err(more) => errs.extend(more),
    }
    form.add_all(&FIELDS, lang, &errs);
    show(&s, &u, lang, &uri, None, form).await
}

pub async fn update(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let stored = scoped.project(id).await?;
    let mut form = FormState::from_data(&data);
    if merge::take(&mut form, EDITED, &values_of(&stored)).is_some() {
        merged(&s, &u, lang, &mut form, &stored).await?;
        return show(&s, &u, lang, &uri, Some(id), form).await;
    }
    let version = data.get("version").parse::<i64>().ok();
    match fields_of(lang, &data, Some(&stored.fields)) {
        Ok(fields) => match scoped.update_project(id, version, &fields).await {
            Ok(_) => return Ok(Redirect::to(&format!("/projects/{id}?done=saved")).into_response()),
            Err(StoreError::Stale { .. }) => {
                let now = scoped.project(id).await?;
                merged(&s, &u, lang, &mut form, &now).await?;
            }
            Err(e) => form.store_error(&FIELDS, lang, e)?,
        },
        Err(errs) => form.add_all(&FIELDS, lang, &errs),
    }
    show(&s, &u, lang, &uri, Some(id), form).await
}

/// The form as typed, to be merged with the project as stored.
async fn merged(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    form: &mut FormState,
    stored: &Project,
) -> Result<(), StoreError> {
    let history = s.store.scoped(&u.access).project_history(stored.id).await?;
    let theirs = values_of(stored);
    let stored = Stored {
        kind: "project",
        form: &theirs,
        version: stored.version,
        history: &history,
    };
    merge::mark_stored(s, lang, form, EDITED, &stored).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn money_is_read_in_wan_unless_the_text_names_its_unit() {
        let d = data(&[
            ("name", "新材料产业园"),
            ("host_region_code", "210112"),
            ("category", "investment"),
            ("planned_investment", "1200"),
            ("agreement_amount", "3.5亿元"),
        ]);
        let f = fields_of(Lang::ZhHans, &d, None).expect("valid");
        assert_eq!(f.planned_investment.map(|m| m.yuan()), Some(12_000_000));
        assert_eq!(f.agreement_amount.map(|m| m.yuan()), Some(350_000_000));
    }

    #[test]
    fn every_bad_value_is_named_by_its_field() {
        let d = data(&[
            ("name", ""),
            ("host_region_code", ""),
            ("category", "investment"),
            ("planned_investment", "很多"),
            ("planned_start", "2024-13-01"),
            ("land_area_mu", "abc"),
        ]);
        let errs = fields_of(Lang::ZhHans, &d, None).expect_err("invalid");
        let mut fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "host_region_code",
                "land_area_mu",
                "name",
                "planned_investment",
                "planned_start"
            ]
        );
    }
}
