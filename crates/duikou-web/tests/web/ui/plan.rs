//! 年度投资计划 from the project page: a bad amount and curve are refused beside their fields
//! with what was typed kept; a saved plan shows the year's completion and the gap to 序时进度
//! exactly as core counts it, and the 序时进度 warning follows; a viewer gets no form.

use chrono::Datelike;
use duikou_core::warnings::{schedule_behind_finding, AnnualPlan, Thresholds, YearProgress};
use reqwest::StatusCode;

use super::start_with;
use super::warnings::{csrf_of, troubled};

#[tokio::test]
async fn a_clerk_sets_the_years_plan_and_the_page_shows_the_gap_to_schedule() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let path = format!("/projects/{id}");
    let viewer = app.login_as("viewer").await;
    let (_, page) = app.page(&viewer, &path).await;
    assert!(page.contains(r#"id="plan-none""#), "no plan yet");
    assert!(!page.contains(r#"id="plan-form""#), "a viewer sets no plan");

    let clerk = app.login_as("editor").await;
    let (_, page) = app.page(&clerk, &path).await;
    assert!(page.contains(r#"id="plan-form""#));
    let token = csrf_of(&page);
    let today = store.today();
    let year = today.year().to_string();
    let post = format!("{path}/annual-plan");

    // Bad amount and a falling curve: both named, what was typed kept, nothing stored.
    let (status, body) = app
        .post_page(
            &clerk,
            &post,
            &[
                ("year", year.as_str()),
                ("amount", "很多"),
                ("curve", "50 40"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(
            r#"id="ap-amount" name="amount" type="text" value="很多" aria-invalid="true""#
        ),
        "{body}"
    );
    assert!(
        body.contains(
            r#"id="ap-curve" name="curve" type="text" value="50 40" aria-invalid="true""#
        ),
        "{body}"
    );
    let access = duikou_core::auth::Access::system("check");
    assert!(store
        .scoped(&access)
        .annual_plans(id)
        .await
        .unwrap()
        .is_empty());

    // 1200万元 for the year, even by month.
    let status = app
        .post(
            &clerk,
            &post,
            &[
                ("year", year.as_str()),
                ("amount", "1200"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.page(&clerk, &path).await;
    let plan = AnnualPlan {
        year: today.year(),
        amount_yuan: 12_000_000,
        curve: None,
    };
    let expected = YearProgress::of(&plan, [], today);
    let behind = expected.behind_points().unwrap();
    assert!(
        page.contains(&format!(r#"id="plan-behind">{behind}</dd>"#)),
        "{page}"
    );
    assert!(
        page.contains(r#"id="ap-amount" name="amount" type="text" value="1200""#),
        "the form reads the plan back"
    );
    // The warning is the rule's verdict on the same figures.
    let finding = schedule_behind_finding(
        plan.amount_yuan,
        expected.expected_yuan,
        expected.actual_yuan,
        &Thresholds::default(),
        today,
    );
    assert_eq!(
        page.contains("投资滞后序时进度"),
        finding.is_some(),
        "{behind}"
    );
}
