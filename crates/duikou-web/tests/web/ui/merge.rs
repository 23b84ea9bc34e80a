//! Two people edit the same record: the second save comes back with everything they typed,
//! each field the first changed shown with the first's value, who changed it and when, and a
//! button taking it; saving again merges. Fields only the second changed, or both alike, are
//! not flagged.

use duikou_core::auth::Access;
use duikou_store::Store;
use reqwest::StatusCode;

use super::start_with;
use super::warnings::troubled;

/// The hidden fields of the form `id` in a page (`name` → `value`), in order.
fn hidden(page: &str, id: &str) -> Vec<(String, String)> {
    let start = page
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("{id} in {page}"));
    let form = &page[start
        ..page[start..]
            .find("</form>")
            .map_or(page.len(), |e| start + e)];
    form.split(r#"<input type="hidden" name=""#)
        .skip(1)
        .map(|rest| {
            let (name, rest) = rest.split_once('"').unwrap();
            let value = rest
                .split_once(r#"value=""#)
                .and_then(|(_, v)| v.split_once('"'))
                .map_or("", |(v, _)| v);
            (
                name.to_owned(),
                value.replace("&#43;", "+").replace("&amp;", "&"),
            )
        })
        .collect()
}

/// The form a writer sends: what it started from (its `orig.*` fields, as the page showed
/// them), with `changes` typed over it.
fn typed(hidden: &[(String, String)], changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = hidden.to_vec();
    for (k, v) in hidden {
        if let Some(field) = k.strip_prefix("orig.") {
            if field != "version" {
                form.push((field.to_owned(), v.clone()));
            }
        }
    }
    for (k, v) in changes {
        form.retain(|(f, _)| f != k);
        form.push(((*k).to_owned(), (*v).to_owned()));
    }
    form
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn project(store: &Store, id: i64) -> duikou_core::project::Project {
    let access = Access::system("check");
    store.scoped(&access).project(id).await.unwrap()
}

async fn problem(store: &Store, id: i64) -> duikou_core::problem::Problem {
    let access = Access::system("check");
    store.scoped(&access).problems(id).await.unwrap().remove(0)
}

#[tokio::test]
async fn a_second_save_of_a_project_keeps_what_was_typed_and_merges_field_by_field() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let path = format!("/projects/{id}/edit");
    let (first, second) = (app.login_as("admin").await, app.login_as("editor").await);
    let (_, page_a) = app.page(&first, &path).await;
    let (_, page_b) = app.page(&second, &path).await;
    let (a, b) = (
        hidden(&page_a, "project-form"),
        hidden(&page_b, "project-form"),
    );
    assert!(a
        .iter()
        .any(|(k, v)| k == "orig.name" && v == "浑南新材料产业园"));

    // The first changes the leader, the planned investment and the industry, and saves.
    let form = typed(
        &a,
        &[
            ("leader", "李明"),
            ("planned_investment", "150000"),
            ("industry", "新材料"),
        ],
    );
    let (status, _) = app.post_page(&first, &path, &pairs(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let after_first = project(&store, id).await;

    // The second changed the leader too, the note, and the industry alike.
    let mine = [
        ("leader", "王强"),
        ("note", "已签约，待开工"),
        ("industry", "新材料"),
    ];
    let form = typed(&b, &mine);
    let (status, body) = app.post_page(&second, &path, &pairs(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains(r#"value="王强""#), "what was typed is kept");
    assert!(body.contains("已签约，待开工</textarea>"));
    assert!(body.contains("在您编辑期间，他人已保存了这条记录"));
    let leader = body.split(r#"id="pf-leader-theirs""#).nth(1).unwrap();
    let leader = leader.split("</p>").next().unwrap();
    assert!(
        leader.contains("李明") && leader.contains("admin"),
        "{leader}"
    );
    assert!(leader.contains(r#"name="take" value="leader""#));
    assert!(leader.contains("采用对方的值"));
    assert!(
        body.contains(r#"id="pf-planned_investment-theirs""#),
        "a field only the other changed is shown, kept as typed"
    );
    assert!(!body.contains("pf-note-theirs"), "only mine: not flagged");
    assert!(
        !body.contains("pf-industry-theirs"),
        "both alike: not flagged"
    );
    let again = hidden(&body, "project-form");
    let version = after_first.version.to_string();
    assert!(again.contains(&("version".to_owned(), version.clone())));

    // Taking the other's leader puts it in the field; nothing is saved yet.
    let mut form = typed(&again, &mine);
    form.push(("take".into(), "leader".into()));
    let (status, body) = app.post_page(&second, &path, &pairs(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(r#"value="李明""#) && !body.contains(r#"value="王强""#));
    assert!(
        !body.contains("pf-leader-theirs"),
        "taken: no longer flagged"
    );
    assert!(body.contains("pf-planned_investment-theirs"));
    assert_eq!(project(&store, id).await.version, after_first.version);

    // Saving again merges: the leader taken, the rest as typed.
    let form = typed(
        &hidden(&body, "project-form"),
        &[("leader", "李明"), mine[1], mine[2]],
    );
    let (status, body) = app.post_page(&second, &path, &pairs(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let f = project(&store, id).await.fields;
    assert_eq!(f.leader.as_deref(), Some("李明"));
    assert_eq!(f.note.as_deref(), Some("已签约，待开工"));
    assert_eq!(f.industry.as_deref(), Some("新材料"));
    assert_eq!(
        f.planned_investment.map(|m| m.yuan()),
        Some(1_200_000_000),
        "what the second kept wins where they did not take"
    );
}

#[tokio::test]
async fn a_second_correction_of_a_problem_comes_back_to_merge() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let p = problem(&store, id).await;
    let path = format!("/projects/{id}/problems/{}", p.id);
    let (first, second) = (app.login_as("admin").await, app.login_as("editor").await);
    let (_, page_a) = app.page(&first, &path).await;
    let (_, page_b) = app.page(&second, &path).await;
    let a = hidden(&page_a, "problem-edit-form");
    let b = hidden(&page_b, "problem-edit-form");
    let edit = format!("{path}/edit");

    let form = typed(
        &a,
        &[
            ("description", "用地指标已报批"),
            ("due_date", "2031-06-30"),
        ],
    );
    assert_eq!(
        app.post(&first, &edit, &pairs(&form)).await,
        StatusCode::SEE_OTHER
    );
    let form = typed(&b, &[("description", "用地指标未落实，需省厅协调")]);
    let (status, body) = app.post_page(&second, &edit, &pairs(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("用地指标未落实，需省厅协调</textarea>"));
    let note = body.split(r#"id="pe-description-theirs""#).nth(1).unwrap();
    assert!(note
        .split("</p>")
        .next()
        .unwrap()
        .contains("用地指标已报批"));
    assert!(body.contains(r#"id="pe-due_date-theirs""#));
    assert!(!body.contains("pe-category-theirs"));

    // Take the other's due date; keep the own description; save.
    let mut form = typed(
        &hidden(&body, "problem-edit-form"),
        &[("description", "用地指标未落实，需省厅协调")],
    );
    form.push(("take".into(), "due_date".into()));
    let (status, body) = app.post_page(&second, &edit, &pairs(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(r#"value="2031-06-30""#));
    let form = typed(
        &hidden(&body, "problem-edit-form"),
        &[
            ("description", "用地指标未落实，需省厅协调"),
            ("due_date", "2031-06-30"),
        ],
    );
    let (status, body) = app.post_page(&second, &edit, &pairs(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let f = problem(&store, id).await.fields;
    assert_eq!(f.description, "用地指标未落实，需省厅协调");
    assert_eq!(
        f.due_date.map(|d| d.to_string()).as_deref(),
        Some("2031-06-30")
    );
}
