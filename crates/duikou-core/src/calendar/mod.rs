//! Official Chinese working days (工作日), for approval-step deadlines.
//!
//! A day is a working day when the State Council's holiday notice for its year says so:
//! Monday–Friday are working days unless listed 放假 (`off`); Saturday and Sunday are days off
//! unless listed 调休上班 (`work`). The shipped schedule ([`WorkCalendar::official`]) holds the
//! notices for 2019–2026 (`data/cn-holidays.csv`); a later notice is loaded at run time with
//! [`WorkCalendar::from_csv`] and [`WorkCalendar::merge`], without a rebuild.
//!
//! # Coverage and estimates
//!
//! Calendar year *Y* is **covered** when the notice for year *Y* is loaded (the rows whose
//! `year` field is *Y*). A notice may list days at the end of the previous calendar year
//! (2018-12-29..31 belong to the 2019 notice); those rows are applied, but do not make the
//! previous year covered. For a date in an uncovered year (2027 until its notice is out)
//! only the weekend rule and any loaded rows apply, and every [`Answer`] that depended on
//! such a date lists its year in [`Answer::uncovered_years`]: the value is an estimate.
//! "Depended on" means the days whose status the result was computed from, as stated for
//! each method. Caveat: a notice for *Y*+1 can still change the last days of December of a
//! covered year *Y* (as the 2019 notice did for 2018-12-29..31); that is not flagged.
//!
//! # Counting conventions
//!
//! The start day of a period is not counted; counting begins the next day (民法典第二百零一条:
//! 开始的当日不计入，自下一日开始计算).
//!
//! - [`WorkCalendar::add_working_days`]`(d, n)`: for `n > 0` the `n`-th working day after `d`
//!   (`d` itself never counts, whether or not it is a working day); for `n < 0` the `|n|`-th
//!   working day before `d`; for `n = 0` `d` itself if it is a working day, else the next
//!   working day. The result is always a working day.
//! - [`WorkCalendar::working_days_between`]`(a, b)`: the number of working days `x` with
//!   `a < x <= b`, negated when `b < a` (then it counts `b < x <= a`). It is antisymmetric,
//!   additive (`between(a, b) + between(b, c) == between(a, c)`), and
//!   `between(a, add(a, n)) == n` for every `n > 0`, and for `n <= 0` when `a` is a working day.
//! - [`WorkCalendar::working_days_inclusive`]`(a, b)`: the number of working days `x` with
//!   `a <= x <= b`; `0` when `b < a`.
//!
//! # Speed
//!
//! The calendar keeps the sorted day numbers of the rows that differ from the weekend rule
//! (a weekday off or a weekend worked) with running sums, so the number of working days up
//! to any date is a closed-form weekday count plus one binary search. Counting is O(log m)
//! (m = number of rows) whatever the distance; adding `n` working days is a galloping then
//! binary search over that count, O(log n · log m), with no allocation besides the answer.

mod csv;
mod error;

pub use error::{CalendarError, Location};

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

/// The shipped schedule: the notices for 2019–2026, as `date,kind,name,year` CSV.
const OFFICIAL_CSV: &str = include_str!("../../data/cn-holidays.csv");

/// What a notice says about one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// 放假: a day off (weekend days inside a holiday range are listed too).
    Off,
    /// 调休上班: a Saturday or Sunday that is a working day.
    Work,
}

impl DayKind {
    /// The CSV token: `off` or `work`.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Off => "off",
            DayKind::Work => "work",
        }
    }

    /// The Chinese term: 放假 or 调休上班.
    pub fn label_zh(self) -> &'static str {
        match self {
            DayKind::Off => "放假",
            DayKind::Work => "调休上班",
        }
    }
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of a holiday notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday heading as written in the notice, e.g. `国庆节、中秋节`.
    pub name: String,
    /// The year of the notice, not of the date (2018-12-29 belongs to the 2019 notice).
    pub year: i32,
}

/// A computed value, with the uncovered years it relied on. When `uncovered_years` is
/// non-empty the value is an estimate (weekends only for those years).
///
/// Serialises as `{"value": …, "estimated": bool, "uncovered_years": [2027]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<T> {
    pub value: T,
    /// Ascending, without duplicates.
    pub uncovered_years: Vec<i32>,
}

impl<T> Answer<T> {
    /// True when the value relied on a year with no loaded notice.
    pub fn is_estimated(&self) -> bool {
        !self.uncovered_years.is_empty()
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        Answer {
            value: f(self.value),
            uncovered_years: self.uncovered_years,
        }
    }
}

impl<T: Serialize> Serialize for Answer<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Answer", 3)?;
        s.serialize_field("value", &self.value)?;
        s.serialize_field("estimated", &self.is_estimated())?;
        s.serialize_field("uncovered_years", &self.uncovered_years)?;
        s.end()
    }
}

/// The working-day calendar: loaded notices plus the weekend rule.
///
/// [`Default`] is the empty calendar: no year covered, weekends only.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    /// One row per date.
    entries: BTreeMap<NaiveDate, CalendarEntry>,
    /// Years whose notice is loaded.
    covered: BTreeSet<i32>,
    /// Day numbers (days from the common era) of the rows that differ from the weekend
    /// rule, ascending.
    shift_days: Vec<i64>,
    /// `shift_sums[i]`: the sum of the shifts (weekday off −1, weekend worked +1) of
    /// `shift_days[..=i]`.
    shift_sums: Vec<i64>,
}

/// Where a row being built came from, to name it in errors.
#[derive(Clone, Copy)]
enum Origin {
    Line(usize),
    Entry(usize),
}

impl Origin {
    fn at(self, column: usize) -> Location {
        match self {
            Origin::Line(line) => Location::Line { line, column },
            Origin::Entry(index) => Location::Entry { index },
        }
    }
}

/// The day numbers of the first and last dates chrono represents.
fn min_day() -> i64 {
    day_number(NaiveDate::MIN)
}

fn max_day() -> i64 {
    day_number(NaiveDate::MAX)
}

fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

fn date_of(day: i64) -> Option<NaiveDate> {
    i32::try_from(day)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// The number of Mondays–Fridays among day numbers `1..=x` (negative below 1), so that the
/// weekdays in `a..=b` are `weekdays_upto(b) - weekdays_upto(a - 1)`. Day 1 (0001-01-01,
/// proleptic Gregorian) is a Monday.
fn weekdays_upto(x: i64) -> i64 {
    5 * x.div_euclid(7) + x.rem_euclid(7).min(5)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn weekday_zh(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

/// A first guess of how many days hold `n` working days (7 days per 5, plus holidays).
fn span_guess(n: i64) -> i64 {
    n.saturating_mul(7) / 5 + 16
}

impl WorkCalendar {
    /// The shipped calendar (notices 2019–2026), parsed once.
    pub fn official() -> &'static WorkCalendar {
        static OFFICIAL: OnceLock<WorkCalendar> = OnceLock::new();
        OFFICIAL.get_or_init(|| {
            WorkCalendar::from_csv(OFFICIAL_CSV)
                .expect("the shipped data/cn-holidays.csv is valid (checked by the tests)")
        })
    }

    /// The shipped schedule as CSV text, e.g. for export.
    pub fn official_csv() -> &'static str {
        OFFICIAL_CSV
    }

    /// Loads a schedule in the CSV format of `data/cn-holidays.csv`. Errors name the line
    /// and column (e.g. `第3行第1列：日期无效：2019-02-30`).
    ///
    /// - an optional header line `date,kind,name,year` (first non-blank line only);
    /// - `date`: `YYYY-MM-DD` (`YYYY/M/D`, as spreadsheets write it, is accepted too);
    /// - `kind`: `off` (放假, also `休`) or `work` (调休上班, also `班`), case-insensitive; a
    ///   `work` date must be a Saturday or Sunday;
    /// - `name`: the holiday heading of the notice, non-empty;
    /// - `year`: the year of the notice: the date's year or the next one.
    ///
    /// Blank lines and lines starting with `#` are skipped; a UTF-8 byte-order mark, `\r\n`
    /// line ends, spaces around fields and double-quoted fields are accepted. The same date
    /// listed twice is an error if the kinds differ, else the first row is kept.
    pub fn from_csv(text: &str) -> Result<WorkCalendar, CalendarError> {
        let rows = csv::parse(text)?;
        Self::build(rows.into_iter().map(|(e, line)| (e, Origin::Line(line))))
    }

    /// Builds a calendar from rows given in code. Errors name the 1-based entry index.
    pub fn from_entries(
        entries: impl IntoIterator<Item = CalendarEntry>,
    ) -> Result<WorkCalendar, CalendarError> {
        Self::build(
            entries
                .into_iter()
                .enumerate()
                .map(|(i, e)| (e, Origin::Entry(i + 1))),
        )
    }

    fn build(
        rows: impl Iterator<Item = (CalendarEntry, Origin)>,
    ) -> Result<WorkCalendar, CalendarError> {
        let mut entries: BTreeMap<NaiveDate, CalendarEntry> = BTreeMap::new();
        let mut first_seen: BTreeMap<NaiveDate, Origin> = BTreeMap::new();
        let mut covered = BTreeSet::new();
        for (entry, origin) in rows {
            Self::check_entry(&entry, origin)?;
            covered.insert(entry.year);
            if let Some(prev) = entries.get(&entry.date) {
                if prev.kind != entry.kind {
                    let first = first_seen.get(&entry.date).copied().unwrap_or(origin);
                    return Err(CalendarError::Conflict {
                        at: origin.at(2),
                        date: entry.date,
                        first: first.at(2),
                        first_kind: prev.kind,
                        kind: entry.kind,
                    });
                }
                continue; // the same fact listed twice: keep the first row
            }
            first_seen.insert(entry.date, origin);
            entries.insert(entry.date, entry);
        }
        Ok(Self::from_parts(entries, covered))
    }

    fn check_entry(entry: &CalendarEntry, origin: Origin) -> Result<(), CalendarError> {
        if entry.kind == DayKind::Work && !is_weekend(entry.date) {
            return Err(CalendarError::WorkOnWeekday {
                at: origin.at(1),
                date: entry.date,
                weekday: weekday_zh(entry.date.weekday()),
            });
        }
        if entry.name.trim().is_empty() {
            return Err(CalendarError::EmptyName { at: origin.at(3) });
        }
        let own = entry.date.year();
        if entry.year != own && Some(entry.year) != own.checked_add(1) {
            return Err(CalendarError::YearMismatch {
                at: origin.at(4),
                date: entry.date,
                year: entry.year,
            });
        }
        Ok(())
    }

    fn from_parts(entries: BTreeMap<NaiveDate, CalendarEntry>, covered: BTreeSet<i32>) -> Self {
        let mut shift_days = Vec::new();
        let mut shift_sums = Vec::new();
        let mut sum = 0;
        for e in entries.values() {
            let shift = match (e.kind, is_weekend(e.date)) {
                (DayKind::Off, false) => -1,
                (DayKind::Work, true) => 1,
                _ => 0,
            };
            if shift != 0 {
                sum += shift;
                shift_days.push(day_number(e.date));
                shift_sums.push(sum);
            }
        }
        WorkCalendar {
            entries,
            covered,
            shift_days,
            shift_sums,
        }
    }

    /// Loads `other`'s notices into this calendar. A notice year that `other` covers
    /// replaces this calendar's rows of that notice year entirely (so an amended or
    /// corrected notice can be loaded); other notices are kept. Fails, leaving `self`
    /// unchanged, when two different notices disagree about a date.
    pub fn merge(&mut self, other: &WorkCalendar) -> Result<(), CalendarError> {
        let mut entries: BTreeMap<NaiveDate, CalendarEntry> = self
            .entries
            .iter()
            .filter(|(_, e)| !other.covered.contains(&e.year))
            .map(|(d, e)| (*d, e.clone()))
            .collect();
        for e in other.entries.values() {
            if let Some(prev) = entries.get(&e.date) {
                if prev.kind != e.kind {
                    return Err(CalendarError::MergeConflict {
                        date: e.date,
                        existing_year: prev.year,
                        existing_kind: prev.kind,
                        new_year: e.year,
                        new_kind: e.kind,
                    });
                }
            }
            entries.insert(e.date, e.clone());
        }
        let covered = self.covered.union(&other.covered).copied().collect();
        *self = Self::from_parts(entries, covered);
        Ok(())
    }

    /// A copy of this calendar with `other` merged in (see [`WorkCalendar::merge`]), e.g.
    /// `WorkCalendar::official().merged(&WorkCalendar::from_csv(user_file)?)?`.
    pub fn merged(&self, other: &WorkCalendar) -> Result<WorkCalendar, CalendarError> {
        let mut out = self.clone();
        out.merge(other)?;
        Ok(out)
    }

    /// True when the notice for `year` is loaded.
    pub fn is_covered(&self, year: i32) -> bool {
        self.covered.contains(&year)
    }

    /// The year whose holiday notice an administrator should load now: this year's while it
    /// is missing, and from December on next year's (the State Council publishes it in
    /// November or December); None when both are loaded.
    pub fn notice_due(&self, today: NaiveDate) -> Option<i32> {
        use chrono::Datelike;
        let year = today.year();
        if !self.is_covered(year) {
            Some(year)
        } else if today.month() == 12 && !self.is_covered(year + 1) {
            Some(year + 1)
        } else {
            None
        }
    }

    /// The years whose notice is loaded, ascending.
    pub fn covered_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.covered.iter().copied()
    }

    /// Every row, by date.
    pub fn entries(&self) -> impl Iterator<Item = &CalendarEntry> + '_ {
        self.entries.values()
    }

    /// The row for `date`, if a notice lists it (e.g. to show the holiday name).
    pub fn entry(&self, date: NaiveDate) -> Option<&CalendarEntry> {
        self.entries.get(&date)
    }

    /// The rows as CSV (with header), readable by [`WorkCalendar::from_csv`].
    pub fn to_csv(&self) -> String {
        csv::write(self.entries.values())
    }

    /// Working days among day numbers `..=x`, up to a constant: the working days in
    /// `a..=b` are `working_upto(b) - working_upto(a - 1)`.
    fn working_upto(&self, x: i64) -> i64 {
        let i = self.shift_days.partition_point(|&d| d <= x);
        let shift = if i == 0 { 0 } else { self.shift_sums[i - 1] };
        weekdays_upto(x) + shift
    }

    fn working(&self, date: NaiveDate) -> bool {
        match self.entries.get(&date) {
            Some(e) => e.kind == DayKind::Work,
            None => !is_weekend(date),
        }
    }

    /// The uncovered calendar years among day numbers `lo..=hi` (none when `lo > hi`).
    fn uncovered(&self, lo: i64, hi: i64) -> Vec<i32> {
        match (date_of(lo), date_of(hi)) {
            (Some(lo), Some(hi)) if lo <= hi => (lo.year()..=hi.year())
                .filter(|y| !self.covered.contains(y))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn answer<T>(&self, value: T, lo: i64, hi: i64) -> Answer<T> {
        Answer {
            value,
            uncovered_years: self.uncovered(lo, hi),
        }
    }

    /// Is `date` a working day? Depends on `date` only.
    pub fn is_working_day(&self, date: NaiveDate) -> Answer<bool> {
        let d = day_number(date);
        self.answer(self.working(date), d, d)
    }

    /// The working day `n` working days from `date` (see the module docs: the start day is
    /// not counted; `n = 0` gives `date` or the next working day). Depends on the days
    /// from the day after `date` to the result (`n > 0`), from the result to the day before
    /// `date` (`n < 0`), or from `date` to the result (`n = 0`).
    ///
    /// # Panics
    ///
    /// When the result would fall outside the dates chrono represents (|n| of tens of
    /// millions); see [`WorkCalendar::checked_add_working_days`].
    pub fn add_working_days(&self, date: NaiveDate, n: i64) -> Answer<NaiveDate> {
        self.checked_add_working_days(date, n)
            .expect("working-day arithmetic out of the representable date range")
    }

    /// [`WorkCalendar::add_working_days`], or `None` when the result would fall outside the
    /// dates chrono represents.
    pub fn checked_add_working_days(&self, date: NaiveDate, n: i64) -> Option<Answer<NaiveDate>> {
        let d = day_number(date);
        let (r, lo, hi) = match n.cmp(&0) {
            Ordering::Equal if self.working(date) => (d, d, d),
            Ordering::Equal => {
                let r = self.nth_after(d, 1)?;
                (r, d, r)
            }
            Ordering::Greater => {
                let r = self.nth_after(d, n)?;
                (r, d + 1, r)
            }
            Ordering::Less => {
                let r = self.nth_before(d, n.checked_neg()?)?;
                (r, r, d - 1)
            }
        };
        Some(self.answer(date_of(r)?, lo, hi))
    }

    /// The day number of the `n`-th working day after day `d` (`n >= 1`).
    fn nth_after(&self, d: i64, n: i64) -> Option<i64> {
        // Smallest r > d with working_upto(r) >= target.
        let target = self.working_upto(d).checked_add(n)?;
        let mut lo = d + 1; // invariant: working_upto(lo - 1) < target
        let mut step = span_guess(n);
        let mut hi = loop {
            if lo > max_day() {
                return None;
            }
            let hi = lo.saturating_add(step).min(max_day());
            if self.working_upto(hi) >= target {
                break hi;
            }
            lo = hi + 1;
            step = step.saturating_mul(2);
        };
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.working_upto(mid) >= target {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Some(lo)
    }

    /// The day number of the `k`-th working day before day `d` (`k >= 1`).
    fn nth_before(&self, d: i64, k: i64) -> Option<i64> {
        // r = s + 1 for the largest s <= d - 2 with working_upto(s) <= target: then the
        // working days in r..=d-1 number exactly k and r is one of them.
        let target = self.working_upto(d - 1).checked_sub(k)?;
        let mut hi = d - 2; // invariant: working_upto(hi + 1) > target
        let mut step = span_guess(k);
        let mut lo = loop {
            if hi < min_day() - 1 {
                return None;
            }
            let lo = hi.saturating_sub(step).max(min_day() - 1);
            if self.working_upto(lo) <= target {
                break lo;
            }
            hi = lo - 1;
            step = step.saturating_mul(2);
        };
        while lo < hi {
            let mid = lo + (hi - lo + 1) / 2;
            if self.working_upto(mid) <= target {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Some(lo + 1)
    }

    /// The number of working days `x` with `a < x <= b`, negative (`-(b < x <= a)`) when
    /// `b < a`. Depends on the days after the earlier date up to the later one.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Answer<i64> {
        let (da, db) = (day_number(a), day_number(b));
        let value = self.working_upto(db) - self.working_upto(da);
        self.answer(value, da.min(db) + 1, da.max(db))
    }

    /// The number of working days `x` with `a <= x <= b`; `0` when `b < a`. Depends on the
    /// days from `a` to `b`.
    pub fn working_days_inclusive(&self, a: NaiveDate, b: NaiveDate) -> Answer<i64> {
        let (da, db) = (day_number(a), day_number(b));
        if db < da {
            return self.answer(0, da, db);
        }
        self.answer(self.working_upto(db) - self.working_upto(da - 1), da, db)
    }

    /// The `n`-th working day in `first..=last`: counting from `first` for `n > 0` (`1` =
    /// the first working day), from `last` for `n < 0` (`-1` = the last working day).
    /// `None` when `n = 0` or the range holds fewer than `|n|` working days. Depends on the
    /// days from the range's start (end, for `n < 0`) to the result.
    pub fn nth_working_day_in(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        n: i64,
    ) -> Option<Answer<NaiveDate>> {
        let (df, dl) = (day_number(first), day_number(last));
        let (r, lo, hi) = match n.cmp(&0) {
            Ordering::Equal => return None,
            Ordering::Greater => {
                let r = self.nth_after(df - 1, n).filter(|&r| r <= dl)?;
                (r, df, r)
            }
            Ordering::Less => {
                let r = self
                    .nth_before(dl + 1, n.checked_neg()?)
                    .filter(|&r| r >= df)?;
                (r, r, dl)
            }
        };
        Some(self.answer(date_of(r)?, lo, hi))
    }

    /// The `n`-th working day of a month (`n < 0` counts from the end: `-1` = the last
    /// working day). `None` for an invalid month, `n = 0`, or a month with fewer than `|n|`
    /// working days.
    pub fn nth_working_day_of(&self, year: i32, month: u32, n: i64) -> Option<Answer<NaiveDate>> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
        self.nth_working_day_in(first, last, n)
    }

    /// The `n`-th working day of a quarter (`quarter` 1–4; `n < 0` counts from the end).
    pub fn nth_working_day_of_quarter(
        &self,
        year: i32,
        quarter: u32,
        n: i64,
    ) -> Option<Answer<NaiveDate>> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let first = NaiveDate::from_ymd_opt(year, 3 * quarter - 2, 1)?;
        let last = first.checked_add_months(Months::new(3))?.pred_opt()?;
        self.nth_working_day_in(first, last, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closed_form_weekday_count_agrees_with_chrono() {
        let start = NaiveDate::from_ymd_opt(1999, 12, 1).expect("date");
        for offset in 0..800 {
            let date = start + chrono::Days::new(offset);
            let x = day_number(date);
            let step = weekdays_upto(x) - weekdays_upto(x - 1);
            assert_eq!(step == 1, !is_weekend(date), "{date}");
        }
        // Also below day 1, where floor division matters.
        let early = NaiveDate::from_ymd_opt(-3, 1, 1).expect("date");
        for offset in 0..30 {
            let date = early + chrono::Days::new(offset);
            let x = day_number(date);
            assert_eq!(
                weekdays_upto(x) - weekdays_upto(x - 1) == 1,
                !is_weekend(date)
            );
        }
    }

    #[test]
    fn arithmetic_at_the_edges_of_the_date_range_gives_none_not_a_panic() {
        let cal = WorkCalendar::default();
        assert!(cal.checked_add_working_days(NaiveDate::MAX, 1).is_none());
        assert!(cal.checked_add_working_days(NaiveDate::MIN, -1).is_none());
        assert!(cal
            .checked_add_working_days(NaiveDate::MIN, i64::MIN)
            .is_none());
        assert!(cal
            .checked_add_working_days(NaiveDate::MAX, i64::MAX)
            .is_none());
        let far = cal
            .checked_add_working_days(NaiveDate::MIN, 1_000_000)
            .expect("in range");
        assert_eq!(
            cal.working_days_between(NaiveDate::MIN, far.value).value,
            1_000_000
        );
    }
}
