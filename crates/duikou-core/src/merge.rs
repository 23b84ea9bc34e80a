//! Two writers edited the same record: the second save is refused as stale, and the form comes
//! back to be merged. Which fields to show the writer is this rule's: it compares, field by
//! field, what the form started from (`base`), what is stored now (`theirs`) and what was
//! typed (`mine`), each as the form's text (trimmed, as [`Input::get`] reads it).
//!
//! A field is flagged only when the other writer changed it to something other than what was
//! typed ([`FieldMerge::flagged`]); a field only the writer changed, or that both changed
//! alike, is theirs to keep without a word.

use crate::input::Input;

/// How one field stands between the three versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldMerge {
    /// Nobody changed it.
    Unchanged,
    /// Only the other writer changed it (the form still holds the value it started from).
    TheirsOnly,
    /// Only this writer changed it.
    MineOnly,
    /// Both changed it, to the same value.
    BothSame,
    /// Both changed it, differently; or the start is not known and the two differ.
    Conflict,
}

impl FieldMerge {
    /// The field's state; `base` is `None` when the form did not say what it started from.
    pub fn of(base: Option<&str>, theirs: &str, mine: &str) -> FieldMerge {
        let (theirs, mine) = (theirs.trim(), mine.trim());
        let Some(base) = base.map(str::trim) else {
            return if theirs == mine {
                FieldMerge::BothSame
            } else {
                FieldMerge::Conflict
            };
        };
        match (theirs != base, mine != base) {
            (false, false) => FieldMerge::Unchanged,
            (true, false) => FieldMerge::TheirsOnly,
            (false, true) => FieldMerge::MineOnly,
            (true, true) if theirs == mine => FieldMerge::BothSame,
            (true, true) => FieldMerge::Conflict,
        }
    }

    /// Whether the writer is shown the other's value: the other changed the field and the
    /// form holds something else.
    pub fn flagged(self) -> bool {
        matches!(self, FieldMerge::TheirsOnly | FieldMerge::Conflict)
    }
}

/// Each of `fields` with its state. A field absent from `base` has no known start.
pub fn compare(
    fields: &[&str],
    base: &Input,
    theirs: &Input,
    mine: &Input,
) -> Vec<(String, FieldMerge)> {
    fields
        .iter()
        .map(|&f| {
            let start = base.0.contains_key(f).then(|| base.get(f));
            (
                f.to_owned(),
                FieldMerge::of(start, theirs.get(f), mine.get(f)),
            )
        })
        .collect()
}

/// The fields of [`compare`] the writer is shown, in the order given.
pub fn flagged(fields: &[&str], base: &Input, theirs: &Input, mine: &Input) -> Vec<String> {
    compare(fields, base, theirs, mine)
        .into_iter()
        .filter(|(_, m)| m.flagged())
        .map(|(f, _)| f)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(pairs: &[(&str, &str)]) -> Input {
        Input::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn each_state_of_a_field() {
        use FieldMerge::*;
        let base = Some("a");
        assert_eq!(FieldMerge::of(base, "a", "a"), Unchanged);
        assert_eq!(FieldMerge::of(base, "b", "a"), TheirsOnly);
        assert_eq!(FieldMerge::of(base, "a", "b"), MineOnly);
        assert_eq!(FieldMerge::of(base, "b", "b"), BothSame);
        assert_eq!(FieldMerge::of(base, "b", "c"), Conflict);
        assert_eq!(FieldMerge::of(None, "b", "b"), BothSame);
        assert_eq!(FieldMerge::of(None, "b", "c"), Conflict);
        // Spaces around a value are not a change.
        assert_eq!(FieldMerge::of(Some(" a"), "a ", "a"), Unchanged);
    }

    #[test]
    fn only_fields_the_other_changed_to_something_else_are_flagged() {
        let fields = ["name", "leader", "note", "address", "industry"];
        let base = input(&[
            ("name", "产业园"),
            ("leader", "王"),
            ("note", ""),
            ("address", "浑南"),
            ("industry", "化工"),
        ]);
        // The other changed the name and the leader and the address; this writer the note,
        // the leader differently and the address alike.
        let theirs = input(&[
            ("name", "新材料产业园"),
            ("leader", "李"),
            ("note", ""),
            ("address", "浑南区"),
            ("industry", "化工"),
        ]);
        let mine = input(&[
            ("name", "产业园"),
            ("leader", "赵"),
            ("note", "已签约"),
            ("address", "浑南区"),
            ("industry", "化工"),
        ]);
        assert_eq!(flagged(&fields, &base, &theirs, &mine), ["name", "leader"]);
    }

    proptest! {
        #[test]
        fn a_field_not_flagged_loses_nothing_of_the_others_by_keeping_what_was_typed(
            base in prop::option::of("[ab ]{0,2}"),
            theirs in "[ab ]{0,2}",
            mine in "[ab ]{0,2}",
        ) {
            let m = FieldMerge::of(base.as_deref(), &theirs, &mine);
            let (b, t, n) = (base.as_deref().map(str::trim), theirs.trim(), mine.trim());
            // Not flagged: the other did not change it, or typed the same.
            if !m.flagged() {
                prop_assert!(b == Some(t) || t == n);
            }
            // Flagged: the other's value differs from what was typed and from the start.
            if m.flagged() {
                prop_assert!(t != n && b != Some(t));
            }
            // Swapping the two writers swaps who changed it alone.
            let swapped = FieldMerge::of(base.as_deref(), &mine, &theirs);
            let expected = match m {
                FieldMerge::TheirsOnly => FieldMerge::MineOnly,
                FieldMerge::MineOnly => FieldMerge::TheirsOnly,
                other => other,
            };
            prop_assert_eq!(swapped, expected);
            // Taking their value leaves nothing to flag.
            prop_assert!(!FieldMerge::of(base.as_deref(), &theirs, &theirs).flagged());
        }
    }
}
