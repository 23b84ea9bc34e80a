//! Orgs and partnerships: references checked, unique slugs, nested partnerships by path.

use duikou_core::org::{OrgInput, OrgKind};
use duikou_core::partnership::Side;
use duikou_store::{Store, StoreError};

use crate::fixtures::*;
use crate::helpers::on_each_backend;

fn org_input(name: &str, region: &str, parent: Option<i64>) -> OrgInput {
    OrgInput {
        name: name.into(),
        kind: OrgKind::Office,
        region_code: region.into(),
        parent_id: parent,
    }
}

#[tokio::test]
async fn an_org_needs_a_known_region_and_parent() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let office = store
            .with_access(clerk_access())
            .create_org(&org_input("沈阳市对口合作办", "210100", None))
            .await
            .unwrap();
        let unit = store
            .with_access(clerk_access())
            .create_org(&org_input("综合处", "210100", Some(office.id)))
            .await
            .unwrap();
        assert_eq!(unit.parent_id, Some(office.id));
        assert_field(
            store
                .with_access(clerk_access())
                .create_org(&org_input("某办", "229900", None))
                .await,
            "region_code",
        );
        assert_field(
            store
                .with_access(clerk_access())
                .create_org(&org_input("某处", "210100", Some(9999)))
                .await,
            "parent_id",
        );
        assert_eq!(store.orgs(Some("210100")).await.unwrap().len(), 2);
        assert!(store.orgs(Some("110000")).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_org_cannot_be_its_own_parent_and_a_parent_in_use_stays() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let office = store
            .with_access(clerk_access())
            .create_org(&org_input("合作办", "210100", None))
            .await
            .unwrap();
        let cycle = store
            .with_access(clerk_access())
            .update_org(
                office.id,
                Some(1),
                &org_input("合作办", "210100", Some(office.id)),
            )
            .await;
        assert_field(cycle, "parent_id");
        store
            .with_access(clerk_access())
            .create_org(&org_input("综合处", "210100", Some(office.id)))
            .await
            .unwrap();
        let in_use = store
            .with_access(clerk_access())
            .delete_org(office.id, None)
            .await;
        assert!(matches!(in_use, Err(StoreError::InUse(_))), "{in_use:?}");
        let renamed = store
            .with_access(clerk_access())
            .update_org(
                office.id,
                Some(1),
                &org_input("沈阳市合作办", "210100", None),
            )
            .await
            .unwrap();
        assert_eq!(
            (renamed.name.as_str(), renamed.version),
            ("沈阳市合作办", 2)
        );
    })
    .await;
}

#[tokio::test]
async fn a_duplicate_slug_is_a_field_error_naming_slug() {
    on_each_backend(|store: Store| async move {
        let world = seed(&store).await;
        let again = partnership_input("beijing-shenyang", "京沈又一次", None, "110000", "210100");
        let e = assert_field(
            store
                .with_access(clerk_access())
                .create_partnership(&again)
                .await,
            "slug",
        );
        assert_eq!(e.code, "duplicate");
        // Taking another partnership's slug on update is refused the same way.
        let mut hulian = partnership_input("shanghai-dalian", "沪连", None, "310000", "210200");
        hulian.slug = "beijing-shenyang".into();
        let e = assert_field(
            store
                .with_access(clerk_access())
                .update_partnership(world.hulian.id, None, &hulian)
                .await,
            "slug",
        );
        assert_eq!(e.code, "duplicate");
        assert_eq!(store.partnerships().await.unwrap().len(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_nested_partnership_hangs_below_its_parent_by_path() {
    on_each_backend(|store: Store| async move {
        let world = seed(&store).await;
        let parent = &world.jingshen;
        let child = &world.chaoyang_hunnan;
        assert_eq!(parent.path, format!("/{}/", parent.id));
        assert_eq!(child.path, format!("/{}/{}/", parent.id, child.id));
        assert_eq!(child.parent_id, Some(parent.id));
        let all = store.partnerships().await.unwrap();
        let order: Vec<i64> = all.iter().map(|p| p.id).collect();
        assert_eq!(order, [parent.id, child.id, world.hulian.id]);
        assert_eq!(
            store.partnership_by_slug("chaoyang-hunnan").await.unwrap(),
            *child
        );
    })
    .await;
}

#[tokio::test]
async fn a_partnership_checks_its_sides_and_keeps_its_parent() {
    on_each_backend(|store: Store| async move {
        let world = seed(&store).await;
        let mut input = partnership_input("x-y", "某合作", None, "110000", "219999");
        assert_field(
            store
                .with_access(clerk_access())
                .create_partnership(&input)
                .await,
            "side_b.region_code",
        );
        input.side_b = Side {
            region_code: None,
            org_id: Some(4242),
        };
        assert_field(
            store
                .with_access(clerk_access())
                .create_partnership(&input)
                .await,
            "side_b.org_id",
        );
        let mut moved = partnership_input(
            "chaoyang-hunnan",
            "朝阳区—浑南区结对",
            Some(world.hulian.id),
            "110105",
            "210112",
        );
        let e = assert_field(
            store
                .with_access(clerk_access())
                .update_partnership(world.chaoyang_hunnan.id, Some(1), &moved)
                .await,
            "parent_id",
        );
        assert_eq!(e.code, "immutable");
        moved.parent_id = Some(world.jingshen.id);
        moved.name = "朝阳—浑南".into();
        let renamed = store
            .with_access(clerk_access())
            .update_partnership(world.chaoyang_hunnan.id, Some(1), &moved)
            .await
            .unwrap();
        assert_eq!((renamed.name.as_str(), renamed.version), ("朝阳—浑南", 2));
        assert_eq!(renamed.path, world.chaoyang_hunnan.path);
    })
    .await;
}

#[tokio::test]
async fn a_partnership_with_children_or_projects_cannot_be_deleted() {
    on_each_backend(|store: Store| async move {
        let world = seed(&store).await;
        let in_use = store
            .with_access(clerk_access())
            .delete_partnership(world.jingshen.id, None)
            .await;
        assert!(matches!(in_use, Err(StoreError::InUse(_))), "{in_use:?}");
        let mut f = fields("大连项目", "210200");
        f.partnership_id = Some(world.hulian.id);
        lead(&store, f).await;
        let in_use = store
            .with_access(clerk_access())
            .delete_partnership(world.hulian.id, None)
            .await;
        assert!(matches!(in_use, Err(StoreError::InUse(_))), "{in_use:?}");
        store
            .with_access(clerk_access())
            .delete_partnership(world.chaoyang_hunnan.id, Some(1))
            .await
            .unwrap();
        assert_eq!(store.partnerships().await.unwrap().len(), 2);
    })
    .await;
}
