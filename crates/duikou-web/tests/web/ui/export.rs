//! 导出Excel through the real server: the file read back has the catalog's headers, the
//! list's filter and order, money in 万元 as exact numbers and dates as dates.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use duikou_core::auth::Access;
use duikou_core::money::Money;
use reqwest::StatusCode;

use super::start_with;
use super::warnings::troubled;

#[tokio::test]
async fn the_export_holds_the_filtered_sorted_list_with_exact_money() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    // A second project of 1234.5678万元, and a third filtered out by the name.
    let access = Access::system("setup");
    let scoped = store.scoped(&access);
    let first = scoped.project(id).await.unwrap();
    for (name, yuan) in [("浑南新材料二期", 12_345_678), ("于洪物流园", 1)] {
        let mut fields = first.fields.clone();
        fields.name = name.into();
        fields.planned_investment = Some(Money::from_yuan(yuan));
        let new = duikou_store::NewProject {
            fields,
            stage: first.stage,
            stage_since: first.stage_since,
        };
        scoped.create_project(&new).await.unwrap();
    }
    let cookie = app.login_as("viewer").await;
    let (_, list) = app
        .page(&cookie, "/projects?q=浑南&sort=planned_investment")
        .await;
    let href = list
        .split(r#"id="export-xlsx" href=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert!(href.starts_with("/projects/export.xlsx?"), "{href}");
    let r = app
        .client
        .get(format!("{}{href}", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 3, "the header and the two 浑南 projects");
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header[0], "项目名称");
    let planned = header
        .iter()
        .position(|h| h == "计划总投资（万元）")
        .expect("the money column in 万元");
    // Sorted by planned investment, smallest first.
    assert_eq!(rows[1][0], Data::String("浑南新材料二期".into()));
    assert_eq!(rows[1][planned], Data::Float(1234.5678));
    assert_eq!(rows[2][0], Data::String("浑南新材料产业园".into()));
    assert_eq!(rows[2][planned], Data::Float(120000.0));
    let since = header.iter().position(|h| h == "阶段开始日期").unwrap();
    assert!(
        matches!(rows[1][since], Data::DateTime(_)),
        "a date cell: {:?}",
        rows[1][since]
    );

    // A bad filter is refused, not exported unfiltered.
    let r = app
        .client
        .get(format!("{}/projects/export.xlsx?stage=nonsense", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}
