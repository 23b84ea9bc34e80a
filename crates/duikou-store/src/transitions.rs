//! Stage transitions: checked against the rules of `duikou_core::stage`, recorded as dated rows
//! from which "as of" statistics are read.

use chrono::NaiveDate;
use duikou_core::auth::Access;
use duikou_core::project::{Project, StageChange, StageMove};
use duikou_core::stage::TransitionKind;
use duikou_core::Stage;
use serde::Serialize;

pub use duikou_core::project::TransitionInput;

use crate::rows::{date_text, serde_code, RowReader, Tx};
use crate::write::{project_place_in, Action, Kind, Place, Stamp};
use crate::{Store, StoreError};

fn read(row: &sqlx::any::AnyRow) -> Result<StageChange, StoreError> {
    let r = RowReader::new(row, "stage_changes");
    Ok(StageChange {
        id: r.i64("id")?,
        project_id: r.i64("project_id")?,
        from_stage: r.opt_code("from_stage", Stage::parse)?,
        to_stage: r.code("to_stage", Stage::parse)?,
        kind: r.opt_code("kind", serde_code::<TransitionKind>)?,
        effective_date: r.date("effective_date")?,
        reason: r.opt_text("reason")?,
        overridden: r.flag("overridden")?,
        actor: r.text("actor")?,
        recorded_at: r.time("recorded_at")?,
    })
}

/// A project as a stage move sees it: the project and its open stage row. Moves are
/// [`Action`]s on it ([`TransitionInput`], whose effect core computes), written on the one
/// write path: the right to change the project, its version, the statistics and warnings
/// kept up, the move in the project's history.
#[derive(Debug)]
pub(crate) struct Staged {
    pub project: Project,
    /// The stage row the project is in now (none for a project made before histories).
    pub change: Option<StageChange>,
}

/// In the history: the project's fields with those of its open stage row beside them
/// (`to_stage`, `effective_date`, `reason` …), so a move's entry shows where it went.
impl Serialize for Staged {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut map = match serde_json::to_value(&self.project).map_err(S::Error::custom)? {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        if let Some(c) = &self.change {
            if let serde_json::Value::Object(m) =
                serde_json::to_value(c).map_err(S::Error::custom)?
            {
                for (k, v) in m {
                    if k != "id" && k != "project_id" {
                        map.entry(k).or_insert(v);
                    }
                }
            }
        }
        map.serialize(s)
    }
}

const COLUMNS: &str = "id, project_id, from_stage, to_stage, kind, effective_date, reason, \
                       overridden, actor, recorded_at";

impl Kind for Staged {
    const NAME: &'static str = "project";
    const ROLLUP: bool = true;
    type Parent = ();
    type Key = i64;
    type Fields = StageMove;

    fn place(_: (), key: Option<&i64>) -> Place {
        key.map_or(Place::New, |id| Place::Project(*id))
    }

    fn version(&self) -> i64 {
        self.project.version
    }

    async fn get(
        tx: &mut Tx,
        _: (),
        id: &i64,
        _today: NaiveDate,
    ) -> Result<Option<Staged>, StoreError> {
        let Some(project) = crate::projects::get_in(tx, *id).await? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM stage_changes WHERE project_id = $1 AND until_date IS NULL \
             ORDER BY id DESC LIMIT 1"
        );
        let row = sqlx::query(&sql).bind(id).fetch_optional(&mut **tx).await?;
        let change = row.as_ref().map(read).transpose()?;
        Ok(Some(Staged { project, change }))
    }

    /// Only an administrator overrides the stage rules; a move the project's unit settings
    /// send for approval (`Thresholds::approval_needed`) is made only by someone who
    /// supervises the project: a writer asks for it instead (`stage_requests`).
    async fn may(
        tx: &mut Tx,
        access: &Access,
        _: (),
        fields: &StageMove,
        before: Option<&Staged>,
    ) -> Result<(), StoreError> {
        if fields.overridden && !access.actor().may_override {
            return Err(StoreError::invalid(
                "override",
                "forbidden",
                "只有系统管理员可以强制推进阶段",
            ));
        }
        let Some(before) = before else {
            return Ok(());
        };
        let p = &before.project;
        if approval_needed(tx, p, fields.kind, fields.to, fields.since).await?
            && !access.can_supervise(&project_place_in(tx, p.id).await?.as_ref())
        {
            return Err(StoreError::invalid(
                "to",
                "approval_required",
                format!(
                    "{}须经合作办审批：请提交审批申请",
                    move_zh(fields.kind, fields.to)
                ),
            ));
        }
        Ok(())
    }

    /// The project row first, and only at the version read: a concurrent move that got
    /// there first (PostgreSQL lets both read version N) makes this one stale before it
    /// touches the history, so a project never has two open stage rows.
    async fn update(
        tx: &mut Tx,
        before: &Staged,
        m: &StageMove,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let id = before.project.id;
        let date = date_text(m.since);
        let done = sqlx::query(
            "UPDATE projects SET stage = $1, stage_since = $2, held_stage = $3, updated_at = $4, \
             updated_by = $5, version = version + 1 WHERE id = $6 AND version = $7",
        )
        .bind(m.to.code())
        .bind(&date)
        .bind(m.held.code())
        .bind(&stamp.now)
        .bind(&stamp.actor.name)
        .bind(id)
        .bind(before.project.version)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(done.rows_affected());
        }
        sqlx::query(
            "UPDATE stage_changes SET until_date = $1 WHERE project_id = $2 AND until_date IS NULL",
        )
        .bind(&date)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO stage_changes (project_id, from_stage, to_stage, kind, effective_date, \
             reason, overridden, actor, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(m.from.code())
        .bind(m.to.code())
        .bind(crate::rows::code_of(&m.kind))
        .bind(&date)
        .bind(m.reason.as_deref())
        .bind(i64::from(m.overridden))
        .bind(&stamp.actor.name)
        .bind(&stamp.now)
        .execute(&mut **tx)
        .await?;
        Ok(1)
    }
}

impl Action<Staged> for TransitionInput {
    fn name(&self) -> &'static str {
        "transition"
    }

    fn apply(&self, before: &Staged, stamp: &Stamp) -> Result<StageMove, StoreError> {
        Ok(TransitionInput::apply(self, &before.project, stamp.today)?)
    }
}

/// Whether a move of `project` of this kind to `to`, taking effect on `since`, waits for
/// approval under the settings in force for its unit in that year.
pub(crate) async fn approval_needed(
    tx: &mut Tx,
    project: &Project,
    kind: TransitionKind,
    to: Stage,
    since: NaiveDate,
) -> Result<bool, StoreError> {
    use chrono::Datelike;
    let t = crate::warnings::thresholds_in(tx, project.fields.owner_org_id, since.year()).await?;
    Ok(t.approval_needed(kind, to))
}

/// A move in words, for messages: "跨阶段推进到“投产”", "终止项目".
pub(crate) fn move_zh(kind: TransitionKind, to: Stage) -> String {
    let what = match kind {
        TransitionKind::Suspend => return "暂缓项目".to_owned(),
        TransitionKind::Terminate => return "终止项目".to_owned(),
        TransitionKind::Forward => "推进",
        TransitionKind::Skip => "跨阶段推进",
        TransitionKind::Back => "阶段回退",
        TransitionKind::Resume => "恢复推进",
        TransitionKind::Reopen => "恢复已终止项目",
    };
    format!("{what}到“{}”", to.label_zh())
}

impl Store {
    /// The stage history of a project, oldest first.
    pub async fn stage_changes(&self, project_id: i64) -> Result<Vec<StageChange>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM stage_changes WHERE project_id = $1 ORDER BY effective_date, id"
        );
        let rows = sqlx::query(&sql)
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(read).collect()
    }
}
