//! Warning sweeps at scale: the first sweep over a data set nobody has evaluated, a full
//! re-evaluation, the daily sweeps that follow (only the projects whose next check has come),
//! and the incremental re-evaluation inside one step update.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use chrono::Days;
use duikou_core::Actor;
use duikou_store::Store;

use crate::report::{ms, Section};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64) * 0.95).ceil() as usize;
    v.get(i.saturating_sub(1)).copied().unwrap_or(f64::NAN)
}

/// Copies a SQLite data set (the benchmark writes warnings into its copy), with the audit
/// key beside it (a server refuses a database whose chain another key sealed).
pub fn copy_dataset(from: &Path, to: &Path) -> anyhow::Result<()> {
    for ext in ["", "-wal", "-shm", ".audit-key"] {
        let src = format!("{}{ext}", from.display());
        let dst = format!("{}{ext}", to.display());
        let _ = std::fs::remove_file(&dst);
        if Path::new(&src).exists() {
            std::fs::copy(&src, &dst).with_context(|| format!("copy {src}"))?;
        }
    }
    Ok(())
}

pub async fn run(url: &str, projects: u64, full_runs: usize) -> anyhow::Result<Section> {
    // "Today" is the day after the generated history ends: the data set's own present.
    let today = duikou_cli::gen::end_day() + Days::new(1);
    let store = Store::open(url).await?.with_today(move || today);
    let mut section = Section::new(
        &format!("Warning sweeps ({projects} projects, SQLite, as of {today})"),
        &[
            "measurement",
            "median",
            "p95",
            "runs",
            "what it did",
            "target",
        ],
    );

    store.mark_warnings_stale(None).await?;
    let t = Instant::now();
    let first = store.sweep_warnings(today, false, |_, _| {}).await?;
    let first_s = t.elapsed().as_secs_f64();
    eprintln!("first sweep {first_s:.1} s: {first:?}");
    section.row(vec![
        "first sweep (every project never evaluated; raises everything)".into(),
        format!("{first_s:.1} s"),
        "–".into(),
        "1".into(),
        format!(
            "{} evaluated, {} raised, {} slips, {} notifications",
            first.evaluated, first.raised, first.slips, first.notifications
        ),
        "≤ 10 s at 1 000 000".into(),
    ]);

    let mut full = Vec::new();
    let mut changed = false;
    for _ in 0..full_runs {
        let t = Instant::now();
        let r = store.sweep_warnings(today, true, |_, _| {}).await?;
        full.push(t.elapsed().as_secs_f64());
        changed |= r.changed();
    }
    section.row(vec![
        "full re-evaluation, same day (`warn sweep --full`)".into(),
        format!("{:.1} s", median(full.clone())),
        format!("{:.1} s", p95(full)),
        full_runs.to_string(),
        format!("changed anything: {changed} (idempotent: false expected)"),
        "≤ 10 s at 1 000 000".into(),
    ]);

    let mut daily = Vec::new();
    let mut evaluated = Vec::new();
    for d in 1..=7_u64 {
        let day = today + Days::new(d);
        let t = Instant::now();
        let r = store.sweep_warnings(day, false, |_, _| {}).await?;
        daily.push(t.elapsed().as_secs_f64());
        evaluated.push(r.evaluated);
    }
    section.row(vec![
        "daily sweep, the 7 days after (projects whose next check has come)".into(),
        format!("{:.2} s", median(daily.clone())),
        format!("{:.2} s", p95(daily)),
        "7".into(),
        format!("projects evaluated per day: {evaluated:?}"),
        "–".into(),
    ]);

    // Incremental: projects that run steps.
    let mut ids = Vec::new();
    let mut probe = 1_i64;
    let step = (projects as i64 / 4000).max(1);
    while ids.len() < 200 && probe <= projects as i64 {
        if let Some((steps, _)) = store.project_steps(probe).await? {
            if steps.states.iter().any(|s| !s.is_finished()) {
                ids.push((probe, steps));
            }
        }
        probe += step;
    }
    let actor = Actor::system("bench");
    let mut alone = Vec::new();
    let mut write = Vec::new();
    for (id, steps) in &ids {
        let t = Instant::now();
        store.reevaluate_warnings(&[*id]).await?;
        alone.push(t.elapsed().as_secs_f64() * 1000.0);
        let state = steps
            .states
            .iter()
            .find(|s| !s.is_finished())
            .cloned()
            .context("an unfinished step")?;
        let t = Instant::now();
        store
            .as_system(&actor.name)
            .update_step(*id, None, &state)
            .await?;
        write.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let n = ids.len().to_string();
    section.row(vec![
        "incremental re-evaluation of one project (the engine alone, own transaction)".into(),
        ms(median(alone.clone())),
        ms(p95(alone)),
        n.clone(),
        "projects with unfinished steps".into(),
        "≤ 5 ms".into(),
    ]);
    section.row(vec![
        "one step update through the store (write, re-plan, audit, re-evaluation)".into(),
        ms(median(write.clone())),
        ms(p95(write)),
        n,
        "same projects".into(),
        "–".into(),
    ]);
    store.close().await;
    Ok(section)
}
