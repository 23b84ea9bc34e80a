//! Supervision slips (督办单) in the store: opened by the warnings engine for red warnings of
//! the rules its thresholds name (or by a supervisor by hand), then moved through the workflow
//! of `duikou_core::slip` with every step kept as history and audited.

use chrono::{DateTime, NaiveDate, Utc};
use duikou_core::calendar::WorkCalendar;
use duikou_core::slip::{Extension, PlanItem, SlipState, SlipStatus};
use duikou_core::warnings::{Level, Raised, Thresholds};
use serde::{Deserialize, Serialize};

mod write;

use crate::query::Where;
use crate::rows::{date_text, RowReader, Tx};
use crate::{now_text, Page, Store, StoreError};

/// A slip with its project and deadline in force.
#[derive(Debug, Clone, Serialize)]
pub struct Slip {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    pub warning_id: Option<i64>,
    pub owner_org_id: Option<i64>,
    pub owner_name: Option<String>,
    pub title: String,
    pub requirement: String,
    pub status: SlipStatus,
    pub status_label: String,
    pub reply_due: NaiveDate,
    pub plan: Vec<PlanItem>,
    pub extension: Option<Extension>,
    /// The deadline in force (the reply's, or the plan's last).
    pub current_due: NaiveDate,
    /// Past `current_due` and not closed, as of the store's today.
    pub overdue: bool,
    pub issued_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Slip {
    fn state(&self) -> SlipState {
        SlipState {
            status: self.status,
            reply_due: self.reply_due,
            plan: self.plan.clone(),
            extension: self.extension.clone(),
        }
    }
}

/// One step of a slip's history.
#[derive(Debug, Clone, Serialize)]
pub struct SlipEvent {
    pub id: i64,
    pub action: String,
    pub status: SlipStatus,
    pub actor: String,
    pub note: Option<String>,
    pub body: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
}

/// A slip opened by hand.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSlip {
    pub project_id: i64,
    /// What the owner must answer.
    pub requirement: String,
    /// Answer by this date.
    #[serde(deserialize_with = "duikou_core::dates::sane")]
    pub reply_due: NaiveDate,
    #[serde(default)]
    pub warning_id: Option<i64>,
}

/// Which slips a list shows.
#[derive(Debug, Clone, Default)]
pub struct SlipFilter {
    pub status: Option<SlipStatus>,
    /// Only those not closed.
    pub open: bool,
    pub project_id: Option<i64>,
    pub owner_org_id: Option<i64>,
    /// Only the slips opened for this warning.
    pub warning_id: Option<i64>,
}

const COLS: &str = "s.id, s.project_id, p.name AS project_name, s.warning_id, s.owner_org_id, \
     o.name AS owner_name, s.title, s.requirement, s.status, s.reply_due, s.plan, s.extension, \
     s.issued_by, s.created_at, s.updated_at, s.closed_at, s.version";
const FROM: &str = "slips s JOIN projects p ON p.id = s.project_id \
     LEFT JOIN orgs o ON o.id = s.owner_org_id";

fn corrupt(message: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table: "slips",
        message: message.to_string(),
    }
}

fn read(row: &sqlx::any::AnyRow, today: NaiveDate) -> Result<Slip, StoreError> {
    let r = RowReader::new(row, "slips");
    let status = r.code("status", SlipStatus::parse)?;
    let plan: Vec<PlanItem> = serde_json::from_str(&r.text("plan")?).map_err(corrupt)?;
    let extension: Option<Extension> = match r.opt_text("extension")? {
        Some(t) => Some(serde_json::from_str(&t).map_err(corrupt)?),
        None => None,
    };
    let mut slip = Slip {
        id: r.i64("id")?,
        project_id: r.i64("project_id")?,
        project_name: r.text("project_name")?,
        warning_id: r.opt_i64("warning_id")?,
        owner_org_id: r.opt_i64("owner_org_id")?,
        owner_name: r.opt_text("owner_name")?,
        title: r.text("title")?,
        requirement: r.text("requirement")?,
        status,
        status_label: status.label_zh().to_owned(),
        reply_due: r.date("reply_due")?,
        plan,
        extension,
        current_due: NaiveDate::MIN,
        overdue: false,
        issued_by: r.text("issued_by")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        closed_at: r.opt_time("closed_at")?,
        version: r.i64("version")?,
    };
    let state = slip.state();
    slip.current_due = state.current_due();
    slip.overdue = state.overdue(today);
    Ok(slip)
}

async fn get_in(tx: &mut Tx, id: i64, today: NaiveDate) -> Result<Slip, StoreError> {
    let sql = format!("SELECT {COLS} FROM {FROM} WHERE s.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&mut **tx).await?;
    row.as_ref()
        .map(|r| read(r, today))
        .transpose()?
        .ok_or_else(|| StoreError::not_found("slip", id))
}

async fn add_event(
    tx: &mut Tx,
    slip_id: i64,
    action: &str,
    status: SlipStatus,
    actor: &str,
    note: Option<&str>,
    body: Option<&serde_json::Value>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO slip_events (slip_id, action, status, actor, note, body, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(slip_id)
    .bind(action)
    .bind(status.code())
    .bind(actor)
    .bind(note.filter(|n| !n.trim().is_empty()))
    .bind(body.map(|b| b.to_string()))
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    tx: &mut Tx,
    project_id: i64,
    warning_id: Option<i64>,
    owner_org_id: Option<i64>,
    title: &str,
    requirement: &str,
    reply_due: NaiveDate,
    actor: &str,
) -> Result<i64, StoreError> {
    let now = now_text();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO slips (project_id, warning_id, owner_org_id, title, requirement, status, \
         reply_due, issued_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(project_id)
    .bind(warning_id)
    .bind(owner_org_id)
    .bind(title)
    .bind(requirement)
    .bind(SlipStatus::Issued.code())
    .bind(date_text(reply_due))
    .bind(actor)
    .bind(&now)
    .fetch_one(&mut **tx)
    .await?;
    add_event(
        tx,
        id,
        "issue",
        SlipStatus::Issued,
        actor,
        Some(requirement),
        None,
    )
    .await?;
    Ok(id)
}

fn notice(
    slip_id: i64,
    project_id: i64,
    project_name: &str,
    title: &str,
    text: String,
) -> serde_json::Value {
    serde_json::json!({
        "event_id": format!("slip-{slip_id}-issued"),
        "type": "slip.issued",
        "slip_id": slip_id,
        "project_id": project_id,
        "project_name": project_name,
        "level": "red",
        "level_label": Level::Red.label_zh(),
        "path": format!("/slips/{slip_id}"),
        "title": format!("【督办单】{title}"),
        "text": text,
    })
}

/// Opens the slip core's `slip_for` says a warning opens, unless one is open for it.
/// Returns whether it opened one.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn open_for_warning(
    tx: &mut Tx,
    warning_id: i64,
    project_id: i64,
    project_name: &str,
    raised: &Raised,
    t: &Thresholds,
    calendar: &WorkCalendar,
    as_of: NaiveDate,
    actor: &str,
) -> Result<bool, StoreError> {
    let Some(slip) =
        duikou_core::warnings::slip_for(&raised.finding, project_name, t, calendar, as_of)
    else {
        return Ok(false);
    };
    let open: Option<i64> =
        sqlx::query_scalar("SELECT id FROM slips WHERE warning_id = $1 AND closed_at IS NULL")
            .bind(warning_id)
            .fetch_optional(&mut **tx)
            .await?;
    if open.is_some() {
        return Ok(false);
    }
    let (title, requirement, reply_due) = (slip.title, slip.requirement, slip.reply_due);
    let id = insert(
        tx,
        project_id,
        Some(warning_id),
        raised.owner_org_id,
        &title,
        &requirement,
        reply_due,
        actor,
    )
    .await?;
    let body = notice(id, project_id, project_name, &title, requirement);
    crate::outbox::enqueue(
        tx,
        &format!("slip-{id}-issued"),
        raised.owner_org_id,
        Level::Red,
        &body,
    )
    .await?;
    Ok(true)
}

impl Store {
    /// One slip with its history.
    pub async fn slip(&self, id: i64) -> Result<(Slip, Vec<SlipEvent>), StoreError> {
        let mut tx = self.begin().await?;
        let slip = get_in(&mut tx, id, self.today()).await?;
        let rows = sqlx::query(
            "SELECT id, action, status, actor, note, body, at FROM slip_events \
             WHERE slip_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let events = rows
            .iter()
            .map(|row| {
                let r = RowReader::new(row, "slip_events");
                Ok(SlipEvent {
                    id: r.i64("id")?,
                    action: r.text("action")?,
                    status: r.code("status", SlipStatus::parse)?,
                    actor: r.text("actor")?,
                    note: r.opt_text("note")?,
                    body: match r.opt_text("body")? {
                        Some(t) => Some(serde_json::from_str(&t).map_err(corrupt)?),
                        None => None,
                    },
                    at: r.time("at")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((slip, events))
    }

    /// The project a slip concerns (for rights checks).
    pub async fn slip_project(&self, id: i64) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT project_id FROM slips WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("slip", id))
    }

    /// A page of slips among those visible in `scopes` (None: all), deadlines first.
    pub async fn slips_visible(
        &self,
        f: &SlipFilter,
        scopes: Option<&[duikou_core::auth::ResolvedScope]>,
        limit: i64,
        offset: i64,
    ) -> Result<Page<Slip>, StoreError> {
        let mut w = Where::new();
        if let Some(scopes) = scopes {
            w.visible("p.", scopes);
        }
        if let Some(s) = f.status {
            let v = w.text(s.code());
            w.push(format!("s.status = {v}"));
        }
        if f.open {
            w.push("s.closed_at IS NULL".to_owned());
        }
        if let Some(p) = f.project_id {
            let v = w.int(p);
            w.push(format!("s.project_id = {v}"));
        }
        if let Some(o) = f.owner_org_id {
            let v = w.int(o);
            w.push(format!("s.owner_org_id = {v}"));
        }
        if let Some(id) = f.warning_id {
            let v = w.int(id);
            w.push(format!("s.warning_id = {v}"));
        }
        let cond = w.sql();
        let count_sql = format!("SELECT COUNT(*) AS n FROM {FROM} WHERE {cond}");
        let row = w
            .bind(sqlx::query(&count_sql))
            .fetch_one(&self.pool)
            .await?;
        let total = RowReader::new(&row, "slips").i64("n")?;
        let list_sql = format!(
            "SELECT {COLS} FROM {FROM} WHERE {cond} \
             ORDER BY CASE WHEN s.closed_at IS NULL THEN 0 ELSE 1 END, s.reply_due, s.id \
             LIMIT {limit} OFFSET {offset}"
        );
        let rows = w.bind(sqlx::query(&list_sql)).fetch_all(&self.pool).await?;
        let today = self.today();
        Ok(Page {
            items: rows
                .iter()
                .map(|r| read(r, today))
                .collect::<Result<_, _>>()?,
            total,
            limit,
            offset,
        })
    }
}
