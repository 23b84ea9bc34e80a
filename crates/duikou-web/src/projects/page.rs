//! The project page (/projects/{id}): overview, money, steps as a Gantt chart, problems,
//! progress reports, stage history and change history; and its forms: add a progress report,
//! add a problem, move the stage. A failed form is shown again open, with what was typed and
//! each error under its field.

use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use duikou_core::problem::{ProblemFields, ProblemStatus};
use duikou_core::progress_report::{Period, ProgressReportFields};
use duikou_core::project::Project;
use duikou_core::Stage;
use duikou_store::{SlipFilter, StoreError, WarningFilter};

use crate::shared::changes::{change_rows, ChangeRow};
use crate::shared::forms::{unprocessable, FormState};
use crate::shared::i18n::Lang;
use crate::shared::page::Flash;
use crate::shared::page::{html, CsrfForm, Page, PageResult, PageUser, Section};
use crate::shared::refs::{Choice, Refs};
use crate::shared::{fmt, labels};
use crate::steps::gantt::gantt_svg;
use crate::AppState;

/// The forms of the page.
#[derive(Default)]
pub struct Forms {
    pub report: FormState,
    pub problem: FormState,
    pub transition: FormState,
    /// Puts a template on a project without steps.
    pub steps: FormState,
    /// The year's investment plan (None: filled from the stored plan).
    pub plan: Option<FormState>,
}

pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

pub struct Figure {
    pub label: &'static str,
    pub value: String,
}

pub struct ReportRow {
    pub id: i64,
    pub period: String,
    pub invested: String,
    pub funds: String,
    pub trade: String,
    pub output: String,
    pub note: String,
}

pub struct ProblemRow {
    pub id: i64,
    pub category: &'static str,
    pub description: String,
    pub owner: String,
    pub due: String,
    pub status: &'static str,
    pub overdue: bool,
    pub resolution: String,
}

pub struct StageRow {
    pub date: String,
    pub from: &'static str,
    pub to: &'static str,
    pub reason: String,
    pub actor: String,
}

#[derive(askama::Template)]
#[template(path = "projects/page.html")]
struct ProjectPage {
    page: Page,
    id: i64,
    name: String,
    stage: &'static str,
    stage_code: &'static str,
    stage_since: String,
    can_edit: bool,
    is_admin: bool,
    flash: Option<&'static str>,
    facts: Vec<Fact>,
    people: Vec<Fact>,
    figures: Vec<Figure>,
    latest_period: Option<String>,
    /// 资金进度: invested to date and funds in place over the reports.
    money_chart: Option<String>,
    gantt: Option<String>,
    steps: Vec<crate::steps::pages::StepRow>,
    template_choices: Vec<Choice>,
    problems: Vec<ProblemRow>,
    reports: Vec<ReportRow>,
    stages_history: Vec<StageRow>,
    history: Vec<ChangeRow>,
    forms: Forms,
    warnings: Vec<crate::warnings::pages::WarningRow>,
    slips: Vec<i64>,
    stage_choices: Vec<Choice>,
    /// The steps' version when their template may still be taken off (none touched).
    steps_removable: Option<i64>,
    /// Years whose holiday notice is missing, on which some step dates are estimated.
    estimated_years: String,
    /// 年度投资计划 of this year, and its form.
    year_plan: Option<super::annual_plan::YearFigures>,
    plan_form: FormState,
    /// The stage change waiting for approval, and whether the user decides it.
    request: Option<crate::stage_requests::pages::RequestLine>,
    may_decide: bool,
    problem_choices: Vec<Choice>,
    org_choices: Vec<Choice>,
}

fn flash_key(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "report" => Some("progress_report.added"),
        "report_withdrawn" => Some("progress_report.withdrawn"),
        "problem" => Some("problem.added"),
        "transition" => Some("transition.done"),
        "requested" => Some("request.requested"),
        "approved" => Some("request.approved"),
        "rejected" => Some("request.rejected"),
        "withdrawn" => Some("request.withdrawn"),
        "saved" => Some("project.saved"),
        "plan" => Some("plan.saved"),
        "created" => Some("project.created"),
        "step" => Some("step.saved"),
        "steps" => Some("step.instantiated"),
        "steps_removed" => Some("step.removed"),
        _ => None,
    }
}

pub async fn show(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    Query(f): Query<Flash>,
) -> PageResult {
    let forms = default_forms(&s, lang);
    render(&s, &u, lang, &uri, id, forms, flash_key(f.done.as_deref())).await
}

pub(crate) fn default_forms(s: &AppState, _lang: Lang) -> Forms {
    let today = s.today();
    let mut forms = Forms::default();
    forms
        .report
        .set("period", Period::month_of(today).to_string());
    forms.transition.set("effective_date", fmt::date(today));
    forms.problem.set("category", "other");
    forms.steps.set("start", fmt::date(today));
    forms
        .steps
        .set("template", duikou_core::steps::CONSTRUCTION_APPROVAL);
    forms
}

/// The page, with the forms as given (open and marked where they failed).
pub(crate) async fn render(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    id: i64,
    forms: Forms,
    flash: Option<&'static str>,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let p = scoped.project(id).await?;
    let can_edit = scoped.editable(id).await.is_ok();
    let refs = Refs::load(s).await?;
    let reports = scoped.progress_reports(id).await?;
    let problems = scoped.problems(id).await?;
    let changes = scoped.stage_changes(id).await?;
    let history = scoped.project_history_all(id).await?;
    let calendar = s.store.calendar().await?;
    let schedule = match scoped.schedule(id, &calendar, s.today()).await {
        Ok(sch) => Some(sch),
        Err(StoreError::NotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let warnings = scoped
        .warnings(
            &WarningFilter {
                project_id: Some(id),
                ..WarningFilter::default()
            },
            20,
            0,
        )
        .await?;
    let slips = scoped
        .slips(
            &SlipFilter {
                project_id: Some(id),
                open: true,
                ..SlipFilter::default()
            },
            100,
            0,
        )
        .await?;
    let waiting = scoped
        .stage_requests(
            &duikou_store::RequestFilter {
                status: Some(duikou_core::stage_request::RequestStatus::Pending),
                project_id: Some(id),
                to_decide: false,
            },
            1,
            0,
        )
        .await?;
    // The people the page names (the stage history, a request), by name and unit.
    let who = crate::stage_requests::pages::people(s).await?;
    let request = waiting
        .items
        .first()
        .map(|r| crate::stage_requests::pages::line(lang, &who, &r.request, &r.project_name));
    let may_decide = request.is_some() && scoped.supervises(id).await?;
    let steps_removable = match (&schedule, can_edit) {
        (Some(_), true) => scoped
            .project_steps(id)
            .await?
            .filter(|ps| duikou_core::steps::may_remove_template(&ps.states).is_ok())
            .map(|ps| ps.version),
        _ => None,
    };
    let estimated_years = schedule
        .as_ref()
        .map(|sch| {
            sch.uncovered_years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join("、")
        })
        .unwrap_or_default();
    let plans = scoped.annual_plans(id).await?;
    let year_plan = super::annual_plan::year_figures(lang, &plans, &reports, s.today());
    let mut forms = forms;
    let plan_form = forms
        .plan
        .take()
        .unwrap_or_else(|| super::annual_plan::plan_form(&plans, s.today()));
    let name = lang.data(&p.fields.name).into_owned();
    let page = Page::build(s, u, lang, Section::Projects, name.clone(), uri).await;
    let latest = reports.iter().max_by_key(|r| (r.period_end, r.id));
    // 推进到 offers the next stage on the main line first, not the first of the list.
    if forms.transition.value("to").is_empty() {
        if let Some(next) = p.stage.next_on_main_line() {
            forms.transition.set("to", next.code());
        }
    }
    let body = ProjectPage {
        id,
        stage: labels::stage(lang, p.stage),
        stage_code: p.stage.code(),
        stage_since: fmt::date_prose(lang, p.stage_since),
        can_edit,
        is_admin: u.access.admin,
        flash,
        facts: facts(lang, &refs, &p),
        people: people(lang, &p),
        figures: figures(lang, &p, latest),
        latest_period: latest.map(|r| r.fields.period.to_string()),
        money_chart: crate::shared::money_chart::money_svg(lang, &reports, 560),
        gantt: schedule.as_ref().map(|sch| gantt_svg(lang, sch, 1100)),
        steps: schedule
            .as_ref()
            .map(|sch| crate::steps::pages::step_rows(lang, sch))
            .unwrap_or_default(),
        template_choices: if schedule.is_none() && can_edit {
            crate::steps::pages::template_choices(s, lang).await?
        } else {
            Vec::new()
        },
        problems: problems
            .iter()
            .map(|pr| problem_row(lang, &refs, pr, s.today()))
            .collect(),
        reports: reports.iter().map(|r| report_row(lang, r)).collect(),
        stages_history: changes
            .iter()
            .rev()
            .map(|c| StageRow {
                date: fmt::date(c.effective_date),
                from: c.from_stage.map(|f| labels::stage(lang, f)).unwrap_or("—"),
                to: labels::stage(lang, c.to_stage),
                reason: c
                    .reason
                    .as_deref()
                    .map(|r| lang.message(r))
                    .unwrap_or_default(),
                actor: crate::stage_requests::pages::person(lang, &who, &c.actor),
            })
            .collect(),
        history: {
            let recent = &history[history.len().saturating_sub(50)..];
            change_rows(lang, recent, &refs, &s.store.writers(recent).await?)
        },
        forms,
        warnings: warnings
            .items
            .iter()
            .map(|w| crate::warnings::pages::row(lang, w))
            .collect(),
        slips: slips.items.iter().map(|sl| sl.id).collect(),
        stage_choices: labels_of_stages(lang, p.stage),
        request,
        may_decide,
        year_plan,
        plan_form,
        steps_removable,
        estimated_years,
        problem_choices: labels::problem_category_choices(lang),
        org_choices: refs.open_org_choices(lang, &[]),
        name,
        page,
    };
    html(&body)
}

fn labels_of_stages(lang: Lang, current: Stage) -> Vec<Choice> {
    Stage::ALL
        .into_iter()
        .filter(|s| *s != current)
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: labels::stage(lang, s).to_owned(),
        })
        .collect()
}

fn facts(lang: Lang, refs: &Refs, p: &Project) -> Vec<Fact> {
    let f = &p.fields;
    let d = |t: &Option<String>| match t {
        Some(t) if !t.trim().is_empty() => lang.data(t).into_owned(),
        _ => "—".to_owned(),
    };
    let or_dash = |t: String| if t.is_empty() { "—".to_owned() } else { t };
    vec![
        Fact {
            label: lang.t("field.code"),
            value: f
                .code
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_else(|| "—".into()),
        },
        Fact {
            label: lang.t("field.category"),
            value: labels::category(lang, f.category).to_owned(),
        },
        Fact {
            label: lang.t("field.construction"),
            value: f
                .construction
                .map_or_else(|| "—".into(), |c| labels::construction(lang, c).to_owned()),
        },
        Fact {
            label: lang.t("field.partnership"),
            value: or_dash(refs.partnership_name(lang, f.partnership_id)),
        },
        Fact {
            label: lang.t("field.host_region"),
            value: refs.region_name(lang, &f.host_region_code),
        },
        Fact {
            label: lang.t("field.source_region"),
            value: f
                .source_region_code
                .as_deref()
                .map(|c| refs.region_name(lang, c))
                .unwrap_or_else(|| "—".into()),
        },
        Fact {
            label: lang.t("field.investor"),
            value: d(&f.investor),
        },
        Fact {
            label: lang.t("field.industry"),
            value: d(&f.industry),
        },
        Fact {
            label: lang.t("field.owner_org"),
            value: or_dash(refs.org_name(lang, f.owner_org_id)),
        },
        Fact {
            label: lang.t("field.planned_start"),
            value: fmt::date_opt(f.planned_start),
        },
        Fact {
            label: lang.t("field.planned_production"),
            value: fmt::date_opt(f.planned_production),
        },
        Fact {
            label: lang.t("field.land_area_mu"),
            value: f
                .land_area_mu
                .map(|a| format!("{a}"))
                .unwrap_or_else(|| "—".into()),
        },
        Fact {
            label: lang.t("field.address"),
            value: d(&f.address),
        },
    ]
}

fn people(lang: Lang, p: &Project) -> Vec<Fact> {
    let d = |t: &Option<String>| match t {
        Some(t) if !t.trim().is_empty() => lang.data(t).into_owned(),
        _ => "—".to_owned(),
    };
    vec![
        Fact {
            label: lang.t("field.leader"),
            value: d(&p.fields.leader),
        },
        Fact {
            label: lang.t("field.service_officer"),
            value: d(&p.fields.service_officer),
        },
        Fact {
            label: lang.t("field.task_force"),
            value: d(&p.fields.task_force),
        },
    ]
}

fn figures(
    lang: Lang,
    p: &Project,
    latest: Option<&duikou_core::progress_report::ProgressReport>,
) -> Vec<Figure> {
    let r = latest.map(|r| &r.fields);
    vec![
        Figure {
            label: lang.t("field.planned_investment"),
            value: fmt::money_opt(lang, p.fields.planned_investment),
        },
        Figure {
            label: lang.t("field.agreement_amount"),
            value: fmt::money_opt(lang, p.fields.agreement_amount),
        },
        Figure {
            label: lang.t("field.invested_to_date"),
            value: fmt::money_opt(lang, r.and_then(|r| r.invested_to_date)),
        },
        Figure {
            label: lang.t("field.funds_in_place"),
            value: fmt::money_opt(lang, r.and_then(|r| r.funds_in_place)),
        },
        Figure {
            label: lang.t("field.trade_volume"),
            value: fmt::money_opt(lang, r.and_then(|r| r.trade_volume)),
        },
        Figure {
            label: lang.t("field.output_value"),
            value: fmt::money_opt(lang, r.and_then(|r| r.output_value)),
        },
    ]
}

fn problem_row(
    lang: Lang,
    refs: &Refs,
    p: &duikou_core::problem::Problem,
    today: NaiveDate,
) -> ProblemRow {
    let f = &p.fields;
    ProblemRow {
        id: p.id,
        category: labels::problem_category(lang, f.category),
        description: lang.data(&f.description).into_owned(),
        owner: refs.org_name(lang, f.owner_org_id),
        due: fmt::date_opt(f.due_date),
        status: labels::problem_status(lang, f.status),
        overdue: f.status != ProblemStatus::Resolved && f.due_date.is_some_and(|d| d < today),
        resolution: f
            .resolution
            .as_deref()
            .map(|r| lang.data(r).into_owned())
            .unwrap_or_default(),
    }
}

fn report_row(lang: Lang, r: &duikou_core::progress_report::ProgressReport) -> ReportRow {
    let f = &r.fields;
    ReportRow {
        id: r.id,
        period: f.period.to_string(),
        invested: fmt::yi(f.invested_to_date),
        funds: fmt::yi(f.funds_in_place),
        trade: fmt::yi(f.trade_volume),
        output: fmt::yi(f.output_value),
        note: f
            .note
            .as_deref()
            .map(|n| lang.data(n).into_owned())
            .unwrap_or_default(),
    }
}

const REPORT_FIELDS: [&str; 7] = duikou_core::progress_report::INPUT_FIELDS;

pub async fn add_report(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let mut form = FormState::from_data(&data);
    // Core's reading of the form, the same as the report page's correction.
    let mut errs = Vec::new();
    if let Ok(report) = ProgressReportFields::from_input(&data).map_err(|e| errs = e) {
        match s
            .store
            .scoped(&u.access)
            .create_progress_report(id, &report)
            .await
        {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/projects/{id}?done=report#reports")).into_response()
                )
            }
            Err(e) => form.store_error(&REPORT_FIELDS, lang, e)?,
        }
    }
    form.add_all(&REPORT_FIELDS, lang, &errs);
    let mut forms = default_forms(&s, lang);
    forms.report = form;
    unprocessable(render(&s, &u, lang, &uri, id, forms, None).await)
}

const PROBLEM_FIELDS: [&str; 4] = duikou_core::problem::INPUT_FIELDS;

pub async fn add_problem(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let mut form = FormState::from_data(&data);
    // Core's reading of the form, the same as the problem page's correction.
    match ProblemFields::from_input(&data, None) {
        Ok(fields) => match s.store.scoped(&u.access).create_problem(id, &fields).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/projects/{id}?done=problem#problems")).into_response(),
                )
            }
            Err(e) => form.store_error(&PROBLEM_FIELDS, lang, e)?,
        },
        Err(errs) => form.add_all(&PROBLEM_FIELDS, lang, &errs),
    }
    let mut forms = default_forms(&s, lang);
    forms.problem = form;
    unprocessable(render(&s, &u, lang, &uri, id, forms, None).await)
}
