//! 项目管家 (/steps): the steps of every project the user reads that need attention — late,
//! due within a week — and the 容缺受理 awaiting documents and 告知承诺 awaiting verification
//! with their working-day deadlines. Each row links to the step's page.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::Uri;
use duikou_core::steps::{open_commitments, open_deficiencies, Template};
use duikou_store::OpenStep;

use crate::shared::fmt;
use crate::shared::i18n::Lang;
use crate::shared::page::{html, Page, PageResult, PageUser, Section};
use crate::steps::pages::status_label;
use crate::AppState;

/// The most rows read for the board.
const LIMIT: i64 = 2000;

pub struct BoardRow {
    pub project_id: i64,
    pub project: String,
    pub key: String,
    pub step: String,
    pub owner: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub due: String,
}

pub struct FollowUpRow {
    pub project_id: i64,
    pub project: String,
    pub key: String,
    pub step: String,
    pub kind: &'static str,
    pub opened_on: String,
    pub deadline: String,
    pub days_left: i64,
    pub overdue: bool,
}

#[derive(askama::Template)]
#[template(path = "steps/board.html")]
struct BoardPage {
    page: Page,
    late: Vec<BoardRow>,
    due_soon: Vec<BoardRow>,
    follow_ups: Vec<FollowUpRow>,
    week_end: String,
}

pub async fn board(State(s): State<AppState>, u: PageUser, lang: Lang, uri: Uri) -> PageResult {
    let today = s.today();
    let week_end = today + chrono::Duration::days(7);
    let rows = s
        .store
        .scoped(&u.access)
        .open_steps(week_end, LIMIT)
        .await?;
    let calendar = s.store.calendar().await?;
    let mut templates: HashMap<(String, i32), Template> = HashMap::new();
    for r in &rows {
        if let std::collections::hash_map::Entry::Vacant(e) =
            templates.entry((r.template_key.clone(), r.template_version))
        {
            let t = s
                .store
                .template(&r.template_key, Some(r.template_version))
                .await?;
            e.insert(t);
        }
    }
    let (mut late, mut due_soon, mut follow_ups) = (Vec::new(), Vec::new(), Vec::new());
    for r in &rows {
        let Some(t) = templates.get(&(r.template_key.clone(), r.template_version)) else {
            continue;
        };
        let open = !r.state.is_finished();
        match r.planned_due {
            Some(d) if open && d < today => late.push(board_row(lang, t, r, d)),
            Some(d) if open && d <= week_end => due_soon.push(board_row(lang, t, r, d)),
            _ => {}
        }
        let states = std::slice::from_ref(&r.state);
        let items = open_deficiencies(t, states, &calendar, today)
            .into_iter()
            .chain(open_commitments(t, states, &calendar, today));
        for i in items {
            let kind = match i.kind {
                duikou_core::steps::OpenItemKind::Deficiency => lang.t("step.deficiency"),
                _ => lang.t("step.commitment"),
            };
            follow_ups.push(FollowUpRow {
                project_id: r.project_id,
                project: lang.data(&r.project_name).into_owned(),
                key: r.state.key.clone(),
                step: lang.data(&i.step_name).into_owned(),
                kind,
                opened_on: fmt::date(i.opened_on),
                deadline: fmt::date(i.deadline),
                days_left: i.working_days_left,
                overdue: i.overdue,
            });
        }
    }
    follow_ups.sort_by(|a, b| a.deadline.cmp(&b.deadline));
    let title = lang.t("nav.steps").to_owned();
    html(&BoardPage {
        page: Page::build(&s, &u, lang, Section::Steps, title, &uri).await,
        late,
        due_soon,
        follow_ups,
        week_end: fmt::date(week_end),
    })
}

fn board_row(lang: Lang, t: &Template, r: &OpenStep, due: chrono::NaiveDate) -> BoardRow {
    let def = t.step(&r.state.key);
    BoardRow {
        project_id: r.project_id,
        project: lang.data(&r.project_name).into_owned(),
        key: r.state.key.clone(),
        step: def
            .map(|d| lang.data(&d.name).into_owned())
            .unwrap_or_else(|| r.state.key.clone()),
        owner: def
            .map(|d| lang.data(&d.owner).into_owned())
            .unwrap_or_default(),
        status: status_label(lang, r.state.status),
        status_code: r.state.status.code(),
        due: fmt::date(due),
    }
}
