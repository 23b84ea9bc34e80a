//! Projects: create, read, update, delete; references and money checked; codes unique; stale
//! versions refused without a write.

use duikou_core::project::{Construction, ProjectFields};
use duikou_core::{Category, Currency, Stage};
use duikou_store::{Store, StoreError};

use crate::fixtures::*;
use crate::helpers::on_each_backend;

fn full_fields(world: &World) -> ProjectFields {
    let mut f = fields("华晨宝马动力电池项目", "210191");
    f.code = code("2509-210112-89-01-544060");
    f.external_ids
        .insert("ln-ledger".into(), "LN-2018-0042".into());
    f.partnership_id = Some(world.chaoyang_hunnan.id);
    f.source_region_code = Some("110105".into());
    f.investor = Some("某新能源科技有限公司".into());
    f.category = Category::Technology;
    f.industry = Some("新能源汽车".into());
    f.planned_start = Some(d(2018, 5, 1));
    f.planned_production = Some(d(2019, 12, 31));
    f.planned_investment = yuan(23_950_000_000);
    f.agreement_amount = yuan(1_200_000);
    f.leader = Some("张三".into());
    f.service_officer = Some("李四".into());
    f.task_force = Some("重大项目专班".into());
    f.land_area_mu = Some(158.5);
    f.address = Some("沈阳市浑南区创新路1号".into());
    f.note = Some("备注：50%_以上".into());
    f.construction = Some(Construction::Continued);
    f
}

#[tokio::test]
async fn a_project_reads_back_exactly_as_it_was_written() {
    on_each_backend(|store: Store| async move {
        let world = seed(&store).await;
        let f = full_fields(&world);
        let created = store
            .with_access(clerk_access())
            .create_project(&new_project(f.clone(), Stage::Signed, d(2018, 3, 5)))
            .await
            .unwrap();
        assert_eq!(created.fields, f);
        assert_eq!(created.stage, Stage::Signed);
        assert_eq!(created.stage_since, d(2018, 3, 5));
        assert_eq!(created.held_stage, Stage::Signed);
        assert_eq!(created.version, 1);
        assert_eq!(store.project(created.id).await.unwrap(), created);
        let history = store.stage_changes(created.id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].from_stage, None);
        assert_eq!(history[0].to_stage, Stage::Signed);
        assert_eq!(history[0].effective_date, d(2018, 3, 5));
    })
    .await;
}

#[tokio::test]
async fn an_update_replaces_the_fields_and_bumps_the_version() {
    on_each_backend(|store: Store| async move {
        let world = seed(&store).await;
        let p = lead(&store, fields("旧名", "210112")).await;
        let f = full_fields(&world);
        let updated = store
            .with_access(clerk_access())
            .update_project(p.id, Some(1), &f)
            .await
            .unwrap();
        assert_eq!(updated.fields, f);
        assert_eq!(updated.version, 2);
        assert_eq!(
            updated.stage,
            Stage::Lead,
            "an update never moves the stage"
        );
        assert!(updated.updated_at >= p.updated_at);
        assert_eq!(updated.created_at, p.created_at);
        assert_eq!(store.project(p.id).await.unwrap(), updated);
        // And back to the bare fields: optional values are cleared, not kept.
        let bare = fields("旧名", "210112");
        let cleared = store
            .with_access(clerk_access())
            .update_project(p.id, Some(2), &bare)
            .await
            .unwrap();
        assert_eq!(cleared.fields, bare);
    })
    .await;
}

#[tokio::test]
async fn a_stale_version_is_refused_and_nothing_is_written() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("项目甲", "210112")).await;
        let first = store
            .with_access(clerk_access())
            .update_project(p.id, Some(1), &fields("项目甲（一改）", "210112"))
            .await
            .unwrap();
        let second = store
            .with_access(clerk_access())
            .update_project(p.id, Some(1), &fields("项目甲（二改）", "210112"))
            .await;
        match second {
            Err(StoreError::Stale { kind, id, current }) => {
                assert_eq!((kind, id, current), ("project", p.id.to_string(), 2));
            }
            other => panic!("expected Stale, got {other:?}"),
        }
        assert_eq!(store.project(p.id).await.unwrap(), first);
        let deleted = store
            .with_access(clerk_access())
            .delete_project(p.id, Some(1))
            .await;
        assert!(
            matches!(deleted, Err(StoreError::Stale { .. })),
            "{deleted:?}"
        );
        assert_eq!(store.project(p.id).await.unwrap(), first);
        let actions: Vec<String> = store
            .history("project", &p.id.to_string())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["create", "update"], "no entry for refused writes");
    })
    .await;
}

#[tokio::test]
async fn an_unknown_host_region_is_a_field_error_naming_host_region_code() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let new = new_project(fields("无处落地", "219999"), Stage::Lead, d(2018, 1, 1));
        assert_field(
            store.with_access(clerk_access()).create_project(&new).await,
            "host_region_code",
        );
        let mut f = fields("来源不明", "210112");
        f.source_region_code = Some("119999".into());
        let new = new_project(f, Stage::Lead, d(2018, 1, 1));
        assert_field(
            store.with_access(clerk_access()).create_project(&new).await,
            "source_region_code",
        );
        let mut f = fields("合作关系不明", "210112");
        f.partnership_id = Some(777);
        let new = new_project(f, Stage::Lead, d(2018, 1, 1));
        assert_field(
            store.with_access(clerk_access()).create_project(&new).await,
            "partnership_id",
        );
        let mut f = fields("单位不明", "210112");
        f.owner_org_id = Some(777);
        let new = new_project(f, Stage::Lead, d(2018, 1, 1));
        assert_field(
            store.with_access(clerk_access()).create_project(&new).await,
            "owner_org_id",
        );
        let all = store
            .projects(&Default::default(), Default::default(), false, 10, 0)
            .await
            .unwrap();
        assert_eq!(all.total, 0);
    })
    .await;
}

#[tokio::test]
async fn negative_money_is_refused_naming_the_field() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let mut f = fields("负投资", "210112");
        f.planned_investment = yuan(-1);
        let new = new_project(f, Stage::Lead, d(2018, 1, 1));
        let e = assert_field(
            store.with_access(clerk_access()).create_project(&new).await,
            "planned_investment",
        );
        assert_eq!(e.code, "negative");
        let p = lead(&store, fields("正常项目", "210112")).await;
        let mut f = fields("正常项目", "210112");
        f.agreement_amount = yuan(-100);
        assert_field(
            store
                .with_access(clerk_access())
                .update_project(p.id, Some(1), &f)
                .await,
            "agreement_amount",
        );
        assert_eq!(store.project(p.id).await.unwrap(), p);
    })
    .await;
}

#[tokio::test]
async fn a_duplicate_project_code_is_refused_naming_code() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let mut f = fields("项目甲", "210112");
        f.code = code("2509-210112-89-01-544060");
        lead(&store, f.clone()).await;
        f.name = "项目乙".into();
        let new = new_project(f.clone(), Stage::Lead, d(2018, 1, 1));
        let e = assert_field(
            store.with_access(clerk_access()).create_project(&new).await,
            "code",
        );
        assert_eq!(e.code, "duplicate");
        // Taking it on update is refused too; projects without a code never clash.
        let b = lead(&store, fields("项目乙", "210112")).await;
        lead(&store, fields("项目丙", "210112")).await;
        let e = assert_field(
            store
                .with_access(clerk_access())
                .update_project(b.id, Some(1), &f)
                .await,
            "code",
        );
        assert_eq!(e.code, "duplicate");
        assert_eq!(store.project(b.id).await.unwrap().fields.code, None);
    })
    .await;
}

#[tokio::test]
async fn a_deleted_project_is_gone_with_its_history_rows_and_reports() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("将删除", "210191")).await;
        store
            .with_access(clerk_access())
            .create_progress_report(p.id, &crate::progress_reports::report("2018-06", 10))
            .await
            .unwrap();
        store
            .with_access(clerk_access())
            .delete_project(p.id, None)
            .await
            .unwrap();
        let gone = store.project(p.id).await;
        assert!(
            matches!(
                gone,
                Err(StoreError::NotFound {
                    kind: "project",
                    ..
                })
            ),
            "{gone:?}"
        );
        assert!(store.stage_changes(p.id).await.unwrap().is_empty());
        assert!(store.progress_reports(p.id).await.unwrap().is_empty());
        let again = store
            .with_access(clerk_access())
            .delete_project(p.id, None)
            .await;
        assert!(
            matches!(again, Err(StoreError::NotFound { .. })),
            "{again:?}"
        );
        // Nothing points at its host zone any more: the zone may go now.
        store
            .with_access(clerk_access())
            .delete_region("210191", None)
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_non_cny_project_keeps_its_currency() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let mut f = fields("外资项目", "210191");
        f.currency = Currency::Usd;
        f.planned_investment = yuan(100_000_000);
        let p = lead(&store, f).await;
        let read = store.project(p.id).await.unwrap();
        assert_eq!(read.fields.currency, Currency::Usd);
        assert_eq!(read.fields.planned_investment, yuan(100_000_000));
    })
    .await;
}
