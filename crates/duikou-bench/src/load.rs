//! HTTP load under 64 connections: `wrk` (Debian's package) when installed, else a small
//! Rust load generator. Both are bounded in time and target only the loopback server.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::report::percentile;
use crate::server::Server;

pub const CONNECTIONS: usize = 64;

pub enum Target {
    /// A random project of 1..=N.
    Detail(u64),
    /// The first page of a random partnership's projects.
    List,
}

pub struct LoadResult {
    pub rps: f64,
    pub p50: f64,
    pub p99: f64,
    pub errors: u64,
    pub tool: &'static str,
}

fn wrk_available() -> bool {
    std::process::Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok()
}

pub async fn run(server: &Server, target: Target, secs: u64) -> anyhow::Result<LoadResult> {
    if wrk_available() {
        wrk(server, &target, secs).await
    } else {
        rust(server, &target, secs).await
    }
}

fn lua(target: &Target) -> String {
    match target {
        Target::Detail(n) => format!(
            "math.randomseed(7)\nrequest = function()\n  return wrk.format(\"GET\", \"/api/v1/projects/\" .. math.random(1, {n}))\nend\n"
        ),
        Target::List => "math.randomseed(7)\nrequest = function()\n  return wrk.format(\"GET\", \"/api/v1/projects?limit=50&partnership=\" .. math.random(1, 50))\nend\n".to_owned(),
    }
}

/// "1.23ms" / "850.00us" / "1.2s" in milliseconds.
fn wrk_ms(t: &str) -> Option<f64> {
    let (num, unit) = t.split_at(t.find(|c: char| c.is_ascii_alphabetic())?);
    let v: f64 = num.parse().ok()?;
    Some(match unit {
        "us" => v / 1000.0,
        "ms" => v,
        "s" => v * 1000.0,
        "m" => v * 60_000.0,
        _ => return None,
    })
}

async fn wrk(server: &Server, target: &Target, secs: u64) -> anyhow::Result<LoadResult> {
    let dir = std::env::temp_dir().join(format!("duikou-bench-wrk-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let script = dir.join("req.lua");
    std::fs::write(&script, lua(target))?;
    let out = tokio::process::Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{CONNECTIONS}"),
            &format!("-d{secs}s"),
            "--latency",
            "--timeout",
            "10s",
            "-H",
        ])
        .arg(format!("Authorization: Bearer {}", server.token))
        .arg("-s")
        .arg(&script)
        .arg(&server.base)
        .output()
        .await
        .context("cannot run wrk")?;
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout);
    let mut r = LoadResult {
        rps: 0.0,
        p50: f64::NAN,
        p99: f64::NAN,
        errors: 0,
        tool: "wrk 4",
    };
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            ["Requests/sec:", v] => r.rps = v.parse().unwrap_or(0.0),
            ["50%", v] => r.p50 = wrk_ms(v).unwrap_or(f64::NAN),
            ["99%", v] => r.p99 = wrk_ms(v).unwrap_or(f64::NAN),
            ["Non-2xx", "or", "3xx", "responses:", v] => r.errors += v.parse::<u64>().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => {
                r.errors += rest
                    .iter()
                    .filter_map(|x| x.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>()
            }
            _ => {}
        }
    }
    if r.rps == 0.0 {
        anyhow::bail!("wrk printed no result: {text}");
    }
    Ok(r)
}

async fn rust(server: &Server, target: &Target, secs: u64) -> anyhow::Result<LoadResult> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .timeout(Duration::from_secs(10))
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(secs);
    let errors = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let client = client.clone();
        let base = server.base.clone();
        let errors = errors.clone();
        let token = server.token.clone();
        let n = match target {
            Target::Detail(n) => Some(*n),
            Target::List => None,
        };
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut x: u64 = 0x9E37_79B9 ^ c as u64;
            while Instant::now() < deadline {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let url = match n {
                    Some(n) => format!("{base}/api/v1/projects/{}", 1 + x % n),
                    None => format!("{base}/api/v1/projects?limit=50&partnership={}", 1 + x % 50),
                };
                let t = Instant::now();
                let ok = match client.get(&url).bearer_auth(&token).send().await {
                    Ok(res) => res.status().is_success() && res.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            lat
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await?);
    }
    let elapsed = started.elapsed().as_secs_f64().max(secs as f64);
    all.sort_by(f64::total_cmp);
    Ok(LoadResult {
        rps: all.len() as f64 / elapsed,
        p50: percentile(&all, 0.5),
        p99: percentile(&all, 0.99),
        errors: errors.load(Ordering::Relaxed),
        tool: "the built-in Rust load generator (reqwest)",
    })
}
