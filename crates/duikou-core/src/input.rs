//! What a writer typed for a command, field by field, before it is parsed: the same input
//! whether it came from a page's form, a JSON body or a command line's `field=value` pairs.
//! A command's parse reads it and names every bad field at once.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::error::FieldError;

/// Field name → text as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input(pub BTreeMap<String, String>);

impl Input {
    /// From `(field, text)` pairs (a form's, a command line's).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Input {
        Input(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// From a JSON object: texts, numbers and booleans as typed, a list of texts one a line,
    /// `null` as absent. Anything else (a nested object, a list of numbers) is named and
    /// left out, so that the command's parse can name the other bad fields beside it.
    pub fn from_json(value: &serde_json::Value) -> (Input, Vec<FieldError>) {
        use serde_json::Value;
        let Value::Object(map) = value else {
            let e = FieldError::new("body", "type", "请求体应为 JSON 对象");
            return (Input::default(), vec![e]);
        };
        let mut out = BTreeMap::new();
        let mut errs = Vec::new();
        for (k, v) in map {
            let text = match v {
                Value::Null => continue,
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .map(|lines| lines.join("\n")),
                Value::Object(_) => None,
            };
            match text {
                Some(t) => {
                    out.insert(k.clone(), t);
                }
                None => errs.push(FieldError::new(k.clone(), "type", "该字段的类型不对")),
            }
        }
        (Input(out), errs)
    }

    /// `errs` (from [`Input::from_json`]) with those of `parsed` on other fields: every bad
    /// field once, or the value when there are none.
    pub fn merged<T>(
        mut errs: Vec<FieldError>,
        parsed: Result<T, Vec<FieldError>>,
    ) -> Result<T, Vec<FieldError>> {
        match parsed {
            Ok(v) if errs.is_empty() => Ok(v),
            Ok(_) => Err(errs),
            Err(more) => {
                for e in more {
                    if !errs.iter().any(|x| x.field == e.field) {
                        errs.push(e);
                    }
                }
                Err(errs)
            }
        }
    }

    /// The trimmed text of `field`; empty when absent.
    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map(|v| v.trim()).unwrap_or("")
    }

    /// The trimmed text, `None` when empty.
    pub fn opt(&self, field: &str) -> Option<String> {
        Some(self.get(field))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// Whether a yes/no field is set: a ticked checkbox (`on`), `true` or `1`.
    pub fn checked(&self, field: &str) -> bool {
        matches!(self.get(field), "on" | "true" | "1")
    }

    /// Every field not among `known`, each named.
    pub fn unknown(&self, known: &[&str]) -> Vec<FieldError> {
        self.0
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .map(|k| FieldError::new(k.clone(), "unknown_field", format!("未知字段「{k}」")))
            .collect()
    }
}

/// The date typed into `field` (`2024-03-08`, within the sane range): `None` when empty,
/// an error naming the field when malformed or out of range. The one date parse of forms,
/// JSON bodies' command fields and the command line.
pub fn date_of(field: &str, text: &str) -> Result<Option<NaiveDate>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) if crate::dates::in_range(d) => Ok(Some(d)),
        Ok(_) => Err(FieldError::new(
            field,
            "date_range",
            crate::dates::out_of_range_message(),
        )),
        Err(_) => Err(FieldError::new(field, "date", "日期应形如 2024-03-08")),
    }
}

/// Reads fields of an [`Input`], gathering an error for each bad one.
pub struct Reader<'a> {
    pub input: &'a Input,
    pub errs: Vec<FieldError>,
}

impl<'a> Reader<'a> {
    pub fn new(input: &'a Input) -> Reader<'a> {
        Reader {
            input,
            errs: Vec::new(),
        }
    }

    pub fn required(&mut self, field: &str) {
        self.errs
            .push(FieldError::new(field, "required", "不能为空"));
    }

    /// A date (`2024-03-08`, within the sane range); `None` when empty or bad (named).
    pub fn date(&mut self, field: &str) -> Option<NaiveDate> {
        match date_of(field, self.input.get(field)) {
            Ok(d) => d,
            Err(e) => {
                self.errs.push(e);
                None
            }
        }
    }

    /// A date that must be given.
    pub fn required_date(&mut self, field: &str) -> Option<NaiveDate> {
        let d = self.date(field);
        if self.input.get(field).is_empty() {
            self.required(field);
        }
        d
    }

    /// A text that must be given.
    pub fn required_text(&mut self, field: &str) -> Option<String> {
        let t = self.input.opt(field);
        if t.is_none() {
            self.required(field);
        }
        t
    }

    /// A whole number that must be given.
    pub fn required_int(&mut self, field: &str) -> Option<i32> {
        match self.input.get(field) {
            "" => {
                self.required(field);
                None
            }
            v => match v.parse::<i32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.errs
                        .push(FieldError::new(field, "number", "请输入数字"));
                    None
                }
            },
        }
    }

    /// The value, or every error gathered.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.errs.is_empty() => Ok(v),
            _ => Err(self.errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn json_fields_become_text_and_each_bad_one_is_named() {
        let v = serde_json::json!({"a": "x", "n": 5, "l": ["甲", "乙"], "z": null});
        let (i, errs) = Input::from_json(&v);
        assert!(errs.is_empty());
        assert_eq!(i.get("n"), "5");
        assert_eq!(i.get("l"), "甲\n乙");
        assert!(i.opt("z").is_none());
        let v = serde_json::json!({"o": {}, "l": [1], "ok": true});
        let (i, errs) = Input::from_json(&v);
        let named: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["l", "o"]);
        assert_eq!(i.get("ok"), "true", "the good fields are kept");
        let (_, errs) = Input::from_json(&serde_json::json!([1]));
        assert_eq!(errs[0].field, "body");
    }

    #[test]
    fn merged_errors_name_each_field_once() {
        let typed = vec![FieldError::new("a", "type", "t")];
        let parsed: Result<(), _> = Err(vec![
            FieldError::new("a", "required", "r"),
            FieldError::new("b", "date", "d"),
        ]);
        let errs = Input::merged(typed, parsed).unwrap_err();
        let named: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(named, [("a", "type"), ("b", "date")]);
        assert_eq!(
            Input::merged(Vec::new(), Ok::<_, Vec<FieldError>>(3)),
            Ok(3)
        );
    }

    #[test]
    fn unknown_fields_are_each_named() {
        let i = Input::from_pairs([("a", "1"), ("b", "2"), ("c", "3")]);
        let named: Vec<String> = i.unknown(&["b"]).into_iter().map(|e| e.field).collect();
        assert_eq!(named, ["a", "c"]);
    }

    #[test]
    fn dates_outside_the_sane_range_are_refused() {
        let i = Input::from_pairs([("d", "9999-12-31"), ("e", "2024-02-30"), ("f", "")]);
        let mut r = Reader::new(&i);
        assert_eq!(r.date("d"), None);
        assert_eq!(r.date("e"), None);
        assert_eq!(r.required_date("f"), None);
        let codes: Vec<&str> = r.errs.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["date_range", "date", "required"]);
    }

    proptest! {
        #[test]
        fn reading_any_text_never_panics_and_errs_or_gives_a_sane_date(s in ".{0,40}") {
            let i = Input::from_pairs([("d", s.as_str())]);
            let mut r = Reader::new(&i);
            match r.date("d") {
                Some(d) => prop_assert!(crate::dates::in_range(d)),
                None => prop_assert!(s.trim().is_empty() || r.errs.len() == 1),
            }
            let _ = r.required_int("d");
        }
    }
}
