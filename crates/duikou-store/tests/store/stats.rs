//! Statistics "as of" a date: read from the stage history and the latest report as of that
//! date, never from today's values; scoped by partnership (nested ones included) or by host or
//! source region; each project counted once; money of non-CNY projects left out of the sums.

use chrono::NaiveDate;
use duikou_core::progress_report::ProgressReportFields;
use duikou_core::project::{Project, ProjectFields};
use duikou_core::stats::{ProjectStats, Totals};
use duikou_core::{Category, Currency, Stage};
use duikou_store::{StatsQuery, StatsScope, Store, TransitionInput};

use crate::fixtures::*;
use crate::helpers::on_each_backend;
use crate::progress_reports::report;

/// Five projects over two years (dates are effective dates; reports by period):
///
/// | | host | partnership | source | category | planned | history | reports |
/// |-|------|-------------|--------|----------|---------|---------|---------|
/// | p1 | 浑南 | 朝阳—浑南 (in 京沈) | 朝阳 | investment | 1亿 exactly, agreed 8000万 | lead 2017-03-01, negotiating 2017-06-01, signed 2018-02-10, landed 2018-07-01 | 2017-Q4 invested 100万; 2018-06 invested 2000万, funds 1500万; 2018-12 invested 5000万 |
/// | p2 | 经开区 | 京沈 | 北京 | trade | 99,999,999 | negotiating 2018-01-15, signed 2018-03-01, suspended 2018-08-01 | 2018-Q1 trade 500万; 2018-Q3 trade 900万 |
/// | p3 | 大连 | 沪连 | 上海 | investment | 3亿 | lead 2018-05-01, signed 2018-10-15 | 2018-10 invested 700万 |
/// | p4 | 沈阳 | — | — | technology | 5000万 USD | signed 2018-04-01 | 2018-06 invested 100万 (USD) |
/// | p5 | 浑南 | 京沈 | 北京 | investment | 5亿 | lead 2018-11-01 | — |
pub struct Scenario {
    pub world: World,
    pub p: [Project; 5],
}

const WAN: i64 = 10_000;

pub fn today() -> NaiveDate {
    d(2018, 12, 31)
}

async fn create(store: &Store, f: ProjectFields, stage: Stage, since: NaiveDate) -> Project {
    store
        .with_access(clerk_access())
        .create_project(&new_project(f, stage, since))
        .await
        .unwrap()
}

pub async fn step(
    store: &Store,
    p: &Project,
    to: Stage,
    on: NaiveDate,
    reason: Option<&str>,
) -> Project {
    let input = TransitionInput {
        to,
        effective_date: Some(on),
        reason: reason.map(str::to_owned),
        override_rules: false,
    };
    let current = store.project(p.id).await.unwrap();
    transition(
        store,
        &admin(),
        p.id,
        Some(current.version),
        &input,
        today(),
    )
    .await
    .unwrap_or_else(|e| panic!("{} to {to:?}: {e}", p.fields.name))
    .0
}

pub async fn file(store: &Store, p: &Project, r: ProgressReportFields) {
    store
        .with_access(clerk_access())
        .create_progress_report(p.id, &r)
        .await
        .unwrap();
}

pub async fn scenario(store: &Store) -> Scenario {
    let world = seed(store).await;
    let project = |name: &str,
                   host: &str,
                   partnership: Option<i64>,
                   source: Option<&str>,
                   category,
                   planned| {
        let mut f = fields(name, host);
        f.partnership_id = partnership;
        f.source_region_code = source.map(str::to_owned);
        f.category = category;
        f.planned_investment = yuan(planned);
        f
    };
    let mut f1 = project(
        "甲",
        "210112",
        Some(world.chaoyang_hunnan.id),
        Some("110105"),
        Category::Investment,
        YI,
    );
    f1.agreement_amount = yuan(8000 * WAN);
    let p1 = create(store, f1, Stage::Lead, d(2017, 3, 1)).await;
    step(store, &p1, Stage::Negotiating, d(2017, 6, 1), None).await;
    step(store, &p1, Stage::Signed, d(2018, 2, 10), None).await;
    step(store, &p1, Stage::Landed, d(2018, 7, 1), None).await;
    file(store, &p1, report("2017-Q4", 100 * WAN)).await;
    file(
        store,
        &p1,
        ProgressReportFields {
            funds_in_place: yuan(1500 * WAN),
            ..report("2018-06", 2000 * WAN)
        },
    )
    .await;
    file(store, &p1, report("2018-12", 5000 * WAN)).await;

    let f2 = project(
        "乙",
        "210191",
        Some(world.jingshen.id),
        Some("110000"),
        Category::Trade,
        YI - 1,
    );
    let p2 = create(store, f2, Stage::Negotiating, d(2018, 1, 15)).await;
    step(store, &p2, Stage::Signed, d(2018, 3, 1), None).await;
    step(
        store,
        &p2,
        Stage::Suspended,
        d(2018, 8, 1),
        Some("资金未到位"),
    )
    .await;
    let trade = |period, yuan_| ProgressReportFields {
        invested_to_date: None,
        trade_volume: yuan(yuan_),
        ..report(period, 0)
    };
    file(store, &p2, trade("2018-Q1", 500 * WAN)).await;
    file(store, &p2, trade("2018-Q3", 900 * WAN)).await;

    let f3 = project(
        "丙",
        "210200",
        Some(world.hulian.id),
        Some("310000"),
        Category::Investment,
        3 * YI,
    );
    let p3 = create(store, f3, Stage::Lead, d(2018, 5, 1)).await;
    step(
        store,
        &p3,
        Stage::Signed,
        d(2018, 10, 15),
        Some("框架协议直接签订"),
    )
    .await;
    file(store, &p3, report("2018-10", 700 * WAN)).await;

    let mut f4 = project("丁", "210100", None, None, Category::Technology, 5000 * WAN);
    f4.currency = Currency::Usd;
    let p4 = create(store, f4, Stage::Signed, d(2018, 4, 1)).await;
    file(store, &p4, report("2018-06", 100 * WAN)).await;

    let f5 = project(
        "戊",
        "210112",
        Some(world.jingshen.id),
        Some("110000"),
        Category::Investment,
        5 * YI,
    );
    let p5 = create(store, f5, Stage::Lead, d(2018, 11, 1)).await;

    let reload = |p: Project| async move { store.project(p.id).await.unwrap() };
    let p = [
        reload(p1).await,
        reload(p2).await,
        reload(p3).await,
        reload(p4).await,
        reload(p5).await,
    ];
    Scenario { world, p }
}

async fn stats(store: &Store, scope: StatsScope, as_of: NaiveDate) -> ProjectStats {
    let q = StatsQuery {
        scope,
        as_of,
        category: None,
        min_planned_investment: None,
        period: None,
    };
    store.project_stats(&q).await.unwrap()
}

fn by_stage(s: &ProjectStats, stage: Stage) -> Totals {
    s.by_stage.iter().find(|t| t.stage == stage).unwrap().totals
}

fn reached(s: &ProjectStats, stage: Stage) -> i64 {
    s.reached
        .iter()
        .find(|t| t.stage == stage)
        .unwrap()
        .totals
        .count
}

fn by_category(s: &ProjectStats, category: Category) -> i64 {
    s.by_category
        .iter()
        .find(|t| t.category == category)
        .unwrap()
        .totals
        .count
}

/// Counts by stage in `Stage::ALL` order.
fn stage_counts(s: &ProjectStats) -> Vec<i64> {
    s.by_stage.iter().map(|t| t.totals.count).collect()
}

#[tokio::test]
async fn stats_as_of_a_date_read_the_stage_history_and_the_reports_of_that_date() {
    on_each_backend(|store: Store| async move {
        scenario(&store).await;
        let s = stats(&store, StatsScope::All, d(2018, 9, 30)).await;
        assert_eq!(s.as_of, d(2018, 9, 30));
        assert_eq!(s.total.count, 4, "p5 was entered later");
        //                                lead neg sig lan sta com ope sus ter
        assert_eq!(stage_counts(&s), [1, 0, 1, 1, 0, 0, 0, 1, 0]);
        assert_eq!(
            by_stage(&s, Stage::Landed).planned_investment.sum.yuan(),
            YI
        );
        assert_eq!(by_category(&s, Category::Investment), 2);
        assert_eq!(by_category(&s, Category::Trade), 1);
        assert_eq!(by_category(&s, Category::Technology), 1);
        // Money: CNY projects only; reports as of 2018-09-30 (p1's 2018-06, p2's 2018-Q3).
        let t = s.total;
        assert_eq!(
            (t.planned_investment.sum.yuan(), t.planned_investment.count),
            (YI + YI - 1 + 3 * YI, 3)
        );
        assert_eq!(
            (t.agreement_amount.sum.yuan(), t.agreement_amount.count),
            (8000 * WAN, 1)
        );
        assert_eq!(
            (t.invested_to_date.sum.yuan(), t.invested_to_date.count),
            (2000 * WAN, 1)
        );
        assert_eq!(
            (t.funds_in_place.sum.yuan(), t.funds_in_place.count),
            (1500 * WAN, 1)
        );
        assert_eq!(
            (t.trade_volume.sum.yuan(), t.trade_volume.count),
            (900 * WAN, 1)
        );
        assert_eq!((t.output_value.sum.yuan(), t.output_value.count), (0, 0));
    })
    .await;
}

#[tokio::test]
async fn stats_of_an_earlier_date_do_not_see_later_moves_or_reports() {
    on_each_backend(|store: Store| async move {
        scenario(&store).await;
        let s = stats(&store, StatsScope::All, d(2017, 12, 31)).await;
        assert_eq!(s.total.count, 1);
        assert_eq!(
            by_stage(&s, Stage::Negotiating).count,
            1,
            "p1 had not yet signed"
        );
        assert_eq!(
            s.total.invested_to_date.sum.yuan(),
            100 * WAN,
            "p1's 2017-Q4 report"
        );
        let before_anything = stats(&store, StatsScope::All, d(2017, 2, 28)).await;
        assert_eq!(before_anything.total, Totals::default());
        assert_eq!(
            before_anything.by_stage.len(),
            Stage::ALL.len(),
            "zeros are listed"
        );
        // The day a stage begins counts in it; the day before does not.
        let eve = stats(&store, StatsScope::All, d(2018, 6, 30)).await;
        let day = stats(&store, StatsScope::All, d(2018, 7, 1)).await;
        assert_eq!(by_stage(&eve, Stage::Landed).count, 0);
        assert_eq!(by_stage(&day, Stage::Landed).count, 1);
        // At the end of the year, today's picture.
        let now = stats(&store, StatsScope::All, today()).await;
        assert_eq!(now.total.count, 5);
        assert_eq!(stage_counts(&now), [1, 0, 2, 1, 0, 0, 0, 1, 0]);
        assert_eq!(
            now.total.invested_to_date.sum.yuan(),
            5000 * WAN + 700 * WAN
        );
    })
    .await;
}

#[tokio::test]
async fn the_funnel_and_the_large_band_follow_the_stages_of_the_date() {
    on_each_backend(|store: Store| async move {
        scenario(&store).await;
        let s = stats(&store, StatsScope::All, d(2018, 9, 30)).await;
        // p3 lead, p4 signed, p1 landed; p2 is suspended, off the main line.
        assert_eq!(reached(&s, Stage::Lead), 3);
        assert_eq!(reached(&s, Stage::Negotiating), 2);
        assert_eq!(reached(&s, Stage::Signed), 2);
        assert_eq!(reached(&s, Stage::Landed), 1);
        assert_eq!(reached(&s, Stage::Started), 0);
        assert_eq!(reached(&s, Stage::Operating), 0);
        // ≥1亿: p1 at exactly 1亿 and p3; p2 at 1亿 less one yuan is out.
        assert_eq!(s.large.count, 2);
        assert_eq!(s.large.planned_investment.sum.yuan(), YI + 3 * YI);
    })
    .await;
}

#[tokio::test]
async fn a_period_counts_the_stages_entered_within_it() {
    on_each_backend(|store: Store| async move {
        scenario(&store).await;
        let q = StatsQuery {
            scope: StatsScope::All,
            as_of: d(2018, 9, 30),
            category: None,
            min_planned_investment: None,
            period: Some((d(2018, 1, 1), d(2018, 9, 30))),
        };
        let s = store.project_stats(&q).await.unwrap();
        let period = s.period.expect("a period was asked for");
        assert_eq!((period.from, period.to), (d(2018, 1, 1), d(2018, 9, 30)));
        let entered: Vec<i64> = period.entered.iter().map(|t| t.totals.count).collect();
        // lead: p3 entered; negotiating: p2 entered; signed: p1, p2, p4; landed: p1; suspended: p2.
        //                    lead neg sig lan sta com ope sus ter
        assert_eq!(entered, [1, 1, 3, 1, 0, 0, 0, 1, 0]);
        let signed = period
            .entered
            .iter()
            .find(|t| t.stage == Stage::Signed)
            .unwrap();
        assert_eq!(
            signed.totals.planned_investment.sum.yuan(),
            YI + YI - 1,
            "p4 is in USD"
        );
        // The third quarter alone: p1 landed, p2 suspended.
        let q3 = StatsQuery {
            period: Some((d(2018, 7, 1), d(2018, 9, 30))),
            ..q
        };
        let period = store.project_stats(&q3).await.unwrap().period.unwrap();
        let entered: Vec<i64> = period.entered.iter().map(|t| t.totals.count).collect();
        assert_eq!(entered, [0, 0, 0, 1, 0, 0, 0, 1, 0]);
    })
    .await;
}

#[tokio::test]
async fn a_partnership_scope_takes_in_its_nested_partnerships() {
    on_each_backend(|store: Store| async move {
        let sc = scenario(&store).await;
        let on = d(2018, 9, 30);
        let jingshen = stats(&store, StatsScope::Partnership(sc.world.jingshen.id), on).await;
        assert_eq!(jingshen.total.count, 2, "p1 through 朝阳—浑南, and p2");
        assert_eq!(jingshen.total.planned_investment.sum.yuan(), YI + YI - 1);
        let nested = stats(
            &store,
            StatsScope::Partnership(sc.world.chaoyang_hunnan.id),
            on,
        )
        .await;
        assert_eq!(nested.total.count, 1);
        assert_eq!(by_stage(&nested, Stage::Landed).count, 1);
        let hulian = stats(&store, StatsScope::Partnership(sc.world.hulian.id), on).await;
        assert_eq!(hulian.total.count, 1);
        let later = stats(
            &store,
            StatsScope::Partnership(sc.world.jingshen.id),
            today(),
        )
        .await;
        assert_eq!(later.total.count, 3, "p5 joined 京沈 in November");
    })
    .await;
}

#[tokio::test]
async fn host_and_source_region_scopes_credit_and_attribute_separately() {
    on_each_backend(|store: Store| async move {
        scenario(&store).await;
        let on = d(2018, 9, 30);
        let count = |scope| {
            let store = store.clone();
            async move { stats(&store, scope, on).await.total.count }
        };
        let host = |c: &str| StatsScope::HostRegion(c.into());
        let source = |c: &str| StatsScope::SourceRegion(c.into());
        assert_eq!(count(host("210000")).await, 4);
        assert_eq!(
            count(host("210100")).await,
            3,
            "p1 in 浑南, p2 in the zone, p4 in the city"
        );
        assert_eq!(count(host("210112")).await, 1);
        assert_eq!(count(host("210200")).await, 1);
        assert_eq!(
            count(host("110000")).await,
            0,
            "北京 sends, it hosts nothing"
        );
        assert_eq!(
            count(source("110000")).await,
            2,
            "p1 from 朝阳, p2 from 北京"
        );
        assert_eq!(count(source("110105")).await, 1);
        assert_eq!(count(source("310000")).await, 1);
        assert_eq!(count(source("210000")).await, 0);
    })
    .await;
}

#[tokio::test]
async fn a_project_counts_once_in_the_national_total() {
    on_each_backend(|store: Store| async move {
        let sc = scenario(&store).await;
        let on = today();
        let all = stats(&store, StatsScope::All, on).await;
        let jingshen = stats(&store, StatsScope::Partnership(sc.world.jingshen.id), on).await;
        let hulian = stats(&store, StatsScope::Partnership(sc.world.hulian.id), on).await;
        let no_partnership = 1; // p4
        assert_eq!(all.total.count, 5);
        assert_eq!(
            all.total.count,
            jingshen.total.count + hulian.total.count + no_partnership
        );
        let stage_sum: i64 = all.by_stage.iter().map(|t| t.totals.count).sum();
        let category_sum: i64 = all.by_category.iter().map(|t| t.totals.count).sum();
        assert_eq!((stage_sum, category_sum), (5, 5));
        // Many stage changes and reports per project do not multiply it.
        assert_eq!(
            all.total.planned_investment.sum.yuan(),
            YI + YI - 1 + 3 * YI + 5 * YI
        );
    })
    .await;
}

#[tokio::test]
async fn a_project_with_two_reports_ending_the_same_day_counts_once() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let mut f = fields("月报季报并存", "210112");
        f.planned_investment = yuan(2 * YI);
        let p = create(&store, f, Stage::Signed, d(2018, 1, 1)).await;
        // A monthly and a quarterly report both end on 2018-06-30.
        file(&store, &p, report("2018-06", 300 * WAN)).await;
        file(&store, &p, report("2018-Q2", 300 * WAN)).await;
        let s = stats(&store, StatsScope::All, d(2018, 9, 30)).await;
        assert_eq!(s.total.count, 1);
        assert_eq!(s.total.planned_investment.sum.yuan(), 2 * YI);
        assert_eq!(s.total.invested_to_date.sum.yuan(), 300 * WAN);
    })
    .await;
}

#[tokio::test]
async fn non_cny_projects_are_counted_but_their_money_is_not_summed() {
    on_each_backend(|store: Store| async move {
        let sc = scenario(&store).await;
        let s = stats(
            &store,
            StatsScope::HostRegion("210100".into()),
            d(2018, 9, 30),
        )
        .await;
        let p4 = &sc.p[3];
        assert_eq!(p4.fields.currency, Currency::Usd);
        let signed = by_stage(&s, Stage::Signed);
        assert_eq!(signed.count, 1, "p4 is counted");
        assert_eq!(
            (
                signed.planned_investment.sum.yuan(),
                signed.planned_investment.count
            ),
            (0, 0)
        );
        assert_eq!(
            (
                signed.invested_to_date.sum.yuan(),
                signed.invested_to_date.count
            ),
            (0, 0)
        );
        assert_eq!(by_category(&s, Category::Technology), 1);
    })
    .await;
}

#[tokio::test]
async fn category_and_minimum_investment_narrow_the_stats() {
    on_each_backend(|store: Store| async move {
        scenario(&store).await;
        let q = StatsQuery {
            scope: StatsScope::All,
            as_of: d(2018, 9, 30),
            category: Some(Category::Investment),
            min_planned_investment: None,
            period: None,
        };
        let s = store.project_stats(&q).await.unwrap();
        assert_eq!(s.total.count, 2);
        assert_eq!(by_category(&s, Category::Trade), 0);
        let q = StatsQuery {
            category: None,
            min_planned_investment: Some(YI),
            ..q
        };
        let s = store.project_stats(&q).await.unwrap();
        assert_eq!(s.total.count, 2, "p1 at exactly 1亿 and p3");
    })
    .await;
}
