//! Screenshots of the main pages at 1366×768 and 1920×1080 for the user's guide. Run by hand:
//! `cargo test -p duikou-web --test web browser::screenshots -- --ignored`; they land in
//! `docs/screenshots/`.

use duikou_core::money::Money;
use duikou_core::problem::{ProblemCategory, ProblemFields, ProblemStatus};
use duikou_core::progress_report::{Period, ProgressReportFields};
use duikou_core::project::{Category, ProjectFields};
use duikou_core::Stage;
use duikou_store::{NewProject, TransitionInput};

use crate::browser::support::{browser_tools, seed, today, App, Browser, Seed, ONE_AT_A_TIME};

struct Demo {
    name: &'static str,
    region: &'static str,
    category: Category,
    stage: Stage,
    planned_wan: i64,
    agreement_wan: Option<i64>,
}

const DEMO: [Demo; 9] = [
    Demo {
        name: "浑南新材料产业园",
        region: "210112",
        category: Category::Investment,
        stage: Stage::Started,
        planned_wan: 250_000,
        agreement_wan: Some(250_000),
    },
    Demo {
        name: "京沈科技创新中心",
        region: "210112",
        category: Category::Technology,
        stage: Stage::Landed,
        planned_wan: 120_000,
        agreement_wan: Some(100_000),
    },
    Demo {
        name: "于洪智慧物流园",
        region: "210114",
        category: Category::Investment,
        stage: Stage::Signed,
        planned_wan: 85_000,
        agreement_wan: Some(85_000),
    },
    Demo {
        name: "沈阳航空零部件基地",
        region: "210114",
        category: Category::Investment,
        stage: Stage::Negotiating,
        planned_wan: 300_000,
        agreement_wan: None,
    },
    Demo {
        name: "浑南医疗器械产业项目",
        region: "210112",
        category: Category::Investment,
        stage: Stage::Operating,
        planned_wan: 60_000,
        agreement_wan: Some(60_000),
    },
    Demo {
        name: "大连港口贸易合作",
        region: "210200",
        category: Category::Trade,
        stage: Stage::Signed,
        planned_wan: 40_000,
        agreement_wan: Some(35_000),
    },
    Demo {
        name: "京沈产业基金",
        region: "210100",
        category: Category::Finance,
        stage: Stage::Landed,
        planned_wan: 200_000,
        agreement_wan: Some(200_000),
    },
    Demo {
        name: "沈阳数字政务咨询",
        region: "210100",
        category: Category::Consulting,
        stage: Stage::Lead,
        planned_wan: 3_000,
        agreement_wan: None,
    },
    Demo {
        name: "于洪冷链仓储项目",
        region: "210114",
        category: Category::Investment,
        stage: Stage::Suspended,
        planned_wan: 45_000,
        agreement_wan: Some(40_000),
    },
];

/// What the screenshots open: the first project, a red warning of a late step, a slip.
struct Shown {
    project: i64,
    warning: i64,
    slip: i64,
    /// A project with a stage change waiting for approval.
    requested: i64,
}

async fn demo_data(app: &App, s: &Seed) -> Shown {
    let access = duikou_core::auth::Access::system("screenshots");
    let scoped = app.store.scoped(&access);
    let mut first = 0;
    let mut second = 0;
    let mut third = 0;
    for (i, d) in DEMO.iter().enumerate() {
        let fields = ProjectFields {
            code: None,
            external_ids: Default::default(),
            name: d.name.into(),
            partnership_id: Some(s.partnership_id),
            source_region_code: Some("110105".into()),
            source_org_id: None,
            investor: Some("北京某集团有限公司".into()),
            host_region_code: d.region.into(),
            owner_org_id: Some(s.org_id),
            category: d.category,
            industry: Some("先进制造".into()),
            planned_start: chrono::NaiveDate::from_ymd_opt(2024, 9, 1),
            planned_production: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
            currency: Default::default(),
            planned_investment: Some(Money::from_yuan(d.planned_wan * 10_000)),
            agreement_amount: d.agreement_wan.map(|w| Money::from_yuan(w * 10_000)),
            leader: Some("赵副区长".into()),
            service_officer: Some("刘专员".into()),
            task_force: Some("浑南区重大项目专班".into()),
            land_area_mu: Some(320.0),
            address: Some("沈阳市浑南区创新路".into()),
            note: None,
            generated: false,
            construction: None,
        };
        let (stage, since) = match d.stage {
            Stage::Suspended => (Stage::Signed, today() - chrono::Duration::days(200)),
            other => (other, today() - chrono::Duration::days(10 * (i as i64 + 1))),
        };
        let p = scoped
            .create_project(&NewProject {
                fields,
                stage,
                stage_since: since,
            })
            .await
            .expect("project");
        if d.stage == Stage::Suspended {
            let t = TransitionInput {
                to: Stage::Suspended,
                effective_date: Some(today() - chrono::Duration::days(20)),
                reason: Some("企业融资未到位".into()),
                override_rules: false,
            };
            scoped.transition(p.id, None, &t).await.expect("suspend");
        }
        if i == 0 {
            first = p.id;
        }
        if i == 1 {
            second = p.id;
        }
        if i == 2 {
            third = p.id;
        }
    }
    // 于洪智慧物流园 asks to skip to 投产: it waits for the coordinator.
    let skip = TransitionInput {
        to: Stage::Operating,
        effective_date: None,
        reason: Some("一期已建成并投入运营".into()),
        override_rules: false,
    };
    scoped
        .request_stage_change(third, &skip)
        .await
        .expect("request");
    // The year's plan of the first project.
    let plan = duikou_core::warnings::AnnualPlan {
        year: 2024,
        amount_yuan: 80_000 * 10_000,
        curve: None,
    };
    scoped.set_annual_plan(first, &plan).await.expect("plan");
    for (period, invested, funds) in [
        ("2024-Q1", 30_000, 25_000),
        ("2024-04", 52_000, 40_000),
        ("2024-05", 76_000, 61_000),
    ] {
        let r = ProgressReportFields {
            period: Period::parse(period).expect("period"),
            invested_to_date: Some(Money::from_yuan(invested * 10_000)),
            funds_in_place: Some(Money::from_yuan(funds * 10_000)),
            trade_volume: None,
            output_value: None,
            note: Some("主体厂房建设按计划推进".into()),
            correction: None,
        };
        scoped
            .create_progress_report(first, &r)
            .await
            .expect("report");
    }
    let problem = ProblemFields {
        category: ProblemCategory::LandSupply,
        description: "二期用地指标尚未落实，需市自然资源局协调".into(),
        owner_org_id: Some(s.org_id),
        due_date: chrono::NaiveDate::from_ymd_opt(2024, 6, 15),
        status: ProblemStatus::Open,
        resolution: None,
        resolved_on: None,
        progress: None,
    };
    scoped
        .create_problem(first, &problem)
        .await
        .expect("problem");
    // A problem due in two days: a yellow warning on the second project.
    let soon = ProblemFields {
        category: ProblemCategory::Permits,
        description: "施工许可证核发材料待补正".into(),
        owner_org_id: Some(s.org_id),
        due_date: chrono::NaiveDate::from_ymd_opt(2024, 6, 30),
        status: ProblemStatus::Open,
        resolution: None,
        resolved_on: None,
        progress: None,
    };
    scoped.create_problem(second, &soon).await.expect("problem");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 6, 3).expect("date");
    scoped
        .instantiate_steps(first, "construction_approval", None, start)
        .await
        .expect("steps");
    // The first step has been running since the start: past its committed and statutory
    // limits (red warnings; the statutory one opens a slip).
    let state = duikou_core::steps::StepState {
        status: duikou_core::steps::StepStatus::InProgress,
        actual_start: Some(start),
        ..duikou_core::steps::StepState::new("project_filing")
    };
    scoped
        .update_step(first, None, &state)
        .await
        .expect("late step");
    let warnings = scoped
        .warnings(&duikou_store::WarningFilter::default(), 50, 0)
        .await
        .expect("warnings");
    let find = |rule: duikou_core::warnings::RuleId| {
        warnings
            .items
            .iter()
            .find(|w| w.rule == rule && w.project_id == first)
            .map(|w| w.id)
            .expect("warning")
    };
    let warning = find(duikou_core::warnings::RuleId::StepCommitted);
    let statutory = find(duikou_core::warnings::RuleId::StepStatutory);
    let slips = scoped
        .slips(&duikou_store::SlipFilter::default(), 50, 0)
        .await
        .expect("slips");
    let slip = slips
        .items
        .iter()
        .find(|sl| sl.warning_id == Some(statutory))
        .map(|sl| sl.id)
        .expect("a slip for the statutory warning");
    // The owner replies with a plan, the office accepts it, the first measure is done.
    use duikou_core::slip::{PlanItem, SlipAction};
    let d = |m: u32, day: u32| chrono::NaiveDate::from_ymd_opt(2024, m, day).expect("date");
    for action in [
        SlipAction::Reply {
            plan: vec![
                PlanItem {
                    action: "区发改局专人对接，补齐备案所需材料".into(),
                    due: d(6, 28),
                    done_on: None,
                },
                PlanItem {
                    action: "完成企业投资项目备案并办结".into(),
                    due: d(7, 5),
                    done_on: None,
                },
            ],
            note: "已召开专班会议研究".into(),
        },
        SlipAction::Accept {
            note: "同意，请按期办结".into(),
        },
        SlipAction::Progress {
            item: 0,
            done_on: d(6, 28),
            note: "材料已补齐".into(),
        },
    ] {
        scoped
            .act_on_slip(slip, None, &action)
            .await
            .expect("slip step");
    }
    let channel = duikou_core::notify::ChannelFields {
        org_id: Some(s.org_id),
        kind: duikou_core::notify::ChannelKind::Dingtalk,
        name: "浑南区项目办钉钉群".into(),
        target: "https://oapi.dingtalk.com/robot/send?access_token=demo".into(),
        secret: Some("SECdemo0123456789".into()),
        min_level: duikou_core::warnings::Level::Yellow,
        enabled: true,
    };
    scoped.create_channel(&channel).await.expect("channel");
    Shown {
        project: first,
        warning,
        slip,
        requested: third,
    }
}

fn out_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

#[tokio::test]
#[ignore = "writes docs/screenshots; run by hand"]
async fn screenshots() {
    let Some((chromium, driver)) = browser_tools("screenshots") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start().await;
    let s = seed(&app.store).await;
    let shown = demo_data(&app, &s).await;
    let id = shown.project;
    let b = Browser::start(&chromium, &driver).await;
    let dir = out_dir();
    for (w, h) in [(1366u32, 768u32), (1920, 1080)] {
        b.set_viewport(w, h).await;
        let shots: Vec<(String, String)> = vec![("login".into(), "/login".into())];
        for (name, path) in &shots {
            b.goto(&app.url(path)).await;
            let png = b.client.screenshot().await.expect("screenshot");
            std::fs::write(dir.join(format!("{name}-{w}x{h}.png")), png).expect("write");
        }
        b.login(&app, "editor").await;
        for (name, path) in [
            ("dashboard", "/".to_owned()),
            ("projects", "/projects".to_owned()),
            ("project", format!("/projects/{id}")),
            ("project-gantt", format!("/projects/{id}#steps")),
            ("project-new", "/projects/new".to_owned()),
            ("project-zh-Hant", format!("/projects/{id}?lang=zh-Hant")),
            ("projects-en", "/projects?lang=en".to_owned()),
            ("screen", "/dashboard/screen?lang=zh-Hans".to_owned()),
            ("tokens", "/me/tokens".to_owned()),
            ("warnings", "/warnings".to_owned()),
            ("warning", format!("/warnings/{}", shown.warning)),
            ("slips", "/slips".to_owned()),
            ("slip", format!("/slips/{}", shown.slip)),
            ("step", format!("/projects/{id}/steps/project_filing")),
            ("steps-board", "/steps".to_owned()),
            (
                "project-request",
                format!("/projects/{}#stage-request", shown.requested),
            ),
        ] {
            b.goto(&app.url(&path)).await;
            let png = b.client.screenshot().await.expect("screenshot");
            std::fs::write(dir.join(format!("{name}-{w}x{h}.png")), png).expect("write");
        }
        // The confirmation of a move back (nothing is kept: it is not confirmed).
        b.goto(&app.url(&format!("/projects/{id}"))).await;
        b.click("#transition-form-box summary").await;
        b.select("#tr-to", "landed").await;
        b.fill("#tr-reason", "施工许可被撤销，退回落地阶段").await;
        b.click_and_wait("#transition-form button[type=submit]")
            .await;
        let png = b.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("transition-confirm-{w}x{h}.png")), png).expect("write");
        b.goto(&app.url("/")).await;
        b.click_and_wait(".logout button").await;
        b.login(&app, "coordinator").await;
        b.goto(&app.url("/stage-requests")).await;
        let png = b.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("stage-requests-{w}x{h}.png")), png).expect("write");
        b.goto(&app.url("/")).await;
        b.click_and_wait(".logout button").await;
        b.login(&app, "admin").await;
        for (name, path) in [
            ("channels", "/admin/channels"),
            ("thresholds", "/admin/thresholds"),
            ("admin-users", "/admin/users"),
            ("admin-user", "/admin/users/editor"),
            ("admin-template", "/admin/templates/construction_approval"),
            ("admin-calendar", "/admin/calendar?year=2024"),
            ("admin-orgs", "/admin/orgs"),
            ("admin-audit", "/admin/audit"),
        ] {
            b.goto(&app.url(path)).await;
            let png = b.client.screenshot().await.expect("screenshot");
            std::fs::write(dir.join(format!("{name}-{w}x{h}.png")), png).expect("write");
        }
        b.goto(&app.url("/")).await;
        b.click_and_wait(".logout button").await;
    }
    b.stop().await;
}
