//! The 项目管家 board (/steps): late steps grouped by project under the first late step of
//! their chain, filters by unit and status in the URL, the export, and a reader of another
//! city who sees none of it.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use duikou_core::auth::{Access, Grant, Role, Scope};
use duikou_core::region::{RegionInput, RegionKind};
use duikou_core::steps::{StepState, StepStatus};
use duikou_core::Actor;
use duikou_store::accounts::NewUser;
use duikou_store::Store;
use reqwest::StatusCode;

use super::warnings::troubled;
use super::{start_with, App, PASSWORD};

/// A user who edits the projects of Beijing only.
pub(super) async fn beijing_editor(store: &Store) -> &'static str {
    let system = Actor::system("setup");
    let beijing = RegionInput {
        code: "110000".into(),
        name: "北京市".into(),
        kind: RegionKind::Province,
        parent_code: None,
    };
    let admin = store.as_system(&system.name);
    admin.create_region(&beijing).await.unwrap();
    let new = NewUser {
        login: "beijing".into(),
        display_name: "北京填报".into(),
        org_id: None,
        password: Some(PASSWORD.into()),
    };
    admin.create_user(&new).await.unwrap();
    let g = Grant {
        role: Role::Editor,
        scope: Scope::Region {
            region_code: "110000".into(),
        },
    };
    admin.grant("beijing", &g).await.unwrap();
    "beijing"
}

/// The project of `troubled` on the construction-approval template since 30 days ago, its
/// first step (备案) not started and so late with its successors behind it; 不动产登记 (no
/// dependency) finished. Returns the project, the 逾期天数 of 备案 and how many steps are
/// late, both computed from the schedule and the calendar.
async fn late_in_cascade(store: &Store) -> (i64, i64, usize) {
    let id = troubled(store).await;
    let today = store.today();
    let start = today - chrono::Duration::days(30);
    let access = Access::system("setup");
    let scoped = store.scoped(&access);
    scoped
        .instantiate_steps(id, "construction_approval", None, start)
        .await
        .unwrap();
    let done = StepState {
        status: StepStatus::Done,
        actual_start: Some(start),
        actual_finish: Some(start),
        ..StepState::new("land_title_registration")
    };
    scoped.update_step(id, None, &done).await.unwrap();
    let calendar = store.calendar().await.unwrap();
    let schedule = scoped.schedule(id, &calendar, today).await.unwrap();
    let late: Vec<_> = schedule
        .steps
        .iter()
        .filter(|s| s.late && s.actual_finish.is_none())
        .collect();
    let filing = late.iter().find(|s| s.key == "project_filing").unwrap();
    let days = calendar
        .working_days_between(filing.planned_due, today)
        .value;
    assert!(late.len() > 2, "steps behind 备案 are late too: {late:?}");
    (id, days, late.len())
}

/// The late table's rows, by project.
fn late_rows(page: &str) -> Vec<String> {
    let Some(table) = page
        .split(r#"id="late-table""#)
        .nth(1)
        .and_then(|r| r.split("</table>").next())
    else {
        return Vec::new();
    };
    table
        .split("<tr data-project=")
        .skip(1)
        .map(|r| r.split("</tr>").next().unwrap().to_owned())
        .collect()
}

async fn get(app: &App, cookie: &str, path: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn late_steps_are_one_group_per_project_under_the_first_late_step_of_the_chain() {
    let (app, store) = start_with().await;
    let (id, days, late) = late_in_cascade(&store).await;
    let cookie = app.login_as("viewer").await;
    let (status, page) = app.page(&cookie, "/steps").await;
    assert_eq!(status, StatusCode::OK);
    let rows = late_rows(&page);
    assert_eq!(rows.len(), 1, "one group for the project: {rows:?}");
    let row = &rows[0];
    assert!(row.starts_with(&format!(r#""{id}""#)), "{row}");
    assert!(row.contains(&format!(r#"href="/projects/{id}""#)));
    assert!(
        row.contains("浑南区发展和改革局"),
        "the project's 责任单位: {row}"
    );
    assert!(
        row.contains(&format!(r#"class="late-count">{late}</a>"#)),
        "{late} late steps: {row}"
    );
    assert_eq!(row.matches("data-root=").count(), 1, "{row}");
    assert!(row.contains(r#"data-root="project_filing""#), "{row}");
    assert!(row.contains(&format!(r#"href="/projects/{id}/steps/project_filing""#)));
    assert!(
        row.contains(&format!("逾期{days}个工作日")),
        "{days}: {row}"
    );
    assert!(
        row.contains(&format!(
            r#"<span class="cascade-count">{}</span>个环节"#,
            late - 1
        )),
        "{} behind: {row}",
        late - 1
    );
    assert!(
        row.contains("建设用地规划许可证核发"),
        "a step behind, named"
    );
}

#[tokio::test]
async fn the_unit_and_status_filters_narrow_the_board_and_a_bad_value_is_reported() {
    let (app, store) = start_with().await;
    let (id, _, _) = late_in_cascade(&store).await;
    let cookie = app.login_as("viewer").await;
    let (_, page) = app.page(&cookie, "/steps").await;
    let form = page
        .split(r#"id="board-filters""#)
        .nth(1)
        .and_then(|r| r.split("</form>").next())
        .unwrap();
    assert!(form.contains(r#"<option value="发展和改革局">"#), "{form}");
    assert!(form.contains(r#"<button type="submit""#), "applied by 筛选");
    assert!(!form.contains("onchange"));

    for (query, shown) in [
        ("unit=发展和改革局", true),
        ("unit=自然资源和规划局", false),
        ("status=pending", true),
        ("status=in_progress", false),
        ("unit=发展和改革局&status=blocked", false),
    ] {
        let (status, page) = app.page(&cookie, &format!("/steps?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(late_rows(&page).len(), usize::from(shown), "{query}");
    }
    // Nothing left under the filters: the empty state, and the way back.
    let (_, page) = app.page(&cookie, "/steps?status=blocked").await;
    assert!(page.contains(r#"id="board-empty""#) && page.contains("没有符合筛选条件的环节"));
    assert!(page.contains(r#"href="/steps">清除筛选</a>"#));
    // Only the late list.
    let (_, page) = app.page(&cookie, "/steps?list=late").await;
    assert!(!page.contains(r#"id="due-soon""#) && !page.contains(r#"id="follow-ups""#));
    assert_eq!(late_rows(&page).len(), 1);

    // A bad value is reported beside its filter, and the board shown without it.
    let (status, page) = app.page(&cookie, "/steps?status=late&list=all").await;
    assert_eq!(status, StatusCode::OK);
    for field in ["status", "list"] {
        let select = page
            .split(&format!(r#"id="b-{field}""#))
            .nth(1)
            .and_then(|r| r.split("</div>").next())
            .unwrap();
        assert!(select.contains("没有这个选项"), "{field}: {select}");
    }
    let rows = late_rows(&page);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].starts_with(&format!(r#""{id}""#)));
}

#[tokio::test]
async fn the_export_holds_the_filtered_groups_as_a_workbook() {
    let (app, store) = start_with().await;
    let (_, days, late) = late_in_cascade(&store).await;
    let cookie = app.login_as("viewer").await;
    let (_, page) = app.page(&cookie, "/steps?unit=发展和改革局").await;
    let href = page
        .split(r#"id="export-xlsx" href=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert!(href.starts_with("/steps/export.xlsx?unit="), "{href}");
    let r = get(&app, &cookie, &href).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names()[0], "逾期项目");
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 2, "the header and the one chain: {rows:?}");
    assert_eq!(rows[0][0], Data::String("项目名称".into()));
    assert_eq!(rows[0][7], Data::String("逾期天数（工作日）".into()));
    assert_eq!(rows[1][0], Data::String("浑南新材料产业园".into()));
    assert_eq!(rows[1][3], Data::String("企业投资项目备案".into()));
    assert!(matches!(rows[1][6], Data::DateTime(_)), "{:?}", rows[1][6]);
    assert_eq!(rows[1][7], Data::Float(days as f64));
    assert_eq!(rows[1][8], Data::Float((late - 1) as f64));

    // Filtered to another unit, the chain is not exported; a bad filter is refused.
    let r = get(
        &app,
        &cookie,
        "/steps/export.xlsx?list=late&unit=生态环境局",
    )
    .await;
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names().len(), 1, "only the late list");
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.rows().count(), 1, "the header only");
    let r = get(&app, &cookie, "/steps/export.xlsx?status=late").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_reader_of_another_city_sees_none_of_the_rows() {
    let (app, store) = start_with().await;
    late_in_cascade(&store).await;
    let login = beijing_editor(&store).await;
    let cookie = app.login_as(login).await;
    let (status, page) = app.page(&cookie, "/steps").await;
    assert_eq!(status, StatusCode::OK);
    assert!(late_rows(&page).is_empty());
    assert!(!page.contains("浑南新材料产业园") && !page.contains("企业投资项目备案"));
    assert!(page.contains(r#"id="board-empty""#));
    assert!(
        !page.contains("<option value=\"发展和改革局\">"),
        "no unit offered"
    );
    let r = get(&app, &cookie, "/steps/export.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    for i in 0..book.sheet_names().len() {
        let sheet = book.worksheet_range_at(i).unwrap().unwrap();
        assert_eq!(sheet.rows().count(), 1, "sheet {i}: the header only");
    }
}
