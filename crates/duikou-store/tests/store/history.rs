//! The change log: every write leaves who, when, and the record before and after.

use duikou_core::Stage;
use duikou_store::{Store, TransitionInput};
use serde_json::json;

use crate::fixtures::*;
use crate::helpers::on_each_backend;

#[tokio::test]
async fn a_projects_history_has_its_create_update_transition_and_delete() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("初名", "210112")).await;
        let p = store
            .with_access(clerk_access())
            .update_project(p.id, Some(1), &fields("改名", "210112"))
            .await
            .unwrap();
        let input = TransitionInput {
            to: Stage::Negotiating,
            effective_date: Some(d(2018, 2, 1)),
            reason: None,
            override_rules: false,
        };
        transition(&store, &admin(), p.id, Some(2), &input, d(2018, 12, 31))
            .await
            .unwrap();
        store
            .with_access(admin_access())
            .delete_project(p.id, Some(3))
            .await
            .unwrap();

        let log = store.history("project", &p.id.to_string()).await.unwrap();
        let actions: Vec<(&str, &str)> = log
            .iter()
            .map(|e| (e.action.as_str(), e.actor.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                ("create", "clerk"),
                ("update", "clerk"),
                ("transition", "admin"),
                ("delete", "admin")
            ]
        );
        let field = |i: usize, side: &str, key: &str| {
            let entry = &log[i];
            let value = if side == "before" {
                &entry.before
            } else {
                &entry.after
            };
            value.as_ref().and_then(|v| v.get(key)).cloned()
        };
        assert_eq!(log[0].before, None);
        assert_eq!(field(0, "after", "name"), Some(json!("初名")));
        assert_eq!(field(0, "after", "version"), Some(json!(1)));
        assert_eq!(field(1, "before", "name"), Some(json!("初名")));
        assert_eq!(field(1, "after", "name"), Some(json!("改名")));
        assert_eq!(field(2, "before", "stage"), Some(json!("lead")));
        assert_eq!(field(2, "after", "to_stage"), Some(json!("negotiating")));
        assert_eq!(
            field(2, "after", "effective_date"),
            Some(json!("2018-02-01"))
        );
        assert_eq!(field(3, "before", "stage"), Some(json!("negotiating")));
        assert_eq!(log[3].after, None);
        assert!(log
            .windows(2)
            .all(|w| w[0].at <= w[1].at && w[0].id < w[1].id));
        assert!(log
            .iter()
            .all(|e| e.kind == "project" && e.record_id == p.id.to_string()));
    })
    .await;
}

#[tokio::test]
async fn regions_partnerships_and_reports_keep_a_history_too() {
    on_each_backend(|store: Store| async move {
        let world = seed(&store).await;
        let region = store.history("region", "210112").await.unwrap();
        assert_eq!(region.len(), 1);
        assert_eq!(region[0].action, "create");
        assert_eq!(
            region[0]
                .after
                .as_ref()
                .and_then(|a| a.get("path"))
                .cloned(),
            Some(json!("/210000/210100/210112/"))
        );
        let pid = world.chaoyang_hunnan.id.to_string();
        let partnership = store.history("partnership", &pid).await.unwrap();
        assert_eq!(partnership.len(), 1);
        assert_eq!(
            partnership[0]
                .after
                .as_ref()
                .and_then(|a| a.get("slug"))
                .cloned(),
            Some(json!("chaoyang-hunnan"))
        );
        let p = lead(&store, fields("项目", "210112")).await;
        let r = store
            .with_access(clerk_access())
            .create_progress_report(p.id, &crate::progress_reports::report("2018-06", 5))
            .await
            .unwrap();
        store
            .with_access(clerk_access())
            .update_progress_report(
                p.id,
                r.id,
                Some(1),
                &crate::progress_reports::report("2018-06", 6),
            )
            .await
            .unwrap();
        store
            .with_access(clerk_access())
            .delete_progress_report(p.id, r.id, Some(2))
            .await
            .unwrap();
        let report = store
            .history("progress_report", &r.id.to_string())
            .await
            .unwrap();
        let actions: Vec<&str> = report.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["create", "update", "delete"]);
        assert_eq!(
            report[1]
                .after
                .as_ref()
                .and_then(|a| a.get("invested_to_date"))
                .cloned(),
            Some(json!(6))
        );
        assert!(store.history("project", "999").await.unwrap().is_empty());
    })
    .await;
}
