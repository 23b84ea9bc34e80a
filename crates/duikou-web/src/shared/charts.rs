//! Charts drawn on the server as SVG: horizontal bars and the stage funnel. Geometry is
//! integer arithmetic on the figures (no floating point on money); every label is text in the
//! chart, so it reads in print and without colour. Bars link to the records behind them.

use std::fmt::Write;

/// Escapes text for SVG (XML) content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `value × span / max`, rounded down, in integers; 0 when `max` is not positive.
pub fn scale(value: i64, span: i64, max: i64) -> i64 {
    if max <= 0 || value <= 0 {
        return 0;
    }
    let v = i128::from(value) * i128::from(span) / i128::from(max);
    i64::try_from(v).unwrap_or(span).min(span)
}

/// One bar: its label, its size (any integer unit), the figure printed beside it, and the
/// list it links to.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub size: i64,
    pub text: String,
    pub href: Option<String>,
}

const ROW: i64 = 26;
const LABEL_W: i64 = 150;
const VALUE_W: i64 = 110;

/// A horizontal bar chart of `bars`, `width` wide, with an accessible title.
pub fn hbars(title: &str, bars: &[Bar], width: i64) -> String {
    let height = ROW * i64::try_from(bars.len()).unwrap_or(0) + 8;
    let span = (width - LABEL_W - VALUE_W).max(40);
    let max = bars.iter().map(|b| b.size).max().unwrap_or(0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = ROW * i64::try_from(i).unwrap_or(0) + 4;
        let w = scale(b.size, span, max).max(if b.size > 0 { 2 } else { 0 });
        let open = match &b.href {
            Some(h) => format!(r#"<a href="{}">"#, esc(h)),
            None => String::new(),
        };
        let close = if b.href.is_some() { "</a>" } else { "" };
        let _ = write!(
            s,
            r#"{open}<text x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect class="bar" x="{x}" y="{by}" width="{w}" height="16"/><text class="value" x="{vx}" y="{ty}">{text}</text>{close}"#,
            lx = LABEL_W - 8,
            ty = y + 13,
            label = esc(&truncate(&b.label, 12)),
            x = LABEL_W,
            by = y + 1,
            vx = LABEL_W + w + 6,
            text = esc(&b.text),
        );
    }
    let _ = write!(
        s,
        r#"<line class="axis" x1="{LABEL_W}" y1="0" x2="{LABEL_W}" y2="{height}"/></svg>"#
    );
    s
}

/// The stage funnel: one centred bar per stage, its width the count of projects at or beyond
/// that stage, the count and the stage's name written on it.
pub fn funnel(title: &str, bars: &[Bar], width: i64) -> String {
    let row = 30;
    let height = row * i64::try_from(bars.len()).unwrap_or(0) + 4;
    let label_w = 90;
    let span = (width - label_w - 70).max(40);
    let max = bars.iter().map(|b| b.size).max().unwrap_or(0);
    let centre = label_w + span / 2;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart funnel" viewBox="0 0 {width} {height}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = row * i64::try_from(i).unwrap_or(0) + 2;
        let w = scale(b.size, span, max).max(2);
        let open = match &b.href {
            Some(h) => format!(r#"<a href="{}">"#, esc(h)),
            None => String::new(),
        };
        let close = if b.href.is_some() { "</a>" } else { "" };
        let class = if i % 2 == 0 { "bar" } else { "bar2" };
        let _ = write!(
            s,
            r#"{open}<text x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect class="{class}" x="{x}" y="{y}" width="{w}" height="24" rx="2"/><text class="value" x="{vx}" y="{ty}">{text}</text>{close}"#,
            lx = label_w - 8,
            ty = y + 17,
            label = esc(&b.label),
            x = centre - w / 2,
            vx = centre + w / 2 + 6,
            text = esc(&b.text),
        );
    }
    s.push_str("</svg>");
    s
}

/// At most `n` characters, with an ellipsis when cut.
pub fn truncate(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_owned()
    } else {
        let mut t: String = text.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_in_integers_and_never_overflow() {
        assert_eq!(scale(50, 200, 100), 100);
        assert_eq!(scale(i64::MAX, 200, i64::MAX), 200);
        assert_eq!(scale(1, 200, 0), 0);
        assert_eq!(scale(-5, 200, 10), 0);
    }

    #[test]
    fn chart_text_is_escaped_and_bars_link_to_their_records() {
        let bars = [Bar {
            label: "<沈阳&>".into(),
            size: 3,
            text: "3".into(),
            href: Some("/projects?region=210100&stage=signed".into()),
        }];
        let svg = hbars("t", &bars, 600);
        assert!(svg.contains("&lt;沈阳&amp;&gt;"), "{svg}");
        assert!(
            svg.contains(r#"href="/projects?region=210100&amp;stage=signed""#),
            "{svg}"
        );
        assert!(!svg.contains("style="), "no inline style under the CSP");
    }
}
