//! Bulk loading for generated data sets (`duikou gen`) and benchmarks: plain row structs written
//! with multi-row INSERTs of literal values, many statements per transaction, on one connection
//! set up for loading (on SQLite a large page cache, `synchronous = OFF`, temp in memory).
//!
//! This path bypasses the change log and the checks of the typed methods: it is for records the
//! caller built itself, consistent by construction (paths copied from their regions and
//! partnerships, stage spans closed, a schedule for every project with steps). Explicit ids
//! are given for partnerships and projects so that the caller can link children without a
//! round trip; [`BulkLoader::finish`] moves PostgreSQL's identity sequences past them.

use sqlx::pool::PoolConnection;
use sqlx::Any;

use crate::{Backend, Store, StoreError};

/// A region: code, name, kind code, parent and materialized path (`/210000/210100/`).
#[derive(Debug, Clone)]
pub struct BulkRegion {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub parent_code: Option<String>,
    pub path: String,
}

/// A partnership with an explicit id; `path` is `/id/` or the parent's path plus `id/`.
#[derive(Debug, Clone)]
pub struct BulkPartnership {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: &'static str,
    pub parent_id: Option<i64>,
    pub side_a_region: Option<String>,
    pub side_b_region: Option<String>,
    pub since: Option<String>,
    pub path: String,
}

/// A project with an explicit id and the paths of its partnership and regions copied in.
/// Dates are ISO text, timestamps RFC 3339 text, money integer yuan.
#[derive(Debug, Clone)]
pub struct BulkProject {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub partnership_id: Option<i64>,
    pub partnership_path: String,
    pub source_region_code: Option<String>,
    pub source_region_path: String,
    pub investor: Option<String>,
    pub host_region_code: String,
    pub host_region_path: String,
    pub category: &'static str,
    pub industry: Option<String>,
    pub stage: &'static str,
    pub stage_since: String,
    pub held_stage: &'static str,
    pub planned_start: Option<String>,
    pub planned_production: Option<String>,
    pub currency: &'static str,
    pub planned_investment: Option<i64>,
    pub agreement_amount: Option<i64>,
    pub leader: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub actor: String,
}

/// One span of a project's stage history: `[effective_date, until_date)`.
#[derive(Debug, Clone)]
pub struct BulkStageChange {
    pub project_id: i64,
    pub from_stage: Option<&'static str>,
    pub to_stage: &'static str,
    pub kind: Option<&'static str>,
    pub effective_date: String,
    pub until_date: Option<String>,
    pub recorded_at: String,
    pub actor: String,
}

/// A progress report with cumulative figures (yuan).
#[derive(Debug, Clone)]
pub struct BulkReport {
    pub project_id: i64,
    pub period: String,
    pub period_end: String,
    pub invested_to_date: Option<i64>,
    pub funds_in_place: Option<i64>,
    pub trade_volume: Option<i64>,
    pub output_value: Option<i64>,
    pub created_at: String,
    pub actor: String,
}

#[derive(Debug, Clone)]
pub struct BulkProblem {
    pub project_id: i64,
    pub category: &'static str,
    pub description: String,
    pub due_date: Option<String>,
    pub status: &'static str,
    pub resolution: Option<String>,
    pub resolved_on: Option<String>,
    pub created_at: String,
    pub actor: String,
}

/// The template version a project runs (one row per project with steps).
#[derive(Debug, Clone)]
pub struct BulkSchedule {
    pub project_id: i64,
    pub template_key: String,
    pub template_version: i64,
    pub start_date: String,
    pub created_at: String,
}

/// One step of a project; `state` is a `StepState` as JSON.
#[derive(Debug, Clone)]
pub struct BulkStep {
    pub project_id: i64,
    pub step_key: String,
    pub position: i64,
    pub status: &'static str,
    pub planned_start: Option<String>,
    pub planned_due: Option<String>,
    pub actual_finish: Option<String>,
    pub state: String,
    pub updated_at: String,
}

/// One connection set up for loading. Call [`BulkLoader::begin`] / [`BulkLoader::commit`]
/// around batches and [`BulkLoader::finish`] at the end.
pub struct BulkLoader {
    conn: PoolConnection<Any>,
    backend: Backend,
    in_tx: bool,
}

/// How much SQL one statement carries at most (bytes), and rows at most.
const STATEMENT_BYTES: usize = 512 * 1024;
const STATEMENT_ROWS: usize = 2_000;

pub(crate) fn text(s: &mut String, v: &str) {
    s.push('\'');
    if v.contains('\'') {
        s.push_str(&v.replace('\'', "''"));
    } else {
        s.push_str(v);
    }
    s.push('\'');
}

fn opt_text(s: &mut String, v: Option<&str>) {
    match v {
        Some(v) => text(s, v),
        None => s.push_str("NULL"),
    }
}

pub(crate) fn int(s: &mut String, v: i64) {
    use std::fmt::Write;
    let _ = write!(s, "{v}");
}

fn opt_int(s: &mut String, v: Option<i64>) {
    match v {
        Some(v) => int(s, v),
        None => s.push_str("NULL"),
    }
}

/// Writes one row's values separated by commas.
struct Row<'a> {
    s: &'a mut String,
    first: bool,
}

impl Row<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.s.push(',');
        }
        self.first = false;
    }
    fn t(&mut self, v: &str) -> &mut Self {
        self.sep();
        text(self.s, v);
        self
    }
    fn ot(&mut self, v: Option<&str>) -> &mut Self {
        self.sep();
        opt_text(self.s, v);
        self
    }
    fn i(&mut self, v: i64) -> &mut Self {
        self.sep();
        int(self.s, v);
        self
    }
    fn oi(&mut self, v: Option<i64>) -> &mut Self {
        self.sep();
        opt_int(self.s, v);
        self
    }
}

impl Store {
    /// A loader on one connection of the pool (reached through [`crate::Scoped::bulk_loader`],
    /// administrators only). The statistics rollup is marked unbuilt (the loader does not
    /// keep it): call `rebuild_stats_rollup` after `finish`, or the next `migrate` does.
    pub(crate) async fn bulk_loader(&self) -> Result<BulkLoader, StoreError> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query("DELETE FROM stats_rollup_state")
            .execute(&mut *conn)
            .await?;
        if self.backend == Backend::Sqlite {
            sqlx::raw_sql(
                "PRAGMA cache_size = -1048576; PRAGMA synchronous = OFF; \
                 PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;",
            )
            .execute(&mut *conn)
            .await?;
        } else {
            sqlx::raw_sql("SET synchronous_commit = off")
                .execute(&mut *conn)
                .await?;
        }
        Ok(BulkLoader {
            conn,
            backend: self.backend,
            in_tx: false,
        })
    }
}

impl BulkLoader {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// One number from a query (counts, maxima); NULL reads as 0.
    pub async fn scalar(&mut self, sql: &str) -> Result<i64, StoreError> {
        let v: Option<i64> = sqlx::query_scalar(sql).fetch_one(&mut *self.conn).await?;
        Ok(v.unwrap_or(0))
    }

    /// The largest id of a table (0 when empty).
    pub async fn max_id(&mut self, table: &str) -> Result<i64, StoreError> {
        self.scalar(&format!("SELECT CAST(MAX(id) AS BIGINT) FROM {table}"))
            .await
    }

    pub async fn begin(&mut self) -> Result<(), StoreError> {
        if !self.in_tx {
            let sql = match self.backend {
                Backend::Sqlite => "BEGIN IMMEDIATE",
                Backend::Postgres => "BEGIN",
            };
            sqlx::raw_sql(sql).execute(&mut *self.conn).await?;
            self.in_tx = true;
        }
        Ok(())
    }

    pub async fn commit(&mut self) -> Result<(), StoreError> {
        if self.in_tx {
            sqlx::raw_sql("COMMIT").execute(&mut *self.conn).await?;
            self.in_tx = false;
        }
        Ok(())
    }

    /// Writes the statistics rollup counted while generating (replacing any) and marks it
    /// built, in one transaction.
    pub async fn write_rollup(
        &mut self,
        builder: crate::rollup::RollupBuilder,
    ) -> Result<crate::RollupReport, StoreError> {
        self.begin().await?;
        let report = crate::rollup::write_built(&mut self.conn, builder).await?;
        self.commit().await?;
        Ok(report)
    }

    /// Inserts `rows` with `head` (`INSERT INTO t (cols) VALUES`), `write` writing one row's
    /// values (without parentheses).
    async fn insert<T>(
        &mut self,
        head: &str,
        rows: &[T],
        write: impl Fn(&mut Row<'_>, &T),
    ) -> Result<(), StoreError> {
        let mut sql = String::with_capacity(STATEMENT_BYTES + 64 * 1024);
        let mut n = 0;
        for r in rows {
            if n == 0 {
                sql.clear();
                sql.push_str(head);
                sql.push_str(" VALUES ");
            } else {
                sql.push(',');
            }
            sql.push('(');
            write(
                &mut Row {
                    s: &mut sql,
                    first: true,
                },
                r,
            );
            sql.push(')');
            n += 1;
            if n >= STATEMENT_ROWS || sql.len() >= STATEMENT_BYTES {
                sqlx::raw_sql(&sql).execute(&mut *self.conn).await?;
                n = 0;
            }
        }
        if n > 0 {
            sqlx::raw_sql(&sql).execute(&mut *self.conn).await?;
        }
        Ok(())
    }

    pub async fn regions(&mut self, rows: &[BulkRegion], now: &str) -> Result<(), StoreError> {
        self.insert(
            "INSERT INTO regions (code, name, kind, parent_code, path, created_at, updated_at)",
            rows,
            |w, r| {
                w.t(&r.code)
                    .t(&r.name)
                    .t(r.kind)
                    .ot(r.parent_code.as_deref())
                    .t(&r.path)
                    .t(now)
                    .t(now);
            },
        )
        .await
    }

    pub async fn partnerships(
        &mut self,
        rows: &[BulkPartnership],
        now: &str,
    ) -> Result<(), StoreError> {
        self.insert(
            "INSERT INTO partnerships (id, slug, name, kind, parent_id, side_a_region, \
             side_b_region, since, path, created_at, updated_at)",
            rows,
            |w, r| {
                w.i(r.id)
                    .t(&r.slug)
                    .t(&r.name)
                    .t(r.kind)
                    .oi(r.parent_id)
                    .ot(r.side_a_region.as_deref())
                    .ot(r.side_b_region.as_deref())
                    .ot(r.since.as_deref())
                    .t(&r.path)
                    .t(now)
                    .t(now);
            },
        )
        .await
    }

    pub async fn projects(&mut self, rows: &[BulkProject]) -> Result<(), StoreError> {
        self.insert(
            "INSERT INTO projects (id, code, name, partnership_id, partnership_path, \
             source_region_code, source_region_path, investor, host_region_code, \
             host_region_path, category, industry, stage, stage_since, held_stage, planned_start, \
             planned_production, currency, planned_investment, agreement_amount, leader, \
             generated, created_at, updated_at, created_by, updated_by)",
            rows,
            |w, r| {
                w.i(r.id)
                    .ot(r.code.as_deref())
                    .t(&r.name)
                    .oi(r.partnership_id)
                    .t(&r.partnership_path)
                    .ot(r.source_region_code.as_deref())
                    .t(&r.source_region_path)
                    .ot(r.investor.as_deref())
                    .t(&r.host_region_code)
                    .t(&r.host_region_path)
                    .t(r.category)
                    .ot(r.industry.as_deref())
                    .t(r.stage)
                    .t(&r.stage_since)
                    .t(r.held_stage)
                    .ot(r.planned_start.as_deref())
                    .ot(r.planned_production.as_deref())
                    .t(r.currency)
                    .oi(r.planned_investment)
                    .oi(r.agreement_amount)
                    .ot(r.leader.as_deref())
                    .i(1)
                    .t(&r.created_at)
                    .t(&r.updated_at)
                    .t(&r.actor)
                    .t(&r.actor);
            },
        )
        .await
    }

    pub async fn stage_changes(&mut self, rows: &[BulkStageChange]) -> Result<(), StoreError> {
        self.insert(
            "INSERT INTO stage_changes (project_id, from_stage, to_stage, kind, effective_date, \
             until_date, actor, recorded_at)",
            rows,
            |w, r| {
                w.i(r.project_id)
                    .ot(r.from_stage)
                    .t(r.to_stage)
                    .ot(r.kind)
                    .t(&r.effective_date)
                    .ot(r.until_date.as_deref())
                    .t(&r.actor)
                    .t(&r.recorded_at);
            },
        )
        .await
    }

    pub async fn progress_reports(&mut self, rows: &[BulkReport]) -> Result<(), StoreError> {
        self.insert(
            "INSERT INTO progress_reports (project_id, period, period_end, invested_to_date, \
             funds_in_place, trade_volume, output_value, created_at, updated_at, updated_by)",
            rows,
            |w, r| {
                w.i(r.project_id)
                    .t(&r.period)
                    .t(&r.period_end)
                    .oi(r.invested_to_date)
                    .oi(r.funds_in_place)
                    .oi(r.trade_volume)
                    .oi(r.output_value)
                    .t(&r.created_at)
                    .t(&r.created_at)
                    .t(&r.actor);
            },
        )
        .await
    }

    pub async fn problems(&mut self, rows: &[BulkProblem]) -> Result<(), StoreError> {
        self.insert(
            "INSERT INTO problems (project_id, category, description, due_date, status, \
             resolution, resolved_on, created_at, updated_at, updated_by)",
            rows,
            |w, r| {
                w.i(r.project_id)
                    .t(r.category)
                    .t(&r.description)
                    .ot(r.due_date.as_deref())
                    .t(r.status)
                    .ot(r.resolution.as_deref())
                    .ot(r.resolved_on.as_deref())
                    .t(&r.created_at)
                    .t(&r.created_at)
                    .t(&r.actor);
            },
        )
        .await
    }

    pub async fn schedules(&mut self, rows: &[BulkSchedule]) -> Result<(), StoreError> {
        self.insert(
            "INSERT INTO project_schedules (project_id, template_key, template_version, \
             start_date, created_at, updated_at)",
            rows,
            |w, r| {
                w.i(r.project_id)
                    .t(&r.template_key)
                    .i(r.template_version)
                    .t(&r.start_date)
                    .t(&r.created_at)
                    .t(&r.created_at);
            },
        )
        .await
    }

    pub async fn steps(&mut self, rows: &[BulkStep]) -> Result<(), StoreError> {
        self.insert(
            "INSERT INTO project_steps (project_id, step_key, position, status, planned_start, \
             planned_due, actual_finish, state, updated_at)",
            rows,
            |w, r| {
                w.i(r.project_id)
                    .t(&r.step_key)
                    .i(r.position)
                    .t(r.status)
                    .ot(r.planned_start.as_deref())
                    .ot(r.planned_due.as_deref())
                    .ot(r.actual_finish.as_deref())
                    .t(&r.state)
                    .t(&r.updated_at);
            },
        )
        .await
    }

    /// Commits, moves PostgreSQL's identity sequences past the explicit ids, refreshes the
    /// planner's statistics and gives the connection back in its usual settings.
    pub async fn finish(mut self) -> Result<(), StoreError> {
        self.commit().await?;
        match self.backend {
            Backend::Sqlite => {
                sqlx::raw_sql(
                    "PRAGMA analysis_limit = 4000; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE); \
                     PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2000; \
                     PRAGMA temp_store = DEFAULT; PRAGMA foreign_keys = ON;",
                )
                .execute(&mut *self.conn)
                .await?;
            }
            Backend::Postgres => {
                for table in [
                    "partnerships",
                    "projects",
                    "stage_changes",
                    "progress_reports",
                    "problems",
                ] {
                    sqlx::raw_sql(&format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                         (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    ))
                    .execute(&mut *self.conn)
                    .await?;
                }
                // VACUUM as well: it sets the visibility map, without which the index-only
                // scans that statistics and lists rely on read the table for every row until
                // autovacuum comes by. (Its own statement: it cannot run in a transaction.)
                sqlx::raw_sql("VACUUM ANALYZE")
                    .execute(&mut *self.conn)
                    .await?;
                sqlx::raw_sql("SET synchronous_commit = on")
                    .execute(&mut *self.conn)
                    .await?;
            }
        }
        Ok(())
    }
}
