//! 系统管理 · 单位 · one unit (administrators): its fields to edit (checked against the
//! version shown), 停用 / 启用, 合并 into another unit (confirmed first, naming everything that
//! moves), and its history in words.

use axum::extract::{Query, State};
use axum::http::Uri;
use duikou_core::org::{Org, OrgAction, OrgUses};
use duikou_core::FieldError;
use duikou_store::StoreError;

use crate::admin::org_pages::{kind_choices, org_of, org_row, OrgRow, ORG_FIELDS};
use crate::admin::{tabs, Tab};
use crate::shared::changes::{change_rows_named, ChangeRow};
use crate::shared::forms::{ending, unprocessable, FormState};
use crate::shared::i18n::Lang;
use crate::shared::page::{html, CsrfForm, Flash, Page, PageError, PageResult, PageUser, Section};
use crate::shared::path::Path;
use crate::shared::refs::{Choice, Refs};
use crate::AppState;

/// The forms of a unit's page.
#[derive(Default)]
pub struct Forms {
    pub edit: FormState,
    pub merge: FormState,
}

#[derive(askama::Template)]
#[template(path = "admin/org.html")]
struct OrgPage {
    page: Page,
    tabs: Vec<Tab>,
    o: OrgRow,
    version: i64,
    forms: Forms,
    regions: Vec<Choice>,
    kinds: Vec<Choice>,
    parents: Vec<Choice>,
    /// The units it may be merged into: open ones other than itself.
    targets: Vec<Choice>,
    history: Vec<ChangeRow>,
    flash: Option<&'static str>,
}

fn flash_of(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "created" => "org.created",
        "saved" => "org.saved",
        "disabled" => "org.disabled_done",
        "enabled" => "org.enabled_done",
        _ => return None,
    })
}

/// The edit form filled with the unit as it is.
fn edit_form(o: &Org) -> FormState {
    let mut f = FormState::default();
    f.set("name", o.name.clone());
    f.set("kind", o.kind.code());
    f.set("region_code", o.region_code.clone());
    if let Some(p) = o.parent_id {
        f.set("parent_id", p.to_string());
    }
    f
}

async fn org_page(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    uri: &Uri,
    o: &Org,
    forms: Forms,
    flash: Option<&'static str>,
) -> PageResult {
    let refs = Refs::load(s).await?;
    let entries = s.store.history("org", &o.id.to_string()).await?;
    let writers = s.store.writers(&entries).await?;
    let names = |field: &str, v: &serde_json::Value| match field {
        "parent_id" | "merged_into" | "merged_from" => {
            v.as_i64().map(|id| refs.org_name(lang, Some(id)))
        }
        "region_code" => v.as_str().map(|c| refs.region_with_parent(lang, c)),
        _ => refs.name_of(lang, field, v),
    };
    let own = o.id.to_string();
    let title = format!("{} · {}", lang.t("admin.orgs"), lang.data(&o.name));
    html(&OrgPage {
        page: Page::build(s, u, lang, Section::Admin, title, uri).await,
        tabs: tabs(lang, "/admin/orgs"),
        o: org_row(lang, &refs, o),
        version: o.version,
        regions: refs.region_choices(lang),
        kinds: kind_choices(lang),
        parents: refs
            .open_org_choices(lang, &[forms.edit.value("parent_id")])
            .into_iter()
            .filter(|c| c.value != own)
            .collect(),
        targets: refs
            .open_org_choices(lang, &[])
            .into_iter()
            .filter(|c| c.value != own)
            .collect(),
        history: change_rows_named(lang, &entries, &refs, &writers, &names),
        forms,
        flash,
    })
}

/// `GET /admin/orgs/{id}`.
pub async fn show(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    Query(f): Query<Flash>,
) -> PageResult {
    s.store.scoped(&u.access).require_admin()?;
    let o = s.store.org(id).await?;
    let forms = Forms {
        edit: edit_form(&o),
        merge: FormState::default(),
    };
    org_page(&s, &u, lang, &uri, &o, forms, flash_of(f.done.as_deref())).await
}

/// `POST /admin/orgs/{id}`: the unit's fields, at the version the form was shown with.
pub async fn update(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    scoped.require_admin()?;
    let o = s.store.org(id).await?;
    let version = data.get("version").parse::<i64>().ok();
    let mut form = FormState::from_data(&data);
    form.values.remove("version");
    let mut errs = Vec::new();
    let input = org_of(lang, &data, &mut errs);
    form.add_all(&ORG_FIELDS, lang, &errs);
    let written = match input {
        Some(i) => Some(scoped.update_org(id, version, &i).await),
        None => None,
    };
    let to = || format!("/admin/orgs/{id}?done=saved");
    if let Some(done) = ending(written, &mut form, &ORG_FIELDS, lang, to)? {
        return Ok(done);
    }
    let forms = Forms {
        edit: form,
        merge: FormState::default(),
    };
    unprocessable(org_page(&s, &u, lang, &uri, &o, forms, None).await)
}

/// What a merge moves, in words: each kind of record with its count, those with none left
/// out.
fn moves_text(lang: Lang, merged: &str, kept: &str, uses: &OrgUses) -> String {
    let counts = [
        ("org.projects", uses.projects),
        ("org.source_projects", uses.source_projects),
        ("org.problems", uses.problems),
        ("org.users", uses.users),
        ("org.grants", uses.grants),
        ("org.warnings", uses.warnings),
        ("org.slips", uses.slips),
        ("org.threshold_sets", uses.threshold_sets),
        ("org.children", uses.children),
        ("org.partnerships", uses.partnerships),
        ("org.channels", uses.channels),
    ];
    let moved: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{} {n}", lang.t(k)))
        .collect();
    let what = if moved.is_empty() {
        lang.t("org.moves_nothing").to_owned()
    } else {
        moved.join("、")
    };
    lang.t("org.merge_confirm_what")
        .replace("{merged}", merged)
        .replace("{kept}", kept)
        .replace("{what}", &what)
}

/// `POST /admin/orgs/{id}/{action}`: 停用, 启用, 合并 (asked to be confirmed first, with
/// what moves, then taken with `confirm=on`).
pub async fn act(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    Path((id, action)): Path<(i64, String)>,
    CsrfForm(data): CsrfForm,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    scoped.require_admin()?;
    let o = s.store.org(id).await?;
    let version = data.get("version").parse::<i64>().ok();
    let mut form = FormState::from_data(&data);
    form.values.remove("version");
    let written = match OrgAction::parse(&action, &data) {
        Err(errs) if errs.iter().any(|e| e.field == "action") => {
            return Err(PageError::not_found());
        }
        Err(errs) => {
            form.add_all(&["into"], lang, &errs);
            None
        }
        Ok(OrgAction::Merge { into }) if !data.checked("confirm") => {
            form.values.remove("confirm");
            let failed = match s.store.org(into).await {
                Ok(kept) => {
                    let uses = scoped.org_uses(id, into).await?;
                    let (a, b) = (lang.data(&o.name), lang.data(&kept.name));
                    form.confirm = Some(moves_text(lang, &a, &b, &uses));
                    false
                }
                Err(StoreError::NotFound { .. }) => {
                    let e = FieldError::new("into", "unknown_org", lang.t("org.unknown"));
                    form.add(&["into"], lang, &e);
                    true
                }
                Err(e) => return Err(e.into()),
            };
            let forms = Forms {
                edit: edit_form(&o),
                merge: form,
            };
            let page = org_page(&s, &u, lang, &uri, &o, forms, None).await;
            return if failed { unprocessable(page) } else { page };
        }
        Ok(a) => Some(scoped.act_org(id, version, a).await),
    };
    let to = || match action.as_str() {
        "merge" => "/admin/orgs?done=merged".to_owned(),
        other => format!("/admin/orgs/{id}?done={other}d"),
    };
    if let Some(done) = ending(written, &mut form, &["into"], lang, to)? {
        return Ok(done);
    }
    let forms = Forms {
        edit: edit_form(&o),
        merge: form,
    };
    unprocessable(org_page(&s, &u, lang, &uri, &o, forms, None).await)
}
