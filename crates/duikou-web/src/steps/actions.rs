//! The step page's forms are core's step actions (`duikou_core::steps::StepCommand`): what
//! each does to a step lives there, shared with the API and the CLI. This file keeps only
//! what is the page's own: which form field shows an error core names.

/// The form field a core error of a step names: `deficiency.supply_days` → `supply_days`,
/// `suspensions[0].from` → `from`, `date_changes[3].reason` → `reason`.
pub fn form_field(core: &str) -> String {
    let last = core.rsplit('.').next().unwrap_or(core);
    if core.starts_with("date_changes") {
        return "reason".to_owned();
    }
    last.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_field_names_map_to_form_fields() {
        assert_eq!(form_field("deficiency.supply_days"), "supply_days");
        assert_eq!(form_field("suspensions[1].from"), "from");
        assert_eq!(form_field("date_changes[2].actor"), "reason");
        assert_eq!(form_field("actual_finish"), "actual_finish");
    }
}
