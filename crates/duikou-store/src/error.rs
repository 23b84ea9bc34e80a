//! Errors of the store. `NotFound` and `Stale` are kept distinct so that the web layer maps each
//! to its own status (404, 412) in one place.

use duikou_core::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}{id}不存在", kind_zh(kind))]
    NotFound { kind: &'static str, id: String },
    /// The caller's version is not the stored one: someone else changed the record meanwhile.
    #[error("{}{id}已被他人修改（当前版本 {current}）", kind_zh(kind))]
    Stale {
        kind: &'static str,
        id: String,
        current: i64,
    },
    /// A known user acting out of their rights (the record itself is visible to them).
    #[error("{0}")]
    Forbidden(String),
    /// A write would put a record where the writer has no rights: each field that names such a
    /// scope (host region, owner org, partnership), with why.
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；"))]
    OutOfScope(Vec<duikou_core::FieldError>),
    /// The record is still referenced by others and cannot be deleted.
    #[error("{0}")]
    InUse(String),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("{0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("corrupt row in {table}: {message}")]
    Corrupt {
        table: &'static str,
        message: String,
    },
}

impl StoreError {
    pub fn not_found(kind: &'static str, id: impl ToString) -> StoreError {
        StoreError::NotFound {
            kind,
            id: id.to_string(),
        }
    }
    pub fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Invalid(ValidationError::one(field, code, message))
    }
}

/// Maps a unique-constraint violation to a field error; passes other errors through.
pub(crate) fn unique_to_field(err: sqlx::Error, field: &str, message: &str) -> StoreError {
    if let sqlx::Error::Database(db) = &err {
        if db.is_unique_violation() {
            return StoreError::invalid(field, "duplicate", message);
        }
        if db.is_foreign_key_violation() {
            return StoreError::invalid(field, "reference", "引用的记录不存在");
        }
        // PostgreSQL reports a CHECK violation as 23514; SQLite's message names CHECK.
        if db.code().as_deref() == Some("23514") || db.message().contains("CHECK constraint") {
            return StoreError::invalid(field, "range", "数值超出允许范围");
        }
    }
    StoreError::Database(err)
}

/// Maps a foreign-key violation on delete to `InUse`.
pub(crate) fn delete_error(err: sqlx::Error, what: &str) -> StoreError {
    if let sqlx::Error::Database(db) = &err {
        if db.is_foreign_key_violation() {
            return StoreError::InUse(format!("{what}仍被其他记录引用，不能删除"));
        }
    }
    StoreError::Database(err)
}

/// Checks the caller's expected version against the stored one.
pub(crate) fn check_version(
    kind: &'static str,
    id: impl ToString,
    current: i64,
    expected: Option<i64>,
) -> Result<(), StoreError> {
    match expected {
        Some(v) if v != current => Err(StoreError::Stale {
            kind,
            id: id.to_string(),
            current,
        }),
        _ => Ok(()),
    }
}

/// Checks that a write guarded by `... AND version = <the version read>` found its row. None
/// means another writer changed the record between this one's read and its write (PostgreSQL
/// lets both read the same version), so this one is stale rather than a silent overwrite.
pub(crate) fn check_written(
    rows_affected: u64,
    kind: &'static str,
    id: impl ToString,
    read_version: i64,
) -> Result<(), StoreError> {
    if rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale {
            kind,
            id: id.to_string(),
            current: read_version + 1,
        })
    }
}

/// The Chinese name of a kind of record, for messages.
pub fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "region" => "行政区划",
        "org" => "单位",
        "partnership" => "合作关系",
        "project" => "项目",
        "progress_report" => "进展报告",
        "problem" => "问题",
        "template" => "流程模板",
        "schedule" => "项目流程",
        "step" => "环节",
        "user" => "用户",
        "token" => "令牌",
        "grant" => "授权",
        _ => "记录",
    }
}

/// A lookup's answer as an option: not found is `None`; any other failure stays one.
pub(crate) fn found<T>(r: Result<T, StoreError>) -> Result<Option<T>, StoreError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
