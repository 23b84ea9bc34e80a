//! The warnings engine (预警) over the store: it gathers what the rules of
//! `duikou_core::warnings` look at for a batch of projects, keeps one open warning per
//! (project, subject, rule) — raising, escalating, lowering and clearing it with its history —
//! queues notifications in the same transaction, and records when each project must be looked
//! at again (`projects.warn_next_check`).
//!
//! It runs in two ways that give the same answer: inside every write that can change a result
//! (`reevaluate`, same transaction as the write) and as a sweep over the projects whose
//! `warn_next_check` has come (`Store::sweep_warnings`), or over all of them (`full`).
//! Several servers on one PostgreSQL serialise on the project rows (`FOR UPDATE`) and on an
//! advisory lock per sweep batch; the partial unique index `warnings_one_open` is the last
//! line: two open warnings for one subject and rule cannot be stored.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use duikou_core::calendar::WorkCalendar;
use duikou_core::problem::ProblemStatus;
use duikou_core::steps::{StepState, Template};
use duikou_core::warnings::{
    evaluate, AnnualPlan, Level, ProblemFacts, ProjectFacts, Raised, RuleId, StepsFacts, Thresholds,
};
use duikou_core::{Actor, Stage};
use serde::{Deserialize, Serialize};

use crate::changes::record;
use crate::error::{check_version, check_written};
use crate::query::Where;
use crate::rows::{code_of, date_text, RowReader, Tx};
use crate::{now_text, Backend, Page, Store, StoreError};

/// Where a warning stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningStatus {
    /// 待处理: raised, nobody has answered.
    Open,
    /// 已确认: someone answers for it.
    Acknowledged,
    /// 已解除: closed by hand with a note (re-opened if it escalates while its condition holds).
    Resolved,
    /// 已消除: its condition ended.
    Cleared,
}

impl WarningStatus {
    pub const ALL: [WarningStatus; 4] = [
        WarningStatus::Open,
        WarningStatus::Acknowledged,
        WarningStatus::Resolved,
        WarningStatus::Cleared,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WarningStatus::Open => "open",
            WarningStatus::Acknowledged => "acknowledged",
            WarningStatus::Resolved => "resolved",
            WarningStatus::Cleared => "cleared",
        }
    }

    pub fn parse(code: &str) -> Option<WarningStatus> {
        WarningStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            WarningStatus::Open => "待处理",
            WarningStatus::Acknowledged => "已确认",
            WarningStatus::Resolved => "已解除",
            WarningStatus::Cleared => "已消除",
        }
    }
}

/// A warning with the project it concerns.
#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    /// `project`, `step:KEY`, `deficiency:KEY`, `commitment:KEY`, `problem:ID`.
    pub subject: String,
    pub rule: RuleId,
    pub rule_label: String,
    pub level: Level,
    pub level_label: String,
    pub status: WarningStatus,
    pub status_label: String,
    pub owner_org_id: Option<i64>,
    pub owner_name: Option<String>,
    pub reason: String,
    /// The values the rule used, as `[name, value]` pairs.
    pub facts: Vec<(String, String)>,
    pub thresholds_version: String,
    /// The date the current level was computed for.
    pub as_of: NaiveDate,
    pub raised_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The last acknowledgement or resolution note.
    pub note: Option<String>,
    pub version: i64,
}

/// One entry of a warning's history.
#[derive(Debug, Clone, Serialize)]
pub struct WarningEvent {
    pub id: i64,
    /// raised, escalated, lowered, acknowledged, resolved, cleared.
    pub action: String,
    pub level: Level,
    pub reason: Option<String>,
    pub actor: String,
    pub note: Option<String>,
    pub as_of: NaiveDate,
    pub at: DateTime<Utc>,
}

/// Which warnings a list shows.
#[derive(Debug, Clone, Default)]
pub struct WarningFilter {
    pub level: Option<Level>,
    pub rule: Option<RuleId>,
    pub owner_org_id: Option<i64>,
    /// None: the active ones (open and acknowledged).
    pub status: Option<WarningStatus>,
    /// Every status, closed ones included (overrides `status`).
    pub all: bool,
    pub project_id: Option<i64>,
    /// Projects of this partnership and those nested under it.
    pub partnership_id: Option<i64>,
    /// Projects hosted in this region or below it.
    pub region_code: Option<String>,
}

/// Counts of active warnings, for dashboards.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WarningCounts {
    pub total: i64,
    pub yellow: i64,
    pub red: i64,
    pub by_rule: Vec<RuleCount>,
    pub by_owner: Vec<OwnerCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    pub rule: RuleId,
    pub rule_label: String,
    pub yellow: i64,
    pub red: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnerCount {
    pub owner_org_id: Option<i64>,
    pub owner_name: Option<String>,
    pub yellow: i64,
    pub red: i64,
}

/// What an evaluation changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub evaluated: u64,
    pub raised: u64,
    pub escalated: u64,
    pub lowered: u64,
    pub cleared: u64,
    /// Outbox rows written.
    pub notifications: u64,
    /// Supervision slips opened.
    pub slips: u64,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.evaluated += o.evaluated;
        self.raised += o.raised;
        self.escalated += o.escalated;
        self.lowered += o.lowered;
        self.cleared += o.cleared;
        self.notifications += o.notifications;
        self.slips += o.slips;
    }

    /// Whether anything but the evaluation itself happened.
    pub fn changed(&self) -> bool {
        self.raised + self.escalated + self.lowered + self.cleared > 0
    }
}

/// A stored threshold set: for one organisation's projects (None: all) in one year.
#[derive(Debug, Clone, Serialize)]
pub struct ThresholdSet {
    pub id: i64,
    pub org_id: Option<i64>,
    pub year: i32,
    pub thresholds: Thresholds,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// Never evaluated.
const NEVER: &str = "0001-01-01";
/// Only a write can change its warnings.
const NO_CHECK: &str = "9999-12-31";
/// Projects per transaction of a sweep.
const BATCH: usize = 500;
/// The PostgreSQL advisory lock key of sweep batches ("DKWARN" in ASCII, truncated).
const SWEEP_LOCK: i64 = 0x444b_5741_524e;

fn corrupt(table: &'static str, message: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table,
        message: message.to_string(),
    }
}

fn in_list(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The calendar date in China (UTC+8) of a stored timestamp.
fn china_date(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// Thresholds in force: the newest set for (org, year), else for (all, year), else the
/// newest of earlier years likewise, else the shipped defaults.
fn pick_thresholds<'a>(
    sets: &'a [ThresholdSet],
    org: Option<i64>,
    year: i32,
    default: &'a Thresholds,
) -> &'a Thresholds {
    let best = |org_match: &dyn Fn(Option<i64>) -> bool| {
        sets.iter()
            .filter(|s| org_match(s.org_id) && s.year <= year)
            .max_by_key(|s| (s.year, s.id))
    };
    if let Some(o) = org {
        if let Some(s) = best(&|x| x == Some(o)).filter(|s| s.year == year) {
            return &s.thresholds;
        }
    }
    if let Some(s) = best(&|x| x.is_none()).filter(|s| s.year == year) {
        return &s.thresholds;
    }
    if let Some(o) = org {
        if let Some(s) = best(&|x| x == Some(o)) {
            return &s.thresholds;
        }
    }
    best(&|x| x.is_none()).map_or(default, |s| &s.thresholds)
}

async fn threshold_sets(tx: &mut Tx) -> Result<Vec<ThresholdSet>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, org_id, year, body, created_at, created_by FROM warning_thresholds ORDER BY id",
    )
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|row| {
            let r = RowReader::new(row, "warning_thresholds");
            Ok(ThresholdSet {
                id: r.i64("id")?,
                org_id: r.opt_i64("org_id")?,
                year: i32::try_from(r.i64("year")?).unwrap_or_default(),
                thresholds: serde_json::from_str(&r.text("body")?)
                    .map_err(|e| corrupt("warning_thresholds", e))?,
                created_at: r.time("created_at")?,
                created_by: r.text("created_by")?,
            })
        })
        .collect()
}

/// One project's facts as loaded (owned; the core borrows from it).
struct Loaded {
    id: i64,
    name: String,
    stage: Stage,
    owner_org_id: Option<i64>,
    planned_start: Option<NaiveDate>,
    planned_production: Option<NaiveDate>,
    last_update: NaiveDate,
    annual_plan: Option<AnnualPlan>,
    invested_ytd: Option<i64>,
    problems: Vec<ProblemFacts>,
    steps: Option<(Arc<Template>, NaiveDate, Vec<StepState>)>,
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// A batch's project ids in SQL: a range when they are dense (the batches of a full sweep,
/// or a single project), else a list. Rows of projects in the range but not in the batch are
/// ignored by the callers.
struct IdSql<'a> {
    ids: &'a [i64],
    range: Option<(i64, i64)>,
}

impl<'a> IdSql<'a> {
    fn new(ids: &'a [i64]) -> IdSql<'a> {
        let lo = ids.iter().copied().min().unwrap_or(0);
        let hi = ids.iter().copied().max().unwrap_or(0);
        let span = usize::try_from(hi - lo)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        let range = (span <= ids.len().saturating_mul(2)).then_some((lo, hi));
        IdSql { ids, range }
    }

    /// The condition on `col`, its placeholders numbered from `start`.
    fn cond(&self, col: &str, start: usize) -> String {
        match self.range {
            Some(_) => format!("{col} BETWEEN ${start} AND ${}", start + 1),
            None => format!("{col} IN ({})", in_list(start, self.ids.len())),
        }
    }

    /// How many placeholders `cond` uses.
    fn params(&self) -> usize {
        if self.range.is_some() {
            2
        } else {
            self.ids.len()
        }
    }

    fn bind<'q>(&self, mut q: AnyQuery<'q>) -> AnyQuery<'q> {
        match self.range {
            Some((lo, hi)) => q.bind(lo).bind(hi),
            None => {
                for id in self.ids {
                    q = q.bind(*id);
                }
                q
            }
        }
    }
}

async fn load_batch(tx: &mut Tx, ids: &[i64], as_of: NaiveDate) -> Result<Vec<Loaded>, StoreError> {
    let set = IdSql::new(ids);
    let c_id = set.cond("id", 1);
    let c_pid = set.cond("project_id", 1);
    let c_spid = set.cond("s.project_id", 1);
    let n = set.params();
    let mut out: BTreeMap<i64, Loaded> = BTreeMap::new();
    let sql = format!(
        "SELECT id, name, stage, owner_org_id, planned_start, planned_production, updated_at \
         FROM projects WHERE {c_id}"
    );
    for row in set.bind(sqlx::query(&sql)).fetch_all(&mut **tx).await? {
        let r = RowReader::new(&row, "projects");
        let id = r.i64("id")?;
        out.insert(
            id,
            Loaded {
                id,
                name: r.text("name")?,
                stage: r.code("stage", Stage::parse)?,
                owner_org_id: r.opt_i64("owner_org_id")?,
                planned_start: r.opt_date("planned_start")?,
                planned_production: r.opt_date("planned_production")?,
                last_update: china_date(r.time("updated_at")?),
                annual_plan: None,
                invested_ytd: None,
                problems: Vec::new(),
                steps: None,
            },
        );
    }
    // The last activity is the project's `updated_at`: edits, progress reports and stage
    // changes all touch it (and the generator writes it from the history), so no scan of
    // reports or stage changes is needed here.
    // This year's plans, and for those projects the investment reported this year.
    let year = as_of.year();
    let sql1 = format!(
        "SELECT project_id, amount, curve FROM annual_plans WHERE {c_pid} AND year = ${}",
        n + 1
    );
    let q = set.bind(sqlx::query(&sql1));
    let mut planned = Vec::new();
    for row in q.bind(i64::from(year)).fetch_all(&mut **tx).await? {
        let r = RowReader::new(&row, "annual_plans");
        let id = r.i64("project_id")?;
        let curve = match r.opt_text("curve")? {
            Some(t) => Some(serde_json::from_str(&t).map_err(|e| corrupt("annual_plans", e))?),
            None => None,
        };
        if let Some(p) = out.get_mut(&id) {
            p.annual_plan = Some(AnnualPlan {
                year,
                amount_yuan: r.i64("amount")?,
                curve,
            });
            planned.push(id);
        }
    }
    if !planned.is_empty() {
        let list = in_list(2, planned.len());
        let sql2 = format!(
            "SELECT project_id, period_end, invested_to_date FROM progress_reports \
             WHERE project_id IN ({list}) AND invested_to_date IS NOT NULL AND period_end <= $1 \
             ORDER BY project_id, period_end"
        );
        let mut q = sqlx::query(&sql2).bind(date_text(as_of));
        for id in &planned {
            q = q.bind(*id);
        }
        let year_start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(as_of);
        let mut before: HashMap<i64, i64> = HashMap::new();
        let mut latest: HashMap<i64, i64> = HashMap::new();
        for row in q.fetch_all(&mut **tx).await? {
            let r = RowReader::new(&row, "progress_reports");
            let id = r.i64("project_id")?;
            let amount = r.i64("invested_to_date")?;
            if r.date("period_end")? < year_start {
                before.insert(id, amount);
            } else {
                latest.insert(id, amount);
            }
        }
        for (id, amount) in latest {
            if let Some(p) = out.get_mut(&id) {
                p.invested_ytd = Some(amount - before.get(&id).copied().unwrap_or(0));
            }
        }
    }
    // Problems with a due date, not resolved.
    let sql3 = format!(
        "SELECT id, project_id, description, owner_org_id, due_date FROM problems \
         WHERE {c_pid} AND due_date IS NOT NULL AND status <> ${} ORDER BY id",
        n + 1
    );
    let q = set.bind(sqlx::query(&sql3));
    for row in q
        .bind(code_of(&ProblemStatus::Resolved))
        .fetch_all(&mut **tx)
        .await?
    {
        let r = RowReader::new(&row, "problems");
        if let Some(p) = out.get_mut(&r.i64("project_id")?) {
            p.problems.push(ProblemFacts {
                id: r.i64("id")?,
                due: r.opt_date("due_date")?,
                resolved: false,
                description: r.text("description")?,
                owner_org_id: r.opt_i64("owner_org_id")?,
            });
        }
    }
    // Steps, for the projects with a step still to finish.
    let sql4 = format!(
        "SELECT s.project_id, s.template_key, s.template_version, s.start_date \
         FROM project_schedules s WHERE {c_spid} AND EXISTS \
         (SELECT 1 FROM project_steps t WHERE t.project_id = s.project_id \
          AND t.status NOT IN (${}, ${}))",
        n + 1,
        n + 2
    );
    let q = set.bind(sqlx::query(&sql4));
    let running = q
        .bind(duikou_core::steps::StepStatus::Done.code())
        .bind(duikou_core::steps::StepStatus::Skipped.code())
        .fetch_all(&mut **tx)
        .await?;
    if !running.is_empty() {
        let mut templates: HashMap<(String, i32), Arc<Template>> = HashMap::new();
        let mut schedules = Vec::with_capacity(running.len());
        for row in &running {
            let r = RowReader::new(row, "project_schedules");
            let key = r.text("template_key")?;
            let version = i32::try_from(r.i64("template_version")?).unwrap_or_default();
            schedules.push((r.i64("project_id")?, key, version, r.date("start_date")?));
        }
        for (_, key, version, _) in &schedules {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                templates.entry((key.clone(), *version))
            {
                let t = crate::templates::get_in(tx, key, Some(*version)).await?;
                slot.insert(Arc::new(t));
            }
        }
        let list = in_list(1, schedules.len());
        let sql5 = format!(
            "SELECT project_id, state FROM project_steps WHERE project_id IN ({list}) \
             ORDER BY project_id, position"
        );
        let mut q = sqlx::query(&sql5);
        for (id, ..) in &schedules {
            q = q.bind(*id);
        }
        let mut states: HashMap<i64, Vec<StepState>> = HashMap::new();
        for row in q.fetch_all(&mut **tx).await? {
            let r = RowReader::new(&row, "project_steps");
            let state: StepState =
                serde_json::from_str(&r.text("state")?).map_err(|e| corrupt("project_steps", e))?;
            states.entry(r.i64("project_id")?).or_default().push(state);
        }
        for (id, key, version, start) in schedules {
            if let (Some(p), Some(t)) = (out.get_mut(&id), templates.get(&(key, version))) {
                p.steps = Some((t.clone(), start, states.remove(&id).unwrap_or_default()));
            }
        }
    }
    Ok(out.into_values().collect())
}

/// An open warning as the engine needs it.
struct Open {
    id: i64,
    level: Level,
    status: WarningStatus,
}

/// The message of an event, for the outbox.
fn payload(
    event_id: &str,
    kind: &str,
    warning_id: i64,
    project: &Loaded,
    raised: &Raised,
    at: &str,
) -> serde_json::Value {
    let f = &raised.finding;
    let title = format!("【{}】{}", f.level.label_zh(), project.name);
    let verb = match kind {
        "warning.escalated" => "升级为",
        _ => "触发",
    };
    let text = format!(
        "项目「{}」{verb}{}。\n触发规则：{}（阈值版本{}）\n原因：{}\n判定日期：{}\n事件编号：{event_id}",
        project.name,
        f.level.label_zh(),
        f.rule.label_zh(),
        f.thresholds_version,
        f.reason,
        f.as_of,
    );
    serde_json::json!({
        "event_id": event_id,
        "type": kind,
        "warning_id": warning_id,
        "project_id": project.id,
        "project_name": project.name,
        "subject": raised.subject.code(),
        "rule": f.rule.code(),
        "rule_label": f.rule.label_zh(),
        "level": f.level.code(),
        "level_label": f.level.label_zh(),
        "reason": f.reason,
        "as_of": f.as_of.to_string(),
        "at": at,
        "path": format!("/projects/{}", project.id),
        "title": title,
        "text": text,
    })
}

#[allow(clippy::too_many_arguments)]
async fn add_event(
    tx: &mut Tx,
    warning_id: i64,
    action: &str,
    level: Level,
    reason: Option<&str>,
    actor: &str,
    note: Option<&str>,
    as_of: NaiveDate,
    at: &str,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO warning_events (warning_id, action, level, reason, actor, note, as_of, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(warning_id)
    .bind(action)
    .bind(level.code())
    .bind(reason)
    .bind(actor)
    .bind(note)
    .bind(date_text(as_of))
    .bind(at)
    .fetch_one(&mut **tx)
    .await?)
}

fn facts_json(raised: &Raised) -> String {
    serde_json::to_string(&raised.finding.facts).unwrap_or_else(|_| "[]".to_owned())
}

/// Re-evaluates `ids` as of `as_of` inside the caller's transaction.
pub(crate) async fn reevaluate(
    tx: &mut Tx,
    backend: Backend,
    ids: &[i64],
    as_of: NaiveDate,
    calendar: &WorkCalendar,
    actor: &str,
) -> Result<Tally, StoreError> {
    let mut tally = Tally::default();
    if ids.is_empty() {
        return Ok(tally);
    }
    let set = IdSql::new(ids);
    if backend == Backend::Postgres {
        let sql6 = format!(
            "SELECT id FROM projects WHERE {} ORDER BY id FOR UPDATE",
            set.cond("id", 1)
        );
        set.bind(sqlx::query(&sql6)).fetch_all(&mut **tx).await?;
    }
    let sets = threshold_sets(tx).await?;
    let default = Thresholds::default();
    let projects = load_batch(tx, ids, as_of).await?;

    let sql7 = format!(
        "SELECT id, project_id, subject, rule, level, status FROM warnings \
         WHERE closed_at IS NULL AND {}",
        set.cond("project_id", 1)
    );
    let q = set.bind(sqlx::query(&sql7));
    let mut open: HashMap<(i64, String, RuleId), Open> = HashMap::new();
    for row in q.fetch_all(&mut **tx).await? {
        let r = RowReader::new(&row, "warnings");
        open.insert(
            (
                r.i64("project_id")?,
                r.text("subject")?,
                r.code("rule", RuleId::parse)?,
            ),
            Open {
                id: r.i64("id")?,
                level: r.code("level", Level::parse)?,
                status: r.code("status", WarningStatus::parse)?,
            },
        );
    }

    let now = now_text();
    let mut next_checks: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for p in &projects {
        tally.evaluated += 1;
        let facts = ProjectFacts {
            project_id: p.id,
            stage: p.stage,
            owner_org_id: p.owner_org_id,
            planned_start: p.planned_start,
            planned_production: p.planned_production,
            last_update: p.last_update,
            annual_plan: p.annual_plan.clone(),
            invested_year_to_date: p.invested_ytd,
            problems: p.problems.clone(),
            steps: p.steps.as_ref().map(|(t, start, states)| StepsFacts {
                template: t,
                start: *start,
                states,
            }),
        };
        let t = pick_thresholds(&sets, p.owner_org_id, as_of.year(), &default);
        let evaluation = evaluate(&facts, t, calendar, as_of);
        let next = evaluation
            .next_check
            .map_or_else(|| NO_CHECK.to_owned(), date_text);
        next_checks.entry(next).or_default().push(p.id);

        let mut seen = Vec::with_capacity(evaluation.raised.len());
        for raised in &evaluation.raised {
            let f = &raised.finding;
            let key = (p.id, raised.subject.code(), f.rule);
            seen.push(key.clone());
            match open.get(&key) {
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO warnings (project_id, subject, rule, level, status, \
                         owner_org_id, owner_name, reason, facts, thresholds_version, as_of, \
                         raised_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
                         RETURNING id",
                    )
                    .bind(p.id)
                    .bind(&key.1)
                    .bind(f.rule.code())
                    .bind(f.level.code())
                    .bind(WarningStatus::Open.code())
                    .bind(raised.owner_org_id)
                    .bind(&raised.owner_name)
                    .bind(&f.reason)
                    .bind(facts_json(raised))
                    .bind(&f.thresholds_version)
                    .bind(date_text(f.as_of))
                    .bind(&now)
                    .fetch_one(&mut **tx)
                    .await?;
                    let event = add_event(
                        tx,
                        id,
                        "raised",
                        f.level,
                        Some(&f.reason),
                        actor,
                        None,
                        as_of,
                        &now,
                    )
                    .await?;
                    tally.raised += 1;
                    let event_id = format!("warning-event-{event}");
                    let body = payload(&event_id, "warning.raised", id, p, raised, &now);
                    tally.notifications +=
                        crate::outbox::enqueue(tx, &event_id, raised.owner_org_id, f.level, &body)
                            .await?;
                    if crate::slips::open_for_warning(
                        tx, id, p.id, &p.name, raised, t, calendar, as_of, actor,
                    )
                    .await?
                    {
                        tally.slips += 1;
                    }
                }
                Some(w) if w.level != f.level => {
                    let up = f.level > w.level;
                    // Escalation re-opens a warning someone acknowledged or resolved.
                    let status = if up { WarningStatus::Open } else { w.status };
                    sqlx::query(
                        "UPDATE warnings SET level = $1, status = $2, reason = $3, facts = $4, \
                         thresholds_version = $5, as_of = $6, updated_at = $7, \
                         version = version + 1 WHERE id = $8",
                    )
                    .bind(f.level.code())
                    .bind(status.code())
                    .bind(&f.reason)
                    .bind(facts_json(raised))
                    .bind(&f.thresholds_version)
                    .bind(date_text(f.as_of))
                    .bind(&now)
                    .bind(w.id)
                    .execute(&mut **tx)
                    .await?;
                    let action = if up { "escalated" } else { "lowered" };
                    let event = add_event(
                        tx,
                        w.id,
                        action,
                        f.level,
                        Some(&f.reason),
                        actor,
                        None,
                        as_of,
                        &now,
                    )
                    .await?;
                    if up {
                        tally.escalated += 1;
                        let event_id = format!("warning-event-{event}");
                        let body = payload(&event_id, "warning.escalated", w.id, p, raised, &now);
                        tally.notifications += crate::outbox::enqueue(
                            tx,
                            &event_id,
                            raised.owner_org_id,
                            f.level,
                            &body,
                        )
                        .await?;
                        if crate::slips::open_for_warning(
                            tx, w.id, p.id, &p.name, raised, t, calendar, as_of, actor,
                        )
                        .await?
                        {
                            tally.slips += 1;
                        }
                    } else {
                        tally.lowered += 1;
                    }
                }
                Some(_) => {}
            }
        }
        // Open warnings of this project that no rule raises any more: cleared.
        let ended: Vec<(i64, Level, WarningStatus)> = open
            .iter()
            .filter(|(k, _)| k.0 == p.id && !seen.contains(k))
            .map(|(_, w)| (w.id, w.level, w.status))
            .collect();
        for (id, level, status) in ended {
            let status = if status == WarningStatus::Resolved {
                WarningStatus::Resolved
            } else {
                WarningStatus::Cleared
            };
            sqlx::query(
                "UPDATE warnings SET status = $1, closed_at = $2, updated_at = $2, \
                 version = version + 1 WHERE id = $3",
            )
            .bind(status.code())
            .bind(&now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            add_event(tx, id, "cleared", level, None, actor, None, as_of, &now).await?;
            tally.cleared += 1;
        }
    }
    // Deleted projects: their warnings went with them (ON DELETE CASCADE).
    for (next, group) in next_checks {
        for chunk in group.chunks(BATCH) {
            let sql8 = format!(
                "UPDATE projects SET warn_next_check = $1 WHERE id IN ({})",
                in_list(2, chunk.len())
            );
            let mut q = sqlx::query(&sql8).bind(&next);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut **tx).await?;
        }
    }
    Ok(tally)
}

impl Store {
    /// Re-evaluates the warnings of some projects as of today (the store's clock), in a
    /// transaction of their own. Writes of the store call `reevaluate` inside theirs.
    pub async fn reevaluate_warnings(&self, ids: &[i64]) -> Result<Tally, StoreError> {
        let calendar = self.cached_calendar(None).await?;
        let mut tx = self.begin_write().await?;
        let t = reevaluate(
            &mut tx,
            self.backend,
            ids,
            self.today(),
            &calendar,
            "system",
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Evaluates every project whose `warn_next_check` has come by `as_of` (all of them when
    /// `full`), in batches of one transaction each. `progress` hears (done, total).
    pub async fn sweep_warnings(
        &self,
        as_of: NaiveDate,
        full: bool,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<Tally, StoreError> {
        let calendar = self.calendar().await?;
        let due = date_text(as_of);
        let total: i64 = if full {
            sqlx::query_scalar("SELECT COUNT(*) FROM projects")
                .fetch_one(&self.pool)
                .await?
        } else {
            sqlx::query_scalar("SELECT COUNT(*) FROM projects WHERE warn_next_check <= $1")
                .bind(&due)
                .fetch_one(&self.pool)
                .await?
        };
        let total = u64::try_from(total).unwrap_or_default();
        let mut tally = Tally::default();
        let mut after = 0_i64;
        loop {
            let mut tx = self.begin_write().await?;
            if self.backend == Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(SWEEP_LOCK)
                    .execute(&mut *tx)
                    .await?;
            }
            let ids: Vec<i64> = if full {
                sqlx::query_scalar("SELECT id FROM projects WHERE id > $1 ORDER BY id LIMIT $2")
                    .bind(after)
                    .bind(BATCH as i64)
                    .fetch_all(&mut *tx)
                    .await?
            } else {
                sqlx::query_scalar(
                    "SELECT id FROM projects WHERE warn_next_check <= $1 AND id > $2 \
                     ORDER BY id LIMIT $3",
                )
                .bind(&due)
                .bind(after)
                .bind(BATCH as i64)
                .fetch_all(&mut *tx)
                .await?
            };
            let Some(&last) = ids.last() else {
                tx.commit().await?;
                break;
            };
            after = last;
            let t = reevaluate(&mut tx, self.backend, &ids, as_of, &calendar, "system").await?;
            tx.commit().await?;
            tally.add(&t);
            progress(tally.evaluated, total.max(tally.evaluated));
        }
        Ok(tally)
    }

    /// Marks projects for re-evaluation by the next sweep (after a change of thresholds or
    /// calendar): all of them, or those of one owner organisation.
    pub async fn mark_warnings_stale(&self, owner_org_id: Option<i64>) -> Result<u64, StoreError> {
        let done = match owner_org_id {
            Some(org) => {
                sqlx::query("UPDATE projects SET warn_next_check = $1 WHERE owner_org_id = $2")
                    .bind(NEVER)
                    .bind(org)
                    .execute(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("UPDATE projects SET warn_next_check = $1")
                    .bind(NEVER)
                    .execute(&self.pool)
                    .await?
            }
        };
        Ok(done.rows_affected())
    }

    /// Stores a threshold set for an organisation (None: all) and year, and marks the
    /// projects it governs for the next sweep.
    pub async fn save_thresholds(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        year: i32,
        thresholds: &Thresholds,
    ) -> Result<ThresholdSet, StoreError> {
        thresholds.validate()?;
        let mut tx = self.begin_write().await?;
        if let Some(org) = org_id {
            crate::orgs::require(&mut tx, "org_id", org).await?;
        }
        let now = now_text();
        let body =
            serde_json::to_string(thresholds).map_err(|e| corrupt("warning_thresholds", e))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO warning_thresholds (org_id, year, version, body, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(org_id)
        .bind(i64::from(year))
        .bind(&thresholds.version)
        .bind(&body)
        .bind(&now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            crate::error::unique_to_field(e, "version", "该阈值版本名称已存在，请换一个名称")
        })?;
        record(
            &mut tx,
            "thresholds",
            &id.to_string(),
            "create",
            actor,
            None::<&()>,
            Some(thresholds),
        )
        .await?;
        tx.commit().await?;
        self.mark_warnings_stale(org_id).await?;
        let sets = self.threshold_sets().await?;
        sets.into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| StoreError::not_found("thresholds", id))
    }

    /// Every stored threshold set, oldest first.
    pub async fn threshold_sets(&self) -> Result<Vec<ThresholdSet>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let sets = threshold_sets(&mut tx).await?;
        tx.commit().await?;
        Ok(sets)
    }

    /// The thresholds in force for an organisation's projects in a year.
    pub async fn thresholds_for(
        &self,
        org_id: Option<i64>,
        year: i32,
    ) -> Result<Thresholds, StoreError> {
        let sets = self.threshold_sets().await?;
        let default = Thresholds::default();
        Ok(pick_thresholds(&sets, org_id, year, &default).clone())
    }

    /// Sets a project's investment plan for a year (replacing the year's plan).
    pub async fn set_annual_plan(
        &self,
        actor: &Actor,
        project_id: i64,
        plan: &AnnualPlan,
    ) -> Result<AnnualPlan, StoreError> {
        plan.check()
            .map_err(|m| StoreError::invalid("annual_plan", "invalid_plan", m))?;
        let mut tx = self.begin_write().await?;
        crate::projects::require(&mut tx, project_id).await?;
        let before = annual_plans_in(&mut tx, project_id)
            .await?
            .into_iter()
            .find(|p| p.year == plan.year);
        let curve = plan
            .curve
            .as_ref()
            .map(|c| serde_json::to_string(c).unwrap_or_default());
        let now = now_text();
        sqlx::query("DELETE FROM annual_plans WHERE project_id = $1 AND year = $2")
            .bind(project_id)
            .bind(i64::from(plan.year))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO annual_plans (project_id, year, amount, curve, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(project_id)
        .bind(i64::from(plan.year))
        .bind(plan.amount_yuan)
        .bind(curve)
        .bind(&now)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            "annual_plan",
            &format!("{project_id}/{}", plan.year),
            if before.is_some() { "update" } else { "create" },
            actor,
            before.as_ref(),
            Some(plan),
        )
        .await?;
        self.reevaluate_in(&mut tx, &[project_id], &actor.name)
            .await?;
        tx.commit().await?;
        Ok(plan.clone())
    }

    pub async fn annual_plans(&self, project_id: i64) -> Result<Vec<AnnualPlan>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let plans = annual_plans_in(&mut tx, project_id).await?;
        tx.commit().await?;
        Ok(plans)
    }

    /// The engine inside a write's transaction, as of the store's today.
    pub(crate) async fn reevaluate_in(
        &self,
        tx: &mut Tx,
        ids: &[i64],
        actor: &str,
    ) -> Result<Tally, StoreError> {
        if !self.evaluate_writes {
            return Ok(Tally::default());
        }
        let calendar = self.cached_calendar(Some(&mut *tx)).await?;
        reevaluate(tx, self.backend, ids, self.today(), &calendar, actor).await
    }

    /// A page of warnings among those visible in `scopes` (None: all).
    pub async fn warnings_visible(
        &self,
        filter: &WarningFilter,
        scopes: Option<&[duikou_core::auth::ResolvedScope]>,
        limit: i64,
        offset: i64,
    ) -> Result<Page<Warning>, StoreError> {
        let w = self.warning_where(filter, scopes).await?;
        let cond = w.sql();
        let q1 = format!(
            "SELECT COUNT(*) AS n FROM warnings w JOIN projects p ON p.id = w.project_id \
                 WHERE {cond}"
        );
        let total: i64 = w
            .bind(sqlx::query(&q1))
            .fetch_one(&self.pool)
            .await
            .map(|row| RowReader::new(&row, "warnings").i64("n"))??;
        let q2 = format!(
            "SELECT {WARNING_COLS} FROM warnings w JOIN projects p ON p.id = w.project_id \
                 LEFT JOIN orgs wo ON wo.id = w.owner_org_id \
                 WHERE {cond} ORDER BY CASE w.level WHEN 'red' THEN 0 ELSE 1 END, \
                 w.raised_at DESC, w.id DESC LIMIT {limit} OFFSET {offset}"
        );
        let rows = w.bind(sqlx::query(&q2)).fetch_all(&self.pool).await?;
        Ok(Page {
            items: rows.iter().map(read_warning).collect::<Result<_, _>>()?,
            total,
            limit,
            offset,
        })
    }

    /// Counts of the active warnings matching `filter` (its status ignored).
    pub async fn warning_counts_visible(
        &self,
        filter: &WarningFilter,
        scopes: Option<&[duikou_core::auth::ResolvedScope]>,
    ) -> Result<WarningCounts, StoreError> {
        let active = WarningFilter {
            status: None,
            all: false,
            ..filter.clone()
        };
        let w = self.warning_where(&active, scopes).await?;
        let cond = w.sql();
        let mut counts = WarningCounts::default();
        let q3 = format!(
            "SELECT w.rule AS rule, w.level AS level, COUNT(*) AS n FROM warnings w \
                 JOIN projects p ON p.id = w.project_id WHERE {cond} GROUP BY w.rule, w.level"
        );
        let rows = w.bind(sqlx::query(&q3)).fetch_all(&self.pool).await?;
        let mut by_rule: BTreeMap<RuleId, (i64, i64)> = BTreeMap::new();
        for row in &rows {
            let r = RowReader::new(row, "warnings");
            let n = r.i64("n")?;
            let e = by_rule.entry(r.code("rule", RuleId::parse)?).or_default();
            match r.code("level", Level::parse)? {
                Level::Yellow => {
                    e.0 += n;
                    counts.yellow += n;
                }
                Level::Red => {
                    e.1 += n;
                    counts.red += n;
                }
            }
        }
        counts.total = counts.yellow + counts.red;
        counts.by_rule = by_rule
            .into_iter()
            .map(|(rule, (yellow, red))| RuleCount {
                rule,
                rule_label: rule.label_zh().to_owned(),
                yellow,
                red,
            })
            .collect();
        let q4 = format!(
            "SELECT w.owner_org_id AS owner, o.name AS owner_name, \
                 SUM(CASE WHEN w.level = 'yellow' THEN 1 ELSE 0 END) AS yellow, \
                 SUM(CASE WHEN w.level = 'red' THEN 1 ELSE 0 END) AS red \
                 FROM warnings w JOIN projects p ON p.id = w.project_id \
                 LEFT JOIN orgs o ON o.id = w.owner_org_id WHERE {cond} \
                 GROUP BY w.owner_org_id, o.name ORDER BY red DESC, yellow DESC, w.owner_org_id"
        );
        let rows = w.bind(sqlx::query(&q4)).fetch_all(&self.pool).await?;
        for row in &rows {
            let r = RowReader::new(row, "warnings");
            counts.by_owner.push(OwnerCount {
                owner_org_id: r.opt_i64("owner")?,
                owner_name: r.opt_text("owner_name")?,
                yellow: r.i64("yellow")?,
                red: r.i64("red")?,
            });
        }
        Ok(counts)
    }

    async fn warning_where(
        &self,
        f: &WarningFilter,
        scopes: Option<&[duikou_core::auth::ResolvedScope]>,
    ) -> Result<Where, StoreError> {
        let mut w = Where::new();
        if let Some(scopes) = scopes {
            w.visible("p.", scopes);
        }
        if !f.all {
            match f.status {
                None => {
                    let a = w.text(WarningStatus::Open.code());
                    let b = w.text(WarningStatus::Acknowledged.code());
                    w.push(format!("w.closed_at IS NULL AND w.status IN ({a}, {b})"));
                }
                Some(s) => {
                    let v = w.text(s.code());
                    w.push(format!("w.status = {v}"));
                }
            }
        }
        if let Some(l) = f.level {
            let v = w.text(l.code());
            w.push(format!("w.level = {v}"));
        }
        if let Some(r) = f.rule {
            let v = w.text(r.code());
            w.push(format!("w.rule = {v}"));
        }
        if let Some(o) = f.owner_org_id {
            let v = w.int(o);
            w.push(format!("w.owner_org_id = {v}"));
        }
        if let Some(p) = f.project_id {
            let v = w.int(p);
            w.push(format!("w.project_id = {v}"));
        }
        if let Some(id) = f.partnership_id {
            let path = self.partnership(id).await?.path;
            w.subtree("p.partnership_path", &path);
        }
        if let Some(code) = &f.region_code {
            let path = self.region(code).await?.path;
            w.subtree("p.host_region_path", &path);
        }
        Ok(w)
    }

    /// One warning with its history.
    pub async fn warning(&self, id: i64) -> Result<(Warning, Vec<WarningEvent>), StoreError> {
        let mut tx = self.pool.begin().await?;
        let w = warning_in(&mut tx, id).await?;
        let events = events_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok((w, events))
    }

    /// The project a warning concerns (for rights checks).
    pub async fn warning_project(&self, id: i64) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT project_id FROM warnings WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("warning", id))
    }

    /// 确认: someone answers for an active warning, with a note.
    pub async fn acknowledge_warning(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: Option<i64>,
        note: &str,
    ) -> Result<Warning, StoreError> {
        self.answer_warning(
            actor,
            id,
            expected_version,
            note,
            WarningStatus::Acknowledged,
        )
        .await
    }

    /// 解除: closes the matter by hand with a note. While its condition holds the warning
    /// keeps its place (no new one is raised); it re-opens if it escalates.
    pub async fn resolve_warning(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: Option<i64>,
        note: &str,
    ) -> Result<Warning, StoreError> {
        self.answer_warning(actor, id, expected_version, note, WarningStatus::Resolved)
            .await
    }

    async fn answer_warning(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: Option<i64>,
        note: &str,
        to: WarningStatus,
    ) -> Result<Warning, StoreError> {
        let note = note.trim();
        if note.is_empty() {
            return Err(StoreError::invalid("note", "required", "请填写处理说明"));
        }
        if note.chars().count() > 2000 {
            return Err(StoreError::invalid(
                "note",
                "too_long",
                "处理说明不能超过2000字",
            ));
        }
        let mut tx = self.begin_write().await?;
        let before = warning_in(&mut tx, id).await?;
        check_version("warning", id, before.version, expected_version)?;
        let allowed = match to {
            WarningStatus::Acknowledged => before.status == WarningStatus::Open,
            WarningStatus::Resolved => {
                matches!(
                    before.status,
                    WarningStatus::Open | WarningStatus::Acknowledged
                )
            }
            _ => false,
        };
        if !allowed || before.closed_at.is_some() {
            return Err(StoreError::invalid(
                "status",
                "invalid_status",
                format!(
                    "预警当前为「{}」，不能{}",
                    before.status.label_zh(),
                    if to == WarningStatus::Acknowledged {
                        "确认"
                    } else {
                        "解除"
                    }
                ),
            ));
        }
        let now = now_text();
        let done = sqlx::query(
            "UPDATE warnings SET status = $1, note = $2, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(to.code())
        .bind(note)
        .bind(&now)
        .bind(id)
        .bind(before.version)
        .execute(&mut *tx)
        .await?;
        check_written(done.rows_affected(), "warning", id, before.version)?;
        let action = if to == WarningStatus::Acknowledged {
            "acknowledged"
        } else {
            "resolved"
        };
        add_event(
            &mut tx,
            id,
            action,
            before.level,
            None,
            &actor.name,
            Some(note),
            self.today(),
            &now,
        )
        .await?;
        let after = warning_in(&mut tx, id).await?;
        record(
            &mut tx,
            "warning",
            &id.to_string(),
            action,
            actor,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

const WARNING_COLS: &str = "w.id, w.project_id, p.name AS project_name, w.subject, w.rule, \
     w.level, w.status, w.owner_org_id, COALESCE(w.owner_name, wo.name) AS owner_name, w.reason, w.facts, w.thresholds_version, \
     w.as_of, w.raised_at, w.updated_at, w.closed_at, w.note, w.version";

fn read_warning(row: &sqlx::any::AnyRow) -> Result<Warning, StoreError> {
    let r = RowReader::new(row, "warnings");
    let rule = r.code("rule", RuleId::parse)?;
    let level = r.code("level", Level::parse)?;
    let status = r.code("status", WarningStatus::parse)?;
    Ok(Warning {
        id: r.i64("id")?,
        project_id: r.i64("project_id")?,
        project_name: r.text("project_name")?,
        subject: r.text("subject")?,
        rule,
        rule_label: rule.label_zh().to_owned(),
        level,
        level_label: level.label_zh().to_owned(),
        status,
        status_label: status.label_zh().to_owned(),
        owner_org_id: r.opt_i64("owner_org_id")?,
        owner_name: r.opt_text("owner_name")?,
        reason: r.text("reason")?,
        facts: serde_json::from_str(&r.text("facts")?).map_err(|e| corrupt("warnings", e))?,
        thresholds_version: r.text("thresholds_version")?,
        as_of: r.date("as_of")?,
        raised_at: r.time("raised_at")?,
        updated_at: r.time("updated_at")?,
        closed_at: r.opt_time("closed_at")?,
        note: r.opt_text("note")?,
        version: r.i64("version")?,
    })
}

async fn warning_in(tx: &mut Tx, id: i64) -> Result<Warning, StoreError> {
    let sql9 = format!(
        "SELECT {WARNING_COLS} FROM warnings w JOIN projects p ON p.id = w.project_id \
                 LEFT JOIN orgs wo ON wo.id = w.owner_org_id \
         WHERE w.id = $1"
    );
    let row = sqlx::query(&sql9)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref()
        .map(read_warning)
        .transpose()?
        .ok_or_else(|| StoreError::not_found("warning", id))
}

async fn events_in(tx: &mut Tx, id: i64) -> Result<Vec<WarningEvent>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, action, level, reason, actor, note, as_of, at FROM warning_events \
         WHERE warning_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|row| {
            let r = RowReader::new(row, "warning_events");
            Ok(WarningEvent {
                id: r.i64("id")?,
                action: r.text("action")?,
                level: r.code("level", Level::parse)?,
                reason: r.opt_text("reason")?,
                actor: r.text("actor")?,
                note: r.opt_text("note")?,
                as_of: r.date("as_of")?,
                at: r.time("at")?,
            })
        })
        .collect()
}

async fn annual_plans_in(tx: &mut Tx, project_id: i64) -> Result<Vec<AnnualPlan>, StoreError> {
    let rows = sqlx::query(
        "SELECT year, amount, curve FROM annual_plans WHERE project_id = $1 ORDER BY year",
    )
    .bind(project_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|row| {
            let r = RowReader::new(row, "annual_plans");
            Ok(AnnualPlan {
                year: i32::try_from(r.i64("year")?).unwrap_or_default(),
                amount_yuan: r.i64("amount")?,
                curve: match r.opt_text("curve")? {
                    Some(t) => {
                        Some(serde_json::from_str(&t).map_err(|e| corrupt("annual_plans", e))?)
                    }
                    None => None,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(id: i64, org: Option<i64>, year: i32, version: &str) -> ThresholdSet {
        ThresholdSet {
            id,
            org_id: org,
            year,
            thresholds: Thresholds {
                version: version.into(),
                ..Thresholds::default()
            },
            created_at: Utc::now(),
            created_by: "t".into(),
        }
    }

    #[test]
    fn the_org_and_year_set_wins_then_all_then_earlier_years() {
        let d = Thresholds::default();
        let sets = vec![
            set(1, None, 2025, "all-2025"),
            set(2, Some(7), 2025, "org7-2025"),
            set(3, None, 2026, "all-2026"),
            set(4, Some(7), 2026, "org7-2026-a"),
            set(5, Some(7), 2026, "org7-2026-b"),
        ];
        assert_eq!(
            pick_thresholds(&sets, Some(7), 2026, &d).version,
            "org7-2026-b"
        );
        assert_eq!(
            pick_thresholds(&sets, Some(8), 2026, &d).version,
            "all-2026"
        );
        assert_eq!(
            pick_thresholds(&sets, Some(7), 2025, &d).version,
            "org7-2025"
        );
        assert_eq!(pick_thresholds(&sets, None, 2027, &d).version, "all-2026");
        assert_eq!(
            pick_thresholds(&sets, Some(7), 2027, &d).version,
            "org7-2026-b"
        );
        assert_eq!(
            pick_thresholds(&sets, None, 2024, &d).version,
            "default-2026"
        );
        assert_eq!(
            pick_thresholds(&[], Some(7), 2026, &d).version,
            "default-2026"
        );
    }
}
