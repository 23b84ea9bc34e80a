//! The JSON body of a project: money may be given as an integer number of yuan or as the text
//! officials write ("239.5亿元", "1,200万元"); each bad value is reported under its field.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use duikou_core::error::Errors;
use duikou_core::money::{read_amount, Currency, Money, MoneyError, MoneyUnit};
use duikou_core::project::{Category, Construction, ProjectFields};
use duikou_core::project_code::ProjectCode;
use duikou_core::{Stage, ValidationError};
use serde::Deserialize;

/// Money as a number of yuan, or as text with its unit.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum MoneyInput {
    Yuan(i64),
    Text(String),
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectBody {
    /// 投资项目统一代码 (GB/T 40058-2021 or the 2017 form).
    pub code: Option<String>,
    #[serde(default)]
    pub external_ids: BTreeMap<String, String>,
    pub name: String,
    pub partnership_id: Option<i64>,
    pub source_region_code: Option<String>,
    pub source_org_id: Option<i64>,
    pub investor: Option<String>,
    pub host_region_code: String,
    pub owner_org_id: Option<i64>,
    pub category: Category,
    pub industry: Option<String>,
    #[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]
    pub planned_start: Option<NaiveDate>,
    #[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]
    pub planned_production: Option<NaiveDate>,
    /// CNY unless given, or unless the money text names another currency.
    pub currency: Option<Currency>,
    #[schema(value_type = Option<serde_json::Value>, example = "239.5亿元")]
    pub planned_investment: Option<MoneyInput>,
    #[schema(value_type = Option<serde_json::Value>, example = 1_200_000_000_i64)]
    pub agreement_amount: Option<MoneyInput>,
    pub leader: Option<String>,
    pub service_officer: Option<String>,
    pub task_force: Option<String>,
    pub land_area_mu: Option<f64>,
    pub address: Option<String>,
    pub note: Option<String>,
    #[serde(default)]
    pub generated: bool,
    /// 建设性质: new (新建), continued (续建) or expansion (改扩建).
    pub construction: Option<Construction>,
    /// On creation only: the stage the project is entered in (default `lead`).
    pub stage: Option<Stage>,
    /// On creation only: since when it holds that stage (default today).
    #[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]
    pub stage_since: Option<NaiveDate>,
}

/// Reads a money field: yuan as a number, or text (core's `read_amount`, which checks its
/// currency against the project's).
fn money(
    errs: &mut Errors,
    field: &str,
    value: &Option<MoneyInput>,
    currency: &mut Option<Currency>,
) -> Option<Money> {
    match value.as_ref()? {
        MoneyInput::Yuan(y) if *y < 0 => {
            errs.push(field, "negative", "金额不能为负数");
            None
        }
        MoneyInput::Yuan(y) => Some(Money::from_yuan(*y)),
        MoneyInput::Text(t) if t.trim().is_empty() => {
            errs.push(field, "money", MoneyError::Empty.to_string());
            None
        }
        MoneyInput::Text(t) => {
            read_amount(field, t, MoneyUnit::Yuan, currency).unwrap_or_else(|e| {
                errs.push(field, e.code, e.message);
                None
            })
        }
    }
}

impl ProjectBody {
    /// The fields of the project, with every bad value named.
    pub fn into_fields(
        self,
    ) -> Result<(ProjectFields, Option<Stage>, Option<NaiveDate>), ValidationError> {
        let mut errs = Errors::new();
        let code = match self
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => None,
            Some(c) => match ProjectCode::parse(c) {
                Ok(code) => Some(code),
                Err(e) => {
                    errs.push("code", "project_code", e.to_string());
                    None
                }
            },
        };
        let mut currency = self.currency;
        let planned_investment = money(
            &mut errs,
            "planned_investment",
            &self.planned_investment,
            &mut currency,
        );
        let agreement_amount = money(
            &mut errs,
            "agreement_amount",
            &self.agreement_amount,
            &mut currency,
        );
        let fields = ProjectFields {
            code,
            external_ids: self.external_ids,
            construction: self.construction,
            name: self.name,
            partnership_id: self.partnership_id,
            source_region_code: self.source_region_code,
            source_org_id: self.source_org_id,
            investor: self.investor,
            host_region_code: self.host_region_code,
            owner_org_id: self.owner_org_id,
            category: self.category,
            industry: self.industry,
            planned_start: self.planned_start,
            planned_production: self.planned_production,
            currency: currency.unwrap_or_default(),
            planned_investment,
            agreement_amount,
            leader: self.leader,
            service_officer: self.service_officer,
            task_force: self.task_force,
            land_area_mu: self.land_area_mu,
            address: self.address,
            note: self.note,
            generated: self.generated,
        };
        if let Err(e) = fields.validate() {
            errs.extend(e);
        }
        errs.finish()?;
        Ok((fields, self.stage, self.stage_since))
    }
}
