//! A progress report's page (进展填报): its figures, its history with each change before and
//! after; and, for those who edit the project, its correction (a fall below the earlier
//! report's figure confirmed with a 更正说明) and its withdrawal with a reason. A correction
//! refused as stale comes back to be merged (`shared::merge`).

use axum::extract::{Path, Query, State};
use axum::http::Uri;
use duikou_core::progress_report::{ProgressReport, ProgressReportFields, INPUT_FIELDS};
use duikou_store::StoreError;

use crate::shared::changes::{change_rows, ChangeRow};
use crate::shared::fmt;
use crate::shared::forms::{ending, unprocessable, FormState};
use crate::shared::i18n::Lang;
use crate::shared::merge::{self, Stored};
use crate::shared::page::{html, CsrfForm, Flash, Page, PageError, PageResult, PageUser, Section};
use crate::shared::refs::Refs;
use crate::AppState;

#[derive(Default)]
pub struct Forms {
    pub edit: FormState,
    pub withdraw: FormState,
}

#[derive(askama::Template)]
#[template(path = "progress_reports/page.html")]
struct ReportPage {
    page: Page,
    project_id: i64,
    project_name: String,
    id: i64,
    version: i64,
    period: String,
    figures: Vec<(&'static str, String)>,
    note: String,
    correction: String,
    can_edit: bool,
    flash: Option<&'static str>,
    forms: Forms,
    history: Vec<ChangeRow>,
}

/// The correction form holds the report as it is, money in 万元 as the form reads it.
fn fresh_forms(r: &ProgressReport) -> Forms {
    let mut forms = Forms::default();
    let f = &r.fields;
    forms.edit.set("period", f.period.to_string());
    for (field, m) in [
        ("invested_to_date", f.invested_to_date),
        ("funds_in_place", f.funds_in_place),
        ("trade_volume", f.trade_volume),
        ("output_value", f.output_value),
    ] {
        if let Some(m) = m {
            forms.edit.set(field, crate::shared::fmt::wan_text(m));
        }
    }
    for (field, text) in [("note", &f.note), ("correction", &f.correction)] {
        if let Some(t) = text {
            forms.edit.set(field, t.clone());
        }
    }
    merge::remember_start(&mut forms.edit, &INPUT_FIELDS, r.version);
    forms
}

/// `GET /projects/{id}/progress-reports/{rid}`.
pub async fn show(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path((id, rid)): Path<(i64, i64)>,
    Query(f): Query<Flash>,
) -> PageResult {
    let r = s.store.scoped(&u.access).progress_report(id, rid).await?;
    let flash = (f.done.as_deref() == Some("saved")).then_some("progress_report.saved");
    let forms = fresh_forms(&r);
    render(&s, &u, lang, &uri, r, forms, flash).await
}

async fn render(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    r: ProgressReport,
    forms: Forms,
    flash: Option<&'static str>,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let project = scoped.project(r.project_id).await?;
    let can_edit = scoped.editable(r.project_id).await.is_ok();
    let history = scoped.progress_report_history(r.project_id, r.id).await?;
    let refs = Refs::load(s).await?;
    let writers = s.store.writers(&history).await?;
    let f = &r.fields;
    let period = f.period.to_string();
    let title = format!("{} · {}", lang.t("kind.progress_report"), period);
    let page = Page::build(s, u, lang, Section::Projects, title, uri).await;
    let text = |t: &Option<String>| {
        t.as_deref()
            .map(|t| lang.data(t).into_owned())
            .unwrap_or_default()
    };
    let body = ReportPage {
        page,
        project_id: r.project_id,
        project_name: lang.data(&project.fields.name).into_owned(),
        id: r.id,
        version: r.version,
        period,
        figures: vec![
            (
                "field.invested_to_date",
                fmt::money_opt(lang, f.invested_to_date),
            ),
            (
                "field.funds_in_place",
                fmt::money_opt(lang, f.funds_in_place),
            ),
            ("field.trade_volume", fmt::money_opt(lang, f.trade_volume)),
            ("field.output_value", fmt::money_opt(lang, f.output_value)),
        ],
        note: text(&f.note),
        correction: text(&f.correction),
        can_edit,
        flash,
        forms,
        history: change_rows(lang, &history, &refs, &writers),
    };
    html(&body)
}

/// `POST /projects/{id}/progress-reports/{rid}/edit` (the correction) and `…/withdraw` (with
/// its reason). A failure shows the page again, the form as typed, each error beside its field.
pub async fn act(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path((id, rid, action)): Path<(i64, i64, String)>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let r = scoped.progress_report(id, rid).await?;
    let version = data.get("version").parse::<i64>().ok();
    let mut form = FormState::from_data(&data);
    form.values.remove("version");
    if action == "edit" && merge::take(&mut form, &INPUT_FIELDS, &fresh_forms(&r).edit).is_some() {
        return edit_merged(&s, &u, lang, &uri, r, form).await;
    }
    let (fields, written): (&[&str], _) = match action.as_str() {
        "edit" => (
            &INPUT_FIELDS,
            match ProgressReportFields::from_input(&data) {
                Ok(f) => Some(
                    scoped
                        .update_progress_report(id, rid, version, &f)
                        .await
                        .map(drop),
                ),
                Err(errs) => {
                    form.add_all(&INPUT_FIELDS, lang, &errs);
                    None
                }
            },
        ),
        "withdraw" => (
            &["reason"],
            Some(
                scoped
                    .withdraw_progress_report(id, rid, version, data.get("reason"))
                    .await,
            ),
        ),
        _ => return Err(PageError::not_found()),
    };
    if action == "edit" && matches!(written, Some(Err(StoreError::Stale { .. }))) {
        let now = scoped.progress_report(id, rid).await?;
        return edit_merged(&s, &u, lang, &uri, now, form).await;
    }
    let to = || match action.as_str() {
        "withdraw" => format!("/projects/{id}?done=report_withdrawn#reports"),
        _ => format!("/projects/{id}/progress-reports/{rid}?done=saved"),
    };
    if let Some(redirect) = ending(written, &mut form, fields, lang, to)? {
        return Ok(redirect);
    }
    let mut forms = fresh_forms(&r);
    if action == "withdraw" {
        forms.withdraw = form;
    } else {
        forms.edit = form;
    }
    unprocessable(render(&s, &u, lang, &uri, r, forms, None).await)
}

/// The page with the correction as typed, to be merged with the report as stored `r`.
async fn edit_merged(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    r: ProgressReport,
    mut form: FormState,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let history = scoped.progress_report_history(r.project_id, r.id).await?;
    let mut forms = fresh_forms(&r);
    let stored = Stored {
        kind: "progress_report",
        form: &forms.edit,
        version: r.version,
        history: &history,
    };
    merge::mark_stored(s, lang, &mut form, &INPUT_FIELDS, &stored).await?;
    forms.edit = form;
    unprocessable(render(s, u, lang, uri, r, forms, None).await)
}
