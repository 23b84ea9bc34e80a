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

mod answers;
mod engine;
mod settings;
mod thresholds;

pub(crate) use answers::Answering;
pub(crate) use settings::{NewThresholds, YearPlan};

pub use thresholds::set_in_force;
pub(crate) use thresholds::thresholds_in;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use duikou_core::warnings::{Level, RuleId, Thresholds};
use serde::Serialize;

use crate::query::Where;
use crate::rows::{RowReader, Tx};
use crate::{Page, Store, StoreError};

pub use duikou_core::warnings::WarningStatus;

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

/// An open warning as a preview compares them: which rule on which subject, at which level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenWarning {
    pub id: i64,
    pub rule: RuleId,
    pub level: Level,
    /// `project`, `step:KEY`, `problem:ID` …
    pub subject: String,
    pub reason: String,
}

/// The open warnings of a project as the transaction sees them, red first.
pub(crate) async fn open_warnings_in(
    tx: &mut Tx,
    project_id: i64,
) -> Result<Vec<OpenWarning>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, rule, level, subject, reason FROM warnings \
         WHERE project_id = $1 AND closed_at IS NULL ORDER BY id",
    )
    .bind(project_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let r = RowReader::new(row, "warnings");
        out.push(OpenWarning {
            id: r.i64("id")?,
            rule: r.code("rule", RuleId::parse)?,
            level: r.code("level", Level::parse)?,
            subject: r.text("subject")?,
            reason: r.text("reason")?,
        });
    }
    out.sort_by_key(|w| (w.level != Level::Red, w.id));
    Ok(out)
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
    /// Only those waiting on the user who asks (`Access::acts_on`); no narrowing for the
    /// system.
    pub mine: bool,
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
    /// A dry run (a sweep as of a day other than today): the counts say what it would have
    /// changed; nothing was written.
    pub dry_run: bool,
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

fn corrupt(table: &'static str, message: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table,
        message: message.to_string(),
    }
}

impl Store {
    /// A page of warnings among those the user of `access` reads (None: all).
    pub async fn warnings_visible(
        &self,
        filter: &WarningFilter,
        access: Option<&duikou_core::auth::Access>,
        limit: i64,
        offset: i64,
    ) -> Result<Page<Warning>, StoreError> {
        let w = self.warning_where(filter, access).await?;
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
        access: Option<&duikou_core::auth::Access>,
    ) -> Result<WarningCounts, StoreError> {
        let active = WarningFilter {
            status: None,
            all: false,
            ..filter.clone()
        };
        let w = self.warning_where(&active, access).await?;
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
        access: Option<&duikou_core::auth::Access>,
    ) -> Result<Where, StoreError> {
        let mut w = Where::new();
        if let Some(a) = access {
            w.visible("p.", &a.read);
            if f.mine {
                w.acting("p.", "w.owner_org_id", a);
            }
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
        let mut tx = self.begin().await?;
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
}

pub(super) const WARNING_COLS: &str = "w.id, w.project_id, p.name AS project_name, w.subject, w.rule, \
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

pub(super) async fn warning_in(tx: &mut Tx, id: i64) -> Result<Warning, StoreError> {
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
