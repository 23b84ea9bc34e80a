//! The warnings engine over the store: raised by writes, escalated and cleared by sweeps with
//! their history, one open warning per subject and rule, idempotent sweeps that agree with a
//! full evaluation day after day, thresholds per organisation and year, notifications queued
//! in the same transaction.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use duikou_core::notify::{ChannelFields, ChannelKind};
use duikou_core::org::{OrgInput, OrgKind};
use duikou_core::problem::{ProblemCategory, ProblemFields, ProblemStatus};
use duikou_core::progress_report::{Period, ProgressReportFields};
use duikou_core::warnings::{AnnualPlan, Level, RuleId, Thresholds};
use duikou_core::Stage;
use duikou_store::{Store, WarningFilter, WarningStatus};

use crate::fixtures::*;
use crate::helpers::on_each_backend;

/// A store whose "today" the test moves.
struct Clock(Arc<AtomicI64>);

impl Clock {
    fn set(&self, day: NaiveDate) {
        self.0.store(
            i64::from(chrono::Datelike::num_days_from_ce(&day)),
            Ordering::SeqCst,
        );
    }
}

fn clocked(store: Store, start: NaiveDate) -> (Store, Clock) {
    let cell = Arc::new(AtomicI64::new(0));
    let clock = Clock(cell.clone());
    clock.set(start);
    let store = store.with_today(move || {
        let n = i32::try_from(cell.load(Ordering::SeqCst)).unwrap_or(1);
        NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(NaiveDate::MIN)
    });
    (store, clock)
}

fn problem(description: &str, due: NaiveDate) -> ProblemFields {
    ProblemFields {
        category: ProblemCategory::LandSupply,
        description: description.into(),
        owner_org_id: None,
        due_date: Some(due),
        status: ProblemStatus::Open,
        resolution: None,
        resolved_on: None,
        progress: None,
    }
}

/// The active warnings: (project, subject, rule, level).
async fn active(store: &Store) -> BTreeSet<(i64, String, RuleId, Level)> {
    store
        .warnings_visible(&WarningFilter::default(), None, 10_000, 0)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|w| (w.project_id, w.subject, w.rule, w.level))
        .collect()
}

fn real_today() -> NaiveDate {
    duikou_store::china_today()
}

#[tokio::test]
async fn a_problem_warning_is_raised_by_the_write_escalated_by_the_sweep_and_cleared() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let today = real_today();
        let (store, clock) = clocked(store, today);
        let p = lead(&store, fields("沈北物流园", "210112")).await;
        let due = today + Days::new(2);
        let prob = store
            .with_access(clerk_access())
            .create_problem(p.id, &problem("用地指标未落实", due))
            .await
            .unwrap();
        // Raised inside the write itself: due in two days is yellow.
        let now = active(&store).await;
        let subject = format!("problem:{}", prob.id);
        assert_eq!(
            now,
            BTreeSet::from([(p.id, subject.clone(), RuleId::ProblemOverdue, Level::Yellow)])
        );
        // Past the due date the sweep escalates it.
        clock.set(due + Days::new(1));
        let t = store
            .sweep_warnings(due + Days::new(1), false, |_, _| {})
            .await
            .unwrap();
        assert_eq!((t.escalated, t.raised, t.cleared), (1, 0, 0));
        let page = store
            .warnings_visible(&WarningFilter::default(), None, 10, 0)
            .await
            .unwrap();
        let w = &page.items[0];
        assert_eq!(w.level, Level::Red);
        assert!(w.reason.contains("用地指标未落实"), "{}", w.reason);
        assert_eq!(w.thresholds_version, "default-2026");
        // Resolving the problem clears the warning.
        let mut done = problem("用地指标未落实", due);
        done.status = ProblemStatus::Resolved;
        done.resolution = Some("指标已调剂".into());
        done.resolved_on = Some(due + Days::new(1));
        store
            .with_access(clerk_access())
            .update_problem(p.id, prob.id, Some(prob.version), &done)
            .await
            .unwrap();
        assert!(active(&store).await.is_empty());
        let (closed, history) = store.warning(w.id).await.unwrap();
        assert_eq!(closed.status, WarningStatus::Cleared);
        assert!(closed.closed_at.is_some());
        let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["raised", "escalated", "cleared"]);
        assert_eq!(history[0].level, Level::Yellow);
        assert_eq!(history[1].level, Level::Red);
    })
    .await;
}

#[tokio::test]
async fn acknowledged_and_resolved_warnings_keep_their_place_until_they_escalate() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let today = real_today();
        let (store, clock) = clocked(store, today);
        let p = lead(&store, fields("项目", "210112")).await;
        let due = today + Days::new(3);
        store
            .with_access(clerk_access())
            .create_problem(p.id, &problem("环评批复滞后", due))
            .await
            .unwrap();
        let w = store
            .warnings_visible(&WarningFilter::default(), None, 10, 0)
            .await
            .unwrap()
            .items
            .remove(0);
        // A note is required.
        assert_field(
            store
                .with_access(clerk_access())
                .acknowledge_warning(w.id, Some(w.version), "  ")
                .await,
            "note",
        );
        let acked = store
            .with_access(clerk_access())
            .acknowledge_warning(w.id, Some(w.version), "已协调自然资源局")
            .await
            .unwrap();
        assert_eq!(acked.status, WarningStatus::Acknowledged);
        // A stale version is refused.
        assert!(matches!(
            store
                .with_access(clerk_access())
                .resolve_warning(w.id, Some(w.version), "x")
                .await,
            Err(duikou_store::StoreError::Stale { .. })
        ));
        let resolved = store
            .with_access(clerk_access())
            .resolve_warning(w.id, Some(acked.version), "已约定办结时间")
            .await
            .unwrap();
        assert_eq!(resolved.status, WarningStatus::Resolved);
        // Out of the inbox, but a sweep while the problem is still open raises nothing new.
        assert!(active(&store).await.is_empty());
        let t = store.sweep_warnings(today, true, |_, _| {}).await.unwrap();
        assert!(!t.changed(), "{t:?}");
        // Escalation re-opens it: the same warning, back in the inbox as red.
        clock.set(due + Days::new(1));
        store
            .sweep_warnings(due + Days::new(1), false, |_, _| {})
            .await
            .unwrap();
        let (again, history) = store.warning(w.id).await.unwrap();
        assert_eq!(
            (again.status, again.level),
            (WarningStatus::Open, Level::Red)
        );
        let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["raised", "acknowledged", "resolved", "escalated"]);
        assert_eq!(history[1].note.as_deref(), Some("已协调自然资源局"));
        assert_eq!(history[1].actor, clerk().name);
    })
    .await;
}

/// Projects in every kind of trouble, for the sweeps below.
async fn troubled_world(store: &Store, start: NaiveDate) -> Vec<i64> {
    let mut ids = Vec::new();
    for (i, host) in ["210112", "210191", "210200"].into_iter().enumerate() {
        let days = u64::try_from(i).unwrap() * 7;
        let mut f = fields(&format!("项目{i}"), host);
        f.planned_start = Some(start + Days::new(days));
        f.planned_production = Some(start + Days::new(200 + days));
        let p = store
            .with_access(clerk_access())
            .create_project(&new_project(f, Stage::Signed, d(2025, 6, 1)))
            .await
            .unwrap();
        store
            .with_access(clerk_access())
            .create_problem(
                p.id,
                &problem("配套道路未建成", start + Days::new(10 + days)),
            )
            .await
            .unwrap();
        store
            .with_access(access_of(&clerk()))
            .set_annual_plan(
                p.id,
                &AnnualPlan {
                    year: chrono::Datelike::year(&start),
                    amount_yuan: 120_000_000,
                    curve: None,
                },
            )
            .await
            .unwrap();
        ids.push(p.id);
    }
    ids
}

#[tokio::test]
async fn a_second_sweep_changes_nothing_and_daily_sweeps_agree_with_full_evaluations() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let start = real_today();
        let (store, clock) = clocked(store, start);
        troubled_world(&store, start).await;
        let first = store.sweep_warnings(start, true, |_, _| {}).await.unwrap();
        assert_eq!(first.evaluated, 3);
        let second = store.sweep_warnings(start, true, |_, _| {}).await.unwrap();
        assert!(!second.changed(), "second sweep changed {second:?}");
        let due_only = store.sweep_warnings(start, false, |_, _| {}).await.unwrap();
        assert_eq!(due_only.evaluated, 0, "nothing is due the same day");
        // Walk 120 days in steps of 4: the cheap sweep (only projects whose next check has
        // come) must leave nothing for a full evaluation to change.
        let mut seen = BTreeSet::new();
        for step in 1..=30_u64 {
            let day = start + Days::new(step * 4);
            clock.set(day);
            store.sweep_warnings(day, false, |_, _| {}).await.unwrap();
            let full = store.sweep_warnings(day, true, |_, _| {}).await.unwrap();
            assert!(
                !full.changed(),
                "on {day} a full sweep still changed {full:?}"
            );
            seen.extend(active(&store).await.into_iter().map(|(_, _, r, l)| (r, l)));
        }
        for expected in [
            (RuleId::ProblemOverdue, Level::Red),
            (RuleId::ProjectStalled, Level::Yellow),
            (RuleId::ProjectStalled, Level::Red),
            (RuleId::StartOverdue, Level::Yellow),
            (RuleId::StartOverdue, Level::Red),
        ] {
            assert!(
                seen.contains(&expected),
                "{expected:?} never seen in {seen:?}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn writes_re_evaluate_at_once() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let today = real_today();
        let (store, _clock) = clocked(store, today);
        let mut f = fields("项目", "210112");
        // Planned to start four months ago: red at once.
        f.planned_start = chrono::Datelike::with_day(&today, 1)
            .and_then(|d| d.checked_sub_months(chrono::Months::new(4)));
        let p = store
            .with_access(clerk_access())
            .create_project(&new_project(f, Stage::Landed, d(2025, 6, 1)))
            .await
            .unwrap();
        let rules = |s: BTreeSet<(i64, String, RuleId, Level)>| {
            s.into_iter().map(|(_, _, r, l)| (r, l)).collect::<Vec<_>>()
        };
        assert_eq!(
            rules(active(&store).await),
            vec![(RuleId::StartOverdue, Level::Red)]
        );
        // The transition to started clears it in the same write.
        transition(
            &store,
            &clerk(),
            p.id,
            None,
            &duikou_store::TransitionInput {
                to: Stage::Started,
                effective_date: Some(today),
                reason: None,
                override_rules: false,
            },
            today,
        )
        .await
        .unwrap();
        assert!(active(&store).await.is_empty());
        // A report that shows the year's investment far behind raises 序时进度 at once.
        let year = chrono::Datelike::year(&today);
        store
            .with_access(access_of(&clerk()))
            .set_annual_plan(
                p.id,
                &AnnualPlan {
                    year,
                    amount_yuan: 1_200_000_000,
                    curve: None,
                },
            )
            .await
            .unwrap();
        let months = chrono::Datelike::month0(&today);
        let expect_behind = months >= 4;
        assert_eq!(
            active(&store)
                .await
                .iter()
                .any(|w| w.2 == RuleId::ScheduleBehind),
            expect_behind,
            "no investment reported by month {months}"
        );
        let period_end = chrono::Datelike::with_day(&today, 1)
            .and_then(|d| d.pred_opt())
            .unwrap();
        if chrono::Datelike::year(&period_end) == year {
            store
                .with_access(clerk_access())
                .create_progress_report(
                    p.id,
                    &ProgressReportFields {
                        period: duikou_core::progress_report::Period::parse(&format!(
                            "{}-{:02}",
                            year,
                            chrono::Datelike::month(&period_end)
                        ))
                        .unwrap(),
                        invested_to_date: Some(duikou_core::Money::from_yuan(1_200_000_000)),
                        funds_in_place: None,
                        trade_volume: None,
                        output_value: None,
                        note: None,
                        correction: None,
                    },
                )
                .await
                .unwrap();
            assert!(!active(&store)
                .await
                .iter()
                .any(|w| w.2 == RuleId::ScheduleBehind));
        }
    })
    .await;
}

#[tokio::test]
async fn thresholds_are_chosen_per_org_and_year_and_named_in_the_warning() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let today = real_today();
        let (store, _clock) = clocked(store, today);
        let org = store
            .with_access(clerk_access())
            .create_org(&OrgInput {
                name: "浑南区项目办".into(),
                kind: OrgKind::Department,
                region_code: "210112".into(),
                parent_id: None,
            })
            .await
            .unwrap();
        let mut f = fields("项目", "210112");
        f.owner_org_id = Some(org.id);
        let p = store
            .with_access(clerk_access())
            .create_project(&new_project(f, Stage::Lead, d(2025, 6, 1)))
            .await
            .unwrap();
        let due = today + Days::new(6);
        store
            .with_access(clerk_access())
            .create_problem(p.id, &problem("水电接入", due))
            .await
            .unwrap();
        assert!(
            active(&store).await.is_empty(),
            "six days ahead: nothing yet"
        );
        // This org warns a week ahead from this year on.
        let strict = Thresholds {
            version: "hunnan-2026".into(),
            problem_due_within_days: 7,
            ..Thresholds::default()
        };
        let bad = Thresholds {
            version: "bad".into(),
            stalled_red_days: 10,
            ..Thresholds::default()
        };
        assert_field(
            store
                .with_access(access_of(&admin()))
                .save_thresholds(Some(org.id), 2026, &bad)
                .await,
            "stalled_red_days",
        );
        store
            .with_access(access_of(&admin()))
            .save_thresholds(Some(org.id), chrono::Datelike::year(&today), &strict)
            .await
            .unwrap();
        assert_field(
            store
                .with_access(access_of(&admin()))
                .save_thresholds(None, 2026, &strict)
                .await,
            "version",
        );
        store.sweep_warnings(today, false, |_, _| {}).await.unwrap();
        let page = store
            .warnings_visible(&WarningFilter::default(), None, 10, 0)
            .await
            .unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.items[0].thresholds_version, "hunnan-2026");
        assert_eq!(page.items[0].owner_org_id, Some(org.id));
        assert_eq!(page.items[0].owner_name.as_deref(), Some("浑南区项目办"));
        let counts = store
            .warning_counts_visible(&WarningFilter::default(), None)
            .await
            .unwrap();
        assert_eq!((counts.total, counts.yellow, counts.red), (1, 1, 0));
        assert_eq!(
            counts.by_owner[0].owner_name.as_deref(),
            Some("浑南区项目办")
        );
    })
    .await;
}

#[tokio::test]
async fn raising_queues_one_notification_per_channel_that_wants_it() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let today = real_today();
        let (store, clock) = clocked(store, today);
        let all = store
            .with_access(admin_access())
            .create_channel(&ChannelFields {
                org_id: None,
                kind: ChannelKind::Webhook,
                name: "市项目办".into(),
                target: "http://127.0.0.1:9/hook".into(),
                secret: Some("0123456789abcdef".into()),
                min_level: Level::Yellow,
                enabled: true,
            })
            .await
            .unwrap();
        let red_only = store
            .with_access(admin_access())
            .create_channel(&ChannelFields {
                org_id: None,
                kind: ChannelKind::Wecom,
                name: "领导群".into(),
                target: "http://127.0.0.1:9/wecom".into(),
                secret: None,
                min_level: Level::Red,
                enabled: true,
            })
            .await
            .unwrap();
        assert!(all.has_secret && !red_only.has_secret);
        let p = lead(&store, fields("项目", "210112")).await;
        let due = today + Days::new(1);
        store
            .with_access(clerk_access())
            .create_problem(p.id, &problem("资金未到位", due))
            .await
            .unwrap();
        let now = chrono::Utc::now();
        let items = store
            .claim_outbox(10, chrono::Duration::seconds(60), now)
            .await
            .unwrap();
        assert_eq!(items.len(), 1, "yellow goes to the yellow channel only");
        assert_eq!(items[0].channel.id, all.id);
        assert_eq!(items[0].payload["level"], "yellow");
        assert!(items[0].event_id.starts_with("warning-event-"));
        assert!(items[0].payload["text"]
            .as_str()
            .unwrap()
            .contains("资金未到位"));
        // Claimed rows are not handed out twice while the lease runs.
        assert!(store
            .claim_outbox(10, chrono::Duration::seconds(60), now)
            .await
            .unwrap()
            .is_empty());
        assert!(store
            .outbox_delivered(items[0].id, &items[0].claim, now)
            .await
            .unwrap());
        clock.set(due + Days::new(1));
        store
            .sweep_warnings(due + Days::new(1), false, |_, _| {})
            .await
            .unwrap();
        let items = store
            .claim_outbox(10, chrono::Duration::seconds(60), chrono::Utc::now())
            .await
            .unwrap();
        // Red reaches both channels: the escalation, and the supervision slip it opened.
        let of = |kind: &str| {
            items
                .iter()
                .filter(|i| i.payload["type"] == kind)
                .map(|i| i.channel.id)
                .collect::<BTreeSet<i64>>()
        };
        assert_eq!(
            of("warning.escalated"),
            BTreeSet::from([all.id, red_only.id])
        );
        assert_eq!(of("slip.issued"), BTreeSet::from([all.id, red_only.id]));
        assert_eq!(items.len(), 4);
        let counts = store.outbox_counts().await.unwrap();
        assert_eq!((counts.pending, counts.delivered), (4, 1));
    })
    .await;
}

#[tokio::test]
async fn concurrent_sweeps_raise_no_duplicates() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let start = real_today();
        let (store, _clock) = clocked(store, start);
        let ids = troubled_world(&store, start).await;
        store.mark_warnings_stale(None).await.unwrap();
        let later = start + Days::new(60);
        let (a, b) = tokio::join!(
            store.sweep_warnings(later, false, |_, _| {}),
            store.sweep_warnings(later, false, |_, _| {})
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a.evaluated + b.evaluated >= 3);
        let open = active(&store).await;
        let subjects: BTreeSet<(i64, String, RuleId)> = open
            .iter()
            .map(|(p, s, r, _)| (*p, s.clone(), *r))
            .collect();
        assert_eq!(
            subjects.len(),
            open.len(),
            "one open warning per subject and rule"
        );
        assert!(ids.iter().all(|id| open.iter().any(|w| w.0 == *id)));
    })
    .await;
}

#[tokio::test]
async fn a_red_warning_opens_a_slip_that_runs_to_its_closing() {
    use duikou_core::slip::{PlanItem, SlipAction, SlipStatus};
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let today = real_today();
        let (store, clock) = clocked(store, today);
        let p = lead(&store, fields("项目", "210112")).await;
        let due = today + Days::new(2);
        store
            .with_access(clerk_access())
            .create_problem(p.id, &problem("拆迁未完成", due))
            .await
            .unwrap();
        let none = store
            .slips_visible(&duikou_store::SlipFilter::default(), None, 10, 0)
            .await
            .unwrap();
        assert_eq!(none.total, 0, "a yellow warning opens no slip");
        let later = due + Days::new(1);
        clock.set(later);
        let t = store.sweep_warnings(later, false, |_, _| {}).await.unwrap();
        assert_eq!(t.slips, 1);
        // A second sweep opens nothing more.
        let t = store.sweep_warnings(later, true, |_, _| {}).await.unwrap();
        assert_eq!(t.slips, 0);
        let slip = store
            .slips_visible(&duikou_store::SlipFilter::default(), None, 10, 0)
            .await
            .unwrap()
            .items
            .remove(0);
        assert_eq!(slip.status, SlipStatus::Issued);
        let of_warning = |warning_id| duikou_store::SlipFilter {
            warning_id: Some(warning_id),
            ..Default::default()
        };
        let found = store
            .slips_visible(&of_warning(slip.warning_id.unwrap()), None, 10, 0)
            .await
            .unwrap();
        assert_eq!(found.total, 1);
        let none = store
            .slips_visible(&of_warning(slip.warning_id.unwrap() + 1000), None, 10, 0)
            .await
            .unwrap();
        assert_eq!(none.total, 0);
        assert!(slip.requirement.contains("拆迁未完成"));
        assert!(slip.reply_due > later, "three working days to answer");
        let plan = vec![PlanItem {
            action: "完成剩余12户签约".into(),
            due: later + Days::new(20),
            done_on: None,
        }];
        let act = |version, action| {
            let store = store.clone();
            async move {
                store
                    .with_access(clerk_access())
                    .act_on_slip(slip.id, Some(version), &action)
                    .await
            }
        };
        let s = act(
            slip.version,
            SlipAction::Reply {
                plan,
                note: String::new(),
            },
        )
        .await
        .unwrap();
        assert_eq!(s.status, SlipStatus::Replied);
        let s = act(
            s.version,
            SlipAction::Accept {
                note: "同意".into(),
            },
        )
        .await
        .unwrap();
        let refused = act(
            s.version,
            SlipAction::Close {
                note: "销号".into(),
            },
        )
        .await;
        assert_field(refused, "plan");
        let s = act(
            s.version,
            SlipAction::Progress {
                item: 0,
                done_on: later,
                note: String::new(),
            },
        )
        .await
        .unwrap();
        let s = act(
            s.version,
            SlipAction::Close {
                note: "整改到位".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(s.status, SlipStatus::Closed);
        assert!(s.closed_at.is_some());
        let (_, history) = store.slip(s.id).await.unwrap();
        let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["issue", "reply", "accept", "progress", "close"]);
        // The audit log holds every step too.
        let audit = store.history("slip", &s.id.to_string()).await.unwrap();
        assert_eq!(audit.len(), 4);
    })
    .await;
}

#[tokio::test]
async fn an_unreadable_outbox_row_is_parked_and_a_stale_claim_records_nothing() {
    on_each_backend(|store: Store| async move {
        let channel = store
            .with_access(admin_access())
            .create_channel(&ChannelFields {
                org_id: None,
                kind: ChannelKind::Wecom,
                name: "项目办群".into(),
                target: "http://127.0.0.1:9/wecom".into(),
                secret: None,
                min_level: Level::Yellow,
                enabled: true,
            })
            .await
            .unwrap();
        for n in 1..=2 {
            let body = serde_json::json!({"title": format!("第{n}条"), "level": "red"});
            let written = store
                .enqueue_event(&format!("test-{n}"), None, Level::Red, &body)
                .await
                .unwrap();
            assert_eq!(written, 1);
        }
        store
            .execute_admin("UPDATE outbox SET payload = 'not json' WHERE event_id = 'test-1'")
            .await
            .unwrap();
        let now = chrono::Utc::now();
        let lease = chrono::Duration::seconds(1);
        let first = store.claim_outbox(10, lease, now).await.unwrap();
        // The broken row does not hold back the one behind it.
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].event_id, "test-2");
        assert_eq!(first[0].channel.id, channel.id);
        let counts = store.outbox_counts().await.unwrap();
        assert_eq!((counts.pending, counts.parked), (1, 1));
        // The lease runs out; another deliverer claims the row; the first one's outcome is
        // refused and the second one's recorded.
        let later = now + chrono::Duration::seconds(2);
        let second = store.claim_outbox(10, lease, later).await.unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].attempts, 1, "the first claim counted");
        assert!(!store
            .outbox_delivered(first[0].id, &first[0].claim, later)
            .await
            .unwrap());
        assert!(!store
            .outbox_failed(first[0].id, &first[0].claim, "晚了", None)
            .await
            .unwrap());
        assert!(store
            .outbox_delivered(second[0].id, &second[0].claim, later)
            .await
            .unwrap());
        let counts = store.outbox_counts().await.unwrap();
        assert_eq!((counts.pending, counts.delivered, counts.parked), (0, 1, 1));
    })
    .await;
}

/// 项目长期未更新 follows the news an office chases — the latest progress report's period or
/// stage move — not the row's own timestamps: a report covering a recent period clears it,
/// whenever it was filed, and an edit of the project's fields does not.
#[tokio::test]
async fn a_project_is_stalled_until_a_report_covers_a_recent_period() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let entered = real_today();
        let (store, clock) = clocked(store, entered);
        let p = store
            .with_access(clerk_access())
            .create_project(&new_project(
                fields("久未更新项目", "210112"),
                Stage::Signed,
                entered,
            ))
            .await
            .unwrap();
        let stalled = |s: BTreeSet<(i64, String, RuleId, Level)>| {
            s.into_iter()
                .filter(|(_, _, r, _)| *r == RuleId::ProjectStalled)
                .map(|(_, _, _, l)| l)
                .collect::<Vec<_>>()
        };
        assert!(stalled(active(&store).await).is_empty(), "just entered");
        // A hundred days on: red.
        let later = entered + Days::new(100);
        clock.set(later);
        store.sweep_warnings(later, false, |_, _| {}).await.unwrap();
        assert_eq!(stalled(active(&store).await), vec![Level::Red]);
        // Renaming the project is no news.
        let mut renamed = store.project(p.id).await.unwrap();
        renamed.fields.name = "久未更新项目（更名）".into();
        store
            .with_access(clerk_access())
            .update_project(p.id, Some(renamed.version), &renamed.fields)
            .await
            .unwrap();
        assert_eq!(stalled(active(&store).await), vec![Level::Red]);
        // A report of last month is.
        let period = Period::month_of(later - Days::new(31));
        store
            .with_access(clerk_access())
            .create_progress_report(
                p.id,
                &ProgressReportFields {
                    period,
                    invested_to_date: Some(duikou_core::Money::from_yuan(1_000_000)),
                    funds_in_place: None,
                    trade_volume: None,
                    output_value: None,
                    note: None,
                    correction: None,
                },
            )
            .await
            .unwrap();
        assert!(
            stalled(active(&store).await).is_empty(),
            "the report is news"
        );
    })
    .await;
}
