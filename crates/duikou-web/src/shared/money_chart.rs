//! The money of a project over time (资金进度): 累计完成投资 and 到位资金 from its progress
//! reports, one point per report period, drawn as SVG on the server. Geometry in integers on
//! the exact amounts; the two series differ by line pattern and marker shape as well as
//! colour, and each point's figure is written beside it, so the chart reads in grey print.

use std::fmt::Write;

use duikou_core::money::{Money, MoneyUnit};
use duikou_core::progress_report::ProgressReport;

use crate::shared::charts::{esc, scale};
use crate::shared::i18n::Lang;

const LEFT: i64 = 70;
const RIGHT: i64 = 30;
const TOP: i64 = 16;
const HEIGHT: i64 = 230;
const BOTTOM: i64 = 40;

/// One report period's figures.
struct Point {
    label: String,
    invested: Option<Money>,
    funds: Option<Money>,
}

/// The chart, `width` wide; `None` when no report carries either figure.
pub fn money_svg(lang: Lang, reports: &[ProgressReport], width: i64) -> Option<String> {
    let mut sorted: Vec<&ProgressReport> = reports.iter().collect();
    sorted.sort_by_key(|r| (r.period_end, r.id));
    let points: Vec<Point> = sorted
        .iter()
        .map(|r| Point {
            label: r.fields.period.to_string(),
            invested: r.fields.invested_to_date,
            funds: r.fields.funds_in_place,
        })
        .filter(|p| p.invested.is_some() || p.funds.is_some())
        .collect();
    if points.is_empty() {
        return None;
    }
    let max = points
        .iter()
        .flat_map(|p| [p.invested, p.funds])
        .flatten()
        .map(Money::yuan)
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_w = (width - LEFT - RIGHT).max(60);
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = i64::try_from(points.len()).unwrap_or(1);
    let x = |i: usize| {
        let i = i64::try_from(i).unwrap_or(0);
        if n == 1 {
            LEFT + plot_w / 2
        } else {
            LEFT + i * plot_w / (n - 1)
        }
    };
    let y = |m: Money| TOP + plot_h - scale(m.yuan(), plot_h, max);
    let title = lang.t("money_chart.title");
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart money" viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    // The axis: zero and the largest figure, in 亿元.
    let top_label = format!(
        "{}{}",
        Money::from_yuan(max).format_in(MoneyUnit::Yi, 2),
        lang.t("unit.yi")
    );
    let base = TOP + plot_h;
    let _ = write!(
        s,
        r#"<line class="axis" x1="{LEFT}" y1="{base}" x2="{r}" y2="{base}"/><line class="grid" x1="{LEFT}" y1="{TOP}" x2="{r}" y2="{TOP}"/><text class="muted" x="{lx}" y="{ty}" text-anchor="end">{top}</text><text class="muted" x="{lx}" y="{by}" text-anchor="end">0</text>"#,
        r = LEFT + plot_w,
        lx = LEFT - 6,
        ty = TOP + 4,
        top = esc(&top_label),
        by = base + 4,
    );
    let every = (points.len() / 8).max(1);
    for (i, p) in points.iter().enumerate() {
        if i % every == 0 || i + 1 == points.len() {
            let _ = write!(
                s,
                r#"<text class="muted" x="{px}" y="{py}" text-anchor="middle">{l}</text>"#,
                px = x(i),
                py = base + 18,
                l = esc(&p.label)
            );
        }
    }
    series(&mut s, &points, |p| p.invested, "s-invested", &x, &y);
    series(&mut s, &points, |p| p.funds, "s-funds", &x, &y);
    s.push_str("</svg>");
    Some(s)
}

/// One series: a polyline through its points, a marker at each, and the last figure written.
fn series(
    s: &mut String,
    points: &[Point],
    value: impl Fn(&Point) -> Option<Money>,
    class: &str,
    x: &impl Fn(usize) -> i64,
    y: &impl Fn(Money) -> i64,
) {
    let coords: Vec<(i64, i64, Money)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| value(p).map(|m| (x(i), y(m), m)))
        .collect();
    if coords.is_empty() {
        return;
    }
    let path: Vec<String> = coords.iter().map(|(a, b, _)| format!("{a},{b}")).collect();
    let _ = write!(
        s,
        r#"<polyline class="line {class}" points="{}"/>"#,
        path.join(" ")
    );
    for (px, py, m) in &coords {
        let marker = if class == "s-funds" {
            format!(
                r#"<rect class="dot {class}" x="{}" y="{}" width="7" height="7"><title>{}</title></rect>"#,
                px - 3,
                py - 3,
                m.format_in(MoneyUnit::Yi, 2)
            )
        } else {
            format!(
                r#"<circle class="dot {class}" cx="{px}" cy="{py}" r="4"><title>{}</title></circle>"#,
                m.format_in(MoneyUnit::Yi, 2)
            )
        };
        s.push_str(&marker);
    }
    if let Some((px, py, m)) = coords.last() {
        let dy = if class == "s-funds" { 14 } else { -8 };
        let _ = write!(
            s,
            r#"<text class="value {class}-text" x="{px}" y="{ty}" text-anchor="end">{v}</text>"#,
            ty = py + dy,
            v = m.format_in(MoneyUnit::Yi, 2)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use duikou_core::progress_report::{Period, ProgressReportFields};

    fn report(id: i64, period: &str, invested: i64, funds: Option<i64>) -> ProgressReport {
        let period = Period::parse(period).unwrap();
        ProgressReport {
            id,
            project_id: 1,
            period_end: period.end(),
            fields: ProgressReportFields {
                period,
                invested_to_date: Some(Money::from_yuan(invested)),
                funds_in_place: funds.map(Money::from_yuan),
                trade_volume: None,
                output_value: None,
                note: None,
                correction: None,
            },
            version: 1,
        }
    }

    #[test]
    fn points_follow_the_periods_and_the_last_figures_are_written() {
        let reports = [
            report(2, "2024-06", 300_000_000, Some(100_000_000)),
            report(1, "2024-03", 100_000_000, None),
        ];
        let svg = money_svg(Lang::ZhHans, &reports, 600).unwrap();
        assert!(svg.find("2024-03").unwrap() < svg.find("2024-06").unwrap());
        assert!(svg.contains("3.00亿元"), "the axis top: {svg}");
        assert!(svg.contains(">3.00</text>") && svg.contains(">1.00</text>"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches(r#"<rect class="dot"#).count(), 1);
        assert!(!svg.contains("style="));
    }

    #[test]
    fn no_reports_no_chart() {
        assert!(money_svg(Lang::ZhHans, &[], 600).is_none());
    }
}
