//! Slips on the one write path: issued by hand by a supervisor of the project (督办), moved
//! through core's workflow (`duikou_core::slip::apply`) by the party each step
//! belongs to: the owner replies, reports and asks; the supervisor accepts, returns,
//! decides and closes.

use chrono::NaiveDate;
use duikou_core::slip::{apply, Party, SlipAction, SlipState, SlipStatus};
use duikou_core::warnings::Level;

use super::{add_event, corrupt, get_in, insert, notice, NewSlip, Slip};
use crate::rows::{date_text, Tx};
use crate::write::{Action, Create, Kind, Place, Right, Stamp};
use crate::StoreError;

impl Kind for Slip {
    const NAME: &'static str = "slip";
    type Parent = i64;
    type Key = i64;
    type Fields = SlipState;

    fn place(project_id: i64, _: Option<&i64>) -> Place {
        Place::Project(project_id)
    }
    fn version(&self) -> i64 {
        self.version
    }

    async fn get(
        tx: &mut Tx,
        project_id: i64,
        id: &i64,
        today: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        let slip = crate::error::found(get_in(tx, *id, today).await)?;
        Ok(slip.filter(|s| s.project_id == project_id))
    }

    async fn update(
        tx: &mut Tx,
        before: &Self,
        next: &SlipState,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let plan = serde_json::to_string(&next.plan).map_err(corrupt)?;
        let extension = next
            .extension
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(corrupt)?;
        let closed = (next.status == SlipStatus::Closed).then_some(stamp.now.clone());
        let done = sqlx::query(
            "UPDATE slips SET status = $1, reply_due = $2, plan = $3, extension = $4, \
             updated_at = $5, closed_at = $6, version = version + 1 WHERE id = $7 AND version = $8",
        )
        .bind(next.status.code())
        .bind(date_text(next.reply_due))
        .bind(plan)
        .bind(extension)
        .bind(&stamp.now)
        .bind(closed)
        .bind(before.id)
        .bind(before.version)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected())
    }
}

impl Create for Slip {
    type New = NewSlip;
    /// Opening a slip by hand is supervision.
    const RIGHT: Right = Right::Supervise;
    const CREATED: &'static str = "issue";

    fn fields_of(_: &NewSlip) -> Option<&SlipState> {
        None
    }

    /// A requirement, a reply date from today on, and a warning of this very project.
    async fn check_new(
        tx: &mut Tx,
        project_id: i64,
        new: &NewSlip,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        let mut errs = duikou_core::error::Errors::new();
        let requirement = new.requirement.trim();
        if requirement.is_empty() {
            errs.push("requirement", "required", "请填写督办事项");
        } else if let Err(e) = duikou_core::text::check(
            "requirement",
            requirement,
            duikou_core::text::TextKind::Text,
        ) {
            errs.extend(duikou_core::ValidationError(vec![e]));
        }
        if new.reply_due < today {
            errs.push(
                "reply_due",
                "in_the_past",
                format!("答复期限{}早于今天", new.reply_due),
            );
        }
        if let Some(w) = new.warning_id {
            let of: Option<i64> =
                sqlx::query_scalar("SELECT project_id FROM warnings WHERE id = $1")
                    .bind(w)
                    .fetch_optional(&mut **tx)
                    .await?;
            if of != Some(project_id) {
                errs.push(
                    "warning_id",
                    "unknown_warning",
                    format!("预警{w}不属于该项目"),
                );
            }
        }
        Ok(errs.finish()?)
    }

    async fn insert(
        tx: &mut Tx,
        project_id: i64,
        new: &NewSlip,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        let project = crate::projects::require(tx, project_id).await?;
        let requirement = new.requirement.trim();
        let title = format!("关于「{}」的督办单", project.fields.name);
        let id = insert(
            tx,
            project.id,
            new.warning_id,
            project.fields.owner_org_id,
            &title,
            requirement,
            new.reply_due,
            &stamp.actor.name,
        )
        .await
        .map_err(|e| match e {
            StoreError::Database(d)
                if d.to_string().contains("slips_one_per_warning")
                    || d.to_string().to_lowercase().contains("unique") =>
            {
                StoreError::invalid("warning_id", "already_open", "该预警已有未销号的督办单")
            }
            other => other,
        })?;
        let body = notice(
            id,
            project.id,
            &project.fields.name,
            &title,
            format!("{requirement}\n答复期限：{}", new.reply_due),
        );
        crate::outbox::enqueue(
            tx,
            &format!("slip-{id}-issued"),
            project.fields.owner_org_id,
            Level::Red,
            &body,
        )
        .await?;
        Ok(id)
    }
}

/// A step of the workflow: the owner's steps take the right to change the project, the
/// supervisor's the right to supervise it.
impl Action<Slip> for SlipAction {
    fn name(&self) -> &'static str {
        self.code()
    }

    fn right(&self) -> Right {
        match self.party() {
            Party::Owner => Right::Edit,
            Party::Supervisor => Right::Supervise,
        }
    }

    fn apply(&self, before: &Slip, stamp: &Stamp) -> Result<SlipState, StoreError> {
        Ok(apply(&before.state(), self, stamp.today)?)
    }

    async fn event(&self, tx: &mut Tx, after: &Slip, stamp: &Stamp) -> Result<(), StoreError> {
        let body = serde_json::to_value(self).map_err(corrupt)?;
        add_event(
            tx,
            after.id,
            self.code(),
            after.status,
            &stamp.actor.name,
            Some(self.note()),
            Some(&body),
        )
        .await
    }
}
