//! 导出Excel: the project list as it is filtered and sorted, as an .xlsx file. Column headers
//! come from the catalog of the page's language; money is in 万元, written as a number only
//! when Excel reads that number back as the exact amount (else as text, never a rounded
//! figure); dates are Excel dates. At most [`MAX_ROWS`] rows: a longer list is refused with
//! a message asking for narrower filters.

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use duikou_core::money::{Money, MoneyUnit};
use duikou_core::project::Project;
use duikou_store::ProjectStart;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::projects::list::{filter_of, list_params, sort_of};
use crate::shared::i18n::Lang;
use crate::shared::page::{PageError, PageResult, PageUser};
use crate::shared::refs::Refs;
use crate::shared::{fmt, labels};
use crate::AppState;

/// The most rows one export holds.
pub const MAX_ROWS: i64 = 50_000;
/// Rows fetched from the store at a time.
const BATCH: i64 = 1_000;

/// A cell's value for an amount in 万元: the exact decimal, and whether a number cell holds
/// it exactly (its f64 prints back as the same decimal within Excel's 15 significant digits).
pub fn wan(m: Money) -> (String, Option<f64>) {
    let text = m.format_exact(MoneyUnit::Wan);
    let text = text.trim_end_matches(MoneyUnit::Wan.label()).to_owned();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let number = text
        .parse::<f64>()
        .ok()
        .filter(|n| digits <= 15 && same_decimal(*n, &text));
    (text, number)
}

/// Whether `n` printed in its shortest form is the decimal `text`.
fn same_decimal(n: f64, text: &str) -> bool {
    let shown = format!("{n}");
    shown == text || (text.contains('.') && shown == text.trim_end_matches('0'))
}

/// A list of `total` rows may be exported when it holds at most `max`; else the refusal
/// names both numbers.
fn within_limit(total: i64, max: i64) -> Result<(), PageError> {
    if total > max {
        return Err(PageError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            key: "export.too_many",
            detail: Some(format!("{total} > {max}")),
        });
    }
    Ok(())
}

/// `GET /projects/export.xlsx`: what `/projects` shows with the same parameters.
pub async fn projects_xlsx(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    RawQuery(query): RawQuery,
) -> PageResult {
    let params = list_params(query.as_deref());
    let refs = Refs::load(&s).await?;
    let mut bad = crate::shared::forms::FormState::default();
    let filter = filter_of(&params, &refs, lang, &mut bad);
    if bad.failed {
        return Err(PageError::new(StatusCode::BAD_REQUEST, "export.bad_filter"));
    }
    let (sort, descending) = sort_of(&params);
    let scoped = s.store.scoped(&u.access);
    let mut rows: Vec<Project> = Vec::new();
    // Walk the list by cursor (each page costs the same however deep); the total the list
    // reports is exact only up to a bound, so the limit is checked on the rows themselves.
    let mut start = ProjectStart::After(None);
    loop {
        let page = scoped
            .projects(&filter, sort, descending, BATCH, &start)
            .await?;
        rows.extend(page.items);
        within_limit(i64::try_from(rows.len()).unwrap_or(i64::MAX), MAX_ROWS)?;
        match page.next {
            Some(cursor) => start = ProjectStart::After(Some(cursor)),
            None => break,
        }
    }
    let bytes = workbook(lang, &refs, &rows).map_err(|e| {
        tracing::error!(error = %e, "xlsx export failed");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
    })?;
    let name = format!("{}-{}.xlsx", lang.t("nav.projects"), fmt::date(s.today()));
    Ok(xlsx_response(&name, "projects.xlsx", bytes))
}

/// A workbook as a download named `name` (`ascii` for clients that read no UTF-8 name).
pub(crate) fn xlsx_response(name: &str, ascii: &str, bytes: Vec<u8>) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The columns: catalog key of the header, and the width in characters.
const COLUMNS: [(&str, f64); 14] = [
    ("field.name", 36.0),
    ("field.code", 24.0),
    ("field.stage", 10.0),
    ("field.stage_since", 12.0),
    ("field.category", 10.0),
    ("field.industry", 14.0),
    ("field.partnership", 18.0),
    ("field.host_region", 16.0),
    ("field.investor", 24.0),
    ("export.planned_wan", 16.0),
    ("export.agreement_wan", 16.0),
    ("field.planned_start", 12.0),
    ("field.planned_production", 12.0),
    ("field.leader", 12.0),
];

fn workbook(lang: Lang, refs: &Refs, rows: &[Project]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(lang.t("nav.projects"))?;
    let head = Format::new().set_bold().set_background_color("E9EEF4");
    let money = Format::new().set_num_format("#,##0.00##");
    let text_money = Format::new().set_align(rust_xlsxwriter::FormatAlign::Right);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (col, (key, width)) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, col, lang.t(key), &head)?;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    let formats = Formats {
        money: &money,
        text_money: &text_money,
        date: &date,
    };
    for (i, p) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        write_row(sheet, row, lang, refs, p, &formats)?;
    }
    book.save_to_buffer()
}

struct Formats<'a> {
    money: &'a Format,
    text_money: &'a Format,
    date: &'a Format,
}

fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    lang: Lang,
    refs: &Refs,
    p: &Project,
    f: &Formats<'_>,
) -> Result<(), XlsxError> {
    let d = &p.fields;
    let text = |t: &Option<String>| t.as_deref().map(|t| lang.data(t).into_owned());
    let texts: [(u16, Option<String>); 8] = [
        (0, Some(lang.data(&d.name).into_owned())),
        (1, d.code.as_ref().map(|c| c.as_str().to_owned())),
        (2, Some(labels::stage(lang, p.stage).to_owned())),
        (4, Some(labels::category(lang, d.category).to_owned())),
        (5, text(&d.industry)),
        (6, Some(refs.partnership_name(lang, d.partnership_id))),
        (7, Some(refs.region_name(lang, &d.host_region_code))),
        (8, text(&d.investor)),
    ];
    for (col, value) in texts {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            sheet.write_string(row, col, v)?;
        }
    }
    write_date(sheet, row, 3, Some(p.stage_since), f.date)?;
    write_money(sheet, row, 9, d.planned_investment, f)?;
    write_money(sheet, row, 10, d.agreement_amount, f)?;
    write_date(sheet, row, 11, d.planned_start, f.date)?;
    write_date(sheet, row, 12, d.planned_production, f.date)?;
    if let Some(l) = text(&d.leader) {
        sheet.write_string(row, 13, l)?;
    }
    Ok(())
}

fn write_money(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    m: Option<Money>,
    f: &Formats<'_>,
) -> Result<(), XlsxError> {
    let Some(m) = m else { return Ok(()) };
    match wan(m) {
        (_, Some(n)) => sheet.write_number_with_format(row, col, n, f.money)?,
        (text, None) => sheet.write_string_with_format(row, col, text, f.text_money)?,
    };
    Ok(())
}

pub(crate) fn write_date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    d: Option<NaiveDate>,
    format: &Format,
) -> Result<(), XlsxError> {
    let Some(d) = d else { return Ok(()) };
    let (y, m, day) = (
        u16::try_from(d.year()).unwrap_or(1900),
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    );
    match ExcelDateTime::from_ymd(y, m, day) {
        Ok(x) => sheet.write_datetime_with_format(row, col, &x, format)?,
        Err(_) => sheet.write_string(row, col, fmt::date(d))?,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_longer_than_the_limit_is_refused_with_both_numbers() {
        assert!(within_limit(MAX_ROWS, MAX_ROWS).is_ok());
        let e = within_limit(MAX_ROWS + 1, MAX_ROWS).unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.key, "export.too_many");
        assert_eq!(e.detail.as_deref(), Some("50001 > 50000"));
    }

    #[test]
    fn amounts_in_wan_are_numbers_only_when_excel_reads_them_exactly() {
        assert_eq!(
            wan(Money::from_yuan(120_000_000)),
            ("12000".into(), Some(12000.0))
        );
        assert_eq!(
            wan(Money::from_yuan(12_345_678)),
            ("1234.5678".into(), Some(1234.5678))
        );
        assert_eq!(wan(Money::from_yuan(-5_000)), ("-0.5".into(), Some(-0.5)));
        // 19 significant digits: more than a double holds; written as text, exactly.
        let (text, n) = wan(Money::from_yuan(1_234_567_890_123_456_789));
        assert_eq!(text, "123456789012345.6789");
        assert_eq!(n, None);
    }
}
