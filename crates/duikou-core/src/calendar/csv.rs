//! Reading and writing the schedule CSV (`date,kind,name,year`).
//!
//! The format is the one of `data/cn-holidays.csv`:
//!
//! - an optional header line `date,kind,name,year` (first non-blank line only);
//! - `date`: `YYYY-MM-DD` (`YYYY/M/D` as written by spreadsheets is accepted too);
//! - `kind`: `off` (放假, also `休`) or `work` (调休上班, also `班`), case-insensitive;
//! - `name`: the holiday heading of the notice, non-empty;
//! - `year`: the year of the notice (the date's year or the next one).
//!
//! Blank lines and lines starting with `#` are skipped; a UTF-8 byte-order mark, `\r\n` line
//! ends, spaces around fields and RFC 4180 double-quoted fields are accepted.

use chrono::NaiveDate;

use super::error::{CalendarError, Location};
use super::{CalendarEntry, DayKind};

const HEADER: [&str; 4] = ["date", "kind", "name", "year"];

/// Parses every data row, keeping the line it came from. Row-level checks only (each field on
/// its own); checks across rows (conflicts) and across fields (weekday, year) are made when
/// the calendar is built, so that they apply to entries given in code as well.
pub(super) fn parse(text: &str) -> Result<Vec<(CalendarEntry, usize)>, CalendarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut seen_content = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields = split_line(raw, line)?;
        let first_content = !seen_content;
        seen_content = true;
        if first_content && is_header(&fields) {
            continue;
        }
        if fields.len() != 4 {
            return Err(CalendarError::FieldCount {
                line,
                found: fields.len(),
            });
        }
        let at = |column| Location::Line { line, column };
        let date = parse_date(&fields[0]).ok_or_else(|| CalendarError::BadDate {
            at: at(1),
            text: fields[0].clone(),
        })?;
        let kind = parse_kind(&fields[1]).ok_or_else(|| CalendarError::UnknownKind {
            at: at(2),
            text: fields[1].clone(),
        })?;
        if fields[2].is_empty() {
            return Err(CalendarError::EmptyName { at: at(3) });
        }
        let year = parse_year(&fields[3]).ok_or_else(|| CalendarError::BadYear {
            at: at(4),
            text: fields[3].clone(),
        })?;
        let entry = CalendarEntry {
            date,
            kind,
            name: fields[2].clone(),
            year,
        };
        rows.push((entry, line));
    }
    Ok(rows)
}

/// Writes entries as CSV with a header, one row per entry, in the order given.
pub(super) fn write<'a>(entries: impl Iterator<Item = &'a CalendarEntry>) -> String {
    let mut out = String::from("date,kind,name,year\n");
    for e in entries {
        let name = if e.name.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", e.name.replace('"', "\"\""))
        } else {
            e.name.clone()
        };
        out.push_str(&format!(
            "{},{},{},{}\n",
            e.date.format("%Y-%m-%d"),
            e.kind,
            name,
            e.year
        ));
    }
    out
}

fn is_header(fields: &[String]) -> bool {
    fields.len() == HEADER.len()
        && fields
            .iter()
            .zip(HEADER)
            .all(|(f, h)| f.eq_ignore_ascii_case(h))
}

/// Splits one line into trimmed fields, honouring double quotes (`""` inside quotes is a quote).
fn split_line(raw: &str, line: usize) -> Result<Vec<String>, CalendarError> {
    let mut fields = Vec::with_capacity(4);
    let mut chars = raw.chars().peekable();
    loop {
        let column = fields.len() + 1;
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        let mut field = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    Some('"') if chars.next_if_eq(&'"').is_some() => field.push('"'),
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return Err(CalendarError::BadQuote { line, column }),
                }
            }
            while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => fields.push(field),
                Some(_) => return Err(CalendarError::BadQuote { line, column }),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field.trim().to_owned());
                        return Ok(fields);
                    }
                    Some(',') => break,
                    Some(c) => field.push(c),
                }
            }
            fields.push(field.trim().to_owned());
        }
    }
}

/// `YYYY-MM-DD` or `YYYY/M/D`: four-digit year, one- or two-digit month and day.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let sep = if text.contains('/') { '/' } else { '-' };
    let mut parts = text.split(sep);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let digits = |s: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(y, 4, 4) && digits(m, 1, 2) && digits(d, 1, 2)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn parse_kind(text: &str) -> Option<DayKind> {
    match text.to_ascii_lowercase().as_str() {
        "off" | "休" => Some(DayKind::Off),
        "work" | "班" => Some(DayKind::Work),
        _ => None,
    }
}

fn parse_year(text: &str) -> Option<i32> {
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_and_doubled_quotes() {
        let fields = split_line(r#"2019-01-01, off ,"元旦,""新年""",2019"#, 1).expect("parses");
        assert_eq!(fields, ["2019-01-01", "off", "元旦,\"新年\"", "2019"]);
    }

    #[test]
    fn an_unclosed_quote_is_reported_with_its_column() {
        let err = split_line(r#"2019-01-01,off,"元旦,2019"#, 7).expect_err("unclosed");
        assert_eq!(err, CalendarError::BadQuote { line: 7, column: 3 });
    }

    #[test]
    fn dates_accept_spreadsheet_slashes_but_not_garbage() {
        let d = NaiveDate::from_ymd_opt(2019, 2, 3);
        assert_eq!(parse_date("2019-02-03"), d);
        assert_eq!(parse_date("2019/2/3"), d);
        assert_eq!(parse_date("2019-02-30"), None);
        assert_eq!(parse_date("19-02-03"), None);
        assert_eq!(parse_date("2019-02-03-01"), None);
        assert_eq!(parse_date("2019-+2-03"), None);
    }
}
