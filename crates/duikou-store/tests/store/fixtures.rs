//! Small builders of the records tests need, and a seeded world of regions and partnerships:
//!
//! ```text
//! 110000 北京市 ── 110105 朝阳区            310000 上海市
//! 210000 辽宁省 ─┬ 210100 沈阳市 ─┬ 210112 浑南区
//!               │                └ 210191 沈阳经开区 (zone)
//!               └ 210200 大连市
//! 京沈 (北京→沈阳) ── 朝阳—浑南 (nested district pairing)
//! 沪连 (上海→大连)
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use duikou_core::auth::Access;
use duikou_core::partnership::{Partnership, PartnershipInput, PartnershipKind, Side};
use duikou_core::project::ProjectFields;
use duikou_core::project::{Project, StageChange};
use duikou_core::project_code::ProjectCode;
use duikou_core::region::{Region, RegionInput, RegionKind};
use duikou_core::{Actor, Category, Currency, FieldError, Money, Stage};
use duikou_store::{NewProject, Store, StoreError, TransitionInput};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a valid date")
}

/// An ordinary user: may not override the stage rules.
pub fn clerk() -> Actor {
    Actor {
        user_id: Some(7),
        name: "clerk".into(),
        may_override: false,
    }
}

/// An administrator, who may override the stage rules.
/// The clerk's rights on the write path: every right, written down as the clerk (user 7).
pub fn clerk_access() -> Access {
    let mut a = Access::system("clerk");
    a.user_id = Some(7);
    a
}

/// The administrator's rights on the write path (user 1).
pub fn admin_access() -> Access {
    let mut a = Access::system("admin");
    a.user_id = Some(1);
    a
}

/// The rights of `actor` on the write path: every scope, and an administrator's when the
/// actor may override the stage rules.
pub fn access_of(actor: &Actor) -> Access {
    let mut a = Access::system(&actor.name);
    a.user_id = actor.user_id;
    a.admin = actor.may_override;
    a
}

/// Moves project `id` as `actor`, with the store's clock at `today`.
pub async fn transition(
    store: &Store,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
    input: &TransitionInput,
    today: NaiveDate,
) -> Result<(Project, StageChange), StoreError> {
    let store = store.clone().with_today(move || today);
    let scoped = store.with_access(access_of(actor));
    scoped.transition(id, version, input).await
}

pub fn admin() -> Actor {
    Actor {
        user_id: Some(1),
        name: "admin".into(),
        may_override: true,
    }
}

pub fn yuan(y: i64) -> Option<Money> {
    Some(Money::from_yuan(y))
}

pub const YI: i64 = 100_000_000;

pub fn region_input(code: &str, name: &str, kind: RegionKind, parent: Option<&str>) -> RegionInput {
    RegionInput {
        code: code.into(),
        name: name.into(),
        kind,
        parent_code: parent.map(str::to_owned),
    }
}

pub async fn region(
    store: &Store,
    code: &str,
    name: &str,
    kind: RegionKind,
    parent: Option<&str>,
) -> Region {
    store
        .with_access(clerk_access())
        .create_region(&region_input(code, name, kind, parent))
        .await
        .unwrap_or_else(|e| panic!("create region {code}: {e}"))
}

pub fn partnership_input(
    slug: &str,
    name: &str,
    parent: Option<i64>,
    a: &str,
    b: &str,
) -> PartnershipInput {
    PartnershipInput {
        slug: slug.into(),
        name: name.into(),
        kind: if parent.is_some() {
            PartnershipKind::DistrictPairing
        } else {
            PartnershipKind::Counterpart
        },
        parent_id: parent,
        side_a: Side {
            region_code: Some(a.into()),
            org_id: None,
        },
        side_b: Side {
            region_code: Some(b.into()),
            org_id: None,
        },
        since: Some(d(2017, 3, 1)),
    }
}

/// The seeded regions and partnerships (see the module's picture).
pub struct World {
    pub jingshen: Partnership,
    pub chaoyang_hunnan: Partnership,
    pub hulian: Partnership,
}

pub async fn seed(store: &Store) -> World {
    use RegionKind::*;
    region(store, "110000", "北京市", Province, None).await;
    region(store, "110105", "朝阳区", District, Some("110000")).await;
    region(store, "310000", "上海市", Province, None).await;
    region(store, "210000", "辽宁省", Province, None).await;
    region(store, "210100", "沈阳市", City, Some("210000")).await;
    region(store, "210112", "浑南区", District, Some("210100")).await;
    region(store, "210191", "沈阳经济技术开发区", Zone, Some("210100")).await;
    region(store, "210200", "大连市", City, Some("210000")).await;
    let p = |slug, name, parent, a, b| async move {
        store
            .with_access(clerk_access())
            .create_partnership(&partnership_input(slug, name, parent, a, b))
            .await
            .unwrap_or_else(|e| panic!("create partnership {slug}: {e}"))
    };
    let jingshen = p("beijing-shenyang", "京沈对口合作", None, "110000", "210100").await;
    let chaoyang_hunnan = p(
        "chaoyang-hunnan",
        "朝阳区—浑南区结对",
        Some(jingshen.id),
        "110105",
        "210112",
    )
    .await;
    let hulian = p("shanghai-dalian", "沪连对口合作", None, "310000", "210200").await;
    World {
        jingshen,
        chaoyang_hunnan,
        hulian,
    }
}

/// The fields of a plain CNY investment project hosted in `host`.
pub fn fields(name: &str, host: &str) -> ProjectFields {
    ProjectFields {
        code: None,
        external_ids: BTreeMap::new(),
        name: name.into(),
        partnership_id: None,
        source_region_code: None,
        source_org_id: None,
        investor: None,
        host_region_code: host.into(),
        owner_org_id: None,
        category: Category::Investment,
        industry: None,
        planned_start: None,
        planned_production: None,
        currency: Currency::Cny,
        planned_investment: None,
        agreement_amount: None,
        leader: None,
        service_officer: None,
        task_force: None,
        land_area_mu: None,
        address: None,
        note: None,
        generated: false,
        construction: None,
    }
}

pub fn code(text: &str) -> Option<ProjectCode> {
    Some(ProjectCode::parse(text).expect("a valid project code"))
}

pub fn new_project(fields: ProjectFields, stage: Stage, since: NaiveDate) -> NewProject {
    NewProject {
        fields,
        stage,
        stage_since: since,
    }
}

/// Creates a lead entered on 2018-01-01.
pub async fn lead(store: &Store, fields: ProjectFields) -> duikou_core::project::Project {
    let name = fields.name.clone();
    store
        .with_access(clerk_access())
        .create_project(&new_project(fields, Stage::Lead, d(2018, 1, 1)))
        .await
        .unwrap_or_else(|e| panic!("create project {name}: {e}"))
}

/// The first field error of a refused input; panics on any other outcome.
pub fn field_error<T: std::fmt::Debug>(result: Result<T, StoreError>) -> FieldError {
    match result {
        Err(StoreError::Invalid(v)) => v.0.into_iter().next().expect("at least one field error"),
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// Asserts that a refused input names `field` (and returns the error for more checks).
#[track_caller]
pub fn assert_field<T: std::fmt::Debug>(result: Result<T, StoreError>, field: &str) -> FieldError {
    let e = field_error(result);
    assert_eq!(e.field, field, "{e:?}");
    e
}
