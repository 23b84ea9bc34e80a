//! A record's history as people read it: when, who, what was done, and each field that
//! changed with its value before and after, in words.

use duikou_store::{ChangeEntry, Writers};
use serde_json::Value;

use crate::shared::fmt;
use crate::shared::i18n::Lang;
use crate::shared::refs::Refs;

/// One field's change.
pub struct FieldChange {
    pub label: String,
    pub before: String,
    pub after: String,
}

/// One entry of a record's history.
pub struct ChangeRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub what: String,
    pub changes: Vec<FieldChange>,
}

/// Fields that hold money (a whole number of yuan in the change log).
const MONEY: [&str; 7] = [
    "invested_to_date",
    "funds_in_place",
    "trade_volume",
    "output_value",
    "planned_investment",
    "agreement_amount",
    "amount_yuan",
];

/// Bookkeeping fields a reader has no use for.
const HIDDEN: [&str; 12] = [
    "id",
    "version",
    "project_id",
    "updated_at",
    "updated_by",
    "created_at",
    // Who and when an entry records already; a flag of generated data.
    "requested_by",
    "requested_at",
    "decided_by",
    "decided_at",
    "generated",
    "recorded_at",
];

/// The catalogue prefix of the codes a field holds, where one names them for every kind.
fn code_prefix(kind: &str, field: &str) -> Option<&'static str> {
    Some(match (kind, field) {
        (_, "stage" | "to_stage" | "from_stage" | "held_stage") => "stage.",
        ("stage_request" | "project", "kind") => "move.",
        // A request is logged in its project's history.
        ("stage_request" | "project", "status") => "request.status.",
        ("project", "category") => "category.",
        (_, "construction") => "construction.",
        _ => return None,
    })
}

/// Names the value of a field that refers to another record (an org, a region), or `None`.
pub type Namer<'a> = &'a dyn Fn(&str, &Value) -> Option<String>;

/// Each entry of a history as people read it (newest first): the writers by name and unit,
/// referred records by name.
pub fn change_rows(
    lang: Lang,
    entries: &[ChangeEntry],
    refs: &Refs,
    writers: &Writers,
) -> Vec<ChangeRow> {
    change_rows_named(lang, entries, refs, writers, &|k, v| {
        refs.name_of(lang, k, v)
    })
}

/// [`change_rows`] with a kind's own names for the values it refers to (a unit's parent).
pub fn change_rows_named(
    lang: Lang,
    entries: &[ChangeEntry],
    refs: &Refs,
    writers: &Writers,
    names: Namer,
) -> Vec<ChangeRow> {
    entries
        .iter()
        .rev()
        .map(|h| {
            let mut row = change_row(lang, h, names);
            row.actor = writer(lang, h, refs, writers);
            row
        })
        .collect()
}

/// The person behind an entry, by name and unit; the system (an import, the demo, a command)
/// by its own name.
pub fn writer(lang: Lang, h: &ChangeEntry, refs: &Refs, writers: &Writers) -> String {
    match h.user_id.and_then(|id| writers.0.get(&id)) {
        Some((name, Some(org))) => {
            format!("{} · {}", lang.data(name), refs.org_name(lang, Some(*org)))
        }
        Some((name, None)) => lang.data(name).into_owned(),
        None => format!("{}（{}）", lang.t("history.system"), h.actor),
    }
}

pub fn change_row(lang: Lang, h: &ChangeEntry, names: Namer) -> ChangeRow {
    let action = lang
        .t_opt(&format!("history.{}", h.action))
        .map(str::to_owned)
        .unwrap_or_else(|| h.action.clone());
    let what = match lang.t_opt(&format!("kind.{}", h.kind)) {
        Some(k) => k.to_owned(),
        None => lang.message(duikou_store::kind_zh(&h.kind)),
    };
    ChangeRow {
        at: fmt::time(h.at),
        actor: h.actor.clone(),
        action,
        what,
        changes: diff(lang, &h.kind, h.before.as_ref(), h.after.as_ref(), names),
    }
}

/// The fields whose values differ between `before` and `after` (a field absent on one side
/// counts as empty), in the order the change log keeps them (by field name).
pub fn diff(
    lang: Lang,
    kind: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    names: Namer,
) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    let mut seen = std::collections::BTreeSet::new();
    keys.into_iter()
        .filter(|k| seen.insert(k.as_str()) && !HIDDEN.contains(&k.as_str()))
        .filter_map(|k| {
            let (x, y) = (
                b.get(k).unwrap_or(&Value::Null),
                a.get(k).unwrap_or(&Value::Null),
            );
            let say = |v: &Value| match v {
                Value::Null => words(lang, kind, k, v),
                _ => names(k, v).unwrap_or_else(|| words(lang, kind, k, v)),
            };
            let (x, y) = (say(x), say(y));
            (x != y).then(|| FieldChange {
                label: label(lang, kind, k),
                before: x,
                after: y,
            })
        })
        .collect()
}

/// A field's name in words: the kind's own label, else the shared one, else the name.
fn label(lang: Lang, kind: &str, field: &str) -> String {
    // A reference reads as what it refers to: host_region_code as 落地地区, owner_org_id as
    // 责任单位.
    let bare = field
        .strip_suffix("_code")
        .or_else(|| field.strip_suffix("_id"))
        .unwrap_or(field);
    [
        format!("{kind}.{field}"),
        format!("field.{field}"),
        format!("field.{bare}"),
    ]
    .iter()
    .find_map(|key| lang.t_opt(key))
    .map(str::to_owned)
    .unwrap_or_else(|| field.to_owned())
}

/// A value in words: a code through the catalogue (`<kind>.<field>.<code>`, or
/// `<kind>.cat.<code>` for a category), text as written, nothing as a dash.
fn words(lang: Lang, kind: &str, field: &str, v: &Value) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::String(s) if s.is_empty() => "—".to_owned(),
        Value::String(s) => [
            format!("{kind}.{field}.{s}"),
            format!("{kind}.cat.{s}"),
            code_prefix(kind, field).map_or_else(String::new, |p| format!("{p}{s}")),
        ]
        .iter()
        .find_map(|key| lang.t_opt(key))
        .map(str::to_owned)
        .unwrap_or_else(|| lang.data(s).into_owned()),
        // An empty map or list (no external ids …) is nothing.
        Value::Object(m) if m.is_empty() => "—".to_owned(),
        Value::Array(a) if a.is_empty() => "—".to_owned(),
        Value::Number(n) if MONEY.contains(&field) => match n.as_i64() {
            Some(y) => fmt::money_text(lang, duikou_core::Money::from_yuan(y)),
            None => n.to_string(),
        },
        Value::Bool(true) => lang.t("value.yes").to_owned(),
        Value::Bool(false) => lang.t("value.no").to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_show_each_in_words_before_and_after() {
        let before = json!({"id": 1, "version": 1, "status": "open", "progress": null, "description": "缺电"});
        let after = json!({"id": 1, "version": 2, "status": "in_progress", "progress": "已协调", "description": "缺电"});
        let none = |_: &str, _: &Value| None;
        let rows = diff(Lang::ZhHans, "problem", Some(&before), Some(&after), &none);
        let got: Vec<_> = rows
            .iter()
            .map(|c| (c.label.as_str(), c.before.as_str(), c.after.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![("推进情况", "—", "已协调"), ("状态", "待解决", "推进中")]
        );
        let created = diff(Lang::ZhHans, "problem", None, Some(&after), &none);
        assert!(created
            .iter()
            .any(|c| c.label == "问题描述" && c.after == "缺电"));
    }

    #[test]
    fn codes_read_in_words_and_the_entrys_own_who_and_when_are_not_repeated() {
        let after = json!({"from_stage": "signed", "to_stage": "operating", "kind": "skip",
            "status": "pending", "requested_by": "sy-editor", "requested_at": "2026-12-05T01:00:00Z",
            "effective_date": "2026-12-05"});
        let none = |_: &str, _: &Value| None;
        let rows = diff(Lang::ZhHans, "stage_request", None, Some(&after), &none);
        let got: Vec<_> = rows
            .iter()
            .map(|c| (c.label.as_str(), c.after.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("生效日期", "2026-12-05"),
                ("原阶段", "签约"),
                ("变更类型", "跨阶段推进"),
                ("状态", "待审批"),
                ("申请变更到", "投产"),
            ]
        );
        let project = json!({"category": "investment", "external_ids": {}, "held_stage": "signed"});
        let rows = diff(Lang::ZhHans, "project", None, Some(&project), &none);
        let got: Vec<_> = rows.iter().map(|c| c.after.as_str()).collect();
        assert_eq!(got, vec!["投资类", "签约"], "an empty map is no change");
    }
}
