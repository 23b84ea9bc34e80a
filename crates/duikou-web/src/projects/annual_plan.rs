//! 年度投资计划 on the project page: the year's plan, completion and gap to 序时进度 (as the
//! `schedule_behind` rule counts them), and the form that sets the plan.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use duikou_core::progress_report::ProgressReport;
use duikou_core::warnings::{AnnualPlan, YearProgress, PLAN_FIELDS};
use duikou_core::Money;

use super::page::{default_forms, render};
use crate::shared::fmt;
use crate::shared::forms::{unprocessable, FormState};
use crate::shared::i18n::Lang;
use crate::shared::page::{CsrfForm, PageResult, PageUser};
use crate::shared::path::Path;
use crate::AppState;

/// The year's figures as the page shows them.
pub struct YearFigures {
    pub year: i32,
    pub plan: String,
    pub expected: String,
    pub actual: String,
    pub done_percent: String,
    pub expected_percent: String,
    /// Points behind 序时进度 ("12.5"), or ahead ("-3.0").
    pub behind: String,
    pub behind_class: &'static str,
    pub linear: bool,
}

/// The plan of `year` among `plans`, with where the project stands against it on `today`.
pub fn year_figures(
    lang: Lang,
    plans: &[AnnualPlan],
    reports: &[ProgressReport],
    today: chrono::NaiveDate,
) -> Option<YearFigures> {
    let plan = plans.iter().find(|p| p.year == today.year())?;
    let done = reports
        .iter()
        .filter_map(|r| Some((r.period_end, r.fields.invested_to_date?.yuan())));
    let p = YearProgress::of(plan, done, today);
    let behind = p.behind_points().unwrap_or_default();
    let money = |y: i64| fmt::money_opt(lang, Some(Money::from_yuan(y)));
    Some(YearFigures {
        year: plan.year,
        plan: money(p.plan_yuan),
        expected: money(p.expected_yuan),
        actual: money(p.actual_yuan),
        done_percent: p.done_percent().unwrap_or_default(),
        expected_percent: p.expected_percent().unwrap_or_default(),
        behind_class: if behind.starts_with('-') || behind == "0.0" {
            "ahead"
        } else {
            "behind"
        },
        behind,
        linear: plan.curve.is_none(),
    })
}

/// The plan form, filled with the year's plan when there is one.
pub fn plan_form(plans: &[AnnualPlan], today: chrono::NaiveDate) -> FormState {
    let mut f = FormState::default();
    f.set("year", today.year().to_string());
    if let Some(p) = plans.iter().find(|p| p.year == today.year()) {
        f.set("amount", fmt::wan_text(Money::from_yuan(p.amount_yuan)));
        f.set("curve", p.curve_text());
    }
    f
}

pub async fn save(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let mut form = FormState::from_data(&data);
    match AnnualPlan::from_input(&data) {
        Ok(plan) => match s.store.scoped(&u.access).set_annual_plan(id, &plan).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/projects/{id}?done=plan#annual-plan")).into_response(),
                )
            }
            Err(e @ duikou_store::StoreError::Forbidden(_)) => return Err(e.into()),
            Err(e) => form.store_error(&PLAN_FIELDS, lang, e)?,
        },
        Err(errs) => form.add_all(&PLAN_FIELDS, lang, &errs),
    }
    let mut forms = default_forms(&s, lang);
    forms.plan = Some(form);
    unprocessable(render(&s, &u, lang, &uri, id, forms, None).await)
}
