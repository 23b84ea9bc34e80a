//! The project list: every filter, sorting both ways with nulls last, and pages with a total.

use std::time::Duration;

use duikou_core::project::Project;
use duikou_core::{Category, Stage};
use duikou_store::{ProjectFilter, ProjectSort, Store};

use crate::fixtures::*;
use crate::helpers::on_each_backend;

/// Seven projects across the seeded world, by letter:
///
/// | | host | partnership | source | category | planned | stage |
/// |-|------|-------------|--------|----------|---------|-------|
/// | a | 浑南 | 朝阳—浑南 (nested in 京沈) | 朝阳 | investment | 5亿 | signed |
/// | b | 经开区 | 京沈 | 北京 | trade | — | lead |
/// | c | 大连 | 沪连 | 上海 | investment | 2亿 | lead |
/// | d | 沈阳 | — | — | technology | 3000万 | lead |
/// | e | 沈阳 | — | — | technology | 1亿 | lead |
/// | f | 浑南 | — | — | other | 0 | lead |
/// | g | 浑南 | — | — | other | — | lead |
struct Library {
    world: World,
    ids: Vec<(char, i64)>,
}

impl Library {
    fn letters(&self, projects: &[Project]) -> String {
        projects
            .iter()
            .map(|p| {
                self.ids
                    .iter()
                    .find(|(_, id)| *id == p.id)
                    .map(|(c, _)| *c)
                    .unwrap_or('?')
            })
            .collect()
    }
    fn id(&self, letter: char) -> i64 {
        self.ids.iter().find(|(c, _)| *c == letter).unwrap().1
    }
}

async fn library(store: &Store) -> Library {
    let world = seed(store).await;
    #[rustfmt::skip]
    let rows = [
        ('a', "沈阳新材料项目", "210112", Some(world.chaoyang_hunnan.id), Some("110105"), Category::Investment, Some(5 * YI)),
        ('b', "经开区装备制造", "210191", Some(world.jingshen.id), Some("110000"), Category::Trade, None),
        ('c', "大连港口物流", "210200", Some(world.hulian.id), Some("310000"), Category::Investment, Some(2 * YI)),
        ('d', "增长50%项目", "210100", None, None, Category::Technology, Some(30_000_000)),
        ('e', "增长50X项目", "210100", None, None, Category::Technology, Some(YI)),
        ('f', "A_B合作", "210112", None, None, Category::Other, Some(0)),
        ('g', "AxB合作", "210112", None, None, Category::Other, None),
    ];
    let mut ids = Vec::new();
    for (letter, name, host, partnership, source, category, planned) in rows {
        let mut f = fields(name, host);
        f.partnership_id = partnership;
        f.source_region_code = source.map(str::to_owned);
        f.category = category;
        f.planned_investment = planned.and_then(yuan);
        let stage = if letter == 'a' {
            Stage::Signed
        } else {
            Stage::Lead
        };
        let p = store
            .with_access(clerk_access())
            .create_project(&new_project(f, stage, d(2018, 1, 1)))
            .await
            .unwrap();
        ids.push((letter, p.id));
    }
    Library { world, ids }
}

async fn list(store: &Store, lib: &Library, filter: ProjectFilter) -> String {
    let page = store
        .projects(&filter, ProjectSort::Id, false, 100, 0)
        .await
        .unwrap();
    assert_eq!(page.total as usize, page.items.len());
    lib.letters(&page.items)
}

#[tokio::test]
async fn a_partnership_filter_takes_in_the_partnerships_nested_under_it() {
    on_each_backend(|store: Store| async move {
        let lib = library(&store).await;
        let by = |id: i64| ProjectFilter {
            partnership_id: Some(id),
            ..ProjectFilter::default()
        };
        assert_eq!(list(&store, &lib, by(lib.world.jingshen.id)).await, "ab");
        assert_eq!(
            list(&store, &lib, by(lib.world.chaoyang_hunnan.id)).await,
            "a"
        );
        assert_eq!(list(&store, &lib, by(lib.world.hulian.id)).await, "c");
    })
    .await;
}

#[tokio::test]
async fn a_region_filter_takes_in_the_regions_subtree() {
    on_each_backend(|store: Store| async move {
        let lib = library(&store).await;
        let host = |code: &str| ProjectFilter {
            host_region: Some(code.into()),
            ..ProjectFilter::default()
        };
        assert_eq!(list(&store, &lib, host("210000")).await, "abcdefg");
        assert_eq!(list(&store, &lib, host("210100")).await, "abdefg");
        assert_eq!(list(&store, &lib, host("210112")).await, "afg");
        assert_eq!(list(&store, &lib, host("210191")).await, "b");
        assert_eq!(list(&store, &lib, host("110000")).await, "");
        let source = |code: &str| ProjectFilter {
            source_region: Some(code.into()),
            ..ProjectFilter::default()
        };
        assert_eq!(list(&store, &lib, source("110000")).await, "ab");
        assert_eq!(list(&store, &lib, source("110105")).await, "a");
        assert_eq!(list(&store, &lib, source("310000")).await, "c");
    })
    .await;
}

#[tokio::test]
async fn stage_category_and_minimum_investment_filters_combine() {
    on_each_backend(|store: Store| async move {
        let lib = library(&store).await;
        let stage = ProjectFilter {
            stage: Some(Stage::Signed),
            ..ProjectFilter::default()
        };
        assert_eq!(list(&store, &lib, stage).await, "a");
        let technology = ProjectFilter {
            category: Some(Category::Technology),
            ..ProjectFilter::default()
        };
        assert_eq!(list(&store, &lib, technology).await, "de");
        let at_least_1yi = ProjectFilter {
            min_planned_investment: Some(YI),
            ..ProjectFilter::default()
        };
        assert_eq!(
            list(&store, &lib, at_least_1yi).await,
            "ace",
            "1亿 itself counts"
        );
        let combined = ProjectFilter {
            host_region: Some("210100".into()),
            category: Some(Category::Investment),
            min_planned_investment: Some(YI),
            ..ProjectFilter::default()
        };
        assert_eq!(list(&store, &lib, combined).await, "a");
    })
    .await;
}

#[tokio::test]
async fn a_name_search_takes_percent_and_underscore_literally() {
    on_each_backend(|store: Store| async move {
        let lib = library(&store).await;
        let named = |text: &str| ProjectFilter {
            name_contains: Some(text.into()),
            ..ProjectFilter::default()
        };
        assert_eq!(list(&store, &lib, named("50%")).await, "d");
        assert_eq!(list(&store, &lib, named("%")).await, "d");
        assert_eq!(list(&store, &lib, named("A_B")).await, "f");
        assert_eq!(list(&store, &lib, named("_")).await, "f");
        assert_eq!(list(&store, &lib, named("增长50")).await, "de");
        assert_eq!(list(&store, &lib, named("合作")).await, "fg");
        assert_eq!(list(&store, &lib, named("\\")).await, "");
    })
    .await;
}

#[tokio::test]
async fn updated_since_finds_only_what_changed_after_the_moment() {
    on_each_backend(|store: Store| async move {
        let lib = library(&store).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        let moment = chrono::Utc::now();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let c = store.project(lib.id('c')).await.unwrap();
        let mut f = c.fields.clone();
        f.note = Some("已更新".into());
        store
            .with_access(clerk_access())
            .update_project(c.id, Some(c.version), &f)
            .await
            .unwrap();
        // A report touches its project as well.
        store
            .with_access(clerk_access())
            .create_progress_report(lib.id('f'), &crate::progress_reports::report("2018-06", 1))
            .await
            .unwrap();
        let since = ProjectFilter {
            updated_since: Some(moment),
            ..ProjectFilter::default()
        };
        assert_eq!(list(&store, &lib, since).await, "cf");
    })
    .await;
}

#[tokio::test]
async fn sorting_puts_nulls_last_in_both_directions() {
    on_each_backend(|store: Store| async move {
        let lib = library(&store).await;
        let sorted = |descending| {
            let store = store.clone();
            async move {
                store
                    .projects(
                        &ProjectFilter::default(),
                        ProjectSort::PlannedInvestment,
                        descending,
                        100,
                        0,
                    )
                    .await
                    .unwrap()
                    .items
            }
        };
        assert_eq!(lib.letters(&sorted(false).await), "fdecabg");
        assert_eq!(lib.letters(&sorted(true).await), "acedfgb");
        let by_id_desc = store
            .projects(&ProjectFilter::default(), ProjectSort::Id, true, 100, 0)
            .await
            .unwrap();
        assert_eq!(lib.letters(&by_id_desc.items), "gfedcba");
    })
    .await;
}

#[tokio::test]
async fn pages_carry_the_total_of_everything_that_matched() {
    on_each_backend(|store: Store| async move {
        let lib = library(&store).await;
        let page = |filter: ProjectFilter, limit, offset| {
            let store = store.clone();
            async move {
                store
                    .projects(&filter, ProjectSort::Id, false, limit, offset)
                    .await
                    .unwrap()
            }
        };
        let first = page(ProjectFilter::default(), 3, 0).await;
        assert_eq!(
            (lib.letters(&first.items).as_str(), first.total),
            ("abc", 7)
        );
        assert_eq!((first.limit, first.offset), (3, 0));
        let second = page(ProjectFilter::default(), 3, 3).await;
        assert_eq!(
            (lib.letters(&second.items).as_str(), second.total),
            ("def", 7)
        );
        let last = page(ProjectFilter::default(), 3, 6).await;
        assert_eq!((lib.letters(&last.items).as_str(), last.total), ("g", 7));
        let beyond = page(ProjectFilter::default(), 3, 30).await;
        assert_eq!((beyond.items.len(), beyond.total), (0, 7));
        let host = ProjectFilter {
            host_region: Some("210100".into()),
            ..ProjectFilter::default()
        };
        let filtered = page(host, 2, 2).await;
        assert_eq!(
            (lib.letters(&filtered.items).as_str(), filtered.total),
            ("de", 6)
        );
    })
    .await;
}
