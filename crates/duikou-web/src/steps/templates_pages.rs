//! 系统管理 · 流程模板 (administrators): the step templates — the list, and one template's
//! phases and steps.

use axum::extract::{Path, State};
use axum::http::Uri;

use crate::admin::{tabs, Tab};
use crate::shared::i18n::Lang;
use crate::shared::page::{html, Page, PageResult, PageUser, Section};
use crate::AppState;

pub struct TemplateRow {
    pub key: String,
    pub name: String,
    pub version: i32,
    pub steps: usize,
}

#[derive(askama::Template)]
#[template(path = "steps/templates.html")]
struct TemplatesPage {
    page: Page,
    tabs: Vec<Tab>,
    rows: Vec<TemplateRow>,
}

pub struct PhaseView {
    pub name: String,
    pub steps: Vec<StepView>,
}

pub struct StepView {
    pub key: String,
    pub name: String,
    pub owner: String,
    pub statutory: i32,
    pub committed: i32,
    pub depends_on: String,
    pub parallel: String,
    pub deficiency: bool,
    pub commitment: bool,
}

#[derive(askama::Template)]
#[template(path = "steps/template.html")]
struct TemplatePage {
    page: Page,
    tabs: Vec<Tab>,
    name: String,
    key: String,
    version: i32,
    description: String,
    phases: Vec<PhaseView>,
}

/// `GET /admin/templates`.
pub async fn templates(State(s): State<AppState>, u: PageUser, lang: Lang, uri: Uri) -> PageResult {
    s.store.scoped(&u.access).require_admin()?;
    let rows = s
        .store
        .templates()
        .await?
        .into_iter()
        .map(|t| TemplateRow {
            name: lang.data(&t.name).into_owned(),
            key: t.key,
            version: t.version,
            steps: t.step_count,
        })
        .collect();
    let title = lang.t("admin.templates").to_owned();
    html(&TemplatesPage {
        page: Page::build(&s, &u, lang, Section::Admin, title, &uri).await,
        tabs: tabs(lang, "/admin/templates"),
        rows,
    })
}

/// `GET /admin/templates/{key}`: the latest version.
pub async fn template(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(key): Path<String>,
) -> PageResult {
    s.store.scoped(&u.access).require_admin()?;
    let t = s.store.template(&key, None).await?;
    let name_of = |k: &str| {
        t.step(k)
            .map(|d| lang.data(&d.name).into_owned())
            .unwrap_or_else(|| k.to_owned())
    };
    let phases = t
        .phases
        .iter()
        .map(|p| PhaseView {
            name: lang.data(&p.name).into_owned(),
            steps: p
                .steps
                .iter()
                .map(|d| StepView {
                    key: d.key.clone(),
                    name: lang.data(&d.name).into_owned(),
                    owner: lang.data(&d.owner).into_owned(),
                    statutory: d.statutory_days,
                    committed: d.committed_days,
                    depends_on: d
                        .depends_on
                        .iter()
                        .map(|k| name_of(k))
                        .collect::<Vec<_>>()
                        .join("、"),
                    // A group by its name where the catalogue has one (并联评估 …), else its key.
                    parallel: d
                        .parallel_group
                        .as_deref()
                        .map(|g| {
                            lang.t_opt(&format!("group.{g}"))
                                .map_or_else(|| g.to_owned(), str::to_owned)
                        })
                        .unwrap_or_default(),
                    deficiency: d.allow_deficiency,
                    commitment: d.allow_commitment,
                })
                .collect(),
        })
        .collect();
    let name = lang.data(&t.name).into_owned();
    html(&TemplatePage {
        page: Page::build(&s, &u, lang, Section::Admin, name.clone(), &uri).await,
        tabs: tabs(lang, "/admin/templates"),
        name,
        key: t.key.clone(),
        version: t.version,
        description: lang.data(&t.description).into_owned(),
        phases,
    })
}
