//! The change log: every create, update, delete, transition, login, grant and token event with
//! its actor, time and before and after — kept as a hash chain, so that a row changed, removed
//! or moved behind the application's back shows (`Store::verify_audit`, `duikou audit verify`).
//!
//! Each row has its place in the chain, `seq` (1, 2, 3 … without gaps), the hash of the row
//! before it (`prev_hash`; [`GENESIS`] for the first) and its own `hash`: HMAC-SHA256 under the
//! audit key (plain SHA-256 for rows before the chain's `keyed_from`, written before the
//! upgrade; see `audit_key`) over a domain tag and the fields seq, prev_hash, kind, record_id,
//! action, actor, user_id, at, before and after, each written as `0x00` when NULL or `0x01`,
//! its length as a big-endian u64 and its UTF-8 bytes (integers as decimal text) — so that no
//! two different rows encode alike, whatever their text holds. The one row of `audit_head`
//! holds the last seq and hash, and the boundary `keyed_from` with its seal.
//!
//! Appending locks the head first (`UPDATE audit_head … RETURNING`): on PostgreSQL that is a row
//! lock held to commit, so concurrent writers queue there and the chain never forks; on SQLite
//! the write transaction holds the database's write lock anyway. Every caller of [`record`]
//! writes it last before committing, so the head is held only for that moment.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::audit_key::{AuditKey, Hasher};
use crate::rows::{RowReader, Tx};
use crate::{now_text, Page, Store, StoreError};

/// The `prev_hash` of the first row: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Rows read per query when walking or chaining the log.
const BATCH: i64 = 1000;

/// How many rows past a broken one are searched for where it belongs (out of order).
const LOOK_AHEAD: i64 = 256;

#[derive(Debug, Clone, Serialize)]
pub struct ChangeEntry {
    pub id: i64,
    /// The entry's place in the audit chain (`None` only for rows written around the store).
    pub seq: Option<i64>,
    pub kind: String,
    pub record_id: String,
    pub action: String,
    pub actor: String,
    /// The acting user's id; `None` for the system (migrations, demo, command line).
    pub user_id: Option<i64>,
    pub at: chrono::DateTime<chrono::Utc>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The outcome of walking the audit chain.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Rows read and checked (up to and including the first broken one).
    pub checked: u64,
    /// The head as stored (last seq and hash), to be noted down elsewhere: a chain rewritten
    /// from scratch verifies, but no longer ends in a hash noted before.
    pub head: Option<ChainHead>,
    pub first_break: Option<Break>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

/// The first place where the chain does not hold.
#[derive(Debug, Clone, Serialize)]
pub struct Break {
    /// The seq at which the chain breaks: the edited or misplaced row's, or the first missing
    /// one's. `None` for a missing head or for rows outside the chain.
    pub seq: Option<i64>,
    /// The row found there: the broken row itself, or for missing rows the next row present
    /// (`None` when the end of the log is missing).
    pub entry: Option<LogRow>,
    pub problem: BreakKind,
}

/// A change-log row as stored, for reporting (its time as stored text: it may be the tampered
/// column).
#[derive(Debug, Clone, Serialize)]
pub struct LogRow {
    pub id: i64,
    pub seq: Option<i64>,
    pub kind: String,
    pub record_id: String,
    pub action: String,
    pub actor: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BreakKind {
    /// The row's content (or its seq or prev_hash) no longer matches its hash.
    Edited,
    /// `count` rows are missing from `seq` on: a gap, a broken link, or the end cut off.
    Missing { count: i64 },
    /// The row is intact but in the wrong place; `belongs_at` is its own seq when found.
    OutOfOrder { belongs_at: Option<i64> },
    /// The head does not match the last row (`last_seq`, the seq of the last row present).
    HeadMismatch { last_seq: i64 },
    /// The `audit_head` row is gone.
    HeadMissing,
    /// Rows without a place in the chain: written around the store. `id` of the first in `entry`.
    Unchained { count: i64 },
    /// The boundary of the keyed part is not sealed with this key: the wrong key was given, or
    /// the boundary (`keyed_from`) was changed.
    WrongKey,
}

/// The fields a row's hash covers besides its link (seq, prev_hash).
struct Content<'a> {
    kind: &'a str,
    record_id: &'a str,
    action: &'a str,
    actor: &'a str,
    user_id: Option<i64>,
    at: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

/// The hash of a row at `seq` following `prev_hash`, as lowercase hex: keyed when `key` is
/// given, plain SHA-256 (rows before the chain's `keyed_from`) otherwise.
fn entry_hash(key: Option<&AuditKey>, seq: i64, prev_hash: &str, c: &Content<'_>) -> String {
    let mut h = Hasher::for_row(key);
    h.put_i64(Some(seq));
    h.put_str(Some(prev_hash));
    h.put_str(Some(c.kind));
    h.put_str(Some(c.record_id));
    h.put_str(Some(c.action));
    h.put_str(Some(c.actor));
    h.put_i64(c.user_id);
    h.put_str(Some(c.at));
    h.put_str(c.before);
    h.put_str(c.after);
    h.finish()
}

/// How the rows of a chain are hashed: with `key` from `keyed_from` on, plainly before.
#[derive(Clone, Copy)]
pub(crate) struct Keying<'a> {
    pub(crate) key: &'a AuditKey,
    pub(crate) keyed_from: i64,
}

impl Keying<'_> {
    fn key_at(&self, seq: i64) -> Option<&AuditKey> {
        (seq >= self.keyed_from).then_some(self.key)
    }
}

/// Writes one change-log row inside the caller's transaction, at the end of the chain. Call it
/// last before committing: it holds the chain's head until then.
pub(crate) async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    kind: &str,
    record_id: &str,
    action: &str,
    actor: &duikou_core::Actor,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), StoreError> {
    let before = before.map(|b| serde_json::to_string(b).unwrap_or_default());
    let after = after.map(|a| serde_json::to_string(a).unwrap_or_default());
    // Locks the head (PostgreSQL: this row until commit; SQLite: the write lock, which a
    // write transaction holds already) and reads it.
    let head = sqlx::query(
        "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash, keyed_from",
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(head_missing)?;
    let mut seq: i64 = head.try_get("seq")?;
    let mut prev: String = head.try_get("hash")?;
    let audit = tx.audit.clone();
    // The head before this write: committed (the head is locked, and every write records last).
    audit.witness_if_due(seq - 1, &prev, head.try_get("keyed_from")?);
    if seq == 1 {
        // The first entry ever: rows from before the chain (normally chained already by
        // `Store::migrate`) go first.
        let (last, last_hash) = chain_unchained(tx, 0, GENESIS.to_owned()).await?;
        seq = last + 1;
        prev = last_hash;
    }
    // The time is taken while holding the head, so that time order follows chain order.
    let at = now_text();
    let hash = entry_hash(
        Some(&audit.key),
        seq,
        &prev,
        &Content {
            kind,
            record_id,
            action,
            actor: &actor.name,
            user_id: actor.user_id,
            at: &at,
            before: before.as_deref(),
            after: after.as_deref(),
        },
    );
    sqlx::query(
        "INSERT INTO change_log (seq, prev_hash, hash, kind, record_id, action, actor, user_id, \
         at, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(seq)
    .bind(&prev)
    .bind(&hash)
    .bind(kind)
    .bind(record_id)
    .bind(action)
    .bind(&actor.name)
    .bind(actor.user_id)
    .bind(&at)
    .bind(before)
    .bind(after)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn head_missing() -> StoreError {
    StoreError::Corrupt {
        table: "audit_head",
        message: "审计链链头缺失，请运行 duikou audit verify 检查".into(),
    }
}

/// Gives the rows without a seq (those written before the chain existed) their places after
/// `(seq, hash)`, in id order, keyed (this runs only on an empty chain, which is keyed from
/// its first row). Returns the new last seq and hash.
async fn chain_unchained(
    tx: &mut Tx,
    mut seq: i64,
    mut hash: String,
) -> Result<(i64, String), StoreError> {
    loop {
        let rows = sqlx::query(&format!(
            "SELECT {ROW_COLS} FROM change_log WHERE seq IS NULL ORDER BY id LIMIT {BATCH}"
        ))
        .fetch_all(&mut **tx)
        .await?;
        if rows.is_empty() {
            return Ok((seq, hash));
        }
        for row in &rows {
            let r = Stored::read(row)?;
            seq += 1;
            let h = entry_hash(Some(&tx.audit.key), seq, &hash, &r.content());
            sqlx::query("UPDATE change_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4")
                .bind(seq)
                .bind(&hash)
                .bind(&h)
                .bind(r.id)
                .execute(&mut **tx)
                .await?;
            hash = h;
        }
    }
}

const ROW_COLS: &str =
    "id, seq, prev_hash, hash, kind, record_id, action, actor, user_id, at, before, after";

/// A change-log row with every column, as stored.
struct Stored {
    id: i64,
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
    kind: String,
    record_id: String,
    action: String,
    actor: String,
    user_id: Option<i64>,
    at: String,
    before: Option<String>,
    after: Option<String>,
}

impl Stored {
    fn read(row: &AnyRow) -> Result<Stored, StoreError> {
        let r = RowReader::new(row, "change_log");
        Ok(Stored {
            id: r.i64("id")?,
            seq: r.opt_i64("seq")?,
            prev_hash: r.opt_text("prev_hash")?,
            hash: r.opt_text("hash")?,
            kind: r.text("kind")?,
            record_id: r.text("record_id")?,
            action: r.text("action")?,
            actor: r.text("actor")?,
            user_id: r.opt_i64("user_id")?,
            at: r.text("at")?,
            before: r.opt_text("before")?,
            after: r.opt_text("after")?,
        })
    }

    fn content(&self) -> Content<'_> {
        Content {
            kind: &self.kind,
            record_id: &self.record_id,
            action: &self.action,
            actor: &self.actor,
            user_id: self.user_id,
            at: &self.at,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        }
    }

    /// Whether the row's hash matches its content placed at `seq` after `prev_hash`.
    fn hashes_as(&self, k: Keying<'_>, seq: i64, prev_hash: &str, hash: Option<&str>) -> bool {
        hash.is_some_and(|h| entry_hash(k.key_at(seq), seq, prev_hash, &self.content()) == h)
    }

    fn log_row(&self) -> LogRow {
        LogRow {
            id: self.id,
            seq: self.seq,
            kind: self.kind.clone(),
            record_id: self.record_id.clone(),
            action: self.action.clone(),
            actor: self.actor.clone(),
            at: self.at.clone(),
        }
    }
}

fn entry(row: &AnyRow) -> Result<ChangeEntry, StoreError> {
    let r = RowReader::new(row, "change_log");
    let json = |c: &str| -> Result<Option<serde_json::Value>, StoreError> {
        Ok(r.opt_text(c)?.and_then(|t| serde_json::from_str(&t).ok()))
    };
    Ok(ChangeEntry {
        id: r.i64("id")?,
        seq: r.opt_i64("seq")?,
        kind: r.text("kind")?,
        record_id: r.text("record_id")?,
        action: r.text("action")?,
        actor: r.text("actor")?,
        user_id: r.opt_i64("user_id")?,
        at: r.time("at")?,
        before: json("before")?,
        after: json("after")?,
    })
}

const ENTRY_COLS: &str = "id, seq, kind, record_id, action, actor, user_id, at, before, after";

/// Which entries of the log a reader asks for: of one kind of record, by one user, within
/// days (China's) `from` through `to`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub kind: Option<String>,
    pub user_id: Option<i64>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

impl AuditFilter {
    /// The entries of one kind of record (`project`, `user` …).
    pub fn of_kind(kind: &str) -> AuditFilter {
        AuditFilter {
            kind: Some(kind.to_owned()),
            ..AuditFilter::default()
        }
    }
}

/// Who a history entry names: the person's name and unit, for the users among `entries`.
#[derive(Debug, Clone, Default)]
pub struct Writers(pub std::collections::HashMap<i64, (String, Option<i64>)>);

impl Store {
    /// The display name and unit of each user who wrote one of `entries`: the people a
    /// history names, for whoever reads that history.
    pub async fn writers(&self, entries: &[ChangeEntry]) -> Result<Writers, StoreError> {
        let mut ids: Vec<i64> = entries.iter().filter_map(|e| e.user_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut out = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let sql = format!("SELECT id, display_name, org_id FROM users WHERE id IN ({list})");
            for row in sqlx::query(&sql).fetch_all(&self.pool).await? {
                let r = RowReader::new(&row, "users");
                out.insert(
                    r.i64("id")?,
                    (r.text("display_name")?, r.opt_i64("org_id")?),
                );
            }
        }
        Ok(Writers(out))
    }

    /// The history of one record, oldest first.
    pub async fn history(
        &self,
        kind: &str,
        record_id: &str,
    ) -> Result<Vec<ChangeEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY_COLS} FROM change_log WHERE kind = $1 AND record_id = $2 ORDER BY id"
        ))
        .bind(kind)
        .bind(record_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry).collect()
    }

    /// The histories of several records of one kind, oldest first.
    pub(crate) async fn histories(
        &self,
        kind: &str,
        record_ids: &[String],
    ) -> Result<Vec<ChangeEntry>, StoreError> {
        let mut out = Vec::new();
        for chunk in record_ids.chunks(500) {
            let list = (0..chunk.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT {ENTRY_COLS} FROM change_log WHERE kind = $1 AND record_id IN ({list}) \
                 ORDER BY id"
            );
            let mut q = sqlx::query(&sql).bind(kind);
            for id in chunk {
                q = q.bind(id);
            }
            for row in q.fetch_all(&self.pool).await? {
                out.push(entry(&row)?);
            }
        }
        Ok(out)
    }

    /// The log, newest first, as `f` narrows it, a page at a time.
    pub async fn audit_log(
        &self,
        f: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Page<ChangeEntry>, StoreError> {
        let limit = limit.clamp(0, 1000);
        let offset = offset.max(0);
        let mut w = crate::query::Where::new();
        if let Some(k) = &f.kind {
            let p = w.text(k.clone());
            w.push(format!("kind = {p}"));
        }
        if let Some(u) = f.user_id {
            let p = w.int(u);
            w.push(format!("user_id = {p}"));
        }
        // Days are China's: a day starts at 16:00 UTC the day before.
        let start = |d: chrono::NaiveDate| {
            let t = d.and_time(chrono::NaiveTime::MIN).and_utc() - chrono::Duration::hours(8);
            crate::time_text(t)
        };
        if let Some(d) = f.from {
            let p = w.text(start(d));
            w.push(format!("at >= {p}"));
        }
        if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
            let p = w.text(start(d));
            w.push(format!("at < {p}"));
        }
        let cond = w.sql();
        let total: i64 = w
            .bind(sqlx::query(&format!(
                "SELECT COUNT(*) AS n FROM change_log WHERE {cond}"
            )))
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let rows = w
            .bind(sqlx::query(&format!(
                "SELECT {ENTRY_COLS} FROM change_log WHERE {cond} \
                 ORDER BY id DESC LIMIT {limit} OFFSET {offset}"
            )))
            .fetch_all(&self.pool)
            .await?;
        Ok(Page {
            items: rows.iter().map(entry).collect::<Result<_, _>>()?,
            total,
            limit,
            offset,
        })
    }

    /// Chains the rows written before the chain existed (right after migration 0004), once:
    /// only while the chain is still empty. Later rows without a seq were written around the
    /// store and are left for `verify_audit` to report. Returns how many rows it chained.
    pub(crate) async fn chain_legacy_rows(&self) -> Result<u64, StoreError> {
        let head = self.read_head().await?;
        if head.as_ref().map(|h| h.seq) != Some(0) {
            return Ok(0);
        }
        let pending: Option<i64> =
            sqlx::query_scalar("SELECT id FROM change_log WHERE seq IS NULL LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        if pending.is_none() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let seq: i64 =
            sqlx::query_scalar("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq")
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(head_missing)?;
        if seq != 0 {
            return Ok(0);
        }
        let (last, hash) = chain_unchained(&mut tx, 0, GENESIS.to_owned()).await?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(last)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(
            rows = last,
            "chained the change log written before the audit chain"
        );
        Ok(u64::try_from(last).unwrap_or(0))
    }

    pub(crate) async fn read_head(&self) -> Result<Option<ChainHead>, StoreError> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(ChainHead {
                seq: row.try_get("seq")?,
                hash: row.try_get("hash")?,
            })
        })
        .transpose()
    }

    /// Walks the chain in seq order, a batch at a time, recomputing every hash and link, and
    /// reports the first place where it does not hold. Rows appended while it runs (past the
    /// head read at the start) are left for the next run.
    pub async fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        let Some(head) = self.read_head().await? else {
            return Ok(AuditReport {
                checked: 0,
                head: None,
                first_break: Some(Break {
                    seq: None,
                    entry: None,
                    problem: BreakKind::HeadMissing,
                }),
            });
        };
        let mut report = AuditReport {
            checked: 0,
            head: Some(head.clone()),
            first_break: None,
        };
        let Some(keying) = self.sealed_keying().await? else {
            report.first_break = Some(Break {
                seq: None,
                entry: None,
                problem: BreakKind::WrongKey,
            });
            return Ok(report);
        };
        // The last good row: its seq, hash and id.
        let mut last_seq = 0i64;
        let mut last_hash = GENESIS.to_owned();
        let mut last_id = i64::MIN;
        'walk: loop {
            // `>=` and skipping what was seen, rather than `>`: a duplicated seq (were the
            // unique index dropped) cannot fall between two batches unseen.
            let rows = sqlx::query(&format!(
                "SELECT {ROW_COLS} FROM change_log WHERE seq >= $1 AND seq <= $2 \
                 ORDER BY seq, id LIMIT {BATCH}"
            ))
            .bind(last_seq)
            .bind(head.seq)
            .fetch_all(&self.pool)
            .await?;
            let mut fresh = 0;
            for row in &rows {
                let r = Stored::read(row)?;
                if r.seq == Some(last_seq) && r.id == last_id {
                    continue;
                }
                fresh += 1;
                report.checked += 1;
                if let Some(b) = self
                    .check(keying, &r, last_seq, &last_hash, last_id)
                    .await?
                {
                    report.first_break = Some(b);
                    break 'walk;
                }
                last_seq = r.seq.unwrap_or(last_seq);
                last_hash = r.hash.clone().unwrap_or_default();
                last_id = r.id;
            }
            if fresh == 0 {
                break;
            }
        }
        if report.first_break.is_none() {
            report.first_break = self.check_end(&head, last_seq, &last_hash).await?;
        }
        Ok(report)
    }

    /// Checks one row against the last good one; `None` when it follows it properly.
    async fn check(
        &self,
        k: Keying<'_>,
        r: &Stored,
        last_seq: i64,
        last_hash: &str,
        last_id: i64,
    ) -> Result<Option<Break>, StoreError> {
        let expected = last_seq + 1;
        let seq = r.seq.unwrap_or(expected);
        let broken = |seq: i64, problem: BreakKind| {
            Some(Break {
                seq: Some(seq),
                entry: Some(r.log_row()),
                problem,
            })
        };
        if seq > expected {
            return Ok(broken(
                expected,
                BreakKind::Missing {
                    count: seq - expected,
                },
            ));
        }
        if seq < expected {
            // A seq seen already: a second row in one place.
            return Ok(broken(seq, BreakKind::OutOfOrder { belongs_at: None }));
        }
        let own_link = r.prev_hash.as_deref().unwrap_or("");
        let own_hash = r.hashes_as(k, seq, own_link, r.hash.as_deref());
        let linked = r.prev_hash.as_deref() == Some(last_hash);
        if own_hash && linked {
            if r.id > last_id {
                return Ok(None);
            }
            // Intact and linked, but its id comes before the last row's: the rows were
            // moved between ids (appending gives ids in chain order).
            return Ok(broken(seq, BreakKind::OutOfOrder { belongs_at: None }));
        }
        if let Some(home) = self.home_of(k, r).await? {
            return Ok(broken(
                seq,
                BreakKind::OutOfOrder {
                    belongs_at: Some(home),
                },
            ));
        }
        if own_hash {
            // Intact, but not following the last row: rows between were taken out.
            return Ok(broken(seq, BreakKind::Missing { count: 1 }));
        }
        Ok(broken(seq, BreakKind::Edited))
    }

    /// Where a broken row's content belongs among the rows after it: its own hash matches it
    /// at another seq (the seqs were swapped), or another row's hash matches its content in
    /// that row's place (the contents were swapped).
    async fn home_of(&self, k: Keying<'_>, r: &Stored) -> Result<Option<i64>, StoreError> {
        let Some(seq) = r.seq else { return Ok(None) };
        let rows = sqlx::query(&format!(
            "SELECT {ROW_COLS} FROM change_log WHERE seq > $1 ORDER BY seq LIMIT {LOOK_AHEAD}"
        ))
        .bind(seq)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let other = Stored::read(row)?;
            let Some(at) = other.seq else { continue };
            let own_link = r.prev_hash.as_deref().unwrap_or("");
            let their_link = other.prev_hash.as_deref().unwrap_or("");
            if r.hashes_as(k, at, own_link, r.hash.as_deref())
                || r.hashes_as(k, at, their_link, other.hash.as_deref())
            {
                return Ok(Some(at));
            }
        }
        Ok(None)
    }

    /// After the last row: the head must name it, no row may lie beyond the head, and every
    /// row must be in the chain.
    async fn check_end(
        &self,
        head: &ChainHead,
        last_seq: i64,
        last_hash: &str,
    ) -> Result<Option<Break>, StoreError> {
        if last_seq < head.seq {
            return Ok(Some(Break {
                seq: Some(last_seq + 1),
                entry: None,
                problem: BreakKind::Missing {
                    count: head.seq - last_seq,
                },
            }));
        }
        if last_hash != head.hash {
            return Ok(Some(Break {
                seq: Some(head.seq),
                entry: self.row_at(head.seq).await?,
                problem: BreakKind::HeadMismatch { last_seq },
            }));
        }
        // Rows past the head read at the start are fine if the head has moved past them since
        // (written meanwhile); not if they lie past the head as it is now.
        let now = self.read_head().await?.map(|h| h.seq).unwrap_or(head.seq);
        let beyond = sqlx::query(&format!(
            "SELECT {ROW_COLS} FROM change_log WHERE seq > $1 ORDER BY seq LIMIT 1"
        ))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = beyond {
            let r = Stored::read(&row)?;
            return Ok(Some(Break {
                seq: r.seq,
                entry: Some(r.log_row()),
                problem: BreakKind::HeadMismatch { last_seq: now },
            }));
        }
        let unchained: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM change_log WHERE seq IS NULL")
                .fetch_one(&self.pool)
                .await?;
        if unchained > 0 {
            let row = sqlx::query(&format!(
                "SELECT {ROW_COLS} FROM change_log WHERE seq IS NULL ORDER BY id LIMIT 1"
            ))
            .fetch_one(&self.pool)
            .await?;
            return Ok(Some(Break {
                seq: None,
                entry: Some(Stored::read(&row)?.log_row()),
                problem: BreakKind::Unchained { count: unchained },
            }));
        }
        Ok(None)
    }

    async fn row_at(&self, seq: i64) -> Result<Option<LogRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ROW_COLS} FROM change_log WHERE seq = $1 ORDER BY id LIMIT 1"
        ))
        .bind(seq)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Stored::read(&row).map(|r| r.log_row()))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content<'a>(before: Option<&'a str>, after: Option<&'a str>) -> Content<'a> {
        Content {
            kind: "project",
            record_id: "1",
            action: "update",
            actor: "clerk",
            user_id: None,
            at: "2024-01-01T00:00:00.000000Z",
            before,
            after,
        }
    }

    #[test]
    fn fields_are_length_prefixed_so_moving_text_between_them_changes_the_hash() {
        let a = entry_hash(None, 1, GENESIS, &content(Some("ab"), Some("c")));
        let b = entry_hash(None, 1, GENESIS, &content(Some("a"), Some("bc")));
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn null_and_empty_text_hash_differently() {
        let a = entry_hash(None, 1, GENESIS, &content(None, Some("x")));
        let b = entry_hash(None, 1, GENESIS, &content(Some(""), Some("x")));
        assert_ne!(a, b);
    }

    #[test]
    fn the_seq_and_the_link_are_covered() {
        let c = content(None, Some("x"));
        assert_ne!(
            entry_hash(None, 1, GENESIS, &c),
            entry_hash(None, 2, GENESIS, &c)
        );
        let other = entry_hash(None, 1, GENESIS, &c);
        assert_ne!(
            entry_hash(None, 2, GENESIS, &c),
            entry_hash(None, 2, &other, &c)
        );
    }
}
