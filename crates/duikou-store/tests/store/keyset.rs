//! Paging the project list by cursor: walking with `after` visits every match exactly once,
//! in the same order as offset paging, for every sort key and direction, with ties and NULLs
//! in the sort column; and `total` is exact only up to its bound.

use duikou_core::project::Project;
use duikou_core::{Category, Stage};
use duikou_store::{ProjectCursor, ProjectFilter, ProjectSort, SortValue, Store, TOTAL_BOUND};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::fixtures::*;
use crate::helpers::on_each_backend;

const SORTS: [ProjectSort; 6] = [
    ProjectSort::Id,
    ProjectSort::Name,
    ProjectSort::PlannedInvestment,
    ProjectSort::AgreementAmount,
    ProjectSort::StageSince,
    ProjectSort::UpdatedAt,
];

/// `n` projects with few distinct values in every sort column (ties) and many NULLs in the
/// money columns.
async fn random_projects(store: &Store, rng: &mut StdRng, n: usize) {
    let names = ["甲项目", "乙项目", "丙项目", "Alpha", "alpha", "Beta"];
    let hosts = ["210112", "210100", "210200"];
    let money = [
        None,
        None,
        Some(0),
        Some(YI),
        Some(2 * YI),
        Some(30_000_000),
    ];
    let mut news = Vec::with_capacity(n);
    for _ in 0..n {
        let mut f = fields(
            names[rng.gen_range(0..names.len())],
            hosts[rng.gen_range(0..hosts.len())],
        );
        f.category = if rng.gen_bool(0.5) {
            Category::Investment
        } else {
            Category::Trade
        };
        f.planned_investment = money[rng.gen_range(0..money.len())].and_then(yuan);
        f.agreement_amount = money[rng.gen_range(0..money.len())].and_then(yuan);
        let since = d(2018, 1, 1) + chrono::Duration::days(rng.gen_range(0..4));
        news.push(new_project(f, Stage::Lead, since));
    }
    // In a few batches, so that `updated_at` has ties and differences.
    for chunk in news.chunks(n / 3 + 1) {
        store
            .with_access(clerk_access())
            .create_projects(chunk)
            .await
            .unwrap();
    }
}

/// Every page from the first by cursor, `limit` at a time.
async fn walk(
    store: &Store,
    filter: &ProjectFilter,
    sort: ProjectSort,
    descending: bool,
    limit: i64,
) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut after: Option<ProjectCursor> = None;
    for _ in 0..1000 {
        let page = store
            .projects_after(filter, sort, descending, limit, after.clone())
            .await
            .unwrap();
        assert!(page.items.len() as i64 <= limit);
        seen.extend(page.items.iter().map(|p| p.id));
        match page.next {
            Some(next) => {
                assert_eq!(
                    page.items.len() as i64,
                    limit,
                    "a page before the end is full"
                );
                after = Some(next);
            }
            None => return seen,
        }
    }
    panic!("the walk did not end");
}

/// The sort key of a project as a comparable value, NULLs last (only for columns whose
/// order does not depend on the database's collation).
fn money_key(p: &Project, sort: ProjectSort) -> Option<i64> {
    match sort {
        ProjectSort::PlannedInvestment => p.fields.planned_investment.map(|m| m.yuan()),
        _ => p.fields.agreement_amount.map(|m| m.yuan()),
    }
}

fn assert_money_order(items: &[Project], sort: ProjectSort, descending: bool) {
    for pair in items.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (ka, kb) = (money_key(a, sort), money_key(b, sort));
        let ok = match (ka, kb) {
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (x, y) if x == y => (a.id < b.id) != descending,
            (Some(x), Some(y)) => (x < y) != descending,
            _ => false,
        };
        assert!(
            ok,
            "{sort:?} desc={descending}: {ka:?}/{} before {kb:?}/{}",
            a.id, b.id
        );
    }
}

#[tokio::test]
async fn walking_by_cursor_visits_every_match_once_in_the_offset_order() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let mut rng = StdRng::seed_from_u64(7);
        random_projects(&store, &mut rng, 41).await;
        let investment = ProjectFilter {
            category: Some(Category::Investment),
            ..ProjectFilter::default()
        };
        for filter in [ProjectFilter::default(), investment] {
            for sort in SORTS {
                for descending in [false, true] {
                    let all = store
                        .projects(&filter, sort, descending, 1000, 0)
                        .await
                        .unwrap();
                    assert!(all.total_exact);
                    assert_eq!(all.total as usize, all.items.len());
                    assert!(all.next.is_none());
                    if matches!(
                        sort,
                        ProjectSort::PlannedInvestment | ProjectSort::AgreementAmount
                    ) {
                        assert_money_order(&all.items, sort, descending);
                    }
                    let expected: Vec<i64> = all.items.iter().map(|p| p.id).collect();
                    for limit in [1, 2, 5, 17] {
                        let walked = walk(&store, &filter, sort, descending, limit).await;
                        assert_eq!(walked, expected, "{sort:?} desc={descending} limit={limit}");
                    }
                    // Offset pages agree with the walk page by page.
                    let third = store
                        .projects(&filter, sort, descending, 5, 10)
                        .await
                        .unwrap();
                    let ids: Vec<i64> = third.items.iter().map(|p| p.id).collect();
                    assert_eq!(ids.as_slice(), &expected[10..15.min(expected.len())]);
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_cursor_fits_only_its_own_order() {
    let c = ProjectCursor {
        sort: "planned_investment".into(),
        descending: true,
        key: SortValue::Int(5),
        id: 3,
    };
    assert!(c.fits(ProjectSort::PlannedInvestment, true));
    assert!(!c.fits(ProjectSort::PlannedInvestment, false));
    assert!(!c.fits(ProjectSort::AgreementAmount, true));
    let null = ProjectCursor {
        key: SortValue::Null,
        ..c.clone()
    };
    assert!(null.fits(ProjectSort::PlannedInvestment, true));
    let text_for_money = ProjectCursor {
        key: SortValue::Text("x".into()),
        ..c
    };
    assert!(!text_for_money.fits(ProjectSort::PlannedInvestment, true));
    let number_for_name = ProjectCursor {
        sort: "name".into(),
        descending: false,
        key: SortValue::Int(1),
        id: 1,
    };
    assert!(!number_for_name.fits(ProjectSort::Name, false));
}

#[tokio::test]
async fn the_total_is_exact_up_to_its_bound_and_a_lower_bound_beyond() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let n = TOTAL_BOUND as usize + 5;
        let news: Vec<_> = (0..n)
            .map(|i| {
                new_project(
                    fields(&format!("项目{i}"), "210112"),
                    Stage::Lead,
                    d(2018, 1, 1),
                )
            })
            .collect();
        store
            .with_access(clerk_access())
            .create_projects(&news)
            .await
            .unwrap();
        let all = ProjectFilter::default();
        let first = store
            .projects(&all, ProjectSort::Id, false, 10, 0)
            .await
            .unwrap();
        assert_eq!((first.total, first.total_exact), (TOTAL_BOUND, false));
        let deep = store
            .projects(&all, ProjectSort::Id, false, 10, TOTAL_BOUND)
            .await
            .unwrap();
        assert_eq!(deep.items.len(), 5);
        // The last page knows the total: it saw the end.
        assert_eq!((deep.total, deep.total_exact), (n as i64, true));
        let after_bound = store
            .projects(&all, ProjectSort::Id, false, 10, TOTAL_BOUND - 10)
            .await
            .unwrap();
        assert_eq!(
            (after_bound.total, after_bound.total_exact),
            (TOTAL_BOUND + 1, false)
        );
        assert_eq!(store.project_count(&all).await.unwrap(), n as i64);
        let few = ProjectFilter {
            name_contains: Some("项目999".into()),
            ..ProjectFilter::default()
        };
        let page = store
            .projects(&few, ProjectSort::Id, false, 10, 0)
            .await
            .unwrap();
        // 项目999, 项目9990 … 项目9999.
        assert_eq!((page.total, page.total_exact), (11, true));
    })
    .await;
}

/// Which projects a filter should list, from their own fields.
type Wanted = Box<dyn Fn(&Project) -> bool + Send + Sync>;

/// A partnership or region filter lists exactly the projects of the subtree (nested
/// partnerships, child regions and zones included), in every order, whether the page is read
/// by offset or by cursor, and counts them exactly: checked against the projects' own fields,
/// not against another list query.
#[tokio::test]
async fn a_subtree_filter_lists_and_counts_every_project_of_the_subtree() {
    on_each_backend(|store: Store| async move {
        let world = seed(&store).await;
        let mut rng = StdRng::seed_from_u64(11);
        let hosts = ["210112", "210100", "210191", "210200", "110105"];
        let sources = [None, Some("110105"), Some("110000"), Some("310000")];
        let partnerships = [
            None,
            Some(world.jingshen.id),
            Some(world.chaoyang_hunnan.id),
            Some(world.hulian.id),
        ];
        let news: Vec<_> = (0..70)
            .map(|i| {
                let mut f = fields(&format!("项目{i}"), hosts[rng.gen_range(0..hosts.len())]);
                f.source_region_code = sources[rng.gen_range(0..sources.len())].map(Into::into);
                f.partnership_id = partnerships[rng.gen_range(0..partnerships.len())];
                f.category = if rng.gen_bool(0.5) {
                    Category::Investment
                } else {
                    Category::Trade
                };
                f.planned_investment = yuan(rng.gen_range(0..5) * YI);
                let since = d(2018, 1, 1) + chrono::Duration::days(rng.gen_range(0..9));
                new_project(f, Stage::Lead, since)
            })
            .collect();
        store
            .with_access(clerk_access())
            .create_projects(&news)
            .await
            .unwrap();
        let everything = store
            .projects(&ProjectFilter::default(), ProjectSort::Id, false, 1000, 0)
            .await
            .unwrap()
            .items;
        assert_eq!(everything.len(), 70);
        let in_set = |v: Option<&str>, set: &[&str]| v.is_some_and(|v| set.contains(&v));
        let jingshen = [world.jingshen.id, world.chaoyang_hunnan.id];
        let cases: Vec<(ProjectFilter, Wanted)> = vec![
            (
                ProjectFilter {
                    partnership_id: Some(world.jingshen.id),
                    ..ProjectFilter::default()
                },
                Box::new(move |p: &Project| {
                    p.fields
                        .partnership_id
                        .is_some_and(|id| jingshen.contains(&id))
                }),
            ),
            (
                ProjectFilter {
                    partnership_id: Some(world.chaoyang_hunnan.id),
                    category: Some(Category::Trade),
                    ..ProjectFilter::default()
                },
                Box::new(move |p: &Project| {
                    p.fields.partnership_id == Some(world.chaoyang_hunnan.id)
                        && p.fields.category == Category::Trade
                }),
            ),
            (
                ProjectFilter {
                    host_region: Some("210000".into()),
                    ..ProjectFilter::default()
                },
                Box::new(move |p: &Project| {
                    in_set(
                        Some(p.fields.host_region_code.as_str()),
                        &["210100", "210112", "210191", "210200"],
                    )
                }),
            ),
            (
                ProjectFilter {
                    host_region: Some("210100".into()),
                    category: Some(Category::Investment),
                    ..ProjectFilter::default()
                },
                Box::new(move |p: &Project| {
                    in_set(
                        Some(p.fields.host_region_code.as_str()),
                        &["210100", "210112", "210191"],
                    ) && p.fields.category == Category::Investment
                }),
            ),
            (
                ProjectFilter {
                    source_region: Some("110000".into()),
                    ..ProjectFilter::default()
                },
                Box::new(move |p: &Project| {
                    in_set(
                        p.fields.source_region_code.as_deref(),
                        &["110000", "110105"],
                    )
                }),
            ),
            (
                ProjectFilter {
                    host_region: Some("310000".into()),
                    ..ProjectFilter::default()
                },
                Box::new(|_: &Project| false),
            ),
        ];
        for (filter, wanted) in &cases {
            let expected: Vec<i64> = everything
                .iter()
                .filter(|p| wanted(p))
                .map(|p| p.id)
                .collect();
            assert_eq!(
                store.project_count(filter).await.unwrap(),
                expected.len() as i64,
                "{filter:?}"
            );
            for sort in [
                ProjectSort::Id,
                ProjectSort::StageSince,
                ProjectSort::PlannedInvestment,
            ] {
                for descending in [false, true] {
                    let all = store
                        .projects(filter, sort, descending, 1000, 0)
                        .await
                        .unwrap();
                    let mut ids: Vec<i64> = all.items.iter().map(|p| p.id).collect();
                    if sort == ProjectSort::Id {
                        let mut in_order = expected.clone();
                        if descending {
                            in_order.reverse();
                        }
                        assert_eq!(ids, in_order, "{filter:?} desc={descending}");
                    }
                    let walked = walk(&store, filter, sort, descending, 7).await;
                    assert_eq!(walked, ids, "{filter:?} {sort:?} desc={descending}");
                    // A first page short of the end counts the rest.
                    let first = store
                        .projects(filter, sort, descending, 3, 0)
                        .await
                        .unwrap();
                    assert_eq!(
                        (first.total, first.total_exact),
                        (expected.len() as i64, true),
                        "{filter:?} {sort:?}"
                    );
                    ids.sort_unstable();
                    assert_eq!(ids, expected, "{filter:?} {sort:?} desc={descending}");
                }
            }
        }
    })
    .await;
}
