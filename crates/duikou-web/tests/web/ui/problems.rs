//! The 问题清单's loop from the pages: a clerk opens a problem from the project page, records
//! progress (refused first with the error beside its field), resolves it (a future date
//! refused), which clears the overdue warning; reopens it with a reason; every change is in
//! its history with the value before and after. A viewer gets no forms and a forged post is
//! refused.

use duikou_core::problem::ProblemStatus;
use duikou_store::{Store, WarningFilter};
use reqwest::StatusCode;

use super::start_with;
use super::warnings::{csrf_of, troubled};

async fn the_problem(store: &Store, project: i64) -> duikou_core::problem::Problem {
    let access = duikou_core::auth::Access::system("check");
    let mut all = store.scoped(&access).problems(project).await.unwrap();
    assert_eq!(all.len(), 1);
    all.remove(0)
}

async fn open_warnings(store: &Store) -> i64 {
    let access = duikou_core::auth::Access::system("check");
    // The default filter: the active ones (open and acknowledged).
    store
        .scoped(&access)
        .warnings(&WarningFilter::default(), 10, 0)
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn a_clerk_records_progress_resolves_and_reopens_a_problem_from_its_page() {
    let (app, store) = start_with().await;
    let project = troubled(&store).await;
    let p = the_problem(&store, project).await;
    assert_eq!(open_warnings(&store).await, 1, "the overdue problem warns");
    let cookie = app.login_as("editor").await;
    let (_, page) = app.page(&cookie, &format!("/projects/{project}")).await;
    let path = format!("/projects/{project}/problems/{}", p.id);
    assert!(
        page.contains(&format!(r#"href="{path}""#)),
        "the list opens the problem"
    );
    let (status, page) = app.page(&cookie, &path).await;
    assert_eq!(status, StatusCode::OK);
    for form in ["progress-form", "resolve-form", "problem-edit-form"] {
        assert!(page.contains(form), "{form} is offered");
    }
    assert!(
        !page.contains("reopen-form"),
        "an open problem is not reopened"
    );
    let token = csrf_of(&page);
    let version = p.version.to_string();

    // An empty note is refused beside its field; nothing changes.
    let (status, body) = app
        .post_page(
            &cookie,
            &format!("{path}/progress"),
            &[("note", " "), ("version", &version), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(r#"id="pp-note" name="note" aria-invalid="true""#),
        "{body}"
    );
    assert_eq!(the_problem(&store, project).await.version, p.version);

    let r = app
        .post(
            &cookie,
            &format!("{path}/progress"),
            &[
                ("note", "已协调自然资源局"),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    let p = the_problem(&store, project).await;
    assert_eq!(p.fields.status, ProblemStatus::InProgress);
    assert_eq!(p.fields.progress.as_deref(), Some("已协调自然资源局"));

    // A resolution dated tomorrow is refused under the date; today's clears the warning.
    let today = store.today();
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    let version = p.version.to_string();
    let (status, body) = app
        .post_page(
            &cookie,
            &format!("{path}/resolve"),
            &[
                ("resolution", "指标已下达"),
                ("resolved_on", &tomorrow),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(&format!(r#"id="pr-resolved_on" name="resolved_on" type="date" value="{tomorrow}" aria-invalid="true""#)),
        "the typed date is kept and marked"
    );
    let r = app
        .post(
            &cookie,
            &format!("{path}/resolve"),
            &[
                ("resolution", "指标已下达"),
                ("resolved_on", &today.to_string()),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    let p = the_problem(&store, project).await;
    assert_eq!(
        (p.fields.status, p.fields.resolved_on),
        (ProblemStatus::Resolved, Some(today))
    );
    assert_eq!(open_warnings(&store).await, 0, "the overdue warning clears");

    // Reopened with a reason; the history reads each change before and after.
    let (_, page) = app.page(&cookie, &path).await;
    assert!(page.contains("reopen-form") && !page.contains("progress-form"));
    let r = app
        .post(
            &cookie,
            &format!("{path}/reopen"),
            &[
                ("reason", "指标被收回"),
                ("version", &p.version.to_string()),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    assert_eq!(
        the_problem(&store, project).await.fields.status,
        ProblemStatus::InProgress
    );
    let (_, page) = app.page(&cookie, &path).await;
    for change in [
        "<del>待解决</del> → <ins>推进中</ins>",
        "<del>推进中</del> → <ins>已解决</ins>",
        "<del>—</del> → <ins>指标已下达</ins>",
        "<del>已解决</del> → <ins>推进中</ins>",
    ] {
        assert!(page.contains(change), "history shows {change}");
    }
    // Each entry names the person and their unit, not a login; the fixture's own write is the
    // system's.
    assert!(
        page.contains("<td>editor · 浑南区发展和改革局</td>"),
        "the writer by name and unit"
    );
    assert!(page.contains("<td>系统（ui-tests）</td>"));
}

#[tokio::test]
async fn a_viewer_gets_no_problem_forms_and_a_forged_action_is_refused() {
    let (app, store) = start_with().await;
    let project = troubled(&store).await;
    let p = the_problem(&store, project).await;
    let cookie = app.login_as("viewer").await;
    let path = format!("/projects/{project}/problems/{}", p.id);
    let (status, page) = app.page(&cookie, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("用地指标未落实"));
    for form in ["progress-form", "resolve-form", "problem-edit-form"] {
        assert!(!page.contains(form), "{form} is not offered to a viewer");
    }
    let token = csrf_of(&page);
    let r = app
        .post(
            &cookie,
            &format!("{path}/resolve"),
            &[("resolution", "强行销号"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(r, StatusCode::FORBIDDEN);
    assert_eq!(
        the_problem(&store, project).await.fields.status,
        ProblemStatus::Open
    );
}

/// The project's 变更记录 holds its problems' and reports' changes beside its own, each with
/// the value before and after.
#[tokio::test]
async fn the_project_history_holds_its_problems_and_reports() {
    let (app, store) = start_with().await;
    let project = troubled(&store).await;
    let p = the_problem(&store, project).await;
    let access = duikou_core::auth::Access::system("check");
    let action = duikou_core::problem::ProblemAction::Progress {
        note: "已召开协调会".into(),
    };
    store
        .scoped(&access)
        .act_on_problem(project, p.id, None, &action)
        .await
        .unwrap();
    let cookie = app.login_as("viewer").await;
    let (_, page) = app.page(&cookie, &format!("/projects/{project}")).await;
    let history = page
        .split(r#"id="history""#)
        .nth(1)
        .and_then(|h| h.split("</section>").next())
        .unwrap();
    assert!(history.contains("推进 · 问题"), "{history}");
    assert!(history.contains("<ins>已召开协调会</ins>"), "{history}");
    assert!(
        history.contains("登记 · 项目"),
        "its own entries stay: {history}"
    );
}
