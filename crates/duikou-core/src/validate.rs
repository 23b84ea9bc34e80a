//! Small field checks shared by the inputs of every record.

use crate::error::Errors;

/// A required name: trimmed, not empty, at most `max` characters.
pub fn name(errs: &mut Errors, field: &str, value: &str, max: usize) {
    let t = value.trim();
    if t.is_empty() {
        errs.push(field, "required", "不能为空");
    } else if t.chars().count() > max {
        errs.push(field, "too_long", format!("不能超过{max}个字"));
    }
}

/// An optional text of at most `max` characters.
pub fn optional_text(errs: &mut Errors, field: &str, value: Option<&str>, max: usize) {
    if let Some(v) = value {
        if v.chars().count() > max {
            errs.push(field, "too_long", format!("不能超过{max}个字"));
        }
    }
}

/// An amount of money that must not be negative.
pub fn non_negative_money(errs: &mut Errors, field: &str, value: Option<crate::Money>) {
    if let Some(m) = value {
        if m.yuan() < 0 {
            errs.push(field, "negative", "金额不能为负数");
        }
    }
}
