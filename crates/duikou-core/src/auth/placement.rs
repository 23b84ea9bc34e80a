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
//! - **source side** (来源地, 来源单位): where the investment comes from. The sending side
//!   reads the project and counts it in its statistics (but never edits it), so naming a
//!   source puts the record in that side's books too: the source region must lie inside one
//!   of the writer's editing regions or inside a side of the project's partnership; the
//!   source org must be an org the writer edits by, an org inside one of their editing
//!   regions, or a side's org or an org inside a side's region. A write that keeps the source
//!   the record already has is not moving it and is allowed (see [`Placement::source`]).

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
    /// Where the investment comes from. A field the write leaves as it was is given as
    /// [`Source::default`] (nothing to check).
    pub source: Source<'a>,
}

/// The source side of a placement (来源地, 来源单位).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Source<'a> {
    /// The source region's path ("" for none).
    pub region_path: &'a str,
    pub org_id: Option<i64>,
    /// The source org's region path.
    pub org_region_path: &'a str,
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
        if !p.source.region_path.is_empty() && !self.may_source_region(p) {
            errs.push(FieldError::new(
                "source_region_code",
                "out_of_scope",
                "无权填写该来源地：须为本人可编辑的地区，或项目所属合作关系一方的地区",
            ));
        }
        if p.source.org_id.is_some() && !self.may_source_org(p) {
            errs.push(FieldError::new(
                "source_org_id",
                "out_of_scope",
                "无权填写该来源单位：须为本单位、本人可编辑地区内的单位，或合作关系一方的单位",
            ));
        }
        errs
    }

    /// The source region lies in an editing region or in a side of the partnership.
    fn may_source_region(&self, p: &Placement<'_>) -> bool {
        let src = p.source.region_path;
        self.edit.iter().any(|s| match s {
            ResolvedScope::All => true,
            ResolvedScope::RegionPath(r) => within(src, r),
            ResolvedScope::Org(_) | ResolvedScope::PartnershipPath(_) => false,
        }) || p
            .partnership_sides
            .iter()
            .any(|side| !side.region_path.is_empty() && within(src, side.region_path))
    }

    /// The source org is the writer's, in an editing region, or a side's.
    fn may_source_org(&self, p: &Placement<'_>) -> bool {
        let (org, region) = (p.source.org_id, p.source.org_region_path);
        let in_region = |r: &str| !r.is_empty() && !region.is_empty() && within(region, r);
        self.edit.iter().any(|s| match s {
            ResolvedScope::All => true,
            ResolvedScope::RegionPath(r) => in_region(r),
            ResolvedScope::Org(o) => org == Some(*o),
            ResolvedScope::PartnershipPath(_) => false,
        }) || p.partnership_sides.iter().any(|side| {
            (side.org_id.is_some() && side.org_id == org) || in_region(side.region_path)
        })
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
            source: Source::default(),
        }
    }

    fn sourced<'a>(
        p: Placement<'a>,
        region: &'a str,
        org: Option<(i64, &'a str)>,
    ) -> Placement<'a> {
        Placement {
            source: Source {
                region_path: region,
                org_id: org.map(|o| o.0),
                org_region_path: org.map_or("", |o| o.1),
            },
            ..p
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

    #[test]
    fn the_source_side_is_the_writers_or_a_side_of_the_partnership() {
        const CHAOYANG: &str = "/110000/110105/";
        let sh = editor(SHANGHAI, 30);
        let heping = editor(HEPING, 27);
        let own = |host| jingshen(host, Some((27, HEPING)));
        // Sourced from Beijing, a side of 京沈: the Heping editor may say so.
        assert!(heping
            .placement_errors(&sourced(own(HEPING), CHAOYANG, Some((40, CHAOYANG))))
            .is_empty());
        // Shanghai is no side of 京沈, nor the Heping editor's.
        assert_eq!(
            fields(heping.placement_errors(&sourced(own(HEPING), SHANGHAI, Some((50, SHANGHAI))))),
            ["source_region_code", "source_org_id"]
        );
        // The Shanghai editor's own project, in no partnership, cannot count in Beijing's
        // books as sent from there.
        let lone = Placement {
            partnership_path: "",
            partnership_sides: [SideRef {
                region_path: "",
                org_id: None,
            }; 2],
            ..jingshen(SHANGHAI, Some((30, SHANGHAI)))
        };
        assert!(sh.placement_errors(&lone).is_empty());
        assert_eq!(
            fields(sh.placement_errors(&sourced(lone, CHAOYANG, Some((40, CHAOYANG))))),
            ["source_region_code", "source_org_id"]
        );
        // … but from its own region and its own org, yes.
        assert!(sh
            .placement_errors(&sourced(lone, SHANGHAI, Some((30, SHANGHAI))))
            .is_empty());
        let admin =
            Access::from_grants(Some(4), "a", None, &[(Role::Admin, ResolvedScope::Org(1))]);
        assert!(admin
            .placement_errors(&sourced(lone, CHAOYANG, Some((40, CHAOYANG))))
            .is_empty());
    }

    #[test]
    fn an_org_of_a_side_is_a_source_even_outside_any_region() {
        let heping = editor(HEPING, 27);
        let mut p = sourced(jingshen(HEPING, Some((27, HEPING))), "", Some((41, "")));
        assert_eq!(fields(heping.placement_errors(&p)), ["source_org_id"]);
        p.partnership_sides[0].org_id = Some(41);
        assert!(heping.placement_errors(&p).is_empty());
    }
}
