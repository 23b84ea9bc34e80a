//! Small frictions of the first day, in the browser: 填报进展 and 新增问题 open their forms
//! with the cursor in them, 推进到 offers the next stage, a filter select does not submit the
//! list on an arrow key, and every page has its icon.

use crate::browser::scenarios::project;
use crate::browser::support::{browser_tools, seed, App, Browser, ONE_AT_A_TIME};

#[tokio::test]
async fn the_project_page_buttons_open_their_forms_and_filters_wait_for_apply() {
    let Some((chromium, driver)) = browser_tools("frictions") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start().await;
    let s = seed(&app.store).await;
    let id = project(&app, &s, "浑南新材料项目").await;
    let b = Browser::start(&chromium, &driver).await;
    b.login(&app, "editor").await;
    b.goto(&app.url(&format!("/projects/{id}"))).await;
    for (button, box_id, field) in [
        ("填报进展", "report-form-box", "rp-period"),
        ("新增问题", "problem-form-box", "pb-category"),
    ] {
        assert!(
            !b.exists(&format!("#{box_id}[open]")).await,
            "{box_id} starts folded"
        );
        let link = format!("a.button[href='#{box_id}']");
        assert!(b.text(&link).await.contains(button));
        // The toolbar is at the top; the previous form scrolled the page down.
        b.client
            .execute("window.scrollTo(0, 0)", vec![])
            .await
            .unwrap();
        b.click(&link).await;
        // The hash changes first; the page opens the form when it hears of it.
        let mut open = false;
        for _ in 0..40 {
            open = b.exists(&format!("#{box_id}[open]")).await;
            if open {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(open, "{button} opens its form");
        let focused = b
            .client
            .execute("return document.activeElement.id", vec![])
            .await
            .unwrap();
        assert_eq!(focused.as_str(), Some(field), "the cursor is in the form");
    }
    // 推进到 offers the stage after the project's own (洽谈 → 签约).
    let to = b
        .client
        .execute("return document.getElementById('tr-to').value", vec![])
        .await
        .unwrap();
    assert_eq!(to.as_str(), Some("signed"));

    // A filter select changed from the keyboard does not send the list away.
    b.goto(&app.url("/projects")).await;
    b.client
        .execute(
            "const s = document.getElementById('f-stage'); s.selectedIndex = 2; \
             s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        b.path().await,
        "/projects",
        "nothing is applied before 筛选"
    );

    // The icon browsers ask for.
    let r = reqwest::get(app.url("/favicon.ico")).await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    b.stop().await;
}
