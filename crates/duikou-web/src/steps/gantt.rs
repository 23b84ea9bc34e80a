//! The Gantt chart of a project's steps (挂图作业), drawn as SVG from the same schedule as
//! `GET /api/v1/projects/{id}/schedule`: planned, projected and actual bars, the critical path
//! outlined, late steps marked with an icon and a word, today's line. Integer geometry.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use duikou_core::steps::Schedule;

use crate::shared::charts::{esc, scale, truncate};
use crate::shared::i18n::Lang;

const LABEL_W: i64 = 230;
const MARK_W: i64 = 90;
const ROW: i64 = 24;
const HEAD: i64 = 34;

struct Axis {
    from: NaiveDate,
    days: i64,
    left: i64,
    span: i64,
}

impl Axis {
    fn x(&self, d: NaiveDate) -> i64 {
        let offset = (d - self.from).num_days().clamp(0, self.days);
        self.left + scale(offset, self.span, self.days)
    }
}

/// The chart, `width` wide.
pub fn gantt_svg(lang: Lang, s: &Schedule, width: i64) -> String {
    let mut first = s.start.min(s.today);
    let mut last = s.projected_finish.max(s.planned_finish).max(s.today);
    for st in &s.steps {
        first = first.min(st.planned_start);
        if let Some(a) = st.actual_start {
            first = first.min(a);
        }
        last = last.max(st.planned_due).max(st.projected_finish);
    }
    // Whole months on the axis.
    let from = first.with_day(1).unwrap_or(first);
    let to = last + chrono::Duration::days(3);
    let axis = Axis {
        from,
        days: (to - from).num_days().max(1),
        left: LABEL_W,
        span: (width - LABEL_W - MARK_W).max(100),
    };
    let rows = i64::try_from(s.steps.len() + s.phases.len()).unwrap_or(0);
    let height = HEAD + ROW * rows + 10;
    let title = lang.t("gantt.title");
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart gantt" viewBox="0 0 {width} {height}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    month_ticks(&mut out, &axis, height);
    let mut y = HEAD;
    let mut alt = false;
    for phase in &s.phases {
        let _ = write!(
            out,
            r#"<text class="phase" x="4" y="{ty}">{name}</text>"#,
            ty = y + 16,
            name = esc(&truncate(&lang.data(&phase.name), 16)),
        );
        y += ROW;
        for st in s.steps.iter().filter(|st| st.phase == phase.key) {
            if alt {
                let _ = write!(
                    out,
                    r#"<rect class="row-alt" x="0" y="{y}" width="{width}" height="{ROW}"/>"#
                );
            }
            alt = !alt;
            step_row(&mut out, lang, &axis, s, st, y, width);
            y += ROW;
        }
    }
    let tx = axis.x(s.today);
    let _ = write!(
        out,
        r#"<line class="today" x1="{tx}" y1="{top}" x2="{tx}" y2="{height}"/><text class="late" x="{lx}" y="12">{label}</text>"#,
        top = HEAD - 8,
        lx = tx + 3,
        label = esc(lang.t("gantt.today")),
    );
    out.push_str("</svg>");
    out
}

fn month_ticks(out: &mut String, axis: &Axis, height: i64) {
    let mut m = axis.from;
    let end = axis.from + chrono::Duration::days(axis.days);
    let months = (axis.days / 30).max(1);
    let every = (months / 12 + 1).max(1);
    let mut i = 0;
    while m <= end {
        let x = axis.x(m);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{x}" y1="{HEAD}" x2="{x}" y2="{height}"/>"#
        );
        if i % every == 0 {
            let _ = write!(
                out,
                r#"<text class="muted" x="{tx}" y="28">{y}-{mo:02}</text>"#,
                tx = x + 2,
                y = m.year(),
                mo = m.month()
            );
        }
        i += 1;
        m = m
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(end + chrono::Duration::days(1));
    }
}

fn step_row(
    out: &mut String,
    lang: Lang,
    axis: &Axis,
    s: &Schedule,
    st: &duikou_core::steps::ScheduledStep,
    y: i64,
    width: i64,
) {
    let name = truncate(&lang.data(&st.name), 15);
    let _ = write!(
        out,
        r#"<text x="14" y="{ty}">{name}</text>"#,
        ty = y + 16,
        name = esc(&name)
    );
    // Planned: a thin grey band across the whole committed window.
    let (px, pw) = span(axis, st.planned_start, st.planned_due);
    let _ = write!(
        out,
        r#"<rect class="planned" x="{px}" y="{by}" width="{pw}" height="6"><title>{t}</title></rect>"#,
        by = y + 3,
        t = esc(&format!(
            "{} {} – {}",
            lang.t("gantt.planned"),
            st.planned_start,
            st.planned_due
        )),
    );
    // Projected (or actual when done).
    let critical = s.critical_path.contains(&st.key);
    let (qx, qw) = span(axis, st.projected_start, st.projected_finish);
    let class = if st.actual_finish.is_some() {
        "actual"
    } else if st.late {
        "late-bar"
    } else {
        "projected"
    };
    let _ = write!(
        out,
        r#"<rect class="{class}" x="{qx}" y="{by}" width="{qw}" height="10"><title>{t}</title></rect>"#,
        by = y + 10,
        t = esc(&format!(
            "{} {} – {}",
            lang.t("gantt.projected"),
            st.projected_start,
            st.projected_finish
        )),
    );
    if critical {
        let _ = write!(
            out,
            r#"<rect class="critical" x="{qx}" y="{by}" width="{qw}" height="10"/>"#,
            by = y + 10
        );
    }
    if st.estimated {
        let _ = write!(
            out,
            r#"<text class="est" x="{ex}" y="{ty}">{m}<title>{t}</title></text>"#,
            ex = qx + qw + 3,
            ty = y + 19,
            m = esc(lang.t("gantt.est")),
            t = esc(lang.t("gantt.estimated")),
        );
    }
    if st.late {
        let _ = write!(
            out,
            r#"<text class="late" x="{mx}" y="{ty}">{m}</text>"#,
            mx = width - MARK_W + 6,
            ty = y + 17,
            m = esc(&format!("● {}", lang.t("gantt.late"))),
        );
    }
}

/// x and width of a bar from `a` to `b` (both inclusive), at least 2 wide.
fn span(axis: &Axis, a: NaiveDate, b: NaiveDate) -> (i64, i64) {
    let x = axis.x(a);
    let end = axis.x(b + chrono::Duration::days(1));
    (x, (end - x).max(2))
}
