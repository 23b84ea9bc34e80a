//! 预警中心: the inbox of the warnings of the projects the user reads (filters in the URL, red
//! first, counts by level on top) and one warning with its facts, thresholds version and
//! history; acknowledging (确认) and resolving (解除) with a note for those who may edit the
//! project, and opening a supervision slip (督办单) by hand for those who supervise it.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect};
use duikou_core::money::Money;
use duikou_core::warnings::{Level, RuleId};
use duikou_core::Stage;
use duikou_store::{NewSlip, SlipFilter, StoreError, Warning, WarningFilter, WarningStatus};

use crate::shared::forms::{parse_date, unprocessable, FormState};
use crate::shared::i18n::Lang;
use crate::shared::page::Flash;
use crate::shared::page::{html, CsrfForm, Page, PageResult, PageUser, Section};
use crate::shared::params::{pager, Pager, UrlParams};
use crate::shared::refs::{Choice, Refs};
use crate::shared::{fmt, labels};
use crate::AppState;

pub const PAGE_SIZE: i64 = 50;

const PARAMS: [&str; 7] = [
    "level", "rule", "status", "owner", "project", "mine", "page",
];

/// A warning as a row of a list.
pub struct WarningRow {
    pub id: i64,
    pub level_code: &'static str,
    pub level: &'static str,
    pub rule: &'static str,
    pub reason: String,
    pub project_id: i64,
    pub project: String,
    pub owner: String,
    pub as_of: String,
    pub status_code: &'static str,
    pub status: &'static str,
}

/// A row whose responsible unit is named from the reference data when the warning has no
/// name of its own.
pub fn row_named(lang: Lang, refs: &Refs, w: &Warning) -> WarningRow {
    let mut r = row(lang, w);
    if w.owner_name.is_none() {
        let name = refs.org_name(lang, w.owner_org_id);
        if !name.is_empty() {
            r.owner = name;
        }
    }
    r
}

pub fn row(lang: Lang, w: &Warning) -> WarningRow {
    WarningRow {
        id: w.id,
        level_code: w.level.code(),
        level: labels::level(lang, w.level),
        rule: labels::rule(lang, w.rule),
        reason: lang.message(&w.reason),
        project_id: w.project_id,
        project: lang.data(&w.project_name).into_owned(),
        owner: w
            .owner_name
            .as_deref()
            .map(|n| lang.data(n).into_owned())
            .unwrap_or_else(|| "—".to_owned()),
        as_of: fmt::date(w.as_of),
        status_code: w.status.code(),
        status: labels::warning_status(lang, w.status),
    }
}

/// A count on top of the inbox, linking to the list it counts.
pub struct CountLink {
    pub label: &'static str,
    pub class: &'static str,
    pub value: i64,
    pub href: String,
    pub active: bool,
}

#[derive(askama::Template)]
#[template(path = "warnings/list.html")]
struct InboxPage {
    page: Page,
    filters: FormState,
    counts: Vec<CountLink>,
    levels: Vec<Choice>,
    rules: Vec<Choice>,
    statuses: Vec<Choice>,
    owners: Vec<Choice>,
    mine: Vec<Choice>,
    project: Option<(i64, String)>,
    clear_project: String,
    rows: Vec<WarningRow>,
    total: i64,
    pager: Pager,
    filtered: bool,
}

/// The store filter of the parameters; a bad parameter is reported on the form and left out.
fn filter_of(p: &UrlParams, lang: Lang, form: &mut FormState) -> WarningFilter {
    let mut f = WarningFilter::default();
    let mut bad = |field: &str| {
        form.failed = true;
        form.errors
            .insert(field.to_owned(), lang.t("list.bad_value").to_owned());
    };
    match p.get("level") {
        "" => {}
        l => match Level::parse(l) {
            Some(l) => f.level = Some(l),
            None => bad("level"),
        },
    }
    match p.get("rule") {
        "" => {}
        r => match RuleId::parse(r) {
            Some(r) => f.rule = Some(r),
            None => bad("rule"),
        },
    }
    match p.get("status") {
        "" | "active" => {}
        "all" => f.all = true,
        s => match WarningStatus::parse(s) {
            Some(s) => f.status = Some(s),
            None => bad("status"),
        },
    }
    match p.id("owner") {
        Ok(o) => f.owner_org_id = o,
        Err(()) => bad("owner"),
    }
    match p.id("project") {
        Ok(o) => f.project_id = o,
        Err(()) => bad("project"),
    }
    match p.get("mine") {
        "" => {}
        "1" => f.mine = true,
        _ => bad("mine"),
    }
    f
}

fn mine_choices(lang: Lang) -> Vec<Choice> {
    vec![Choice {
        value: "1".to_owned(),
        label: lang.t("warnings.mine").to_owned(),
    }]
}

fn level_choices(lang: Lang) -> Vec<Choice> {
    [Level::Red, Level::Yellow]
        .into_iter()
        .map(|l| Choice {
            value: l.code().to_owned(),
            label: labels::level(lang, l).to_owned(),
        })
        .collect()
}

fn rule_choices(lang: Lang) -> Vec<Choice> {
    RuleId::ALL
        .into_iter()
        .map(|r| Choice {
            value: r.code().to_owned(),
            label: labels::rule(lang, r).to_owned(),
        })
        .collect()
}

fn status_choices(lang: Lang) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: "active".to_owned(),
        label: lang.t("warnings.status_active").to_owned(),
    }];
    out.extend(WarningStatus::ALL.into_iter().map(|s| Choice {
        value: s.code().to_owned(),
        label: labels::warning_status(lang, s).to_owned(),
    }));
    out.push(Choice {
        value: "all".to_owned(),
        label: lang.t("warnings.status_all").to_owned(),
    });
    out
}

pub async fn list(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> PageResult {
    let params = UrlParams::parse("/warnings", &PARAMS, query.as_deref());
    let mut filters = FormState::default();
    for (k, v) in &params.map {
        filters.set(k, v.clone());
    }
    if filters.value("status").is_empty() {
        filters.set("status", "active");
    }
    let filter = filter_of(&params, lang, &mut filters);
    let scoped = s.store.scoped(&u.access);
    let page_no = params.page();
    let offset = (page_no - 1).saturating_mul(PAGE_SIZE);
    let (found, project) = match filter.project_id {
        None => (scoped.warnings(&filter, PAGE_SIZE, offset).await?, None),
        Some(pid) => {
            // A project the user does not read is simply not found.
            let p = scoped.project(pid).await?;
            let name = lang.data(&p.fields.name).into_owned();
            (
                scoped.warnings(&filter, PAGE_SIZE, offset).await?,
                Some((pid, name)),
            )
        }
    };
    // The counts are of active warnings, both levels, under the other filters.
    let counted = scoped
        .warning_counts(&WarningFilter {
            level: None,
            ..filter.clone()
        })
        .await?;
    let count =
        |label: &'static str, class: &'static str, value: i64, level: Option<&str>| CountLink {
            label,
            class,
            value,
            href: params.href(&[
                ("level", level.map(str::to_owned)),
                ("status", None),
                ("page", None),
            ]),
            active: params.get("level") == level.unwrap_or("")
                && matches!(params.get("status"), "" | "active"),
        };
    let counts = vec![
        count(
            lang.t("warn.red"),
            "warn-red",
            counted.red,
            Some(Level::Red.code()),
        ),
        count(
            lang.t("warn.yellow"),
            "warn-yellow",
            counted.yellow,
            Some(Level::Yellow.code()),
        ),
        count(lang.t("warnings.total_active"), "", counted.total, None),
    ];
    let refs = Refs::load(&s).await?;
    let pager = pager(&params, found.total, PAGE_SIZE);
    let body = InboxPage {
        page: Page::build(
            &s,
            &u,
            lang,
            Section::Warnings,
            lang.t("nav.warnings").into(),
            &uri,
        )
        .await,
        filters,
        counts,
        levels: level_choices(lang),
        rules: rule_choices(lang),
        statuses: status_choices(lang),
        owners: refs.org_choices(lang),
        mine: mine_choices(lang),
        project,
        clear_project: params.href(&[("project", None), ("page", None)]),
        rows: found
            .items
            .iter()
            .map(|w| row_named(lang, &refs, w))
            .collect(),
        total: found.total,
        pager,
        filtered: params.filtered(),
    };
    html(&body)
}

/// One fact the rule used, labelled and formatted.
pub struct FactRow {
    pub label: String,
    pub value: String,
}

/// The names of a project's steps by key (empty when it has none).
async fn step_names(
    s: &AppState,
    scoped: &duikou_store::Scoped<'_>,
    project_id: i64,
) -> Result<HashMap<String, String>, StoreError> {
    let calendar = s.store.calendar().await?;
    match scoped.schedule(project_id, &calendar, s.today()).await {
        Ok(sch) => Ok(sch.steps.into_iter().map(|st| (st.key, st.name)).collect()),
        Err(StoreError::NotFound { .. }) => Ok(HashMap::new()),
        Err(e) => Err(e),
    }
}

fn fact_row(lang: Lang, steps: &HashMap<String, String>, name: &str, value: &str) -> FactRow {
    let label = lang
        .t_opt(&format!("fact.{name}"))
        .map(str::to_owned)
        .unwrap_or_else(|| name.to_owned());
    let value = if name.ends_with("_yuan") {
        value
            .parse::<i64>()
            .map(|y| fmt::money_text(lang, Money::from_yuan(y)))
            .unwrap_or_else(|_| value.to_owned())
    } else if name == "step_key" {
        match steps.get(value) {
            Some(n) => format!("{}（{value}）", lang.data(n)),
            None => value.to_owned(),
        }
    } else if name == "stage" {
        Stage::parse(value)
            .map(|s| labels::stage(lang, s).to_owned())
            .unwrap_or_else(|| value.to_owned())
    } else {
        lang.message(value)
    };
    FactRow { label, value }
}

pub struct EventRow {
    pub at: String,
    pub action: String,
    pub level_code: &'static str,
    pub level: &'static str,
    pub actor: String,
    pub text: String,
}

pub struct SlipLink {
    pub id: i64,
    pub title: String,
    pub status: &'static str,
    pub open: bool,
}

/// The forms of the warning page.
#[derive(Default)]
pub struct Forms {
    pub acknowledge: FormState,
    pub resolve: FormState,
    pub slip: FormState,
}

#[derive(askama::Template)]
#[template(path = "warnings/page.html")]
struct WarningPage {
    page: Page,
    w: WarningRow,
    subject: String,
    facts: Vec<FactRow>,
    thresholds_version: String,
    raised_at: String,
    updated_at: String,
    note: Option<String>,
    version: i64,
    can_acknowledge: bool,
    can_resolve: bool,
    can_supervise: bool,
    history: Vec<EventRow>,
    slips: Vec<SlipLink>,
    forms: Forms,
    flash: Option<&'static str>,
}

fn default_forms(s: &AppState, w: &Warning, lang: Lang) -> Forms {
    let mut forms = Forms::default();
    forms.slip.set(
        "requirement",
        format!(
            "{}{}",
            lang.message(&w.reason),
            lang.t("slip.requirement_default")
        ),
    );
    forms.slip.set(
        "reply_due",
        fmt::date(s.today() + chrono::Duration::days(7)),
    );
    forms
}

pub async fn show(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    axum::extract::Query(f): axum::extract::Query<Flash>,
) -> PageResult {
    let flash = match f.done.as_deref() {
        Some("acknowledged") => Some("warning.acknowledged"),
        Some("resolved") => Some("warning.resolved"),
        _ => None,
    };
    render(&s, &u, lang, &uri, id, None, flash).await
}

async fn render(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    id: i64,
    forms: Option<Forms>,
    flash: Option<&'static str>,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let (w, events) = scoped.warning(id).await?;
    let can_edit = scoped.editable(w.project_id).await.is_ok();
    let can_supervise = scoped.supervisable(w.project_id).await.is_ok();
    let open = w.closed_at.is_none();
    let slips = scoped
        .slips(
            &SlipFilter {
                project_id: Some(w.project_id),
                warning_id: Some(w.id),
                ..SlipFilter::default()
            },
            50,
            0,
        )
        .await?
        .items
        .into_iter()
        .map(|sl| SlipLink {
            id: sl.id,
            title: lang.data(&sl.title).into_owned(),
            status: labels::slip_status(lang, sl.status),
            open: sl.closed_at.is_none(),
        })
        .collect::<Vec<_>>();
    let forms = forms.unwrap_or_else(|| default_forms(s, &w, lang));
    let steps = step_names(s, &scoped, w.project_id).await?;
    let refs = Refs::load(s).await?;
    let r = row_named(lang, &refs, &w);
    let title = format!("{} · {}", r.rule, r.project);
    let body = WarningPage {
        page: Page::build(s, u, lang, Section::Warnings, title, uri).await,
        subject: subject_text(lang, &steps, &w.subject),
        facts: w
            .facts
            .iter()
            .map(|(k, v)| fact_row(lang, &steps, k, v))
            .collect(),
        thresholds_version: version_label(lang, &w.thresholds_version),
        raised_at: fmt::time(w.raised_at),
        updated_at: fmt::time(w.updated_at),
        note: w.note.as_deref().map(|n| lang.data(n).into_owned()),
        version: w.version,
        can_acknowledge: can_edit && open && w.status == WarningStatus::Open,
        can_resolve: can_edit
            && open
            && matches!(w.status, WarningStatus::Open | WarningStatus::Acknowledged),
        can_supervise: can_supervise && open && !slips.iter().any(|sl| sl.open),
        history: events
            .iter()
            .rev()
            .map(|e| EventRow {
                at: fmt::time(e.at),
                action: labels::warning_event(lang, &e.action),
                level_code: e.level.code(),
                level: labels::level(lang, e.level),
                actor: lang.data(&e.actor).into_owned(),
                text: e
                    .note
                    .as_deref()
                    .or(e.reason.as_deref())
                    .map(|t| lang.message(t))
                    .unwrap_or_default(),
            })
            .collect(),
        slips,
        forms,
        flash,
        w: r,
    };
    html(&body)
}

/// What a warning is about, in words: the project, a step, a problem …
fn subject_text(lang: Lang, steps: &HashMap<String, String>, subject: &str) -> String {
    match subject.split_once(':') {
        None => lang.t("subject.project").to_owned(),
        Some((kind, key)) => {
            let what = match steps.get(key) {
                Some(name) if kind != "problem" => lang.data(name).into_owned(),
                _ => key.to_owned(),
            };
            match lang.t_opt(&format!("subject.{kind}")) {
                Some(label) => format!("{label}「{what}」"),
                None => subject.to_owned(),
            }
        }
    }
}

const NOTE_FIELDS: [&str; 1] = ["note"];

#[derive(Clone, Copy)]
enum Answer {
    Acknowledge,
    Resolve,
}

async fn answer(
    s: AppState,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    id: i64,
    data: crate::shared::page::FormData,
    how: Answer,
) -> PageResult {
    let mut form = FormState::from_data(&data);
    let version = data.get("version").parse::<i64>().ok();
    let scoped = s.store.scoped(&u.access);
    let note = data.get("note");
    let done = if note.is_empty() {
        // Said here, next to the field, before the store is asked.
        Err(StoreError::invalid(
            "note",
            "required",
            lang.t("warning.note_required"),
        ))
    } else {
        match how {
            Answer::Acknowledge => scoped.acknowledge_warning(id, version, note).await,
            Answer::Resolve => scoped.resolve_warning(id, version, note).await,
        }
    };
    let flash = match how {
        Answer::Acknowledge => "acknowledged",
        Answer::Resolve => "resolved",
    };
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/warnings/{id}?done={flash}")).into_response()),
        // Someone without the right has no form to show the refusal in: an error page.
        Err(e @ StoreError::Forbidden(_)) => Err(e.into()),
        Err(e) => {
            form.store_error(&NOTE_FIELDS, lang, e)?;
            let (w, _) = scoped.warning(id).await?;
            let mut forms = default_forms(&s, &w, lang);
            match how {
                Answer::Acknowledge => forms.acknowledge = form,
                Answer::Resolve => forms.resolve = form,
            }
            unprocessable(render(&s, &u, lang, &uri, id, Some(forms), None).await)
        }
    }
}

pub async fn acknowledge(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    answer(s, u, lang, uri, id, data, Answer::Acknowledge).await
}

pub async fn resolve(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    answer(s, u, lang, uri, id, data, Answer::Resolve).await
}

const SLIP_FIELDS: [&str; 2] = ["requirement", "reply_due"];

/// A supervisor opens a slip for this warning by hand.
pub async fn issue_slip(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let (w, _) = scoped.warning(id).await?;
    let mut form = FormState::from_data(&data);
    let mut errs = Vec::new();
    let due = parse_date(&data, "reply_due", &mut errs);
    if due.is_none() && errs.is_empty() {
        errs.push(duikou_core::FieldError::new(
            "reply_due",
            "required",
            lang.t("err.required"),
        ));
    }
    if let (Some(reply_due), true) = (due, errs.is_empty()) {
        let new = NewSlip {
            project_id: w.project_id,
            requirement: data.get("requirement").to_owned(),
            reply_due,
            warning_id: Some(w.id),
        };
        match scoped.issue_slip(&new).await {
            Ok(slip) => {
                return Ok(Redirect::to(&format!("/slips/{}?done=issued", slip.id)).into_response())
            }
            Err(e @ StoreError::Forbidden(_)) => return Err(e.into()),
            Err(e) => form.store_error(&SLIP_FIELDS, lang, e)?,
        }
    }
    form.add_all(&SLIP_FIELDS, lang, &errs);
    let mut forms = default_forms(&s, &w, lang);
    forms.slip = form;
    unprocessable(render(&s, &u, lang, &uri, id, Some(forms), None).await)
}

/// A threshold set's version as an official reads it: the shipped set "default-2026" as
/// 系统默认（2026）; a set an administrator named, as named.
pub(crate) fn version_label(lang: Lang, version: &str) -> String {
    match version.strip_prefix("default-") {
        Some(year) => format!("{}（{year}）", lang.t("threshold.default_set")),
        None => lang.data(version).into_owned(),
    }
}
