//! The synthetic national data set (`duikou gen`): regions shaped like China's (31 provinces,
//! 342 cities, 2 901 districts and 120 zones), 50 partnerships, and `N` projects with
//! log-normal money, a stage history over ten years (2015-07-01 .. 2025-06-30), monthly
//! progress reports of the last year, problems, and the approval steps (from the shipped
//! templates) of projects that landed in the last three years.
//!
//! Deterministic for a seed: every chunk of projects draws from its own generator seeded by
//! the seed and the chunk's number, so the same seed writes the same records. The records go
//! in through the store's bulk loader (no change-log rows; every project is `generated`),
//! while a second thread draws the next chunk.

mod geo;
mod projects;

use std::time::Instant;

use anyhow::{bail, Context};
use duikou_core::steps::{CONSTRUCTION_APPROVAL, START_OF_CONSTRUCTION};
use duikou_store::RollupBuilder;
use duikou_store::Store;
use indicatif::ProgressBar;

pub use projects::{end_day, start_day};

/// Projects per chunk (one transaction each).
const CHUNK: u64 = 5_000;

/// What `run` wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct GenSummary {
    pub regions: usize,
    pub partnerships: usize,
    pub projects: u64,
    pub stage_changes: u64,
    pub reports: u64,
    pub problems: u64,
    pub schedules: u64,
    pub steps: u64,
    /// Rows of the statistics rollup, counted while generating.
    pub rollup_rows: u64,
}

/// Writes `projects` projects and everything around them, deterministically for `seed`.
pub async fn run(store: &Store, projects: u64, seed: u64) -> anyhow::Result<()> {
    let started = Instant::now();
    let s = generate(store, projects, seed, true).await?;
    println!(
        "已生成（{:.1} 秒）：{} 个行政区划，{} 个合作关系，{} 个项目，{} 条阶段记录，\
         {} 份进展报告，{} 个问题，{} 个项目的 {} 个审批环节，统计汇总 {} 行",
        started.elapsed().as_secs_f64(),
        s.regions,
        s.partnerships,
        s.projects,
        s.stage_changes,
        s.reports,
        s.problems,
        s.schedules,
        s.steps,
        s.rollup_rows
    );
    Ok(())
}

/// As [`run`], returning what was written; `progress` shows a bar on a terminal. The
/// statistics rollup is counted on the generator's thread and written at the end.
pub async fn generate(
    store: &Store,
    projects: u64,
    seed: u64,
    progress: bool,
) -> anyhow::Result<GenSummary> {
    let mut loader = store.as_system("gen").bulk_loader().await?;
    let existing = loader.scalar("SELECT COUNT(*) FROM projects").await?
        + loader.scalar("SELECT COUNT(*) FROM regions").await?;
    if existing > 0 {
        bail!("数据库中已有行政区划或项目：请为 duikou gen 指定一个新的空数据库");
    }
    let templates = vec![
        store.template(CONSTRUCTION_APPROVAL, None).await?,
        store.template(START_OF_CONSTRUCTION, None).await?,
    ];
    let calendar = store.calendar().await?;
    let now = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string();

    let geo = geo::build();
    let first_partnership = loader.max_id("partnerships").await? + 1;
    let first_project = loader.max_id("projects").await? + 1;
    let plans = geo::partnerships(&geo, first_partnership);
    let mut summary = GenSummary {
        regions: geo.regions.len(),
        partnerships: plans.len(),
        ..GenSummary::default()
    };
    loader.begin().await?;
    loader.regions(&geo.regions, &now).await?;
    let rows: Vec<_> = plans.iter().map(|p| p.row.clone()).collect();
    loader.partnerships(&rows, &now).await?;
    loader.commit().await?;

    // Draw chunks on a thread of their own while this one writes.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<anyhow::Result<projects::Chunk>>(2);
    let worker = std::thread::spawn(move || {
        let geo = geo::build();
        let plans = geo::partnerships(&geo, first_partnership);
        let mut g = projects::Generator::new(seed, &geo, &plans, templates, calendar);
        let mut rollup = RollupBuilder::new();
        let mut done = 0u64;
        let mut chunk_no = 0u64;
        while done < projects {
            let n = CHUNK.min(projects - done);
            let chunk = g
                .chunk(chunk_no, first_project + done as i64, n as usize)
                .and_then(|c| {
                    rollup.add_batch(&c.projects, &c.stage_changes, &c.reports)?;
                    Ok(c)
                });
            let failed = chunk.is_err();
            if tx.blocking_send(chunk).is_err() || failed {
                return None;
            }
            done += n;
            chunk_no += 1;
        }
        Some(rollup)
    });

    let bar = if progress {
        crate::project_bar(projects)
    } else {
        ProgressBar::hidden()
    };
    while let Some(chunk) = rx.recv().await {
        let c = chunk?;
        loader.begin().await?;
        loader.projects(&c.projects).await?;
        loader.stage_changes(&c.stage_changes).await?;
        loader.progress_reports(&c.reports).await?;
        loader.problems(&c.problems).await?;
        loader.schedules(&c.schedules).await?;
        loader.steps(&c.steps).await?;
        loader.commit().await?;
        summary.projects += c.projects.len() as u64;
        summary.stage_changes += c.stage_changes.len() as u64;
        summary.reports += c.reports.len() as u64;
        summary.problems += c.problems.len() as u64;
        summary.schedules += c.schedules.len() as u64;
        summary.steps += c.steps.len() as u64;
        bar.inc(c.projects.len() as u64);
    }
    let rollup = worker
        .join()
        .map_err(|_| anyhow::anyhow!("生成线程异常退出"))?;
    if summary.projects != projects {
        bail!("只生成了 {} 个项目（应为 {projects}）", summary.projects);
    }
    let Some(rollup) = rollup else {
        bail!("生成线程未完成统计汇总");
    };
    bar.set_message("统计汇总");
    summary.rollup_rows = loader
        .write_rollup(rollup)
        .await
        .context("无法写入统计汇总")?
        .rows;
    bar.set_message("ANALYZE");
    loader.finish().await.context("无法完成批量写入")?;
    bar.finish_and_clear();
    Ok(summary)
}
