//! Roles, scopes and the decisions of who may read and change what (权限).
//!
//! A user holds grants; a grant is a role over a scope: an org (单位), a region subtree
//! (行政区划) or a partnership (对口合作关系, with the partnerships nested under it). Grants are
//! resolved once per request into an [`Access`] (paths and org ids), from which every decision
//! is a pure function of a record's [`RecordRef`] — the same for pages, API and CLI.
//!
//! The rules:
//! - `admin` reads and changes everything, and alone manages users, templates and the calendar.
//! - `leader` and `viewer` read what their scopes hold; they change nothing.
//! - `editor` and `coordinator` read what their scopes hold and change the records whose owner
//!   org is theirs (an org scope), or which their region holds (a region scope). A partnership
//!   scope lets them read the partnership's records but change only those their own org owns:
//!   the partner side sees the shared books without editing the other city's.

use serde::{Deserialize, Serialize};

use crate::actor::Actor;

mod placement;
pub use placement::{Placement, SideRef, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Coordinator,
    Editor,
    Leader,
    Viewer,
}

impl Role {
    /// From the least right to the most: the order a choice of role is offered in.
    pub const LEAST_FIRST: [Role; 5] = [
        Role::Viewer,
        Role::Leader,
        Role::Editor,
        Role::Coordinator,
        Role::Admin,
    ];
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Coordinator,
        Role::Editor,
        Role::Leader,
        Role::Viewer,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Editor => "editor",
            Role::Leader => "leader",
            Role::Viewer => "viewer",
        }
    }
    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Coordinator => "合作办",
            Role::Editor => "填报员",
            Role::Leader => "领导",
            Role::Viewer => "查看",
        }
    }
    /// Whether this role changes records at all.
    pub fn edits(self) -> bool {
        matches!(self, Role::Admin | Role::Coordinator | Role::Editor)
    }
}

/// What a grant covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// Everything (for admins and national leaders).
    All,
    Org {
        org_id: i64,
    },
    /// A region and its subtree, by code.
    Region {
        region_code: String,
    },
    /// A partnership and those nested under it, by id.
    Partnership {
        partnership_id: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
}

impl Grant {
    /// Whether giving it needs the administrator to confirm first: the administrator's role,
    /// or any role over everything.
    pub fn needs_confirmation(&self) -> bool {
        self.role == Role::Admin || self.scope == Scope::All
    }
}

/// A grant with its scope resolved to what records carry (paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedScope {
    All,
    Org(i64),
    RegionPath(String),
    PartnershipPath(String),
}

/// Where a record sits, for decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    pub owner_org_id: Option<i64>,
    pub host_region_path: &'a str,
    pub source_region_path: &'a str,
    pub partnership_path: &'a str,
}

/// A user's resolved rights: what they read, what they change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    pub user_id: Option<i64>,
    pub login: String,
    /// The user's own org.
    pub org_id: Option<i64>,
    pub admin: bool,
    pub read: Vec<ResolvedScope>,
    pub edit: Vec<ResolvedScope>,
    /// Where the user supervises (督办): coordinators' and leaders' scopes.
    pub supervise: Vec<ResolvedScope>,
}

fn within(path: &str, prefix: &str) -> bool {
    !prefix.is_empty() && path.starts_with(prefix)
}

impl Access {
    /// The rights of a user from their grants, with each scope resolved by the caller.
    pub fn from_grants(
        user_id: Option<i64>,
        login: &str,
        org_id: Option<i64>,
        grants: &[(Role, ResolvedScope)],
    ) -> Access {
        let mut a = Access {
            user_id,
            login: login.to_owned(),
            org_id,
            ..Access::default()
        };
        for (role, scope) in grants {
            if *role == Role::Admin {
                a.admin = true;
            }
            a.read.push(scope.clone());
            if matches!(role, Role::Coordinator | Role::Leader) {
                a.supervise.push(scope.clone());
            }
            if role.edits() {
                match scope {
                    // A partnership scope edits only the user's own org's records.
                    ResolvedScope::PartnershipPath(_) => {
                        if let Some(o) = org_id {
                            a.edit.push(ResolvedScope::Org(o));
                        }
                    }
                    other => a.edit.push(other.clone()),
                }
            }
        }
        if a.admin {
            a.read = vec![ResolvedScope::All];
            a.edit = vec![ResolvedScope::All];
            a.supervise = vec![ResolvedScope::All];
        }
        a
    }

    /// Full rights, for the system itself (demo, generators, operators' CLI).
    pub fn system(name: &str) -> Access {
        Access {
            user_id: None,
            login: name.to_owned(),
            org_id: None,
            admin: true,
            read: vec![ResolvedScope::All],
            edit: vec![ResolvedScope::All],
            supervise: vec![ResolvedScope::All],
        }
    }

    fn covers(scopes: &[ResolvedScope], r: &RecordRef<'_>, by_host_only: bool) -> bool {
        scopes.iter().any(|s| match s {
            ResolvedScope::All => true,
            ResolvedScope::Org(id) => r.owner_org_id == Some(*id),
            ResolvedScope::RegionPath(p) => {
                within(r.host_region_path, p) || (!by_host_only && within(r.source_region_path, p))
            }
            ResolvedScope::PartnershipPath(p) => within(r.partnership_path, p),
        })
    }

    /// Reads a record: any of the user's scopes holds it (a region scope holds both the
    /// projects it hosts and those it sends).
    pub fn can_read(&self, r: &RecordRef<'_>) -> bool {
        Self::covers(&self.read, r, false)
    }

    /// Changes a record: an editing scope holds it (a region scope only for the projects the
    /// region hosts: a sending city does not edit the receiving city's books).
    pub fn can_edit(&self, r: &RecordRef<'_>) -> bool {
        Self::covers(&self.edit, r, true)
    }

    /// Supervises a record (accepts, returns, closes slips; opens them by hand).
    pub fn can_supervise(&self, r: &RecordRef<'_>) -> bool {
        Self::covers(&self.supervise, r, false)
    }

    /// Whether a record waits on this user ("mine"): it belongs to the user's own org, or the
    /// user may change it, or supervise it. What "我的待处理" lists.
    pub fn acts_on(&self, r: &RecordRef<'_>, record_org_id: Option<i64>) -> bool {
        (self.org_id.is_some() && record_org_id == self.org_id)
            || self.can_edit(r)
            || self.can_supervise(r)
    }

    /// Whether the user reads everything.
    pub fn reads_all(&self) -> bool {
        self.read.contains(&ResolvedScope::All)
    }

    /// Whether the user changes anything at all.
    pub fn edits_any(&self) -> bool {
        !self.edit.is_empty()
    }

    /// The actor that history and the audit log name for this user.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user_id,
            name: self.login.clone(),
            may_override: self.admin,
        }
    }
}

/// The password policy: at least 10 characters, of at least two kinds (letters, digits,
/// others), and not containing the login.
pub fn check_password(login: &str, password: &str) -> Result<(), crate::ValidationError> {
    let n = password.chars().count();
    let kinds = [
        password.chars().any(|c| c.is_alphabetic()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|k| **k)
    .count();
    let problem = if n < 10 {
        Some("密码至少10位")
    } else if n > 128 {
        Some("密码不能超过128位")
    } else if kinds < 2 {
        Some("密码须包含字母、数字、符号中的至少两类")
    } else if !login.is_empty() && password.to_lowercase().contains(&login.to_lowercase()) {
        Some("密码不能包含用户名")
    } else {
        None
    };
    match problem {
        Some(m) => Err(crate::ValidationError::one(
            "password",
            "password_policy",
            m,
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHENYANG_PROJECT: RecordRef<'static> = RecordRef {
        owner_org_id: Some(20),
        host_region_path: "/210000/210100/210112/",
        source_region_path: "/110000/110105/",
        partnership_path: "/1/",
    };

    fn access(role: Role, scope: ResolvedScope, org: i64) -> Access {
        Access::from_grants(Some(1), "u", Some(org), &[(role, scope)])
    }

    #[test]
    fn an_editor_of_the_host_district_edits_its_projects() {
        let a = access(
            Role::Editor,
            ResolvedScope::RegionPath("/210000/210100/210112/".into()),
            99,
        );
        assert!(a.can_read(&SHENYANG_PROJECT));
        assert!(a.can_edit(&SHENYANG_PROJECT));
    }

    #[test]
    fn the_partner_side_reads_the_shared_projects_but_does_not_edit_them() {
        let beijing = access(
            Role::Coordinator,
            ResolvedScope::PartnershipPath("/1/".into()),
            10,
        );
        assert!(beijing.can_read(&SHENYANG_PROJECT));
        assert!(!beijing.can_edit(&SHENYANG_PROJECT));
        let shenyang_office = access(
            Role::Coordinator,
            ResolvedScope::PartnershipPath("/1/".into()),
            20,
        );
        assert!(
            shenyang_office.can_edit(&SHENYANG_PROJECT),
            "its own org owns the project"
        );
    }

    #[test]
    fn a_sending_region_reads_but_does_not_edit() {
        let chaoyang = access(
            Role::Editor,
            ResolvedScope::RegionPath("/110000/".into()),
            10,
        );
        assert!(chaoyang.can_read(&SHENYANG_PROJECT));
        assert!(!chaoyang.can_edit(&SHENYANG_PROJECT));
    }

    #[test]
    fn leaders_and_viewers_never_edit() {
        for role in [Role::Leader, Role::Viewer] {
            let a = access(role, ResolvedScope::All, 20);
            assert!(a.can_read(&SHENYANG_PROJECT));
            assert!(!a.can_edit(&SHENYANG_PROJECT));
            assert!(!a.edits_any());
        }
    }

    #[test]
    fn an_out_of_scope_user_neither_reads_nor_edits() {
        let dalian = access(
            Role::Editor,
            ResolvedScope::RegionPath("/210000/210200/".into()),
            30,
        );
        assert!(!dalian.can_read(&SHENYANG_PROJECT));
        assert!(!dalian.can_edit(&SHENYANG_PROJECT));
    }

    #[test]
    fn a_sibling_path_is_not_inside_a_prefix() {
        let a = access(
            Role::Viewer,
            ResolvedScope::PartnershipPath("/1/".into()),
            1,
        );
        let other = RecordRef {
            partnership_path: "/12/",
            ..SHENYANG_PROJECT
        };
        let other = RecordRef {
            host_region_path: "/440000/",
            source_region_path: "",
            ..other
        };
        assert!(!a.can_read(&other));
    }

    #[test]
    fn an_admin_does_everything() {
        let a = access(Role::Admin, ResolvedScope::Org(5), 5);
        assert!(a.admin && a.can_edit(&SHENYANG_PROJECT) && a.actor().may_override);
    }

    #[test]
    fn the_password_policy_names_what_is_wrong() {
        assert!(check_password("zhangsan", "short1").is_err());
        assert!(check_password("zhangsan", "onlyletterslong").is_err());
        assert!(check_password("zhangsan", "Zhangsan2024!").is_err());
        assert!(check_password("zhangsan", "Liaoning-2024").is_ok());
    }
}
