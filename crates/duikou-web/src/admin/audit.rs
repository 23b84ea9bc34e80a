//! 系统管理 · 审计日志 (administrators): the change log newest first, filtered by kind of
//! record, by who wrote and by days, a page at a time, each entry in words (who by name and
//! unit, which record, which fields changed); and on demand (a button: it walks the whole
//! chain) the verdict `duikou audit verify` gives of the chain.

use axum::extract::{RawQuery, State};
use axum::http::Uri;
use duikou_core::FieldError;
use duikou_store::{AuditFilter, AuditReport, BreakKind, ChangeEntry, Writers};

use crate::admin::{tabs, Tab};
use crate::shared::changes::{change_row, writer};
use crate::shared::forms::{parse_date, FormState};
use crate::shared::i18n::Lang;
use crate::shared::page::{html, FormData, Page, PageResult, PageUser, Section};
use crate::shared::params::{pager, Pager, UrlParams};
use crate::shared::refs::{Choice, Refs};
use crate::AppState;

pub const PAGE_SIZE: i64 = 50;

const PARAMS: [&str; 6] = ["kind", "user", "from", "to", "page", "verify"];

/// The kinds of record the change log names, in the order the filter offers them.
const KINDS: [&str; 18] = [
    "project",
    "progress_report",
    "problem",
    "schedule",
    "step",
    "warning",
    "slip",
    "annual_plan",
    "thresholds",
    "template",
    "calendar",
    "region",
    "org",
    "partnership",
    "channel",
    "user",
    "token",
    "session",
];

pub struct EntryRow {
    pub seq: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub what: String,
    pub record: String,
    pub href: Option<String>,
    pub fields: String,
}

/// The verdict on the chain: intact or not, and what the command would say.
pub struct Verdict {
    pub intact: bool,
    pub text: String,
}

#[derive(askama::Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    tabs: Vec<Tab>,
    filters: FormState,
    kinds: Vec<Choice>,
    users: Vec<Choice>,
    rows: Vec<EntryRow>,
    total: i64,
    pager: Pager,
    filtered: bool,
    verdict: Option<Verdict>,
    /// The address of this list with the verification asked for.
    verify_href: String,
}

fn kind_label(lang: Lang, kind: &str) -> String {
    match lang.t_opt(&format!("kind.{kind}")) {
        Some(k) => k.to_owned(),
        None => lang.message(duikou_store::kind_zh(kind)),
    }
}

/// The record an entry names, in words, and its page where it has one.
fn record_of(lang: Lang, refs: &Refs, e: &ChangeEntry) -> (String, Option<String>) {
    let id = e.record_id.as_str();
    let num = id.parse::<i64>().ok();
    match (e.kind.as_str(), num) {
        ("project", Some(n)) => (format!("#{n}"), Some(format!("/projects/{n}"))),
        ("org", Some(n)) => (
            refs.org_name(lang, Some(n)),
            Some(format!("/admin/orgs/{n}")),
        ),
        ("partnership", Some(n)) => (refs.partnership_name(lang, Some(n)), None),
        ("region", _) => (refs.region_with_parent(lang, id), None),
        ("user", _) => (id.to_owned(), Some(format!("/admin/users/{id}"))),
        _ => (id.to_owned(), None),
    }
}

fn entry_row(lang: Lang, refs: &Refs, writers: &Writers, e: &ChangeEntry) -> EntryRow {
    let row = change_row(lang, e, &|k, v| refs.name_of(lang, k, v));
    let (record, href) = record_of(lang, refs, e);
    EntryRow {
        seq: e.seq.map(|s| s.to_string()).unwrap_or_default(),
        at: row.at,
        actor: writer(lang, e, refs, writers),
        action: row.action,
        what: kind_label(lang, &e.kind),
        record,
        href,
        fields: row
            .changes
            .iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>()
            .join("、"),
    }
}

/// The verdict in words, as `duikou audit verify` gives it.
pub fn verdict(lang: Lang, r: &AuditReport) -> Verdict {
    let Some(b) = &r.first_break else {
        let text = lang
            .t("audit.intact")
            .replace("{n}", &r.checked.to_string());
        return Verdict { intact: true, text };
    };
    let seq = b.seq.map(|s| s.to_string()).unwrap_or_default();
    let (key, n) = match &b.problem {
        BreakKind::Edited => ("audit.break.edited", 0),
        BreakKind::Missing { count } if b.entry.is_none() => ("audit.break.missing_end", *count),
        BreakKind::Missing { count } => ("audit.break.missing", *count),
        BreakKind::OutOfOrder { belongs_at } => {
            ("audit.break.out_of_order", belongs_at.unwrap_or(0))
        }
        BreakKind::HeadMismatch { last_seq } => ("audit.break.head_mismatch", *last_seq),
        BreakKind::HeadMissing => ("audit.break.head_missing", 0),
        BreakKind::Unchained { count } => ("audit.break.unchained", *count),
        BreakKind::WrongKey => ("audit.break.wrong_key", 0),
    };
    let what = lang
        .t(key)
        .replace("{seq}", &seq)
        .replace("{n}", &n.to_string());
    let text = lang.t("audit.broken").replace("{what}", &what);
    Verdict {
        intact: false,
        text,
    }
}

/// The filter of the list's parameters; a bad one is named beside its field.
fn filter_of(lang: Lang, params: &UrlParams, filters: &mut FormState) -> AuditFilter {
    let mut f = AuditFilter::default();
    match params.get("kind") {
        "" => {}
        k if KINDS.contains(&k) => f.kind = Some(k.to_owned()),
        _ => {
            let e = FieldError::new("kind", "choice", lang.t("list.bad_value"));
            filters.add(&["kind"], lang, &e);
        }
    }
    match params.id("user") {
        Ok(u) => f.user_id = u,
        Err(()) => {
            let e = FieldError::new("user", "choice", lang.t("list.bad_value"));
            filters.add(&["user"], lang, &e);
        }
    }
    let data = FormData::from_pairs(params.map.clone());
    let mut errs = Vec::new();
    f.from = parse_date(&data, "from", &mut errs);
    f.to = parse_date(&data, "to", &mut errs);
    filters.add_all(&["from", "to"], lang, &errs);
    f
}

/// `GET /admin/audit` (`verify=1`: with the chain's verdict on top).
pub async fn list(
    State(s): State<AppState>,
    u: PageUser,
    lang: Lang,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> PageResult {
    let scoped = s.store.scoped(&u.access);
    scoped.require_admin()?;
    let params = UrlParams::parse("/admin/audit", &PARAMS, query.as_deref());
    let mut filters = FormState::default();
    for (k, v) in &params.map {
        filters.set(k, v.clone());
    }
    let filter = filter_of(lang, &params, &mut filters);
    let offset = (params.page() - 1).saturating_mul(PAGE_SIZE);
    let found = scoped.audit_log(&filter, PAGE_SIZE, offset).await?;
    let verdict = match params.get("verify") {
        "" => None,
        _ => Some(verdict(lang, &scoped.verify_audit().await?)),
    };
    let refs = Refs::load(&s).await?;
    let writers = s.store.writers(&found.items).await?;
    let users = s
        .store
        .users()
        .await?
        .iter()
        .map(|x| Choice {
            value: x.id.to_string(),
            label: format!("{}（{}）", lang.data(&x.display_name), x.login),
        })
        .collect();
    let title = lang.t("admin.audit").to_owned();
    let listed = UrlParams::parse("/admin/audit", &PARAMS[..5], query.as_deref());
    html(&AuditPage {
        page: Page::build(&s, &u, lang, Section::Admin, title, &uri).await,
        tabs: tabs(lang, "/admin/audit"),
        kinds: KINDS
            .iter()
            .map(|k| Choice {
                value: (*k).to_owned(),
                label: kind_label(lang, k),
            })
            .collect(),
        users,
        rows: found
            .items
            .iter()
            .map(|e| entry_row(lang, &refs, &writers, e))
            .collect(),
        total: found.total,
        pager: pager(&listed, found.total, PAGE_SIZE),
        filtered: listed.filtered(),
        verify_href: listed.href(&[("verify", Some("1".to_owned()))]),
        filters,
        verdict,
    })
}
