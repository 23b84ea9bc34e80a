//! Soak: the server's resident memory under a long mixed load. The real server runs on a copy
//! of the data set (the load writes); clients keep it busy with lists of 500 rows, project
//! reads, statistics and writes (progress reports, suspensions and resumptions) while its
//! VmRSS is sampled from `/proc`. The verdict compares the end of the run with the first
//! minute: memory a server keeps for its caches is in use by then, so growth after it is what
//! would grow without bound.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::server::Server;

/// One reading of the server's resident memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Seconds since the load began.
    pub at: f64,
    pub rss_kib: u64,
}

/// The verdict of a run: resident memory at the baseline (the first sample at or after the
/// baseline time) against the end of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Flatness {
    pub baseline_at: f64,
    pub baseline_kib: u64,
    pub end_at: f64,
    pub end_kib: u64,
    /// The largest sample over the whole run (VmHWM may be higher: it sees between samples).
    pub peak_kib: u64,
    /// end / baseline - 1.
    pub growth: f64,
    /// The end is at most `tolerance` above the baseline (memory given back is flat too).
    pub flat: bool,
}

/// Judges `samples` (in time order): flat when the last one is at most `tolerance` (0.10 for
/// 10 %) above the first taken at or after `baseline_at` seconds. None without a sample at or
/// after the baseline, or a baseline of zero.
pub fn flatness(samples: &[Sample], baseline_at: f64, tolerance: f64) -> Option<Flatness> {
    let base = samples.iter().find(|s| s.at >= baseline_at)?;
    let end = samples.last()?;
    if base.rss_kib == 0 {
        return None;
    }
    let growth = end.rss_kib as f64 / base.rss_kib as f64 - 1.0;
    Some(Flatness {
        baseline_at: base.at,
        baseline_kib: base.rss_kib,
        end_at: end.at,
        end_kib: end.rss_kib,
        peak_kib: samples.iter().map(|s| s.rss_kib).max().unwrap_or(0),
        growth,
        flat: growth <= tolerance,
    })
}

/// The time the baseline is taken: one minute in, or half-way through a shorter run.
pub fn baseline_time(run_secs: u64) -> f64 {
    (run_secs as f64 / 2.0).min(60.0)
}

/// Resident memory of every `step`-th sample, in MB ("45, 61, 62"): the run's curve in a line.
pub fn curve(samples: &[Sample], every_secs: f64) -> String {
    let mut out = Vec::new();
    let mut next = 0.0;
    for s in samples {
        if s.at >= next {
            out.push(format!("{:.0}", s.rss_kib as f64 / 1024.0));
            next = s.at + every_secs - 0.5;
        }
    }
    out.join(", ")
}

/// `VmRSS` (or another `Vm…:` line) of a process, in KiB.
pub fn vm_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// What the clients of one server did.
#[derive(Debug, Default)]
pub struct Counts {
    pub requests: AtomicU64,
    pub lists: AtomicU64,
    pub reads: AtomicU64,
    pub stats: AtomicU64,
    pub writes: AtomicU64,
    /// 4xx answers (a report for a period the project already has, a terminated project
    /// that cannot be suspended): expected now and then, not errors.
    pub refused: AtomicU64,
    /// 5xx answers and failed requests.
    pub errors: AtomicU64,
}

/// The list queries of the mix: 500 rows each, over various filters, sorts and offsets.
fn list_query(x: u64) -> String {
    let p = 1 + x % 50;
    let off = (x >> 8) % 10 * 500;
    let provinces = ["210000", "110000", "310000", "440000", "510000"];
    let prov = provinces[((x >> 16) % provinces.len() as u64) as usize];
    match (x >> 24) % 6 {
        0 => format!("limit=500&offset={off}"),
        1 => format!("partnership={p}&limit=500&sort=-planned_investment"),
        2 => format!("region={prov}&limit=500&sort=name&offset={off}"),
        3 => "stage=operating&category=investment&sort=-stage_since&limit=500".to_owned(),
        4 => format!("partnership={p}&limit=500&offset={off}"),
        _ => format!("region={prov}&sort=-updated_at&limit=500"),
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    counts: Arc<Counts>,
}

impl Client {
    async fn send(&self, req: reqwest::RequestBuilder) -> Option<serde_json::Value> {
        self.counts.requests.fetch_add(1, Ordering::Relaxed);
        match req.bearer_auth(&self.token).send().await {
            Ok(res) => {
                let status = res.status();
                let body = res.bytes().await;
                if status.is_server_error() || body.is_err() {
                    self.counts.errors.fetch_add(1, Ordering::Relaxed);
                    None
                } else if !status.is_success() {
                    self.counts.refused.fetch_add(1, Ordering::Relaxed);
                    None
                } else {
                    body.ok().and_then(|b| serde_json::from_slice(&b).ok())
                }
            }
            Err(_) => {
                self.counts.errors.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.base))
    }

    fn post(&self, path: &str, body: serde_json::Value) -> reqwest::RequestBuilder {
        self.http.post(format!("{}{path}", self.base)).json(&body)
    }

    /// One request of the mix (two for a suspension or resumption: read, then move).
    async fn one(&self, x: u64, projects: u64) {
        let id = 1 + (x >> 3) % projects;
        let c = &self.counts;
        match x % 100 {
            0..=39 => {
                c.lists.fetch_add(1, Ordering::Relaxed);
                let q = list_query(x >> 7);
                self.send(self.get(&format!("/api/v1/projects?{q}"))).await;
            }
            40..=69 => {
                c.reads.fetch_add(1, Ordering::Relaxed);
                self.send(self.get(&format!("/api/v1/projects/{id}"))).await;
            }
            70..=74 => {
                c.reads.fetch_add(1, Ordering::Relaxed);
                self.send(self.get(&format!("/api/v1/projects/{id}/progress-reports")))
                    .await;
            }
            75..=84 => {
                c.stats.fetch_add(1, Ordering::Relaxed);
                let q = match (x >> 7) % 3 {
                    0 => format!("partnership={}", 1 + (x >> 9) % 50),
                    1 => "region=210000&as_of=2020-12-31".to_owned(),
                    _ => format!("partnership={}&as_of=2025-06-15", 1 + (x >> 9) % 50),
                };
                self.send(self.get(&format!("/api/v1/stats/projects?{q}")))
                    .await;
            }
            85..=92 => {
                c.writes.fetch_add(1, Ordering::Relaxed);
                // A period of 2001-01..2026-10: rarely one the project already has.
                let m = (x >> 12) % 310;
                let period = format!("{}-{:02}", 2001 + m / 12, 1 + m % 12);
                let body = json!({
                    "period": period,
                    "invested_to_date": 1_000_000 * (1 + (x >> 20) % 900),
                    "note": "浸泡测试",
                });
                self.send(self.post(&format!("/api/v1/projects/{id}/progress-reports"), body))
                    .await;
            }
            _ => {
                c.writes.fetch_add(1, Ordering::Relaxed);
                let Some(p) = self.send(self.get(&format!("/api/v1/projects/{id}"))).await else {
                    return;
                };
                let body = match p["stage"].as_str() {
                    Some("terminated") | None => return,
                    Some("suspended") => json!({ "to": p["held_stage"] }),
                    Some(_) => json!({ "to": "suspended", "reason": "浸泡测试：暂停" }),
                };
                self.send(self.post(&format!("/api/v1/projects/{id}/transitions"), body))
                    .await;
            }
        }
    }
}

/// Keeps `server` busy with the mix on `connections` clients until `deadline`, in a task of
/// its own (several servers are loaded at once).
pub fn start_load(
    server: &Server,
    projects: u64,
    connections: usize,
    deadline: Instant,
) -> tokio::task::JoinHandle<anyhow::Result<Arc<Counts>>> {
    let (base, token) = (server.base.clone(), server.token.clone());
    tokio::spawn(load_owned(base, token, projects, connections, deadline))
}

async fn load_owned(
    base: String,
    token: String,
    projects: u64,
    connections: usize,
    deadline: Instant,
) -> anyhow::Result<Arc<Counts>> {
    let counts = Arc::new(Counts::default());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(60))
        .build()?;
    let mut tasks = Vec::new();
    for c in 0..connections {
        let client = Client {
            http: http.clone(),
            base: base.clone(),
            token: token.clone(),
            counts: counts.clone(),
        };
        tasks.push(tokio::spawn(async move {
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ (c as u64 + 1).wrapping_mul(0xBF58_476D);
            while Instant::now() < deadline {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                client.one(x, projects).await;
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    Ok(counts)
}

/// Samples the resident memory of `pid` every `every` until `deadline` (the first at once),
/// in a task of its own.
pub fn start_sampler(
    pid: u32,
    started: Instant,
    every: Duration,
    deadline: Instant,
) -> tokio::task::JoinHandle<Vec<Sample>> {
    tokio::spawn(sample(pid, started, every, deadline))
}

async fn sample(pid: u32, started: Instant, every: Duration, deadline: Instant) -> Vec<Sample> {
    let mut out = Vec::new();
    loop {
        out.push(Sample {
            at: started.elapsed().as_secs_f64(),
            rss_kib: vm_kib(pid, "VmRSS:"),
        });
        let now = Instant::now();
        if now >= deadline {
            return out;
        }
        tokio::time::sleep(every.min(deadline - now)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(points: &[(f64, u64)]) -> Vec<Sample> {
        points
            .iter()
            .map(|&(at, rss_kib)| Sample { at, rss_kib })
            .collect()
    }

    #[test]
    fn growth_is_measured_from_the_first_sample_at_the_baseline() {
        let s = run(&[
            (0.0, 20_000),
            (30.0, 90_000),
            (60.0, 100_000),
            (600.0, 108_000),
        ]);
        let f = flatness(&s, 60.0, 0.10).expect("a verdict");
        assert_eq!(f.baseline_kib, 100_000);
        assert_eq!(f.end_kib, 108_000);
        assert_eq!(f.peak_kib, 108_000);
        assert!((f.growth - 0.08).abs() < 1e-9);
        assert!(f.flat);
    }

    #[test]
    fn more_than_the_tolerance_is_not_flat() {
        let s = run(&[(5.0, 50_000), (65.0, 100_000), (600.0, 111_000)]);
        let f = flatness(&s, 60.0, 0.10).expect("a verdict");
        assert_eq!(f.baseline_at, 65.0);
        assert!(!f.flat);
    }

    #[test]
    fn memory_given_back_is_flat_and_the_peak_is_kept() {
        let s = run(&[(60.0, 100_000), (300.0, 140_000), (600.0, 70_000)]);
        let f = flatness(&s, 60.0, 0.10).expect("a verdict");
        assert!(f.flat);
        assert_eq!(f.peak_kib, 140_000);
        assert!(f.growth < 0.0);
    }

    #[test]
    fn no_verdict_without_a_sample_at_the_baseline() {
        assert_eq!(flatness(&run(&[(10.0, 1), (20.0, 2)]), 60.0, 0.10), None);
        assert_eq!(flatness(&[], 60.0, 0.10), None);
        assert_eq!(flatness(&run(&[(60.0, 0), (90.0, 2)]), 60.0, 0.10), None);
    }

    #[test]
    fn the_baseline_of_a_short_run_is_half_way() {
        assert_eq!(baseline_time(600), 60.0);
        assert_eq!(baseline_time(60), 30.0);
    }

    #[test]
    fn the_curve_keeps_one_sample_per_step() {
        let s = run(&[
            (0.0, 1024),
            (5.0, 2048),
            (10.0, 3072),
            (15.0, 4096),
            (20.0, 5120),
        ]);
        assert_eq!(curve(&s, 10.0), "1, 3, 5");
    }

    #[test]
    fn list_queries_ask_for_500_rows() {
        for x in 0..64_u64 {
            assert!(list_query(x << 24).contains("limit=500"));
        }
    }
}
