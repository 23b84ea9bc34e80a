//! The demo data set reproduces the published figures through `Store::project_stats`, for
//! their scope and date, whatever "today" the demo is loaded on; and it is loaded once only.

use chrono::NaiveDate;
use duikou_cli::demo;
use duikou_core::project::Category;
use duikou_core::stats::{ProjectStats, Totals};
use duikou_core::Stage;
use duikou_store::{ProjectFilter, ProjectSort, StatsQuery, StatsScope, Store};

const YI: i64 = 100_000_000;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("demo.db").display());
    let store = Store::open(&url).await.unwrap();
    (dir, store)
}

async fn stats(
    store: &Store,
    slug: &str,
    as_of: NaiveDate,
    category: Option<Category>,
    min: Option<i64>,
    period: Option<(NaiveDate, NaiveDate)>,
) -> ProjectStats {
    let p = store.partnership_by_slug(slug).await.unwrap();
    let q = StatsQuery {
        scope: StatsScope::Partnership(p.id),
        as_of,
        category,
        min_planned_investment: min,
        period,
    };
    store.project_stats(&q).await.unwrap()
}

fn reached(s: &ProjectStats, stage: Stage) -> Totals {
    s.reached.iter().find(|r| r.stage == stage).unwrap().totals
}

fn of_category(s: &ProjectStats, c: Category) -> Totals {
    s.by_category
        .iter()
        .find(|r| r.category == c)
        .unwrap()
        .totals
}

/// 沪连, to the end of 2018: 131 signed, 89 with 212.9亿 agreed; investment 24 with 127.8亿 in
/// place; trade 7亿; technology, finance, consulting and other 78.1亿.
async fn check_shanghai_dalian(store: &Store) {
    let as_of = d(2018, 12, 31);
    let s = stats(store, "shanghai-dalian", as_of, None, None, None).await;
    let signed = reached(&s, Stage::Signed);
    assert_eq!(signed.count, 131);
    assert_eq!(signed.agreement_amount.count, 89);
    assert_eq!(signed.agreement_amount.sum.yuan(), 21_290_000_000);
    let inv = of_category(&s, Category::Investment);
    assert_eq!(inv.funds_in_place.count, 24);
    assert_eq!(inv.funds_in_place.sum.yuan(), 12_780_000_000);
    assert_eq!(
        of_category(&s, Category::Trade).trade_volume.sum.yuan(),
        7 * YI
    );
    let mut others = 0;
    for c in [
        Category::Technology,
        Category::Finance,
        Category::Consulting,
        Category::Other,
    ] {
        let s = stats(store, "shanghai-dalian", as_of, Some(c), None, None).await;
        others += reached(&s, Stage::Signed).agreement_amount.sum.yuan();
    }
    assert_eq!(others, 7_810_000_000);
    // The same read by category over every stage: nothing outside the 89 carries an amount.
    let by_category: i64 = [
        Category::Technology,
        Category::Finance,
        Category::Consulting,
        Category::Other,
    ]
    .into_iter()
    .map(|c| of_category(&s, c).agreement_amount.sum.yuan())
    .sum();
    assert_eq!(by_category, 7_810_000_000);
    assert_eq!(
        of_category(&s, Category::Investment)
            .agreement_amount
            .sum
            .yuan(),
        12_780_000_000
    );
    assert_eq!(
        of_category(&s, Category::Trade).agreement_amount.sum.yuan(),
        7 * YI
    );
    assert_eq!(s.total.agreement_amount.count, 89);
    // Projects in talks at the end of 2018 are in the scope but not in the funnel.
    assert!(s.total.count > 131);
}

/// 京沈, first year (to April 2018): 139 projects, planned 1678亿, invested 362亿.
async fn check_beijing_shenyang_first_year(store: &Store) {
    let s = stats(store, "beijing-shenyang", d(2018, 4, 30), None, None, None).await;
    assert_eq!(s.total.count, 139);
    assert_eq!(s.total.planned_investment.sum.yuan(), 1678 * YI);
    assert_eq!(s.total.invested_to_date.sum.yuan(), 362 * YI);
}

/// 京沈, 2022 H1: 22 projects of ≥1亿 landed, 239.5亿 in all.
async fn check_beijing_shenyang_2022_h1(store: &Store) {
    let h1 = (d(2022, 1, 1), d(2022, 6, 30));
    let s = stats(store, "beijing-shenyang", h1.1, None, Some(YI), Some(h1)).await;
    let period = s.period.unwrap();
    let landed = period
        .entered
        .iter()
        .find(|e| e.stage == Stage::Landed)
        .unwrap()
        .totals;
    assert_eq!(landed.count, 22);
    assert_eq!(landed.planned_investment.sum.yuan(), 23_950_000_000);
    // Without the 1亿 floor, smaller projects that landed in the period show up as well.
    let all = stats(store, "beijing-shenyang", h1.1, None, None, Some(h1)).await;
    let all_landed = all
        .period
        .unwrap()
        .entered
        .into_iter()
        .find(|e| e.stage == Stage::Landed)
        .unwrap()
        .totals;
    assert!(all_landed.count > 22);
}

async fn all_projects(store: &Store) -> Vec<duikou_core::project::Project> {
    let mut out = Vec::new();
    loop {
        let page = store
            .projects(
                &ProjectFilter::default(),
                ProjectSort::Id,
                false,
                1000,
                out.len() as i64,
            )
            .await
            .unwrap();
        let n = page.items.len();
        out.extend(page.items);
        if n < 1000 {
            return out;
        }
    }
}

#[tokio::test]
async fn the_demo_reproduces_the_published_figures_and_loads_once() {
    let (_dir, store) = fresh().await;
    assert!(!demo::is_loaded(&store).await.unwrap());
    let today = d(2025, 12, 31);
    let started = std::time::Instant::now();
    let summary = demo::load(&store, today).await.unwrap();
    eprintln!("demo loaded in {:?}: {summary:?}", started.elapsed());
    assert!(demo::is_loaded(&store).await.unwrap());
    assert!((500..=1200).contains(&summary.projects), "{summary:?}");
    assert!(summary.reports > summary.projects, "{summary:?}");

    check_shanghai_dalian(&store).await;
    check_beijing_shenyang_first_year(&store).await;
    check_beijing_shenyang_2022_h1(&store).await;

    // Realism: named and generated records, project codes on some, history and problems.
    let projects = all_projects(&store).await;
    assert_eq!(projects.len(), summary.projects);
    assert!(projects.iter().any(|p| !p.fields.generated));
    assert!(projects.iter().filter(|p| p.fields.generated).count() > 400);
    let coded: Vec<_> = projects
        .iter()
        .filter_map(|p| p.fields.code.as_ref().map(|c| (c, p)))
        .collect();
    assert!(coded.len() >= 5);
    for (code, p) in coded {
        assert_eq!(code.region_segment(), p.fields.host_region_code);
    }
    let yuhong = projects
        .iter()
        .find(|p| p.fields.name == "于洪京沈合作产业园（二期）")
        .unwrap();
    let history = store.stage_changes(yuhong.id).await.unwrap();
    let stages: Vec<Stage> = history.iter().map(|c| c.to_stage).collect();
    assert_eq!(
        stages[..4],
        [
            Stage::Negotiating,
            Stage::Signed,
            Stage::Landed,
            Stage::Started
        ]
    );
    assert_eq!(history[2].effective_date, d(2022, 2, 23));
    let mut problems = 0;
    for p in projects.iter().take(400) {
        problems += store.problems(p.id).await.unwrap().len();
    }
    assert!(problems > 10);

    // Open warnings of several rules, yellow and red, from the load itself; sweeping again
    // changes nothing.
    let open = store
        .warnings_visible(&duikou_store::WarningFilter::default(), None, 5000, 0)
        .await
        .unwrap();
    let rules: std::collections::BTreeSet<_> = open.items.iter().map(|w| w.rule).collect();
    assert!(rules.len() >= 4, "rules {rules:?}");
    for level in duikou_core::warnings::Level::ALL {
        assert!(open.items.iter().any(|w| w.level == level), "no {level:?}");
    }
    assert!(open.items.iter().all(|w| w.as_of <= today));
    let again = store.sweep_warnings(today, true, |_, _| {}).await.unwrap();
    assert_eq!(again.evaluated as usize, summary.projects);
    assert!(!again.changed(), "{again:?}");
    assert_eq!(summary.sweep.evaluated as usize, summary.projects);
    assert_eq!(summary.sweep.raised as usize, open.total as usize);
    // Slips only for the red warnings of the rules that open them, once each.
    let slips = store
        .slips_visible(&duikou_store::SlipFilter::default(), None, 1000, 0)
        .await
        .unwrap();
    assert_eq!(slips.total as u64, summary.sweep.slips);
    assert!(slips.total > 0);
    assert!(
        slips.total < open.total,
        "{} slips for {} warnings",
        slips.total,
        open.total
    );

    mine_is_what_each_role_may_act_on(&store, &projects).await;
    the_demo_agrees_with_its_own_calendar(&store, &projects, today).await;

    // A second load is refused and changes nothing.
    let err = demo::load(&store, today).await.unwrap_err();
    assert!(err.to_string().contains("已载入"), "{err}");
    assert_eq!(all_projects(&store).await.len(), summary.projects);
}

/// Loaded on the earliest day allowed, everything after it is left out, and every published
/// figure still holds: later records never move an "as of" figure.
#[tokio::test]
async fn the_figures_hold_on_the_earliest_today() {
    let (_dir, store) = fresh().await;
    let summary = demo::load(&store, d(2022, 7, 1)).await.unwrap();
    check_shanghai_dalian(&store).await;
    check_beijing_shenyang_first_year(&store).await;
    check_beijing_shenyang_2022_h1(&store).await;
    let projects = all_projects(&store).await;
    assert_eq!(projects.len(), summary.projects);
    assert!(projects.iter().all(|p| p.stage_since <= d(2022, 7, 1)));
    assert!(demo::load(&store, d(2022, 6, 30)).await.is_err());
}

#[tokio::test]
async fn a_today_before_the_published_period_is_refused() {
    let (_dir, store) = fresh().await;
    assert!(demo::load(&store, d(2022, 6, 30)).await.is_err());
    assert!(!demo::is_loaded(&store).await.unwrap());
}

/// "我的待处理预警": for every demo login, the warnings the store lists as the user's are
/// exactly those `Access::acts_on` holds among the ones they read, and every role but the
/// viewer has some.
async fn mine_is_what_each_role_may_act_on(
    store: &Store,
    projects: &[duikou_core::project::Project],
) {
    use duikou_core::auth::{RecordRef, Role};
    use duikou_store::WarningFilter;
    use std::collections::{BTreeSet, HashMap};

    let logins = demo::create_users(store, "Demo-pass-2024").await.unwrap();
    let mut paths: HashMap<String, String> = HashMap::new();
    let mut places = HashMap::new();
    for p in projects {
        let f = &p.fields;
        let host = region_path(store, &mut paths, Some(&f.host_region_code)).await;
        let source = region_path(store, &mut paths, f.source_region_code.as_ref()).await;
        let partnership = match f.partnership_id {
            None => String::new(),
            Some(id) => store.partnership(id).await.unwrap().path,
        };
        places.insert(p.id, (f.owner_org_id, host, source, partnership));
    }
    for login in &logins {
        let user = store.user(&login.login).await.unwrap();
        let access = store.resolve_access(&user, &user.grants).await.unwrap();
        let scoped = store.scoped(&access);
        let seen = scoped
            .warnings(&WarningFilter::default(), 10_000, 0)
            .await
            .unwrap();
        let expected: BTreeSet<i64> = seen
            .items
            .iter()
            .filter(|w| {
                let (org, host, source, partnership) = &places[&w.project_id];
                let r = RecordRef {
                    owner_org_id: *org,
                    host_region_path: host,
                    source_region_path: source,
                    partnership_path: partnership,
                };
                access.acts_on(&r, w.owner_org_id)
            })
            .map(|w| w.id)
            .collect();
        let mine = WarningFilter {
            mine: true,
            ..WarningFilter::default()
        };
        let listed = scoped.warnings(&mine, 10_000, 0).await.unwrap();
        let got: BTreeSet<i64> = listed.items.iter().map(|w| w.id).collect();
        assert_eq!(got, expected, "{}", login.login);
        assert_eq!(listed.total as usize, got.len(), "{}", login.login);
        // Coordinators and leaders supervise their partnership; the receiving cities'
        // editors report on the projects landed there; the sending cities' editors edit what
        // their city hosts, which is nothing in the demo; a viewer acts on nothing.
        let acts = match login.role {
            Role::Admin | Role::Coordinator | Role::Leader => true,
            Role::Editor => login.login.starts_with("sy-") || login.login.starts_with("dl-"),
            Role::Viewer => false,
        };
        assert_eq!(!got.is_empty(), acts, "{}: {got:?}", login.login);
    }
}

async fn region_path(
    store: &Store,
    cache: &mut std::collections::HashMap<String, String>,
    code: Option<&String>,
) -> String {
    let Some(code) = code else {
        return String::new();
    };
    if let Some(p) = cache.get(code) {
        return p.clone();
    }
    let path = store.region(code).await.unwrap().path;
    cache.insert(code.clone(), path.clone());
    path
}

/// The demo agrees with its "today": the year to today changed the figures (同比 is not 0),
/// no open problem is long forgotten, and every approval process started when its project
/// entered its stage, lately.
async fn the_demo_agrees_with_its_own_calendar(
    store: &Store,
    projects: &[duikou_core::project::Project],
    today: NaiveDate,
) {
    let now = store
        .project_stats(&StatsQuery {
            scope: StatsScope::All,
            as_of: today,
            category: None,
            min_planned_investment: None,
            period: None,
        })
        .await
        .unwrap();
    let year_ago = today - chrono::Months::new(12);
    let then = store
        .project_stats(&StatsQuery {
            scope: StatsScope::All,
            as_of: year_ago,
            category: None,
            min_planned_investment: None,
            period: None,
        })
        .await
        .unwrap();
    assert!(
        now.total.invested_to_date.sum > then.total.invested_to_date.sum,
        "invested grew over the year"
    );
    assert_ne!(now.reached, then.reached, "projects moved on over the year");
    let mut open = 0;
    let mut with_steps = 0;
    for p in projects {
        for q in store.problems(p.id).await.unwrap() {
            if q.fields.status != duikou_core::problem::ProblemStatus::Resolved {
                open += 1;
                let due = q.fields.due_date.expect("a due date");
                assert!(
                    due + chrono::Duration::days(180) > today,
                    "{}: open since {due}",
                    q.fields.description
                );
            }
        }
        if let Some((steps, _)) = store.project_steps(p.id).await.unwrap() {
            with_steps += 1;
            assert_eq!(steps.start, p.stage_since, "{}", p.fields.name);
            assert!(p.stage_since + chrono::Duration::days(200) >= today);
        }
    }
    assert!(open > 0, "some problems are open");
    assert!(with_steps >= 12, "{with_steps} projects with steps");
}
