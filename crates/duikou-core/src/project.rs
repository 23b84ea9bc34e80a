//! Projects (合作项目 / 重大项目) of the major-project library.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Errors, ValidationError};
use crate::money::{Currency, Money};
use crate::project_code::ProjectCode;
use crate::stage::{Stage, TransitionKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Investment,
    Trade,
    Technology,
    Finance,
    Consulting,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Investment,
        Category::Trade,
        Category::Technology,
        Category::Finance,
        Category::Consulting,
        Category::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Category::Investment => "investment",
            Category::Trade => "trade",
            Category::Technology => "technology",
            Category::Finance => "finance",
            Category::Consulting => "consulting",
            Category::Other => "other",
        }
    }
    pub fn parse(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Category::Investment => "投资类",
            Category::Trade => "贸易类",
            Category::Technology => "技术合作",
            Category::Finance => "融资合作",
            Category::Consulting => "管理咨询",
            Category::Other => "其他",
        }
    }
}

/// 建设性质: whether a project builds anew, continues work begun in an earlier year, or
/// rebuilds or extends what stands (the ledgers' 新建 / 续建 / 改扩建).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Construction {
    New,
    Continued,
    Expansion,
}

impl Construction {
    pub const ALL: [Construction; 3] = [
        Construction::New,
        Construction::Continued,
        Construction::Expansion,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Construction::New => "new",
            Construction::Continued => "continued",
            Construction::Expansion => "expansion",
        }
    }
    pub fn parse(code: &str) -> Option<Construction> {
        Construction::ALL.into_iter().find(|c| c.code() == code)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Construction::New => "新建",
            Construction::Continued => "续建",
            Construction::Expansion => "改扩建",
        }
    }
}

/// Every field a caller may set on a project (stage excepted: it moves by transitions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectFields {
    pub code: Option<ProjectCode>,
    /// Other identifiers (e.g. a provincial ledger number), by system name.
    pub external_ids: BTreeMap<String, String>,
    pub name: String,
    pub partnership_id: Option<i64>,
    pub source_region_code: Option<String>,
    pub source_org_id: Option<i64>,
    /// 投资方: the investing enterprise.
    pub investor: Option<String>,
    /// 落地地区/园区: a region code, possibly of a zone.
    pub host_region_code: String,
    pub owner_org_id: Option<i64>,
    pub category: Category,
    pub industry: Option<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_production: Option<NaiveDate>,
    pub currency: Currency,
    pub planned_investment: Option<Money>,
    pub agreement_amount: Option<Money>,
    pub leader: Option<String>,
    pub service_officer: Option<String>,
    pub task_force: Option<String>,
    pub land_area_mu: Option<f64>,
    pub address: Option<String>,
    pub note: Option<String>,
    /// True for records made by the demo or data generators.
    pub generated: bool,
    /// 建设性质, when known.
    #[serde(default)]
    pub construction: Option<Construction>,
}

impl ProjectFields {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut errs = Errors::new();
        crate::validate::name(&mut errs, "name", &self.name, crate::text::TextKind::Title);
        if crate::region::RegionCode::parse(&self.host_region_code).is_err() {
            errs.push("host_region_code", "region_code", "落地地区代码应为6位数字");
        }
        if let Some(c) = &self.source_region_code {
            if crate::region::RegionCode::parse(c).is_err() {
                errs.push("source_region_code", "region_code", "来源地代码应为6位数字");
            }
        }
        crate::validate::non_negative_money(
            &mut errs,
            "planned_investment",
            self.planned_investment,
        );
        crate::validate::non_negative_money(&mut errs, "agreement_amount", self.agreement_amount);
        if let Some(a) = self.land_area_mu {
            if !(a.is_finite() && a >= 0.0) {
                errs.push("land_area_mu", "range", "用地面积不能为负数");
            }
        }
        if let (Some(s), Some(p)) = (self.planned_start, self.planned_production) {
            if p < s {
                errs.push(
                    "planned_production",
                    "date_order",
                    "计划投产日期不能早于计划开工日期",
                );
            }
        }
        use crate::text::TextKind;
        for (field, value, kind) in [
            ("investor", &self.investor, TextKind::Title),
            ("industry", &self.industry, TextKind::Label),
            ("leader", &self.leader, TextKind::Name),
            ("service_officer", &self.service_officer, TextKind::Name),
            ("task_force", &self.task_force, TextKind::Title),
            ("address", &self.address, TextKind::Title),
            ("note", &self.note, TextKind::Text),
        ] {
            crate::validate::optional_text(&mut errs, field, value.as_deref(), kind);
        }
        for (key, value) in &self.external_ids {
            crate::text::push(
                &mut errs,
                &format!("external_ids.{key}"),
                value,
                TextKind::Label,
            );
            crate::text::push(&mut errs, "external_ids", key, TextKind::Label);
        }
        if self.external_ids.len() > 20 {
            errs.push("external_ids", "too_many", "其他编号不能超过20个");
        }
        errs.finish()
    }
}

/// A project as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    pub id: i64,
    #[serde(flatten)]
    pub fields: ProjectFields,
    pub stage: Stage,
    /// Effective date of the current stage.
    pub stage_since: NaiveDate,
    /// The main-line stage held before a suspension.
    pub held_stage: Stage,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// One recorded change of stage (the history from which "as of" statistics are computed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageChange {
    pub id: i64,
    pub project_id: i64,
    pub from_stage: Option<Stage>,
    pub to_stage: Stage,
    pub kind: Option<TransitionKind>,
    pub effective_date: NaiveDate,
    pub reason: Option<String>,
    pub overridden: bool,
    pub actor: String,
    pub recorded_at: DateTime<Utc>,
}

/// The day a new project is entered as holding its stage: not in the future.
pub fn check_entered_since(since: NaiveDate, today: NaiveDate) -> Result<(), ValidationError> {
    if since > today {
        return Err(ValidationError::one(
            "stage_since",
            "future_date",
            "阶段开始日期不能晚于今天",
        ));
    }
    Ok(())
}

/// The first check of a transition's date: not before the current stage began and not in
/// the future.
pub fn check_effective_date(
    effective: NaiveDate,
    current_since: NaiveDate,
    today: NaiveDate,
) -> Result<(), ValidationError> {
    if effective < current_since {
        return Err(ValidationError::one(
            "effective_date",
            "date_order",
            format!("生效日期不能早于当前阶段的开始日期 {current_since}"),
        ));
    }
    if effective > today {
        return Err(ValidationError::one(
            "effective_date",
            "future_date",
            "生效日期不能晚于今天",
        ));
    }
    Ok(())
}

/// A move to another stage, as a writer asks for it: the command behind `POST
/// .../transitions`, the page's 推进 form and `duikou` demo's history.
#[derive(Debug, Clone)]
pub struct TransitionInput {
    pub to: Stage,
    /// The day the move takes effect; today when not given.
    pub effective_date: Option<NaiveDate>,
    pub reason: Option<String>,
    /// Asks for an administrator's override of a rule (e.g. landing before signing).
    pub override_rules: bool,
}

/// What a checked move writes on the project and in its stage history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageMove {
    pub from: Stage,
    pub to: Stage,
    /// The main-line stage the project holds after the move (kept through a suspension).
    pub held: Stage,
    pub kind: TransitionKind,
    pub since: NaiveDate,
    pub reason: Option<String>,
    pub overridden: bool,
}

impl TransitionInput {
    /// The move this request makes of `project` on `today`, under the stage rules and the
    /// first rules of its date (not before the current stage began, not in the future).
    /// Whether the writer may override is the caller's to decide.
    pub fn apply(&self, project: &Project, today: NaiveDate) -> Result<StageMove, ValidationError> {
        let kind = crate::stage::check_transition(&crate::stage::TransitionRequest {
            from: project.stage,
            held_before: project.held_stage,
            to: self.to,
            reason: self.reason.as_deref(),
            override_rules: self.override_rules,
        })?;
        let since = self.effective_date.unwrap_or(today);
        check_effective_date(since, project.stage_since, today)?;
        Ok(StageMove {
            from: project.stage,
            to: self.to,
            held: if self.to.is_main_line() {
                self.to
            } else {
                project.held_stage
            },
            kind,
            since,
            reason: self.reason.as_deref().map(str::trim).map(str::to_owned),
            overridden: self.override_rules,
        })
    }
}
