//! Problems (问题 / 堵点) that hold a project up, each with an owner and a due date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Errors, FieldError, ValidationError};
use crate::input::{Input, Reader};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCategory {
    Agreement,
    Planning,
    Land,
    Expropriation,
    Relocation,
    LandSupply,
    Funding,
    Permits,
    Other,
}

impl ProblemCategory {
    pub fn label_zh(self) -> &'static str {
        match self {
            ProblemCategory::Agreement => "协议",
            ProblemCategory::Planning => "规划",
            ProblemCategory::Land => "土地",
            ProblemCategory::Expropriation => "征收",
            ProblemCategory::Relocation => "动迁",
            ProblemCategory::LandSupply => "供地",
            ProblemCategory::Funding => "资金",
            ProblemCategory::Permits => "审批手续",
            ProblemCategory::Other => "其他",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemStatus {
    Open,
    InProgress,
    Resolved,
}

fn open() -> ProblemStatus {
    ProblemStatus::Open
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProblemFields {
    pub category: ProblemCategory,
    pub description: String,
    pub owner_org_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::dates::sane_opt")]
    pub due_date: Option<NaiveDate>,
    #[serde(default = "open")]
    pub status: ProblemStatus,
    pub resolution: Option<String>,
    #[serde(default, deserialize_with = "crate::dates::sane_opt")]
    pub resolved_on: Option<NaiveDate>,
    /// 推进情况: the latest note of what was done (each earlier one is in the history).
    #[serde(default)]
    pub progress: Option<String>,
}

impl ProblemFields {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut errs = Errors::new();
        crate::validate::name(
            &mut errs,
            "description",
            &self.description,
            crate::text::TextKind::Text,
        );
        crate::validate::optional_text(
            &mut errs,
            "progress",
            self.progress.as_deref(),
            crate::text::TextKind::Text,
        );
        crate::validate::optional_text(
            &mut errs,
            "resolution",
            self.resolution.as_deref(),
            crate::text::TextKind::Text,
        );
        if self.status == ProblemStatus::Resolved
            && self
                .resolution
                .as_deref()
                .map(str::trim)
                .unwrap_or("")
                .is_empty()
        {
            errs.push("resolution", "required", "问题解决时须填写解决情况");
        }
        if self.status != ProblemStatus::Resolved && self.resolved_on.is_some() {
            errs.push("resolved_on", "inconsistent", "未解决的问题不能有解决日期");
        }
        errs.finish()
    }
}

/// The fields a problem's form or command line gives: category, description, owner, due.
pub const INPUT_FIELDS: [&str; 4] = ["category", "description", "owner_org_id", "due_date"];

impl ProblemFields {
    /// A problem as typed ([`INPUT_FIELDS`]): a new one when `before` is `None`, else
    /// `before` corrected (its status, progress and resolution stay; actions change those).
    /// Every bad field is named.
    pub fn from_input(
        input: &Input,
        before: Option<&ProblemFields>,
    ) -> Result<ProblemFields, Vec<FieldError>> {
        let mut r = Reader::new(input);
        let category = match input.get("category") {
            "" => {
                r.required("category");
                None
            }
            code => serde_json::from_value::<ProblemCategory>(serde_json::Value::from(code))
                .map_err(|_| {
                    let e = FieldError::new("category", "choice", "请从列表中选择");
                    r.errs.push(e);
                })
                .ok(),
        };
        let owner_org_id = match input.get("owner_org_id") {
            "" => None,
            v => v
                .parse::<i64>()
                .map_err(|_| {
                    r.errs
                        .push(FieldError::new("owner_org_id", "number", "请输入数字"));
                })
                .ok(),
        };
        let due_date = r.date("due_date");
        let fields = category.map(|category| {
            let base = before.cloned().unwrap_or(ProblemFields {
                category,
                description: String::new(),
                owner_org_id: None,
                due_date: None,
                status: ProblemStatus::Open,
                resolution: None,
                resolved_on: None,
                progress: None,
            });
            ProblemFields {
                category,
                description: input.get("description").to_owned(),
                owner_org_id,
                due_date,
                ..base
            }
        });
        if let Some(Err(e)) = fields.as_ref().map(ProblemFields::validate) {
            for e in e.0 {
                if !r.errs.iter().any(|x| x.field == e.field) {
                    r.errs.push(e);
                }
            }
        }
        r.finish(fields)
    }
}

/// What a problem's owner does with it besides correcting its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ProblemAction {
    /// 推进: a note of what was done; an open problem becomes 推进中.
    Progress { note: String },
    /// 解决 (销号): how it was solved, and the day (today unless given; never later).
    Resolve {
        resolution: String,
        #[serde(default, deserialize_with = "crate::dates::sane_opt")]
        resolved_on: Option<NaiveDate>,
    },
    /// 重新打开: a solved problem comes back, saying why.
    Reopen { reason: String },
}

impl ProblemAction {
    /// The action's name (in the change log and the address).
    pub fn code(&self) -> &'static str {
        match self {
            ProblemAction::Progress { .. } => "progress",
            ProblemAction::Resolve { .. } => "resolve",
            ProblemAction::Reopen { .. } => "reopen",
        }
    }

    /// The fields the action named `name` reads.
    pub fn fields(name: &str) -> &'static [&'static str] {
        match name {
            "progress" => &["note"],
            "resolve" => &["resolution", "resolved_on"],
            "reopen" => &["reason"],
            _ => &[],
        }
    }

    /// The actions a problem in `status` offers.
    pub fn offered(status: ProblemStatus) -> &'static [&'static str] {
        match status {
            ProblemStatus::Resolved => &["reopen"],
            _ => &["progress", "resolve"],
        }
    }

    /// Parses the action named `name` from a form's or the command line's fields, naming
    /// every bad or missing field.
    pub fn parse(name: &str, input: &Input) -> Result<ProblemAction, Vec<FieldError>> {
        let mut r = Reader::new(input);
        let action = match name {
            "progress" => r
                .required_text("note")
                .map(|note| ProblemAction::Progress { note }),
            "resolve" => {
                let resolved_on = r.date("resolved_on");
                r.required_text("resolution")
                    .map(|resolution| ProblemAction::Resolve {
                        resolution,
                        resolved_on,
                    })
            }
            "reopen" => r
                .required_text("reason")
                .map(|reason| ProblemAction::Reopen { reason }),
            _ => {
                let e = FieldError::new("action", "choice", format!("未知的问题操作「{name}」"));
                r.errs.push(e);
                None
            }
        };
        r.finish(action)
    }

    /// The problem's fields after the action on `today`, or every reason it cannot be taken.
    pub fn apply(
        &self,
        before: &ProblemFields,
        today: NaiveDate,
    ) -> Result<ProblemFields, ValidationError> {
        let mut errs = Errors::new();
        let mut after = before.clone();
        let resolved = before.status == ProblemStatus::Resolved;
        match self {
            ProblemAction::Progress { note } => {
                if resolved {
                    errs.push("status", "resolved", "问题已解决；如需继续推进请先重新打开");
                }
                if note.trim().is_empty() {
                    errs.push("note", "required", "请填写推进情况");
                }
                after.status = ProblemStatus::InProgress;
                after.progress = Some(note.trim().to_owned());
            }
            ProblemAction::Resolve {
                resolution,
                resolved_on,
            } => {
                if resolved {
                    errs.push("status", "resolved", "问题已解决");
                }
                let on = resolved_on.unwrap_or(today);
                if on > today {
                    errs.push("resolved_on", "future", "解决日期不能晚于今天");
                }
                after.status = ProblemStatus::Resolved;
                after.resolution = Some(resolution.trim().to_owned());
                after.resolved_on = Some(on);
            }
            ProblemAction::Reopen { reason } => {
                if !resolved {
                    errs.push("status", "not_resolved", "只有已解决的问题可以重新打开");
                }
                if reason.trim().is_empty() {
                    errs.push("reason", "required", "请说明重新打开的原因");
                }
                after.status = ProblemStatus::InProgress;
                after.resolution = None;
                after.resolved_on = None;
                after.progress = Some(format!("重新打开：{}", reason.trim()));
            }
        }
        if let Err(e) = after.validate() {
            errs.extend(e);
        }
        errs.finish()?;
        Ok(after)
    }
}

/// A stored problem: its fields and its identity (a flat JSON object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub id: i64,
    pub project_id: i64,
    #[serde(flatten)]
    pub fields: ProblemFields,
    pub version: i64,
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Problem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use crate::openapi::{flattened, int64};
        flattened(
            <ProblemFields as utoipa::PartialSchema>::schema(),
            vec![
                ("id", int64()),
                ("project_id", int64()),
                ("version", int64()),
            ],
        )
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Problem {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <ProblemFields as utoipa::ToSchema>::schemas(schemas);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_problem() -> ProblemFields {
        ProblemFields {
            category: ProblemCategory::Land,
            description: "用地指标未落实".into(),
            owner_org_id: Some(3),
            due_date: None,
            status: ProblemStatus::Open,
            resolution: None,
            resolved_on: None,
            progress: None,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).expect("date")
    }

    #[test]
    fn a_problem_goes_from_open_through_progress_to_resolved_and_back() {
        let note = ProblemAction::Progress {
            note: " 已协调自然资源局 ".into(),
        };
        let p = note.apply(&open_problem(), day(5)).unwrap();
        assert_eq!(p.status, ProblemStatus::InProgress);
        assert_eq!(p.progress.as_deref(), Some("已协调自然资源局"));
        let resolve = ProblemAction::Resolve {
            resolution: "指标已下达".into(),
            resolved_on: None,
        };
        let p = resolve.apply(&p, day(5)).unwrap();
        assert_eq!(
            (p.status, p.resolved_on),
            (ProblemStatus::Resolved, Some(day(5)))
        );
        let refused = note.apply(&p, day(6)).unwrap_err();
        assert_eq!(refused.0[0].field, "status");
        let reopen = ProblemAction::Reopen {
            reason: "指标被收回".into(),
        };
        let p = reopen.apply(&p, day(7)).unwrap();
        assert_eq!(
            (p.status, p.resolved_on, p.resolution.as_deref()),
            (ProblemStatus::InProgress, None, None)
        );
        assert_eq!(
            reopen.apply(&p, day(7)).unwrap_err().0[0].code,
            "not_resolved"
        );
    }

    #[test]
    fn a_resolution_needs_its_text_and_a_day_not_after_today() {
        let late = ProblemAction::Resolve {
            resolution: " ".into(),
            resolved_on: Some(day(9)),
        };
        let e = late.apply(&open_problem(), day(5)).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert!(fields.contains(&("resolved_on", "future")), "{fields:?}");
        assert!(fields.contains(&("resolution", "required")), "{fields:?}");
    }

    #[test]
    fn actions_parse_from_typed_fields_naming_each_missing_one() {
        let input = Input::from_pairs([("resolution", "已解决"), ("resolved_on", "2026-12-01")]);
        assert_eq!(
            ProblemAction::parse("resolve", &input),
            Ok(ProblemAction::Resolve {
                resolution: "已解决".into(),
                resolved_on: Some(day(1))
            })
        );
        let bad = Input::from_pairs([("resolved_on", "2026-13-01")]);
        let e = ProblemAction::parse("resolve", &bad).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["resolved_on", "resolution"]);
        assert_eq!(
            ProblemAction::parse("close", &Input::default()).unwrap_err()[0].field,
            "action"
        );
    }
}
