//! 新建项目 with the name of a project already in the region: the form comes back naming it,
//! with a link, and creates the project only when the writer ticks that it is another one. The
//! same name in another region is no duplicate.

use duikou_core::auth::Access;
use duikou_core::region::{RegionInput, RegionKind};
use duikou_store::{ProjectFilter, Store};
use reqwest::StatusCode;

use super::start_with;
use super::warnings::{csrf_of, troubled};

async fn count(store: &Store) -> i64 {
    store
        .project_count(&ProjectFilter::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_duplicate_name_is_warned_and_created_only_when_confirmed() {
    let (app, store) = start_with().await;
    let existing = troubled(&store).await;
    let access = Access::system("ui-tests");
    let dalian = RegionInput {
        code: "210200".into(),
        name: "大连市".into(),
        kind: RegionKind::City,
        parent_code: Some("210000".into()),
    };
    store.scoped(&access).create_region(&dalian).await.unwrap();
    let cookie = app.login_as("admin").await;
    let (_, page) = app.page(&cookie, "/projects/new").await;
    let token = csrf_of(&page);
    let today = store.today().to_string();
    let form = |name: &'static str, host: &'static str| {
        vec![
            ("csrf_token", token.clone()),
            ("name", name.to_owned()),
            ("host_region_code", host.to_owned()),
            ("category", "investment".to_owned()),
            ("stage", "lead".to_owned()),
            ("stage_since", today.clone()),
            ("leader", "赵六".to_owned()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let app = &app;
        let cookie = &cookie;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_page(cookie, "/projects", &pairs).await
        }
    };

    // In 沈阳市, whose subtree holds the existing one in 浑南区.
    let (status, body) = post(form(" 浑南新材料产业园 ", "210100")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("该地区已有同名项目"), "{body}");
    assert!(body.contains(&format!(r#"href="/projects/{existing}""#)));
    assert!(body.contains("仍然新建（确认不是同一项目）"));
    assert!(body.contains(r#"value="赵六""#), "what was typed is kept");
    assert_eq!(count(&store).await, 1, "nothing created");

    let mut confirmed = form(" 浑南新材料产业园 ", "210100");
    confirmed.push(("confirm", "on".to_owned()));
    let (status, body) = post(confirmed).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(count(&store).await, 2);

    // The same name in 大连市 is another project.
    let (status, body) = post(form("浑南新材料产业园", "210200")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(count(&store).await, 3);
}
