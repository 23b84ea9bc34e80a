//! A project to be loaded: its fields, its dated stage history, its progress reports and its
//! problems; and the writer that puts plans into the store through its ordinary API (the stage
//! history goes through `Store::transition`, so that it is checked like any user's).

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use chrono::{Datelike, Duration, NaiveDate};
use duikou_core::money::{Currency, Money};
use duikou_core::problem::{ProblemFields, ProblemStatus};
use duikou_core::progress_report::{Period, ProgressReportFields};
use duikou_core::project::{Category, Construction, ProjectFields};
use duikou_core::{Actor, Stage};
use duikou_store::{NewProject, Store, TransitionInput};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The last date the demo writes anything for; later events wait for a later `today`.
pub fn data_end() -> NaiveDate {
    ymd(2025, 6, 30)
}

pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A uniformly drawn date in [from, to].
pub fn date_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0);
    from + Duration::days(rng.gen_range(0..=days))
}

pub fn money(yuan: i64) -> Option<Money> {
    Some(Money::from_yuan(yuan))
}

#[derive(Debug, Clone)]
pub struct Event {
    pub stage: Stage,
    pub date: NaiveDate,
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProjectPlan {
    pub fields: ProjectFields,
    /// The first event is the stage the project is created in.
    pub events: Vec<Event>,
    pub reports: Vec<ProgressReportFields>,
    pub problems: Vec<ProblemFields>,
}

const SKIP_REASONS: &[&str] = &[
    "前期手续与上一阶段同步办结，经专题会议确认跨阶段推进",
    "项目采用“拿地即开工”模式，相关手续并联办理",
];
const SUSPEND_REASONS: &[&str] = &[
    "投资方资金安排调整，项目暂缓推进",
    "项目用地规划调整，待新规划批复后继续推进",
    "受市场需求变化影响，投资方申请暂缓建设",
];
const TERMINATE_REASONS: &[&str] = &[
    "投资方调整战略布局，经双方协商终止合作",
    "项目选址无法满足环评要求，双方协商终止",
    "投资方未能按协议约定履约，合作终止",
];

impl ProjectPlan {
    pub fn new(name: impl Into<String>, category: Category, host: &str) -> ProjectPlan {
        ProjectPlan {
            fields: ProjectFields {
                code: None,
                external_ids: BTreeMap::new(),
                name: name.into(),
                partnership_id: None,
                source_region_code: None,
                source_org_id: None,
                investor: None,
                host_region_code: host.to_owned(),
                owner_org_id: None,
                category,
                industry: None,
                planned_start: None,
                planned_production: None,
                currency: Currency::Cny,
                planned_investment: None,
                agreement_amount: None,
                leader: None,
                service_officer: None,
                task_force: None,
                land_area_mu: None,
                address: None,
                note: None,
                generated: true,
                construction: None,
            },
            events: Vec::new(),
            reports: Vec::new(),
            problems: Vec::new(),
        }
    }

    pub fn industry(mut self, industry: &str) -> Self {
        self.fields.industry = Some(industry.to_owned());
        self
    }
    pub fn planned(mut self, yuan: i64) -> Self {
        self.fields.planned_investment = money(yuan);
        self
    }
    pub fn agreed(mut self, yuan: i64) -> Self {
        self.fields.agreement_amount = money(yuan);
        self
    }
    pub fn investor(mut self, name: &str, org: Option<i64>) -> Self {
        self.fields.investor = Some(name.to_owned());
        self.fields.source_org_id = org.or(self.fields.source_org_id);
        self
    }
    pub fn source(mut self, code: &str) -> Self {
        self.fields.source_region_code = Some(code.to_owned());
        self
    }
    pub fn note(mut self, note: &str) -> Self {
        self.fields.note = Some(note.to_owned());
        self
    }

    pub fn stage(&self) -> Option<Stage> {
        self.events.last().map(|e| e.stage)
    }

    pub fn last_date(&self) -> Option<NaiveDate> {
        self.events.last().map(|e| e.date)
    }

    /// The main-line stage held before the last event (the stage a suspension holds).
    fn held(&self) -> Option<Stage> {
        self.events
            .iter()
            .rev()
            .map(|e| e.stage)
            .find(|s| s.is_main_line())
    }

    /// Appends a move to `stage` on `date` (not before the last one), with the reason the stage
    /// rules ask for when it is not a plain step forward.
    pub fn to(&mut self, stage: Stage, date: NaiveDate) -> &mut Self {
        let date = self.last_date().map_or(date, |d| d.max(date));
        let reason = match (self.stage(), self.held()) {
            (None, _) => None,
            (Some(_), _) if stage == Stage::Suspended => Some(SUSPEND_REASONS),
            (Some(_), _) if stage == Stage::Terminated => Some(TERMINATE_REASONS),
            (Some(Stage::Suspended), Some(h)) if h == stage => None,
            (Some(Stage::Suspended), _) => Some(SKIP_REASONS),
            (Some(from), _) => match (from.rank(), stage.rank()) {
                (Some(a), Some(b)) if b == a + 1 => None,
                _ => Some(SKIP_REASONS),
            },
        };
        let reason = reason.map(|list| list[self.events.len() % list.len()].to_owned());
        self.events.push(Event {
            stage,
            date,
            reason,
        });
        self
    }

    /// Moves forward along the main line to `target`, one stage at a time, with gaps of
    /// `gap` days, each move within `window` (moved up to its start, stopping after its end).
    pub fn advance(
        &mut self,
        rng: &mut ChaCha8Rng,
        target: Stage,
        gap: (i64, i64),
        window: (NaiveDate, NaiveDate),
    ) -> &mut Self {
        while let Some(cur) = self.stage() {
            let (Some(a), Some(b)) = (cur.rank(), target.rank()) else {
                break;
            };
            if a >= b {
                break;
            }
            let Some(last) = self.last_date() else { break };
            let next = (last + Duration::days(rng.gen_range(gap.0..=gap.1))).max(window.0);
            if next > window.1 {
                break;
            }
            self.to(Stage::MAIN_LINE[a + 1], next);
        }
        self
    }

    /// The stage held on `date` (None before the project existed).
    pub fn stage_on(&self, date: NaiveDate) -> Option<Stage> {
        self.events
            .iter()
            .take_while(|e| e.date <= date)
            .last()
            .map(|e| e.stage)
    }

    /// The main-line stage held on `date`, looking through a suspension.
    pub fn main_stage_on(&self, date: NaiveDate) -> Option<Stage> {
        self.events
            .iter()
            .take_while(|e| e.date <= date)
            .filter(|e| e.stage.is_main_line())
            .last()
            .map(|e| e.stage)
    }

    /// When the project first entered `stage`.
    pub fn entered(&self, stage: Stage) -> Option<NaiveDate> {
        self.events
            .iter()
            .find(|e| e.stage == stage)
            .map(|e| e.date)
    }

    /// Moves every entry into `stage` that falls within [from, to] to after `to`, with the
    /// later events shifted along, so that a period's "entered" figures stay exact.
    pub fn keep_out(&mut self, stage: Stage, from: NaiveDate, to: NaiveDate) {
        while let Some(i) = self
            .events
            .iter()
            .position(|e| e.stage == stage && e.date >= from && e.date <= to)
        {
            let shift = (to - self.events[i].date).num_days() + 1 + (i as i64 * 7) % 40;
            for e in &mut self.events[i..] {
                e.date += Duration::days(shift);
            }
            self.events.retain(|e| e.date <= data_end());
        }
    }

    pub fn report(&mut self, period: Period, f: impl FnOnce(&mut ProgressReportFields)) {
        let mut r = ProgressReportFields {
            period,
            invested_to_date: None,
            funds_in_place: None,
            trade_volume: None,
            output_value: None,
            note: None,
            correction: None,
        };
        f(&mut r);
        self.reports.retain(|old| old.period.end() != period.end());
        self.reports.push(r);
    }
}

/// What the writer did.
#[derive(Debug, Default)]
pub struct Written {
    pub projects: usize,
    pub reports: usize,
    pub transitions: usize,
    pub problems: usize,
}

/// 建设性质 as the demo's ledgers would give it: a project still building into a later year
/// than it started is 续建, one in seven an extension of what stands, the rest 新建.
fn construction_of(i: usize, p: &ProjectPlan, today: NaiveDate) -> Construction {
    let started = p
        .events
        .iter()
        .find(|e| e.stage == Stage::Started && e.date <= today)
        .map(|e| e.date);
    if i % 7 == 3 {
        Construction::Expansion
    } else if started.is_some_and(|d| d.year() < today.year()) {
        Construction::Continued
    } else {
        Construction::New
    }
}

/// Writes the plans: all projects in one transaction, then their histories, reports and
/// problems. Anything dated after `today` is left out.
pub async fn write(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
    plans: &[ProjectPlan],
) -> Result<Written> {
    let mut out = Written::default();
    let news: Vec<NewProject> = plans
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let first = p.events.first().filter(|e| e.date <= today)?;
            let mut fields = p.fields.clone();
            fields.construction = fields.construction.or(Some(construction_of(i, p, today)));
            Some(NewProject {
                fields,
                stage: first.stage,
                stage_since: first.date,
            })
        })
        .collect();
    let ids = store.as_system(&actor.name).create_projects(&news).await?;
    out.projects = ids.len();
    let kept = plans
        .iter()
        .filter(|p| p.events.first().is_some_and(|e| e.date <= today));
    for (id, plan) in ids.iter().zip(kept) {
        for e in plan.events.iter().skip(1).take_while(|e| e.date <= today) {
            let input = TransitionInput {
                to: e.stage,
                effective_date: Some(e.date),
                reason: e.reason.clone(),
                override_rules: false,
            };
            store
                .as_system(&actor.name)
                .transition(*id, None, &input)
                .await
                .with_context(|| {
                    format!("{}：阶段变更到{}失败", plan.fields.name, e.stage.code())
                })?;
            out.transitions += 1;
        }
        let mut reports: Vec<&ProgressReportFields> = plan.reports.iter().collect();
        reports.sort_by_key(|r| r.period.end());
        for r in reports.into_iter().filter(|r| r.period.end() <= today) {
            store
                .as_system(&actor.name)
                .create_progress_report(*id, r)
                .await
                .with_context(|| format!("{}：{}进展报告", plan.fields.name, r.period))?;
            out.reports += 1;
        }
        for p in &plan.problems {
            let mut p = p.clone();
            if p.resolved_on.is_some_and(|d| d > today) {
                p.status = ProblemStatus::InProgress;
                p.resolution = None;
                p.resolved_on = None;
            }
            store.as_system(&actor.name).create_problem(*id, &p).await?;
            out.problems += 1;
        }
    }
    Ok(out)
}
