//! The demo's users: the administrator `admin`, and one user per role on each side of two
//! partnerships (京沈 and 沪连), so that a tour can see what each role sees.

use anyhow::{Context, Result};
use duikou_core::auth::{Grant, Role, Scope};
use duikou_core::org::OrgKind;
use duikou_core::Actor;
use duikou_store::accounts::NewUser;
use duikou_store::Store;

/// One demo login, as printed for the tour.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub scope: String,
}

/// (partnership slug, login prefix, side's city name, side's region code)
const SIDES: [(&str, &str, &str, &str); 4] = [
    ("beijing-shenyang", "bj", "北京", "110000"),
    ("beijing-shenyang", "sy", "沈阳", "210100"),
    ("shanghai-dalian", "sh", "上海", "310000"),
    ("shanghai-dalian", "dl", "大连", "210200"),
];

/// Creates the demo users with `password` and returns their logins.
pub async fn create(store: &Store, password: &str) -> Result<Vec<DemoLogin>> {
    let actor = Actor::system("demo");
    let mut out = Vec::new();
    add(
        store,
        &actor,
        "admin",
        "系统管理员",
        None,
        password,
        &[(Role::Admin, Scope::All)],
    )
    .await?;
    out.push(DemoLogin {
        login: "admin".into(),
        display_name: "系统管理员".into(),
        role: Role::Admin,
        scope: "全部".into(),
    });
    for (slug, prefix, city, region) in SIDES {
        let partnership = store.partnership_by_slug(slug).await?;
        let office = store
            .orgs(Some(region))
            .await?
            .into_iter()
            .find(|o| o.kind == OrgKind::Office)
            .with_context(|| format!("演示数据缺少{city}的合作办"))?;
        let in_partnership = Scope::Partnership {
            partnership_id: partnership.id,
        };
        let own_region = Scope::Region {
            region_code: region.to_owned(),
        };
        let users = [
            (
                Role::Coordinator,
                "合作办",
                vec![in_partnership.clone()],
                format!("{}（本单位可编辑）", partnership.name),
            ),
            (
                Role::Editor,
                "填报员",
                vec![own_region.clone()],
                format!("{city}（本地落地项目可编辑）"),
            ),
            (
                Role::Leader,
                "领导",
                vec![in_partnership.clone(), own_region.clone()],
                format!("{}、{city}", partnership.name),
            ),
            (
                Role::Viewer,
                "查看",
                vec![in_partnership.clone()],
                partnership.name.clone(),
            ),
        ];
        for (role, title, scopes, scope_label) in users {
            let login = format!("{prefix}-{}", role.code());
            let name = format!("{city}{title}");
            let grants: Vec<(Role, Scope)> = scopes.into_iter().map(|s| (role, s)).collect();
            add(
                store,
                &actor,
                &login,
                &name,
                Some(office.id),
                password,
                &grants,
            )
            .await?;
            out.push(DemoLogin {
                login,
                display_name: name,
                role,
                scope: scope_label,
            });
        }
    }
    Ok(out)
}

async fn add(
    store: &Store,
    actor: &Actor,
    login: &str,
    name: &str,
    org_id: Option<i64>,
    password: &str,
    grants: &[(Role, Scope)],
) -> Result<()> {
    let new = NewUser {
        login: login.to_owned(),
        display_name: name.to_owned(),
        org_id,
        password: Some(password.to_owned()),
    };
    store
        .as_system(&actor.name)
        .create_user(&new)
        .await
        .with_context(|| format!("无法创建演示用户 {login}"))?;
    for (role, scope) in grants {
        let g = Grant {
            role: *role,
            scope: scope.clone(),
        };
        store.as_system(&actor.name).grant(login, &g).await?;
    }
    Ok(())
}
