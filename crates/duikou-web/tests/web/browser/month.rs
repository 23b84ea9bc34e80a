//! The clerk's month and the leader's check, in a browser: the clerk files a progress report
//! and corrects it, adds a problem and closes it, and asks to skip ahead to 投产, which the
//! confirmation sends to the coordinator; the coordinator approves it from the dashboard's
//! count; the leader's funnel figure opens a list of as many projects as it says.

use duikou_core::auth::Access;
use duikou_core::Stage;
use duikou_store::TransitionInput;

use super::scenarios::project;
use super::support::*;

/// Leaves the session (the next login starts afresh).
async fn sign_out(b: &Browser) {
    b.client.delete_all_cookies().await.expect("cookies");
}

#[tokio::test]
async fn the_clerks_month_ends_with_a_skip_the_coordinator_approves() {
    let Some((chromium, driver)) = browser_tools("clerks_month") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start().await;
    let s = seed(&app.store).await;
    let id = project(&app, &s, "浑南新材料产业园").await;
    let system = Access::system("browser-tests");
    let signed = TransitionInput {
        to: Stage::Signed,
        effective_date: Some(today() - chrono::Duration::days(10)),
        reason: None,
        override_rules: false,
    };
    app.store
        .scoped(&system)
        .transition(id, None, &signed)
        .await
        .expect("signed");
    let b = Browser::start(&chromium, &driver).await;
    let page = app.url(&format!("/projects/{id}"));

    // The clerk files June's report ...
    b.login(&app, "editor").await;
    b.goto(&page).await;
    b.click("#report-form-box summary").await;
    b.fill("#rp-period", "2024-06").await;
    b.fill("#rp-invested_to_date", "3000").await;
    b.click_and_wait("#report-form button[type=submit]").await;
    assert!(
        b.path().await.ends_with("done=report"),
        "{}",
        b.path().await
    );
    // ... opens it and corrects the amount.
    b.click_and_wait("#report-table a").await;
    b.fill("#re-invested_to_date", "3500").await;
    b.fill("#re-correction", "漏报设备款").await;
    b.click_and_wait("#report-edit-form button[type=submit]")
        .await;
    assert!(b.path().await.ends_with("done=saved"), "{}", b.path().await);
    assert!(
        b.text("#report-figures").await.contains("3,500")
            || b.text("#report-figures").await.contains("3500"),
        "{}",
        b.text("#report-figures").await
    );

    // A problem, added and closed.
    b.goto(&page).await;
    b.click("#problem-form-box summary").await;
    b.select("#pb-category", "land").await;
    b.fill("#pb-description", "用地指标未落实").await;
    b.click_and_wait("#problem-form button[type=submit]").await;
    b.click_and_wait("#problem-table a").await;
    b.click("#resolve-box summary").await;
    b.fill("#pr-resolution", "市里调剂指标已到位").await;
    b.click_and_wait("#resolve-form button[type=submit]").await;
    assert_eq!(b.text("#problem-status").await, "已解决");

    // 推进到 投产 with a reason: the confirmation says it goes for approval.
    b.goto(&page).await;
    b.click("#transition-form-box summary").await;
    b.select("#tr-to", "operating").await;
    b.fill("#tr-reason", "已整体建成投产").await;
    b.click_and_wait("#transition-form button[type=submit]")
        .await;
    assert!(
        b.exists("#confirm-approval").await,
        "{}",
        b.text("main").await
    );
    assert!(b.text("#confirm-funnel").await.contains("投产及以后 +1"));
    b.click_and_wait("#confirm-submit").await;
    assert!(
        b.path().await.ends_with("done=requested"),
        "{}",
        b.path().await
    );
    assert!(b.exists("#stage-request").await);
    assert_eq!(b.text("#project-stage").await, "签约");

    // The coordinator opens the count on the dashboard and approves.
    sign_out(&b).await;
    b.login(&app, "coordinator").await;
    assert_eq!(b.text("#requests-total").await, "1");
    b.click_and_wait("#requests-total").await;
    assert!(b.path().await.starts_with("/stage-requests"));
    b.client
        .execute("window.confirm = function () { return true; };", vec![])
        .await
        .expect("confirm");
    b.click_and_wait("#request-table form[action$='/approve'] button")
        .await;
    assert!(
        b.path().await.ends_with("done=approved"),
        "{}",
        b.path().await
    );
    b.goto(&page).await;
    assert_eq!(b.text("#project-stage").await, "投产");

    // The leader's check: the funnel's 投产 figure opens as many projects.
    sign_out(&b).await;
    b.login(&app, "leader").await;
    let bar = b
        .text("a[href='/projects?reached=operating'] text.value")
        .await;
    let figure: String = bar.chars().take_while(char::is_ascii_digit).collect();
    b.click_and_wait("a[href='/projects?reached=operating']")
        .await;
    assert_eq!(b.text("#total").await, figure);
    b.stop().await;
}
