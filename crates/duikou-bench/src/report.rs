//! Timings and the Markdown report: one section (table) per benchmark, with our figure, the
//! peer's figure from the same run and the ratio.

use std::time::Duration;

use crate::Dataset;

/// Median and p95 of repeated runs, in milliseconds.
#[derive(Debug, Clone)]
pub struct Timing {
    pub median: f64,
    pub p95: f64,
    pub extra: Option<String>,
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(v: f64) -> String {
    if v.is_nan() {
        "–".into()
    } else if v < 10.0 {
        format!("{v:.2} ms")
    } else {
        format!("{v:.1} ms")
    }
}

pub fn yes(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "**missed**"
    }
}

/// "≤ 50 ms: met" or "≤ 50 ms: **missed** (×3.2)".
pub fn verdict(p95: f64, target: f64) -> String {
    if p95 <= target {
        format!("≤ {target:.0} ms: met")
    } else {
        format!("≤ {target:.0} ms: **missed** (×{:.1})", p95 / target)
    }
}

pub struct Section {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    notes: Vec<String>,
}

impl Section {
    pub fn new(title: &str, header: &[&str]) -> Section {
        Section {
            title: title.to_owned(),
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
    pub fn note(&mut self, text: &str) {
        self.notes.push(text.to_owned());
    }
}

pub struct Report {
    projects: u64,
    seed: u64,
    runs: usize,
    load_secs: u64,
    datasets: Vec<String>,
    sections: Vec<Section>,
    /// What the run measured, instead of the sequential-and-load line.
    method: Option<String>,
}

impl Report {
    pub fn new(projects: u64, seed: u64, runs: usize, load_secs: u64) -> Report {
        Report {
            projects,
            seed,
            runs,
            load_secs,
            datasets: Vec::new(),
            sections: Vec::new(),
            method: None,
        }
    }

    /// Says what the run measured (the line after the machine's).
    pub fn method(&mut self, text: &str) {
        self.method = Some(text.to_owned());
    }

    pub fn push(&mut self, s: Section) {
        self.sections.push(s);
    }

    pub fn gen_row(&mut self, backend: &str, ds: &Dataset) {
        let how = match (ds.gen_seconds, ds.open_seconds) {
            (Some(s), _) => format!(
                "generated in {s:.1} s by `duikou gen`, the statistics rollup included (target on \
                 SQLite at 10^6: < 300 s)"
            ),
            (None, Some(o)) => format!(
                "found from an earlier run (not regenerated); opened in {o:.1} s (migrations, and \
                 the statistics rollup when it had none)"
            ),
            (None, None) => "found from an earlier run (not regenerated)".into(),
        };
        self.datasets.push(format!(
            "- {backend}: {} projects, `{}`, {how}",
            ds.projects,
            duikou_store::redact_url(&ds.url)
        ));
    }

    pub fn failure(&mut self, what: &str, why: &str) {
        let mut s = Section::new(&format!("{what}: not measured"), &[]);
        s.note(why);
        self.sections.push(s);
    }

    /// Our statistics next to a peer's, by the same keys (`label|as_of`).
    pub fn peer_section(
        &mut self,
        peer: &str,
        ours: &[(String, Timing)],
        theirs: &[(String, Timing)],
    ) {
        let mut s = Section::new(
            &format!("Statistics, Duikou on SQLite vs {peer}"),
            &[
                "question",
                "ours median",
                "ours p95",
                "peer median",
                "peer p95",
                "ratio (ours/peer, p95)",
                "peer note",
            ],
        );
        for (key, o) in ours {
            let Some((_, t)) = theirs.iter().find(|(k, _)| k == key) else {
                continue;
            };
            s.row(vec![
                key.replace('|', ", as of "),
                ms(o.median),
                ms(o.p95),
                ms(t.median),
                ms(t.p95),
                format!("{:.2}", o.p95 / t.p95),
                t.extra.clone().unwrap_or_default(),
            ]);
        }
        self.sections.push(s);
    }

    pub fn markdown(&self, elapsed: Duration) -> String {
        let mut m = String::new();
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| {
                c.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split(':').nth(1).map(|s| s.trim().to_owned()))
            })
            .unwrap_or_default();
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0);
        let mem = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|c| {
                c.lines()
                    .next()
                    .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_owned())
            })
            .and_then(|k| k.parse::<f64>().ok())
            .map(|k| k / 1024.0 / 1024.0)
            .unwrap_or(0.0);
        let method = self.method.clone().unwrap_or_else(|| {
            format!(
                "Sequential figures: median and p95 over {} runs after one warm-up, one request at a time through the HTTP API \
                 (client on the same machine). Load: {} s per endpoint.",
                self.runs, self.load_secs
            )
        });
        m.push_str(&format!(
            "## Run at {} projects (seed {})\n\n- Machine: {cpu}, {cores} cores, {mem:.0} GiB; run at {} UTC, took {:.0} s.\n\
             - {method}\n",
            self.projects,
            self.seed,
            chrono::Utc::now().format("%Y-%m-%d %H:%M"),
            elapsed.as_secs_f64(),
        ));
        for d in &self.datasets {
            m.push_str(d);
            m.push('\n');
        }
        for s in &self.sections {
            m.push_str(&format!("\n### {}\n\n", s.title));
            if !s.header.is_empty() {
                m.push_str(&format!("| {} |\n", s.header.join(" | ")));
                m.push_str(&format!("|{}\n", " --- |".repeat(s.header.len())));
                for r in &s.rows {
                    m.push_str(&format!("| {} |\n", r.join(" | ")));
                }
            }
            for n in &s.notes {
                m.push_str(&format!("\n{n}\n"));
            }
        }
        m
    }
}
