//! A save refused because someone else saved the record first, shown again to be merged:
//! everything typed is kept, each field the other writer changed is shown with their value
//! (who and when, from the record's history) and a button that takes it (`take`), and the
//! form's version becomes the stored one, so that saving again merges.
//!
//! A form says what it started from in hidden `orig.<field>` fields (and `orig.version`),
//! written when it is first shown ([`remember_start`]); core's `merge` rule compares them
//! with what is stored and what was typed. See docs/design.md, "Merging an edit conflict".

use duikou_core::input::Input;
use duikou_store::{ChangeEntry, StoreError, Writers};
use serde_json::{Map, Value};

use crate::shared::changes::{diff, writer};
use crate::shared::fmt;
use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::refs::Refs;
use crate::AppState;

/// The prefix of the hidden fields holding what a form started from.
pub const ORIG: &str = "orig.";

/// The other writer's value of a field, beside it in the form.
#[derive(Debug, Clone)]
pub struct Theirs {
    /// The value as the form holds it: what taking it puts in the field.
    pub value: String,
    /// The value in words, with who changed it and when.
    pub note: String,
    /// The label of the button that takes it.
    pub take: String,
}

/// The record as stored now, as its form shows it.
pub struct Stored<'a> {
    /// The kind's name in the change log (labels and words of its values).
    pub kind: &'a str,
    /// A fresh form of the stored record.
    pub form: &'a FormState,
    pub version: i64,
    /// The record's history, oldest first.
    pub history: &'a [ChangeEntry],
}

/// Notes in a fresh form that it starts from its own values of `fields` and `version`.
pub fn remember_start(form: &mut FormState, fields: &[&str], version: i64) {
    for f in fields {
        let v = form.value(f).to_owned();
        form.set(&format!("{ORIG}{f}"), v);
    }
    form.set(&format!("{ORIG}version"), version.to_string());
}

/// The field the writer asked to take the stored value of (the `take` button), if it is one
/// of `fields`: put to the stored value. The `take` itself is not kept in the form.
pub fn take(form: &mut FormState, fields: &[&str], stored: &FormState) -> Option<String> {
    let field = form.values.remove("take")?;
    let field = fields.iter().find(|f| **f == field)?;
    form.set(field, stored.value(field).to_owned());
    Some((*field).to_owned())
}

/// Shows the form as one to merge with `stored`: each field of `fields` that the other writer
/// changed to something else than what was typed gets their value beside it, the version
/// becomes the stored one, and a notice says what happened.
pub fn mark(
    form: &mut FormState,
    fields: &[&str],
    stored: &Stored,
    lang: Lang,
    refs: &Refs,
    writers: &Writers,
) {
    let input = |of: &dyn Fn(&str) -> Option<String>| {
        Input(
            fields
                .iter()
                .filter_map(|f| of(f).map(|v| ((*f).to_owned(), v)))
                .collect(),
        )
    };
    let base = input(&|f| form.values.get(&format!("{ORIG}{f}")).cloned());
    let mine = input(&|f| Some(form.value(f).to_owned()));
    let theirs = input(&|f| Some(stored.form.value(f).to_owned()));
    let since = form.value(&format!("{ORIG}version")).parse::<i64>().ok();
    for field in duikou_core::merge::flagged(fields, &base, &theirs, &mine) {
        let value = stored.form.value(&field).to_owned();
        let note = match last_change(stored, &field, since, lang, refs) {
            Some((h, words)) => lang
                .t("merge.changed_by")
                .replace("{who}", &writer(lang, h, refs, writers))
                .replace("{at}", &fmt::time(h.at))
                .replace("{value}", &words),
            None => lang.t("merge.changed").replace("{value}", &value),
        };
        let take = lang.t("merge.take").to_owned();
        form.theirs.insert(field, Theirs { value, note, take });
    }
    form.stale = true;
    form.failed = true;
    form.general.push(lang.t("merge.notice").to_owned());
    form.set("version", stored.version.to_string());
}

/// [`mark`], with the names of the writers and of the records the values refer to.
pub async fn mark_stored(
    s: &AppState,
    lang: Lang,
    form: &mut FormState,
    fields: &[&str],
    stored: &Stored<'_>,
) -> Result<(), StoreError> {
    let refs = Refs::load(s).await?;
    let writers = s.store.writers(stored.history).await?;
    mark(form, fields, stored, lang, &refs, &writers);
    Ok(())
}

/// The newest entry of the history after version `since` that changed `field`, with the value
/// it left in words. Entries without a version (another record logged under this one) count.
fn last_change<'a>(
    stored: &'a Stored,
    field: &str,
    since: Option<i64>,
    lang: Lang,
    refs: &Refs,
) -> Option<(&'a ChangeEntry, String)> {
    let only = |v: Option<&Value>| {
        let mut m = Map::new();
        let value = v.and_then(|v| v.get(field)).cloned();
        m.insert(field.to_owned(), value.unwrap_or(Value::Null));
        Value::Object(m)
    };
    let names = |k: &str, v: &Value| refs.name_of(lang, k, v);
    stored.history.iter().rev().find_map(|h| {
        let version = h.after.as_ref().and_then(|a| a.get("version"));
        if let (Some(s), Some(v)) = (since, version.and_then(Value::as_i64)) {
            if v <= s {
                return None;
            }
        }
        let (before, after) = (only(h.before.as_ref()), only(h.after.as_ref()));
        let change = diff(lang, stored.kind, Some(&before), Some(&after), &names);
        change.into_iter().next().map(|c| (h, c.after))
    })
}
