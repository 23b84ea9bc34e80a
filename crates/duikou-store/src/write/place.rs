//! Where a project sits and where a write would put one, read inside the write's own
//! transaction (a write holding the lock must not wait for a second connection).

use duikou_core::auth::{Placement, RecordRef, SideRef, Source};
use duikou_core::project::ProjectFields;

use crate::rows::{RowReader, Tx};
use crate::StoreError;

/// The scopes a project is found by: its owner org and the paths of its host region,
/// source region and partnership.
pub(crate) struct ProjectPlace {
    pub owner_org_id: Option<i64>,
    pub host: String,
    pub source: String,
    pub partnership: String,
}

impl ProjectPlace {
    pub fn as_ref(&self) -> RecordRef<'_> {
        RecordRef {
            owner_org_id: self.owner_org_id,
            host_region_path: &self.host,
            source_region_path: &self.source,
            partnership_path: &self.partnership,
        }
    }

    pub fn read(r: &RowReader<'_>) -> Result<ProjectPlace, StoreError> {
        Ok(ProjectPlace {
            owner_org_id: r.opt_i64("owner_org_id")?,
            host: r.text("host_region_path")?,
            source: r.text("source_region_path")?,
            partnership: r.text("partnership_path")?,
        })
    }
}

/// Where project `id` sits (not found when there is no such project).
pub(crate) async fn project_place_in(tx: &mut Tx, id: i64) -> Result<ProjectPlace, StoreError> {
    let row = sqlx::query(
        "SELECT owner_org_id, host_region_path, source_region_path, partnership_path \
         FROM projects WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::not_found("project", id))?;
    ProjectPlace::read(&RowReader::new(&row, "projects"))
}

/// The owned facts behind a [`Placement`].
#[derive(Default)]
pub(crate) struct PlacementFacts {
    pub host: String,
    pub owner_org_id: Option<i64>,
    pub owner_region: String,
    pub partnership: String,
    pub sides: [(String, Option<i64>); 2],
    pub source_region: String,
    pub source_org_id: Option<i64>,
    pub source_org_region: String,
}

fn side((path, org): &(String, Option<i64>)) -> SideRef<'_> {
    SideRef {
        region_path: path,
        org_id: *org,
    }
}

impl PlacementFacts {
    pub fn as_ref(&self) -> Placement<'_> {
        let [a, b] = &self.sides;
        Placement {
            host_region_path: &self.host,
            owner_org_id: self.owner_org_id,
            owner_region_path: &self.owner_region,
            partnership_path: &self.partnership,
            partnership_sides: [side(a), side(b)],
            source: Source {
                region_path: &self.source_region,
                org_id: self.source_org_id,
                org_region_path: &self.source_org_region,
            },
        }
    }
}

/// The path of region `code`, "" when there is none (the write reports that as invalid).
pub(crate) async fn region_path_in(tx: &mut Tx, code: &str) -> Result<String, StoreError> {
    Ok(crate::regions::get_in(tx, code)
        .await?
        .map(|r| r.path)
        .unwrap_or_default())
}

/// The region path of org `id`, "" when there is none or no such org.
pub(crate) async fn org_region_in(tx: &mut Tx, id: Option<i64>) -> Result<String, StoreError> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    match crate::orgs::get_in(tx, id).await? {
        Some(o) => region_path_in(tx, &o.region_code).await,
        None => Ok(String::new()),
    }
}

/// Where a project with these fields would sit, with what a placement decision needs of
/// each scope it names.
pub(crate) async fn placement_in(
    tx: &mut Tx,
    f: &ProjectFields,
) -> Result<PlacementFacts, StoreError> {
    let source_region = match &f.source_region_code {
        Some(c) => region_path_in(tx, c).await?,
        None => String::new(),
    };
    let mut facts = PlacementFacts {
        host: region_path_in(tx, &f.host_region_code).await?,
        owner_org_id: f.owner_org_id,
        owner_region: org_region_in(tx, f.owner_org_id).await?,
        source_region,
        source_org_id: f.source_org_id,
        source_org_region: org_region_in(tx, f.source_org_id).await?,
        ..PlacementFacts::default()
    };
    let Some(id) = f.partnership_id else {
        return Ok(facts);
    };
    let Some(partnership) = crate::partnerships::get_in(tx, id).await? else {
        return Ok(facts);
    };
    facts.partnership = partnership.path;
    for (slot, s) in facts
        .sides
        .iter_mut()
        .zip([&partnership.side_a, &partnership.side_b])
    {
        let path = match &s.region_code {
            Some(c) => region_path_in(tx, c).await?,
            None => String::new(),
        };
        *slot = (path, s.org_id);
    }
    Ok(facts)
}
