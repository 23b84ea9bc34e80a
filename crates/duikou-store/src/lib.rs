//! Persistence of Duikou: one `Store` over SQLite (the default) or PostgreSQL, chosen once from
//! the URL scheme.
//!
//! The store speaks through sqlx's `Any` driver, so that one body of SQL serves both backends;
//! the few places where the dialects differ ask `Backend`. Migrations are kept per backend, side
//! by side, with the same file names (`migrations/sqlite`, `migrations/postgres`). Every write
//! names its `Actor`, runs in one transaction with its change-log row, and checks the record's
//! version when the caller gives one (optimistic concurrency).
#![forbid(unsafe_code)]

pub mod accounts;
mod audit_checkpoint;
mod audit_key;
mod bulk;
mod calendar;
mod changes;
mod channels;
mod error;
mod org_merge;
mod orgs;
mod outbox;
mod partnerships;
mod problems;
mod progress_reports;
mod project_list;
mod project_names;
mod projects;
mod query;
mod regions;
mod rollup;
mod rows;
mod scoped;
mod slips;
mod stage_requests;
mod stats;
mod step_lists;
mod steps;
mod templates;
pub mod testing;
mod transitions;
mod warnings;
mod write;

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use duikou_core::calendar::WorkCalendar;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use audit_checkpoint::{
    Checkpoint, CheckpointIssue, CheckpointProblem, CheckpointReport, CheckpointSink,
};
pub use audit_key::{AuditKey, AUDIT_KEY_LEN};
pub use bulk::{
    BulkLoader, BulkPartnership, BulkProblem, BulkProject, BulkRegion, BulkReport, BulkSchedule,
    BulkStageChange, BulkStep,
};
pub use changes::{
    AuditFilter, AuditReport, Break, BreakKind, ChainHead, ChangeEntry, LogRow, Writers,
};
pub use channels::Channel;
pub use error::{kind_zh, StoreError};
pub use orgs::OrgFilter;
pub use outbox::{OutboxCounts, OutboxItem};
pub use project_list::{
    ProjectCursor, ProjectFilter, ProjectPage, ProjectSort, ProjectStart, SortValue, TOTAL_BOUND,
};
pub use projects::NewProject;
pub use regions::RegionFilter;
pub use rollup::{RollupBuilder, RollupReport};
pub use scoped::Scoped;
pub use slips::{NewSlip, Slip, SlipEvent, SlipFilter};
pub use stage_requests::{RequestFilter, RequestRow, TransitionPreview};
pub use stats::{StatsQuery, StatsScope};
pub use step_lists::OpenStep;
pub use steps::ProjectSteps;
pub use templates::TemplateSummary;
pub use transitions::TransitionInput;
pub use warnings::{
    set_in_force, OpenWarning, OwnerCount, RuleCount, Tally, ThresholdSet, Warning, WarningCounts,
    WarningEvent, WarningFilter, WarningStatus,
};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A page of a list, with the total count of what matched.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

impl Store {
    /// One page of the rows of `table` that belong to project `project_id`, in `order`, with
    /// their total: the sub-lists of a project (reports, problems) page alike.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn child_page<T>(
        &self,
        table: &str,
        cols: &str,
        order: &str,
        project_id: i64,
        limit: i64,
        offset: i64,
        read: fn(&sqlx::any::AnyRow) -> Result<T, StoreError>,
    ) -> Result<Page<T>, StoreError> {
        let (limit, offset) = (limit.clamp(0, 1000), offset.max(0));
        let total = sqlx::query_scalar::<_, i64>(&format!(
            "SELECT COUNT(*) FROM {table} WHERE project_id = $1"
        ))
        .bind(project_id)
        .fetch_one(&self.pool)
        .await?;
        let rows = sqlx::query(&format!(
            "SELECT {cols} FROM {table} WHERE project_id = $1 ORDER BY {order} \
             LIMIT {limit} OFFSET {offset}"
        ))
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(Page {
            items: rows.iter().map(read).collect::<Result<_, _>>()?,
            total,
            limit,
            offset,
        })
    }
}

/// Today's date as the store sees it (the warnings engine evaluates writes as of it).
pub type Today = Arc<dyn Fn() -> chrono::NaiveDate + Send + Sync>;

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    today: Today,
    calendar: Arc<Mutex<Option<CachedCalendar>>>,
    /// Writes re-evaluate warnings (off only while a loader writes history in bulk).
    evaluate_writes: bool,
    /// Bumped after every committed write that can change who a token or session is or what
    /// it may do (see [`Store::accounts_epoch`]); shared by the clones of a store.
    accounts_epoch: Arc<AtomicU64>,
    /// The audit key and where checkpoints go; shared by the clones of a store.
    audit: Arc<audit_checkpoint::AuditSettings>,
}

/// The calendar and when it was read.
type CachedCalendar = (Instant, Arc<WorkCalendar>);

/// How long a cached calendar serves writes before it is read again (a notice loaded on
/// another server reaches this one within that time; sweeps always read it afresh).
const CALENDAR_TTL: Duration = Duration::from_secs(300);

/// The calendar date in China now (UTC+8, no daylight saving).
pub fn china_today() -> chrono::NaiveDate {
    duikou_core::dates::china_date(chrono::Utc::now())
}

/// SQLite's page cache per pooled connection, in KiB (`DUIKOU_SQLITE_CACHE_KIB` overrides).
/// It was 16 MiB: under lists of 500 rows each of the 8 connections filled its own, and with
/// the allocator's fragmentation a server over 10^5 projects passed 260 MB and kept growing;
/// at 4 MiB it levels off near 120 MB (about 95 MB with `MALLOC_ARENA_MAX=2`) at the same
/// speed (docs/benchmarks.md, "Soak"). The operating system's file cache keeps the rest of
/// the file close at hand for every connection at once.
pub const SQLITE_CACHE_KIB: i64 = 4096;

/// A whole number from the environment within `min..=max` (None when unset or out of range).
fn env_number(name: &str, min: i64, max: i64) -> Option<i64> {
    let v: i64 = std::env::var(name).ok()?.trim().parse().ok()?;
    (min..=max).contains(&v).then_some(v)
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
/// The migration that keys the audit chain (its boundary is sealed after it).
const KEYED_CHAIN_MIGRATION: i64 = 13;
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `sqlite:PATH` (created if missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "数据库地址须以 sqlite: 或 postgres:// 开头：{}",
                redact_url(url)
            )));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let conns = env_number("DUIKOU_DB_CONNECTIONS", 1, 256).unwrap_or(match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        }) as u32;
        let cache_kib =
            env_number("DUIKOU_SQLITE_CACHE_KIB", 64, 4 << 20).unwrap_or(SQLITE_CACHE_KIB);
        let pool = AnyPoolOptions::new()
            .max_connections(conns)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // A bounded page cache per connection (default 4 MiB, 8 connections:
                        // at most 32 MiB of pages); see `SQLITE_CACHE_KIB`.
                        let sql = format!(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA cache_size = -{cache_kib};"
                        );
                        conn.execute(sql.as_str()).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store {
            pool,
            backend,
            today: Arc::new(china_today),
            calendar: Arc::new(Mutex::new(None)),
            evaluate_writes: true,
            accounts_epoch: Arc::new(AtomicU64::new(0)),
            audit: Arc::new(audit_checkpoint::AuditSettings::new(
                AuditKey::public(),
                None,
            )),
        })
    }

    /// The same store with the audit chain keyed by `key` (kept outside the database; without
    /// one a store uses [`AuditKey::public`], which protects nothing). Give it before
    /// [`Store::ready`]: migrating seals the chain's keyed part with it.
    pub fn with_audit_key(mut self, key: AuditKey) -> Store {
        let sink = self.audit.sink.clone();
        self.audit = Arc::new(audit_checkpoint::AuditSettings::new(key, sink));
        self
    }

    /// The same store handing each day's audit checkpoint to `sink` as well as to the log.
    pub fn with_checkpoint_sink(mut self, sink: CheckpointSink) -> Store {
        let key = self.audit.key.clone();
        self.audit = Arc::new(audit_checkpoint::AuditSettings::new(key, Some(sink)));
        self
    }

    /// The same store with another clock (tests; `demo` at a chosen date).
    pub fn with_today(
        mut self,
        today: impl Fn() -> chrono::NaiveDate + Send + Sync + 'static,
    ) -> Store {
        self.today = Arc::new(today);
        self
    }

    /// The same store with writes that do not re-evaluate warnings: for loaders that write
    /// history in bulk (the demo) and sweep once at the end, so that states the history passes
    /// through on its way do not raise warnings and slips.
    pub fn without_write_evaluation(mut self) -> Store {
        self.evaluate_writes = false;
        self
    }

    /// A counter that changes after every write made through this store (or its clones) that
    /// can end a session or token, disable a user, change a password or change grants and
    /// what they resolve to. Caches of identities keep what they read under the value read
    /// *before* reading, and drop it once the value differs.
    pub fn accounts_epoch(&self) -> u64 {
        self.accounts_epoch.load(Ordering::Acquire)
    }

    /// Marks an accounts change; called after the change is committed.
    pub(crate) fn accounts_changed(&self) {
        self.accounts_epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// Today, by the store's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        (self.today)()
    }

    /// The working calendar, read at most every few minutes (through `tx` when one is open:
    /// a write must not wait for a second connection while it holds the write lock).
    pub(crate) async fn cached_calendar(
        &self,
        tx: Option<&mut rows::Tx>,
    ) -> Result<Arc<WorkCalendar>, StoreError> {
        if let Ok(guard) = self.calendar.lock() {
            if let Some((at, cal)) = guard.as_ref() {
                if at.elapsed() < CALENDAR_TTL {
                    return Ok(cal.clone());
                }
            }
        }
        let cal = Arc::new(match tx {
            Some(tx) => calendar::calendar_in(tx).await?,
            None => self.calendar().await?,
        });
        if let Ok(mut guard) = self.calendar.lock() {
            *guard = Some((Instant::now(), cal.clone()));
        }
        Ok(cal)
    }

    /// Forgets the cached calendar (after a notice is loaded).
    pub(crate) fn forget_calendar(&self) {
        if let Ok(mut guard) = self.calendar.lock() {
            *guard = None;
        }
    }

    /// Connects, brings the schema up to date and adds the step templates shipped with the
    /// binary that the database does not hold yet.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::connect(url).await?.ready().await
    }

    /// What [`Store::open`] does after connecting: for a store configured in between (its
    /// audit key, its checkpoint sink).
    pub async fn ready(self) -> Result<Store, StoreError> {
        self.migrate().await?;
        self.ensure_shipped_templates(&duikou_core::Actor::system("system"))
            .await?;
        Ok(self)
    }

    /// Applies the migrations this database has not seen yet, and builds the statistics rollup
    /// when it is marked unbuilt (after a bulk load).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrate_schema().await?;
        if !self.stats_rollup_built().await? {
            // Minutes on a large database (after a bulk load, or the upgrade to yearly rows):
            // say so before, not only after.
            tracing::info!("building the statistics rollup before serving");
            let r = self.rebuild_stats_rollup(|_, _| {}).await?;
            if r.projects > 0 {
                tracing::info!(
                    projects = r.projects,
                    rows = r.rows,
                    seconds = r.seconds,
                    "statistics rollup built"
                );
            }
        }
        Ok(())
    }

    /// The migrations alone (for a caller that rebuilds the rollup itself, with progress).
    pub async fn migrate_schema(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        let unkeyed = !self.has_migration(KEYED_CHAIN_MIGRATION).await;
        migrator.run(&self.pool).await?;
        if unkeyed {
            // The key is not known to the migration: the boundary it set is sealed here.
            self.seal_keyed_part().await?;
        }
        self.check_audit_key().await?;
        // Rows logged before the audit chain (migration 0004) join it once, in id order.
        self.chain_legacy_rows().await?;
        Ok(())
    }

    /// Whether the migration of this version has been applied (false before any migration).
    async fn has_migration(&self, version: i64) -> bool {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations WHERE version = $1")
            .bind(version)
            .fetch_one(&self.pool)
            .await
            .is_ok_and(|n| n > 0)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Runs one administrative statement (e.g. `CREATE SCHEMA` for a test or an operator's
    /// maintenance). Not for data: records change only through the typed methods.
    pub async fn execute_admin(&self, sql: &str) -> Result<(), StoreError> {
        sqlx::query(sql).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that has read and then writes fails with
    /// "database is locked" when another writer got in between, without waiting out the busy
    /// timeout; an immediate one waits its turn. PostgreSQL locks rows and needs nothing more.
    pub(crate) async fn begin_write(&self) -> Result<rows::Tx, StoreError> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(rows::Tx::new(tx, self.audit.clone()))
    }

    /// A transaction (deferred on SQLite: it takes the write lock at its first write).
    pub(crate) async fn begin(&self) -> Result<rows::Tx, StoreError> {
        Ok(rows::Tx::new(self.pool.begin().await?, self.audit.clone()))
    }
}

/// A database URL with its password replaced, for logs and messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Now, as stored: RFC 3339 UTC with microseconds, fixed width so that text order is time order.
pub(crate) fn now_text() -> String {
    time_text(chrono::Utc::now())
}

/// A timestamp as stored (see `now_text`).
pub(crate) fn time_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            redact_url("postgres://duikou:s3cret@db:5432/duikou"),
            "postgres://duikou:***@db:5432/duikou"
        );
        assert_eq!(redact_url("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
    }
}
