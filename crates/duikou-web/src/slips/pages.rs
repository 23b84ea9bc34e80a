//! 督办: the supervision slips of the projects the user reads (open first, overdue marked) and
//! one slip with its requirement, the deadline in force, the rectification plan (整改方案), a
//! pending extension (申请延期) and its history. The forms follow the party and the state: the
//! owner (who edits the project) replies with a plan, reports items done and asks for more
//! time; the supervisor (coordinators and leaders over the project) accepts or returns the
//! plan, decides an extension and closes the slip (销号).

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect};
use duikou_core::slip::{SlipAction, SlipStatus, MAX_PLAN_ROWS};
use duikou_store::{Slip, SlipFilter, StoreError};

use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::page::Flash;
use crate::shared::page::{html, CsrfForm, Page, PageResult, PageUser, Section};
use crate::shared::params::{pager, Pager, UrlParams};
use crate::shared::refs::{Choice, Refs};
use crate::shared::{fmt, labels};
use crate::AppState;

pub const PAGE_SIZE: i64 = 50;

const PARAMS: [&str; 4] = ["status", "project", "owner", "page"];

/// Rows of an empty plan form; the owner adds more with a button.
const MIN_PLAN_ROWS: usize = 3;

pub struct SlipRow {
    pub id: i64,
    pub title: String,
    pub project_id: i64,
    pub project: String,
    pub owner: String,
    pub status_code: &'static str,
    pub status: &'static str,
    pub due: String,
    pub overdue: bool,
    pub issued_by: String,
    pub created: String,
}

fn row(lang: Lang, s: &Slip) -> SlipRow {
    SlipRow {
        id: s.id,
        title: lang.data(&s.title).into_owned(),
        project_id: s.project_id,
        project: lang.data(&s.project_name).into_owned(),
        owner: s
            .owner_name
            .as_deref()
            .map(|n| lang.data(n).into_owned())
            .unwrap_or_else(|| "—".to_owned()),
        status_code: s.status.code(),
        status: labels::slip_status(lang, s.status),
        due: fmt::date(s.current_due),
        overdue: s.overdue,
        issued_by: lang.data(&s.issued_by).into_owned(),
        created: fmt::time(s.created_at),
    }
}

#[derive(askama::Template)]
#[template(path = "slips/list.html")]
struct ListPage {
    page: Page,
    filters: FormState,
    statuses: Vec<Choice>,
    owners: Vec<Choice>,
    project: Option<(i64, String)>,
    rows: Vec<SlipRow>,
    total: i64,
    pager: Pager,
    filtered: bool,
}

fn status_choices(lang: Lang) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: "open".to_owned(),
        label: lang.t("slips.open").to_owned(),
    }];
    out.extend(SlipStatus::ALL.into_iter().map(|s| Choice {
        value: s.code().to_owned(),
        label: labels::slip_status(lang, s).to_owned(),
    }));
    out
}

pub async fn list(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> PageResult {
    let params = UrlParams::parse("/slips", &PARAMS, query.as_deref());
    let mut filters = FormState::default();
    for (k, v) in &params.map {
        filters.set(k, v.clone());
    }
    let mut filter = SlipFilter::default();
    let mut bad = |field: &str| {
        filters.failed = true;
        filters
            .errors
            .insert(field.to_owned(), lang.t("list.bad_value").to_owned());
    };
    match params.get("status") {
        "" => {}
        "open" => filter.open = true,
        st => match SlipStatus::parse(st) {
            Some(st) => filter.status = Some(st),
            None => bad("status"),
        },
    }
    match params.id("owner") {
        Ok(o) => filter.owner_org_id = o,
        Err(()) => bad("owner"),
    }
    match params.id("project") {
        Ok(o) => filter.project_id = o,
        Err(()) => bad("project"),
    }
    let scoped = s.store.scoped(&u.access);
    let project = match filter.project_id {
        Some(pid) => {
            let p = scoped.project(pid).await?;
            Some((pid, lang.data(&p.fields.name).into_owned()))
        }
        None => None,
    };
    let page_no = params.page();
    let offset = (page_no - 1).saturating_mul(PAGE_SIZE);
    let found = scoped.slips(&filter, PAGE_SIZE, offset).await?;
    let refs = Refs::load(&s).await?;
    let pager = pager(&params, found.total, PAGE_SIZE);
    html(&ListPage {
        page: Page::build(
            &s,
            &u,
            lang,
            Section::Slips,
            lang.t("nav.slips").into(),
            &uri,
        )
        .await,
        filters,
        statuses: status_choices(lang),
        owners: refs.org_choices(lang),
        project,
        rows: found.items.iter().map(|sl| row(lang, sl)).collect(),
        total: found.total,
        pager,
        filtered: params.filtered(),
    })
}

/// A row of the plan as shown.
pub struct PlanRow {
    pub n: usize,
    pub action: String,
    pub due: String,
    pub done_on: Option<String>,
    pub late: bool,
}

/// A row of the plan form (what was typed, and its errors).
pub struct PlanInput {
    pub n: usize,
    pub action_name: String,
    pub due_name: String,
    pub action: String,
    pub due: String,
    pub action_error: Option<String>,
    pub due_error: Option<String>,
}

pub struct EventRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub status: &'static str,
    pub note: String,
}

/// The forms of the slip page.
#[derive(Default)]
pub struct Forms {
    pub reply: FormState,
    pub progress: FormState,
    pub extension: FormState,
    pub review: FormState,
    pub decide: FormState,
    pub close: FormState,
}

#[derive(askama::Template)]
#[template(path = "slips/page.html")]
struct SlipPage {
    page: Page,
    s: SlipRow,
    requirement: String,
    reply_due: String,
    warning_id: Option<i64>,
    version: i64,
    plan: Vec<PlanRow>,
    extension: Option<(String, String, String)>,
    history: Vec<EventRow>,
    forms: Forms,
    plan_inputs: Vec<PlanInput>,
    open_items: Vec<Choice>,
    can_reply: bool,
    can_progress: bool,
    can_extend: bool,
    can_review: bool,
    can_decide: bool,
    can_close: bool,
    is_owner: bool,
    is_supervisor: bool,
    flash: Option<&'static str>,
}

fn flash_key(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "issued" => "slip.done.issued",
        "reply" => "slip.done.reply",
        "accept" => "slip.done.accept",
        "return" => "slip.done.return",
        "progress" => "slip.done.progress",
        "request_extension" => "slip.done.request_extension",
        "decide_extension" => "slip.done.decide_extension",
        "close" => "slip.done.close",
        _ => return None,
    })
}

pub async fn show(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    Query(f): Query<Flash>,
) -> PageResult {
    render(&s, &u, lang, &uri, id, None, flash_key(f.done.as_deref())).await
}

/// The plan form's rows: what was typed (or the returned plan), at least three, plus one
/// when the owner asked for another row.
fn plan_inputs(form: &FormState, more: bool) -> Vec<PlanInput> {
    let typed = (0..MAX_PLAN_ROWS)
        .rev()
        .find(|i| {
            !form.value(&format!("plan[{i}].action")).is_empty()
                || !form.value(&format!("plan[{i}].due")).is_empty()
        })
        .map_or(0, |i| i + 1);
    let rows = (typed + usize::from(more)).clamp(MIN_PLAN_ROWS, MAX_PLAN_ROWS);
    (0..rows)
        .map(|i| {
            let action_name = format!("plan[{i}].action");
            let due_name = format!("plan[{i}].due");
            PlanInput {
                n: i + 1,
                action: form.value(&action_name).to_owned(),
                due: form.value(&due_name).to_owned(),
                action_error: form.error(&action_name).map(str::to_owned),
                due_error: form.error(&due_name).map(str::to_owned),
                action_name,
                due_name,
            }
        })
        .collect()
}

async fn render(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    id: i64,
    forms: Option<(Forms, bool)>,
    flash: Option<&'static str>,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let (slip, events) = scoped.slip(id).await?;
    let is_owner = scoped.editable(slip.project_id).await.is_ok();
    let is_supervisor = scoped.supervisable(slip.project_id).await.is_ok();
    let today = s.today();
    let (mut forms, more) = forms.unwrap_or_else(|| (default_forms(s, &slip), false));
    if !forms.reply.failed && !more && slip.status == SlipStatus::Returned {
        // A returned plan is offered again for changes.
        for (i, p) in slip.plan.iter().enumerate() {
            forms
                .reply
                .set(&format!("plan[{i}].action"), p.action.clone());
            forms.reply.set(&format!("plan[{i}].due"), fmt::date(p.due));
        }
    }
    let closed = slip.status == SlipStatus::Closed;
    let open_items = slip
        .plan
        .iter()
        .enumerate()
        .filter(|(_, p)| p.done_on.is_none())
        .map(|(i, p)| Choice {
            value: i.to_string(),
            label: format!("{}. {}", i + 1, lang.data(&p.action)),
        })
        .collect::<Vec<_>>();
    let body = SlipPage {
        page: Page::build(
            s,
            u,
            lang,
            Section::Slips,
            lang.data(&slip.title).into_owned(),
            uri,
        )
        .await,
        requirement: lang.data(&slip.requirement).into_owned(),
        reply_due: fmt::date(slip.reply_due),
        warning_id: slip.warning_id,
        version: slip.version,
        plan: slip
            .plan
            .iter()
            .enumerate()
            .map(|(i, p)| PlanRow {
                n: i + 1,
                action: lang.data(&p.action).into_owned(),
                due: fmt::date(p.due),
                done_on: p.done_on.map(fmt::date),
                late: p.done_on.is_none() && p.due < today && !closed,
            })
            .collect(),
        extension: slip.extension.as_ref().map(|e| {
            (
                fmt::date(e.new_due),
                lang.data(&e.reason).into_owned(),
                fmt::date(e.requested_on),
            )
        }),
        history: events
            .iter()
            .rev()
            .map(|e| EventRow {
                at: fmt::time(e.at),
                actor: lang.data(&e.actor).into_owned(),
                action: labels::slip_event(lang, &e.action),
                status: labels::slip_status(lang, e.status),
                note: e
                    .note
                    .as_deref()
                    .map(|n| lang.message(n))
                    .unwrap_or_default(),
            })
            .collect(),
        plan_inputs: plan_inputs(&forms.reply, more),
        can_reply: is_owner && slip.status.awaits_reply(),
        can_progress: is_owner && slip.status == SlipStatus::Accepted && !open_items.is_empty(),
        can_extend: is_owner && !closed && slip.extension.is_none() && today <= slip.current_due,
        can_review: is_supervisor && slip.status == SlipStatus::Replied,
        can_decide: is_supervisor && !closed && slip.extension.is_some(),
        can_close: is_supervisor && slip.status == SlipStatus::Accepted,
        open_items,
        is_owner,
        is_supervisor,
        forms,
        flash,
        s: row(lang, &slip),
    };
    html(&body)
}

fn default_forms(s: &AppState, slip: &Slip) -> Forms {
    let mut forms = Forms::default();
    forms.progress.set("done_on", fmt::date(s.today()));
    forms.extension.set(
        "new_due",
        fmt::date(slip.current_due + chrono::Duration::days(14)),
    );
    forms
}

/// Field errors of the plan name rows of the submitted plan (blank rows left out); this puts
/// them back on the rows of the form.
fn remap_plan_field(field: &str, rows: &[usize]) -> String {
    let Some(rest) = field.strip_prefix("plan[") else {
        return field.to_owned();
    };
    let Some((k, tail)) = rest.split_once(']') else {
        return field.to_owned();
    };
    match k.parse::<usize>().ok().and_then(|k| rows.get(k)) {
        Some(row) => format!("plan[{row}]{tail}"),
        None => field.to_owned(),
    }
}

/// Which form an action belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Reply,
    Progress,
    Extension,
    Review,
    Decide,
    Close,
}

/// One step of the workflow, from whichever form was sent (its button says which).
pub async fn act(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let mut form = FormState::from_data(&data);
    form.values.remove("action");
    form.values.remove("version");
    let version = data.get("version").parse::<i64>().ok();
    let name = data.get("action");
    let which = match name {
        "more_rows" => {
            let mut forms = default_forms(&s, &s.store.scoped(&u.access).slip(id).await?.0);
            forms.reply = form;
            return render(&s, &u, lang, &uri, id, Some((forms, true)), None).await;
        }
        "reply" => Which::Reply,
        "accept" | "return" => Which::Review,
        "progress" => Which::Progress,
        "request_extension" => Which::Extension,
        "approve_extension" | "refuse_extension" => Which::Decide,
        "close" => Which::Close,
        _ => {
            return Err(crate::shared::page::PageError::new(
                StatusCode::BAD_REQUEST,
                "error.invalid",
            ))
        }
    };
    // Core's parse of the action, the same for every door.
    let (action, rows, mut errs) = match SlipAction::parse(name, &data) {
        Ok(p) => (Some(p.action), p.plan_rows, Vec::new()),
        Err(errs) => (None, Vec::new(), errs),
    };
    let fields = SlipAction::fields(name);
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    if let (Some(action), true) = (action, errs.is_empty()) {
        let code = action.code();
        match s
            .store
            .scoped(&u.access)
            .act_on_slip(id, version, &action)
            .await
        {
            Ok(_) => return Ok(Redirect::to(&format!("/slips/{id}?done={code}")).into_response()),
            Err(StoreError::Invalid(v)) => {
                for mut e in v.0 {
                    e.field = remap_plan_field(&e.field, &rows);
                    errs.push(e);
                }
            }
            Err(e @ StoreError::Forbidden(_)) => return Err(e.into()),
            Err(e) => form.store_error(&fields, lang, e)?,
        }
    }
    form.add_all(&fields, lang, &errs);
    let (slip, _) = s.store.scoped(&u.access).slip(id).await?;
    let mut forms = default_forms(&s, &slip);
    match which {
        Which::Reply => forms.reply = form,
        Which::Progress => forms.progress = form,
        Which::Extension => forms.extension = form,
        Which::Review => forms.review = form,
        Which::Decide => forms.decide = form,
        Which::Close => forms.close = form,
    }
    render(&s, &u, lang, &uri, id, Some((forms, false)), None)
        .await
        .map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_errors_land_on_the_rows_they_were_typed_in() {
        // Rows 0 and 2 were typed, row 1 left blank: the core's plan[1] is form row 2.
        assert_eq!(remap_plan_field("plan[1].due", &[0, 2]), "plan[2].due");
        assert_eq!(
            remap_plan_field("plan[0].action", &[0, 2]),
            "plan[0].action"
        );
        assert_eq!(remap_plan_field("note", &[0, 2]), "note");
        assert_eq!(remap_plan_field("plan", &[0, 2]), "plan");
    }

    #[test]
    fn the_plan_form_grows_by_one_row_on_request() {
        let mut f = FormState::default();
        assert_eq!(plan_inputs(&f, false).len(), MIN_PLAN_ROWS);
        f.set("plan[3].action", "协调用地");
        assert_eq!(plan_inputs(&f, false).len(), 4);
        assert_eq!(plan_inputs(&f, true).len(), 5);
        assert_eq!(plan_inputs(&f, true)[3].action, "协调用地");
    }
}
