//! Decoding that names every bad field, not only the first: the body is read as a JSON value,
//! then decoded again and again; after each failure the field at fault is recorded and the value
//! patched (an unknown or ill-typed field removed, a missing one given a placeholder) so the next
//! attempt reaches the fields after it. Once the patched value decodes, the body's own checks
//! (negative money, texts too long…) are added for the fields not already named.

use std::collections::{BTreeMap, BTreeSet};

use duikou_core::text::{self, TextKind};
use duikou_core::FieldError;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

/// The checks of a body beyond its shape, reported with the shape's errors so one answer names
/// every bad field. Bodies without such checks take the default (none).
pub trait Checked {
    fn field_errors(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

/// A body read as it came, for a command that parses its fields itself (a step action's
/// `Input`), naming each bad one.
impl Checked for Value {}

/// At most this many decoding attempts per body (each names or patches one field).
const MAX_ROUNDS: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Seg {
    Key(String),
    Index(usize),
}

/// A field's path as the API names it: `plan[2].due`.
fn display(path: &[Seg]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn segs(path: &serde_path_to_error::Path) -> Option<Vec<Seg>> {
    path.iter()
        .map(|s| match s {
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
            Segment::Unknown => None,
        })
        .collect()
}

fn at_mut<'a>(value: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, s| match (s, v) {
        (Seg::Key(k), Value::Object(m)) => m.get_mut(k),
        (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
        _ => None,
    })
}

/// The name in "missing field `x`" / "unknown field `x`, expected …".
fn named(message: &str, prefix: &str) -> Option<String> {
    message
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('`').next())
        .map(str::to_owned)
}

/// The first variant in "… expected one of `a`, `b`" (or "expected `a`").
fn first_variant(message: &str) -> Option<String> {
    let rest = message
        .split_once("expected one of `")
        .or_else(|| message.split_once("expected `"))?
        .1;
    rest.split('`').next().map(str::to_owned)
}

/// Values tried, in turn, in place of a missing field until one decodes.
fn placeholders() -> [Value; 8] {
    [
        Value::Null,
        Value::String(String::new()),
        Value::from(0),
        Value::Bool(false),
        Value::Array(Vec::new()),
        Value::Object(Default::default()),
        Value::String("2000-01-01".into()),
        Value::String("0".into()),
    ]
}

fn clean(message: &str) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned()
}

/// Records an error unless its field is named already.
fn push(errors: &mut Vec<FieldError>, field: String, message: &str) {
    if !errors.iter().any(|e| e.field == field) {
        errors.push(FieldError::new(field, "invalid", clean(message)));
    }
}

/// One failed attempt: where (None when serde could not say) and why.
struct Failure {
    path: Option<Vec<Seg>>,
    message: String,
}

fn attempt<T: DeserializeOwned>(value: &Value) -> Result<T, Failure> {
    serde_path_to_error::deserialize(value).map_err(|e| Failure {
        path: segs(e.path()),
        message: e.inner().to_string(),
    })
}

/// Every string of `value` with a NUL character, by path; such strings are blanked so decoding
/// goes on.
fn nul_strings(value: &mut Value, path: &mut Vec<Seg>, out: &mut Vec<FieldError>) {
    match value {
        Value::String(s) if s.contains('\0') => {
            out.push(text::nul_error(&display(path)));
            s.retain(|c| c != '\0');
        }
        Value::Array(a) => {
            for (i, v) in a.iter_mut().enumerate() {
                path.push(Seg::Index(i));
                nul_strings(v, path, out);
                path.pop();
            }
        }
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                path.push(Seg::Key(k.clone()));
                nul_strings(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Decodes `value` as `T`, or names every bad field.
pub fn decode<T: DeserializeOwned + Checked>(mut value: Value) -> Result<T, Vec<FieldError>> {
    let mut errors = Vec::new();
    nul_strings(&mut value, &mut Vec::new(), &mut errors);
    // Fields holding a placeholder, with the index of the next one to try.
    let mut placeholder: BTreeMap<Vec<Seg>, usize> = BTreeMap::new();
    for _ in 0..MAX_ROUNDS {
        let failure = match attempt::<T>(&value) {
            Ok(v) => {
                if errors.is_empty() {
                    return Ok(v);
                }
                // Add the body's own checks, except on fields already named or patched.
                let shown: BTreeSet<String> = errors
                    .iter()
                    .map(|e| e.field.clone())
                    .chain(placeholder.keys().map(|p| display(p)))
                    .collect();
                errors.extend(
                    v.field_errors()
                        .into_iter()
                        .filter(|e| !shown.contains(&e.field)),
                );
                return Err(errors);
            }
            Err(f) => f,
        };
        let Some(path) = failure.path.clone() else {
            push(&mut errors, String::new(), &failure.message);
            return Err(errors);
        };
        let message = failure.message.as_str();
        if let Some(name) = named(message, "unknown field `") {
            // The path ends with the unknown key (or is its parent).
            let mut field = path.clone();
            if field.last() != Some(&Seg::Key(name.clone())) {
                field.push(Seg::Key(name.clone()));
            }
            push(&mut errors, display(&field), message);
            if !remove(&mut value, &field) {
                return Err(errors);
            }
            continue;
        }
        if let Some(name) = named(message, "missing field `") {
            let mut field = path.clone();
            field.push(Seg::Key(name));
            if !placeholder.contains_key(&field) {
                // A field we removed comes back as missing: it is named already.
                push(&mut errors, display(&field), message);
            }
            if !fill(&mut value, &field, &mut placeholder, None) {
                return Err(errors);
            }
            continue;
        }
        // A wrong type or value at `path`.
        if placeholder.contains_key(&path) {
            // Our placeholder did not fit: try the next (the variant named, for an enum).
            if !fill(&mut value, &path, &mut placeholder, first_variant(message)) {
                return Err(errors);
            }
            continue;
        }
        let path = culprit::<T>(&value, &path, &failure).unwrap_or(path);
        push(&mut errors, display(&path), message);
        if !remove(&mut value, &path) {
            return Err(errors);
        }
    }
    Err(errors)
}

/// When serde names an object (an internally tagged enum buffers its fields and loses their
/// names), finds the key whose removal makes that error go away.
fn culprit<T: DeserializeOwned>(
    value: &Value,
    path: &[Seg],
    failure: &Failure,
) -> Option<Vec<Seg>> {
    let mut probe = value.clone();
    let Some(Value::Object(map)) = at_mut(&mut probe, path) else {
        return None;
    };
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        let mut without = value.clone();
        let mut field = path.to_vec();
        field.push(Seg::Key(key.clone()));
        remove(&mut without, &field);
        match attempt::<T>(&without) {
            Err(f) if f.path == failure.path && f.message == failure.message => continue,
            _ => {}
        }
        // Removing a tag changes the error too: a tag refuses a variant it does not know.
        let mut tagged = value.clone();
        if let Some(v) = at_mut(&mut tagged, &field) {
            *v = Value::String("\u{1}".into());
        }
        match attempt::<T>(&tagged) {
            Err(f) if f.message.starts_with("unknown variant") => continue,
            _ => return Some(field),
        }
    }
    None
}

/// Removes the field at `path`; an array element is replaced by a placeholder instead, so the
/// indices after it keep naming the same elements.
fn remove(value: &mut Value, path: &[Seg]) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    match (last, at_mut(value, parent)) {
        (Seg::Key(k), Some(Value::Object(m))) => m.remove(k).is_some(),
        (Seg::Index(i), Some(Value::Array(a))) if *i < a.len() => {
            a[*i] = Value::Null;
            true
        }
        _ => false,
    }
}

/// Puts the next placeholder at `path` (or `variant` when serde named one).
fn fill(
    value: &mut Value,
    path: &[Seg],
    tried: &mut BTreeMap<Vec<Seg>, usize>,
    variant: Option<String>,
) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    let n = tried.entry(path.to_vec()).or_insert(0);
    let new = match variant {
        Some(v) if !v.is_empty() => Value::String(v),
        _ => {
            let Some(p) = placeholders().into_iter().nth(*n) else {
                return false;
            };
            *n += 1;
            p
        }
    };
    match (last, at_mut(value, parent)) {
        (Seg::Key(k), Some(Value::Object(m))) => {
            if m.get(k) == Some(&new) {
                return false;
            }
            m.insert(k.clone(), new);
            true
        }
        (Seg::Index(i), Some(Value::Array(a))) if *i < a.len() => {
            a[*i] = new;
            true
        }
        _ => false,
    }
}

/// Checks a text against the limit of its kind, for `Checked` implementations.
pub fn text_field(out: &mut Vec<FieldError>, field: &str, value: Option<&str>, kind: TextKind) {
    if let Some(v) = value {
        if let Err(e) = text::check(field, v, kind) {
            out.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: i64,
        kind: Kind,
        when: Option<chrono::NaiveDate>,
        #[serde(default)]
        items: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Big,
        Small,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        due: chrono::NaiveDate,
    }
    impl Checked for Body {
        fn field_errors(&self) -> Vec<FieldError> {
            if self.count < 0 {
                vec![FieldError::new("count", "negative", "不能为负数")]
            } else {
                Vec::new()
            }
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
    #[allow(dead_code)]
    enum Action {
        Decide { approve: bool, note: String },
        Close { note: String },
    }
    impl Checked for Action {}

    fn fields<T: DeserializeOwned + Checked + std::fmt::Debug>(v: Value) -> Vec<String> {
        let mut f: Vec<String> = decode::<T>(v)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        f.sort();
        f
    }

    #[test]
    fn every_bad_field_is_named_once() {
        let v = serde_json::json!({
            "name": 5, "count": "x", "kind": "huge", "when": "2024-02-30",
            "foo": 1, "bar": 2, "items": [{"due": "2024-01-01"}, {"due": "no"}]
        });
        assert_eq!(
            fields::<Body>(v),
            [
                "bar",
                "count",
                "foo",
                "items[1].due",
                "kind",
                "name",
                "when"
            ]
        );
    }

    #[test]
    fn missing_fields_and_semantic_errors_together() {
        let v = serde_json::json!({"count": -1, "when": "x"});
        assert_eq!(fields::<Body>(v), ["count", "kind", "name", "when"]);
    }

    #[test]
    fn a_good_body_decodes() {
        let v = serde_json::json!({"name": "a", "count": 1, "kind": "small"});
        assert!(decode::<Body>(v).is_ok());
    }

    #[test]
    fn tagged_enum_names_the_field() {
        let v = serde_json::json!({"action": "decide", "approve": "yes", "note": ""});
        assert_eq!(fields::<Action>(v), ["approve"]);
        let v = serde_json::json!({"action": "close", "note": 5});
        assert_eq!(fields::<Action>(v), ["note"]);
    }

    #[test]
    fn nul_is_refused_with_its_field() {
        let v = serde_json::json!({"name": "a\u{0}b", "count": 1, "kind": "big"});
        assert_eq!(fields::<Body>(v), ["name"]);
    }
}

/// The bodies of the API and the checks each adds to its shape's.
mod bodies {
    use super::{text_field, Checked};
    use crate::projects::body::ProjectBody;
    use duikou_core::text::TextKind;
    use duikou_core::FieldError;

    fn errors_of(r: Result<(), duikou_core::ValidationError>) -> Vec<FieldError> {
        r.err().map(|e| e.0).unwrap_or_default()
    }

    impl Checked for ProjectBody {
        fn field_errors(&self) -> Vec<FieldError> {
            match self.clone().into_fields() {
                Err(e) => e.0,
                Ok((fields, _, _)) => errors_of(fields.validate()),
            }
        }
    }
    impl Checked for duikou_core::org::OrgInput {
        fn field_errors(&self) -> Vec<FieldError> {
            errors_of(self.validate())
        }
    }
    impl Checked for duikou_core::partnership::PartnershipInput {
        fn field_errors(&self) -> Vec<FieldError> {
            errors_of(self.validate())
        }
    }
    impl Checked for duikou_core::progress_report::ProgressReportFields {
        fn field_errors(&self) -> Vec<FieldError> {
            errors_of(self.validate())
        }
    }
    impl Checked for duikou_core::problem::ProblemFields {
        fn field_errors(&self) -> Vec<FieldError> {
            errors_of(self.validate())
        }
    }
    impl Checked for duikou_core::region::RegionInput {
        fn field_errors(&self) -> Vec<FieldError> {
            let mut out = Vec::new();
            text_field(&mut out, "name", Some(&self.name), TextKind::Label);
            out
        }
    }
    impl Checked for crate::projects::api::TransitionBody {
        fn field_errors(&self) -> Vec<FieldError> {
            let mut out = Vec::new();
            text_field(&mut out, "reason", self.reason.as_deref(), TextKind::Text);
            out
        }
    }
    impl Checked for crate::warnings::api::NoteBody {
        fn field_errors(&self) -> Vec<FieldError> {
            let mut out = Vec::new();
            text_field(&mut out, "note", Some(&self.note), TextKind::Text);
            out
        }
    }
    impl Checked for duikou_store::NewSlip {
        fn field_errors(&self) -> Vec<FieldError> {
            let mut out = Vec::new();
            text_field(
                &mut out,
                "requirement",
                Some(&self.requirement),
                TextKind::Text,
            );
            out
        }
    }

    // Checked where they are applied (they need the record's state or the template).
    impl Checked for duikou_core::slip::SlipAction {}
    impl Checked for duikou_core::org::OrgAction {}
    impl Checked for crate::progress_reports::api::WithdrawBody {
        fn field_errors(&self) -> Vec<FieldError> {
            let mut out = Vec::new();
            text_field(&mut out, "reason", Some(&self.reason), TextKind::Text);
            out
        }
    }
    impl Checked for duikou_core::problem::ProblemAction {
        fn field_errors(&self) -> Vec<FieldError> {
            use duikou_core::problem::ProblemAction as A;
            let mut out = Vec::new();
            let (field, text) = match self {
                A::Progress { note } => ("note", note),
                A::Resolve { resolution, .. } => ("resolution", resolution),
                A::Reopen { reason } => ("reason", reason),
            };
            text_field(&mut out, field, Some(text), TextKind::Text);
            out
        }
    }
    impl Checked for duikou_core::stage_request::RequestAction {
        fn field_errors(&self) -> Vec<FieldError> {
            let mut out = Vec::new();
            if let duikou_core::stage_request::RequestAction::Reject { note } = self {
                text_field(&mut out, "note", Some(note), TextKind::Text);
            }
            out
        }
    }
    impl Checked for duikou_core::steps::StepState {}
    impl Checked for duikou_core::steps::Template {}
    impl Checked for duikou_core::notify::ChannelFields {}
    impl Checked for duikou_core::auth::Grant {}
    impl Checked for crate::steps::api::InstantiateBody {}
    impl Checked for crate::session::api::LoginBody {}
    impl Checked for crate::session::api::PasswordBody {}
    impl Checked for crate::session::api::TokenBody {}
    impl Checked for crate::accounts::api::UserBody {}
    impl Checked for crate::warnings::api::SweepBody {}
    impl Checked for crate::warnings::api::PlanBody {}
    impl Checked for crate::warnings::api::ThresholdsBody {}
}
