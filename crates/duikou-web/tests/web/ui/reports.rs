//! A progress report corrected and withdrawn from its page: a report of a period not begun is
//! refused; a cumulative figure lower than the earlier report's is refused beside its field
//! until a 更正说明 confirms it; the report is corrected, then withdrawn only with a reason,
//! which its history keeps.

use duikou_core::auth::Access;
use duikou_store::Store;
use reqwest::StatusCode;

use super::start_with;
use super::warnings::{csrf_of, troubled};

async fn reports(store: &Store, project: i64) -> Vec<duikou_core::progress_report::ProgressReport> {
    let access = Access::system("check");
    store
        .scoped(&access)
        .progress_reports(project)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_clerk_corrects_a_report_confirms_a_fall_and_withdraws_with_a_reason() {
    let (app, store) = start_with().await;
    let project = troubled(&store).await;
    let cookie = app.login_as("editor").await;
    let path = format!("/projects/{project}");
    let (_, page) = app.page(&cookie, &path).await;
    let token = csrf_of(&page);
    let today = store.today();
    let this_month = duikou_core::progress_report::Period::month_of(today);
    let next = duikou_core::progress_report::Period::month_of(
        this_month.end() + chrono::Duration::days(1),
    );
    let last = duikou_core::progress_report::Period::month_of(
        this_month.start() - chrono::Duration::days(1),
    );
    let file = |period: String, invested: &'static str, correction: &'static str| {
        let (app, cookie, token, path) = (&app, &cookie, &token, &path);
        async move {
            app.post_page(
                cookie,
                &format!("{path}/progress-reports"),
                &[
                    ("period", period.as_str()),
                    ("invested_to_date", invested),
                    ("correction", correction),
                    ("csrf_token", token.as_str()),
                ],
            )
            .await
        }
    };
    // Next month has not begun.
    let (status, body) = file(next.to_string(), "100", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("报告期尚未开始"), "the reason is given");
    assert!(reports(&store, project).await.is_empty());
    assert_eq!(
        file(last.to_string(), "500", "").await.0,
        StatusCode::SEE_OTHER
    );
    // Lower than last month's: refused beside the field, then taken with a correction.
    let (status, body) = file(this_month.to_string(), "400", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(r#"id="rp-invested_to_date" name="invested_to_date" type="text" value="400" aria-invalid="true""#),
        "the figure is kept and marked"
    );
    assert_eq!(
        file(this_month.to_string(), "400", "核减重复统计").await.0,
        StatusCode::SEE_OTHER
    );
    let all = reports(&store, project).await;
    let r = all.iter().find(|r| r.fields.period == this_month).unwrap();
    assert_eq!(r.fields.correction.as_deref(), Some("核减重复统计"));

    // The report's page: corrected, then withdrawn (a reason is required).
    let rpath = format!("{path}/progress-reports/{}", r.id);
    let (status, page) = app.page(&cookie, &rpath).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("report-edit-form") && page.contains("report-withdraw-form"));
    let version = r.version.to_string();
    let r2 = app
        .post(
            &cookie,
            &format!("{rpath}/edit"),
            &[
                ("period", &this_month.to_string()),
                ("invested_to_date", "600"),
                ("note", "主体封顶"),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r2, StatusCode::SEE_OTHER);
    let (_, page) = app.page(&cookie, &rpath).await;
    for change in [
        "累计完成投资</span>：<del>400万元</del> → <ins>600万元</ins>",
        "进展说明</span>：<del>—</del> → <ins>主体封顶</ins>",
    ] {
        assert!(page.contains(change), "the history shows {change}");
    }
    let version = (r.version + 1).to_string();
    let (status, body) = app
        .post_page(
            &cookie,
            &format!("{rpath}/withdraw"),
            &[
                ("reason", " "),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(r#"id="rw-reason" name="reason" type="text" value=" " aria-invalid="true""#)
            && body.contains("请说明撤回的原因"),
        "the reason is asked for beside its field"
    );
    let r3 = app
        .post(
            &cookie,
            &format!("{rpath}/withdraw"),
            &[
                ("reason", "填错项目"),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r3, StatusCode::SEE_OTHER);
    assert_eq!(
        reports(&store, project).await.len(),
        1,
        "only last month's is left"
    );
    let history = store
        .history("progress_report", &r.id.to_string())
        .await
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.action, "withdraw");
    assert_eq!(last.after.as_ref().unwrap()["withdrawn_reason"], "填错项目");
}
