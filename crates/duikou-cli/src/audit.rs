//! `duikou audit verify`: walks the keyed hash chain of the change log and reports the first
//! broken link, then checks the chain against the checkpoints witnessed outside the database.
//! Read-only: it connects without migrating and never creates the key, so that checking a
//! database never changes it.

use std::path::PathBuf;

use anyhow::Context;
use duikou_store::{
    kind_zh, redact_url, AuditReport, Break, BreakKind, CheckpointProblem, CheckpointReport,
    LogRow, Store,
};

use crate::audit_files::{self, AuditPaths};
use crate::cli::{AuditCommand, DatabaseArg};

pub async fn run(cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::Verify { db, checkpoint } => verify(&db, checkpoint).await,
    }
}

async fn verify(db: &DatabaseArg, checkpoint: Option<PathBuf>) -> anyhow::Result<()> {
    let url = &crate::database_url(db);
    if let Some(path) = audit_files::sqlite_file(url) {
        // Connecting would create it.
        anyhow::ensure!(path.exists(), "数据库文件不存在：{}", path.display());
    }
    let paths = AuditPaths::resolve(url, db);
    let key = audit_files::load_key(&paths.key)?;
    // Given explicitly, the file must be there; the default one only when it is.
    let checkpoint = checkpoint.or_else(|| paths.checkpoints.exists().then_some(paths.checkpoints));
    let checkpoints = checkpoint
        .as_deref()
        .map(audit_files::read_checkpoints)
        .transpose()?;
    let store = Store::connect(url)
        .await
        .with_context(|| format!("无法打开数据库 {}", redact_url(url)))?
        .with_audit_key(key);
    let report = store.verify_audit().await;
    let witnessed = match (&report, &checkpoints) {
        (Ok(_), Some(cps)) => Some(store.verify_checkpoints(cps).await),
        _ => None,
    };
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
    let witnessed = witnessed.transpose().context("无法按检查点核对审计链")?;
    match (&witnessed, &checkpoint) {
        (Some(w), Some(file)) => print!("{}", describe_checkpoints(w, file)),
        _ => println!("未按检查点核对（没有检查点文件；可用 --checkpoint 指定）。"),
    }
    if let Some(b) = &report.first_break {
        anyhow::bail!("审计链校验未通过：{}", summary(b));
    }
    if let Some(w) = witnessed.as_ref().filter(|w| !w.is_consistent()) {
        anyhow::bail!("审计链与检查点不符：{} 个检查点未通过", w.issues.len());
    }
    Ok(())
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
        BreakKind::WrongKey => "审计密钥与数据库不符，或审计链的密钥起点被改动".to_owned(),
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
        BreakKind::WrongKey => {
            "所给密钥不是此数据库审计链所用的密钥（请检查 --audit-key-file），\
             或链头中记录的密钥起点（keyed_from）被改动。"
        }
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

/// The checkpoint check as the command prints it.
fn describe_checkpoints(report: &CheckpointReport, file: &std::path::Path) -> String {
    let mut out = format!("检查点：{}，共 {} 个", file.display(), report.checked);
    if let Some(seq) = report.latest {
        out.push_str(&format!("，最新见证至第 {seq} 条"));
    }
    out.push_str("。\n");
    if report.is_consistent() {
        out.push_str("结果：审计链与全部检查点一致（见证之前的记录未被改写，链未被截短）。\n");
        return out;
    }
    for issue in &report.issues {
        let cp = &issue.checkpoint;
        out.push_str(&format!(
            "  检查点 {}（第 {} 条，{}）：{}\n",
            issue.index + 1,
            cp.seq,
            cp.at,
            checkpoint_problem(&issue.problem, cp.seq)
        ));
    }
    out
}

fn checkpoint_problem(problem: &CheckpointProblem, seq: i64) -> String {
    match problem {
        CheckpointProblem::BadSignature => {
            "签名无效：检查点被伪造或改动，或由另一密钥签发".to_owned()
        }
        CheckpointProblem::Rewritten { found: Some(_) } => {
            format!("第 {seq} 条记录的哈希与见证时不同：该条或之前的记录被改写并重算")
        }
        CheckpointProblem::Rewritten { found: None } => {
            format!("第 {seq} 条记录已不存在")
        }
        CheckpointProblem::Truncated { head_seq } => format!(
            "审计链现只到第 {head_seq} 条，短于见证的第 {seq} 条：日志末尾被删除、链头被回退"
        ),
        CheckpointProblem::BoundaryMoved { found } => format!(
            "审计链的密钥起点与见证时不同（现为 {}）",
            found.map(|f| f.to_string()).unwrap_or_else(|| "无".into())
        ),
    }
}
