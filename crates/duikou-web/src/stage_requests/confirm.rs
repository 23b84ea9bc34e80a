//! 推进到 on the project page: a move to the next stage (or a resumption) is made at once;
//! any other (a skip, a move back, 暂缓, 终止) first shows what it will change — the warnings
//! it clears or raises, how the statistics move, whether it waits for approval — and is made,
//! or sent for approval, only when the writer confirms.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect};
use duikou_core::input::Input;
use duikou_core::stats::funnel_change;
use duikou_core::{FieldError, Stage};
use duikou_store::{OpenWarning, StoreError, TransitionInput, TransitionPreview};

use crate::projects::page::{default_forms, render};
use crate::shared::forms::{parse_date, unprocessable, FormState};
use crate::shared::i18n::Lang;
use crate::shared::page::{html, CsrfForm, Page, PageResult, PageUser, Section};
use crate::shared::path::Path;
use crate::shared::{fmt, labels};
use crate::AppState;

pub const TRANSITION_FIELDS: [&str; 4] = ["to", "effective_date", "reason", "override"];

/// A warning as the confirmation lists it.
pub struct WarningLine {
    pub level_code: &'static str,
    pub level: &'static str,
    pub rule: &'static str,
    pub reason: String,
}

#[derive(askama::Template)]
#[template(path = "stage_requests/confirm.html")]
struct ConfirmPage {
    page: Page,
    id: i64,
    name: String,
    from: &'static str,
    to: &'static str,
    to_code: &'static str,
    kind: &'static str,
    date: String,
    reason: String,
    override_rules: bool,
    version: i64,
    /// The move waits for approval and this writer does not supervise the project.
    request: bool,
    /// The move needs approval but the writer supervises the project.
    approve_self: bool,
    cleared: Vec<WarningLine>,
    raised: Vec<WarningLine>,
    /// "落地及以后 +1" …
    funnel: Vec<String>,
    agreement: Option<&'static str>,
}

fn lines(lang: Lang, ws: &[OpenWarning]) -> Vec<WarningLine> {
    ws.iter()
        .map(|w| WarningLine {
            level_code: w.level.code(),
            level: labels::level(lang, w.level),
            rule: labels::rule(lang, w.rule),
            reason: lang.message(&w.reason),
        })
        .collect()
}

/// The move the form asks for, or every error in it.
fn input_of(data: &Input, lang: Lang) -> Result<TransitionInput, Vec<FieldError>> {
    let mut errs = Vec::new();
    let to = Stage::parse(data.get("to"));
    if to.is_none() {
        errs.push(FieldError::new("to", "required", lang.t("err.required")));
    }
    let date = parse_date(data, "effective_date", &mut errs);
    match to {
        Some(to) if errs.is_empty() => Ok(TransitionInput {
            to,
            effective_date: date,
            reason: data.opt("reason"),
            override_rules: data.checked("override"),
        }),
        _ => Err(errs),
    }
}

pub async fn transition(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let mut form = FormState::from_data(&data);
    let scoped = s.store.scoped(&u.access);
    let written = match input_of(&data, lang) {
        Err(errs) => {
            form.add_all(&TRANSITION_FIELDS, lang, &errs);
            None
        }
        Ok(input) if data.checked("confirmed") => {
            let version = data.get("version").parse::<i64>().ok();
            Some(if data.checked("request") {
                scoped
                    .request_stage_change(id, &input)
                    .await
                    .map(|_| "requested")
            } else {
                scoped
                    .transition(id, version, &input)
                    .await
                    .map(|_| "transition")
            })
        }
        // Core says what kind of move it is: the next stage (or a resumption) is made at once,
        // without the rolled-back trial a confirmation needs; anything else is previewed.
        Ok(input) => {
            let p = scoped.project(id).await?;
            match input.apply(&p, s.today()) {
                Err(v) => Some(Err(StoreError::Invalid(v))),
                Ok(m) if !m.kind.needs_confirmation() => Some(
                    scoped
                        .transition(id, Some(p.version), &input)
                        .await
                        .map(|_| "transition"),
                ),
                Ok(_) => match scoped.preview_transition(id, &input).await {
                    Ok(pv) => return confirm_page(&s, &u, lang, &uri, id, &input, &pv).await,
                    Err(e) => Some(Err(e)),
                },
            }
        }
    };
    match written {
        Some(Ok(done)) => {
            return Ok(
                Redirect::to(&format!("/projects/{id}?done={done}#transition")).into_response(),
            )
        }
        Some(Err(e @ StoreError::Forbidden(_))) => return Err(e.into()),
        Some(Err(e)) => form.store_error(&TRANSITION_FIELDS, lang, e)?,
        None => {}
    }
    let mut forms = default_forms(&s, lang);
    forms.transition = form;
    unprocessable(render(&s, &u, lang, &uri, id, forms, None).await)
}

async fn confirm_page(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    id: i64,
    input: &TransitionInput,
    pv: &TransitionPreview,
) -> PageResult {
    let p = s.store.scoped(&u.access).project(id).await?;
    let name = lang.data(&p.fields.name).into_owned();
    let agreement = match (pv.from.counts_agreement(), pv.to.counts_agreement()) {
        (false, true) if p.fields.agreement_amount.is_some() => Some("confirm.agreement_in"),
        (true, false) if p.fields.agreement_amount.is_some() => Some("confirm.agreement_out"),
        _ => None,
    };
    html(&ConfirmPage {
        page: Page::build(
            s,
            u,
            lang,
            Section::Projects,
            lang.t("confirm.title").into(),
            uri,
        )
        .await,
        id,
        from: labels::stage(lang, pv.from),
        to: labels::stage(lang, pv.to),
        to_code: pv.to.code(),
        kind: labels::move_kind(lang, pv.kind),
        date: fmt::date(pv.effective_date),
        reason: input.reason.clone().unwrap_or_default(),
        override_rules: input.override_rules,
        version: pv.version,
        request: pv.needs_approval && !pv.may_decide,
        approve_self: pv.needs_approval && pv.may_decide,
        cleared: lines(lang, &pv.cleared),
        raised: lines(lang, &pv.raised),
        funnel: funnel_change(pv.from, pv.to)
            .into_iter()
            .map(|(st, d)| {
                let label = lang
                    .t("list.and_beyond")
                    .replace("{stage}", labels::stage(lang, st));
                format!("{label} {}{d}", if d > 0 { "+" } else { "" })
            })
            .collect(),
        agreement: agreement.map(|k| lang.t(k)),
        name,
    })
}
