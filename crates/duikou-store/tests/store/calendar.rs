//! One day of a holiday notice added, changed and removed, the year's other days kept.

use chrono::NaiveDate;
use duikou_core::calendar::DayKind;
use duikou_core::Actor;
use duikou_store::{Store, StoreError};

use crate::helpers::on_each_backend;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[tokio::test]
async fn a_day_of_a_notice_is_added_and_removed_keeping_the_others() {
    on_each_backend(|store: Store| async move {
        let admin = Actor::system("calendar-test");
        let before = store.calendar().await.unwrap();
        let shipped_2024 = before.entries().filter(|e| e.year == 2024).count();
        assert!(shipped_2024 > 10, "the 2024 notice ships with the binary");
        // 2024-06-12 (a Wednesday) becomes a local day off.
        let day = d(2024, 6, 12);
        assert!(before.is_working_day(day).value);
        store
            .as_system(&admin.name)
            .set_calendar_day(2024, day, Some((DayKind::Off, "地方假日".into())))
            .await
            .unwrap();
        let after = store.calendar().await.unwrap();
        assert!(!after.is_working_day(day).value);
        assert_eq!(
            after.entries().filter(|e| e.year == 2024).count(),
            shipped_2024 + 1,
            "the notice's other days are kept"
        );
        // A make-up working day on a weekday is refused under the date.
        let refused = store
            .as_system(&admin.name)
            .set_calendar_day(2024, d(2024, 6, 13), Some((DayKind::Work, "调休".into())))
            .await;
        match refused {
            Err(StoreError::Invalid(v)) => assert_eq!(v.0[0].field, "date"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Removed again: a working day.
        store
            .as_system(&admin.name)
            .set_calendar_day(2024, day, None)
            .await
            .unwrap();
        let again = store.calendar().await.unwrap();
        assert!(again.is_working_day(day).value);
        assert_eq!(
            again.entries().filter(|e| e.year == 2024).count(),
            shipped_2024
        );
        // Removing a day the notice does not list is "not found".
        let missing = store
            .as_system(&admin.name)
            .set_calendar_day(2024, day, None)
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound { .. })));
    })
    .await;
}
