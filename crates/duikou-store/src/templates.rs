//! Step templates (流程模板), versioned: saving a template stores a new version; projects keep
//! the version they were instantiated with.

use chrono::NaiveDate;
use duikou_core::auth::Access;
use duikou_core::steps::Template;
use duikou_core::Actor;
use serde::Serialize;

use crate::rows::{RowReader, Tx};
use crate::write::{Create, Kind, Place, Stamp};
use crate::{Store, StoreError};

/// One template version in a list.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateSummary {
    pub key: String,
    pub name: String,
    pub version: i32,
    pub step_count: usize,
}

fn parse(body: &str) -> Result<Template, StoreError> {
    Template::from_json(body).map_err(|e| StoreError::Corrupt {
        table: "step_templates",
        message: e.to_string(),
    })
}

pub(crate) async fn get_in(
    tx: &mut Tx,
    key: &str,
    version: Option<i32>,
) -> Result<Template, StoreError> {
    let row = match version {
        Some(v) => {
            sqlx::query("SELECT body FROM step_templates WHERE key = $1 AND version = $2")
                .bind(key)
                .bind(i64::from(v))
                .fetch_optional(&mut **tx)
                .await?
        }
        None => {
            sqlx::query(
                "SELECT body FROM step_templates WHERE key = $1 ORDER BY version DESC LIMIT 1",
            )
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?
        }
    };
    let row = row.ok_or_else(|| StoreError::not_found("template", key))?;
    parse(&RowReader::new(&row, "step_templates").text("body")?)
}

/// A template version as the write path sees it: reference data, for administrators;
/// each save is a create of the key's next version.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct Saved(pub Template);

/// Names one version: `key@version`.
#[derive(Debug, Clone)]
pub(crate) struct VersionOf(pub String, pub i32);

impl std::fmt::Display for VersionOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.0, self.1)
    }
}

impl Kind for Saved {
    const NAME: &'static str = "template";
    type Parent = ();
    type Key = VersionOf;
    type Fields = Template;

    fn place(_: (), _: Option<&VersionOf>) -> Place {
        Place::Reference
    }

    fn version(&self) -> i64 {
        i64::from(self.0.version)
    }

    async fn get(
        tx: &mut Tx,
        _: (),
        key: &VersionOf,
        _: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        let t = crate::error::found(get_in(tx, &key.0, Some(key.1)).await)?;
        Ok(t.map(Saved))
    }

    async fn check(
        _tx: &mut Tx,
        _: (),
        t: &Template,
        _before: Option<&Self>,
    ) -> Result<(), StoreError> {
        Ok(t.validate()?)
    }
}

impl Create for Saved {
    type New = Template;

    fn fields_of(t: &Template) -> Option<&Template> {
        Some(t)
    }

    /// Stores `t` as the next version of its key (version 1 for a new key).
    async fn insert(
        tx: &mut Tx,
        _: (),
        t: &Template,
        stamp: &Stamp,
    ) -> Result<VersionOf, StoreError> {
        let current: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM step_templates WHERE key = $1")
                .bind(&t.key)
                .fetch_one(&mut **tx)
                .await?;
        let mut saved = t.clone();
        saved.version = i32::try_from(current.unwrap_or(0) + 1).unwrap_or(i32::MAX);
        sqlx::query(
            "INSERT INTO step_templates (key, version, name, body, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&saved.key)
        .bind(i64::from(saved.version))
        .bind(&saved.name)
        .bind(saved.to_json())
        .bind(&stamp.now)
        .bind(&stamp.actor.name)
        .execute(&mut **tx)
        .await?;
        Ok(VersionOf(saved.key, saved.version))
    }
}

impl Store {
    /// The given version of a template, or its latest.
    pub async fn template(&self, key: &str, version: Option<i32>) -> Result<Template, StoreError> {
        let mut tx = self.begin().await?;
        let t = get_in(&mut tx, key, version).await;
        tx.commit().await?;
        t
    }

    /// Every template at its latest version, by key.
    pub async fn templates(&self) -> Result<Vec<TemplateSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.body FROM step_templates t WHERE t.version = \
             (SELECT MAX(v.version) FROM step_templates v WHERE v.key = t.key) ORDER BY t.key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let t = parse(&RowReader::new(row, "step_templates").text("body")?)?;
                Ok(TemplateSummary {
                    step_count: t.step_count(),
                    key: t.key,
                    name: t.name,
                    version: t.version,
                })
            })
            .collect()
    }

    /// Stores the templates shipped with the binary whose key the database does not hold yet.
    /// Returns how many were added.
    pub async fn ensure_shipped_templates(&self, actor: &Actor) -> Result<usize, StoreError> {
        let mut added = 0;
        for t in Template::shipped() {
            let exists: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM step_templates WHERE key = $1")
                    .bind(&t.key)
                    .fetch_one(&self.pool)
                    .await?;
            if exists == 0 {
                self.with_access(Access::system(&actor.name))
                    .save_template(&t)
                    .await?;
                added += 1;
            }
        }
        Ok(added)
    }
}
