//! Where a write puts a record, and whether the writer may put it there.
//!
//! Reading and changing a record are decided on where it sits now ([`Access::can_edit`]).
//! A write that creates a record or changes its place also decides where it sits next: each
//! scope it touches must be the writer's own, or a writer could put records into another
//! partnership's or city's books, beyond their reach to correct. The rules:
//! - **host region** (落地地区): inside one of the writer's editing regions, or inside the
//!   region of the owner org when the writer edits by that org;
//! - **owner org** (责任单位): an org the writer edits by, or an org that sits inside one of
//!   their editing regions;
//! - **partnership** (合作关系): one of the writer's partnerships (any role), or one with a
//!   side that overlaps a region or org the writer edits by.
//!
//! The source region (来源地) is not a scope of the writer's: it names where the investment
//! comes from, which the sending side then reads but never edits.

use super::{within, Access, ResolvedScope};
use crate::FieldError;

/// One side of a partnership, as placement sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SideRef<'a> {
    /// The side's region path ("" when the side is an org only).
    pub region_path: &'a str,
    pub org_id: Option<i64>,
}

/// Where a record would sit after a write. Paths are "" where the record has no such scope,
/// or where it names one that does not exist (the store reports that as invalid input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement<'a> {
    pub host_region_path: &'a str,
    pub owner_org_id: Option<i64>,
    /// The owner org's region path.
    pub owner_region_path: &'a str,
    pub partnership_path: &'a str,
    pub partnership_sides: [SideRef<'a>; 2],
}

/// Two region subtrees overlap when one holds the other.
fn overlap(a: &str, b: &str) -> bool {
    within(a, b) || within(b, a)
}

impl Access {
    /// The fields of a placement that are out of the writer's rights, each with a message;
    /// empty when the writer may place the record there.
    pub fn placement_errors(&self, p: &Placement<'_>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if self.admin {
            return errs;
        }
        if !p.host_region_path.is_empty() && !self.may_host(p) {
            errs.push(FieldError::new(
                "host_region_code",
                "out_of_scope",
                "无权在该落地地区登记项目：须为本人可编辑的地区，或责任单位所在地区",
            ));
        }
        if p.owner_org_id.is_some() && !self.may_own(p) {
            errs.push(FieldError::new(
                "owner_org_id",
                "out_of_scope",
                "无权将项目交由该单位负责：须为本单位或本人可编辑地区内的单位",
            ));
        }
        if !p.partnership_path.is_empty() && !self.may_join(p) {
            errs.push(FieldError::new(
                "partnership_id",
                "out_of_scope",
                "无权将项目列入该合作关系：须为本人所属的合作关系，或一方为本人可编辑的地区或单位",
            ));
        }
        errs
    }

    fn may_host(&self, p: &Placement<'_>) -> bool {
        self.edit.iter().any(|s| match s {
            ResolvedScope::All => true,
            ResolvedScope::RegionPath(r) => within(p.host_region_path, r),
            ResolvedScope::Org(o) => {
                p.owner_org_id == Some(*o) && within(p.host_region_path, p.owner_region_path)
            }
            ResolvedScope::PartnershipPath(_) => false,
        })
    }

    /// Whether the writer may hand a record of a project (a problem's 责任单位) to org
    /// `org_id`, sitting in region `org_region_path`: an org they may make a project's owner,
    /// or one the project already involves — its owner org, a partnership side's org, or an
    /// org inside its host region or a side's region. Anything else would put the record in
    /// the inbox of a unit that has nothing to do with the project.
    pub fn may_assign(&self, org_id: i64, org_region_path: &str, project: &Placement<'_>) -> bool {
        let as_owner = Placement {
            owner_org_id: Some(org_id),
            owner_region_path: org_region_path,
            ..*project
        };
        let involved = |region: &str| !region.is_empty() && within(org_region_path, region);
        self.admin
            || self.may_own(&as_owner)
            || project.owner_org_id == Some(org_id)
            || involved(project.host_region_path)
            || project
                .partnership_sides
                .iter()
                .any(|side| side.org_id == Some(org_id) || involved(side.region_path))
    }

    /// The error for an org [`Access::may_assign`] refuses, under `field`.
    pub fn assignment_error(field: &str) -> FieldError {
        FieldError::new(
            field,
            "out_of_scope",
            "无权交由该单位办理：须为本单位、本人可编辑地区内的单位，或项目所在地区、合作双方的单位",
        )
    }

    fn may_own(&self, p: &Placement<'_>) -> bool {
        self.edit.iter().any(|s| match s {
            ResolvedScope::All => true,
            ResolvedScope::RegionPath(r) => within(p.owner_region_path, r),
            ResolvedScope::Org(o) => p.owner_org_id == Some(*o),
            ResolvedScope::PartnershipPath(_) => false,
        })
    }

    fn may_join(&self, p: &Placement<'_>) -> bool {
        let member = self.read.iter().any(|s| match s {
            ResolvedScope::All => true,
            ResolvedScope::PartnershipPath(q) => within(p.partnership_path, q),
            _ => false,
        });
        member
            || p.partnership_sides.iter().any(|side| {
                self.edit.iter().any(|s| match s {
                    ResolvedScope::All => true,
                    ResolvedScope::RegionPath(r) => overlap(side.region_path, r),
                    ResolvedScope::Org(o) => {
                        side.org_id == Some(*o)
                            || (p.owner_org_id == Some(*o)
                                && overlap(side.region_path, p.owner_region_path))
                    }
                    ResolvedScope::PartnershipPath(_) => false,
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::super::Role;
    use super::*;

    const SHANGHAI: &str = "/310000/";
    const SHENYANG: &str = "/210000/210100/";
    const HEPING: &str = "/210000/210100/210102/";
    const BEIJING: &str = "/110000/";

    /// 京沈: Beijing and Shenyang, at partnership path /4/.
    fn jingshen<'a>(host: &'a str, owner: Option<(i64, &'a str)>) -> Placement<'a> {
        Placement {
            host_region_path: host,
            owner_org_id: owner.map(|o| o.0),
            owner_region_path: owner.map_or("", |o| o.1),
            partnership_path: "/4/",
            partnership_sides: [
                SideRef {
                    region_path: BEIJING,
                    org_id: None,
                },
                SideRef {
                    region_path: SHENYANG,
                    org_id: None,
                },
            ],
        }
    }

    fn fields(errs: Vec<FieldError>) -> Vec<String> {
        errs.into_iter().map(|e| e.field).collect()
    }

    fn editor(region: &str, org: i64) -> Access {
        Access::from_grants(
            Some(1),
            "e",
            Some(org),
            &[(Role::Editor, ResolvedScope::RegionPath(region.into()))],
        )
    }

    #[test]
    fn a_shanghai_editor_cannot_put_a_project_into_another_partnership_or_org() {
        let sh = editor(SHANGHAI, 30);
        let p = jingshen(SHANGHAI, Some((27, HEPING)));
        assert_eq!(
            fields(sh.placement_errors(&p)),
            ["owner_org_id", "partnership_id"]
        );
        let p = jingshen(HEPING, Some((27, HEPING)));
        assert_eq!(
            fields(sh.placement_errors(&p)),
            ["host_region_code", "owner_org_id", "partnership_id"]
        );
    }

    #[test]
    fn a_shenyang_district_editor_places_into_its_city_partnership() {
        let heping = editor(HEPING, 27);
        assert!(heping
            .placement_errors(&jingshen(HEPING, Some((27, HEPING))))
            .is_empty());
        assert_eq!(
            fields(heping.placement_errors(&jingshen(SHENYANG, None))),
            ["host_region_code"],
            "the city is wider than the district"
        );
    }

    #[test]
    fn a_coordinator_places_only_with_their_own_org_in_its_region() {
        let sy = Access::from_grants(
            Some(2),
            "c",
            Some(20),
            &[(
                Role::Coordinator,
                ResolvedScope::PartnershipPath("/4/".into()),
            )],
        );
        assert!(sy
            .placement_errors(&jingshen(HEPING, Some((20, SHENYANG))))
            .is_empty());
        assert_eq!(
            fields(sy.placement_errors(&jingshen(SHANGHAI, Some((20, SHENYANG))))),
            ["host_region_code"]
        );
        assert_eq!(
            fields(sy.placement_errors(&jingshen(HEPING, Some((27, HEPING))))),
            ["host_region_code", "owner_org_id"]
        );
    }

    #[test]
    fn a_problem_goes_only_to_a_unit_the_writer_or_the_project_involves() {
        let heping = editor(HEPING, 30);
        // A project of 京沈 in 和平区, owned by org 27.
        let project = jingshen(HEPING, Some((27, HEPING)));
        assert!(
            heping.may_assign(30, HEPING, &project),
            "the writer's own unit"
        );
        assert!(
            heping.may_assign(27, HEPING, &project),
            "the project's owner"
        );
        assert!(
            heping.may_assign(40, BEIJING, &project),
            "a unit of the other side"
        );
        assert!(
            !heping.may_assign(50, SHANGHAI, &project),
            "a unit in Shanghai"
        );
        // A unit elsewhere in Shenyang is a side's too (the side is the city).
        assert!(heping.may_assign(60, "/210000/210100/210112/", &project));
        let other = jingshen(HEPING, None);
        let lone = Placement {
            partnership_path: "",
            partnership_sides: [SideRef {
                region_path: "",
                org_id: None,
            }; 2],
            ..other
        };
        assert!(
            !heping.may_assign(40, BEIJING, &lone),
            "no side, no Beijing"
        );
        let admin =
            Access::from_grants(Some(4), "a", None, &[(Role::Admin, ResolvedScope::Org(1))]);
        assert!(admin.may_assign(50, SHANGHAI, &lone));
    }

    #[test]
    fn readers_place_nothing_and_admins_place_anything() {
        let leader = Access::from_grants(
            Some(3),
            "l",
            Some(20),
            &[(Role::Leader, ResolvedScope::All)],
        );
        assert_eq!(
            fields(leader.placement_errors(&jingshen(HEPING, Some((27, HEPING))))),
            ["host_region_code", "owner_org_id"]
        );
        let admin =
            Access::from_grants(Some(4), "a", None, &[(Role::Admin, ResolvedScope::Org(1))]);
        assert!(admin
            .placement_errors(&jingshen(SHANGHAI, Some((27, HEPING))))
            .is_empty());
    }

    #[test]
    fn a_sibling_region_is_not_an_overlap() {
        let a = editor("/21/", 1);
        let p = Placement {
            partnership_sides: [
                SideRef {
                    region_path: "/210000/",
                    org_id: None,
                },
                SideRef {
                    region_path: "",
                    org_id: None,
                },
            ],
            ..jingshen("/21/", None)
        };
        assert_eq!(fields(a.placement_errors(&p)), ["partnership_id"]);
    }
}
