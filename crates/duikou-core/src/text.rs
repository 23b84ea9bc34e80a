//! The one table of text limits: every free text that reaches the store is of one kind, and
//! each kind has one maximum length. No text may hold a NUL character (U+0000).

use crate::error::{Errors, FieldError};

/// The kinds of free text, by how long they may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Short labels: a region's name, an industry, a version name — 60 characters.
    Label,
    /// Names of organisations, partnerships and people — 100 characters.
    Name,
    /// A project's name, its investor, task force, address — 200 characters.
    Title,
    /// Notes, reasons, descriptions, replies and resolutions — 2 000 characters.
    Text,
}

impl TextKind {
    /// Every kind, for the documentation and the tests.
    pub const ALL: [TextKind; 4] = [
        TextKind::Label,
        TextKind::Name,
        TextKind::Title,
        TextKind::Text,
    ];

    /// The most characters (Unicode scalar values) a text of this kind may have.
    pub const fn max_chars(self) -> usize {
        match self {
            TextKind::Label => 60,
            TextKind::Name => 100,
            TextKind::Title => 200,
            TextKind::Text => 2000,
        }
    }
}

/// The error for a text holding a NUL character.
pub fn nul_error(field: &str) -> FieldError {
    FieldError::new(field, "nul", "不能包含空字符（U+0000）")
}

/// Checks a text of `kind`: no NUL, at most its length.
pub fn check(field: &str, value: &str, kind: TextKind) -> Result<(), FieldError> {
    if value.contains('\0') {
        return Err(nul_error(field));
    }
    let max = kind.max_chars();
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("不能超过{max}个字"),
        ));
    }
    Ok(())
}

/// [`check`], recording the error.
pub fn push(errs: &mut Errors, field: &str, value: &str, kind: TextKind) {
    if let Err(e) = check(field, value, kind) {
        errs.push(e.field, e.code, e.message);
    }
}

/// [`push`] for a text that may be absent.
pub fn push_opt(errs: &mut Errors, field: &str, value: Option<&str>, kind: TextKind) {
    if let Some(v) = value {
        push(errs, field, v, kind);
    }
}

/// A name as two names are compared for sameness (a project's, against the others of its
/// region): surrounding spaces (full-width ones too) dropped, letters in lower case.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn each_kind_takes_its_maximum_and_not_one_more() {
        for kind in TextKind::ALL {
            let max = kind.max_chars();
            assert!(check("f", &"字".repeat(max), kind).is_ok());
            let e = check("f", &"字".repeat(max + 1), kind).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), ("f", "too_long"));
        }
    }

    #[test]
    fn nul_is_refused_in_every_kind() {
        for kind in TextKind::ALL {
            assert_eq!(check("note", "a\0b", kind).unwrap_err().code, "nul");
        }
    }

    #[test]
    fn names_compare_without_surrounding_spaces_or_case() {
        assert_eq!(
            name_key("　Huanan 新材料 Park "),
            name_key("huanan 新材料 PARK")
        );
        assert_eq!(name_key("Énergie"), name_key("éNERGIE"));
        assert_ne!(name_key("新材料产业园"), name_key("新材料 产业园"));
    }

    proptest! {
        #[test]
        fn a_name_key_is_its_own_key(s in "(?s).{0,40}") {
            let k = name_key(&s);
            prop_assert_eq!(name_key(&k), k.clone());
        }

        #[test]
        fn case_and_surrounding_spaces_do_not_make_another_name(s in "[a-zA-Z 新材料园]{0,20}") {
            let shouted = format!(" \u{3000}{}\t", s.to_uppercase());
            prop_assert_eq!(name_key(&shouted), name_key(&s.to_lowercase()));
        }

        #[test]
        fn accepted_texts_are_within_the_limit_and_free_of_nul(s in "(?s).{0,2100}") {
            for kind in TextKind::ALL {
                if check("f", &s, kind).is_ok() {
                    prop_assert!(s.chars().count() <= kind.max_chars());
                    prop_assert!(!s.contains('\0'));
                }
            }
        }
    }
}
