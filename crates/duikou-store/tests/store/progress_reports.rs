//! Progress reports: one per project and period, updated and deleted under version checks.

use duikou_core::progress_report::{Period, ProgressReportFields};
use duikou_store::{Store, StoreError};

use crate::fixtures::*;
use crate::helpers::on_each_backend;

/// A report of `period` with `invested` yuan invested to date and nothing else.
pub fn report(period: &str, invested: i64) -> ProgressReportFields {
    ProgressReportFields {
        period: Period::parse(period).expect("a valid period"),
        invested_to_date: yuan(invested),
        funds_in_place: None,
        trade_volume: None,
        output_value: None,
        note: None,
        correction: None,
    }
}

#[tokio::test]
async fn a_report_reads_back_with_its_period_end() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("项目", "210112")).await;
        let fields = ProgressReportFields {
            funds_in_place: yuan(3_000_000),
            trade_volume: yuan(0),
            output_value: yuan(12_345_678_901),
            note: Some("一期厂房封顶".into()),
            correction: None,
            ..report("2018-Q2", 5_000_000)
        };
        let r = store
            .with_access(clerk_access())
            .create_progress_report(p.id, &fields)
            .await
            .unwrap();
        assert_eq!(r.fields, fields);
        assert_eq!(r.period_end, d(2018, 6, 30));
        assert_eq!((r.project_id, r.version), (p.id, 1));
        assert_eq!(store.progress_report(p.id, r.id).await.unwrap(), r);
    })
    .await;
}

#[tokio::test]
async fn a_second_report_for_the_same_period_is_a_field_error_naming_period() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("项目", "210112")).await;
        store
            .with_access(clerk_access())
            .create_progress_report(p.id, &report("2018-06", 100))
            .await
            .unwrap();
        let again = store
            .with_access(clerk_access())
            .create_progress_report(p.id, &report("2018-06", 200))
            .await;
        let e = assert_field(again, "period");
        assert_eq!(e.code, "duplicate");
        // Another project may report the same period; so may this one for another period.
        let q = lead(&store, fields("另一项目", "210112")).await;
        store
            .with_access(clerk_access())
            .create_progress_report(q.id, &report("2018-06", 300))
            .await
            .unwrap();
        store
            .with_access(clerk_access())
            .create_progress_report(p.id, &report("2018-07", 400))
            .await
            .unwrap();
        let periods: Vec<String> = store
            .progress_reports(p.id)
            .await
            .unwrap()
            .iter()
            .map(|r| r.fields.period.to_string())
            .collect();
        assert_eq!(periods, ["2018-07", "2018-06"], "newest period first");
    })
    .await;
}

#[tokio::test]
async fn a_report_is_updated_under_a_version_check() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("项目", "210112")).await;
        let r = store
            .with_access(clerk_access())
            .create_progress_report(p.id, &report("2018-06", 100))
            .await
            .unwrap();
        let updated = store
            .with_access(clerk_access())
            .update_progress_report(p.id, r.id, Some(1), &report("2018-06", 150))
            .await
            .unwrap();
        assert_eq!(
            (updated.fields.invested_to_date, updated.version),
            (yuan(150), 2)
        );
        let stale = store
            .with_access(clerk_access())
            .update_progress_report(p.id, r.id, Some(1), &report("2018-06", 999))
            .await;
        assert!(matches!(stale, Err(StoreError::Stale { .. })), "{stale:?}");
        let negative = store
            .with_access(clerk_access())
            .update_progress_report(p.id, r.id, Some(2), &report("2018-06", -1))
            .await;
        assert_field(negative, "invested_to_date");
        // Moving it onto a period already reported is refused like a duplicate.
        store
            .with_access(clerk_access())
            .create_progress_report(p.id, &report("2018-07", 200))
            .await
            .unwrap();
        let clash = store
            .with_access(clerk_access())
            .update_progress_report(p.id, r.id, Some(2), &report("2018-07", 150))
            .await;
        assert_field(clash, "period");
        assert_eq!(store.progress_report(p.id, r.id).await.unwrap(), updated);
    })
    .await;
}

#[tokio::test]
async fn a_report_is_deleted_and_belongs_to_its_own_project_only() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("项目", "210112")).await;
        let other = lead(&store, fields("别的项目", "210112")).await;
        let r = store
            .with_access(clerk_access())
            .create_progress_report(p.id, &report("2018", 100))
            .await
            .unwrap();
        let wrong_project = store.progress_report(other.id, r.id).await;
        assert!(
            matches!(wrong_project, Err(StoreError::NotFound { .. })),
            "{wrong_project:?}"
        );
        let wrong_delete = store
            .with_access(clerk_access())
            .delete_progress_report(other.id, r.id, None)
            .await;
        assert!(
            matches!(wrong_delete, Err(StoreError::NotFound { .. })),
            "{wrong_delete:?}"
        );
        store
            .with_access(clerk_access())
            .delete_progress_report(p.id, r.id, Some(1))
            .await
            .unwrap();
        assert!(store.progress_reports(p.id).await.unwrap().is_empty());
        // The period is free again.
        store
            .with_access(clerk_access())
            .create_progress_report(p.id, &report("2018", 100))
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_report_for_a_missing_project_is_not_found() {
    on_each_backend(|store: Store| async move {
        let missing = store
            .with_access(clerk_access())
            .create_progress_report(4040, &report("2018-06", 1))
            .await;
        assert!(
            matches!(
                missing,
                Err(StoreError::NotFound {
                    kind: "project",
                    ..
                })
            ),
            "{missing:?}"
        );
    })
    .await;
}

/// A report's history is read through its project: a report the project holds reads even
/// without a history (loaded in bulk), a withdrawn one by its entries, and another project's
/// report not at all.
#[tokio::test]
async fn a_report_history_is_read_only_through_its_own_project() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("项目", "210112")).await;
        let other = lead(&store, fields("另一项目", "210112")).await;
        let clerk = store.with_access(clerk_access());
        let r = clerk
            .create_progress_report(p.id, &report("2018-06", 5))
            .await
            .unwrap();
        assert_eq!(
            clerk
                .progress_report_history(p.id, r.id)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(clerk.progress_report_history(other.id, r.id).await.is_err());
        clerk
            .withdraw_progress_report(p.id, r.id, Some(r.version), "填错")
            .await
            .unwrap();
        let h = clerk.progress_report_history(p.id, r.id).await.unwrap();
        assert_eq!(h.last().map(|e| e.action.as_str()), Some("withdraw"));
        assert!(clerk.progress_report_history(other.id, r.id).await.is_err());
        // A report with no entries of its own, as the bulk loader leaves them.
        let loaded = clerk
            .create_progress_report(p.id, &report("2018-07", 6))
            .await
            .unwrap();
        store
            .execute_admin(&format!(
                "DELETE FROM change_log WHERE kind = 'progress_report' AND record_id = '{}'",
                loaded.id
            ))
            .await
            .unwrap();
        assert!(clerk
            .progress_report_history(p.id, loaded.id)
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}
