//! `duikou audit verify`: walks the hash chain of the change log and reports the first broken
//! link. Read-only: it connects without migrating, so that checking a database never changes it.

use anyhow::Context;
use duikou_store::{kind_zh, redact_url, AuditReport, Break, BreakKind, LogRow, Store};

use crate::cli::AuditCommand;

pub async fn run(cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::Verify { db } => verify(&crate::database_url(&db)).await,
    }
}

async fn verify(url: &str) -> anyhow::Result<()> {
    if let Some(path) = sqlite_file(url) {
        // Connecting would create it.
        anyhow::ensure!(path.exists(), "数据库文件不存在：{}", path.display());
    }
    let store = Store::connect(url)
        .await
        .with_context(|| format!("无法打开数据库 {}", redact_url(url)))?;
    let report = store.verify_audit().await;
    store.close().await;
    let report = match report {
        Ok(r) => r,
        Err(e) if e.to_string().contains("audit_head") => anyhow::bail!(
            "数据库中没有审计链（表 audit_head）：数据库尚未升级，请先运行 duikou migrate；\
             若已升级过，则该表已被删除"
        ),
        Err(e) => return Err(e).context("无法读取审计日志"),
    };
    println!("审计日志校验：{}", redact_url(url));
    print!("{}", describe(&report));
    match &report.first_break {
        None => Ok(()),
        Some(b) => anyhow::bail!("审计链校验未通过：{}", summary(b)),
    }
}

/// The file of a `sqlite:` URL (`sqlite:PATH`, `sqlite://PATH`, with or without `?…`).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| path.into())
}

/// The report as the command prints it.
fn describe(report: &AuditReport) -> String {
    let mut out = format!("已检查 {} 条日志记录。\n", report.checked);
    if let Some(head) = &report.head {
        out.push_str(&format!(
            "链头：第 {} 条，哈希 {}\n（可将链头哈希另行保存，日后比对，以发现整条链被重写。）\n",
            head.seq, head.hash
        ));
    }
    match &report.first_break {
        None => out.push_str("结果：审计链完好，未发现修改、缺失或顺序错乱。\n"),
        Some(b) => {
            out.push_str(&format!("结果：审计链断裂。{}\n", summary(b)));
            out.push_str(&format!("  说明：{}\n", explain(&b.problem)));
            if let Some(row) = &b.entry {
                let which = match b.problem {
                    BreakKind::Missing { .. } => "缺失处之后的第一条",
                    _ => "该条",
                };
                out.push_str(&format!("  {which}：{}\n", row_text(row)));
            }
        }
    }
    out
}

/// Where and what, in one line.
fn summary(b: &Break) -> String {
    let at = b.seq.map(|s| format!("第 {s} 条")).unwrap_or_default();
    match &b.problem {
        BreakKind::Edited => format!("{at}日志记录被修改"),
        BreakKind::Missing { count } if b.entry.is_none() => {
            format!("自{at}起的 {count} 条日志记录缺失（日志末尾被删除）")
        }
        BreakKind::Missing { count } => format!("自{at}起缺失 {count} 条日志记录"),
        BreakKind::OutOfOrder { belongs_at } => match belongs_at {
            Some(home) => format!("{at}日志记录顺序被打乱（其内容原属第 {home} 条）"),
            None => format!("{at}日志记录顺序被打乱"),
        },
        BreakKind::HeadMismatch { last_seq } => {
            format!("链头与日志末尾不符（{at}；最后一条完好记录为第 {last_seq} 条）")
        }
        BreakKind::HeadMissing => "链头记录（audit_head）缺失".to_owned(),
        BreakKind::Unchained { count } => {
            format!("有 {count} 条日志记录不在链中（绕过系统直接写入）")
        }
    }
}

fn explain(problem: &BreakKind) -> &'static str {
    match problem {
        BreakKind::Edited => {
            "该条记录的内容（或其序号、前一条哈希）与所存哈希不符，记录在写入后被改动。"
        }
        BreakKind::Missing { .. } => "链中序号不连续或链接断开，有记录被删除。",
        BreakKind::OutOfOrder { .. } => {
            "该条记录本身完好，但不在其应在的位置，记录的先后顺序被改动。"
        }
        BreakKind::HeadMismatch { .. } => {
            "链头所记的最后一条与日志实际的末尾不一致：末尾被改动，或有记录绕过系统写在链头之后。"
        }
        BreakKind::HeadMissing => "无法确认日志末尾是否完整；在恢复链头之前系统将拒绝写入。",
        BreakKind::Unchained { .. } => "这些记录没有链序号和哈希，不是经由系统写入的。",
    }
}

fn row_text(row: &LogRow) -> String {
    format!(
        "序号 {}，编号 {}，时间 {}，对象 {}（{}）{}，操作 {}，操作人 {}",
        row.seq
            .map(|s| s.to_string())
            .unwrap_or_else(|| "无".into()),
        row.id,
        row.at,
        kind_zh(&row.kind),
        row.kind,
        row.record_id,
        row.action,
        row.actor
    )
}
