//! The demo data set: the partnerships, organisations and projects the reference reports name,
//! padded with generated projects so that the statistics reproduce the published figures for
//! their scope and date:
//!
//! - `shanghai-dalian` as of 2018-12-31: 131 projects signed or beyond, 89 of them with
//!   agreement amounts totalling 212.9亿; investment projects: 24 with funds in place of 127.8亿;
//!   trade projects: trade volume 7亿; technology, finance, consulting and other: 78.1亿.
//! - `beijing-shenyang` as of 2018-04-30: 139 projects, planned 1678亿, invested 362亿.
//! - `beijing-shenyang`, projects of ≥1亿 that landed in 2022-01-01..2022-06-30: 22, planned
//!   239.5亿.
//!
//! Everything is drawn from one fixed seed, so two loads give the same records. Loading is
//! refused when the demo is already there (see [`is_loaded`]); load it into a fresh database.

mod amounts;
mod annual;
mod generic;
mod hulian;
mod jingshen;
mod jingshen_later;
mod jingshen_named;
mod names;
mod orgs;
mod others;
mod partnerships;
mod plan;
mod problems;
mod recent;
mod regions;
mod steps;
mod users;

pub use users::{create as create_users, DemoLogin};

use std::collections::HashMap;

use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};
use duikou_core::project_code::ProjectCode;
use duikou_core::region::RegionKind;
use duikou_core::{Actor, Stage};
use duikou_store::{Store, StoreError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use plan::{ymd, ProjectPlan};

/// What `load` created.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSummary {
    pub regions: usize,
    pub orgs: usize,
    pub partnerships: usize,
    pub projects: usize,
    pub reports: usize,
    /// The first warning sweep over the demo.
    pub sweep: duikou_store::Tally,
    pub sweep_seconds: f64,
}

/// The seed of every random draw of the demo (the day 京沈 cooperation was launched).
pub const SEED: u64 = 20_170_418;

/// The partnership whose presence marks a database that holds the demo.
pub const MARKER_SLUG: &str = "beijing-shenyang";

/// The state the builders share: the random source, the ids of what is already stored, and
/// the project names taken so far.
pub(crate) struct Ctx {
    pub rng: ChaCha8Rng,
    pub orgs: HashMap<&'static str, i64>,
    pub partnerships: HashMap<&'static str, i64>,
    pub names: names::Unique,
}

impl Ctx {
    /// The government or zone committee of a region, when the demo has one.
    pub fn gov(&self, code: &str) -> Option<i64> {
        self.orgs.get(format!("gov:{code}").as_str()).copied()
    }
    pub fn org(&self, key: &str) -> Option<i64> {
        self.orgs.get(key).copied()
    }
    pub fn pid(&self, slug: &str) -> Option<i64> {
        self.partnerships.get(slug).copied()
    }
}

/// True when the database already holds the demo (the partnership `beijing-shenyang` exists).
pub async fn is_loaded(store: &Store) -> Result<bool> {
    match store.partnership_by_slug(MARKER_SLUG).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Loads the whole demo data set. Regions that already exist are kept; everything else is
/// created. Stage changes, reports and resolutions dated after `today` are left out, so that
/// nothing lies in the future; `today` must not be before 2022-07-01, the last date a published
/// figure depends on. Refused when the demo is already loaded.
pub async fn load(store: &Store, today: NaiveDate) -> Result<DemoSummary> {
    if is_loaded(store).await? {
        bail!("演示数据已载入（合作关系 {MARKER_SLUG} 已存在），不再重复载入；请使用新的数据库");
    }
    if today < ymd(2022, 7, 1) {
        bail!("演示数据含2022年上半年的统计数字，“今天”不能早于2022-07-01：{today}");
    }
    // The demo writes years of history: its warnings are raised once, by the sweep at the
    // end, as of its "today" (not by each write on the way, which would open slips for
    // states the history has long left).
    let store = &store
        .clone()
        .with_today(move || today)
        .without_write_evaluation();
    let actor = Actor::system("demo");
    let started = std::time::Instant::now();
    let regions = regions::create(store, &actor).await?;
    let orgs = orgs::create(store, &actor).await?;
    let partnerships = partnerships::create(store, &actor, &orgs).await?;
    let mut ctx = Ctx {
        rng: ChaCha8Rng::seed_from_u64(SEED),
        orgs,
        partnerships,
        names: names::Unique::default(),
    };
    let mut plans = jingshen::plans(&mut ctx)?;
    plans.extend(hulian::plans(&mut ctx)?);
    plans.extend(others::plans(&mut ctx));
    assign_codes(&mut ctx.rng, &mut plans, 12);
    recent::bring_up_to(&mut ctx.rng, &mut plans, today);
    let written = plan::write(store, &actor, today, &plans).await?;
    let with_steps = steps::create(store, &actor, &mut ctx.rng, today).await?;
    let with_plans = annual::create(store, &actor, &mut ctx.rng, today).await?;
    let swept = std::time::Instant::now();
    let sweep = store.sweep_warnings(today, true, |_, _| {}).await?;
    let sweep_seconds = swept.elapsed().as_secs_f64();
    tracing::info!(
        projects = written.projects,
        transitions = written.transitions,
        reports = written.reports,
        problems = written.problems,
        with_steps,
        with_plans,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo loaded"
    );
    Ok(DemoSummary {
        regions,
        orgs: ctx.orgs.len(),
        partnerships: ctx.partnerships.len(),
        projects: written.projects,
        reports: written.reports,
        sweep,
        sweep_seconds,
    })
}

/// Gives up to `n` investment projects hosted in a district and signed from 2020-11 on a unified project code
/// (`YYMM-RRRRRR-DD-PP-NNNNNC`, region segment = host district): named projects first.
fn assign_codes(rng: &mut ChaCha8Rng, plans: &mut [ProjectPlan], n: usize) {
    let mut order: Vec<usize> = (0..plans.len()).collect();
    order.sort_by_key(|i| plans[*i].fields.generated);
    let mut given = 0;
    for i in order {
        if given == n {
            break;
        }
        let p = &mut plans[i];
        let host = p.fields.host_region_code.clone();
        let Some(date) = p.entered(Stage::Signed) else {
            continue;
        };
        let investment = p.fields.category == duikou_core::Category::Investment;
        if !investment
            || regions::kind(&host) != Some(RegionKind::District)
            || date < ymd(2020, 11, 1)
        {
            continue;
        }
        let serial: u32 = rng.gen_range(10_000..100_000);
        let check = serial
            .to_string()
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .sum::<u32>()
            % 10;
        let dept = ["04", "36", "89", "07", "13"][given % 5];
        let text = format!(
            "{:02}{:02}-{host}-{dept}-0{}-{serial}{check}",
            date.year() % 100,
            date.month(),
            1 + given % 3
        );
        if let Ok(code) = ProjectCode::parse(&text) {
            p.fields.code = Some(code);
            given += 1;
        }
    }
}
