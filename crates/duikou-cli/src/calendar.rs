//! `duikou calendar`: working-day arithmetic on the official calendar (工作日计算).

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use duikou_core::calendar::{Answer, WorkCalendar};

use crate::cli::CalendarCommand;

/// The official calendar, with the notices of `extra` files merged over it.
fn calendar(extra: &[std::path::PathBuf]) -> anyhow::Result<WorkCalendar> {
    let mut cal = WorkCalendar::official().clone();
    for path in extra {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("无法读取 {}", path.display()))?;
        let more = WorkCalendar::from_csv(&text)
            .with_context(|| format!("{} 格式有误", path.display()))?;
        cal.merge(&more)
            .with_context(|| format!("{} 与已有日历冲突", path.display()))?;
    }
    Ok(cal)
}

fn weekday_zh(d: NaiveDate) -> &'static str {
    [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ][d.weekday().num_days_from_monday() as usize % 7]
}

/// A note for answers that relied on a year without an official notice.
fn caveat<T>(a: &Answer<T>) -> String {
    if a.uncovered_years.is_empty() {
        String::new()
    } else {
        let years: Vec<String> = a.uncovered_years.iter().map(|y| y.to_string()).collect();
        format!(
            "\n注意：{}年的放假安排尚未载入，该年仅按周末推算。",
            years.join("、")
        )
    }
}

/// Stores a notice file in the database.
pub async fn load(file: &std::path::Path, db: &crate::cli::DatabaseArg) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let notices =
        WorkCalendar::from_csv(&text).with_context(|| format!("{} 格式有误", file.display()))?;
    let store = crate::open(db).await?;
    let years = store
        .as_system("cli")
        .load_calendar(&notices)
        .await
        .with_context(|| format!("{} 无法载入", file.display()))?;
    let years: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    println!(
        "已载入{}年放假安排，共{}条。",
        years.join("、"),
        notices.entries().count()
    );
    Ok(())
}

pub fn run(cmd: CalendarCommand) -> anyhow::Result<()> {
    match cmd {
        CalendarCommand::Load { .. } => anyhow::bail!("calendar load runs with a database"),
        CalendarCommand::Add { date, days, file } => {
            let cal = calendar(&file)?;
            let a = cal
                .checked_add_working_days(date, days)
                .context("日期超出可计算范围")?;
            println!("{}", a.value);
            eprintln!("（{}）{}", weekday_zh(a.value), caveat(&a));
        }
        CalendarCommand::Between {
            from,
            to,
            inclusive,
            file,
        } => {
            let cal = calendar(&file)?;
            let a = if inclusive {
                cal.working_days_inclusive(from, to)
            } else {
                cal.working_days_between(from, to)
            };
            println!("{}", a.value);
            let note = caveat(&a);
            if !note.is_empty() {
                eprintln!("{}", note.trim_start());
            }
        }
        CalendarCommand::Check { date, file } => {
            let cal = calendar(&file)?;
            let a = cal.is_working_day(date);
            let what = match (a.value, cal.entry(date)) {
                (true, Some(e)) => format!("工作日（{}调休上班）", e.name),
                (true, None) => "工作日".to_owned(),
                (false, Some(e)) => format!("休息日（{}放假）", e.name),
                (false, None) => "休息日（周末）".to_owned(),
            };
            println!("{date} {} {what}{}", weekday_zh(date), caveat(&a));
        }
        CalendarCommand::Years { file } => {
            let cal = calendar(&file)?;
            let years: Vec<String> = cal.covered_years().map(|y| y.to_string()).collect();
            println!("已载入放假安排的年份：{}", years.join(" "));
        }
    }
    Ok(())
}
