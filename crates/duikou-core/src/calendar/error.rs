//! Errors raised while loading a holiday schedule. Messages are in Chinese and name the
//! place at fault: a CSV line and column, or the index of an entry passed in code.

use std::fmt;

use chrono::NaiveDate;

use super::DayKind;

/// Where a bad schedule row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A CSV line (1-based, counting the header and blank lines) and column (1-based:
    /// 1 = date, 2 = kind, 3 = name, 4 = year).
    Line { line: usize, column: usize },
    /// The 1-based position of an entry given to [`super::WorkCalendar::from_entries`].
    Entry { index: usize },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line { line, column } => write!(f, "第{line}行第{column}列"),
            Location::Entry { index } => write!(f, "第{index}条记录"),
        }
    }
}

/// A schedule that cannot be loaded. Nothing is changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A CSV line without exactly four fields.
    #[error("第{line}行：应有 4 列（date,kind,name,year），实际有 {found} 列")]
    FieldCount { line: usize, found: usize },
    /// A quoted CSV field whose closing quote is missing or misplaced.
    #[error("第{line}行第{column}列：引号不配对")]
    BadQuote { line: usize, column: usize },
    /// Not a real date in `YYYY-MM-DD` form (`/` is accepted as separator too).
    #[error("{at}：日期无效：{text}")]
    BadDate { at: Location, text: String },
    /// A kind other than `off` / `work` (or their aliases 休 / 班).
    #[error("{at}：类型无效：{text}（应为 off 或 work）")]
    UnknownKind { at: Location, text: String },
    /// An empty holiday name.
    #[error("{at}：节日名称为空")]
    EmptyName { at: Location },
    /// A notice year that is not a number.
    #[error("{at}：通知年份无效：{text}")]
    BadYear { at: Location, text: String },
    /// A notice year other than the date's own year or the next one (a notice for year Y
    /// may list days at the end of Y−1, e.g. 2018-12-29 in the 2019 notice).
    #[error("{at}：通知年份 {year} 与日期 {date} 不符（应为日期所在年份或次年）")]
    YearMismatch {
        at: Location,
        date: NaiveDate,
        year: i32,
    },
    /// A `work` (调休上班) row on a Monday–Friday: a make-up working day is always a weekend day.
    #[error("{at}：调休上班日 {date} 是{weekday}，应为周六或周日")]
    WorkOnWeekday {
        at: Location,
        date: NaiveDate,
        weekday: &'static str,
    },
    /// The same date listed twice with different kinds.
    #[error("{at}：日期 {date} 重复且类型冲突：{first} 为 {first_kind}，此处为 {kind}")]
    Conflict {
        at: Location,
        date: NaiveDate,
        first: Location,
        first_kind: DayKind,
        kind: DayKind,
    },
    /// Merging two calendars whose notices disagree about a date.
    #[error("合并冲突：日期 {date} 在 {existing_year} 年通知中为 {existing_kind}，在 {new_year} 年通知中为 {new_kind}")]
    MergeConflict {
        date: NaiveDate,
        existing_year: i32,
        existing_kind: DayKind,
        new_year: i32,
        new_kind: DayKind,
    },
}
