//! Projects of the major-project library: create, read, update, delete (the list: `project_list`).

use chrono::NaiveDate;
use duikou_core::auth::Access;
use duikou_core::money::Currency;
use duikou_core::project::{Category, Construction, Project, ProjectFields};
use duikou_core::project_code::ProjectCode;
use duikou_core::{Actor, Stage};

use crate::error::unique_to_field;
use crate::rollup::Upkeep;
use crate::rows::{date_text, opt_date_text, RowReader, Tx};
use crate::write::{delete_row, placement_in, Create, Delete, Edit, Kind, Place, RowKey, Stamp};
use crate::{now_text, Store, StoreError};

pub(crate) const COLS: &str = "id, code, external_ids, name, partnership_id, source_region_code, \
    source_org_id, investor, host_region_code, owner_org_id, category, industry, stage, \
    stage_since, held_stage, planned_start, planned_production, currency, planned_investment, \
    agreement_amount, leader, service_officer, task_force, land_area_mu, address, note, generated, \
    construction, created_at, updated_at, version";

/// The columns a project's fields are written to, in the order `bind_fields` binds them: a new
/// field is one name here, one bind there and one line in `read`.
const FIELD_COLS: [&str; 27] = [
    "code",
    "external_ids",
    "name",
    "partnership_id",
    "partnership_path",
    "source_region_code",
    "source_region_path",
    "source_org_id",
    "investor",
    "host_region_code",
    "host_region_path",
    "owner_org_id",
    "category",
    "industry",
    "planned_start",
    "planned_production",
    "currency",
    "planned_investment",
    "agreement_amount",
    "leader",
    "service_officer",
    "task_force",
    "land_area_mu",
    "address",
    "note",
    "generated",
    "construction",
];

/// `UPDATE projects SET <fields>, updated_at, updated_by, version + 1 WHERE id AND version`.
static UPDATE_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let n = FIELD_COLS.len();
    let set: Vec<String> = FIELD_COLS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    format!(
        "UPDATE projects SET {}, updated_at = ${}, updated_by = ${}, version = version + 1 \
         WHERE id = ${} AND version = ${}",
        set.join(", "),
        n + 1,
        n + 2,
        n + 3,
        n + 4
    )
});

/// `INSERT INTO projects (<fields>, created/updated at and by, stage, since, held) … RETURNING id`.
static INSERT_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let n = FIELD_COLS.len();
    let values: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO projects ({}, created_at, updated_at, created_by, updated_by, stage, \
         stage_since, held_stage) VALUES ({}, ${a}, ${a}, ${b}, ${b}, ${c}, ${d}, ${e}) RETURNING id",
        FIELD_COLS.join(", "),
        values.join(", "),
        a = n + 1,
        b = n + 2,
        c = n + 3,
        d = n + 4,
        e = n + 5
    )
});

pub(crate) fn read(row: &sqlx::any::AnyRow) -> Result<Project, StoreError> {
    let r = RowReader::new(row, "projects");
    let code = r
        .opt_text("code")?
        .map(|c| ProjectCode::parse(&c))
        .transpose()
        .map_err(|e| StoreError::Corrupt {
            table: "projects",
            message: e.to_string(),
        })?;
    let external_ids = serde_json::from_str(&r.text("external_ids")?).unwrap_or_default();
    Ok(Project {
        id: r.i64("id")?,
        fields: ProjectFields {
            code,
            external_ids,
            name: r.text("name")?,
            partnership_id: r.opt_i64("partnership_id")?,
            source_region_code: r.opt_text("source_region_code")?,
            source_org_id: r.opt_i64("source_org_id")?,
            investor: r.opt_text("investor")?,
            host_region_code: r.text("host_region_code")?,
            owner_org_id: r.opt_i64("owner_org_id")?,
            category: r.code("category", Category::parse)?,
            industry: r.opt_text("industry")?,
            planned_start: r.opt_date("planned_start")?,
            planned_production: r.opt_date("planned_production")?,
            currency: r.code("currency", Currency::parse_code)?,
            planned_investment: r.money("planned_investment")?,
            agreement_amount: r.money("agreement_amount")?,
            leader: r.opt_text("leader")?,
            service_officer: r.opt_text("service_officer")?,
            task_force: r.opt_text("task_force")?,
            land_area_mu: r.opt_f64("land_area_mu")?,
            address: r.opt_text("address")?,
            note: r.opt_text("note")?,
            generated: r.flag("generated")?,
            construction: r.opt_code("construction", Construction::parse)?,
        },
        stage: r.code("stage", Stage::parse)?,
        stage_since: r.date("stage_since")?,
        held_stage: r.code("held_stage", Stage::parse)?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        version: r.i64("version")?,
    })
}

pub(crate) async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Project>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLS} FROM projects WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(read).transpose()
}

pub(crate) async fn require(tx: &mut Tx, id: i64) -> Result<Project, StoreError> {
    get_in(tx, id)
        .await?
        .ok_or_else(|| StoreError::not_found("project", id))
}

/// The paths a project's scopes are found by, resolved from its references.
struct Paths {
    partnership: String,
    host: String,
    source: String,
}

async fn resolve(tx: &mut Tx, f: &ProjectFields) -> Result<Paths, StoreError> {
    f.validate()?;
    let host = crate::regions::require(tx, "host_region_code", &f.host_region_code).await?;
    let source = match &f.source_region_code {
        Some(c) => {
            crate::regions::require(tx, "source_region_code", c)
                .await?
                .path
        }
        None => String::new(),
    };
    let partnership = match f.partnership_id {
        Some(p) => {
            crate::partnerships::require(tx, "partnership_id", p)
                .await?
                .path
        }
        None => String::new(),
    };
    for (field, org) in [
        ("source_org_id", f.source_org_id),
        ("owner_org_id", f.owner_org_id),
    ] {
        if let Some(id) = org {
            crate::orgs::require(tx, field, id).await?;
        }
    }
    Ok(Paths {
        partnership,
        host: host.path,
        source,
    })
}

/// What a new project starts with besides its fields.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub fields: ProjectFields,
    /// The stage it is entered in (a project already landed can be entered as landed).
    pub stage: Stage,
    /// Since when it holds that stage.
    pub stage_since: NaiveDate,
}

const DUPLICATE_CODE: &str = "该项目代码已被其他项目使用";

impl Kind for Project {
    const NAME: &'static str = "project";
    const ROLLUP: bool = true;
    type Parent = ();
    type Key = i64;
    type Fields = ProjectFields;

    /// A project is its own place; a new one makes it ([`Kind::may`] decides where).
    fn place(_: (), id: Option<&i64>) -> Place {
        id.map_or(Place::New, |id| Place::Project(*id))
    }
    fn version(&self) -> i64 {
        self.version
    }

    async fn get(
        tx: &mut Tx,
        _: (),
        id: &i64,
        _today: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        get_in(tx, *id).await
    }

    async fn check(
        tx: &mut Tx,
        _: (),
        fields: &ProjectFields,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        resolve(tx, fields).await?;
        // A disabled unit stays on a project that has it, and is given to no other.
        let had = |f: fn(&ProjectFields) -> Option<i64>| before.and_then(|b| f(&b.fields));
        for (field, org, kept) in [
            ("owner_org_id", fields.owner_org_id, had(|f| f.owner_org_id)),
            (
                "source_org_id",
                fields.source_org_id,
                had(|f| f.source_org_id),
            ),
        ] {
            if let Some(id) = org {
                crate::orgs::require_open(tx, field, id, kept).await?;
            }
        }
        Ok(())
    }

    /// Every scope the project would sit in (host region, owner org, partnership, source
    /// side) must be the writer's ([`Access::placement_errors`]); a source the project
    /// already has is kept, not placed, and passes.
    async fn may(
        tx: &mut Tx,
        access: &Access,
        _: (),
        fields: &ProjectFields,
        before: Option<&Self>,
    ) -> Result<(), StoreError> {
        let mut facts = placement_in(tx, fields).await?;
        if let Some(b) = before {
            if b.fields.source_region_code == fields.source_region_code {
                facts.source_region.clear();
            }
            if b.fields.source_org_id == fields.source_org_id {
                facts.source_org_id = None;
            }
        }
        let errs = access.placement_errors(&facts.as_ref());
        if errs.is_empty() {
            Ok(())
        } else {
            Err(StoreError::OutOfScope(errs))
        }
    }

    /// Replaces a project's fields. Its stage moves only by transitions.
    async fn update(
        tx: &mut Tx,
        before: &Self,
        fields: &ProjectFields,
        stamp: &Stamp,
    ) -> Result<u64, StoreError> {
        let paths = resolve(tx, fields).await?;
        let done = bind_fields(sqlx::query(&UPDATE_SQL), fields, &paths)
            .bind(stamp.now.clone())
            .bind(stamp.actor.name.clone())
            .bind(before.id)
            .bind(before.version)
            .execute(&mut **tx)
            .await
            .map_err(|e| unique_to_field(e, "code", DUPLICATE_CODE))?;
        Ok(done.rows_affected())
    }
}

impl Create for Project {
    type New = NewProject;

    fn fields_of(new: &NewProject) -> Option<&ProjectFields> {
        Some(&new.fields)
    }

    /// It holds its stage since a day not in the future.
    async fn check_new(
        _tx: &mut Tx,
        _: (),
        new: &NewProject,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        Ok(duikou_core::project::check_entered_since(
            new.stage_since,
            today,
        )?)
    }

    async fn insert(
        tx: &mut Tx,
        _: (),
        new: &NewProject,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        Ok(insert_project(tx, &stamp.actor, new).await?.id)
    }
}

impl Edit for Project {}

impl Delete for Project {
    async fn delete(tx: &mut Tx, before: &Self) -> Result<u64, StoreError> {
        delete_row(
            tx,
            "projects",
            "id",
            RowKey::Id(before.id),
            before.version,
            "该项目",
        )
        .await
    }
}

impl Store {
    /// Creates many projects in one transaction (demo and generators): all or nothing.
    pub(crate) async fn create_projects(
        &self,
        actor: &Actor,
        news: &[NewProject],
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(news.len());
        for new in news {
            ids.push(insert_project(&mut tx, actor, new).await?.id);
        }
        Upkeep::created().after(&mut tx, &ids).await?;
        tx.commit().await?;
        Ok(ids)
    }

    pub async fn project(&self, id: i64) -> Result<Project, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM projects WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(read)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("project", id))
    }
}

fn bind_fields<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    f: &ProjectFields,
    paths: &Paths,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(f.code.as_ref().map(|c| c.as_str().to_owned()))
        .bind(serde_json::to_string(&f.external_ids).unwrap_or_else(|_| "{}".into()))
        .bind(f.name.trim().to_owned())
        .bind(f.partnership_id)
        .bind(paths.partnership.clone())
        .bind(f.source_region_code.clone())
        .bind(paths.source.clone())
        .bind(f.source_org_id)
        .bind(f.investor.clone())
        .bind(f.host_region_code.clone())
        .bind(paths.host.clone())
        .bind(f.owner_org_id)
        .bind(f.category.code())
        .bind(f.industry.clone())
        .bind(opt_date_text(f.planned_start))
        .bind(opt_date_text(f.planned_production))
        .bind(f.currency.code())
        .bind(f.planned_investment.map(|m| m.yuan()))
        .bind(f.agreement_amount.map(|m| m.yuan()))
        .bind(f.leader.clone())
        .bind(f.service_officer.clone())
        .bind(f.task_force.clone())
        .bind(f.land_area_mu)
        .bind(f.address.clone())
        .bind(f.note.clone())
        .bind(i64::from(f.generated))
        .bind(f.construction.map(Construction::code))
}

async fn insert_project(
    tx: &mut Tx,
    actor: &Actor,
    new: &NewProject,
) -> Result<Project, StoreError> {
    let paths = resolve(tx, &new.fields).await?;
    let now = now_text();
    let held = if new.stage.is_main_line() {
        new.stage
    } else {
        Stage::Lead
    };
    let id: i64 = bind_fields(sqlx::query(&INSERT_SQL), &new.fields, &paths)
        .bind(now.clone())
        .bind(actor.name.clone())
        .bind(new.stage.code())
        .bind(date_text(new.stage_since))
        .bind(held.code())
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| unique_to_field(e, "code", DUPLICATE_CODE))
        .and_then(|row| Ok(sqlx::Row::try_get(&row, 0)?))?;
    sqlx::query(
        "INSERT INTO stage_changes (project_id, from_stage, to_stage, kind, effective_date, \
         actor, recorded_at) VALUES ($1, NULL, $2, NULL, $3, $4, $5)",
    )
    .bind(id)
    .bind(new.stage.code())
    .bind(date_text(new.stage_since))
    .bind(&actor.name)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    require(tx, id).await
}
