//! Organisations (单位): offices, departments, district governments, zone committees,
//! enterprises and universities.

use serde::{Deserialize, Serialize};

use crate::error::{Errors, FieldError, ValidationError};
use crate::input::{Input, Reader};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 合作办 and other government offices
    Office,
    /// 委办局 (a department)
    Department,
    /// 区县政府
    DistrictGovernment,
    /// 园区管委会
    ZoneCommittee,
    Enterprise,
    University,
    Other,
}

impl OrgKind {
    pub const ALL: [OrgKind; 7] = [
        OrgKind::Office,
        OrgKind::Department,
        OrgKind::DistrictGovernment,
        OrgKind::ZoneCommittee,
        OrgKind::Enterprise,
        OrgKind::University,
        OrgKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Office => "office",
            OrgKind::Department => "department",
            OrgKind::DistrictGovernment => "district_government",
            OrgKind::ZoneCommittee => "zone_committee",
            OrgKind::Enterprise => "enterprise",
            OrgKind::University => "university",
            OrgKind::Other => "other",
        }
    }
    pub fn parse(code: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Org {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub region_code: String,
    pub parent_id: Option<i64>,
    /// 停用: no longer offered for new records; it stays on the records that name it.
    #[serde(default)]
    pub disabled: bool,
    /// The unit it was merged into (合并), which then holds everything that named it.
    #[serde(default)]
    pub merged_into: Option<i64>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrgInput {
    pub name: String,
    pub kind: OrgKind,
    pub region_code: String,
    pub parent_id: Option<i64>,
}

impl OrgInput {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut errs = Errors::new();
        crate::validate::name(&mut errs, "name", &self.name, crate::text::TextKind::Name);
        if let Err(e) = crate::region::RegionCode::parse(&self.region_code) {
            errs.push("region_code", "region_code", e.0[0].message.clone());
        }
        errs.finish()
    }
}

/// What an administrator does to a unit besides editing its fields: 停用, 启用, and 合并 into
/// another (every reference moves to the kept unit, the merged one is disabled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum OrgAction {
    Disable,
    Enable,
    Merge { into: i64 },
}

/// A unit's state as an action leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgStatus {
    pub disabled: bool,
    pub merged_into: Option<i64>,
}

impl OrgAction {
    /// The action `name` (`disable`, `enable`, `merge` with the kept unit's id in `into`)
    /// from a form, a JSON body or the command line; every bad field named.
    pub fn parse(name: &str, input: &Input) -> Result<OrgAction, Vec<FieldError>> {
        let mut r = Reader::new(input);
        let action = match name {
            "disable" => Some(OrgAction::Disable),
            "enable" => Some(OrgAction::Enable),
            "merge" => match input.get("into") {
                "" => {
                    r.required("into");
                    None
                }
                v => match v.parse::<i64>() {
                    Ok(into) => Some(OrgAction::Merge { into }),
                    Err(_) => {
                        r.errs.push(FieldError::new("into", "number", "请选择单位"));
                        None
                    }
                },
            },
            _ => {
                let e = FieldError::new("action", "choice", format!("未知的单位操作「{name}」"));
                r.errs.push(e);
                None
            }
        };
        r.finish(action)
    }

    /// Its name in the change log.
    pub fn name(self) -> &'static str {
        match self {
            OrgAction::Disable => "disable",
            OrgAction::Enable => "enable",
            OrgAction::Merge { .. } => "merge",
        }
    }

    /// The state `org` is left in, or every reason the action cannot be taken. A merge is
    /// checked against the kept unit too ([`merge_rule`]) where it is read.
    pub fn apply(self, org: &Org) -> Result<OrgStatus, ValidationError> {
        let mut errs = Errors::new();
        if let Some(into) = org.merged_into {
            errs.push(
                "into",
                "merged",
                format!("该单位已合并到单位{into}，不能再停用、启用或合并"),
            );
        }
        let status = match self {
            OrgAction::Disable if org.disabled => {
                errs.push("disabled", "already", "该单位已停用");
                None
            }
            OrgAction::Enable if !org.disabled => {
                errs.push("disabled", "already", "该单位未停用");
                None
            }
            OrgAction::Disable => Some(OrgStatus {
                disabled: true,
                merged_into: None,
            }),
            OrgAction::Enable => Some(OrgStatus {
                disabled: false,
                merged_into: None,
            }),
            OrgAction::Merge { into } if into == org.id => {
                errs.push("into", "self", "不能把单位合并到它自己");
                None
            }
            OrgAction::Merge { into } => Some(OrgStatus {
                disabled: true,
                merged_into: Some(into),
            }),
        };
        errs.finish()?;
        status.ok_or_else(|| ValidationError::one("action", "invalid", "无法执行此操作"))
    }
}

/// Whether `merged` may be merged into `kept`, whose ancestors (parent, its parent …) are
/// `kept_ancestors`: not into itself, not into a disabled or merged unit, not into a unit
/// below it (its children would become its own parent), not twice. Every reason at once.
pub fn merge_rule(merged: &Org, kept: &Org, kept_ancestors: &[i64]) -> Result<(), ValidationError> {
    let mut errs = Errors::new();
    if merged.id == kept.id {
        errs.push("into", "self", "不能把单位合并到它自己");
    } else {
        if kept.disabled || kept.merged_into.is_some() {
            errs.push("into", "disabled", "不能合并到已停用的单位");
        }
        if kept_ancestors.contains(&merged.id) {
            errs.push("into", "below", "不能合并到它的下级单位");
        }
    }
    if merged.merged_into.is_some() {
        errs.push("into", "merged", "该单位已合并过");
    }
    errs.finish()
}

/// What names a unit, counted for the confirmation of a merge: everything that moves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgUses {
    /// Projects it is the 责任单位 of.
    pub projects: i64,
    /// Projects it is the 来源单位 of.
    pub source_projects: i64,
    pub problems: i64,
    pub users: i64,
    pub grants: i64,
    pub warnings: i64,
    pub slips: i64,
    /// Threshold sets of years the kept unit has none of its own (the others stay behind as
    /// history, so the kept unit's thresholds stay in force).
    pub threshold_sets: i64,
    pub children: i64,
    pub partnerships: i64,
    pub channels: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64) -> Org {
        Org {
            id,
            name: format!("单位{id}"),
            kind: OrgKind::Office,
            region_code: "210100".into(),
            parent_id: None,
            disabled: false,
            merged_into: None,
            version: 1,
        }
    }

    fn fields(e: ValidationError) -> Vec<(String, &'static str)> {
        e.0.into_iter().map(|f| (f.field, f.code)).collect()
    }

    #[test]
    fn disable_and_enable_flip_the_state_once() {
        let mut o = org(1);
        let off = OrgAction::Disable.apply(&o).unwrap();
        assert_eq!(
            off,
            OrgStatus {
                disabled: true,
                merged_into: None
            }
        );
        assert!(OrgAction::Enable.apply(&o).is_err(), "not disabled yet");
        o.disabled = true;
        assert!(OrgAction::Disable.apply(&o).is_err(), "disabled already");
        assert!(!OrgAction::Enable.apply(&o).unwrap().disabled);
    }

    #[test]
    fn a_merge_disables_the_unit_and_names_the_kept_one() {
        let got = OrgAction::Merge { into: 2 }.apply(&org(1)).unwrap();
        assert_eq!(
            got,
            OrgStatus {
                disabled: true,
                merged_into: Some(2)
            }
        );
        let e = OrgAction::Merge { into: 1 }.apply(&org(1)).unwrap_err();
        assert_eq!(fields(e), vec![("into".to_owned(), "self")]);
    }

    #[test]
    fn a_merged_unit_takes_no_further_action() {
        let mut o = org(1);
        o.disabled = true;
        o.merged_into = Some(2);
        for a in [OrgAction::Enable, OrgAction::Merge { into: 3 }] {
            let e = a.apply(&o).unwrap_err();
            assert!(fields(e).contains(&("into".to_owned(), "merged")), "{a:?}");
        }
    }

    #[test]
    fn a_merge_is_not_into_itself_a_disabled_unit_or_a_unit_below() {
        let (a, mut b) = (org(1), org(2));
        assert!(merge_rule(&a, &b, &[]).is_ok());
        assert_eq!(
            fields(merge_rule(&a, &a, &[]).unwrap_err()),
            vec![("into".to_owned(), "self")]
        );
        b.disabled = true;
        let e = merge_rule(&a, &b, &[7, 1]).unwrap_err();
        assert_eq!(
            fields(e),
            vec![
                ("into".to_owned(), "disabled"),
                ("into".to_owned(), "below")
            ],
            "every reason at once"
        );
        let mut merged = org(1);
        merged.merged_into = Some(5);
        assert!(merge_rule(&merged, &org(3), &[]).is_err());
    }

    #[test]
    fn a_merge_names_the_kept_unit_by_number() {
        let input = |v: &str| Input::from_pairs([("into", v)]);
        assert_eq!(
            OrgAction::parse("merge", &input("7")),
            Ok(OrgAction::Merge { into: 7 })
        );
        for bad in ["", "x"] {
            let e = OrgAction::parse("merge", &input(bad)).unwrap_err();
            assert_eq!(e[0].field, "into", "{bad:?}");
        }
        assert_eq!(
            OrgAction::parse("disable", &input("")),
            Ok(OrgAction::Disable)
        );
        assert_eq!(
            OrgAction::parse("drop", &input("")).unwrap_err()[0].field,
            "action"
        );
    }
}
