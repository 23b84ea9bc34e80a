//! 系统管理 · 预警阈值 (administrators): the thresholds in force and a new set for an
//! organisation and year.

use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use duikou_core::warnings::{RuleId, Thresholds};
use duikou_core::{FieldError, Stage};

use crate::admin::{tabs, Tab};
use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::page::Flash;
use crate::shared::page::{html, CsrfForm, Page, PageResult, PageUser, Section};
use crate::shared::refs::{Choice, Refs};
use crate::shared::{fmt, labels};
use crate::AppState;

/// The numeric thresholds, in the order of the form.
const NUMBERS: [&str; 10] = [
    "committed_share_percent",
    "committed_days_left",
    "open_item_days_left",
    "problem_due_within_days",
    "stalled_days",
    "stalled_red_days",
    "behind_yellow_points",
    "behind_red_points",
    "start_red_months",
    "slip_reply_days",
];

fn number_of(t: &Thresholds, field: &str) -> i64 {
    match field {
        "committed_share_percent" => t.committed_share_percent,
        "committed_days_left" => t.committed_days_left,
        "open_item_days_left" => t.open_item_days_left,
        "problem_due_within_days" => t.problem_due_within_days,
        "stalled_days" => t.stalled_days,
        "stalled_red_days" => t.stalled_red_days,
        "behind_yellow_points" => t.behind_yellow_points,
        "behind_red_points" => t.behind_red_points,
        "start_red_months" => t.start_red_months,
        "slip_reply_days" => t.slip_reply_days,
        _ => 0,
    }
}

fn set_number(t: &mut Thresholds, field: &str, v: i64) {
    match field {
        "committed_share_percent" => t.committed_share_percent = v,
        "committed_days_left" => t.committed_days_left = v,
        "open_item_days_left" => t.open_item_days_left = v,
        "problem_due_within_days" => t.problem_due_within_days = v,
        "stalled_days" => t.stalled_days = v,
        "stalled_red_days" => t.stalled_red_days = v,
        "behind_yellow_points" => t.behind_yellow_points = v,
        "behind_red_points" => t.behind_red_points = v,
        "start_red_months" => t.start_red_months = v,
        "slip_reply_days" => t.slip_reply_days = v,
        _ => {}
    }
}

pub struct ThresholdRow {
    pub label: &'static str,
    pub value: String,
}

pub struct SetRow {
    pub org: String,
    pub year: i32,
    pub version: String,
    pub created: String,
    pub by: String,
    pub in_force: bool,
}

pub struct RuleBox {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

#[derive(askama::Template)]
#[template(path = "warnings/thresholds.html")]
struct ThresholdsPage {
    page: Page,
    tabs: Vec<Tab>,
    year: i32,
    version_in_force: String,
    source: String,
    rows: Vec<ThresholdRow>,
    sets: Vec<SetRow>,
    form: FormState,
    numbers: Vec<(&'static str, &'static str)>,
    rules: Vec<RuleBox>,
    /// The stages a skip to which waits for approval (签约 onwards: a skip lands there).
    approvals: Vec<RuleBox>,
    approve_terminate: bool,
    orgs: Vec<Choice>,
    flash: bool,
}

fn threshold_rows(lang: Lang, t: &Thresholds) -> Vec<ThresholdRow> {
    let mut rows: Vec<ThresholdRow> = NUMBERS
        .iter()
        .map(|f| ThresholdRow {
            label: lang.t(&format!("threshold.{f}")),
            value: number_of(t, f).to_string(),
        })
        .collect();
    rows.push(ThresholdRow {
        label: lang.t("threshold.approve_skips_to"),
        value: t
            .approve_skips_to
            .iter()
            .map(|s| labels::stage(lang, *s))
            .collect::<Vec<_>>()
            .join("、"),
    });
    rows.push(ThresholdRow {
        label: lang.t("threshold.approve_terminate"),
        value: lang
            .t(if t.approve_terminate {
                "value.yes"
            } else {
                "value.no"
            })
            .to_owned(),
    });
    rows.push(ThresholdRow {
        label: lang.t("threshold.slip_rules"),
        value: t
            .slip_rules
            .iter()
            .map(|r| labels::rule(lang, *r))
            .collect::<Vec<_>>()
            .join("、"),
    });
    rows
}

async fn thresholds_page(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    form: Option<FormState>,
    flash: bool,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    scoped.require_admin()?;
    let sets = scoped.threshold_sets().await?;
    let refs = Refs::load(s).await?;
    let year = s.today().year();
    let default = Thresholds::default();
    let set = duikou_store::set_in_force(&sets, None, year);
    let t = set.map_or(&default, |s| &s.thresholds);
    let form = form.unwrap_or_else(|| {
        let mut f = FormState::default();
        f.set("year", year.to_string());
        for n in NUMBERS {
            f.set(n, number_of(t, n).to_string());
        }
        for r in &t.slip_rules {
            f.set(&format!("slip_rule.{}", r.code()), "on");
        }
        for st in &t.approve_skips_to {
            f.set(&format!("approve_skip.{}", st.code()), "on");
        }
        if t.approve_terminate {
            f.set("approve_terminate", "on");
        }
        f
    });
    let failed = form.failed;
    let org_label = |o: Option<i64>| {
        let n = refs.org_name(lang, o);
        if n.is_empty() {
            lang.t("admin.all_orgs").to_owned()
        } else {
            n
        }
    };
    let r = html(&ThresholdsPage {
        page: Page::build(
            s,
            u,
            lang,
            Section::Admin,
            lang.t("admin.thresholds").into(),
            uri,
        )
        .await,
        tabs: tabs(lang, "/admin/thresholds"),
        year,
        version_in_force: crate::warnings::pages::version_label(lang, &t.version),
        source: match set {
            Some(set) => format!("{} · {}", org_label(set.org_id), set.year),
            None => lang.t("threshold.shipped").to_owned(),
        },
        rows: threshold_rows(lang, t),
        sets: sets
            .iter()
            .rev()
            .map(|st| SetRow {
                org: org_label(st.org_id),
                year: st.year,
                version: crate::warnings::pages::version_label(lang, &st.thresholds.version),
                created: fmt::time(st.created_at),
                by: lang.data(&st.created_by).into_owned(),
                in_force: set.is_some_and(|x| x.id == st.id),
            })
            .collect(),
        numbers: NUMBERS
            .iter()
            .map(|n| (*n, lang.t(&format!("threshold.{n}"))))
            .collect(),
        rules: RuleId::ALL
            .into_iter()
            .map(|r| RuleBox {
                code: r.code(),
                label: labels::rule(lang, r).to_owned(),
                checked: form.checked(&format!("slip_rule.{}", r.code())),
            })
            .collect(),
        approvals: Stage::MAIN_LINE[2..]
            .iter()
            .map(|st| RuleBox {
                code: st.code(),
                label: lang
                    .t("threshold.skip_to")
                    .replace("{stage}", labels::stage(lang, *st)),
                checked: form.checked(&format!("approve_skip.{}", st.code())),
            })
            .collect(),
        approve_terminate: form.checked("approve_terminate"),
        orgs: refs.open_org_choices(lang, &[form.value("org_id")]),
        form,
        flash,
    })?;
    Ok(if failed {
        (StatusCode::UNPROCESSABLE_ENTITY, r).into_response()
    } else {
        r
    })
}

pub async fn thresholds(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Query(f): Query<Flash>,
) -> PageResult {
    let flash = f.done.as_deref() == Some("saved");
    thresholds_page(&s, &u, lang, &uri, None, flash).await
}

pub async fn save_thresholds(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let mut form = FormState::from_data(&data);
    let mut errs = Vec::new();
    let mut t = Thresholds {
        version: data.get("version").to_owned(),
        slip_rules: RuleId::ALL
            .into_iter()
            .filter(|r| data.checked(&format!("slip_rule.{}", r.code())))
            .collect(),
        approve_skips_to: Stage::MAIN_LINE
            .into_iter()
            .filter(|st| data.checked(&format!("approve_skip.{}", st.code())))
            .collect(),
        approve_terminate: data.checked("approve_terminate"),
        ..Thresholds::default()
    };
    for n in NUMBERS {
        match data.get(n).parse::<i64>() {
            Ok(v) => set_number(&mut t, n, v),
            Err(_) => errs.push(FieldError::new(n, "number", lang.t("err.number"))),
        }
    }
    let year = match data.get("year").parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => Some(y),
        _ => {
            errs.push(FieldError::new(
                "year",
                "number",
                lang.t("threshold.bad_year"),
            ));
            None
        }
    };
    let org_id = match data.get("org_id") {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errs.push(FieldError::new("org_id", "number", lang.t("err.number")));
                None
            }
        },
    };
    let mut fields: Vec<&str> = NUMBERS.to_vec();
    fields.extend(["version", "year", "org_id", "slip_rules"]);
    if let (Some(year), true) = (year, errs.is_empty()) {
        match s
            .store
            .scoped(&u.access)
            .save_thresholds(org_id, year, &t)
            .await
        {
            Ok(_) => return Ok(Redirect::to("/admin/thresholds?done=saved").into_response()),
            Err(e) => form.store_error(&fields, lang, e)?,
        }
    }
    form.add_all(&fields, lang, &errs);
    thresholds_page(&s, &u, lang, &uri, Some(form), false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_number_of_the_form_reads_and_writes_its_own_threshold() {
        let mut t = Thresholds::default();
        for (i, n) in NUMBERS.iter().enumerate() {
            set_number(&mut t, n, 100 + i as i64);
        }
        for (i, n) in NUMBERS.iter().enumerate() {
            assert_eq!(number_of(&t, n), 100 + i as i64, "{n}");
        }
    }
}
