//! The money-over-time chart on the project page and, on the dashboard, the change on last
//! year (同比) and the latest stage changes with the stage each project left.

use duikou_core::auth::Access;
use duikou_core::money::Money;
use duikou_core::progress_report::{Period, ProgressReportFields};
use duikou_core::Stage;
use duikou_store::TransitionInput;
use reqwest::StatusCode;

use super::start_with;
use super::warnings::troubled;

#[tokio::test]
async fn the_project_page_charts_its_money_and_the_dashboard_shows_the_year_on_year_change() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let access = Access::system("setup");
    let scoped = store.scoped(&access);
    let today = store.today();
    let cookie = app.login_as("viewer").await;
    let (_, page) = app.page(&cookie, &format!("/projects/{id}")).await;
    assert!(
        !page.contains(r#"id="money-chart""#),
        "no reports, no chart"
    );
    for (period, invested, funds) in [
        ("2024-03", 100_000_000, 50_000_000),
        ("2024-06", 380_000_000, 210_000_000),
    ] {
        let f = ProgressReportFields {
            period: Period::parse(period).unwrap(),
            invested_to_date: Some(Money::from_yuan(invested)),
            funds_in_place: Some(Money::from_yuan(funds)),
            trade_volume: None,
            output_value: None,
            note: None,
            correction: None,
        };
        scoped.create_progress_report(id, &f).await.unwrap();
    }
    let (status, page) = app.page(&cookie, &format!("/projects/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let chart = page
        .split(r#"id="money-chart""#)
        .nth(1)
        .and_then(|r| r.split("</figure>").next())
        .unwrap()
        .to_owned();
    assert!(
        chart.contains("2024-03") && chart.contains("2024-06"),
        "{chart}"
    );
    assert!(
        chart.contains(">3.80</text>") && chart.contains(">2.10</text>"),
        "{chart}"
    );

    // The project moves from 签约 to 落地 today: the dashboard lists the change.
    let input = TransitionInput {
        to: Stage::Landed,
        effective_date: Some(today),
        reason: None,
        override_rules: false,
    };
    scoped.transition(id, None, &input).await.unwrap();
    let (status, page) = app.page(&cookie, "/").await;
    assert_eq!(status, StatusCode::OK);
    let latest = page
        .split(r#"id="latest-transitions""#)
        .nth(1)
        .and_then(|r| r.split("</tbody>").next())
        .unwrap()
        .to_owned();
    assert!(latest.contains("签约 → "), "{latest}");
    assert!(latest.contains("落地"), "{latest}");
    // A year ago nothing existed: each headline figure says so rather than inventing a rate.
    assert_eq!(page.matches("同比 —").count(), 5, "{page}");

    // A project signed 400 days ago: one project then, two now.
    let mut old = scoped.project(id).await.unwrap().fields;
    old.name = "于洪旧项目".into();
    let new = duikou_store::NewProject {
        fields: old,
        stage: Stage::Signed,
        stage_since: today - chrono::Duration::days(400),
    };
    scoped.create_project(&new).await.unwrap();
    let (_, page) = app.page(&cookie, "/").await;
    assert!(
        page.contains(r#"<span class="change up">同比 +100.0%</span>"#),
        "{page}"
    );
}

/// "我的待处理预警" lists what waits on the user: the editor of the district sees the overdue
/// problem's warning and its count opens the list of exactly those; a reader of everything
/// from no unit sees the warning in the inbox but not as theirs.
#[tokio::test]
async fn my_warnings_are_those_the_user_may_act_on_and_the_count_opens_them() {
    use duikou_core::auth::{Grant, Role, Scope};
    use duikou_store::accounts::NewUser;

    let (app, store) = start_with().await;
    troubled(&store).await;
    let system = store.as_system("ui-tests");
    let new = NewUser {
        login: "reader".into(),
        display_name: "全局查看".into(),
        org_id: None,
        password: Some(super::PASSWORD.into()),
    };
    system.create_user(&new).await.unwrap();
    let all = Grant {
        role: Role::Viewer,
        scope: Scope::All,
    };
    system.grant("reader", &all).await.unwrap();

    let mine_link = "/warnings?mine=1&amp;status=open";
    for (login, expected) in [("editor", 1), ("reader", 0)] {
        let cookie = app.login_as(login).await;
        let (status, page) = app.page(&cookie, "/").await;
        assert_eq!(status, StatusCode::OK);
        let count = format!(r#"id="my-warnings-total" href="{mine_link}">{expected}</a>"#);
        assert!(page.contains(&count), "{login}: {page}");
        assert_eq!(
            page.contains(r#"id="my-warnings""#),
            expected > 0,
            "{login}"
        );
        let (_, list) = app.page(&cookie, &mine_link.replace("&amp;", "&")).await;
        assert_eq!(
            list.matches("data-warning=").count(),
            expected,
            "{login}: {list}"
        );
        let (_, inbox) = app.page(&cookie, "/warnings").await;
        assert_eq!(
            inbox.matches("data-warning=").count(),
            1,
            "{login} reads it"
        );
    }
}

/// 责任单位 reads in groups: units ordered by region (a city's districts together), then by
/// kind, each named with its region, so that two units of the same name read apart.
#[tokio::test]
async fn the_unit_list_is_grouped_by_region_and_names_each_units_region() {
    use duikou_core::org::{OrgInput, OrgKind};
    use duikou_core::region::{RegionInput, RegionKind};

    let (app, store) = start_with().await;
    troubled(&store).await;
    let system = store.as_system("ui-tests");
    let input = RegionInput {
        code: "210114".into(),
        name: "于洪区".into(),
        kind: RegionKind::District,
        parent_code: Some("210100".into()),
    };
    system.create_region(&input).await.unwrap();
    for (name, kind, region) in [
        ("于洪区发展和改革局", OrgKind::Department, "210114"),
        ("沈阳市对口合作办公室", OrgKind::Office, "210100"),
        ("浑南区政府", OrgKind::DistrictGovernment, "210112"),
    ] {
        let org = OrgInput {
            name: name.into(),
            kind,
            region_code: region.into(),
            parent_id: None,
        };
        system.create_org(&org).await.unwrap();
    }
    let cookie = app.login_as("editor").await;
    let (_, form) = app.page(&cookie, "/projects/new").await;
    let select = form
        .split(r#"id="pf-owner_org_id""#)
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .unwrap();
    let labels: Vec<&str> = select
        .split("<option")
        .skip(2)
        .filter_map(|o| {
            o.split_once('>')
                .and_then(|(_, t)| t.split("</option>").next())
        })
        .collect();
    assert_eq!(
        labels,
        vec![
            "辽宁省沈阳市 · 沈阳市对口合作办公室",
            "沈阳市浑南区 · 浑南区发展和改革局",
            "沈阳市浑南区 · 浑南区政府",
            "沈阳市于洪区 · 于洪区发展和改革局",
        ],
        "{select}"
    );
}
