//! Reading typed values out of rows: dates and enums are stored as text, money as integers.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::StoreError;

/// A transaction of the store, carrying the audit settings that the change log appends with.
/// It dereferences to the connection, as a sqlx transaction does (`&mut **tx` executes).
pub(crate) struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    pub(crate) audit: std::sync::Arc<crate::audit_checkpoint::AuditSettings>,
}

impl Tx {
    pub(crate) fn new(
        inner: sqlx::Transaction<'static, sqlx::Any>,
        audit: std::sync::Arc<crate::audit_checkpoint::AuditSettings>,
    ) -> Tx {
        Tx { inner, audit }
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }

    pub(crate) async fn rollback(self) -> Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}

pub(crate) fn corrupt(table: &'static str, col: &str, value: &str) -> StoreError {
    StoreError::Corrupt {
        table,
        message: format!("column {col}: unexpected value {value:?}"),
    }
}

pub(crate) struct RowReader<'r> {
    pub row: &'r AnyRow,
    pub table: &'static str,
}

impl<'r> RowReader<'r> {
    pub fn new(row: &'r AnyRow, table: &'static str) -> Self {
        Self { row, table }
    }
    pub fn i64(&self, col: &str) -> Result<i64, StoreError> {
        Ok(self.row.try_get::<i64, _>(col)?)
    }
    pub fn opt_i64(&self, col: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.row.try_get::<Option<i64>, _>(col)?)
    }
    pub fn text(&self, col: &str) -> Result<String, StoreError> {
        Ok(self.row.try_get::<String, _>(col)?)
    }
    pub fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(self.row.try_get::<Option<String>, _>(col)?)
    }
    pub fn opt_f64(&self, col: &str) -> Result<Option<f64>, StoreError> {
        Ok(self.row.try_get::<Option<f64>, _>(col)?)
    }
    pub fn flag(&self, col: &str) -> Result<bool, StoreError> {
        Ok(self.i64(col)? != 0)
    }
    pub fn date(&self, col: &str) -> Result<NaiveDate, StoreError> {
        let t = self.text(col)?;
        parse_date(&t).ok_or_else(|| corrupt(self.table, col, &t))
    }
    pub fn opt_date(&self, col: &str) -> Result<Option<NaiveDate>, StoreError> {
        match self.opt_text(col)? {
            None => Ok(None),
            Some(t) => parse_date(&t)
                .map(Some)
                .ok_or_else(|| corrupt(self.table, col, &t)),
        }
    }
    pub fn time(&self, col: &str) -> Result<DateTime<Utc>, StoreError> {
        let t = self.text(col)?;
        DateTime::parse_from_rfc3339(&t)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| corrupt(self.table, col, &t))
    }
    pub fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        match self.opt_text(col)? {
            None => Ok(None),
            Some(t) => DateTime::parse_from_rfc3339(&t)
                .map(|d| Some(d.with_timezone(&Utc)))
                .map_err(|_| corrupt(self.table, col, &t)),
        }
    }
    /// A text column holding one of an enum's codes.
    pub fn code<T>(&self, col: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
        let t = self.text(col)?;
        parse(&t).ok_or_else(|| corrupt(self.table, col, &t))
    }
    pub fn opt_code<T>(
        &self,
        col: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, StoreError> {
        match self.opt_text(col)? {
            None => Ok(None),
            Some(t) => parse(&t)
                .map(Some)
                .ok_or_else(|| corrupt(self.table, col, &t)),
        }
    }
    pub fn money(&self, col: &str) -> Result<Option<duikou_core::Money>, StoreError> {
        Ok(self.opt_i64(col)?.map(duikou_core::Money::from_yuan))
    }
}

pub(crate) fn parse_date(t: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn opt_date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(date_text)
}

/// Parses a serde-style snake_case code through serde, for enums that derive Deserialize.
pub(crate) fn serde_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

/// The snake_case code of a serde enum.
pub(crate) fn code_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The exclusive upper bound of the subtree below `path` ("/21/" → "/210"): '/' + 1 is '0'.
pub(crate) fn subtree_end(path: &str) -> String {
    let mut s = path.trim_end_matches('/').to_owned();
    s.push('0');
    s
}
