//! A form as shown again after a failed submission: what was typed, and each error next to
//! the field it names (the core and the store name fields with their code names).

use std::collections::BTreeMap;

use duikou_core::FieldError;
use duikou_store::StoreError;

use crate::shared::i18n::Lang;
use crate::shared::merge::{Theirs, ORIG};
use crate::shared::page::{FormData, PageError};

#[derive(Debug, Clone, Default)]
pub struct FormState {
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
    /// Errors that name no field of this form.
    pub general: Vec<String>,
    /// The form was submitted and failed (it is shown open).
    pub failed: bool,
    /// What the writer is asked to confirm before the form is taken (a wide grant, a step
    /// that cannot be undone): shown with a box to tick (`confirm`) and the form as typed.
    pub confirm: Option<String>,
    /// The save was refused because someone else saved the record first: the form is shown
    /// to be merged (`shared::merge`).
    pub stale: bool,
    /// The fields the other writer changed since the form was opened, each with their value.
    pub theirs: BTreeMap<String, Theirs>,
}

impl FormState {
    pub fn from_data(data: &FormData) -> FormState {
        let mut values = data.0.clone();
        values.remove("csrf_token");
        FormState {
            values,
            ..FormState::default()
        }
    }
    /// What was typed into a field (or its initial value).
    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or("")
    }
    /// Whether a select's option is the chosen one.
    pub fn is(&self, field: &str, option: &str) -> bool {
        self.value(field) == option
    }
    pub fn checked(&self, field: &str) -> bool {
        matches!(self.value(field), "on" | "true" | "1")
    }
    /// The other writer's value of a field of a form shown to be merged.
    pub fn theirs(&self, field: &str) -> Option<&Theirs> {
        self.theirs.get(field)
    }
    /// What the form started from (`orig.<field>`), carried in hidden fields.
    pub fn origins(&self) -> Vec<(&str, &str)> {
        self.values
            .iter()
            .filter(|(k, _)| k.starts_with(ORIG))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }
    pub fn set(&mut self, field: &str, value: impl Into<String>) {
        self.values.insert(field.to_owned(), value.into());
    }
    /// Records an error under `field` when the form has that field, else as a general one.
    pub fn add(&mut self, fields: &[&str], lang: Lang, e: &FieldError) {
        self.failed = true;
        let text = error_text(lang, e);
        if fields.contains(&e.field.as_str()) {
            self.errors
                .entry(e.field.clone())
                .and_modify(|t| {
                    t.push('；');
                    t.push_str(&text);
                })
                .or_insert(text);
        } else {
            self.general.push(text);
        }
    }
    pub fn add_all(&mut self, fields: &[&str], lang: Lang, errs: &[FieldError]) {
        for e in errs {
            self.add(fields, lang, e);
        }
    }
    pub fn general_error(&mut self, text: String) {
        self.failed = true;
        self.general.push(text);
    }
    /// Takes a store failure into the form where it concerns the input (invalid fields, a
    /// stale version, a refused right); anything else becomes an error page.
    pub fn store_error(
        &mut self,
        fields: &[&str],
        lang: Lang,
        e: StoreError,
    ) -> Result<(), PageError> {
        match e {
            StoreError::Invalid(v) => self.add_all(fields, lang, &v.0),
            StoreError::Stale { .. } => self.general_error(lang.t("error.stale").to_owned()),
            StoreError::Forbidden(m) => self.general_error(lang.message(&m)),
            StoreError::OutOfScope(errs) => self.add_all(fields, lang, &errs),
            StoreError::NotFound { kind, id } if kind != "project" => {
                let e = FieldError::new(not_found_field(kind), "unknown", format!("{kind} {id}"));
                self.add(fields, lang, &e)
            }
            other => return Err(other.into()),
        }
        Ok(())
    }
}

/// The form field a "not found" of a referenced record belongs to.
fn not_found_field(kind: &str) -> &'static str {
    match kind {
        "region" => "host_region_code",
        "partnership" => "partnership_id",
        "org" => "owner_org_id",
        _ => "",
    }
}

/// The text of a field error in `lang`: the core's message (written in zh-Hans, converted
/// for zh-Hant); in English the catalog's text for its code (`err.CODE`) where there is one.
pub fn error_text(lang: Lang, e: &FieldError) -> String {
    match lang {
        Lang::En => match lang.t_opt(&format!("err.{}", e.code)) {
            Some(text) => text.to_owned(),
            None => e.message.clone(),
        },
        _ => lang.message(&e.message),
    }
}

/// A date field (2024-03-08); `None` when empty. A bad value is recorded under the field.
pub fn parse_date(
    data: &FormData,
    field: &str,
    errs: &mut Vec<FieldError>,
) -> Option<chrono::NaiveDate> {
    // Core's parse; the message is put in the page's language where the error is shown.
    duikou_core::input::date_of(field, data.get(field)).unwrap_or_else(|e| {
        errs.push(e);
        None
    })
}

/// The end of a page's write. `written` is `None` when the form did not parse (its errors are
/// in `form` already). A write that succeeded goes to `to`; a writer without the right is
/// refused with a 403, not shown a form to fix; any other refusal lands in `form`, beside its
/// fields, and `Ok(None)` says to show the page again (with [`unprocessable`]).
pub fn ending<T>(
    written: Option<Result<T, StoreError>>,
    form: &mut FormState,
    fields: &[&str],
    lang: Lang,
    to: impl FnOnce() -> String,
) -> Result<Option<axum::response::Response>, PageError> {
    use axum::response::{IntoResponse, Redirect};
    match written {
        Some(Ok(_)) => Ok(Some(Redirect::to(&to()).into_response())),
        Some(Err(e @ StoreError::Forbidden(_))) => Err(e.into()),
        Some(Err(e)) => form.store_error(fields, lang, e).map(|()| None),
        None => Ok(None),
    }
}

/// A page shown again after a refused write: 422, the form as typed.
pub fn unprocessable(page: crate::shared::page::PageResult) -> crate::shared::page::PageResult {
    use axum::response::IntoResponse;
    page.map(|r| (axum::http::StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
}
