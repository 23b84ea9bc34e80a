//! Steps of the demo's landed and started projects: an approval process under way for each,
//! in varied states — on time, late, accepted with deficiency (容缺受理), granted on commitment
//! (告知承诺), suspended for an expert review — so that the schedule and the warnings have
//! something real to show.

use anyhow::Result;
use chrono::{Duration, NaiveDate};
use duikou_core::steps::{
    Commitment, Deficiency, ScheduledStep, StepState, StepStatus, Suspension, SuspensionReason,
    CONSTRUCTION_APPROVAL,
};
use duikou_core::{Actor, Stage};
use duikou_store::{ProjectFilter, ProjectSort, Store};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// How many projects of each stage get a running approval process.
const PER_STAGE: i64 = 12;

/// Instantiates the construction-approval template on some landed and started projects and
/// plays their steps forward to `today`. Returns the number of projects with steps.
pub async fn create(
    store: &Store,
    actor: &Actor,
    rng: &mut ChaCha8Rng,
    today: NaiveDate,
) -> Result<usize> {
    let mut n = 0;
    for stage in [Stage::Landed, Stage::Started] {
        let filter = ProjectFilter {
            stage: Some(stage),
            ..ProjectFilter::default()
        };
        // The projects that entered the stage lately, latest first: their approval process
        // starts the day they did, so that no project long under way is still at its first
        // permits.
        let page = store
            .projects(&filter, ProjectSort::StageSince, true, PER_STAGE, 0)
            .await?;
        for project in page.items {
            if project.stage_since < today - Duration::days(200) {
                break;
            }
            let start = project.stage_since;
            store
                .as_system(&actor.name)
                .instantiate_steps(project.id, CONSTRUCTION_APPROVAL, None, start)
                .await?;
            play(store, actor, rng, project.id, today).await?;
            n += 1;
        }
    }
    Ok(n)
}

/// Records the steps that are due by now, in plan order: most on time, some late, some
/// accepted with deficiency or granted on commitment; then one step in progress.
async fn play(
    store: &Store,
    actor: &Actor,
    rng: &mut ChaCha8Rng,
    project_id: i64,
    today: NaiveDate,
) -> Result<()> {
    let calendar = store.calendar().await?;
    let template = store.template(CONSTRUCTION_APPROVAL, None).await?;
    let lagging = rng.gen_bool(0.3);
    let mut version = 1;
    loop {
        let schedule = store.schedule(project_id, &calendar, today).await?;
        let Some(next) = next_step(&schedule.steps) else {
            break;
        };
        let allows = template
            .step(&next.key)
            .map(|d| (d.allow_deficiency, d.allow_commitment))
            .unwrap_or_default();
        let Some(state) = advance(rng, next, today, lagging, allows) else {
            break;
        };
        let finished = state.actual_finish.is_some();
        let (_, v) = store
            .as_system(&actor.name)
            .update_step(project_id, Some(version), &state)
            .await?;
        version = v;
        if !finished {
            break;
        }
    }
    Ok(())
}

/// The first step not yet started whose dependencies are all finished.
fn next_step(steps: &[ScheduledStep]) -> Option<&ScheduledStep> {
    let finished = |k: &str| {
        steps
            .iter()
            .any(|s| s.key == k && s.actual_finish.is_some())
    };
    steps
        .iter()
        .filter(|s| s.actual_start.is_none() && s.depends_on.iter().all(|d| finished(d)))
        .min_by_key(|s| s.planned_start)
}

/// The next state of a step: finished (on time or a few days late) when its due date has
/// passed, otherwise started and left in progress.
fn advance(
    rng: &mut ChaCha8Rng,
    step: &ScheduledStep,
    today: NaiveDate,
    lagging: bool,
    (allow_deficiency, allow_commitment): (bool, bool),
) -> Option<StepState> {
    let start = step.planned_start;
    if start > today {
        return None;
    }
    let mut state = StepState::new(&step.key);
    state.actual_start = Some(start);
    let delay = if lagging {
        rng.gen_range(1..6)
    } else {
        rng.gen_range(-1..2)
    };
    let finish = step.planned_due + Duration::days(delay);
    if finish < today && finish >= start {
        state.status = StepStatus::Done;
        state.actual_finish = Some(finish);
        return Some(state);
    }
    state.status = StepStatus::InProgress;
    match rng.gen_range(0..6) {
        0 if allow_deficiency => {
            state.status = StepStatus::AcceptedWithDeficiency;
            state.deficiency = Some(Deficiency {
                missing_documents: vec!["环境影响评价批复文件".into(), "施工图审查合格书".into()],
                supply_days: 10,
                accepted_on: start,
                supplied_on: None,
            });
        }
        1 if allow_commitment => {
            state.status = StepStatus::GrantedOnCommitment;
            state.commitment = Some(Commitment {
                promised: "承诺在开工前补齐消防设计审查意见".into(),
                verify_days: 20,
                granted_on: start,
                verified_on: None,
            });
        }
        2 if start + Duration::days(1) <= today => {
            state.suspensions.push(Suspension {
                reason: SuspensionReason::ExpertReview,
                from: start + Duration::days(1),
                to: None,
                note: "组织专家评审".into(),
            });
        }
        _ => {}
    }
    Some(state)
}
