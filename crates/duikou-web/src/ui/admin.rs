//! 系统管理 (administrators): 通知渠道 — where warning events are sent: list, create, edit
//! (the secret is never shown; left empty it is kept), delete — and 预警阈值 — the thresholds
//! in force and a new set for an organisation and year. 用户 and 授权 are in `admin_users`,
//! 流程模板 and 工作日历 in `admin_reference`; the other sections are shown as under
//! construction.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use duikou_core::notify::{ChannelFields, ChannelKind};
use duikou_core::warnings::{Level, RuleId, Thresholds};
use duikou_core::FieldError;
use duikou_store::Channel;

use super::forms::FormState;
use super::i18n::Lang;
use super::page::{html, CsrfForm, FormData, Page, PageResult, PageUser, Section};
use super::refs::{Choice, Refs};
use super::{fmt, labels};
use crate::AppState;

/// One tab of 系统管理.
pub struct Tab {
    pub label: &'static str,
    pub href: Option<&'static str>,
    pub active: bool,
}

pub(super) fn tabs(lang: Lang, current: &str) -> Vec<Tab> {
    [
        ("admin.users", Some("/admin/users")),
        ("admin.orgs", None),
        ("admin.regions", None),
        ("admin.templates", Some("/admin/templates")),
        ("admin.calendar", Some("/admin/calendar")),
        ("admin.channels", Some("/admin/channels")),
        ("admin.thresholds", Some("/admin/thresholds")),
        ("admin.audit", None),
    ]
    .into_iter()
    .map(|(key, href)| Tab {
        label: lang.t(key),
        href,
        active: href == Some(current),
    })
    .collect()
}

pub struct ChannelRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub org: String,
    pub target: String,
    pub has_secret: bool,
    pub min_level: &'static str,
    pub enabled: bool,
    pub version: i64,
}

fn channel_row(lang: Lang, refs: &Refs, c: &Channel) -> ChannelRow {
    let org = refs.org_name(lang, c.org_id);
    ChannelRow {
        id: c.id,
        name: lang.data(&c.name).into_owned(),
        kind: labels::channel_kind(lang, c.kind),
        org: if org.is_empty() {
            lang.t("admin.all_orgs").to_owned()
        } else {
            org
        },
        target: c.target.clone(),
        has_secret: c.has_secret,
        min_level: lang.t(match c.min_level {
            Level::Yellow => "channel.level_yellow",
            Level::Red => "channel.level_red",
        }),
        enabled: c.enabled,
        version: c.version,
    }
}

/// The choices of the channel form.
pub struct ChannelChoices {
    pub kinds: Vec<Choice>,
    pub levels: Vec<Choice>,
    pub orgs: Vec<Choice>,
}

fn channel_choices(lang: Lang, refs: &Refs) -> ChannelChoices {
    ChannelChoices {
        kinds: ChannelKind::ALL
            .into_iter()
            .map(|k| Choice {
                value: k.code().to_owned(),
                label: labels::channel_kind(lang, k).to_owned(),
            })
            .collect(),
        levels: [Level::Yellow, Level::Red]
            .into_iter()
            .map(|l| Choice {
                value: l.code().to_owned(),
                label: lang
                    .t(match l {
                        Level::Yellow => "channel.level_yellow",
                        Level::Red => "channel.level_red",
                    })
                    .to_owned(),
            })
            .collect(),
        orgs: refs.org_choices(lang),
    }
}

#[derive(askama::Template)]
#[template(path = "channels.html")]
struct ChannelsPage {
    page: Page,
    tabs: Vec<Tab>,
    rows: Vec<ChannelRow>,
    form: FormState,
    choices: ChannelChoices,
    secret_hint: &'static str,
    flash: Option<&'static str>,
}

#[derive(askama::Template)]
#[template(path = "channel_form.html")]
struct ChannelEditPage {
    page: Page,
    tabs: Vec<Tab>,
    id: i64,
    version: i64,
    form: FormState,
    choices: ChannelChoices,
    secret_hint: &'static str,
}

#[derive(Debug, serde::Deserialize)]
pub struct Flash {
    done: Option<String>,
}

fn channel_flash(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "created" => "channel.created",
        "saved" => "channel.saved",
        "deleted" => "channel.deleted",
        _ => return None,
    })
}

const CHANNEL_FIELDS: [&str; 7] = [
    "org_id",
    "kind",
    "name",
    "target",
    "secret",
    "min_level",
    "enabled",
];

async fn channels_page(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    form: FormState,
    flash: Option<&'static str>,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let channels = scoped.channels().await?;
    let refs = Refs::load(s).await?;
    let failed = form.failed;
    let r = html(&ChannelsPage {
        page: Page::build(
            s,
            u,
            lang,
            Section::Admin,
            lang.t("admin.channels").into(),
            uri,
        )
        .await,
        tabs: tabs(lang, "/admin/channels"),
        rows: channels
            .iter()
            .map(|c| channel_row(lang, &refs, c))
            .collect(),
        choices: channel_choices(lang, &refs),
        secret_hint: lang.t("channel.secret_hint"),
        form,
        flash,
    })?;
    Ok(if failed {
        (StatusCode::UNPROCESSABLE_ENTITY, r).into_response()
    } else {
        r
    })
}

fn fresh_channel_form() -> FormState {
    let mut f = FormState::default();
    f.set("kind", ChannelKind::Dingtalk.code());
    f.set("min_level", Level::Yellow.code());
    f.set("enabled", "on");
    f
}

pub async fn channels(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Query(f): Query<Flash>,
) -> PageResult {
    channels_page(
        &s,
        &u,
        lang,
        &uri,
        fresh_channel_form(),
        channel_flash(f.done.as_deref()),
    )
    .await
}

/// The channel typed into the form; errors of fields that do not parse.
fn channel_of(lang: Lang, data: &FormData, errs: &mut Vec<FieldError>) -> Option<ChannelFields> {
    let kind = ChannelKind::parse(data.get("kind"));
    if kind.is_none() {
        errs.push(FieldError::new("kind", "required", lang.t("err.required")));
    }
    let min_level = Level::parse(data.get("min_level"));
    if min_level.is_none() {
        errs.push(FieldError::new(
            "min_level",
            "required",
            lang.t("err.required"),
        ));
    }
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
    Some(ChannelFields {
        org_id,
        kind: kind?,
        name: data.get("name").to_owned(),
        target: data.get("target").to_owned(),
        secret: data.opt("secret"),
        min_level: min_level?,
        enabled: data.checked("enabled"),
    })
}

/// The form as shown again: never with the secret that was typed.
fn form_without_secret(data: &FormData) -> FormState {
    let mut form = FormState::from_data(data);
    form.values.remove("secret");
    form.values.remove("version");
    form
}

pub async fn create_channel(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    s.store.scoped(&u.access).require_admin()?;
    let mut form = form_without_secret(&data);
    let mut errs = Vec::new();
    if let (Some(fields), true) = (channel_of(lang, &data, &mut errs), errs.is_empty()) {
        match s.store.scoped(&u.access).create_channel(&fields).await {
            Ok(_) => return Ok(Redirect::to("/admin/channels?done=created").into_response()),
            Err(e) => form.store_error(&CHANNEL_FIELDS, lang, e)?,
        }
    }
    form.add_all(&CHANNEL_FIELDS, lang, &errs);
    channels_page(&s, &u, lang, &uri, form, None).await
}

async fn edit_page(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    c: &Channel,
    form: FormState,
) -> PageResult {
    let refs = Refs::load(s).await?;
    let failed = form.failed;
    let r = html(&ChannelEditPage {
        page: Page::build(
            s,
            u,
            lang,
            Section::Admin,
            lang.data(&c.name).into_owned(),
            uri,
        )
        .await,
        tabs: tabs(lang, "/admin/channels"),
        id: c.id,
        version: c.version,
        choices: channel_choices(lang, &refs),
        secret_hint: lang.t(if c.has_secret {
            "channel.secret_keep"
        } else {
            "channel.secret_hint"
        }),
        form,
    })?;
    Ok(if failed {
        (StatusCode::UNPROCESSABLE_ENTITY, r).into_response()
    } else {
        r
    })
}

pub async fn edit_channel(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
) -> PageResult {
    let c = s.store.scoped(&u.access).channel(id).await?;
    let mut form = FormState::default();
    if let Some(o) = c.org_id {
        form.set("org_id", o.to_string());
    }
    form.set("kind", c.kind.code());
    form.set("name", c.name.clone());
    form.set("target", c.target.clone());
    form.set("min_level", c.min_level.code());
    if c.enabled {
        form.set("enabled", "on");
    }
    edit_page(&s, &u, lang, &uri, &c, form).await
}

pub async fn update_channel(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    let c = scoped.channel(id).await?;
    let version = data.get("version").parse::<i64>().ok();
    let mut form = form_without_secret(&data);
    let mut errs = Vec::new();
    if let (Some(fields), true) = (channel_of(lang, &data, &mut errs), errs.is_empty()) {
        match scoped.update_channel(id, version, &fields).await {
            Ok(_) => return Ok(Redirect::to("/admin/channels?done=saved").into_response()),
            Err(e) => form.store_error(&CHANNEL_FIELDS, lang, e)?,
        }
    }
    form.add_all(&CHANNEL_FIELDS, lang, &errs);
    edit_page(&s, &u, lang, &uri, &c, form).await
}

pub async fn delete_channel(
    State(s): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let version = data.get("version").parse::<i64>().ok();
    s.store
        .scoped(&u.access)
        .delete_channel(id, version)
        .await?;
    Ok(Redirect::to("/admin/channels?done=deleted").into_response())
}

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
    pub label: &'static str,
    pub checked: bool,
}

#[derive(askama::Template)]
#[template(path = "thresholds.html")]
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
        version_in_force: t.version.clone(),
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
                version: st.thresholds.version.clone(),
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
                label: labels::rule(lang, r),
                checked: form.checked(&format!("slip_rule.{}", r.code())),
            })
            .collect(),
        orgs: refs.org_choices(lang),
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
