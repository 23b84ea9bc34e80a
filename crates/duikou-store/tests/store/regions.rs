//! Regions: parents checked on create, subtrees, renames under version checks, fixed parents,
//! and no delete while something still points at a region.

use duikou_core::region::RegionKind::*;
use duikou_store::{RegionFilter, Store, StoreError};

use crate::fixtures::*;
use crate::helpers::on_each_backend;

#[tokio::test]
async fn a_region_is_created_under_its_parent_with_a_path() {
    on_each_backend(|store: Store| async move {
        region(&store, "210000", "辽宁省", Province, None).await;
        region(&store, "210100", "沈阳市", City, Some("210000")).await;
        let hunnan = region(&store, "210112", "浑南区", District, Some("210100")).await;
        assert_eq!(hunnan.path, "/210000/210100/210112/");
        assert_eq!(hunnan.parent_code.as_deref(), Some("210100"));
        assert_eq!(hunnan.version, 1);
        assert_eq!(store.region("210112").await.unwrap(), hunnan);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_parent_is_a_field_error_naming_parent_code() {
    on_each_backend(|store: Store| async move {
        let result = store
            .with_access(clerk_access())
            .create_region(&region_input("210100", "沈阳市", City, Some("210000")))
            .await;
        assert_field(result, "parent_code");
        assert!(store
            .regions(&RegionFilter::default())
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_code_that_does_not_fit_its_parent_is_refused() {
    on_each_backend(|store: Store| async move {
        region(&store, "210000", "辽宁省", Province, None).await;
        let city_of_jilin = region_input("220100", "长春市", City, Some("210000"));
        assert_field(
            store
                .with_access(clerk_access())
                .create_region(&city_of_jilin)
                .await,
            "code",
        );
        let province_under_province = region_input("220000", "吉林省", Province, Some("210000"));
        assert_field(
            store
                .with_access(clerk_access())
                .create_region(&province_under_province)
                .await,
            "parent_code",
        );
        let orphan_city = region_input("220100", "长春市", City, None);
        assert_field(
            store
                .with_access(clerk_access())
                .create_region(&orphan_city)
                .await,
            "parent_code",
        );
    })
    .await;
}

#[tokio::test]
async fn a_duplicate_region_code_is_a_field_error_naming_code() {
    on_each_backend(|store: Store| async move {
        region(&store, "210000", "辽宁省", Province, None).await;
        let again = region_input("210000", "辽宁", Province, None);
        let e = assert_field(
            store
                .with_access(clerk_access())
                .create_region(&again)
                .await,
            "code",
        );
        assert_eq!(e.code, "duplicate");
        assert_eq!(store.region("210000").await.unwrap().name, "辽宁省");
    })
    .await;
}

#[tokio::test]
async fn a_subtree_lists_every_region_below_and_not_the_region_itself() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let codes = |f: RegionFilter| {
            let store = store.clone();
            async move {
                store
                    .regions(&f)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.code)
                    .collect::<Vec<_>>()
            }
        };
        let within = |c: &str| RegionFilter {
            within: Some(c.into()),
            ..RegionFilter::default()
        };
        assert_eq!(
            codes(within("210000")).await,
            ["210100", "210112", "210191", "210200"]
        );
        assert_eq!(codes(within("210100")).await, ["210112", "210191"]);
        assert!(codes(within("210112")).await.is_empty());
        let children = RegionFilter {
            parent_code: Some("210000".into()),
            ..RegionFilter::default()
        };
        assert_eq!(codes(children).await, ["210100", "210200"]);
        let zones = RegionFilter {
            kind: Some(Zone),
            ..RegionFilter::default()
        };
        assert_eq!(codes(zones).await, ["210191"]);
        let provinces = RegionFilter {
            kind: Some(Province),
            ..RegionFilter::default()
        };
        assert_eq!(codes(provinces).await, ["110000", "210000", "310000"]);
    })
    .await;
}

#[tokio::test]
async fn a_rename_checks_the_version_and_a_stale_one_changes_nothing() {
    on_each_backend(|store: Store| async move {
        let sy = region(&store, "210000", "辽宁", Province, None).await;
        let renamed = store
            .with_access(clerk_access())
            .update_region(
                "210000",
                Some(sy.version),
                &region_input("210000", "辽宁省", Province, None),
            )
            .await
            .unwrap();
        assert_eq!(renamed.name, "辽宁省");
        assert_eq!(renamed.version, 2);
        let stale = store
            .with_access(clerk_access())
            .update_region(
                "210000",
                Some(sy.version),
                &region_input("210000", "Liaoning", Province, None),
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Stale { current: 2, .. })),
            "{stale:?}"
        );
        assert_eq!(store.region("210000").await.unwrap(), renamed);
    })
    .await;
}

#[tokio::test]
async fn a_regions_parent_kind_and_code_cannot_change() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let moved = region_input("210112", "浑南区", District, Some("210000"));
        let e = assert_field(
            store
                .with_access(clerk_access())
                .update_region("210112", None, &moved)
                .await,
            "parent_code",
        );
        assert_eq!(e.code, "immutable");
        let rekinded = region_input("210112", "浑南区", Zone, Some("210100"));
        assert_field(
            store
                .with_access(clerk_access())
                .update_region("210112", None, &rekinded)
                .await,
            "kind",
        );
        let hunnan = store.region("210112").await.unwrap();
        assert_eq!(hunnan.parent_code.as_deref(), Some("210100"));
        assert_eq!(hunnan.version, 1);
    })
    .await;
}

#[tokio::test]
async fn a_region_still_referenced_cannot_be_deleted() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        // A child region, a partnership side and a project all hold on to 沈阳.
        let in_use = store
            .with_access(clerk_access())
            .delete_region("210100", None)
            .await;
        assert!(matches!(in_use, Err(StoreError::InUse(_))), "{in_use:?}");
        lead(&store, fields("浑南项目", "210112")).await;
        let in_use = store
            .with_access(clerk_access())
            .delete_region("210112", None)
            .await;
        assert!(matches!(in_use, Err(StoreError::InUse(_))), "{in_use:?}");
        assert!(store.region("210112").await.is_ok());
    })
    .await;
}

#[tokio::test]
async fn an_unreferenced_region_is_deleted_under_a_version_check() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let stale = store
            .with_access(clerk_access())
            .delete_region("210191", Some(9))
            .await;
        assert!(matches!(stale, Err(StoreError::Stale { .. })), "{stale:?}");
        store
            .with_access(clerk_access())
            .delete_region("210191", Some(1))
            .await
            .unwrap();
        let gone = store.region("210191").await;
        assert!(
            matches!(gone, Err(StoreError::NotFound { kind: "region", .. })),
            "{gone:?}"
        );
    })
    .await;
}
