//! Projects of the same name: found in the region asked and its subtree, whatever the case of
//! their Latin letters and the spaces around them, and only among those the reader may read.

use duikou_core::auth::{Access, ResolvedScope};
use duikou_core::project::Project;
use duikou_store::Store;

use crate::fixtures::*;
use crate::helpers::on_each_backend;

fn ids(projects: &[Project]) -> Vec<i64> {
    projects.iter().map(|p| p.id).collect()
}

async fn reader_of(store: &Store, region: &str) -> Access {
    let path = store.region(region).await.unwrap().path;
    Access {
        user_id: Some(31),
        login: format!("reader-{region}"),
        read: vec![ResolvedScope::RegionPath(path)],
        ..Access::default()
    }
}

#[tokio::test]
async fn same_named_projects_are_found_in_the_subtree_among_those_the_reader_reads() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let hunnan = lead(&store, fields("Huanan 新材料产业园", "210112")).await;
        let zone = lead(&store, fields("HUANAN 新材料产业园", "210191")).await;
        let dalian = lead(&store, fields("huanan 新材料产业园", "210200")).await;
        lead(&store, fields("Huanan 新材料产业园二期", "210112")).await;
        lead(&store, fields("Huanan_新材料产业园", "210112")).await;
        let accented = lead(&store, fields("Énergie 园", "210112")).await;

        let all = store.with_access(clerk_access());
        let typed = "　huanan 新材料产业园 ";
        let found = |region: &'static str| {
            let all = &all;
            async move { ids(&all.same_named_projects(typed, region).await.unwrap()) }
        };
        assert_eq!(found("210112").await, [hunnan.id]);
        assert_eq!(found("210100").await, [hunnan.id, zone.id]);
        assert_eq!(found("210000").await, [hunnan.id, zone.id, dalian.id]);
        assert_eq!(found("210200").await, [dalian.id]);
        assert!(found("110000").await.is_empty(), "none in Beijing");
        assert!(
            found("999999").await.is_empty(),
            "an unknown region has none"
        );
        let e = all
            .same_named_projects("éNERGIE 园", "210100")
            .await
            .unwrap();
        assert_eq!(ids(&e), [accented.id], "a letter's case beyond ASCII");

        // Readers see only what they read.
        let dalian_reader = reader_of(&store, "210200").await;
        let seen = store
            .scoped(&dalian_reader)
            .same_named_projects(typed, "210000")
            .await
            .unwrap();
        assert_eq!(ids(&seen), [dalian.id]);
        let shenyang_reader = reader_of(&store, "210100").await;
        let seen = store
            .scoped(&shenyang_reader)
            .same_named_projects(typed, "210000")
            .await
            .unwrap();
        assert_eq!(ids(&seen), [hunnan.id, zone.id]);
    })
    .await;
}
