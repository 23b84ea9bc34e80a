//! What an office does in a week, through the pages.

use duikou_core::money::Money;
use duikou_core::project::{Category, ProjectFields};
use duikou_core::Stage;
use duikou_store::NewProject;

use crate::browser::support::{browser_tools, seed, today, App, Browser, Seed, ONE_AT_A_TIME};

/// A project in 浑南区 (Shenyang) named `name`, created directly in the store.
pub(crate) async fn project(app: &App, seed: &Seed, name: &str) -> i64 {
    let access = duikou_core::auth::Access::system("browser-tests");
    let fields = ProjectFields {
        code: None,
        external_ids: Default::default(),
        name: name.into(),
        partnership_id: Some(seed.partnership_id),
        source_region_code: Some("110105".into()),
        source_org_id: None,
        investor: Some("北京某科技有限公司".into()),
        host_region_code: "210112".into(),
        owner_org_id: Some(seed.org_id),
        category: Category::Investment,
        industry: Some("新材料".into()),
        planned_start: None,
        planned_production: None,
        currency: Default::default(),
        planned_investment: Some(Money::from_yuan(1_200_000_000)),
        agreement_amount: None,
        leader: Some("赵副区长".into()),
        service_officer: None,
        task_force: None,
        land_area_mu: None,
        address: None,
        note: Some("沈阳浑南区重点项目".into()),
        generated: false,
        construction: None,
    };
    let new = NewProject {
        fields,
        stage: Stage::Negotiating,
        stage_since: today() - chrono::Duration::days(30),
    };
    app.store
        .scoped(&access)
        .create_project(&new)
        .await
        .expect("project")
        .id
}

#[tokio::test]
async fn an_editor_logs_in_creates_a_project_reports_progress_and_moves_its_stage() {
    let Some((chromium, driver)) = browser_tools("editor_week") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start().await;
    let s = seed(&app.store).await;
    let b = Browser::start(&chromium, &driver).await;

    // An unauthenticated page goes to the login page, and back after logging in.
    b.goto(&app.url("/projects")).await;
    assert!(
        b.path().await.starts_with("/login?next="),
        "{}",
        b.path().await
    );
    b.login(&app, "editor").await;
    assert!(
        b.source().await.contains("王填报"),
        "the top bar names the user"
    );

    // 新建项目: a bad amount is shown under its field and what was typed stays.
    b.goto(&app.url("/projects/new")).await;
    b.fill("#pf-name", "浑南新材料产业园").await;
    b.select("#pf-host_region_code", "210112").await;
    b.select("#pf-partnership_id", &s.partnership_id.to_string())
        .await;
    b.fill("#pf-planned_investment", "很多").await;
    b.click_and_wait("#save-project").await;
    assert!(b.exists("#pf-planned_investment[aria-invalid=true]").await);
    let kept = b
        .client
        .find(fantoccini::Locator::Css("#pf-name"))
        .await
        .unwrap();
    assert_eq!(
        kept.prop("value").await.unwrap().as_deref(),
        Some("浑南新材料产业园")
    );
    b.fill("#pf-planned_investment", "12000").await;
    b.click_and_wait("#save-project").await;
    let path = b.path().await;
    assert!(
        path.starts_with("/projects/") && path.ends_with("done=created"),
        "{path}"
    );
    assert_eq!(b.text("#project-name").await, "浑南新材料产业园");
    assert!(
        b.source().await.contains("1.20亿元"),
        "12000万元 reads as 1.20亿元"
    );
    let id: i64 = path
        .trim_start_matches("/projects/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // 填报进展.
    b.click("#report-form-box summary").await;
    b.fill("#rp-period", "2024-06").await;
    b.fill("#rp-invested_to_date", "3000").await;
    b.fill("#rp-note", "完成土地平整").await;
    b.click_and_wait("#report-form button[type=submit]").await;
    assert!(b.path().await.ends_with("done=report"));
    let table = b.text("#report-table").await;
    assert!(
        table.contains("2024-06") && table.contains("0.30"),
        "{table}"
    );

    // 推进阶段: skipping a stage without a reason is refused under the reason field ...
    b.click("#transition-form-box summary").await;
    b.select("#tr-to", "signed").await;
    b.click_and_wait("#transition-form button[type=submit]")
        .await;
    assert!(
        b.exists("#tr-reason[aria-invalid=true]").await,
        "a skip needs a reason: {}",
        b.text("#transition-form").await
    );
    assert_eq!(b.text("#project-stage").await, "线索");
    // ... and the next stage needs none.
    b.select("#tr-to", "negotiating").await;
    b.click_and_wait("#transition-form button[type=submit]")
        .await;
    assert!(b.path().await.ends_with("done=transition"));
    assert_eq!(b.text("#project-stage").await, "洽谈");

    let stored = app
        .store
        .scoped(&duikou_core::auth::Access::system("check"))
        .project(id)
        .await
        .unwrap();
    assert_eq!(stored.stage, Stage::Negotiating);
    assert_eq!(
        stored.fields.planned_investment,
        Some(Money::from_yuan(120_000_000))
    );
    b.stop().await;
}

#[tokio::test]
async fn traditional_chinese_shows_converted_names_and_the_choice_sticks() {
    let Some((chromium, driver)) = browser_tools("zh_hant") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start().await;
    let s = seed(&app.store).await;
    let id = project(&app, &s, "沈阳浑南新材料项目").await;
    let b = Browser::start(&chromium, &driver).await;
    b.login(&app, "editor").await;

    b.goto(&app.url("/projects?lang=zh-Hant")).await;
    let page = b.source().await;
    assert!(
        page.contains("瀋陽渾南新材料專案"),
        "the name is shown in Traditional"
    );
    assert!(page.contains("專案庫"), "the navigation is in Traditional");
    // The switch sticks without the parameter.
    b.goto(&app.url(&format!("/projects/{id}"))).await;
    let page = b.source().await;
    assert!(page.contains("lang=\"zh-Hant\""));
    assert!(page.contains("瀋陽渾南新材料專案"));
    // The stored text is unchanged.
    let stored = app
        .store
        .scoped(&duikou_core::auth::Access::system("check"))
        .project(id)
        .await
        .unwrap();
    assert_eq!(stored.fields.name, "沈阳浑南新材料项目");
    // English, then back to Simplified.
    b.goto(&app.url("/projects?lang=en")).await;
    assert!(b.source().await.contains("New project"));
    b.goto(&app.url("/projects?lang=zh-Hans")).await;
    assert!(b.source().await.contains("沈阳浑南新材料项目"));
    b.stop().await;
}

#[tokio::test]
async fn a_viewer_gets_no_edit_buttons() {
    let Some((chromium, driver)) = browser_tools("viewer") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start().await;
    let s = seed(&app.store).await;
    let id = project(&app, &s, "于洪物流园").await;
    let b = Browser::start(&chromium, &driver).await;
    b.login(&app, "viewer").await;

    b.goto(&app.url("/projects")).await;
    assert!(
        b.source().await.contains("于洪物流园"),
        "the viewer reads the list"
    );
    assert!(!b.exists("#new-project").await);
    b.goto(&app.url(&format!("/projects/{id}"))).await;
    assert!(b.exists("#read-only").await);
    for css in [
        "#edit-project",
        "#report-form",
        "#problem-form",
        "#transition-form",
    ] {
        assert!(
            !b.exists(css).await,
            "{css} must not be offered to a viewer"
        );
    }
    // Opening the edit form by its address is refused too.
    b.goto(&app.url(&format!("/projects/{id}/edit"))).await;
    assert!(!b.exists("#project-form").await);
    b.stop().await;
}

#[tokio::test]
async fn a_forged_post_without_the_csrf_token_is_refused() {
    let Some((chromium, driver)) = browser_tools("csrf") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start().await;
    let s = seed(&app.store).await;
    let id = project(&app, &s, "浑南数据中心").await;
    let b = Browser::start(&chromium, &driver).await;
    b.login(&app, "editor").await;
    b.goto(&app.url(&format!("/projects/{id}"))).await;

    // The logged-in browser posts the form's fields without the token: refused, unchanged.
    let script = format!(
        "const done = arguments[arguments.length - 1];
         fetch('/projects/{id}/transition', {{method: 'POST', credentials: 'same-origin',
           headers: {{'content-type': 'application/x-www-form-urlencoded'}},
           body: 'to=signed&effective_date=2024-06-28'}}).then(r => done(r.status));"
    );
    let status = b.client.execute_async(&script, vec![]).await.unwrap();
    assert_eq!(status, serde_json::json!(403));
    let stored = app
        .store
        .scoped(&duikou_core::auth::Access::system("check"))
        .project(id)
        .await
        .unwrap();
    assert_eq!(stored.stage, Stage::Negotiating, "nothing was written");
    b.stop().await;
}

/// Instantiates the construction approval steps on project `id`, its first step (企业投资项目
/// 备案, committed 1 working day) planned from 2024-06-03, then records that step as running
/// since then: by today (2024-06-28) it is weeks past its committed limit.
pub(crate) async fn late_step(app: &App, id: i64) {
    let access = duikou_core::auth::Access::system("browser-tests");
    let scoped = app.store.scoped(&access);
    let start = chrono::NaiveDate::from_ymd_opt(2024, 6, 3).expect("date");
    scoped
        .instantiate_steps(id, "construction_approval", None, start)
        .await
        .expect("steps");
    let state = duikou_core::steps::StepState {
        status: duikou_core::steps::StepStatus::InProgress,
        actual_start: Some(start),
        ..duikou_core::steps::StepState::new("project_filing")
    };
    scoped
        .update_step(id, None, &state)
        .await
        .expect("step update");
}

#[tokio::test]
async fn a_warning_appears_in_the_inbox_after_a_step_goes_late_and_is_acknowledged() {
    let Some((chromium, driver)) = browser_tools("warning_inbox") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start().await;
    let s = seed(&app.store).await;
    let id = project(&app, &s, "浑南智能装备项目").await;
    let b = Browser::start(&chromium, &driver).await;
    b.login(&app, "editor").await;

    // Before: the inbox is empty and the project reads 正常.
    b.goto(&app.url("/warnings")).await;
    assert!(!b.exists("#warning-table").await, "no warnings yet");
    b.goto(&app.url(&format!("/projects/{id}"))).await;
    assert!(b.exists("#no-warnings").await);

    // The step goes late (the write re-evaluates the warnings at once).
    late_step(&app, id).await;

    // The project page lists it and links to the inbox filtered by the project.
    b.goto(&app.url(&format!("/projects/{id}"))).await;
    let listed = b.text("#project-warnings").await;
    assert!(listed.contains("● 红色预警"), "{listed}");
    b.click_and_wait("#project-warnings-link").await;
    assert_eq!(b.path().await, format!("/warnings?project={id}"));

    // The inbox shows the red row of the step's committed limit: icon and word, the project,
    // the rule, the step in the reason, the date.
    b.goto(&app.url("/warnings?level=red")).await;
    let rows = b
        .client
        .find_all(fantoccini::Locator::Css("#warning-table tbody tr"))
        .await
        .unwrap();
    let mut committed = None;
    for row in rows {
        let text = row.text().await.unwrap();
        if text.contains("环节承诺时限") {
            committed = Some((row.attr("data-warning").await.unwrap().unwrap(), text));
        }
    }
    let (wid, text) = committed.expect("a red row for the committed limit");
    for expected in [
        "● 红色预警",
        "浑南智能装备项目",
        "企业投资项目备案",
        "2024-06-28",
        "待处理",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }

    // Open it; acknowledging without a note is refused under the field, then with a note.
    b.click_and_wait(&format!("tr[data-warning=\"{wid}\"] td:first-child a"))
        .await;
    assert_eq!(b.path().await, format!("/warnings/{wid}"));
    assert!(b.text("#warning-facts").await.contains("承诺时限"));
    b.click_and_wait("#acknowledge").await;
    assert!(
        b.exists("#ack-note[aria-invalid=true]").await,
        "a note is required: {}",
        b.text("#acknowledge-form").await
    );
    b.fill("#ack-note", "已联系发改局，本周内办结").await;
    b.click_and_wait("#acknowledge").await;
    assert!(b.path().await.ends_with("done=acknowledged"));
    assert_eq!(b.text("#warning-status").await, "已确认");
    assert!(b.text("#warning-history").await.contains("已联系发改局"));
    assert!(!b.exists("#acknowledge-form").await, "acknowledged once");

    // Back in the inbox the row has moved to 已确认 (still active, still red).
    b.goto(&app.url("/warnings")).await;
    let row = b.text(&format!("tr[data-warning=\"{wid}\"]")).await;
    assert!(
        row.contains("已确认") && row.contains("● 红色预警"),
        "{row}"
    );
    let stored = app
        .store
        .scoped(&duikou_core::auth::Access::system("check"))
        .warning(wid.parse().unwrap())
        .await
        .unwrap()
        .0;
    assert_eq!(stored.status, duikou_store::WarningStatus::Acknowledged);
    b.stop().await;
}
