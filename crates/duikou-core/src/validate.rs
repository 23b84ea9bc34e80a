//! Small field checks shared by the inputs of every record. Text limits live in [`crate::text`].

use crate::error::Errors;
use crate::text::{self, TextKind};

/// A required name: trimmed, not empty, within its kind's limit and free of NUL.
pub fn name(errs: &mut Errors, field: &str, value: &str, kind: TextKind) {
    if value.trim().is_empty() {
        errs.push(field, "required", "不能为空");
    } else {
        text::push(errs, field, value.trim(), kind);
    }
}

/// An optional text within its kind's limit and free of NUL.
pub fn optional_text(errs: &mut Errors, field: &str, value: Option<&str>, kind: TextKind) {
    text::push_opt(errs, field, value, kind);
}

/// An amount of money that must not be negative.
pub fn non_negative_money(errs: &mut Errors, field: &str, value: Option<crate::Money>) {
    if let Some(m) = value {
        if m.yuan() < 0 {
            errs.push(field, "negative", "金额不能为负数");
        }
    }
}
