//! `duikou steps`: a project's approval steps from the command line.

use anyhow::Context;
use duikou_core::input::Input;
use duikou_core::steps::{Schedule, StepAction, StepCommand, StepState};

use crate::cli::StepsCommand;

fn print_table(s: &Schedule) {
    println!(
        "模板 {} 第{}版，开始 {}，预计完成 {}，关键路径 {} 个环节（承诺 {} / 法定 {} 个工作日）",
        s.template_key,
        s.template_version,
        s.start,
        s.projected_finish,
        s.critical_path.len(),
        s.committed_total_days,
        s.statutory_total_days
    );
    println!(
        "{:<32} {:<8} {:<10} {:<10} {:<10} {:>4} {:>4}  ",
        "环节", "状态", "计划开始", "计划完成", "实际完成", "已用", "剩余"
    );
    for st in &s.steps {
        let mark = match (st.late, st.on_critical_path) {
            (true, _) => "逾期",
            (false, true) => "关键",
            _ => "",
        };
        println!(
            "{:<32} {:<8} {:<10} {:<10} {:<10} {:>4} {:>4}  {mark}",
            format!("{}（{}）", st.name, st.key),
            st.status.label_zh(),
            st.planned_start,
            st.planned_due,
            st.actual_finish
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into()),
            st.working_days_used,
            st.working_days_left
        );
    }
}

/// `field=value` pairs as a command's input; a pair without `=` is named.
fn input_of(pairs: &[String]) -> anyhow::Result<Input> {
    let mut out = Vec::new();
    for p in pairs {
        let (k, v) = p
            .split_once('=')
            .with_context(|| format!("「{p}」应写成 字段=值"))?;
        out.push((k.trim().to_owned(), v.to_owned()));
    }
    Ok(Input::from_pairs(out))
}

/// Every field error on its own line.
fn field_errors(errs: &[duikou_core::FieldError]) -> anyhow::Error {
    let lines: Vec<String> = errs
        .iter()
        .map(|e| format!("{}：{}", e.field, e.message))
        .collect();
    anyhow::anyhow!("{}", lines.join("\n"))
}

pub async fn run(cmd: StepsCommand) -> anyhow::Result<()> {
    let today = duikou_web::china_today();
    match cmd {
        StepsCommand::Instantiate {
            project,
            template,
            version,
            start,
            db,
        } => {
            let store = crate::open(&db).await?;
            let s = store
                .as_system("cli")
                .instantiate_steps(project, &template, version, start.unwrap_or(today))
                .await?;
            print_table(&s);
        }
        StepsCommand::Show { project, json, db } => {
            let store = crate::open(&db).await?;
            let cal = store.calendar().await?;
            let s = store.schedule(project, &cal, today).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                print_table(&s);
            }
        }
        StepsCommand::Update { project, file, db } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取 {}", file.display()))?;
            let state: StepState = serde_json::from_str(&text)
                .with_context(|| format!("{} 不是有效的环节状态", file.display()))?;
            let store = crate::open(&db).await?;
            let (s, _) = store
                .as_system("cli")
                .update_step(project, None, &state)
                .await?;
            print_table(&s);
        }
        StepsCommand::Act {
            project,
            step,
            action,
            fields,
            db,
        } => {
            let what = StepAction::parse(&action).with_context(|| {
                let all: Vec<&str> = StepAction::ALL.iter().map(|a| a.code()).collect();
                format!("没有环节操作「{action}」；可用：{}", all.join("、"))
            })?;
            let command =
                StepCommand::parse(what, &input_of(&fields)?).map_err(|e| field_errors(&e))?;
            let store = crate::open(&db).await?;
            let (s, _) = store
                .as_system("cli")
                .act_on_step(project, &step, None, &command)
                .await
                .map_err(|e| match e {
                    duikou_store::StoreError::Invalid(v) => field_errors(&v.0),
                    other => other.into(),
                })?;
            print_table(&s);
        }
    }
    Ok(())
}
