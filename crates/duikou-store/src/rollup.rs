//! Upkeep of the statistics rollup (migration 0007, `duikou_core::rollup`): every write that
//! changes what a project contributes reads its facts before and after, in the write's
//! transaction, and adds the difference to the rollup rows of its scope nodes. A bulk load
//! marks the rollup unbuilt; `rebuild_stats_rollup` (run by `migrate` when needed) counts it
//! again from the history.

use std::collections::HashMap;
use std::time::Instant;

use chrono::NaiveDate;
use duikou_core::project::Category;
use duikou_core::rollup::{self, Dim, Figures, Group, ProjectFacts, ReportPoint, Span};
use duikou_core::Stage;
use sqlx::any::AnyRow;

use crate::rows::{date_text, RowReader, Tx};
use crate::{now_text, Backend, Store, StoreError};

/// The key of one rollup row.
type Key = (Dim, String, NaiveDate, Group);

/// A rollup node: its dimension and path.
type Node = (Dim, String);

/// What one project adds: its scope nodes and its changes (exact dates).
#[derive(Debug, Default)]
pub(crate) struct Contribution {
    nodes: Vec<Node>,
    changes: Vec<(NaiveDate, Group, Figures)>,
}

/// Changes to apply to the rollup, summed by row.
#[derive(Debug, Default)]
pub(crate) struct RollupDelta(HashMap<Key, Figures>);

impl RollupDelta {
    /// Adds (or with `negate`, takes away) a project's contribution.
    fn add(&mut self, c: &Contribution, negate: bool) {
        for (dim, node) in &c.nodes {
            for (day, group, f) in &c.changes {
                let f = if negate { f.negated() } else { *f };
                let bucket = match dim {
                    Dim::Day => *day,
                    _ => rollup::month_start(*day),
                };
                self.0
                    .entry((*dim, node.clone(), bucket, *group))
                    .or_default()
                    .add(&f);
                if let Some(year) = dim.yearly() {
                    self.0
                        .entry((year, node.clone(), rollup::year_start(*day), *group))
                        .or_default()
                        .add(&f);
                }
            }
        }
    }

    /// The rows to write, in the order of the table's key (its text columns), so that a
    /// rebuild appends to the B-tree instead of scattering writes over it.
    fn rows(self) -> Vec<(Key, Figures)> {
        let mut rows: Vec<(Key, Figures)> =
            self.0.into_iter().filter(|(_, f)| !f.is_zero()).collect();
        rows.sort_by_cached_key(|((dim, node, bucket, g), _)| {
            (
                dim.code(),
                node.clone(),
                *bucket,
                g.stage.code(),
                g.category.code(),
                g.large,
            )
        });
        rows
    }
}

/// The scope nodes of a project row, the daily country rows included.
fn project_nodes(partnership: &str, host: &str, source: &str) -> Vec<Node> {
    let mut nodes = rollup::nodes(partnership, host, source, rollup::REGION_DEPTH);
    nodes.push((Dim::Day, String::new()));
    nodes
}

const PROJECT_COLS: &str = "id, category, currency, planned_investment, agreement_amount, \
     partnership_path, host_region_path, source_region_path";
const SPAN_COLS: &str = "project_id, to_stage, effective_date, until_date";
const REPORT_COLS: &str = "id, project_id, period_end, invested_to_date, funds_in_place, \
     trade_volume, output_value";

fn read_project(row: &AnyRow) -> Result<(i64, ProjectFacts, Vec<Node>), StoreError> {
    let r = RowReader::new(row, "projects");
    let facts = ProjectFacts {
        category: r.code("category", Category::parse)?,
        cny: r.text("currency")? == "CNY",
        planned_investment: r.opt_i64("planned_investment")?,
        agreement_amount: r.opt_i64("agreement_amount")?,
        spans: Vec::new(),
        reports: Vec::new(),
    };
    let nodes = project_nodes(
        &r.text("partnership_path")?,
        &r.text("host_region_path")?,
        &r.text("source_region_path")?,
    );
    Ok((r.i64("id")?, facts, nodes))
}

fn read_span(row: &AnyRow) -> Result<(i64, Span), StoreError> {
    let r = RowReader::new(row, "stage_changes");
    Ok((
        r.i64("project_id")?,
        Span {
            stage: r.code("to_stage", Stage::parse)?,
            from: r.date("effective_date")?,
            until: r.opt_date("until_date")?,
        },
    ))
}

fn read_report(row: &AnyRow) -> Result<(i64, ReportPoint), StoreError> {
    let r = RowReader::new(row, "progress_reports");
    Ok((
        r.i64("project_id")?,
        ReportPoint {
            id: r.i64("id")?,
            period_end: r.date("period_end")?,
            invested_to_date: r.opt_i64("invested_to_date")?,
            funds_in_place: r.opt_i64("funds_in_place")?,
            trade_volume: r.opt_i64("trade_volume")?,
            output_value: r.opt_i64("output_value")?,
        },
    ))
}

/// A project's contribution as the transaction sees it (nothing when it does not exist).
/// `lock` (PostgreSQL) holds the project row until the transaction ends, so that two writes of
/// one project take their turns: each one's "before" must include the other's change.
async fn contribution_in(tx: &mut Tx, id: i64, lock: bool) -> Result<Contribution, StoreError> {
    let mut found = facts_in(tx, id, id + 1, lock).await?;
    Ok(match found.remove(&id) {
        Some((facts, nodes)) => Contribution {
            nodes,
            changes: facts.changes(),
        },
        None => Contribution::default(),
    })
}

/// The facts and scope nodes of the projects with ids in [start, end): one query per table.
async fn facts_in(
    conn: &mut sqlx::AnyConnection,
    start: i64,
    end: i64,
    lock: bool,
) -> Result<HashMap<i64, (ProjectFacts, Vec<Node>)>, StoreError> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    let mut projects = HashMap::new();
    for row in sqlx::query(&format!(
        "SELECT {PROJECT_COLS} FROM projects WHERE id >= $1 AND id < $2{lock}"
    ))
    .bind(start)
    .bind(end)
    .fetch_all(&mut *conn)
    .await?
    {
        let (id, facts, nodes) = read_project(&row)?;
        projects.insert(id, (facts, nodes));
    }
    if projects.is_empty() {
        return Ok(projects);
    }
    for row in sqlx::query(&format!(
        "SELECT {SPAN_COLS} FROM stage_changes WHERE project_id >= $1 AND project_id < $2"
    ))
    .bind(start)
    .bind(end)
    .fetch_all(&mut *conn)
    .await?
    {
        let (id, span) = read_span(&row)?;
        if let Some((facts, _)) = projects.get_mut(&id) {
            facts.spans.push(span);
        }
    }
    for row in sqlx::query(&format!(
        "SELECT {REPORT_COLS} FROM progress_reports WHERE project_id >= $1 AND project_id < $2"
    ))
    .bind(start)
    .bind(end)
    .fetch_all(&mut *conn)
    .await?
    {
        let (id, report) = read_report(&row)?;
        if let Some((facts, _)) = projects.get_mut(&id) {
            facts.reports.push(report);
        }
    }
    Ok(projects)
}

/// The rollup's upkeep around one write: `before` at the start of the transaction, `after`
/// once the write is done (still inside it).
pub(crate) struct Upkeep {
    ids: Vec<i64>,
    before: Vec<Contribution>,
}

impl Upkeep {
    pub(crate) async fn before(
        tx: &mut Tx,
        backend: Backend,
        ids: &[i64],
    ) -> Result<Upkeep, StoreError> {
        let mut before = Vec::with_capacity(ids.len());
        for id in ids {
            before.push(contribution_in(tx, *id, backend == Backend::Postgres).await?);
        }
        Ok(Upkeep {
            ids: ids.to_vec(),
            before,
        })
    }

    /// For writes that create their projects: nothing before.
    pub(crate) fn created() -> Upkeep {
        Upkeep {
            ids: Vec::new(),
            before: Vec::new(),
        }
    }

    /// Adds the change of the projects (and of `also`, created by the write) to the rollup.
    pub(crate) async fn after(self, tx: &mut Tx, also: &[i64]) -> Result<(), StoreError> {
        let mut delta = RollupDelta::default();
        for c in &self.before {
            delta.add(c, true);
        }
        for id in self.ids.iter().chain(also) {
            delta.add(&contribution_in(tx, *id, false).await?, false);
        }
        apply(tx, delta.rows()).await
    }
}

const ROLLUP_COLS: &str = "dim, node, bucket, stage, category, large, n, s0, s1, s2, s3, s4, s5, \
     c0, c1, c2, c3, c4, c5";

/// Rows per statement. The values are written as literals: sqlx looks bound parameters up
/// by name on SQLite, which costs the square of their number in a statement of many rows.
const CHUNK: usize = 500;

/// `(…), (…)` of the rows, as SQL literals.
fn values_sql(rows: &[(Key, Figures)]) -> String {
    use crate::bulk::{int, text};
    let mut s = String::with_capacity(rows.len() * 120);
    for (i, ((dim, node, bucket, g), f)) in rows.iter().enumerate() {
        s.push_str(if i == 0 { "(" } else { ", (" });
        text(&mut s, dim.code());
        s.push(',');
        text(&mut s, node);
        s.push(',');
        text(&mut s, &date_text(*bucket));
        s.push(',');
        text(&mut s, g.stage.code());
        s.push(',');
        text(&mut s, g.category.code());
        s.push(',');
        int(&mut s, i64::from(g.large));
        for v in f.0 {
            s.push(',');
            int(&mut s, v);
        }
        s.push(')');
    }
    s
}

/// Adds `rows` to the rollup (a row missing is inserted).
async fn apply(tx: &mut Tx, rows: Vec<(Key, Figures)>) -> Result<(), StoreError> {
    let set: Vec<String> = ["n", "s0", "s1", "s2", "s3", "s4", "s5"]
        .into_iter()
        .chain(["c0", "c1", "c2", "c3", "c4", "c5"])
        .map(|c| format!("{c} = stats_rollup.{c} + excluded.{c}"))
        .collect();
    for chunk in rows.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO stats_rollup ({ROLLUP_COLS}) VALUES {} \
             ON CONFLICT (dim, node, bucket, stage, category, large) DO UPDATE SET {}",
            values_sql(chunk),
            set.join(", ")
        );
        sqlx::query(&sql)
            .persistent(false)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The rollup of a bulk load, counted in memory from the rows as they are generated (on the
/// generator's thread, while the loader writes) and written at the end by
/// [`crate::BulkLoader::write_rollup`]: no second pass over the history.
#[derive(Debug, Default)]
pub struct RollupBuilder {
    delta: RollupDelta,
    projects: u64,
    /// Reports get their ids in the order they are written: the same order here.
    next_report: i64,
}

impl RollupBuilder {
    pub fn new() -> RollupBuilder {
        RollupBuilder::default()
    }

    /// Adds one batch of projects with their stage changes and reports, in the order the
    /// loader writes them.
    pub fn add_batch(
        &mut self,
        projects: &[crate::BulkProject],
        spans: &[crate::BulkStageChange],
        reports: &[crate::BulkReport],
    ) -> Result<(), StoreError> {
        use crate::rows::{corrupt, parse_date};
        let date = |table, col, v: &str| parse_date(v).ok_or_else(|| corrupt(table, col, v));
        let mut facts: HashMap<i64, ProjectFacts> = HashMap::with_capacity(projects.len());
        for p in projects {
            facts.insert(
                p.id,
                ProjectFacts {
                    category: Category::parse(p.category)
                        .ok_or_else(|| corrupt("projects", "category", p.category))?,
                    cny: p.currency == "CNY",
                    planned_investment: p.planned_investment,
                    agreement_amount: p.agreement_amount,
                    spans: Vec::new(),
                    reports: Vec::new(),
                },
            );
        }
        for s in spans {
            let span = Span {
                stage: Stage::parse(s.to_stage)
                    .ok_or_else(|| corrupt("stage_changes", "to_stage", s.to_stage))?,
                from: date("stage_changes", "effective_date", &s.effective_date)?,
                until: match &s.until_date {
                    Some(u) => Some(date("stage_changes", "until_date", u)?),
                    None => None,
                },
            };
            if let Some(f) = facts.get_mut(&s.project_id) {
                f.spans.push(span);
            }
        }
        for r in reports {
            self.next_report += 1;
            let point = ReportPoint {
                id: self.next_report,
                period_end: date("progress_reports", "period_end", &r.period_end)?,
                invested_to_date: r.invested_to_date,
                funds_in_place: r.funds_in_place,
                trade_volume: r.trade_volume,
                output_value: r.output_value,
            };
            if let Some(f) = facts.get_mut(&r.project_id) {
                f.reports.push(point);
            }
        }
        for p in projects {
            if let Some(f) = facts.remove(&p.id) {
                let nodes = project_nodes(
                    &p.partnership_path,
                    &p.host_region_path,
                    &p.source_region_path,
                );
                self.add(nodes, &f);
            }
        }
        Ok(())
    }

    /// Adds one project.
    fn add(&mut self, nodes: Vec<Node>, facts: &ProjectFacts) {
        self.delta.add(
            &Contribution {
                nodes,
                changes: facts.changes(),
            },
            false,
        );
        self.projects += 1;
    }
}

/// Replaces the rollup with `b`'s rows and marks it built, in the connection's open
/// transaction.
pub(crate) async fn write_built(
    conn: &mut sqlx::AnyConnection,
    b: RollupBuilder,
) -> Result<RollupReport, StoreError> {
    let started = Instant::now();
    sqlx::query("DELETE FROM stats_rollup")
        .execute(&mut *conn)
        .await?;
    let rows = b.delta.rows();
    let count = rows.len() as u64;
    for chunk in rows.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO stats_rollup ({ROLLUP_COLS}) VALUES {}",
            values_sql(chunk)
        );
        sqlx::query(&sql)
            .persistent(false)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM stats_rollup_state")
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO stats_rollup_state (id, built_at) VALUES (1, $1)")
        .bind(now_text())
        .execute(&mut *conn)
        .await?;
    Ok(RollupReport {
        projects: b.projects,
        rows: count,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RollupReport {
    pub projects: u64,
    pub rows: u64,
    pub seconds: f64,
}

/// Projects read per batch while rebuilding.
const REBUILD_BATCH: i64 = 20_000;

impl Store {
    /// Whether the rollup holds every project (statistics count directly until it does).
    pub async fn stats_rollup_built(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stats_rollup_state")
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Marks the rollup unbuilt: statistics count directly until `rebuild_stats_rollup` (or the
    /// next `migrate`) builds it again. For data changed outside the store (a restore of some
    /// tables, a bulk load).
    pub async fn mark_stats_rollup_stale(&self) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM stats_rollup_state")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Counts the rollup again from the history, in one transaction: on PostgreSQL writers
    /// that change a project meanwhile wait for it and then add their change; on SQLite
    /// writes wait for it (it runs when the database is opened after a bulk load).
    /// `progress(done, total)` is called after each batch of projects.
    pub async fn rebuild_stats_rollup(
        &self,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<RollupReport, StoreError> {
        let started = Instant::now();
        let mut tx = self.begin().await?;
        if self.backend == Backend::Sqlite {
            // A rebuild writes ~10^6 rows: a page cache that holds them (reset below).
            sqlx::query("PRAGMA cache_size = -262144")
                .execute(&mut *tx)
                .await?;
        }
        let result = self.rebuild_in(&mut tx, started, &mut progress).await;
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA cache_size = -2000")
                .execute(&mut *tx)
                .await?;
        }
        let report = result?;
        tx.commit().await?;
        Ok(report)
    }

    async fn rebuild_in(
        &self,
        tx: &mut Tx,
        started: Instant,
        progress: &mut impl FnMut(u64, u64),
    ) -> Result<RollupReport, StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut **tx)
                .await?;
            sqlx::query("LOCK TABLE stats_rollup IN EXCLUSIVE MODE")
                .execute(&mut **tx)
                .await?;
        }
        // On SQLite the first statement takes the write lock: nothing changes underneath.
        sqlx::query("DELETE FROM stats_rollup_state")
            .execute(&mut **tx)
            .await?;
        let (lo, hi): (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT MIN(id), MAX(id) FROM projects")
                .fetch_one(&mut **tx)
                .await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects")
            .fetch_one(&mut **tx)
            .await?;
        let total = u64::try_from(total).unwrap_or(0);
        let mut built = RollupBuilder::new();
        if let (Some(lo), Some(hi)) = (lo, hi) {
            let mut start = lo;
            while start <= hi {
                let end = start.saturating_add(REBUILD_BATCH);
                for (facts, nodes) in facts_in(tx, start, end, false).await?.into_values() {
                    built.add(nodes, &facts);
                }
                progress(built.projects, total);
                start = end;
            }
        }
        let mut report = write_built(tx, built).await?;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }
}
