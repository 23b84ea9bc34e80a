//! Catalog labels of the domain's enums (stages, categories, problem kinds and states).

use duikou_core::notify::ChannelKind;
use duikou_core::problem::{ProblemCategory, ProblemStatus};
use duikou_core::project::{Category, Construction};
use duikou_core::slip::SlipStatus;
use duikou_core::warnings::{Level, RuleId};
use duikou_core::Stage;
use duikou_store::WarningStatus;

use crate::shared::i18n::Lang;

pub fn stage(lang: Lang, s: Stage) -> &'static str {
    lang.t(&format!("stage.{}", s.code()))
}

pub fn category(lang: Lang, c: Category) -> &'static str {
    lang.t(&format!("category.{}", c.code()))
}

pub fn construction(lang: Lang, c: Construction) -> &'static str {
    lang.t(&format!("construction.{}", c.code()))
}

pub const PROBLEM_CATEGORIES: [ProblemCategory; 9] = [
    ProblemCategory::Agreement,
    ProblemCategory::Planning,
    ProblemCategory::Land,
    ProblemCategory::Expropriation,
    ProblemCategory::Relocation,
    ProblemCategory::LandSupply,
    ProblemCategory::Funding,
    ProblemCategory::Permits,
    ProblemCategory::Other,
];

/// The code name of a problem category, as in the API (`land_supply` …).
pub fn problem_category_code(c: ProblemCategory) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub fn problem_category(lang: Lang, c: ProblemCategory) -> &'static str {
    lang.t(&format!("problem.cat.{}", problem_category_code(c)))
}

pub fn problem_status(lang: Lang, s: ProblemStatus) -> &'static str {
    lang.t(match s {
        ProblemStatus::Open => "problem.status.open",
        ProblemStatus::InProgress => "problem.status.in_progress",
        ProblemStatus::Resolved => "problem.status.resolved",
    })
}

/// The status's code, for a style (`status-open`, `status-resolved`).
pub fn problem_status_code(s: ProblemStatus) -> &'static str {
    match s {
        ProblemStatus::Open => "open",
        ProblemStatus::InProgress => "in_progress",
        ProblemStatus::Resolved => "resolved",
    }
}

/// Every problem category as a choice of a select.
pub fn problem_category_choices(lang: Lang) -> Vec<crate::shared::refs::Choice> {
    PROBLEM_CATEGORIES
        .into_iter()
        .map(|c| crate::shared::refs::Choice {
            value: problem_category_code(c),
            label: problem_category(lang, c).to_owned(),
        })
        .collect()
}

/// A warning level with its icon: ▲ 黄色预警, ● 红色预警 (it reads without colour).
pub fn level(lang: Lang, l: Level) -> &'static str {
    lang.t(match l {
        Level::Yellow => "warn.yellow",
        Level::Red => "warn.red",
    })
}

/// The rule that fired (触发规则).
pub fn rule(lang: Lang, r: RuleId) -> &'static str {
    lang.t(&format!("rule.{}", r.code()))
}

pub fn warning_status(lang: Lang, s: WarningStatus) -> &'static str {
    lang.t(&format!("wstatus.{}", s.code()))
}

/// An entry of a warning's history (raised, escalated, acknowledged …).
pub fn warning_event(lang: Lang, action: &str) -> String {
    lang.t_opt(&format!("wevent.{action}"))
        .map(str::to_owned)
        .unwrap_or_else(|| action.to_owned())
}

pub fn slip_status(lang: Lang, s: SlipStatus) -> &'static str {
    lang.t(&format!("slip.status.{}", s.code()))
}

/// An entry of a slip's history (issue, reply, accept …).
pub fn slip_event(lang: Lang, action: &str) -> String {
    lang.t_opt(&format!("slip.event.{action}"))
        .map(str::to_owned)
        .unwrap_or_else(|| action.to_owned())
}

pub fn channel_kind(lang: Lang, k: ChannelKind) -> &'static str {
    lang.t(&format!("channel.kind.{}", k.code()))
}

/// A kind of stage move (跨阶段推进, 阶段回退 …).
pub fn move_kind(lang: Lang, k: duikou_core::stage::TransitionKind) -> &'static str {
    let code = serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    lang.t(&format!("move.{code}"))
}

/// The state of a stage-change request (待审批, 已批准 …).
pub fn request_status(lang: Lang, s: duikou_core::stage_request::RequestStatus) -> &'static str {
    lang.t(&format!("request.status.{}", s.code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_category_and_problem_kind_has_a_label_in_every_language() {
        for lang in Lang::ALL {
            for s in Stage::ALL {
                assert!(
                    lang.t_opt(&format!("stage.{}", s.code())).is_some(),
                    "{s:?}"
                );
            }
            for c in Category::ALL {
                assert!(
                    lang.t_opt(&format!("category.{}", c.code())).is_some(),
                    "{c:?}"
                );
            }
            for c in PROBLEM_CATEGORIES {
                let key = format!("problem.cat.{}", problem_category_code(c));
                assert!(lang.t_opt(&key).is_some(), "{key}");
            }
        }
        for lang in Lang::ALL {
            for r in RuleId::ALL {
                let key = format!("rule.{}", r.code());
                assert!(lang.t_opt(&key).is_some(), "{key}");
            }
            for s in WarningStatus::ALL {
                let key = format!("wstatus.{}", s.code());
                assert!(lang.t_opt(&key).is_some(), "{key}");
            }
            for s in SlipStatus::ALL {
                let key = format!("slip.status.{}", s.code());
                assert!(lang.t_opt(&key).is_some(), "{key}");
            }
            for k in ChannelKind::ALL {
                let key = format!("channel.kind.{}", k.code());
                assert!(lang.t_opt(&key).is_some(), "{key}");
            }
        }
        for r in RuleId::ALL {
            assert_eq!(rule(Lang::ZhHans, r), r.label_zh());
        }
        for s in WarningStatus::ALL {
            assert_eq!(warning_status(Lang::ZhHans, s), s.label_zh());
        }
        for s in SlipStatus::ALL {
            assert_eq!(slip_status(Lang::ZhHans, s), s.label_zh());
        }
        assert_eq!(level(Lang::ZhHans, Level::Red), "● 红色预警");
        assert_eq!(level(Lang::ZhHans, Level::Yellow), "▲ 黄色预警");
        assert_eq!(stage(Lang::ZhHans, Stage::Signed), Stage::Signed.label_zh());
        assert_eq!(
            category(Lang::ZhHans, Category::Trade),
            Category::Trade.label_zh()
        );
    }
}
