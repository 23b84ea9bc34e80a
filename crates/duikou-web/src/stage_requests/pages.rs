//! 审批: the stage changes asked for (by default those waiting on the user: of the projects
//! they supervise), each with 批准 and 退回 for a coordinator and 撤回 for the project's
//! writers; and the box on a project's page for the one waiting there.

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect};
use duikou_core::stage_request::{RequestAction, RequestStatus, StageRequest};
use duikou_store::{RequestFilter, StoreError};

use crate::shared::forms::{unprocessable, FormState};
use crate::shared::i18n::Lang;
use crate::shared::page::{html, CsrfForm, Page, PageResult, PageUser, Section};
use crate::shared::params::{pager, Pager, UrlParams};
use crate::shared::path::Path;
use crate::shared::refs::Choice;
use crate::shared::{fmt, labels};
use crate::AppState;

const PAGE_SIZE: i64 = 50;
const PARAMS: [&str; 3] = ["status", "whose", "page"];

/// A request as a row (of the list, or the box on its project's page).
pub struct RequestLine {
    pub id: i64,
    pub version: i64,
    pub project_id: i64,
    pub project: String,
    /// 签约 → 投产（跨阶段推进）
    pub what: String,
    pub reason: String,
    pub date: String,
    pub asked: String,
    pub status_code: &'static str,
    pub status: &'static str,
    /// Who decided and why, once decided.
    pub decision: String,
    pub pending: bool,
    /// Its 退回 form (what was typed and the error, after a refusal).
    pub form: FormState,
}

/// "name · unit" of each user by login, for the people a page names.
pub(crate) async fn people(s: &AppState) -> Result<HashMap<String, String>, StoreError> {
    let orgs: HashMap<i64, String> = s
        .store
        .orgs(None)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(s.store
        .users()
        .await?
        .into_iter()
        .map(|u| {
            let unit = u.org_id.and_then(|o| orgs.get(&o)).cloned();
            let name = match unit {
                Some(unit) => format!("{} · {unit}", u.display_name),
                None => u.display_name,
            };
            (u.login, name)
        })
        .collect())
}

/// The person a login names, "name · unit"; a login no user has is the system's (the demo,
/// an import, an operator): 系统（name）.
pub(crate) fn person(lang: Lang, who: &HashMap<String, String>, login: &str) -> String {
    match who.get(login) {
        Some(name) => lang.data(name).into_owned(),
        None => format!("{}（{login}）", lang.t("history.system")),
    }
}

pub(crate) fn line(
    lang: Lang,
    who: &HashMap<String, String>,
    r: &StageRequest,
    project: &str,
) -> RequestLine {
    let name = |login: &str| person(lang, who, login);
    let decision = match (&r.decided_by, &r.decision_note) {
        (Some(by), Some(note)) => format!("{} · {}", name(by), lang.data(note)),
        (Some(by), None) => name(by),
        _ => String::new(),
    };
    RequestLine {
        id: r.id,
        version: r.version,
        project_id: r.project_id,
        project: lang.data(project).into_owned(),
        what: format!(
            "{} → {}（{}）",
            labels::stage(lang, r.from_stage),
            labels::stage(lang, r.to_stage),
            labels::move_kind(lang, r.kind)
        ),
        reason: lang.data(&r.reason).into_owned(),
        date: fmt::date(r.effective_date),
        asked: lang
            .t("request.asked")
            .replace("{who}", &name(&r.requested_by))
            .replace("{at}", &fmt::time(r.requested_at)),
        status_code: r.status.code(),
        status: labels::request_status(lang, r.status),
        decision,
        pending: r.status == RequestStatus::Pending,
        form: FormState::default(),
    }
}

#[derive(askama::Template)]
#[template(path = "stage_requests/list.html")]
struct ListPage {
    page: Page,
    filters: FormState,
    statuses: Vec<Choice>,
    whose: Vec<Choice>,
    rows: Vec<RequestLine>,
    total: i64,
    pager: Pager,
    filtered: bool,
    flash: Option<&'static str>,
}

fn choices(lang: Lang) -> (Vec<Choice>, Vec<Choice>) {
    let statuses = RequestStatus::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: labels::request_status(lang, s).to_owned(),
        })
        .collect();
    let whose = vec![Choice {
        value: "all".to_owned(),
        label: lang.t("request.all").to_owned(),
    }];
    (statuses, whose)
}

pub async fn list(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> PageResult {
    list_page(&s, &u, lang, &uri, query.as_deref(), None).await
}

async fn list_page(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    query: Option<&str>,
    failed: Option<(i64, FormState)>,
) -> PageResult {
    let params = UrlParams::parse("/stage-requests", &PARAMS, query);
    let mut filters = FormState::default();
    for (k, v) in &params.map {
        filters.set(k, v.clone());
    }
    // By default: those waiting, on the user's decision.
    let status = match params.get("status") {
        "" => Some(RequestStatus::Pending),
        code => RequestStatus::parse(code),
    };
    if status.is_none() {
        filters.failed = true;
        filters
            .errors
            .insert("status".into(), lang.t("list.bad_value").into());
    }
    filters.set("status", status.map_or("", |s| s.code()));
    let filter = RequestFilter {
        status,
        project_id: None,
        to_decide: params.get("whose") != "all",
    };
    let offset = (params.page() - 1).saturating_mul(PAGE_SIZE);
    let found = s
        .store
        .scoped(&u.access)
        .stage_requests(&filter, PAGE_SIZE, offset)
        .await?;
    let who = people(s).await?;
    let (statuses, whose) = choices(lang);
    let done = query.and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("done=")));
    let flash = match done {
        Some("approved") => Some("request.approved"),
        Some("rejected") => Some("request.rejected"),
        Some("withdrawn") => Some("request.withdrawn"),
        _ => None,
    };
    let failed_any = failed.is_some();
    let mut rows: Vec<RequestLine> = found
        .items
        .iter()
        .map(|r| line(lang, &who, &r.request, &r.project_name))
        .collect();
    if let Some((id, form)) = failed {
        match rows.iter_mut().find(|r| r.id == id) {
            Some(r) => r.form = form,
            None => return Err(StoreError::not_found("stage_request", id).into()),
        }
    }
    let body = ListPage {
        page: Page::build(
            s,
            u,
            lang,
            Section::Requests,
            lang.t("request.title").into(),
            uri,
        )
        .await,
        filters,
        statuses,
        whose,
        rows,
        total: found.total,
        pager: pager(&params, found.total, PAGE_SIZE),
        filtered: params.filtered(),
        flash,
    };
    if failed_any {
        unprocessable(html(&body))
    } else {
        html(&body)
    }
}

/// 批准, 退回 or 撤回 from a form; back to the list, or to the project's page when the form
/// was there (`?from=project`).
pub async fn act(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path((id, action)): Path<(i64, String)>,
    RawQuery(query): RawQuery,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let version = data.get("version").parse::<i64>().ok();
    let mut form = FormState::from_data(&data);
    let result = match action.as_str() {
        "approve" => scoped
            .approve_stage_request(id, version)
            .await
            .map(|(p, _)| (p.id, "approved")),
        name => match RequestAction::parse(name, &data) {
            Ok(a) => scoped
                .act_on_stage_request(id, version, &a)
                .await
                .map(|r| match r.status {
                    RequestStatus::Rejected => (r.project_id, "rejected"),
                    _ => (r.project_id, "withdrawn"),
                }),
            Err(errs) => {
                if errs.iter().any(|e| e.field == "action") {
                    return Err(StoreError::not_found("action", name).into());
                }
                form.add_all(RequestAction::fields(name), lang, &errs);
                return list_page(&s, &u, lang, &uri, None, Some((id, form))).await;
            }
        },
    };
    match result {
        Ok((project, done)) => {
            let to = if query.as_deref() == Some("from=project") {
                format!("/projects/{project}?done={done}#transition")
            } else {
                format!("/stage-requests?done={done}")
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (StoreError::Forbidden(_) | StoreError::NotFound { .. })) => Err(e.into()),
        Err(e) => {
            form.store_error(&["note", "to", "status"], lang, e)?;
            list_page(&s, &u, lang, &uri, None, Some((id, form))).await
        }
    }
}
