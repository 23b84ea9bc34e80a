//! The statistics rollup answers exactly what counting the projects one by one answers: on
//! every date (month ends, first days, days within a month), for each kind of scope and
//! filter, after creations, transitions, reports, edits that move a project between groups
//! and scopes, deletions, and after a rebuild.

use chrono::{Datelike, NaiveDate};
use duikou_core::progress_report::ProgressReportFields;
use duikou_core::project::ProjectFields;
use duikou_core::stats::LARGE_PROJECT_YUAN;
use duikou_core::{Category, Currency, Stage};
use duikou_store::{StatsQuery, StatsScope, Store};

use crate::fixtures::*;
use crate::helpers::on_each_backend;
use crate::progress_reports::report;
use crate::stats::{file, scenario, step, Scenario};

/// A small deterministic generator (the same histories on every run and backend).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Adds `n` projects with random main-line histories and monthly reports in 2016–2018.
async fn random_projects(store: &Store, s: &Scenario, n: usize) {
    let mut rng = Lcg(7);
    let hosts = ["210112", "210191", "210200", "210100"];
    let partnerships = [
        Some(s.world.jingshen.id),
        Some(s.world.chaoyang_hunnan.id),
        Some(s.world.hulian.id),
        None,
    ];
    for i in 0..n {
        let mut f = fields(&format!("随机{i}"), hosts[rng.next(4) as usize]);
        f.partnership_id = partnerships[rng.next(4) as usize];
        f.source_region_code = f.partnership_id.map(|_| "110105".to_owned());
        f.category = Category::ALL[rng.next(3) as usize];
        f.planned_investment = yuan(rng.next(4) as i64 * 5000 * 10_000);
        if rng.next(5) == 0 {
            f.agreement_amount = yuan(3000 * 10_000);
        }
        let start = d(2016, 1, 1) + chrono::Duration::days(rng.next(700) as i64);
        let p = store
            .with_access(clerk_access())
            .create_project(&new_project(f, Stage::Lead, start))
            .await
            .unwrap();
        let mut on = start;
        for to in [
            Stage::Negotiating,
            Stage::Signed,
            Stage::Landed,
            Stage::Started,
        ] {
            if rng.next(3) == 0 {
                break;
            }
            on += chrono::Duration::days(1 + rng.next(150) as i64);
            if on > crate::stats::today() {
                break;
            }
            step(store, &p, to, on, None).await;
        }
        for _ in 0..rng.next(4) {
            let period = format!("{}-{:02}", 2016 + rng.next(3), 1 + rng.next(12));
            let r = ProgressReportFields {
                funds_in_place: yuan(rng.next(1000) as i64 * 10_000),
                ..report(&period, rng.next(9000) as i64 * 10_000)
            };
            // A period filed twice is refused; the history is random, skip it.
            let _ = store
                .with_access(clerk_access())
                .create_progress_report(p.id, &r)
                .await;
        }
    }
}

fn dates() -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut day = d(2016, 1, 1);
    while day <= d(2019, 1, 31) {
        let next = day.succ_opt().unwrap();
        let month_edge = day.day0() == 0 || next.day0() == 0;
        if month_edge || day.ordinal() % 9 == 4 {
            out.push(day);
        }
        day = next;
    }
    out
}

fn scopes(s: &Scenario) -> Vec<StatsScope> {
    vec![
        StatsScope::All,
        StatsScope::Partnership(s.world.jingshen.id),
        StatsScope::Partnership(s.world.chaoyang_hunnan.id),
        StatsScope::Partnership(s.world.hulian.id),
        StatsScope::HostRegion("210000".into()),
        StatsScope::HostRegion("210100".into()),
        StatsScope::HostRegion("210112".into()),
        StatsScope::SourceRegion("110000".into()),
    ]
}

/// Compares the rollup's answer with counting for every scope on `dates` (filters on every
/// fourth date).
async fn assert_same(store: &Store, s: &Scenario, dates: &[NaiveDate], when: &str) {
    for (i, as_of) in dates.iter().enumerate() {
        for scope in scopes(s) {
            let mut filters = vec![(None, None)];
            if i % 4 == 1 {
                filters.push((Some(Category::Investment), None));
                filters.push((None, Some(LARGE_PROJECT_YUAN)));
                filters.push((Some(Category::Trade), Some(5000 * 10_000)));
            }
            for (category, min) in filters {
                let q = StatsQuery {
                    scope: scope.clone(),
                    as_of: *as_of,
                    category,
                    min_planned_investment: min,
                    period: None,
                };
                let got = store.project_stats(&q).await.unwrap();
                let want = store.project_stats_direct(&q).await.unwrap();
                assert_eq!(
                    got, want,
                    "{when}: {scope:?} as of {as_of}, category {category:?}, min {min:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_rollup_answers_what_counting_answers_through_every_kind_of_write() {
    on_each_backend(|store: Store| async move {
        let s = scenario(&store).await;
        random_projects(&store, &s, 40).await;
        assert!(store.stats_rollup_built().await.unwrap());
        let all = dates();
        assert_same(&store, &s, &all, "after creating").await;

        // Edits that move projects between groups and scopes.
        let edit = |id: i64, change: Box<dyn Fn(&mut ProjectFields) + Send>| {
            let store = store.clone();
            async move {
                let p = store.project(id).await.unwrap();
                let mut f = p.fields.clone();
                change(&mut f);
                store
                    .with_access(clerk_access())
                    .update_project(id, Some(p.version), &f)
                    .await
                    .unwrap();
            }
        };
        // p1 at exactly 1亿 drops below the band; p2 grows into it.
        edit(s.p[0].id, Box::new(|f| f.planned_investment = yuan(YI - 1))).await;
        edit(s.p[1].id, Box::new(|f| f.planned_investment = yuan(2 * YI))).await;
        // p3 changes category, partnership and host; p5 leaves CNY.
        edit(
            s.p[2].id,
            Box::new(|f| {
                f.category = Category::Trade;
                f.host_region_code = "210112".into();
            }),
        )
        .await;
        let jingshen = s.world.jingshen.id;
        edit(
            s.p[2].id,
            Box::new(move |f| f.partnership_id = Some(jingshen)),
        )
        .await;
        edit(s.p[4].id, Box::new(|f| f.currency = Currency::Usd)).await;
        // p4 back to CNY with an agreement amount.
        edit(
            s.p[3].id,
            Box::new(|f| {
                f.currency = Currency::Cny;
                f.agreement_amount = yuan(4000 * 10_000);
            }),
        )
        .await;
        // Reports changed and removed; a transition in the middle of a month.
        let reports = store.progress_reports(s.p[0].id).await.unwrap();
        let first = &reports[0];
        store
            .with_access(clerk_access())
            .update_progress_report(
                s.p[0].id,
                first.id,
                Some(first.version),
                &ProgressReportFields {
                    invested_to_date: yuan(333 * 10_000),
                    // Lower than the next period's: taken with the writer's reason.
                    correction: Some("统计口径更正".into()),
                    ..first.fields.clone()
                },
            )
            .await
            .unwrap();
        let last = reports.last().unwrap();
        store
            .with_access(clerk_access())
            .delete_progress_report(s.p[0].id, last.id, Some(last.version))
            .await
            .unwrap();
        step(&store, &s.p[4], Stage::Negotiating, d(2018, 12, 14), None).await;
        file(&store, &s.p[4], report("2018-11", 10 * 10_000)).await;
        // A project deleted.
        let gone = store.project(s.p[1].id).await.unwrap();
        store
            .with_access(clerk_access())
            .delete_project(gone.id, Some(gone.version))
            .await
            .unwrap();
        let some: Vec<NaiveDate> = all.iter().copied().step_by(3).collect();
        assert_same(&store, &s, &some, "after edits").await;

        // A rebuild counts the same from the history.
        let r = store.rebuild_stats_rollup(|_, _| {}).await.unwrap();
        assert!(r.projects >= 44, "{r:?}");
        assert_same(&store, &s, &some, "after a rebuild").await;
    })
    .await;
}

#[tokio::test]
async fn an_unbuilt_rollup_is_not_read_and_the_next_open_builds_it() {
    on_each_backend(|store: Store| async move {
        let s = scenario(&store).await;
        // Marked unbuilt (as a bulk load does): statistics still answer, by counting.
        store.mark_stats_rollup_stale().await.unwrap();
        assert!(!store.stats_rollup_built().await.unwrap());
        let q = StatsQuery {
            scope: StatsScope::Partnership(s.world.jingshen.id),
            as_of: d(2018, 12, 31),
            category: None,
            min_planned_investment: None,
            period: None,
        };
        let want = store.project_stats_direct(&q).await.unwrap();
        assert_eq!(store.project_stats(&q).await.unwrap(), want);
        assert_eq!(want.total.count, 3);
        store.migrate().await.unwrap();
        assert!(store.stats_rollup_built().await.unwrap());
        assert_eq!(store.project_stats(&q).await.unwrap(), want);
    })
    .await;
}
