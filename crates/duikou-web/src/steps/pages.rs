//! 项目管家 on the project page: a step's own page (/projects/{id}/steps/{key}) with its
//! limits, dates, 容缺受理, 告知承诺, clock stops and date changes, and the forms that work
//! it (`step_actions`); and the form that puts a template on a project. A failed form is
//! shown again open, with what was typed and each error under its field.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect};
use duikou_core::steps::{ScheduledStep, StepDef, StepState, StepStatus};
use duikou_core::FieldError;
use duikou_store::StoreError;

use crate::shared::fmt;
use crate::shared::forms::{parse_date, unprocessable, FormState};
use crate::shared::i18n::Lang;
use crate::shared::page::{html, CsrfForm, Page, PageError, PageResult, PageUser, Section};
use crate::shared::refs::Choice;
use crate::steps::actions::form_field;
use crate::AppState;
use duikou_core::input::Input;
use duikou_core::steps::{
    suspension_code, StepAction as Action, StepCommand, DEFAULT_SUPPLY_DAYS, DEFAULT_VERIFY_DAYS,
    SUSPENSION_REASONS,
};

/// The forms of the step page, by action code.
pub struct StepForms(BTreeMap<&'static str, FormState>);

impl StepForms {
    pub fn get(&self, action: &str) -> &FormState {
        static EMPTY: std::sync::OnceLock<FormState> = std::sync::OnceLock::new();
        self.0
            .get(action)
            .unwrap_or_else(|| EMPTY.get_or_init(FormState::default))
    }
}

pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

pub struct ChangeRow {
    pub at: String,
    pub field: &'static str,
    pub old: String,
    pub new: String,
    pub reason: String,
    pub actor: String,
}

pub struct StopRow {
    pub reason: &'static str,
    pub from: String,
    pub to: String,
    pub note: String,
}

#[derive(askama::Template)]
#[template(path = "steps/page.html")]
struct StepPage {
    page: Page,
    id: i64,
    key: String,
    project_name: String,
    name: String,
    status: &'static str,
    status_code: &'static str,
    late: bool,
    /// Some date relies on a year whose holiday notice is not loaded.
    estimated: bool,
    version: i64,
    can_edit: bool,
    facts: Vec<Fact>,
    deficiency: Vec<Fact>,
    commitment: Vec<Fact>,
    stops: Vec<StopRow>,
    changes: Vec<ChangeRow>,
    /// Which forms the step's state offers.
    offers: Vec<&'static str>,
    forms: StepForms,
    reason_choices: Vec<Choice>,
}

impl StepPage {
    fn offered(&self, action: &str) -> bool {
        self.offers.contains(&action)
    }
}

/// The catalog label of a step status.
pub fn status_label(lang: Lang, s: StepStatus) -> &'static str {
    lang.t(&format!("step.status.{}", s.code()))
}

fn default_forms(today: chrono::NaiveDate, state: &StepState) -> StepForms {
    let t = fmt::date(today);
    let mut m = BTreeMap::new();
    for a in Action::ALL {
        m.insert(a.code(), FormState::default());
    }
    let mut set = |a: Action, f: &str, v: String| {
        if let Some(form) = m.get_mut(a.code()) {
            form.set(f, v);
        }
    };
    set(Action::Start, "actual_start", t.clone());
    set(
        Action::Finish,
        "actual_start",
        state
            .actual_start
            .map(fmt::date)
            .unwrap_or_else(|| t.clone()),
    );
    set(Action::Finish, "actual_finish", t.clone());
    set(Action::Deficiency, "accepted_on", t.clone());
    set(
        Action::Deficiency,
        "supply_days",
        DEFAULT_SUPPLY_DAYS.to_string(),
    );
    set(Action::Supply, "supplied_on", t.clone());
    set(Action::Commitment, "granted_on", t.clone());
    set(
        Action::Commitment,
        "verify_days",
        DEFAULT_VERIFY_DAYS.to_string(),
    );
    set(Action::Verify, "verified_on", t.clone());
    set(
        Action::Replan,
        "not_before",
        state.not_before.map(fmt::date).unwrap_or_default(),
    );
    set(
        Action::Replan,
        "due_override",
        state.due_override.map(fmt::date).unwrap_or_default(),
    );
    set(Action::Suspend, "from", t.clone());
    set(Action::Suspend, "suspension_reason", "expert_review".into());
    set(Action::Resume, "to", t);
    StepForms(m)
}

/// The forms the step's state and its template offer.
fn offers(def: &StepDef, s: &StepState) -> Vec<&'static str> {
    Action::offers(def, s)
        .into_iter()
        .map(Action::code)
        .collect()
}

pub async fn show(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path((id, key)): Path<(i64, String)>,
) -> PageResult {
    render(&s, &u, lang, &uri, id, &key, None).await
}

struct Loaded {
    state: StepState,
    version: i64,
    def: StepDef,
    step: ScheduledStep,
}

async fn load(s: &AppState, u: &PageUser, id: i64, key: &str) -> PageResult<Loaded> {
    let scoped = s.store.scoped(&u.access);
    let steps = scoped
        .project_steps(id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let template = s
        .store
        .template(&steps.template_key, Some(steps.template_version))
        .await?;
    let def = template
        .step(key)
        .cloned()
        .ok_or_else(PageError::not_found)?;
    let calendar = s.store.calendar().await?;
    let schedule = scoped.schedule(id, &calendar, s.today()).await?;
    let step = schedule
        .steps
        .into_iter()
        .find(|st| st.key == key)
        .ok_or_else(PageError::not_found)?;
    let state = steps
        .states
        .into_iter()
        .find(|st| st.key == key)
        .unwrap_or_else(|| StepState::new(key));
    Ok(Loaded {
        state,
        version: steps.version,
        def,
        step,
    })
}

/// The page, with one form replaced by its failed submission.
async fn render(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    id: i64,
    key: &str,
    failed: Option<(Action, FormState)>,
) -> PageResult {
    let project = s.store.scoped(&u.access).project(id).await?;
    let can_edit = s.store.scoped(&u.access).editable(id).await.is_ok();
    let l = load(s, u, id, key).await?;
    let mut forms = default_forms(s.today(), &l.state);
    if let Some((a, f)) = failed {
        forms.0.insert(a.code(), f);
    }
    let name = lang.data(&l.def.name).into_owned();
    let project_name = lang.data(&project.fields.name).into_owned();
    let title = format!("{name} · {project_name}");
    let page = Page::build(s, u, lang, Section::Projects, title, uri).await;
    let body = StepPage {
        id,
        key: key.to_owned(),
        project_name,
        status: status_label(lang, l.state.status),
        status_code: l.state.status.code(),
        late: l.step.late,
        estimated: l.step.estimated,
        version: l.version,
        can_edit,
        facts: facts(lang, &l),
        deficiency: deficiency_facts(lang, &l.state),
        commitment: commitment_facts(lang, &l.state),
        stops: l
            .state
            .suspensions
            .iter()
            .map(|x| StopRow {
                reason: lang.t(&format!("step.stop.{}", suspension_code(x.reason))),
                from: fmt::date(x.from),
                to: fmt::date_opt(x.to),
                note: lang.data(&x.note).into_owned(),
            })
            .collect(),
        changes: l
            .state
            .date_changes
            .iter()
            .rev()
            .map(|c| ChangeRow {
                at: fmt::time(c.at),
                field: lang.t(&format!("step.{}", c.field.code())),
                old: fmt::date_opt(c.old),
                new: fmt::date_opt(c.new),
                reason: lang.data(&c.reason).into_owned(),
                actor: c.actor.clone(),
            })
            .collect(),
        offers: offers(&l.def, &l.state),
        forms,
        reason_choices: SUSPENSION_REASONS
            .iter()
            .map(|(_, c)| Choice {
                value: (*c).to_owned(),
                label: lang.t(&format!("step.stop.{c}")).to_owned(),
            })
            .collect(),
        name,
        page,
    };
    html(&body)
}

fn days(lang: Lang, n: i64) -> String {
    let sep = if lang == Lang::En { " " } else { "" };
    format!("{n}{sep}{}", lang.t("step.working_days"))
}

fn facts(lang: Lang, l: &Loaded) -> Vec<Fact> {
    let st = &l.step;
    let f = |key: &str, value: String| Fact {
        label: lang.t(key),
        value,
    };
    let mut v = vec![
        f("gantt.owner", lang.data(&l.def.owner).into_owned()),
        f(
            "step.statutory",
            format!(
                "{} · {}",
                days(lang, i64::from(st.statutory_days)),
                fmt::date(st.statutory_due)
            ),
        ),
        f(
            "step.committed",
            format!(
                "{} · {}",
                days(lang, i64::from(st.committed_days)),
                fmt::date(st.committed_due)
            ),
        ),
        f("step.planned_start", fmt::date(st.planned_start)),
        f("step.planned_due", fmt::date(st.planned_due)),
        f("gantt.finish", fmt::date(st.projected_finish)),
        f("step.actual_start", fmt::date_opt(st.actual_start)),
        f("step.actual_finish", fmt::date_opt(st.actual_finish)),
        f("step.days_used", days(lang, st.working_days_used)),
        // A late step reads as late: the days past its due date, not days left.
        match st.working_days_past_due {
            Some(past) => f("gantt.past_due", days(lang, past)),
            None => f("gantt.days_left", days(lang, st.working_days_left)),
        },
    ];
    if st.suspended_days > 0 {
        v.push(f("step.suspended_days", days(lang, st.suspended_days)));
    }
    if let Some(r) = &l.state.skip_reason {
        v.push(f("step.skip_reason", lang.data(r).into_owned()));
    }
    v
}

fn deficiency_facts(lang: Lang, s: &StepState) -> Vec<Fact> {
    let Some(d) = &s.deficiency else {
        return Vec::new();
    };
    vec![
        Fact {
            label: lang.t("step.accepted_on"),
            value: fmt::date(d.accepted_on),
        },
        Fact {
            label: lang.t("step.missing_documents"),
            value: lang.data(&d.missing_documents.join("、")).into_owned(),
        },
        Fact {
            label: lang.t("step.supply_days"),
            value: days(lang, i64::from(d.supply_days)),
        },
        Fact {
            label: lang.t("step.supplied_on"),
            value: d
                .supplied_on
                .map(fmt::date)
                .unwrap_or_else(|| lang.t("step.open_item").to_owned()),
        },
    ]
}

fn commitment_facts(lang: Lang, s: &StepState) -> Vec<Fact> {
    let Some(c) = &s.commitment else {
        return Vec::new();
    };
    vec![
        Fact {
            label: lang.t("step.granted_on"),
            value: fmt::date(c.granted_on),
        },
        Fact {
            label: lang.t("step.promised"),
            value: lang.data(&c.promised).into_owned(),
        },
        Fact {
            label: lang.t("step.verify_days"),
            value: days(lang, i64::from(c.verify_days)),
        },
        Fact {
            label: lang.t("step.verified_on"),
            value: c
                .verified_on
                .map(fmt::date)
                .unwrap_or_else(|| lang.t("step.open_item").to_owned()),
        },
    ]
}

/// `POST /projects/{id}/steps/{key}/{action}`: one form of the step page.
pub async fn act(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path((id, key, action)): Path<(i64, String, String)>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let action = Action::parse(&action).ok_or_else(PageError::not_found)?;
    // Rights first, then the step must exist: a 403 or 404 page, not a form's errors.
    s.store.scoped(&u.access).editable(id).await?;
    load(&s, &u, id, &key).await?;
    let mut form = FormState::from_data(&data);
    let fields = action.fields();
    let version = data.get("version").parse::<i64>().ok();
    let typed = Input::from_pairs(
        data.0
            .iter()
            .filter(|(k, _)| fields.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    match StepCommand::parse(action, &typed) {
        Ok(command) => {
            let written = s
                .store
                .scoped(&u.access)
                .act_on_step(id, &key, version, &command)
                .await;
            match written {
                Ok(_) => {
                    let to = format!("/projects/{id}?done=step#steps");
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(StoreError::Invalid(v)) => {
                    let mapped: Vec<FieldError> =
                        v.0.into_iter()
                            .map(|mut e| {
                                e.field = form_field(&e.field);
                                e
                            })
                            .collect();
                    form.add_all(fields, lang, &mapped);
                }
                Err(e) => form.store_error(fields, lang, e)?,
            }
        }
        Err(errs) => form.add_all(fields, lang, &errs),
    }
    unprocessable(render(&s, &u, lang, &uri, id, &key, Some((action, form))).await)
}

const INSTANTIATE_FIELDS: [&str; 2] = ["template", "start"];

/// `POST /projects/{id}/steps`: puts a template on the project.
pub async fn instantiate(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    s.store.scoped(&u.access).editable(id).await?;
    let mut form = FormState::from_data(&data);
    let mut errs = Vec::new();
    let today = s.today();
    let start = parse_date(&data, "start", &mut errs).unwrap_or(today);
    if data.get("template").is_empty() {
        errs.push(FieldError::new(
            "template",
            "required",
            lang.t("err.required"),
        ));
    }
    if errs.is_empty() {
        match s
            .store
            .scoped(&u.access)
            .instantiate_steps(id, data.get("template"), None, start)
            .await
        {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/projects/{id}?done=steps#steps")).into_response())
            }
            Err(e) => form.store_error(&INSTANTIATE_FIELDS, lang, e)?,
        }
    }
    form.add_all(&INSTANTIATE_FIELDS, lang, &errs);
    let mut forms = crate::projects::page::default_forms(&s, lang);
    forms.steps = form;
    unprocessable(crate::projects::page::render(&s, &u, lang, &uri, id, forms, None).await)
}

/// `POST /projects/{id}/schedule/remove`: 撤销流程模板 while no step has been touched.
pub async fn remove(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let version = data.get("version").parse::<i64>().ok();
    let mut form = FormState::from_data(&data);
    match s.store.scoped(&u.access).remove_steps(id, version).await {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("/projects/{id}?done=steps_removed#steps")).into_response(),
            )
        }
        Err(e @ StoreError::Forbidden(_)) => return Err(e.into()),
        // No field of this one-button form: every reason is said above it.
        Err(e) => form.store_error(&[], lang, e)?,
    }
    let mut forms = crate::projects::page::default_forms(&s, lang);
    forms.steps = form;
    unprocessable(crate::projects::page::render(&s, &u, lang, &uri, id, forms, None).await)
}

/// The templates a project may run, for the form that puts one on it.
pub async fn template_choices(s: &AppState, lang: Lang) -> PageResult<Vec<Choice>> {
    Ok(s.store
        .templates()
        .await?
        .into_iter()
        .map(|t| Choice {
            value: t.key,
            label: format!("{}（{}）", lang.data(&t.name), t.step_count),
        })
        .collect())
}

/// The step rows of the project page's table.
pub struct StepRow {
    pub key: String,
    pub name: String,
    pub owner: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub planned_start: String,
    pub committed_due: String,
    pub statutory_due: String,
    pub finish: String,
    pub actual_finish: String,
    /// Working days left, or "逾期 N" past the due date for a late unfinished step.
    pub days_left: String,
    pub late: bool,
    pub critical: bool,
    /// A date relies on a year whose holiday notice is not loaded.
    pub estimated: bool,
}

pub fn step_rows(lang: Lang, s: &duikou_core::steps::Schedule) -> Vec<StepRow> {
    s.steps
        .iter()
        .map(|st| StepRow {
            key: st.key.clone(),
            name: lang.data(&st.name).into_owned(),
            owner: lang.data(&st.owner).into_owned(),
            status: status_label(lang, st.status),
            status_code: st.status.code(),
            planned_start: fmt::date(st.planned_start),
            committed_due: fmt::date(st.planned_due),
            statutory_due: fmt::date(st.statutory_due),
            finish: fmt::date(st.projected_finish),
            actual_finish: fmt::date_opt(st.actual_finish),
            days_left: match st.working_days_past_due {
                Some(past) => lang
                    .t("gantt.past_due_short")
                    .replace("{n}", &past.to_string()),
                None => st.working_days_left.to_string(),
            },
            late: st.late,
            critical: s.critical_path.contains(&st.key),
            estimated: st.estimated,
        })
        .collect()
}
