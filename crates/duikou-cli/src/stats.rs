//! `duikou stats`: the statistics rollup's upkeep by hand — rebuild it, check it.

use std::time::Instant;

use anyhow::bail;
use duikou_store::{StatsQuery, StatsScope, Store};

use crate::cli::StatsCommand;
use crate::{connect, open, project_bar};

pub(crate) async fn run(cmd: StatsCommand) -> anyhow::Result<()> {
    match cmd {
        StatsCommand::Rebuild { db } => {
            let store = connect(&db).await?;
            store.migrate_schema().await?;
            rebuild(&store).await
        }
        StatsCommand::Check { as_of, db } => {
            let store = open(&db).await?;
            let as_of = as_of.unwrap_or_else(|| store.today());
            let mut scopes = vec![(StatsScope::All, "全国".to_owned())];
            for p in store.partnerships().await? {
                scopes.push((StatsScope::Partnership(p.id), p.name));
            }
            let mut differ = 0;
            for (scope, name) in scopes {
                let q = StatsQuery {
                    scope,
                    as_of,
                    category: None,
                    min_planned_investment: None,
                    period: None,
                };
                let started = Instant::now();
                let got = store.project_stats(&q).await?;
                let fast = started.elapsed();
                let started = Instant::now();
                let want = store.project_stats_direct(&q).await?;
                let direct = started.elapsed();
                let same = got == want;
                if !same {
                    differ += 1;
                }
                println!(
                    "{} {name}：{} 个项目；汇总 {:.1} 毫秒，逐项 {:.1} 毫秒",
                    if same { "一致" } else { "不一致" },
                    want.total.count,
                    fast.as_secs_f64() * 1000.0,
                    direct.as_secs_f64() * 1000.0
                );
            }
            if differ > 0 {
                bail!("{differ} 个范围的汇总与逐项统计不一致：请运行 duikou stats rebuild");
            }
            Ok(())
        }
    }
}

/// Counts the rollup again from the history, with a progress bar (`stats rebuild`, and
/// `migrate` when the rollup is unbuilt).
pub(crate) async fn rebuild(store: &Store) -> anyhow::Result<()> {
    let bar = project_bar(0);
    let r = store
        .rebuild_stats_rollup(|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await?;
    bar.finish_and_clear();
    println!(
        "统计汇总已重建（{:.1} 秒）：{} 个项目，{} 行",
        r.seconds, r.projects, r.rows
    );
    Ok(())
}
