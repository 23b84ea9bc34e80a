//! 项目管家 (/steps): the steps of every project the user reads that need attention. Late
//! steps are grouped by project, each chain shown by its first late step with its 逾期天数
//! and the steps 顺延 behind it; then the steps due within a week and the 容缺受理 awaiting
//! documents and 告知承诺 awaiting verification. Filters (step 责任单位, status, list) live in
//! the URL; 导出Excel exports what the board shows.

use axum::extract::{RawQuery, State};
use axum::http::Uri;

use crate::shared::fmt;
use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::page::{html, Page, PageResult, PageUser, Section};
use crate::shared::params::UrlParams;
use crate::shared::refs::Choice;
use crate::steps::board_data::{
    list_choices, list_label, load, status_choices, unit_choices, BoardFilter, FollowUpRow,
    LateGroup, StepRow, LISTS, PARAMS,
};
use crate::warnings::pages::CountLink;
use crate::AppState;

#[derive(askama::Template)]
#[template(path = "steps/board.html")]
struct BoardPage {
    page: Page,
    filters: FormState,
    units: Vec<Choice>,
    statuses: Vec<Choice>,
    lists: Vec<Choice>,
    counts: Vec<CountLink>,
    show_late: bool,
    show_due_soon: bool,
    show_follow_ups: bool,
    late: Vec<LateGroup>,
    due_soon: Vec<StepRow>,
    follow_ups: Vec<FollowUpRow>,
    week_end: String,
    export_href: String,
    filtered: bool,
    empty: bool,
}

pub async fn board(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> PageResult {
    let params = UrlParams::parse("/steps", &PARAMS, query.as_deref());
    let mut filters = FormState::default();
    for (k, v) in &params.map {
        filters.set(k, v.clone());
    }
    let filter = BoardFilter::parse(&params, lang, &mut filters);
    let board = load(&s, &u, lang, &filter).await?;
    let export = UrlParams::parse("/steps/export.xlsx", &PARAMS, query.as_deref());
    let count = |code: &str, value: usize| CountLink {
        label: list_label(lang, code),
        class: if code == "late" { "warn-red" } else { "" },
        value: i64::try_from(value).unwrap_or(i64::MAX),
        href: params.href(&[("list", Some(code.to_owned()))]),
        active: filter.list == Some(code),
    };
    let counts = vec![
        count(LISTS[0], board.late.len()),
        count(LISTS[1], board.due_soon.len()),
        count(LISTS[2], board.follow_ups.len()),
    ];
    let (show_late, show_due_soon, show_follow_ups) = (
        filter.shows("late"),
        filter.shows("due_soon"),
        filter.shows("follow_ups"),
    );
    let shown = [
        (show_late, board.late.is_empty()),
        (show_due_soon, board.due_soon.is_empty()),
        (show_follow_ups, board.follow_ups.is_empty()),
    ];
    let empty = shown.iter().all(|&(shown, none)| !shown || none);
    let title = lang.t("nav.steps").to_owned();
    html(&BoardPage {
        page: Page::build(&s, &u, lang, Section::Steps, title, &uri).await,
        units: unit_choices(lang, &board.units, filter.unit.as_deref()),
        statuses: status_choices(lang),
        lists: list_choices(lang),
        filters,
        counts,
        show_late,
        show_due_soon,
        show_follow_ups,
        late: board.late,
        due_soon: board.due_soon,
        follow_ups: board.follow_ups,
        week_end: fmt::date(board.week_end),
        export_href: export.href(&[]),
        filtered: params.filtered(),
        empty,
    })
}
