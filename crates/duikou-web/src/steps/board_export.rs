//! 导出Excel of the 项目管家 board: what `/steps` shows with the same filters, one sheet a
//! list — the late projects (one row for each chain's first late step, with its 逾期天数 and
//! the steps 顺延 behind it), the steps due within a week, the open follow-ups. Headers come
//! from the catalog of the page's language; dates are Excel dates.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::projects::export::{write_date, xlsx_response};
use crate::shared::fmt;
use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::page::{PageError, PageResult, PageUser};
use crate::shared::params::UrlParams;
use crate::steps::board_data::{list_label, load, Board, BoardFilter, PARAMS};
use crate::AppState;

/// `GET /steps/export.xlsx`: what `/steps` shows with the same parameters.
pub async fn board_xlsx(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    RawQuery(query): RawQuery,
) -> PageResult {
    let params = UrlParams::parse("/steps", &PARAMS, query.as_deref());
    let mut bad = FormState::default();
    let filter = BoardFilter::parse(&params, lang, &mut bad);
    if bad.failed {
        return Err(PageError::new(StatusCode::BAD_REQUEST, "board.bad_filter"));
    }
    let board = load(&s, &u, lang, &filter).await?;
    let bytes = workbook(lang, &filter, &board).map_err(|e| {
        tracing::error!(error = %e, "xlsx export failed");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
    })?;
    let name = format!("{}-{}.xlsx", lang.t("nav.steps"), fmt::date(s.today()));
    Ok(xlsx_response(&name, "steps.xlsx", bytes))
}

const LATE_COLUMNS: [(&str, f64); 10] = [
    ("field.name", 36.0),
    ("field.owner_org", 20.0),
    ("board.late_count", 10.0),
    ("board.roots", 28.0),
    ("board.step_owner", 20.0),
    ("step.status", 10.0),
    ("step.planned_due", 14.0),
    ("board.days_late", 12.0),
    ("board.cascade_count", 12.0),
    ("board.cascade_steps", 60.0),
];

const DUE_COLUMNS: [(&str, f64); 5] = [
    ("field.name", 36.0),
    ("gantt.step", 28.0),
    ("gantt.owner", 20.0),
    ("step.status", 10.0),
    ("step.planned_due", 14.0),
];

const FOLLOW_UP_COLUMNS: [(&str, f64); 6] = [
    ("field.name", 36.0),
    ("gantt.step", 28.0),
    ("calendar.kind", 12.0),
    ("board.opened_on", 14.0),
    ("board.deadline", 14.0),
    ("gantt.days_left", 12.0),
];

fn workbook(lang: Lang, f: &BoardFilter, board: &Board) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    if f.shows("late") {
        let sheet = new_sheet(&mut book, lang, "late", &LATE_COLUMNS)?;
        let mut row = 0u32;
        for g in &board.late {
            for r in &g.roots {
                row += 1;
                sheet.write_string(row, 0, &g.project)?;
                sheet.write_string(row, 1, &g.owner)?;
                sheet.write_number(row, 2, g.late_count as f64)?;
                sheet.write_string(row, 3, &r.step.step)?;
                sheet.write_string(row, 4, &r.step.owner)?;
                sheet.write_string(row, 5, r.step.status)?;
                write_date(sheet, row, 6, Some(r.step.due), &date)?;
                sheet.write_number(row, 7, r.days_late as f64)?;
                sheet.write_number(row, 8, r.behind.len() as f64)?;
                let names: Vec<&str> = r.behind.iter().map(|(_, n)| n.as_str()).collect();
                sheet.write_string(row, 9, names.join("、"))?;
            }
        }
    }
    if f.shows("due_soon") {
        let sheet = new_sheet(&mut book, lang, "due_soon", &DUE_COLUMNS)?;
        for (r, row) in board.due_soon.iter().zip(1u32..) {
            for (col, text) in [(0, &r.project), (1, &r.step), (2, &r.owner)] {
                sheet.write_string(row, col, text)?;
            }
            sheet.write_string(row, 3, r.status)?;
            write_date(sheet, row, 4, Some(r.due), &date)?;
        }
    }
    if f.shows("follow_ups") {
        let sheet = new_sheet(&mut book, lang, "follow_ups", &FOLLOW_UP_COLUMNS)?;
        for (r, row) in board.follow_ups.iter().zip(1u32..) {
            sheet.write_string(row, 0, &r.project)?;
            sheet.write_string(row, 1, &r.step)?;
            sheet.write_string(row, 2, r.kind)?;
            write_date(sheet, row, 3, Some(r.opened_on), &date)?;
            write_date(sheet, row, 4, Some(r.deadline), &date)?;
            sheet.write_number(row, 5, r.days_left as f64)?;
        }
    }
    book.save_to_buffer()
}

/// A new sheet named after the list, with its header row.
fn new_sheet<'a>(
    book: &'a mut Workbook,
    lang: Lang,
    list: &str,
    columns: &[(&str, f64)],
) -> Result<&'a mut Worksheet, XlsxError> {
    let head = Format::new().set_bold().set_background_color("E9EEF4");
    let sheet = book.add_worksheet();
    // Excel allows at most 31 characters in a sheet's name.
    let name: String = list_label(lang, list).chars().take(31).collect();
    sheet.set_name(name)?;
    for (col, (key, width)) in (0u16..).zip(columns) {
        sheet.write_string_with_format(0, col, lang.t(key), &head)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    Ok(sheet)
}
