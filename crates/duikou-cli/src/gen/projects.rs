//! Projects and everything hanging on them, a chunk at a time: stage history over ten years,
//! log-normal money, monthly progress reports of the last year, problems, and the approval
//! steps of projects that landed in the last three years.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use duikou_core::calendar::WorkCalendar;
use duikou_core::steps::{plan, StepState, StepStatus, Template};
use duikou_store::{BulkProblem, BulkProject, BulkReport, BulkSchedule, BulkStageChange, BulkStep};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::geo::{Geo, PartnershipPlan, Place};

/// The first and last day of the generated history.
pub fn start_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 7, 1).unwrap_or_default()
}
pub fn end_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or_default()
}

pub const ACTOR: &str = "gen";

/// (main-line stage, mean days until the next, chance of moving on).
const MAIN: &[(&str, f64, f64)] = &[
    ("lead", 60.0, 0.85),
    ("negotiating", 120.0, 0.8),
    ("signed", 150.0, 0.8),
    ("landed", 160.0, 0.8),
    ("started", 420.0, 0.7),
    ("completed", 120.0, 0.85),
    ("operating", 0.0, 0.0),
];

const CATEGORIES: &[(&str, u32)] = &[
    ("investment", 60),
    ("trade", 12),
    ("technology", 10),
    ("finance", 6),
    ("consulting", 5),
    ("other", 7),
];

/// (industry, enterprise word, project endings).
const INDUSTRIES: &[(&str, &str, &[&str])] = &[
    (
        "新材料",
        "新材料科技",
        &["新材料产业园项目", "复合材料生产基地"],
    ),
    (
        "智能制造",
        "智能装备",
        &["智能制造基地", "工业机器人生产线项目"],
    ),
    (
        "生物医药",
        "生物医药",
        &["生物医药产业园项目", "创新药生产基地"],
    ),
    (
        "集成电路",
        "微电子",
        &["集成电路封装测试基地", "芯片设计研发中心"],
    ),
    (
        "新能源汽车",
        "新能源汽车科技",
        &["动力电池生产基地", "汽车零部件产业园"],
    ),
    (
        "现代物流",
        "供应链管理",
        &["智慧物流园项目", "冷链物流中心"],
    ),
    (
        "现代农业",
        "农业发展",
        &["农产品精深加工项目", "现代农业产业园"],
    ),
    (
        "文化旅游",
        "文旅发展",
        &["文旅综合体项目", "全域旅游示范项目"],
    ),
    (
        "数字经济",
        "信息技术",
        &["大数据中心项目", "数字产业园项目"],
    ),
    ("清洁能源", "新能源", &["风电装备制造项目", "光伏发电项目"]),
    (
        "装备制造",
        "重工机械",
        &["高端装备制造基地", "精密机械加工项目"],
    ),
    ("金融服务", "投资管理", &["产业投资基金", "金融服务中心"]),
];

const BRANDS: &[&str] = &[
    "恒泰", "华信", "中科", "远航", "鼎盛", "瑞丰", "海创", "东方", "天成", "博远", "宏图", "嘉禾",
    "金桥", "卓越", "新源", "同创",
];

const PROBLEMS: &[(&str, &str)] = &[
    ("land", "用地指标尚未落实"),
    ("planning", "规划调整审批进度滞后"),
    ("funding", "项目资金到位不及预期"),
    ("permits", "施工许可手续办理中"),
    ("expropriation", "征收补偿协议未全部签订"),
    ("land_supply", "土地供应计划需调整"),
    ("agreement", "合作协议条款需重新协商"),
    ("other", "配套基础设施建设滞后"),
];

/// What one chunk of projects produced.
#[derive(Default)]
pub struct Chunk {
    pub projects: Vec<BulkProject>,
    pub stage_changes: Vec<BulkStageChange>,
    pub reports: Vec<BulkReport>,
    pub problems: Vec<BulkProblem>,
    pub schedules: Vec<BulkSchedule>,
    pub steps: Vec<BulkStep>,
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

pub fn iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn stamp(d: NaiveDate, secs: u32) -> String {
    format!(
        "{}T{:02}:{:02}:{:02}.000000Z",
        iso(d),
        1 + secs / 3600 % 12,
        secs / 60 % 60,
        secs % 60
    )
}

fn last_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .map(|d| d - Duration::days(1))
        .unwrap_or_default()
}

/// A template and, per project start day, the planned (start, due) of each step.
struct TemplatePlans {
    template: Template,
    /// Pending-state JSON of each step, and the keys.
    keys: Vec<String>,
    plans: HashMap<NaiveDate, Vec<(NaiveDate, NaiveDate)>>,
}

pub struct Generator<'g> {
    pub seed: u64,
    geo: &'g Geo,
    partnerships: &'g [PartnershipPlan],
    templates: Vec<TemplatePlans>,
    calendar: WorkCalendar,
}

impl<'g> Generator<'g> {
    pub fn new(
        seed: u64,
        geo: &'g Geo,
        partnerships: &'g [PartnershipPlan],
        templates: Vec<Template>,
        calendar: WorkCalendar,
    ) -> Self {
        let templates = templates
            .into_iter()
            .map(|template| TemplatePlans {
                keys: template.steps().map(|s| s.key.clone()).collect(),
                template,
                plans: HashMap::new(),
            })
            .collect();
        Generator {
            seed,
            geo,
            partnerships,
            templates,
            calendar,
        }
    }

    /// Projects `first_id .. first_id + n`, drawn from the seed and the chunk number only.
    pub fn chunk(&mut self, chunk_no: u64, first_id: i64, n: usize) -> anyhow::Result<Chunk> {
        let mut rng = ChaCha8Rng::seed_from_u64(
            self.seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(chunk_no),
        );
        let mut out = Chunk::default();
        for i in 0..n {
            self.project(&mut rng, first_id + i as i64, &mut out)?;
        }
        Ok(out)
    }

    fn pick_place<'a>(
        &'a self,
        rng: &mut ChaCha8Rng,
        province: usize,
        city: Option<usize>,
    ) -> &'a Place {
        let p = &self.geo.provinces[province];
        let c = match city {
            Some(c) => &p.cities[c],
            None => &p.cities[rng.gen_range(0..p.cities.len())],
        };
        c.districts.choose(rng).unwrap_or(&c.place)
    }

    fn project(&mut self, rng: &mut ChaCha8Rng, id: i64, out: &mut Chunk) -> anyhow::Result<()> {
        let (start, end) = (start_day(), end_day());
        let span = (end - start).num_days() - 30;
        // Where.
        let (partnership, host, source) = if rng.gen_bool(0.03) {
            let hp = rng.gen_range(0..self.geo.provinces.len());
            let host = self.pick_place(rng, hp, None);
            (None, host, None)
        } else {
            let p = &self.partnerships[rng.gen_range(0..self.partnerships.len())];
            let host = self.pick_place(rng, p.sides.host_province, p.sides.host_city);
            let source = self.pick_place(rng, p.sides.source_province, p.sides.source_city);
            (Some(p), host, Some(source))
        };
        // What.
        let total: u32 = CATEGORIES.iter().map(|c| c.1).sum();
        let mut roll = rng.gen_range(0..total);
        let mut category = "other";
        for &(c, w) in CATEGORIES {
            if roll < w {
                category = c;
                break;
            }
            roll -= w;
        }
        let (industry, word, endings) = INDUSTRIES[rng.gen_range(0..INDUSTRIES.len())];
        let brand = BRANDS[rng.gen_range(0..BRANDS.len())];
        let ending = endings[rng.gen_range(0..endings.len())];
        let host_short: String = host.name.chars().take(2).collect();
        let name = format!("{host_short}{brand}{ending}（{id}）");
        let investor = source.map(|s| {
            let city: String = s.name.chars().take(2).collect();
            format!("{city}{brand}{word}有限公司")
        });
        // Money: log-normal around 3亿, whole 万元.
        let planned = if category == "investment" || rng.gen_bool(0.5) {
            let yuan = ((3.0e8f64).ln() + 1.3 * normal(rng))
                .exp()
                .clamp(1.0e6, 5.0e11);
            Some((yuan / 1.0e4).round() as i64 * 10_000)
        } else {
            None
        };
        let currency = if rng.gen_bool(0.01) { "USD" } else { "CNY" };
        // History: lead (or negotiating) on a day within the ten years, then onwards.
        let created = start + Duration::days(rng.gen_range(0..span));
        let mut day = created;
        let mut rank = usize::from(rng.gen_bool(0.3));
        let mut history: Vec<(usize, NaiveDate)> = vec![(rank, day)];
        let mut landed_on = None;
        if rank >= 3 {
            landed_on = Some(day);
        }
        while rank + 1 < MAIN.len() && rng.gen_bool(MAIN[rank].2) {
            let gap = 1 + (MAIN[rank].1 * -(1.0 - rng.gen::<f64>()).ln()) as i64;
            let next_day = day + Duration::days(gap);
            if next_day > end {
                break;
            }
            // One in twenty moves skips a stage.
            let step = if rank + 2 < MAIN.len() && rng.gen_bool(0.05) {
                2
            } else {
                1
            };
            rank += step;
            day = next_day;
            history.push((rank, day));
            if rank >= 3 && landed_on.is_none() {
                landed_on = Some(day);
            }
        }
        let held = MAIN[rank].0;
        // Side states at the end for some.
        let mut side: Option<(&'static str, NaiveDate)> = None;
        let left = (end - day).num_days();
        if left > 2 && rank < 6 {
            let r = rng.gen_range(0..100);
            let when = day + Duration::days(rng.gen_range(1..left.min(400)));
            if r < 4 {
                side = Some(("suspended", when));
            } else if r < 7 {
                side = Some(("terminated", when));
            }
        }
        let mut stage_since = day;
        let stage = match side {
            Some((s, d)) => {
                stage_since = d;
                s
            }
            None => held,
        };
        // Stage spans.
        let recorded = |d: NaiveDate, k: u32| stamp(d, (id as u32).wrapping_mul(7919) % 40_000 + k);
        let mut spans: Vec<(
            Option<&'static str>,
            &'static str,
            Option<&'static str>,
            NaiveDate,
        )> = Vec::new();
        let mut prev: Option<usize> = None;
        for &(r, d) in &history {
            let kind = prev.map(|p| if r == p + 1 { "forward" } else { "skip" });
            spans.push((prev.map(|p| MAIN[p].0), MAIN[r].0, kind, d));
            prev = Some(r);
        }
        if let Some((s, d)) = side {
            let kind = if s == "suspended" {
                "suspend"
            } else {
                "terminate"
            };
            spans.push((Some(held), s, Some(kind), d));
        }
        for (k, (from, to, kind, d)) in spans.iter().enumerate() {
            out.stage_changes.push(BulkStageChange {
                project_id: id,
                from_stage: *from,
                to_stage: to,
                kind: *kind,
                effective_date: iso(*d),
                until_date: spans.get(k + 1).map(|n| iso(n.3)),
                recorded_at: recorded(*d, k as u32),
                actor: ACTOR.into(),
            });
        }
        let signed = rank >= 2;
        let agreement = match planned {
            Some(p) if signed && rng.gen_bool(0.8) => {
                Some(((p as f64) * rng.gen_range(0.6..1.2) / 1.0e4).round() as i64 * 10_000)
            }
            _ => None,
        };
        let planned_start = landed_on.map(|d| iso(d + Duration::days(rng.gen_range(30..200))));
        let planned_production =
            landed_on.map(|d| iso(d + Duration::days(rng.gen_range(400..1200))));
        out.projects.push(BulkProject {
            id,
            code: None,
            name,
            partnership_id: partnership.map(|p| p.row.id),
            partnership_path: partnership.map(|p| p.row.path.clone()).unwrap_or_default(),
            source_region_code: source.map(|s| s.code.clone()),
            source_region_path: source.map(|s| s.path.clone()).unwrap_or_default(),
            investor,
            host_region_code: host.code.clone(),
            host_region_path: host.path.clone(),
            category,
            industry: Some(industry.to_owned()),
            stage,
            stage_since: iso(stage_since),
            held_stage: held,
            planned_start,
            planned_production,
            currency,
            planned_investment: planned,
            agreement_amount: agreement,
            leader: None,
            created_at: recorded(created, 0),
            updated_at: recorded(stage_since, spans.len() as u32),
            actor: ACTOR.into(),
        });
        // Monthly reports of the last twelve months, for projects landed by then.
        if let Some(landed) = landed_on {
            let from = end - Duration::days(365);
            let first = if landed > from { landed } else { from };
            let (mut y, mut m) = (first.year(), first.month());
            let mut invested = 0i64;
            let target = planned.unwrap_or(50_000_000);
            loop {
                let pe = last_of_month(y, m);
                if pe > end {
                    break;
                }
                let months_since = ((pe - landed).num_days() / 30).max(1);
                invested = invested.max(
                    (target as f64 * (months_since as f64 / 48.0).min(1.0)) as i64 / 10_000
                        * 10_000,
                );
                let output = (rank >= 6).then(|| invested / 3 / 10_000 * 10_000);
                out.reports.push(BulkReport {
                    project_id: id,
                    period: format!("{y:04}-{m:02}"),
                    period_end: iso(pe),
                    invested_to_date: (category != "trade").then_some(invested),
                    funds_in_place: (category == "investment")
                        .then_some(invested / 10 * 9 / 10_000 * 10_000),
                    trade_volume: (category == "trade").then_some(invested),
                    output_value: output,
                    created_at: stamp(pe + Duration::days(5), (id % 3600) as u32),
                    actor: ACTOR.into(),
                });
                if m == 12 {
                    y += 1;
                    m = 1;
                } else {
                    m += 1;
                }
            }
            // A report touches its project, as the store does: the last one is its last update.
            if let (Some(r), Some(p)) = (out.reports.last(), out.projects.last_mut()) {
                if r.project_id == id && r.created_at > p.updated_at {
                    p.updated_at = r.created_at.clone();
                }
            }
            // Problems of landed projects.
            let n_problems = match rng.gen_range(0..10) {
                0..=5 => 0,
                6..=8 => 1,
                _ => 2,
            };
            for _ in 0..n_problems {
                let (cat, text) = PROBLEMS[rng.gen_range(0..PROBLEMS.len())];
                let raised =
                    landed + Duration::days(rng.gen_range(0..((end - landed).num_days().max(1))));
                let due = raised + Duration::days(rng.gen_range(30..120));
                let resolved = rng.gen_bool(0.6) && due < end;
                out.problems.push(BulkProblem {
                    project_id: id,
                    category: cat,
                    description: text.to_owned(),
                    due_date: Some(iso(due)),
                    status: if resolved {
                        "resolved"
                    } else if rng.gen_bool(0.5) {
                        "in_progress"
                    } else {
                        "open"
                    },
                    resolution: resolved.then(|| "已协调解决".to_owned()),
                    resolved_on: resolved.then(|| iso(due - Duration::days(3))),
                    created_at: stamp(raised, 36_000),
                    actor: ACTOR.into(),
                });
            }
            // Approval steps for projects that landed in the last three years.
            if landed > end - Duration::days(3 * 365) {
                let t = if rng.gen_range(0..100) < 87 { 0 } else { 1 };
                self.steps(t.min(self.templates.len() - 1), id, landed, out);
            }
        }
        Ok(())
    }

    fn steps(&mut self, t: usize, id: i64, start: NaiveDate, out: &mut Chunk) {
        let end = end_day();
        let calendar = &self.calendar;
        let tp = &mut self.templates[t];
        let dates = tp.plans.entry(start).or_insert_with(|| {
            let schedule = plan(&tp.template, start, &[], calendar, end);
            tp.keys
                .iter()
                .map(|k| {
                    schedule
                        .steps
                        .iter()
                        .find(|s| &s.key == k)
                        .map(|s| (s.planned_start, s.planned_due))
                        .unwrap_or((start, start))
                })
                .collect()
        });
        let created = stamp(start, 30_000);
        out.schedules.push(BulkSchedule {
            project_id: id,
            template_key: tp.template.key.clone(),
            template_version: i64::from(tp.template.version),
            start_date: iso(start),
            created_at: created.clone(),
        });
        for (pos, (key, &(ps, pd))) in tp.keys.iter().zip(dates.iter()).enumerate() {
            let mut state = StepState::new(key.as_str());
            if pd < end {
                state.status = StepStatus::Done;
                state.actual_start = Some(ps);
                state.actual_finish = Some(pd);
            } else if ps <= end {
                state.status = StepStatus::InProgress;
                state.actual_start = Some(ps);
            }
            let json = serde_json::to_string(&state).unwrap_or_default();
            out.steps.push(BulkStep {
                project_id: id,
                step_key: key.clone(),
                position: pos as i64,
                status: state.status.code(),
                planned_start: Some(iso(ps)),
                planned_due: Some(iso(pd)),
                actual_finish: state.actual_finish.map(iso),
                state: json,
                updated_at: created.clone(),
            });
        }
    }
}
