//! `duikou user …` and `duikou token create`: accounts from the command line.

use anyhow::{bail, Context};
use duikou_core::auth::{Grant, Role, Scope};
use duikou_core::Actor;
use duikou_store::accounts::{NewToken, NewUser};
use duikou_store::Store;

use crate::cli::{TokenCommand, UserCommand};

/// Parses `all`, `org:ID`, `region:CODE` or `partnership:SLUG`.
async fn scope(store: &Store, text: &str) -> anyhow::Result<Scope> {
    let (kind, value) = text.split_once(':').unwrap_or((text, ""));
    Ok(match kind {
        "all" => Scope::All,
        "org" => Scope::Org {
            org_id: value
                .parse()
                .with_context(|| format!("单位编号无效：{value}"))?,
        },
        "region" => Scope::Region {
            region_code: value.to_owned(),
        },
        "partnership" => Scope::Partnership {
            partnership_id: match value.parse() {
                Ok(id) => id,
                Err(_) => store.partnership_by_slug(value).await?.id,
            },
        },
        _ => bail!("范围应为 all、org:编号、region:代码 或 partnership:标识，而不是 {text}"),
    })
}

async fn grant_of(store: &Store, role: &str, scope_text: &str) -> anyhow::Result<Grant> {
    let role = Role::parse(role).with_context(|| {
        format!("角色应为 admin、coordinator、editor、leader 或 viewer：{role}")
    })?;
    Ok(Grant {
        role,
        scope: scope(store, scope_text).await?,
    })
}

pub async fn run(cmd: UserCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match cmd {
        UserCommand::Add {
            login,
            name,
            org,
            password,
            db,
        } => {
            let store = crate::open(&db).await?;
            let new = NewUser {
                display_name: name.unwrap_or_else(|| login.clone()),
                login,
                org_id: org,
                password,
            };
            let (user, generated) = store.as_system(&actor.name).create_user(&new).await?;
            println!("已创建用户 {}", user.login);
            if let Some(p) = generated {
                println!("初始密码（首次登录须修改）：{p}");
            }
        }
        UserCommand::List { db } => {
            let store = crate::open(&db).await?;
            for u in store.users().await? {
                let grants: Vec<String> = u
                    .grants
                    .iter()
                    .map(|g| format!("{}@{}", g.role.code(), scope_text(&g.scope)))
                    .collect();
                let state = if u.disabled { "停用" } else { "正常" };
                println!(
                    "{:<20} {:<12} {state} {}",
                    u.login,
                    u.display_name,
                    grants.join(" ")
                );
            }
        }
        UserCommand::Disable { login, db } => {
            let store = crate::open(&db).await?;
            store
                .as_system(&actor.name)
                .set_user_disabled(&login, true)
                .await?;
            println!("已停用 {login}，其会话已失效、令牌不再可用");
        }
        UserCommand::Enable { login, db } => {
            let store = crate::open(&db).await?;
            store
                .as_system(&actor.name)
                .set_user_disabled(&login, false)
                .await?;
            println!("已启用 {login}");
        }
        UserCommand::ResetPassword { login, db } => {
            let store = crate::open(&db).await?;
            let p = store.as_system(&actor.name).reset_password(&login).await?;
            println!("{login} 的新密码（下次登录须修改）：{p}");
        }
        UserCommand::Grant {
            login,
            role,
            scope,
            db,
        } => {
            let store = crate::open(&db).await?;
            let g = grant_of(&store, &role, &scope).await?;
            store.as_system(&actor.name).grant(&login, &g).await?;
            println!("已授予 {login}：{} @ {scope}", g.role.label_zh());
        }
        UserCommand::Revoke {
            login,
            role,
            scope,
            db,
        } => {
            let store = crate::open(&db).await?;
            let g = grant_of(&store, &role, &scope).await?;
            store.as_system(&actor.name).revoke(&login, &g).await?;
            println!("已撤销 {login}：{} @ {scope}", g.role.label_zh());
        }
    }
    Ok(())
}

fn scope_text(s: &Scope) -> String {
    match s {
        Scope::All => "all".into(),
        Scope::Org { org_id } => format!("org:{org_id}"),
        Scope::Region { region_code } => format!("region:{region_code}"),
        Scope::Partnership { partnership_id } => format!("partnership:{partnership_id}"),
    }
}

pub async fn token(cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create {
            user,
            expires,
            name,
            db,
        } => {
            let store = crate::open(&db).await?;
            let u = store.user(&user).await?;
            let new = NewToken {
                parent: None,
                name,
                expires_in_days: expires,
                grants: None,
            };
            let (_, secret) = store.create_token(&u, &new, chrono::Utc::now()).await?;
            println!("{secret}");
        }
    }
    Ok(())
}
