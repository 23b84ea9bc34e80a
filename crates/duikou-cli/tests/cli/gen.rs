//! `duikou gen` on a small N: deterministic for a seed, and the data keeps the store's
//! invariants (every project counted once by the statistics, stage spans closed, steps
//! readable).

use chrono::Duration;
use duikou_cli::gen::{end_day, generate, start_day};
use duikou_core::region::RegionKind;
use duikou_store::{ProjectFilter, ProjectSort, RegionFilter, StatsQuery, StatsScope, Store};

const N: u64 = 2_000;

async fn fresh(dir: &tempfile::TempDir, name: &str) -> Store {
    let url = format!("sqlite:{}", dir.path().join(name).display());
    Store::open(&url).await.unwrap()
}

fn query(scope: StatsScope, as_of: chrono::NaiveDate) -> StatsQuery {
    StatsQuery {
        scope,
        as_of,
        category: None,
        min_planned_investment: None,
        period: None,
    }
}

#[tokio::test]
async fn same_seed_same_data_and_invariants_hold() {
    let dir = tempfile::tempdir().unwrap();
    let a = fresh(&dir, "a.db").await;
    let b = fresh(&dir, "b.db").await;
    let c = fresh(&dir, "c.db").await;
    let sa = generate(&a, N, 7, false).await.unwrap();
    let sb = generate(&b, N, 7, false).await.unwrap();
    let sc = generate(&c, N, 8, false).await.unwrap();
    assert_eq!(sa, sb);
    assert_eq!(sa.projects, N);
    assert_eq!(sc.projects, N);
    assert!(sa.regions > 3_000, "{sa:?}");
    assert_eq!(sa.partnerships, 50);
    assert!(sa.stage_changes > N && sa.reports > 0 && sa.problems > 0 && sa.steps > 0);
    // Steps average about 20 per project that runs a template.
    let per = sa.steps as f64 / sa.schedules as f64;
    assert!((17.0..=24.0).contains(&per), "{per}");

    let first = |s: Store| async move {
        let p = s.project(1).await.unwrap();
        let mut v = serde_json::to_value(&p).unwrap();
        v.as_object_mut().unwrap().remove("updated_at");
        v.as_object_mut().unwrap().remove("created_at");
        v
    };
    assert_eq!(first(a.clone()).await, first(b.clone()).await);
    assert_ne!(first(a.clone()).await, first(c.clone()).await);
    assert!(a.project(1).await.unwrap().fields.generated);

    // Generating into a database that has data is refused.
    assert!(generate(&a, 10, 7, false).await.is_err());

    // Every project holds exactly one stage on the last day, none before the first.
    let all = a
        .project_stats(&query(StatsScope::All, end_day()))
        .await
        .unwrap();
    assert_eq!(all.total.count, N as i64);
    let before = a
        .project_stats(&query(StatsScope::All, start_day() - Duration::days(1)))
        .await
        .unwrap();
    assert_eq!(before.total.count, 0);

    // The provinces partition the projects: each is hosted in exactly one.
    let provinces = a
        .regions(&RegionFilter {
            kind: Some(RegionKind::Province),
            ..RegionFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(provinces.len(), 31);
    let mut sum = 0;
    for p in &provinces {
        let s = a
            .project_stats(&query(StatsScope::HostRegion(p.code.clone()), end_day()))
            .await
            .unwrap();
        sum += s.total.count;
    }
    assert_eq!(sum, N as i64);

    // Top-level partnerships and the projects outside any partnership partition them too.
    let mut in_partnerships = 0;
    for p in a.partnerships().await.unwrap() {
        if p.parent_id.is_none() {
            let s = a
                .project_stats(&query(StatsScope::Partnership(p.id), end_day()))
                .await
                .unwrap();
            in_partnerships += s.total.count;
        }
    }
    assert!(in_partnerships < N as i64 && in_partnerships > N as i64 * 9 / 10);

    // Stage and stage_since agree with the open span; steps are readable states.
    let page = a
        .projects(&ProjectFilter::default(), ProjectSort::Id, false, 200, 0)
        .await
        .unwrap();
    let mut with_steps = 0;
    for p in &page.items {
        let history = a.stage_changes(p.id).await.unwrap();
        let last = history.last().unwrap();
        assert_eq!(last.to_stage, p.stage, "project {}", p.id);
        assert_eq!(last.effective_date, p.stage_since, "project {}", p.id);
        if let Some((steps, template)) = a.project_steps(p.id).await.unwrap() {
            assert_eq!(steps.states.len(), template.step_count());
            with_steps += 1;
        }
    }
    assert!(with_steps > 0);
}

/// `duikou migrate` counts an unbuilt rollup (after an upgrade such as 0011, or a bulk change
/// outside Duikou) itself, so that the next start serves at once; the rollup it builds answers
/// what counting answers.
#[tokio::test]
async fn migrate_builds_an_unbuilt_rollup() {
    use clap::Parser;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("m.db").display());
    // The key the command finds beside the database (it refuses a chain of another key).
    let key = duikou_store::AuditKey::generate();
    std::fs::write(dir.path().join("m.db.audit-key"), key.to_hex()).unwrap();
    let store = Store::connect(&url)
        .await
        .unwrap()
        .with_audit_key(key)
        .ready()
        .await
        .unwrap();
    generate(&store, 300, 3, false).await.unwrap();
    store.mark_stats_rollup_stale().await.unwrap();
    assert!(!store.stats_rollup_built().await.unwrap());
    let cli = duikou_cli::cli::Cli::parse_from(["duikou", "migrate", "--database", &url]);
    duikou_cli::run(cli).await.unwrap();
    assert!(store.stats_rollup_built().await.unwrap());
    let day = start_day() + Duration::days(1000);
    let q = query(StatsScope::All, day);
    let built = store.project_stats(&q).await.unwrap();
    assert!(built.total.count > 0);
    assert_eq!(built, store.project_stats_direct(&q).await.unwrap());
}
