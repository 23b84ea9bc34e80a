//! Working-day arithmetic for steps: deadlines that skip suspended days, days used, and the
//! uncovered calendar years the answers relied on.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::state::Suspension;
use crate::calendar::{Answer, WorkCalendar};

/// A calendar with `today`, collecting the uncovered years of every answer it gives.
pub(super) struct Clock<'c> {
    calendar: &'c WorkCalendar,
    pub today: NaiveDate,
    years: BTreeSet<i32>,
}

impl<'c> Clock<'c> {
    pub fn new(calendar: &'c WorkCalendar, today: NaiveDate) -> Clock<'c> {
        Clock {
            calendar,
            today,
            years: BTreeSet::new(),
        }
    }

    /// The uncovered years collected since the last call.
    pub fn take_years(&mut self) -> BTreeSet<i32> {
        std::mem::take(&mut self.years)
    }

    fn note<T>(&mut self, answer: Answer<T>) -> T {
        self.years.extend(answer.uncovered_years);
        answer.value
    }

    /// `add_working_days`, saturating at the ends of the date range instead of panicking.
    pub fn add(&mut self, date: NaiveDate, n: i64) -> NaiveDate {
        match self.calendar.checked_add_working_days(date, n) {
            Some(answer) => self.note(answer),
            None if n < 0 => NaiveDate::MIN,
            None => NaiveDate::MAX,
        }
    }

    /// `date` if it is a working day, else the next working day.
    pub fn on_or_after(&mut self, date: NaiveDate) -> NaiveDate {
        self.add(date, 0)
    }

    /// Working days in `a..=b` (0 when `b < a`).
    pub fn inclusive(&mut self, a: NaiveDate, b: NaiveDate) -> i64 {
        let answer = self.calendar.working_days_inclusive(a, b);
        self.note(answer)
    }

    /// The suspensions as closed intervals (an open one ends today; one that has not begun
    /// by today is left out), sorted, overlaps merged.
    pub fn intervals(&self, suspensions: &[Suspension]) -> Vec<(NaiveDate, NaiveDate)> {
        let mut raw: Vec<(NaiveDate, NaiveDate)> = suspensions
            .iter()
            .map(|s| (s.from, s.to.unwrap_or(self.today)))
            .filter(|(from, to)| from <= to)
            .collect();
        raw.sort();
        let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(raw.len());
        for (from, to) in raw {
            match merged.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        merged
    }

    /// Suspended working days within `a..=b`.
    pub fn suspended_in(
        &mut self,
        intervals: &[(NaiveDate, NaiveDate)],
        a: NaiveDate,
        b: NaiveDate,
    ) -> i64 {
        intervals
            .iter()
            .map(|&(from, to)| self.inclusive(from.max(a), to.min(b)))
            .sum()
    }

    /// The `days`-th unsuspended working day counting `start` (moved to a working day) as
    /// the first: `add_working_days(start, days - 1)` when nothing is suspended.
    pub fn due(
        &mut self,
        start: NaiveDate,
        days: i64,
        intervals: &[(NaiveDate, NaiveDate)],
    ) -> NaiveDate {
        let mut cursor = self.on_or_after(start);
        let mut remaining = days.max(1);
        for &(from, to) in intervals {
            if to < cursor {
                continue;
            }
            if from > cursor {
                let before = from.pred_opt().unwrap_or(from);
                let available = self.inclusive(cursor, before);
                if available >= remaining {
                    break;
                }
                remaining -= available;
            }
            cursor = self.add(to, 1);
        }
        self.add(cursor, remaining - 1)
    }

    /// Working days used by a step started on `start`: through `finish` (or today while
    /// unfinished; never past today), both counted, minus suspended ones.
    pub fn used(
        &mut self,
        start: NaiveDate,
        finish: Option<NaiveDate>,
        intervals: &[(NaiveDate, NaiveDate)],
    ) -> i64 {
        let end = finish.unwrap_or(self.today).min(self.today);
        if end < start {
            return 0;
        }
        let gross = self.inclusive(start, end);
        gross - self.suspended_in(intervals, start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::SuspensionReason;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn pause(from: NaiveDate, to: Option<NaiveDate>) -> Suspension {
        Suspension {
            reason: SuspensionReason::Hearing,
            from,
            to,
            note: String::new(),
        }
    }

    #[test]
    fn without_suspensions_the_due_date_is_the_nth_working_day_counting_the_start() {
        let mut clock = Clock::new(WorkCalendar::official(), date(2024, 3, 1));
        for n in 1..30 {
            let expected = clock.add(date(2024, 3, 4), n - 1);
            assert_eq!(clock.due(date(2024, 3, 4), n, &[]), expected, "{n}");
        }
        // A Saturday start moves to Monday.
        assert_eq!(clock.due(date(2024, 3, 2), 1, &[]), date(2024, 3, 4));
    }

    #[test]
    fn suspensions_before_at_and_after_the_window_are_handled() {
        let mut clock = Clock::new(WorkCalendar::official(), date(2024, 3, 1));
        let start = date(2024, 3, 4);
        // Covering the start: 03-04..05 suspended, days 06, 07, 08.
        let at = clock.intervals(&[pause(date(2024, 3, 1), Some(date(2024, 3, 5)))]);
        assert_eq!(clock.due(start, 3, &at), date(2024, 3, 8));
        // After the due date: no effect.
        let after = clock.intervals(&[pause(date(2024, 3, 20), Some(date(2024, 3, 22)))]);
        assert_eq!(clock.due(start, 3, &after), date(2024, 3, 6));
        // Before the start: no effect.
        let before = clock.intervals(&[pause(date(2024, 2, 1), Some(date(2024, 2, 9)))]);
        assert_eq!(clock.due(start, 3, &before), date(2024, 3, 6));
    }

    #[test]
    fn overlapping_suspensions_are_merged_and_open_ones_end_today() {
        let clock = Clock::new(WorkCalendar::official(), date(2024, 3, 15));
        let merged = clock.intervals(&[
            pause(date(2024, 3, 6), Some(date(2024, 3, 8))),
            pause(date(2024, 3, 4), Some(date(2024, 3, 6))),
            pause(date(2024, 3, 12), None),
            pause(date(2024, 3, 20), None),
        ]);
        assert_eq!(
            merged,
            [
                (date(2024, 3, 4), date(2024, 3, 8)),
                (date(2024, 3, 12), date(2024, 3, 15))
            ]
        );
    }
}
