//! 系统管理 · 工作日历 (administrators): a notice year's holidays and make-up working days;
//! add or remove one day.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, NaiveDate};
use duikou_core::calendar::DayKind;
use duikou_core::FieldError;

use crate::admin::{tabs, Tab};
use crate::shared::forms::{parse_date, FormState};
use crate::shared::i18n::Lang;
use crate::shared::page::{html, CsrfForm, Page, PageResult, PageUser, Section};
use crate::shared::refs::Choice;
use crate::AppState;

pub struct DayRow {
    pub date: String,
    pub weekday: &'static str,
    pub kind: &'static str,
    pub kind_code: &'static str,
    pub name: String,
}

#[derive(askama::Template)]
#[template(path = "calendar/page.html")]
struct CalendarPage {
    page: Page,
    tabs: Vec<Tab>,
    year: i32,
    years: Vec<i32>,
    covered: bool,
    /// "请载入2027年的放假安排" from December on (or while this year's is missing).
    notice_due: Option<String>,
    days: Vec<DayRow>,
    off_count: usize,
    work_count: usize,
    form: FormState,
    kinds: Vec<Choice>,
    flash: Option<&'static str>,
}

#[derive(Debug, serde::Deserialize)]
pub struct CalendarQuery {
    year: Option<i32>,
    done: Option<String>,
}

/// `GET /admin/calendar?year=2025`.
pub async fn calendar(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Query(q): Query<CalendarQuery>,
) -> PageResult {
    s.store.scoped(&u.access).require_admin()?;
    let year = q.year.unwrap_or_else(|| s.today().year());
    let mut form = FormState::default();
    form.set("year", year.to_string());
    form.set("kind", "off");
    let flash = match q.done.as_deref() {
        Some("added") => Some("calendar.added"),
        Some("removed") => Some("calendar.removed"),
        _ => None,
    };
    calendar_page(&s, &u, lang, &uri, year, form, flash).await
}

fn weekday_key(d: NaiveDate) -> &'static str {
    match d.weekday() {
        chrono::Weekday::Mon => "weekday.mon",
        chrono::Weekday::Tue => "weekday.tue",
        chrono::Weekday::Wed => "weekday.wed",
        chrono::Weekday::Thu => "weekday.thu",
        chrono::Weekday::Fri => "weekday.fri",
        chrono::Weekday::Sat => "weekday.sat",
        chrono::Weekday::Sun => "weekday.sun",
    }
}

fn kind_key(k: DayKind) -> &'static str {
    match k {
        DayKind::Off => "calendar.off",
        DayKind::Work => "calendar.work",
    }
}

async fn calendar_page(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    year: i32,
    form: FormState,
    flash: Option<&'static str>,
) -> PageResult {
    let cal = s.store.calendar().await?;
    let days: Vec<DayRow> = cal
        .entries()
        .filter(|e| e.year == year)
        .map(|e| DayRow {
            date: e.date.format("%Y-%m-%d").to_string(),
            weekday: lang.t(weekday_key(e.date)),
            kind: lang.t(kind_key(e.kind)),
            kind_code: e.kind.as_str(),
            name: lang.data(&e.name).into_owned(),
        })
        .collect();
    let mut years: Vec<i32> = cal.covered_years().collect();
    if !years.contains(&year) {
        years.push(year);
        years.sort_unstable();
    }
    let failed = form.failed;
    let title = lang.t("admin.calendar").to_owned();
    let r = html(&CalendarPage {
        page: Page::build(s, u, lang, Section::Admin, title, uri).await,
        tabs: tabs(lang, "/admin/calendar"),
        covered: cal.is_covered(year),
        notice_due: cal.notice_due(s.today()).map(|y| {
            lang.t("calendar.notice_due")
                .replace("{year}", &y.to_string())
        }),
        off_count: days.iter().filter(|d| d.kind_code == "off").count(),
        work_count: days.iter().filter(|d| d.kind_code == "work").count(),
        year,
        years,
        days,
        form,
        kinds: [DayKind::Off, DayKind::Work]
            .into_iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: lang.t(kind_key(k)).to_owned(),
            })
            .collect(),
        flash,
    })?;
    Ok(if failed {
        (StatusCode::UNPROCESSABLE_ENTITY, r).into_response()
    } else {
        r
    })
}

const DAY_FIELDS: [&str; 4] = ["year", "date", "kind", "name"];

/// `POST /admin/calendar/{action}` (`add` or `remove`): one day of a notice year.
pub async fn change_day(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(action): Path<String>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    scoped.require_admin()?;
    let mut form = FormState::from_data(&data);
    let mut errs = Vec::new();
    let year = data.get("year").parse::<i32>().ok();
    if year.is_none() {
        errs.push(FieldError::new("year", "number", lang.t("err.number")));
    }
    let date = parse_date(&data, "date", &mut errs);
    if date.is_none() && data.get("date").is_empty() {
        errs.push(FieldError::new("date", "required", lang.t("err.required")));
    }
    let day = match action.as_str() {
        "add" => {
            let kind = match data.get("kind") {
                "off" => Some(DayKind::Off),
                "work" => Some(DayKind::Work),
                _ => None,
            };
            if kind.is_none() {
                errs.push(FieldError::new("kind", "required", lang.t("err.required")));
            }
            if data.get("name").is_empty() {
                errs.push(FieldError::new("name", "required", lang.t("err.required")));
            }
            kind.map(|k| (k, data.get("name").to_owned()))
        }
        "remove" => None,
        _ => return Err(crate::shared::page::PageError::not_found()),
    };
    if let (Some(year), Some(date), true) = (year, date, errs.is_empty()) {
        match scoped.set_calendar_day(year, date, day).await {
            Ok(()) => {
                let done = if action == "add" { "added" } else { "removed" };
                let to = format!("/admin/calendar?year={year}&done={done}");
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => form.store_error(&DAY_FIELDS, lang, e)?,
        }
    }
    form.add_all(&DAY_FIELDS, lang, &errs);
    let year = year.unwrap_or_else(|| s.today().year());
    calendar_page(&s, &u, lang, &uri, year, form, None).await
}
