//! A problem's page (问题): what it is, who owns it, where it stands, its history with each
//! change before and after; and, for those who edit the project, its actions — 推进 (a note of
//! what was done), 解决 (how, and on what day), 重新打开 (why) — and the correction of its
//! fields. What each action does is core's (`ProblemAction`); the page reads the form and
//! shows the result. A correction refused as stale comes back to be merged (`shared::merge`).

use axum::extract::{Path, Query, State};
use axum::http::Uri;
use duikou_core::problem::{Problem, ProblemAction, ProblemFields, ProblemStatus, INPUT_FIELDS};
use duikou_store::StoreError;

use crate::shared::changes::{change_rows, ChangeRow};
use crate::shared::forms::{ending, unprocessable, FormState};
use crate::shared::i18n::Lang;
use crate::shared::merge::{self, Stored};
use crate::shared::page::{html, CsrfForm, Flash, Page, PageError, PageResult, PageUser, Section};
use crate::shared::refs::{Choice, Refs};
use crate::shared::{fmt, labels};
use crate::AppState;

/// The forms of the page, each keeping what was typed when it failed.
#[derive(Default)]
pub struct Forms {
    pub progress: FormState,
    pub resolve: FormState,
    pub reopen: FormState,
    pub edit: FormState,
}

#[derive(askama::Template)]
#[template(path = "problems/page.html")]
struct ProblemPage {
    page: Page,
    project_id: i64,
    project_name: String,
    id: i64,
    version: i64,
    description: String,
    category: &'static str,
    owner: String,
    due: String,
    overdue: bool,
    status: &'static str,
    status_code: &'static str,
    progress: String,
    resolution: String,
    resolved_on: String,
    can_edit: bool,
    offered: &'static [&'static str],
    flash: Option<&'static str>,
    forms: Forms,
    category_choices: Vec<Choice>,
    org_choices: Vec<Choice>,
    history: Vec<ChangeRow>,
}

fn flash_key(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "progress" => "problem.done.progress",
        "resolve" => "problem.done.resolve",
        "reopen" => "problem.done.reopen",
        "saved" => "problem.done.saved",
        _ => return None,
    })
}

/// The forms as a fresh page shows them: the correction holds the problem's own values, the
/// resolution today's date.
fn fresh_forms(s: &AppState, p: &Problem) -> Forms {
    let mut forms = Forms::default();
    forms.resolve.set("resolved_on", fmt::date(s.today()));
    let f = &p.fields;
    forms
        .edit
        .set("category", labels::problem_category_code(f.category));
    forms.edit.set("description", f.description.clone());
    if let Some(org) = f.owner_org_id {
        forms.edit.set("owner_org_id", org.to_string());
    }
    if let Some(d) = f.due_date {
        forms.edit.set("due_date", fmt::date(d));
    }
    merge::remember_start(&mut forms.edit, &INPUT_FIELDS, p.version);
    forms
}

/// `GET /projects/{id}/problems/{pid}`.
pub async fn show(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path((id, pid)): Path<(i64, i64)>,
    Query(f): Query<Flash>,
) -> PageResult {
    let p = s.store.scoped(&u.access).problem(id, pid).await?;
    let forms = fresh_forms(&s, &p);
    render(&s, &u, lang, &uri, p, forms, flash_key(f.done.as_deref())).await
}

async fn render(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    p: Problem,
    forms: Forms,
    flash: Option<&'static str>,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let project = scoped.project(p.project_id).await?;
    let can_edit = scoped.editable(p.project_id).await.is_ok();
    let history = scoped.problem_history(p.project_id, p.id).await?;
    let refs = Refs::load(s).await?;
    let writers = s.store.writers(&history).await?;
    let f = &p.fields;
    let title = lang.data(&f.description).into_owned();
    let page = Page::build(s, u, lang, Section::Projects, title.clone(), uri).await;
    let today = s.today();
    let org_choices = refs.open_org_choices(lang, &[forms.edit.value("owner_org_id")]);
    let body = ProblemPage {
        page,
        project_id: p.project_id,
        project_name: lang.data(&project.fields.name).into_owned(),
        id: p.id,
        version: p.version,
        description: title,
        category: labels::problem_category(lang, f.category),
        owner: refs.org_name(lang, f.owner_org_id),
        due: fmt::date_opt(f.due_date),
        overdue: f.status != ProblemStatus::Resolved && f.due_date.is_some_and(|d| d < today),
        status: labels::problem_status(lang, f.status),
        status_code: labels::problem_status_code(f.status),
        progress: f
            .progress
            .as_deref()
            .map(|t| lang.data(t).into_owned())
            .unwrap_or_default(),
        resolution: f
            .resolution
            .as_deref()
            .map(|t| lang.data(t).into_owned())
            .unwrap_or_default(),
        resolved_on: fmt::date_opt(f.resolved_on),
        can_edit,
        offered: ProblemAction::offered(f.status),
        flash,
        forms,
        category_choices: labels::problem_category_choices(lang),
        org_choices,
        history: change_rows(lang, &history, &refs, &writers),
    };
    html(&body)
}

/// `POST /projects/{id}/problems/{pid}/{action}`: `edit` corrects the fields; `progress`,
/// `resolve` and `reopen` are core's actions. A failure shows the page again with the form
/// as typed and each error beside its field.
pub async fn act(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path((id, pid, action)): Path<(i64, i64, String)>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let p = scoped.problem(id, pid).await?;
    let version = data.get("version").parse::<i64>().ok();
    let mut form = FormState::from_data(&data);
    form.values.remove("version");
    let fields: &[&str] = if action == "edit" {
        &INPUT_FIELDS
    } else {
        ProblemAction::fields(&action)
    };
    if fields.is_empty() {
        return Err(PageError::not_found());
    }
    if action == "edit" {
        let stored = fresh_forms(&s, &p).edit;
        if merge::take(&mut form, &INPUT_FIELDS, &stored).is_some() {
            return edit_merged(&s, &u, lang, &uri, p, form).await;
        }
    }
    let written = if action == "edit" {
        match ProblemFields::from_input(&data, Some(&p.fields)) {
            Ok(f) => Some(scoped.update_problem(id, pid, version, &f).await),
            Err(errs) => {
                form.add_all(fields, lang, &errs);
                None
            }
        }
    } else {
        match ProblemAction::parse(&action, &data) {
            Ok(a) => Some(scoped.act_on_problem(id, pid, version, &a).await),
            Err(errs) => {
                form.add_all(fields, lang, &errs);
                None
            }
        }
    };
    if action == "edit" && matches!(written, Some(Err(StoreError::Stale { .. }))) {
        let now = scoped.problem(id, pid).await?;
        return edit_merged(&s, &u, lang, &uri, now, form).await;
    }
    let done = if action == "edit" { "saved" } else { &action };
    let to = || format!("/projects/{id}/problems/{pid}?done={done}");
    if let Some(redirect) = ending(written, &mut form, fields, lang, to)? {
        return Ok(redirect);
    }
    let mut forms = fresh_forms(&s, &p);
    match action.as_str() {
        "progress" => forms.progress = form,
        "resolve" => forms.resolve = form,
        "reopen" => forms.reopen = form,
        _ => forms.edit = form,
    }
    unprocessable(render(&s, &u, lang, &uri, p, forms, None).await)
}

/// The page with the correction as typed, to be merged with the problem as stored `p`.
async fn edit_merged(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    p: Problem,
    mut form: FormState,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let history = scoped.problem_history(p.project_id, p.id).await?;
    let mut forms = fresh_forms(s, &p);
    let stored = Stored {
        kind: "problem",
        form: &forms.edit,
        version: p.version,
        history: &history,
    };
    merge::mark_stored(s, lang, &mut form, &INPUT_FIELDS, &stored).await?;
    forms.edit = form;
    unprocessable(render(s, u, lang, uri, p, forms, None).await)
}
