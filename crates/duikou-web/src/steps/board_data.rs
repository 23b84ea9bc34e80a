//! What the 项目管家 board and its export show: the late steps grouped by project (each chain's
//! first late step with its 逾期天数 and the steps 顺延 behind it), the steps due within a week
//! and the open 容缺受理 / 告知承诺, under the filters of the URL (the step's 责任单位, its
//! status, which list).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use duikou_core::calendar::WorkCalendar;
use duikou_core::steps::{
    late_chains, open_commitments, open_deficiencies, OpenItemKind, StepStatus, Template,
};
use duikou_store::{OpenStep, StoreError};

use crate::shared::fmt;
use crate::shared::forms::FormState;
use crate::shared::i18n::Lang;
use crate::shared::params::UrlParams;
use crate::shared::refs::{Choice, Refs};
use crate::steps::pages::status_label;
use crate::AppState;

/// The most rows read for the board.
const LIMIT: i64 = 2000;

/// The parameters the board keeps in its URL.
pub const PARAMS: [&str; 3] = ["unit", "status", "list"];

/// The board's three lists, by their code in the URL.
pub const LISTS: [&str; 3] = ["late", "due_soon", "follow_ups"];

/// The filters of the URL; a bad value is reported on the form and left out.
#[derive(Debug, Default)]
pub struct BoardFilter {
    /// A step owner's name as the template gives it.
    pub unit: Option<String>,
    pub status: Option<StepStatus>,
    /// One of [`LISTS`]; none for all three.
    pub list: Option<&'static str>,
}

impl BoardFilter {
    pub fn parse(p: &UrlParams, lang: Lang, form: &mut FormState) -> BoardFilter {
        let mut bad = |field: &str| {
            form.failed = true;
            form.errors
                .insert(field.to_owned(), lang.t("list.bad_value").to_owned());
        };
        let mut f = BoardFilter {
            unit: Some(p.get("unit").to_owned()).filter(|u| !u.is_empty()),
            ..BoardFilter::default()
        };
        match p.get("status") {
            "" => {}
            s => match StepStatus::parse(s) {
                Some(s) => f.status = Some(s),
                None => bad("status"),
            },
        }
        match p.get("list") {
            "" => {}
            l => match LISTS.iter().find(|x| **x == l) {
                Some(l) => f.list = Some(*l),
                None => bad("list"),
            },
        }
        f
    }

    /// Whether the list `code` is shown.
    pub fn shows(&self, code: &str) -> bool {
        self.list.is_none_or(|l| l == code)
    }

    /// Whether a step of this owner and status passes the unit and status filters.
    fn admits(&self, owner: &str, status: StepStatus) -> bool {
        self.unit.as_deref().is_none_or(|u| u == owner) && self.status.is_none_or(|s| s == status)
    }
}

/// One step of a list.
pub struct StepRow {
    pub project_id: i64,
    pub project: String,
    pub key: String,
    pub step: String,
    pub owner: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub due: NaiveDate,
    pub due_text: String,
}

/// The first late step of a chain, and the steps late in cascade behind it.
pub struct RootRow {
    pub step: StepRow,
    /// 逾期天数: working days after the due date up to today.
    pub days_late: i64,
    /// `(key, name)` of the late steps behind it.
    pub behind: Vec<(String, String)>,
}

/// A project with late steps: its 责任单位, how many steps are late, and the roots the
/// filters keep.
pub struct LateGroup {
    pub project_id: i64,
    pub project: String,
    pub owner: String,
    pub late_count: usize,
    pub roots: Vec<RootRow>,
}

pub struct FollowUpRow {
    pub project_id: i64,
    pub project: String,
    pub key: String,
    pub step: String,
    pub kind: &'static str,
    pub opened_on: NaiveDate,
    pub deadline: NaiveDate,
    pub opened_text: String,
    pub deadline_text: String,
    pub days_left: i64,
    pub overdue: bool,
}

/// The board under its filters, and the step owners present before them.
pub struct Board {
    pub late: Vec<LateGroup>,
    pub due_soon: Vec<StepRow>,
    pub follow_ups: Vec<FollowUpRow>,
    pub units: Vec<String>,
    pub week_end: NaiveDate,
}

/// One project's open steps on its template.
struct ProjectRows<'a> {
    first: &'a OpenStep,
    template: &'a Template,
    late: Vec<&'a OpenStep>,
}

pub async fn load(
    s: &AppState,
    u: &crate::shared::page::PageUser,
    lang: Lang,
    f: &BoardFilter,
) -> Result<Board, StoreError> {
    let today = s.today();
    let week_end = today + chrono::Duration::days(7);
    let rows = s
        .store
        .scoped(&u.access)
        .open_steps(week_end, LIMIT)
        .await?;
    let calendar = s.store.calendar().await?;
    let mut templates: HashMap<(String, i32), Template> = HashMap::new();
    for r in &rows {
        if let std::collections::hash_map::Entry::Vacant(e) =
            templates.entry((r.template_key.clone(), r.template_version))
        {
            let t = s
                .store
                .template(&r.template_key, Some(r.template_version))
                .await?;
            e.insert(t);
        }
    }
    let refs = Refs::load(s).await?;
    let ctx = Ctx {
        lang,
        calendar: &calendar,
        today,
        filter: f,
    };
    let mut board = Board {
        late: Vec::new(),
        due_soon: Vec::new(),
        follow_ups: Vec::new(),
        units: Vec::new(),
        week_end,
    };
    let mut units = BTreeSet::new();
    let mut projects: BTreeMap<i64, ProjectRows<'_>> = BTreeMap::new();
    for r in &rows {
        let Some(t) = templates.get(&(r.template_key.clone(), r.template_version)) else {
            continue;
        };
        let owner = t.step(&r.state.key).map(|d| d.owner.as_str()).unwrap_or("");
        let open = !r.state.is_finished();
        match r.planned_due {
            Some(d) if open && d < today => {
                units.insert(owner.to_owned());
                let p = projects.entry(r.project_id).or_insert(ProjectRows {
                    first: r,
                    template: t,
                    late: Vec::new(),
                });
                p.late.push(r);
            }
            Some(d) if open && d <= week_end => {
                units.insert(owner.to_owned());
                if f.admits(owner, r.state.status) {
                    board.due_soon.push(ctx.step_row(t, r, d));
                }
            }
            _ => {}
        }
        ctx.follow_ups(t, r, &mut units, &mut board.follow_ups);
    }
    for p in projects.values() {
        if let Some(g) = ctx.late_group(&refs, p) {
            board.late.push(g);
        }
    }
    board.late.sort_by_key(|g| {
        let worst = g.roots.iter().map(|r| r.days_late).max().unwrap_or(0);
        (std::cmp::Reverse(worst), g.project_id)
    });
    board.follow_ups.sort_by_key(|r| r.deadline);
    units.remove("");
    board.units = units.into_iter().collect();
    Ok(board)
}

/// What every row needs.
struct Ctx<'a> {
    lang: Lang,
    calendar: &'a WorkCalendar,
    today: NaiveDate,
    filter: &'a BoardFilter,
}

impl Ctx<'_> {
    fn step_row(&self, t: &Template, r: &OpenStep, due: NaiveDate) -> StepRow {
        let lang = self.lang;
        let def = t.step(&r.state.key);
        StepRow {
            project_id: r.project_id,
            project: lang.data(&r.project_name).into_owned(),
            key: r.state.key.clone(),
            step: def
                .map(|d| lang.data(&d.name).into_owned())
                .unwrap_or_else(|| r.state.key.clone()),
            owner: def
                .map(|d| lang.data(&d.owner).into_owned())
                .unwrap_or_default(),
            status: status_label(lang, r.state.status),
            status_code: r.state.status.code(),
            due,
            due_text: fmt::date(due),
        }
    }

    /// The project's group: its late steps' chains, the roots the filters keep; none when
    /// the filters keep no root.
    fn late_group(&self, refs: &Refs, p: &ProjectRows<'_>) -> Option<LateGroup> {
        let t = p.template;
        let keys: BTreeSet<&str> = p.late.iter().map(|r| r.state.key.as_str()).collect();
        let by_key: HashMap<&str, &OpenStep> =
            p.late.iter().map(|r| (r.state.key.as_str(), *r)).collect();
        let name = |k: &str| {
            t.step(k)
                .map(|d| self.lang.data(&d.name).into_owned())
                .unwrap_or_else(|| k.to_owned())
        };
        let roots: Vec<RootRow> = late_chains(t, &keys)
            .into_iter()
            .filter_map(|c| {
                let r = by_key.get(c.root.as_str())?;
                let owner = t.step(&c.root).map(|d| d.owner.as_str()).unwrap_or("");
                if !self.filter.admits(owner, r.state.status) {
                    return None;
                }
                let due = r.planned_due?;
                Some(RootRow {
                    step: self.step_row(t, r, due),
                    days_late: self.calendar.working_days_between(due, self.today).value,
                    behind: c.behind.iter().map(|b| (b.clone(), name(b))).collect(),
                })
            })
            .collect();
        (!roots.is_empty()).then(|| LateGroup {
            project_id: p.first.project_id,
            project: self.lang.data(&p.first.project_name).into_owned(),
            owner: refs.org_name(self.lang, p.first.owner_org_id),
            late_count: keys.len(),
            roots,
        })
    }

    /// The open deficiencies and commitments of one step the filters keep.
    fn follow_ups(
        &self,
        t: &Template,
        r: &OpenStep,
        units: &mut BTreeSet<String>,
        out: &mut Vec<FollowUpRow>,
    ) {
        let states = std::slice::from_ref(&r.state);
        let items: Vec<_> = open_deficiencies(t, states, self.calendar, self.today)
            .into_iter()
            .chain(open_commitments(t, states, self.calendar, self.today))
            .collect();
        let owner = t.step(&r.state.key).map(|d| d.owner.as_str()).unwrap_or("");
        if !items.is_empty() {
            units.insert(owner.to_owned());
        }
        if !self.filter.admits(owner, r.state.status) {
            return;
        }
        for i in items {
            out.push(FollowUpRow {
                project_id: r.project_id,
                project: self.lang.data(&r.project_name).into_owned(),
                key: r.state.key.clone(),
                step: self.lang.data(&i.step_name).into_owned(),
                kind: match i.kind {
                    OpenItemKind::Deficiency => self.lang.t("step.deficiency"),
                    OpenItemKind::Commitment => self.lang.t("step.commitment"),
                },
                opened_on: i.opened_on,
                deadline: i.deadline,
                opened_text: fmt::date(i.opened_on),
                deadline_text: fmt::date(i.deadline),
                days_left: i.working_days_left,
                overdue: i.overdue,
            });
        }
    }
}

/// The unit filter's options: the owners present (and the one chosen, even when absent).
pub fn unit_choices(lang: Lang, units: &[String], chosen: Option<&str>) -> Vec<Choice> {
    let mut all: BTreeSet<&str> = units.iter().map(String::as_str).collect();
    all.extend(chosen);
    all.into_iter()
        .map(|u| Choice {
            value: u.to_owned(),
            label: lang.data(u).into_owned(),
        })
        .collect()
}

pub fn status_choices(lang: Lang) -> Vec<Choice> {
    StepStatus::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: status_label(lang, s).to_owned(),
        })
        .collect()
}

pub fn list_choices(lang: Lang) -> Vec<Choice> {
    LISTS
        .into_iter()
        .map(|l| Choice {
            value: l.to_owned(),
            label: list_label(lang, l).to_owned(),
        })
        .collect()
}

/// The name of one of [`LISTS`].
pub fn list_label(lang: Lang, code: &str) -> &'static str {
    match code {
        "late" => lang.t("board.list_late"),
        "due_soon" => lang.t("board.list_due_soon"),
        _ => lang.t("board.list_follow_ups"),
    }
}
