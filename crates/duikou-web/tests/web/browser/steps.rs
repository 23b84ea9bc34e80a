//! 项目管家 in the browser: an editor finishes a late step through its form and the project
//! page's table and Gantt chart show it done.

use fantoccini::Locator;

use crate::browser::scenarios::{late_step, project};
use crate::browser::support::{browser_tools, seed, App, Browser, ONE_AT_A_TIME};

#[tokio::test]
async fn an_editor_finishes_a_late_step_and_the_gantt_and_table_show_it() {
    let Some((chromium, driver)) = browser_tools("finish_step") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start().await;
    let s = seed(&app.store).await;
    let id = project(&app, &s, "浑南智能装备项目").await;
    late_step(&app, id).await;
    let b = Browser::start(&chromium, &driver).await;
    b.login(&app, "editor").await;

    // Before: the first step runs late; the chart draws it as a late bar, none as done.
    b.goto(&app.url(&format!("/projects/{id}"))).await;
    let row = b.text("tr[data-step=project_filing]").await;
    assert!(row.contains("办理中") && row.contains("已逾期"), "{row}");
    let done_bars = |b: &Browser| {
        let c = b.client.clone();
        async move {
            c.find_all(Locator::Css("svg.gantt rect.actual"))
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(done_bars(&b).await, 0);
    assert!(b.exists("svg.gantt rect.late-bar").await);

    // Open the step from the table; a finish before its start is refused under the field.
    b.click_and_wait("tr[data-step=project_filing] a").await;
    assert_eq!(
        b.path().await,
        format!("/projects/{id}/steps/project_filing")
    );
    assert!(b.text("#step-facts").await.contains("承诺时限"));
    b.click("#finish-box summary").await;
    b.set_value("#fi-actual_finish", "2024-05-31").await;
    b.click_and_wait("#finish").await;
    assert!(
        b.exists("#fi-actual_finish[aria-invalid=true]").await,
        "{}",
        b.text("#finish-form").await
    );
    // Then with the right date.
    b.set_value("#fi-actual_finish", "2024-06-27").await;
    b.click_and_wait("#finish").await;
    assert!(b.path().await.ends_with("done=step"), "{}", b.path().await);
    assert_eq!(b.text("#flash").await, "环节已更新。");
    // Done, on the 27th: still marked late, for it finished past its committed limit.
    let row = b.text("tr[data-step=project_filing]").await;
    assert!(
        row.contains("已办结") && row.contains("2024-06-27") && !row.contains("办理中"),
        "{row}"
    );
    assert_eq!(done_bars(&b).await, 1, "the chart draws the step as done");
    b.stop().await;
}
