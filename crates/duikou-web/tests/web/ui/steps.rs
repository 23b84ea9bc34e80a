//! 项目管家 through the project page's forms: a template put on a project, a step finished
//! (refused first with the error under its field), a date changed only with a reason, and a
//! viewer who gets no forms and whose post is refused.

use duikou_core::auth::Access;
use duikou_core::steps::StepStatus;
use duikou_store::Store;
use reqwest::StatusCode;

use super::start_with;
use super::warnings::{csrf_of, troubled};

async fn step_status(store: &Store, id: i64, key: &str) -> (StepStatus, Option<chrono::NaiveDate>) {
    let access = Access::system("check");
    let steps = store
        .scoped(&access)
        .project_steps(id)
        .await
        .unwrap()
        .expect("steps");
    let s = steps.states.iter().find(|s| s.key == key).unwrap();
    (s.status, s.actual_finish)
}

#[tokio::test]
async fn an_editor_puts_a_template_on_a_project_and_finishes_its_first_step() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let today = store.today();
    let cookie = app.login_as("editor").await;
    let project = format!("/projects/{id}");
    let (_, page) = app.page(&cookie, &project).await;
    assert!(
        page.contains(r#"id="steps-form""#),
        "no steps yet: the form is offered"
    );
    let token = csrf_of(&page);
    let start = (today - chrono::Duration::days(7)).to_string();
    let r = app
        .post(
            &cookie,
            &format!("{project}/steps"),
            &[
                ("template", "construction_approval"),
                ("start", start.as_str()),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    let (_, page) = app.page(&cookie, &project).await;
    assert!(page.contains(r#"id="step-table""#));
    let row = page
        .split(r#"data-step="project_filing""#)
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap()
        .to_owned();
    assert!(
        row.contains("企业投资项目备案") && row.contains("未开始"),
        "{row}"
    );

    // The step's page offers its forms; a finish after today is refused under the field.
    let step = format!("{project}/steps/project_filing");
    let (status, page) = app.page(&cookie, &step).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="finish-form""#));
    assert!(
        !page.contains(r#"id="deficiency-form""#),
        "备案 allows no 容缺"
    );
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    let (status, body) = app
        .post_page(
            &cookie,
            &format!("{step}/finish"),
            &[
                ("actual_start", start.as_str()),
                ("actual_finish", tomorrow.as_str()),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(&format!(
            r#"id="fi-actual_finish" name="actual_finish" type="date" value="{tomorrow}" aria-invalid="true""#
        )),
        "the typed date is kept and marked"
    );
    assert_eq!(
        step_status(&store, id, "project_filing").await.0,
        StepStatus::Pending
    );
    // Finished today: the table reads 已办结.
    let r = app
        .post(
            &cookie,
            &format!("{step}/finish"),
            &[
                ("actual_start", start.as_str()),
                ("actual_finish", today.to_string().as_str()),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    assert_eq!(
        step_status(&store, id, "project_filing").await,
        (StepStatus::Done, Some(today))
    );
    let (_, page) = app.page(&cookie, &project).await;
    let row = page
        .split(r#"data-step="project_filing""#)
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap()
        .to_owned();
    assert!(row.contains("已办结"), "{row}");

    // Changing the recorded finish needs a reason; with one, it is logged.
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let (status, body) = app
        .post_page(
            &cookie,
            &format!("{step}/finish"),
            &[
                ("actual_finish", yesterday.as_str()),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(r#"id="fi-reason" name="reason" type="text" value="" aria-invalid="true""#)
    );
    let r = app
        .post(
            &cookie,
            &format!("{step}/finish"),
            &[
                ("actual_finish", yesterday.as_str()),
                ("reason", "按批复文件日期更正"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    let (_, page) = app.page(&cookie, &step).await;
    assert!(
        page.contains("按批复文件日期更正"),
        "the change is in the log"
    );
}

#[tokio::test]
async fn a_deficiency_is_recorded_then_supplied_and_a_viewer_may_not_act() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let today = store.today();
    let access = Access::system("setup");
    store
        .scoped(&access)
        .instantiate_steps(
            id,
            "construction_approval",
            None,
            today - chrono::Duration::days(7),
        )
        .await
        .unwrap();
    let step = format!("/projects/{id}/steps/land_title_registration");
    let cookie = app.login_as("editor").await;
    let (_, page) = app.page(&cookie, &step).await;
    let token = csrf_of(&page);
    let (status, body) = app
        .post_page(
            &cookie,
            &format!("{step}/deficiency"),
            &[
                ("accepted_on", today.to_string().as_str()),
                ("missing_documents", ""),
                ("supply_days", "5"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(r#"id="df-missing_documents" name="missing_documents" aria-invalid="true""#)
    );
    let r = app
        .post(
            &cookie,
            &format!("{step}/deficiency"),
            &[
                ("accepted_on", today.to_string().as_str()),
                ("missing_documents", "土地出让合同\n完税证明"),
                ("supply_days", "5"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    assert_eq!(
        step_status(&store, id, "land_title_registration").await.0,
        StepStatus::AcceptedWithDeficiency
    );
    let (_, page) = app.page(&cookie, &step).await;
    assert!(page.contains("土地出让合同、完税证明"));
    assert!(page.contains(r#"id="supply-form""#));

    // A viewer reads the page without forms; posting anyway is refused.
    let viewer = app.login_as("viewer").await;
    let (status, page) = app.page(&viewer, &step).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(r#"id="supply-form""#));
    let token = csrf_of(&page);
    let r = app
        .post(
            &viewer,
            &format!("{step}/supply"),
            &[
                ("supplied_on", today.to_string().as_str()),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::FORBIDDEN);
    // And a forged post without the token is refused too.
    let r = app
        .post(
            &cookie,
            &format!("{step}/supply"),
            &[("supplied_on", today.to_string().as_str())],
        )
        .await;
    assert_eq!(r, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_steps_board_lists_late_steps_and_open_deficiencies_of_readable_projects_only() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let today = store.today();
    let access = Access::system("setup");
    let start = today - chrono::Duration::days(30);
    store
        .scoped(&access)
        .instantiate_steps(id, "construction_approval", None, start)
        .await
        .unwrap();
    // 备案 running since the start: late. 不动产登记 accepted with a deficiency.
    let running = duikou_core::steps::StepState {
        status: StepStatus::InProgress,
        actual_start: Some(start),
        ..duikou_core::steps::StepState::new("project_filing")
    };
    store
        .scoped(&access)
        .update_step(id, None, &running)
        .await
        .unwrap();
    let deficient = duikou_core::steps::StepState {
        status: StepStatus::AcceptedWithDeficiency,
        actual_start: Some(today),
        deficiency: Some(duikou_core::steps::Deficiency {
            missing_documents: vec!["土地出让合同".into()],
            supply_days: 5,
            accepted_on: today,
            supplied_on: None,
        }),
        ..duikou_core::steps::StepState::new("land_title_registration")
    };
    store
        .scoped(&access)
        .update_step(id, None, &deficient)
        .await
        .unwrap();
    let cookie = app.login_as("editor").await;
    let (status, page) = app.page(&cookie, "/steps").await;
    assert_eq!(status, StatusCode::OK);
    let late = page
        .split(r#"id="late-table""#)
        .nth(1)
        .and_then(|r| r.split("</table>").next())
        .unwrap()
        .to_owned();
    assert!(late.contains("企业投资项目备案"), "{late}");
    assert!(late.contains(&format!("/projects/{id}/steps/project_filing")));
    let follow = page
        .split(r#"id="follow-up-table""#)
        .nth(1)
        .and_then(|r| r.split("</table>").next())
        .unwrap()
        .to_owned();
    assert!(
        follow.contains("国有建设用地使用权首次登记") && follow.contains("容缺受理"),
        "{follow}"
    );

    // An editor of Beijing reads none of it: the board is empty.
    let beijing = super::board::beijing_editor(&store).await;
    let (status, page) = app.page(&app.login_as(beijing).await, "/steps").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("企业投资项目备案"), "{page}");
    assert!(!page.contains("late-table") && !page.contains("follow-up-table"));
}

/// A step past its due date and not finished never reads as having days left: the project
/// page's table and the step's page give the working days past due instead.
#[tokio::test]
async fn a_late_step_shows_the_days_past_due_not_days_left() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let today = store.today();
    let access = Access::system("setup");
    store
        .scoped(&access)
        .instantiate_steps(
            id,
            "construction_approval",
            None,
            today - chrono::Duration::days(120),
        )
        .await
        .unwrap();
    let cookie = app.login_as("viewer").await;
    let (_, page) = app.page(&cookie, &format!("/projects/{id}")).await;
    let rows: Vec<&str> = page.split("<tr data-step=").skip(1).collect();
    let late: Vec<&str> = rows
        .iter()
        .map(|r| r.split("</tr>").next().unwrap())
        .filter(|r| r.contains("warn warn-red"))
        .collect();
    assert!(!late.is_empty(), "steps planned 120 days ago are late");
    for r in &late {
        let days = r
            .split(r#"<td class="num">"#)
            .nth(1)
            .and_then(|c| c.split("</td>").next())
            .unwrap();
        assert!(
            days.starts_with("逾期"),
            "a late step reads its days past due: {r}"
        );
    }
    let key = late[0].trim_start_matches('"').split('"').next().unwrap();
    let (_, step) = app
        .page(&cookie, &format!("/projects/{id}/steps/{key}"))
        .await;
    assert!(step.contains("逾期工作日"), "{step}");
    assert!(!step.contains("剩余工作日"), "{step}");
}

/// Dates counted on a year without a holiday notice are marked 估 on the project page, the
/// Gantt chart and the step's page, with a note naming the year; while no step has been
/// touched the template can be taken off (confirmed), and then not once a step has started.
#[tokio::test]
async fn estimated_dates_are_marked_and_an_untouched_template_can_be_taken_off() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let access = Access::system("setup");
    // 2018 has no notice among those shipped.
    let start = chrono::NaiveDate::from_ymd_opt(2018, 6, 1).unwrap();
    store
        .scoped(&access)
        .instantiate_steps(id, "construction_approval", None, start)
        .await
        .unwrap();
    let cookie = app.login_as("editor").await;
    let path = format!("/projects/{id}");
    let (_, page) = app.page(&cookie, &path).await;
    let note = page
        .split(r#"id="estimated-note">"#)
        .nth(1)
        .and_then(|n| n.split("</p>").next())
        .expect("a note on estimated dates");
    assert!(
        note.contains("2018") && note.contains("放假安排尚未载入"),
        "{note}"
    );
    assert!(
        page.contains(r#"<span class="est-mark" title="#),
        "the table marks estimated dates"
    );
    assert!(
        page.contains(r#"<text class="est""#),
        "the chart marks them too"
    );
    let (_, step) = app
        .page(&cookie, &format!("{path}/steps/project_filing"))
        .await;
    assert!(step.contains(r#"id="step-estimated""#), "{step}");

    // Untouched: offered, confirmed, and taken off; the history keeps it.
    assert!(
        page.contains(r#"action="/projects/"#) && page.contains("/schedule/remove"),
        "{page}"
    );
    assert!(
        page.contains("data-confirm="),
        "taking it off is confirmed first"
    );
    let token = csrf_of(&page);
    let steps = store
        .scoped(&access)
        .project_steps(id)
        .await
        .unwrap()
        .unwrap();
    let version = steps.version.to_string();
    let r = app
        .post(
            &cookie,
            &format!("{path}/schedule/remove"),
            &[("version", version.as_str()), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    assert!(store
        .scoped(&access)
        .project_steps(id)
        .await
        .unwrap()
        .is_none());
    let (_, page) = app.page(&cookie, &path).await;
    assert!(
        page.contains(r#"id="steps-form""#),
        "a template may be put on again"
    );
    assert!(
        page.contains("撤销流程模板"),
        "the history names it: {page}"
    );

    // Once a step has started, it is not offered, and a post is refused.
    store
        .scoped(&access)
        .instantiate_steps(id, "construction_approval", None, store.today())
        .await
        .unwrap();
    let started = duikou_core::steps::StepState {
        status: StepStatus::InProgress,
        actual_start: Some(store.today()),
        ..duikou_core::steps::StepState::new("project_filing")
    };
    store
        .scoped(&access)
        .update_step(id, None, &started)
        .await
        .unwrap();
    let (_, page) = app.page(&cookie, &path).await;
    assert!(
        !page.contains("/schedule/remove"),
        "not offered once a step started"
    );
    let (status, body) = app
        .post_page(
            &cookie,
            &format!("{path}/schedule/remove"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("不能撤销流程模板"), "{body}");
    assert!(store
        .scoped(&access)
        .project_steps(id)
        .await
        .unwrap()
        .is_some());
}

/// An administrator is asked to load next year's holiday notice from December on (and this
/// year's while it is missing), on the dashboard and the calendar page, as core decides.
#[tokio::test]
async fn the_admin_is_asked_for_the_holiday_notice_when_core_says_it_is_due() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let due = store.calendar().await.unwrap().notice_due(store.today());
    let admin = app.login_as("admin").await;
    for path in ["/", "/admin/calendar"] {
        let (_, page) = app.page(&admin, path).await;
        assert_eq!(page.contains(r#"id="notice-due""#), due.is_some(), "{path}");
        if let Some(y) = due {
            assert!(page.contains(&format!("请载入{y}年的放假安排")), "{path}");
        }
    }
    let editor = app.login_as("editor").await;
    let (_, page) = app.page(&editor, "/").await;
    assert!(
        !page.contains(r#"id="notice-due""#),
        "only administrators are asked"
    );
}
