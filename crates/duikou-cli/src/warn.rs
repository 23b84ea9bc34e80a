//! `duikou warn`: sweeps on demand, the inbox on a terminal, the thresholds in force; and the
//! periodic sweep `serve` runs.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Datelike;
use duikou_core::warnings::{Level, RuleId};
use duikou_store::{Store, Tally, WarningFilter};

use crate::cli::WarnCommand;
use crate::{open, project_bar};

pub(crate) async fn run(cmd: WarnCommand) -> anyhow::Result<()> {
    match cmd {
        WarnCommand::Sweep { full, as_of, db } => {
            let store = open(&db).await?;
            let as_of = as_of.unwrap_or_else(|| store.today());
            let bar = project_bar(0);
            let started = Instant::now();
            let tally = store
                .sweep_or_preview(as_of, full, |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await?;
            bar.finish_and_clear();
            println!(
                "{}",
                describe(&tally, as_of, full, started.elapsed().as_secs_f64())
            );
            Ok(())
        }
        WarnCommand::List {
            level,
            rule,
            limit,
            db,
        } => {
            let store = open(&db).await?;
            let filter = WarningFilter {
                level: level
                    .as_deref()
                    .map(|l| Level::parse(l).context("--level 应为 yellow 或 red"))
                    .transpose()?,
                rule: rule
                    .as_deref()
                    .map(|r| RuleId::parse(r).with_context(|| format!("规则 {r} 不存在")))
                    .transpose()?,
                ..WarningFilter::default()
            };
            let page = store.warnings_visible(&filter, None, limit, 0).await?;
            if page.items.is_empty() {
                println!("没有待处理的预警。");
            }
            for w in &page.items {
                let mark = match w.level {
                    Level::Red => "● 红色预警",
                    Level::Yellow => "▲ 黄色预警",
                };
                println!(
                    "{mark}  #{:<6} 项目{:<6} {}  [{}]  {}",
                    w.id, w.project_id, w.project_name, w.rule_label, w.reason
                );
            }
            println!("共 {} 条（显示 {} 条）", page.total, page.items.len());
            Ok(())
        }
        WarnCommand::Thresholds { org, year, db } => {
            let store = open(&db).await?;
            let year = year.unwrap_or_else(|| store.today().year());
            let t = store.thresholds_for(org, year).await?;
            println!("{}", serde_json::to_string_pretty(&t)?);
            Ok(())
        }
    }
}

/// One line on what a sweep did.
pub(crate) fn describe(t: &Tally, as_of: chrono::NaiveDate, full: bool, seconds: f64) -> String {
    format!(
        "预警{}{}（{as_of}）：评估 {} 个项目，新增 {}，升级 {}，降级 {}，消除 {}，通知 {}；用时 {seconds:.2} 秒",
        if full { "全量扫描" } else { "扫描" },
        if t.dry_run {
            "试算，未写入"
        } else {
            ""
        },
        t.evaluated,
        t.raised,
        t.escalated,
        t.lowered,
        t.cleared,
        t.notifications
    )
}

/// Sweeps every `minutes` while the server runs (first right after start). Errors are logged
/// and the next round tries again.
pub(crate) async fn periodic(store: Store, minutes: u64) {
    if minutes == 0 {
        return;
    }
    let mut every = tokio::time::interval(Duration::from_secs(minutes.saturating_mul(60)));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let as_of = store.today();
        let started = Instant::now();
        match store.sweep_warnings(as_of, false, |_, _| {}).await {
            Ok(t) => tracing::info!(
                "{}",
                describe(&t, as_of, false, started.elapsed().as_secs_f64())
            ),
            Err(e) => tracing::warn!("warning sweep failed: {e}"),
        }
    }
}

/// The notifier's settings from the command line.
pub(crate) fn notifier_config(
    args: &crate::cli::NotifyArgs,
    listen: std::net::SocketAddr,
) -> anyhow::Result<duikou_notify::NotifierConfig> {
    let smtp = match &args.smtp_host {
        Some(host) => Some(duikou_notify::SmtpConfig {
            host: host.clone(),
            port: args.smtp_port,
            tls: args.smtp_tls.parse()?,
            username: args.smtp_user.clone(),
            password: args.smtp_password.clone(),
            from: args.smtp_from.clone(),
        }),
        None => None,
    };
    let config = duikou_notify::NotifierConfig {
        public_url: args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{listen}")),
        smtp,
        ..duikou_notify::NotifierConfig::default()
    };
    config.validate()?;
    Ok(config)
}

pub(crate) async fn notify(cmd: crate::cli::NotifyCommand) -> anyhow::Result<()> {
    use crate::cli::NotifyCommand as N;
    match cmd {
        N::Test {
            channel,
            notify,
            db,
        } => {
            let store = open(&db).await?;
            let listen = "127.0.0.1:8080".parse()?;
            let config = notifier_config(&notify, listen)?;
            let event = duikou_notify::send_test(&store, channel, &config).await?;
            println!("测试消息已发送到渠道 {channel}（事件编号 {event}）");
        }
        N::Status { db } => {
            let store = open(&db).await?;
            let c = store.outbox_counts().await?;
            println!(
                "待发送 {}（其中重试中 {}），已送达 {}，已停止重试 {}",
                c.pending, c.retrying, c.delivered, c.parked
            );
        }
        N::Retry { id, db } => {
            let store = open(&db).await?;
            let n = store.outbox_retry(id).await?;
            println!("已重新排队 {n} 条通知");
        }
    }
    Ok(())
}
