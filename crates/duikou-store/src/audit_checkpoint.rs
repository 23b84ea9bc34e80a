//! Checkpoints: the head of the audit chain witnessed outside the database.
//!
//! On each UTC day's first audited write, a store signs the head as it stands before that write
//! (seq, hash, time and the chain's `keyed_from`, under the audit key) and hands the checkpoint
//! to the server log and to its sink (the binary appends it to a file, one JSON line each).
//! [`Store::verify_checkpoints`] then checks that the chain still agrees with every checkpoint:
//! the row at its seq still has its hash, and the chain has not been cut back below it.
//!
//! What a checkpoint cannot show: someone holding the key and write access can rewrite the
//! rows after the last checkpoint held out of their reach, and recompute them.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::audit_key::{AuditKey, DOMAIN_CHECKPOINT};
use crate::{now_text, Store, StoreError};

/// The head of the chain at a moment, signed with the audit key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// When it was taken (UTC, as the change log writes times).
    pub at: String,
    /// The first keyed seq of the chain, as it stood.
    pub keyed_from: Option<i64>,
    /// HMAC-SHA256 over the fields above, hex.
    pub mac: String,
}

impl Checkpoint {
    pub(crate) fn sign(
        key: &AuditKey,
        seq: i64,
        hash: &str,
        at: &str,
        keyed_from: Option<i64>,
    ) -> Checkpoint {
        let mut cp = Checkpoint {
            seq,
            hash: hash.to_owned(),
            at: at.to_owned(),
            keyed_from,
            mac: String::new(),
        };
        cp.mac = cp.mac_under(key);
        cp
    }

    fn mac_under(&self, key: &AuditKey) -> String {
        let mut h = key.hasher(DOMAIN_CHECKPOINT);
        h.put_i64(Some(self.seq));
        h.put_str(Some(&self.hash));
        h.put_str(Some(&self.at));
        h.put_i64(self.keyed_from);
        h.finish()
    }

    /// Whether the signature is this key's over these fields.
    pub fn is_signed_by(&self, key: &AuditKey) -> bool {
        self.mac_under(key) == self.mac
    }

    /// One line of a checkpoint file (JSON, no newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_line(line: &str) -> Result<Checkpoint, StoreError> {
        serde_json::from_str(line.trim())
            .map_err(|e| StoreError::Config(format!("检查点格式有误：{e}")))
    }
}

/// Where checkpoints go besides the server log (the binary appends them to a file).
pub type CheckpointSink = Arc<dyn Fn(&Checkpoint) + Send + Sync>;

/// The audit key and the witnessing of a store and its clones.
pub(crate) struct AuditSettings {
    pub(crate) key: AuditKey,
    pub(crate) sink: Option<CheckpointSink>,
    /// The UTC day of the last write that was considered for a checkpoint.
    witnessed: Mutex<Option<chrono::NaiveDate>>,
}

impl AuditSettings {
    pub(crate) fn new(key: AuditKey, sink: Option<CheckpointSink>) -> AuditSettings {
        AuditSettings {
            key,
            sink,
            witnessed: Mutex::new(None),
        }
    }

    /// Called by every audited write with the head before it: on the day's first, signs that
    /// head (unless the chain is empty) and hands it to the log and the sink.
    pub(crate) fn witness_if_due(&self, seq: i64, hash: &str, keyed_from: Option<i64>) {
        let today = chrono::Utc::now().date_naive();
        match self.witnessed.lock() {
            Ok(mut day) if *day != Some(today) => *day = Some(today),
            _ => return,
        }
        if seq < 1 {
            return;
        }
        let cp = Checkpoint::sign(&self.key, seq, hash, &now_text(), keyed_from);
        tracing::info!(
            seq = cp.seq,
            hash = %cp.hash,
            at = %cp.at,
            keyed_from = ?cp.keyed_from,
            mac = %cp.mac,
            checkpoint = %cp.to_line(),
            "audit checkpoint"
        );
        if let Some(sink) = &self.sink {
            sink(&cp);
        }
    }
}

/// What is wrong with the chain as a checkpoint saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CheckpointProblem {
    /// The signature does not hold under this key: the checkpoint was forged or altered, or
    /// signed with another key.
    BadSignature,
    /// The row at the checkpoint's seq no longer has the hash witnessed (`found`: the hash it
    /// has, `None` when the row is gone).
    Rewritten { found: Option<String> },
    /// The chain ends before the checkpoint's seq: its tail was dropped and its head rewound.
    Truncated { head_seq: i64 },
    /// The boundary of the keyed part is not where it was witnessed.
    BoundaryMoved { found: Option<i64> },
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckpointIssue {
    /// The checkpoint's place in the list given (0-based).
    pub index: usize,
    pub checkpoint: Checkpoint,
    pub problem: CheckpointProblem,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckpointReport {
    pub checked: usize,
    /// The highest seq witnessed by a well-signed checkpoint.
    pub latest: Option<i64>,
    pub issues: Vec<CheckpointIssue>,
}

impl CheckpointReport {
    pub fn is_consistent(&self) -> bool {
        self.issues.is_empty()
    }
}

impl Store {
    /// Checks every checkpoint against the chain with this store's key: its signature, the
    /// boundary of the keyed part, and the row at its seq (still there, with that hash).
    pub async fn verify_checkpoints(
        &self,
        checkpoints: &[Checkpoint],
    ) -> Result<CheckpointReport, StoreError> {
        let head_seq = self.read_head().await?.map(|h| h.seq).unwrap_or(0);
        let (keyed_from, _) = self.read_keying().await?;
        let mut report = CheckpointReport {
            checked: checkpoints.len(),
            latest: None,
            issues: Vec::new(),
        };
        for (index, cp) in checkpoints.iter().enumerate() {
            let problem = self.checkpoint_problem(cp, head_seq, keyed_from).await?;
            if problem != Some(CheckpointProblem::BadSignature) {
                report.latest = report.latest.max(Some(cp.seq));
            }
            if let Some(problem) = problem {
                report.issues.push(CheckpointIssue {
                    index,
                    checkpoint: cp.clone(),
                    problem,
                });
            }
        }
        Ok(report)
    }

    async fn checkpoint_problem(
        &self,
        cp: &Checkpoint,
        head_seq: i64,
        keyed_from: Option<i64>,
    ) -> Result<Option<CheckpointProblem>, StoreError> {
        if !cp.is_signed_by(&self.audit.key) {
            return Ok(Some(CheckpointProblem::BadSignature));
        }
        if cp.keyed_from != keyed_from {
            return Ok(Some(CheckpointProblem::BoundaryMoved { found: keyed_from }));
        }
        let found: Option<Option<String>> =
            sqlx::query_scalar("SELECT hash FROM change_log WHERE seq = $1")
                .bind(cp.seq)
                .fetch_optional(&self.pool)
                .await?;
        let found = found.flatten();
        if found.is_none() && head_seq < cp.seq {
            return Ok(Some(CheckpointProblem::Truncated { head_seq }));
        }
        if found.as_deref() != Some(cp.hash.as_str()) {
            return Ok(Some(CheckpointProblem::Rewritten { found }));
        }
        Ok(None)
    }
}
