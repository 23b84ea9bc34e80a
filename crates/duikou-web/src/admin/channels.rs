//! 系统管理 · 通知渠道 (administrators): where warning events are sent — list, create, edit
//! (the secret is never shown; left empty it is kept), delete.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect};
use duikou_core::notify::{ChannelFields, ChannelKind};
use duikou_core::warnings::Level;
use duikou_core::FieldError;
use duikou_store::Channel;

use crate::admin::{tabs, Tab};
use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::labels;
use crate::shared::page::Flash;
use crate::shared::page::{html, CsrfForm, FormData, Page, PageResult, PageUser, Section};
use crate::shared::refs::{Choice, Refs};
use crate::AppState;

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

fn channel_choices(lang: Lang, refs: &Refs, form: &FormState) -> ChannelChoices {
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
        orgs: refs.open_org_choices(lang, &[form.value("org_id")]),
    }
}

#[derive(askama::Template)]
#[template(path = "admin/channels.html")]
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
#[template(path = "admin/channel_form.html")]
struct ChannelEditPage {
    page: Page,
    tabs: Vec<Tab>,
    id: i64,
    version: i64,
    form: FormState,
    choices: ChannelChoices,
    secret_hint: &'static str,
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
        choices: channel_choices(lang, &refs, &form),
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
        choices: channel_choices(lang, &refs, &form),
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
