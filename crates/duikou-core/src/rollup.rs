//! The statistics rollup: each project's contribution to the headline figures over time,
//! as changes by month, so that "as of any date" is a sum over a scope's months instead of a
//! walk over its projects.
//!
//! A project counts, on a date D, in the group (stage, category, ≥1亿) of every stage span
//! holding D (`effective_date <= D < until_date`), with its planned investment and agreement
//! amount and the figures of its latest progress report ending by D (the latest period end,
//! then the last filed) — the same definition the direct statistics query uses. Money of
//! projects not kept in CNY is counted as present nowhere (it is not yuan), the project itself
//! is counted.
//!
//! The state of a project only changes on the dates its spans start or end and its reports'
//! periods end; `changes` lists, for each such date, the difference of the state from the day
//! before. Summing the changes up to D gives the state on D exactly. `by_month` folds them
//! into months (the rollup's rows). For a date within a month the store adds that month's
//! changes up to the date: for the whole country from its daily rows, for a smaller scope
//! from the few projects of the scope that changed stage in it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::project::Category;
use crate::stage::Stage;
use crate::stats::{MoneyField, Totals, LARGE_PROJECT_YUAN};

/// Count, the six money sums and their presence counts, in `MoneyField::ALL` order:
/// `[n, s0..s5, c0..c5]`. Signed: a change subtracts what left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Figures(pub [i64; 13]);

impl Figures {
    pub const LEN: usize = 13;

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
    pub fn add(&mut self, o: &Figures) {
        for (a, b) in self.0.iter_mut().zip(o.0.iter()) {
            *a = a.saturating_add(*b);
        }
    }
    pub fn sub(&mut self, o: &Figures) {
        for (a, b) in self.0.iter_mut().zip(o.0.iter()) {
            *a = a.saturating_sub(*b);
        }
    }
    pub fn negated(&self) -> Figures {
        let mut f = Figures::default();
        f.sub(self);
        f
    }
    /// The figures as totals (sums of a state are never negative).
    pub fn to_totals(&self) -> Totals {
        let mut t = Totals {
            count: self.0[0],
            ..Totals::default()
        };
        for (i, f) in MoneyField::ALL.into_iter().enumerate() {
            t.set(f, self.0[1 + i], self.0[7 + i]);
        }
        t
    }
    pub fn from_totals(t: &Totals) -> Figures {
        let mut f = Figures::default();
        f.0[0] = t.count;
        for (i, m) in MoneyField::ALL.into_iter().enumerate() {
            let s = t.field(m);
            f.0[1 + i] = s.sum.yuan();
            f.0[7 + i] = s.count;
        }
        f
    }
}

/// The group a project's span counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Group {
    pub stage: Stage,
    pub category: Category,
    pub large: bool,
}

/// One stage span: `[from, until)`, open when `until` is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub stage: Stage,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// One progress report's cumulative figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportPoint {
    pub id: i64,
    pub period_end: NaiveDate,
    pub invested_to_date: Option<i64>,
    pub funds_in_place: Option<i64>,
    pub trade_volume: Option<i64>,
    pub output_value: Option<i64>,
}

/// What the figures of one project are made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFacts {
    pub category: Category,
    /// Money kept in CNY (other currencies are counted but not summed).
    pub cny: bool,
    pub planned_investment: Option<i64>,
    pub agreement_amount: Option<i64>,
    pub spans: Vec<Span>,
    pub reports: Vec<ReportPoint>,
}

impl ProjectFacts {
    fn large(&self) -> bool {
        self.planned_investment
            .is_some_and(|p| p >= LARGE_PROJECT_YUAN)
    }

    /// The latest report ending by `d`: latest period end, then the last filed.
    fn latest_report(&self, d: NaiveDate) -> Option<&ReportPoint> {
        self.reports
            .iter()
            .filter(|r| r.period_end <= d)
            .max_by_key(|r| (r.period_end, r.id))
    }

    /// The project's figures for one span it counts in on `d`.
    fn figures(&self, d: NaiveDate) -> Figures {
        let mut f = Figures::default();
        f.0[0] = 1;
        if !self.cny {
            return f;
        }
        let r = self.latest_report(d);
        let values = [
            self.planned_investment,
            self.agreement_amount,
            r.and_then(|r| r.invested_to_date),
            r.and_then(|r| r.funds_in_place),
            r.and_then(|r| r.trade_volume),
            r.and_then(|r| r.output_value),
        ];
        for (i, v) in values.into_iter().enumerate() {
            if let Some(v) = v {
                f.0[1 + i] = v;
                f.0[7 + i] = 1;
            }
        }
        f
    }

    /// What the project adds to each group on `d`.
    pub fn state(&self, d: NaiveDate) -> BTreeMap<Group, Figures> {
        let mut state: BTreeMap<Group, Figures> = BTreeMap::new();
        for s in &self.spans {
            if s.from <= d && s.until.is_none_or(|u| d < u) {
                let g = Group {
                    stage: s.stage,
                    category: self.category,
                    large: self.large(),
                };
                state.entry(g).or_default().add(&self.figures(d));
            }
        }
        state
    }

    /// The dates on which the state may differ from the day before, in order.
    fn change_dates(&self) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = self
            .spans
            .iter()
            .flat_map(|s| std::iter::once(s.from).chain(s.until))
            .chain(self.reports.iter().map(|r| r.period_end))
            .collect();
        dates.sort_unstable();
        dates.dedup();
        dates
    }

    /// For each date the state changes, the difference from the day before, by group.
    pub fn changes(&self) -> Vec<(NaiveDate, Group, Figures)> {
        let mut out = Vec::new();
        let mut prev: BTreeMap<Group, Figures> = BTreeMap::new();
        for d in self.change_dates() {
            let now = self.state(d);
            let mut diff = now.clone();
            for (g, f) in &prev {
                diff.entry(*g).or_default().sub(f);
            }
            out.extend(
                diff.into_iter()
                    .filter(|(_, f)| !f.is_zero())
                    .map(|(g, f)| (d, g, f)),
            );
            prev = now;
        }
        out
    }

    /// The changes folded into months (keyed by the month's first day).
    pub fn by_month(&self) -> BTreeMap<(NaiveDate, Group), Figures> {
        let mut out: BTreeMap<(NaiveDate, Group), Figures> = BTreeMap::new();
        for (d, g, f) in self.changes() {
            out.entry((month_start(d), g)).or_default().add(&f);
        }
        out.retain(|_, f| !f.is_zero());
        out
    }
}

/// The first day of `d`'s month.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The first day of `d`'s year.
pub fn year_start(d: NaiveDate) -> NaiveDate {
    d.with_ordinal(1).unwrap_or(d)
}

/// Whether `d` is the last day of its month (then the month's row answers it whole).
pub fn is_month_end(d: NaiveDate) -> bool {
    d.succ_opt().is_none_or(|n| n.month() != d.month())
}

/// The rollup's scope nodes of a project: the whole country, every partnership on its path,
/// and the host and source regions on their paths down to `region_depth` levels (provinces
/// and cities: below them a scope is small enough to count directly). Paths look like
/// `/210000/210100/`.
pub fn nodes(
    partnership_path: &str,
    host_region_path: &str,
    source_region_path: &str,
    region_depth: usize,
) -> Vec<(Dim, String)> {
    let mut out = vec![(Dim::All, String::new())];
    out.extend(ancestors(partnership_path, usize::MAX).map(|p| (Dim::Partnership, p)));
    out.extend(ancestors(host_region_path, region_depth).map(|p| (Dim::Host, p)));
    out.extend(ancestors(source_region_path, region_depth).map(|p| (Dim::Source, p)));
    out
}

/// `/a/b/c/` → `/a/`, `/a/b/`, `/a/b/c/` (at most `depth` of them).
fn ancestors(path: &str, depth: usize) -> impl Iterator<Item = String> + '_ {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let n = segments.len().min(depth);
    (1..=n).map(move |k| {
        let mut p = String::from("/");
        for s in &segments[..k] {
            p.push_str(s);
            p.push('/');
        }
        p
    })
}

/// The dimension of a rollup node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    All,
    /// The whole country by day (its monthly rows cannot answer a date within a month, and
    /// counting the month's changes of a million projects directly would be slow).
    Day,
    Partnership,
    Host,
    Source,
    /// The same nodes by year: "as of" a date adds the whole years before it, then the months
    /// of its own year (at most 11), instead of every month since the history began.
    AllYear,
    PartnershipYear,
    HostYear,
    SourceYear,
}

impl Dim {
    pub fn code(self) -> &'static str {
        match self {
            Dim::All => "all",
            Dim::Day => "day",
            Dim::Partnership => "partnership",
            Dim::Host => "host",
            Dim::Source => "source",
            Dim::AllYear => "all-year",
            Dim::PartnershipYear => "partnership-year",
            Dim::HostYear => "host-year",
            Dim::SourceYear => "source-year",
        }
    }

    /// The yearly rows of a monthly dimension's nodes.
    pub fn yearly(self) -> Option<Dim> {
        match self {
            Dim::All => Some(Dim::AllYear),
            Dim::Partnership => Some(Dim::PartnershipYear),
            Dim::Host => Some(Dim::HostYear),
            Dim::Source => Some(Dim::SourceYear),
            _ => None,
        }
    }
}

/// How many levels of the region tree keep rollup rows (province, city).
pub const REGION_DEPTH: usize = 2;

/// The depth of a path (`/210000/210100/` → 2).
pub fn depth(path: &str) -> usize {
    path.split('/').filter(|s| !s.is_empty()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts() -> ProjectFacts {
        ProjectFacts {
            category: Category::Investment,
            cny: true,
            planned_investment: Some(200_000_000),
            agreement_amount: Some(150_000_000),
            spans: vec![
                Span {
                    stage: Stage::Signed,
                    from: d(2020, 3, 10),
                    until: Some(d(2021, 1, 5)),
                },
                Span {
                    stage: Stage::Landed,
                    from: d(2021, 1, 5),
                    until: None,
                },
            ],
            reports: vec![
                ReportPoint {
                    id: 1,
                    period_end: d(2020, 12, 31),
                    invested_to_date: Some(10_000_000),
                    funds_in_place: None,
                    trade_volume: None,
                    output_value: None,
                },
                ReportPoint {
                    id: 2,
                    period_end: d(2021, 3, 31),
                    invested_to_date: Some(30_000_000),
                    funds_in_place: Some(5),
                    trade_volume: None,
                    output_value: None,
                },
            ],
        }
    }

    fn sum_to(changes: &[(NaiveDate, Group, Figures)], on: NaiveDate) -> BTreeMap<Group, Figures> {
        let mut out: BTreeMap<Group, Figures> = BTreeMap::new();
        for (_, g, f) in changes.iter().filter(|(when, _, _)| *when <= on) {
            out.entry(*g).or_default().add(f);
        }
        out.retain(|_, f| !f.is_zero());
        out
    }

    #[test]
    fn a_project_moves_between_groups_on_its_transition_day() {
        let f = facts();
        let c = f.changes();
        let signed = Group {
            stage: Stage::Signed,
            category: Category::Investment,
            large: true,
        };
        let landed = Group {
            stage: Stage::Landed,
            ..signed
        };
        assert!(
            sum_to(&c, d(2020, 3, 9)).is_empty(),
            "nothing before the first span"
        );
        let on_jan_4 = sum_to(&c, d(2021, 1, 4));
        assert_eq!(on_jan_4.len(), 1);
        assert_eq!(on_jan_4[&signed].0[0], 1);
        assert_eq!(on_jan_4[&signed].0[3], 10_000_000, "the 2020 report");
        let on_jan_5 = sum_to(&c, d(2021, 1, 5));
        assert_eq!(
            on_jan_5.len(),
            1,
            "left signed, entered landed the same day"
        );
        assert_eq!(on_jan_5[&landed].0[0], 1);
        assert_eq!(on_jan_5[&landed].0[2], 150_000_000);
        let q1 = sum_to(&c, d(2021, 3, 31));
        assert_eq!(q1[&landed].0[3], 30_000_000);
        assert_eq!(q1[&landed].0[9], 1, "funds in place now present");
    }

    #[test]
    fn money_of_other_currencies_is_counted_but_not_summed() {
        let mut f = facts();
        f.cny = false;
        let s = f.state(d(2022, 1, 1));
        let only = s.values().next().unwrap();
        assert_eq!(only.0[0], 1);
        assert!(only.0[1..].iter().all(|v| *v == 0));
    }

    #[test]
    fn nodes_cover_partnerships_and_the_upper_region_levels() {
        let n = nodes("/1/7/", "/210000/210100/210102/", "", REGION_DEPTH);
        let codes: Vec<String> = n.iter().map(|(d, p)| format!("{}:{p}", d.code())).collect();
        assert_eq!(
            codes,
            [
                "all:",
                "partnership:/1/",
                "partnership:/1/7/",
                "host:/210000/",
                "host:/210000/210100/"
            ]
        );
        assert_eq!(depth("/210000/210100/"), 2);
        assert!(is_month_end(d(2024, 2, 29)));
        assert!(!is_month_end(d(2024, 2, 28)));
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..800).prop_map(|o| d(2020, 1, 1) + chrono::Duration::days(o))
    }

    fn arb_facts() -> impl Strategy<Value = ProjectFacts> {
        let span = (
            0usize..Stage::ALL.len(),
            arb_date(),
            0i64..200,
            any::<bool>(),
        );
        let report = (
            arb_date(),
            prop::option::of(0i64..1_000_000),
            prop::option::of(0i64..1_000_000),
        );
        (
            prop::collection::vec(span, 0..5),
            prop::collection::vec(report, 0..6),
            any::<bool>(),
            prop::option::of(0i64..300_000_000),
            0usize..Category::ALL.len(),
        )
            .prop_map(|(spans, reports, cny, planned, cat)| ProjectFacts {
                category: Category::ALL[cat],
                cny,
                planned_investment: planned,
                agreement_amount: planned.map(|p| p / 2),
                spans: spans
                    .into_iter()
                    .map(|(s, from, len, open)| Span {
                        stage: Stage::ALL[s],
                        from,
                        until: (!open).then(|| from + chrono::Duration::days(len)),
                    })
                    .collect(),
                reports: reports
                    .into_iter()
                    .enumerate()
                    .map(|(i, (end, a, b))| ReportPoint {
                        id: i as i64 + 1,
                        period_end: end,
                        invested_to_date: a,
                        funds_in_place: b,
                        trade_volume: None,
                        output_value: a,
                    })
                    .collect(),
            })
    }

    proptest! {
        /// Summing the changes up to any date gives the state on that date, for any spans
        /// (overlapping, empty, open) and reports (ties on period end included).
        #[test]
        fn changes_sum_to_the_state(f in arb_facts(), on in arb_date()) {
            let mut want = f.state(on);
            want.retain(|_, v| !v.is_zero());
            prop_assert_eq!(sum_to(&f.changes(), on), want);
        }

        /// The monthly fold answers month ends exactly.
        #[test]
        fn months_sum_to_the_state_at_month_ends(f in arb_facts(), on in arb_date()) {
            let end = {
                let next = month_start(on) + chrono::Duration::days(32);
                month_start(next).pred_opt().unwrap()
            };
            let mut got: BTreeMap<Group, Figures> = BTreeMap::new();
            for ((m, g), v) in f.by_month() {
                if m <= month_start(end) {
                    got.entry(g).or_default().add(&v);
                }
            }
            got.retain(|_, v| !v.is_zero());
            let mut want = f.state(end);
            want.retain(|_, v| !v.is_zero());
            prop_assert!(is_month_end(end));
            prop_assert_eq!(got, want);
        }
    }
}
