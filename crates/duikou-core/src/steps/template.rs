//! Templates (流程模板): phases of steps, their JSON form, and the two shipped templates.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ValidationError;

/// Key of the shipped four-phase construction-approval template (社会投资一般项目).
pub const CONSTRUCTION_APPROVAL: &str = "construction_approval";
/// Key of the shipped start-of-construction checklist (开工前关键环节).
pub const START_OF_CONSTRUCTION: &str = "start_of_construction";
/// The largest time limit a step may have, in working days (about four years).
pub const MAX_LIMIT_DAYS: i32 = 1000;

const SHIPPED_JSON: [&str; 2] = [
    include_str!("../../data/templates/construction_approval.json"),
    include_str!("../../data/templates/start_of_construction.json"),
];

/// A reusable process: phases of steps. Identified by `(key, version)`; a project keeps the
/// version it was instantiated with, so editing a template means storing `version + 1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// A slug: lowercase letters, digits, `_` and `-`, starting with a letter.
    pub key: String,
    pub name: String,
    /// 1 for the first version.
    pub version: i32,
    #[serde(default)]
    pub description: String,
    pub phases: Vec<PhaseDef>,
}

/// A phase (阶段) of a template, e.g. 施工许可.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhaseDef {
    /// A slug, unique within the template.
    pub key: String,
    pub name: String,
    pub steps: Vec<StepDef>,
}

/// A step (环节) of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    /// A slug, unique within the whole template (dependencies name it).
    pub key: String,
    pub name: String,
    /// The owner unit or department (牵头部门), e.g. 住房和城乡建设局.
    pub owner: String,
    /// 法定时限, working days, `1..=MAX_LIMIT_DAYS`.
    pub statutory_days: i32,
    /// 承诺时限, working days, `1..=statutory_days`. Plans use this limit.
    pub committed_days: i32,
    /// Keys of the steps that must finish first.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Steps sharing a group start together (并联审批); they may not depend on each other.
    #[serde(default)]
    pub parallel_group: Option<String>,
    /// Whether 容缺受理 is allowed.
    #[serde(default)]
    pub allow_deficiency: bool,
    /// Whether 告知承诺 is allowed.
    #[serde(default)]
    pub allow_commitment: bool,
}

impl Template {
    /// The two shipped templates: [`CONSTRUCTION_APPROVAL`] and [`START_OF_CONSTRUCTION`].
    pub fn shipped() -> Vec<Template> {
        SHIPPED_JSON
            .iter()
            .map(|json| {
                Template::from_json(json).expect("the shipped templates are valid (tested)")
            })
            .collect()
    }

    /// Reads and validates a template. Errors name the field: a JSON syntax error its line
    /// and column (field `json`); a wrong or missing field its path, e.g.
    /// `phases[1].steps[2]` with serde's message; a rule of [`Template::validate`] its field.
    pub fn from_json(text: &str) -> Result<Template, ValidationError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            ValidationError::one(
                "json",
                "json_syntax",
                format!("JSON格式错误（第{}行第{}列）：{e}", e.line(), e.column()),
            )
        })?;
        let template = decode(&value)?;
        template.validate()?;
        Ok(template)
    }

    /// The template as pretty-printed JSON, readable by [`Template::from_json`].
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a template always serialises")
    }

    /// Every step, phase by phase, in template order.
    pub fn steps(&self) -> impl Iterator<Item = &StepDef> + '_ {
        self.phases.iter().flat_map(|p| p.steps.iter())
    }

    /// The step with this key.
    pub fn step(&self, key: &str) -> Option<&StepDef> {
        self.steps().find(|s| s.key == key)
    }

    /// The phase holding the step with this key.
    pub fn phase_of(&self, key: &str) -> Option<&PhaseDef> {
        self.phases
            .iter()
            .find(|p| p.steps.iter().any(|s| s.key == key))
    }

    /// The number of steps.
    pub fn step_count(&self) -> usize {
        self.phases.iter().map(|p| p.steps.len()).sum()
    }
}

/// Deserialises a parsed template, locating the first bad phase or step.
fn decode(value: &Value) -> Result<Template, ValidationError> {
    let whole = match Template::deserialize(value) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    let phases = value.get("phases").and_then(Value::as_array);
    for (i, phase) in phases.into_iter().flatten().enumerate() {
        let steps = phase.get("steps").and_then(Value::as_array);
        for (j, step) in steps.into_iter().flatten().enumerate() {
            if let Err(e) = StepDef::deserialize(step) {
                let key = step.get("key").and_then(Value::as_str).unwrap_or("");
                return Err(ValidationError::one(
                    format!("phases[{i}].steps[{j}]"),
                    "json_field",
                    format!("第{}阶段第{}个环节（{key}）格式错误：{e}", i + 1, j + 1),
                ));
            }
        }
        if let Err(e) = PhaseDef::deserialize(without(phase, "steps")) {
            return Err(ValidationError::one(
                format!("phases[{i}]"),
                "json_field",
                format!("第{}个阶段格式错误：{e}", i + 1),
            ));
        }
    }
    Err(ValidationError::one(
        "json",
        "json_field",
        format!("模板格式错误：{whole}"),
    ))
}

/// A copy of a JSON object with `field` emptied (an empty array), to check the rest alone.
fn without(value: &Value, field: &str) -> Value {
    let mut copy = value.clone();
    if let Some(obj) = copy.as_object_mut() {
        if obj.contains_key(field) {
            obj.insert(field.to_owned(), Value::Array(Vec::new()));
        }
    }
    copy
}
