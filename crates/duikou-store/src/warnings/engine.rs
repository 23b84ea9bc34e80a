//! Evaluating projects: gathering the rules' inputs for a batch, reconciling the open
//! warnings with what the rules raise (with history, notifications and slips), and the sweeps.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use duikou_core::calendar::WorkCalendar;
use duikou_core::problem::ProblemStatus;
use duikou_core::steps::{StepState, Template};
use duikou_core::warnings::{
    evaluate, AnnualPlan, Level, ProblemFacts, ProjectFacts, Raised, RuleId, StepsFacts, Thresholds,
};
use duikou_core::Stage;

use super::thresholds::{pick_thresholds, threshold_sets};
use super::{corrupt, Tally, WarningStatus};
use crate::rows::{code_of, date_text, RowReader, Tx};
use crate::{now_text, Backend, Store, StoreError};

/// Never evaluated.
const NEVER: &str = "0001-01-01";
/// Only a write can change its warnings.
const NO_CHECK: &str = "9999-12-31";
/// Projects per transaction of a sweep.
const BATCH: usize = 500;
/// The PostgreSQL advisory lock key of sweep batches ("DKWARN" in ASCII, truncated).
const SWEEP_LOCK: i64 = 0x444b_5741_524e;

fn in_list(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The calendar date in China (UTC+8) of a stored timestamp.
fn china_date(t: DateTime<Utc>) -> NaiveDate {
    duikou_core::dates::china_date(t)
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
    /// The latest report's period end or stage move, when there is one.
    news: Option<NaiveDate>,
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
        "SELECT id, name, stage, owner_org_id, planned_start, planned_production, created_at \
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
                // Until a report or a stage move says more: the day it was entered.
                last_update: china_date(r.time("created_at")?),
                news: None,
                annual_plan: None,
                invested_ytd: None,
                problems: Vec::new(),
                steps: None,
            },
        );
    }
    // The last news of a project is its latest progress report (the end of the period it
    // covers), its latest stage move (the day it took effect) or its entry, whichever is
    // latest: what an office chases. An edit of the project's fields is no news.
    for (table, col) in [
        ("progress_reports", "period_end"),
        ("stage_changes", "effective_date"),
    ] {
        let sql = format!(
            "SELECT project_id, MAX({col}) AS last FROM {table} WHERE {c_pid} GROUP BY project_id"
        );
        for row in set.bind(sqlx::query(&sql)).fetch_all(&mut **tx).await? {
            let r = RowReader::new(&row, table);
            let id = r.i64("project_id")?;
            if let (Some(p), Some(last)) = (out.get_mut(&id), r.opt_date("last")?) {
                if p.news.is_none_or(|n| last > n) {
                    p.news = Some(last);
                }
            }
        }
    }
    for p in out.values_mut() {
        // Entering the project is news too: one entered today is not stalled at once.
        if let Some(news) = p.news {
            p.last_update = p.last_update.max(news);
        }
    }
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
pub(super) async fn add_event(
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

/// What one evaluation round shares: the thresholds in force, the calendar, the date, who.
struct Round<'a> {
    t: &'a Thresholds,
    calendar: &'a WorkCalendar,
    as_of: NaiveDate,
    actor: &'a str,
    now: &'a str,
}

/// Makes a raised or escalated warning known: notifications to the channels that want it,
/// and the supervision slip a red warning of the thresholds' `slip_rules` opens.
#[allow(clippy::too_many_arguments)]
async fn announce(
    tx: &mut Tx,
    round: &Round<'_>,
    kind: &str,
    warning_id: i64,
    event: i64,
    p: &Loaded,
    raised: &Raised,
    tally: &mut Tally,
) -> Result<(), StoreError> {
    let event_id = format!("warning-event-{event}");
    let body = payload(&event_id, kind, warning_id, p, raised, round.now);
    tally.notifications += crate::outbox::enqueue(
        tx,
        &event_id,
        raised.owner_org_id,
        raised.finding.level,
        &body,
    )
    .await?;
    let opened = crate::slips::open_for_warning(
        tx,
        warning_id,
        p.id,
        &p.name,
        raised,
        round.t,
        round.calendar,
        round.as_of,
        round.actor,
    )
    .await?;
    tally.slips += u64::from(opened);
    Ok(())
}

/// Re-evaluates `ids` as of `as_of` inside the caller's transaction.
async fn reevaluate(
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
                    let round = Round {
                        t,
                        calendar,
                        as_of,
                        actor,
                        now: &now,
                    };
                    announce(
                        tx,
                        &round,
                        "warning.raised",
                        id,
                        event,
                        p,
                        raised,
                        &mut tally,
                    )
                    .await?;
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
                        let round = Round {
                            t,
                            calendar,
                            as_of,
                            actor,
                            now: &now,
                        };
                        announce(
                            tx,
                            &round,
                            "warning.escalated",
                            w.id,
                            event,
                            p,
                            raised,
                            &mut tally,
                        )
                        .await?;
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
    ///
    /// This writes whatever the date; it is the system's own sweep (the server's schedule,
    /// tests and benchmarks that play days forward). What users and operators ask for goes
    /// through [`Store::sweep_or_preview`], which writes only for today.
    pub async fn sweep_warnings(
        &self,
        as_of: NaiveDate,
        full: bool,
        progress: impl FnMut(u64, u64),
    ) -> Result<Tally, StoreError> {
        self.sweep(as_of, full, true, progress).await
    }

    /// A sweep asked for by a user or an operator: as of today it writes; as of any other
    /// day it is a dry run (every batch evaluated, then rolled back) that answers what it
    /// would change and writes nothing, so that no date in the future or past can raise
    /// warnings, open slips or queue notifications.
    pub async fn sweep_or_preview(
        &self,
        as_of: NaiveDate,
        full: bool,
        progress: impl FnMut(u64, u64),
    ) -> Result<Tally, StoreError> {
        self.sweep(as_of, full, as_of == self.today(), progress)
            .await
    }

    async fn sweep(
        &self,
        as_of: NaiveDate,
        full: bool,
        write: bool,
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
        let mut tally = Tally {
            dry_run: !write,
            ..Tally::default()
        };
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
            if write {
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
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
}
