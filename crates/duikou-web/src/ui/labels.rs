//! Catalog labels of the domain's enums (stages, categories, problem kinds and states).

use duikou_core::problem::{ProblemCategory, ProblemStatus};
use duikou_core::project::Category;
use duikou_core::Stage;

use super::i18n::Lang;

pub fn stage(lang: Lang, s: Stage) -> &'static str {
    lang.t(&format!("stage.{}", s.code()))
}

pub fn category(lang: Lang, c: Category) -> &'static str {
    lang.t(&format!("category.{}", c.code()))
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
        assert_eq!(stage(Lang::ZhHans, Stage::Signed), Stage::Signed.label_zh());
        assert_eq!(
            category(Lang::ZhHans, Category::Trade),
            Category::Trade.label_zh()
        );
    }
}
