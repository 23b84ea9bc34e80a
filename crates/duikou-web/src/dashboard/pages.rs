//! 工作台 (the dashboard of the user's scope) and 大屏 (the same figures for a meeting-room
//! screen). Figures come from the store's statistics, as of today, over what the user reads;
//! every figure links to the list of the projects behind it.

use axum::extract::State;
use axum::http::Uri;
use duikou_core::money::{Money, MoneyUnit};
use duikou_core::stats::ProjectStats;
use duikou_core::warnings::Level;
use duikou_store::{
    ProjectFilter, ProjectSort, StatsQuery, StatsScope, WarningFilter, WarningStatus,
};

use crate::shared::charts::{funnel, hbars, Bar};
use crate::shared::i18n::Lang;
use crate::shared::page::{html, Page, PageResult, PageUser, Section};
use crate::shared::{fmt, labels};
use crate::warnings::pages::{row as warning_row, CountLink, WarningRow};
use crate::AppState;

pub struct Kpi {
    pub label: &'static str,
    pub value: String,
    pub unit: &'static str,
    pub href: &'static str,
    /// 同比: the change on the same day last year ("+12.3%"), `None` when last year had none.
    pub change: Option<String>,
    /// "up", "down" or "" (for the arrow, which is also written as a word in the title).
    pub change_class: &'static str,
}

pub struct Latest {
    pub id: i64,
    pub name: String,
    /// The stage before the latest change (a dash for a project registered at its stage).
    pub from: &'static str,
    pub stage: &'static str,
    pub stage_code: &'static str,
    pub date: String,
}

/// Everything both pages show.
pub struct Figures {
    pub as_of: String,
    pub kpis: Vec<Kpi>,
    pub funnel: String,
    pub by_region: Option<String>,
    pub by_category: String,
    pub latest: Vec<Latest>,
    /// Active warnings by level, each linking to the inbox filtered by it.
    pub warn_counts: Vec<CountLink>,
    /// The user's open warnings (their org's, else all they read), red first.
    pub my_warnings: Vec<WarningRow>,
    /// How many open warnings wait on the user (the list shows the first ten).
    pub my_total: i64,
    /// Stage changes waiting on the user's approval (None: the user supervises nothing).
    pub requests: Option<i64>,
    /// For an administrator: the holiday notice to load now.
    pub notice_due: Option<String>,
    /// Active red warnings (the 大屏's red list).
    pub red_list: Vec<WarningRow>,
}

#[derive(askama::Template)]
#[template(path = "dashboard/page.html")]
struct DashboardPage {
    page: Page,
    f: Figures,
}

#[derive(askama::Template)]
#[template(path = "dashboard/screen.html")]
struct ScreenPage {
    page: Page,
    f: Figures,
    updated: String,
}

fn yi_text(m: Money) -> String {
    m.format_in(MoneyUnit::Yi, 2)
}

/// The change from `before` to `now` in per cent with one decimal, in integer arithmetic
/// (rounded half away from zero): `None` when `before` is zero.
pub fn change_percent(now: i64, before: i64) -> Option<(String, &'static str)> {
    if before == 0 {
        return None;
    }
    let diff = i128::from(now) - i128::from(before);
    // Tenths of a per cent, rounded half away from zero.
    let scaled = diff * 1000;
    let b = i128::from(before).abs();
    let tenths = (scaled.abs() + b / 2) / b * scaled.signum();
    let sign = match tenths.signum() {
        1 => "+",
        -1 => "-",
        _ => "",
    };
    let t = tenths.abs();
    let class = match tenths.signum() {
        1 => "up",
        -1 => "down",
        _ => "",
    };
    Some((format!("{sign}{}.{}%", t / 10, t % 10), class))
}

fn kpis(lang: Lang, st: &ProjectStats, last: &ProjectStats) -> Vec<Kpi> {
    let yi = lang.t("unit.yi");
    let count = lang.t("dash.count_unit");
    let rows: [(&'static str, i64, i64, bool, &'static str); 5] = [
        (
            "dash.projects",
            st.total.count,
            last.total.count,
            false,
            "/projects",
        ),
        (
            "dash.planned",
            st.total.planned_investment.sum.yuan(),
            last.total.planned_investment.sum.yuan(),
            true,
            "/projects?sort=-planned_investment",
        ),
        (
            "dash.agreement",
            st.total.agreement_amount.sum.yuan(),
            last.total.agreement_amount.sum.yuan(),
            true,
            "/projects?agreed=1&sort=-agreement_amount",
        ),
        (
            "dash.invested",
            st.total.invested_to_date.sum.yuan(),
            last.total.invested_to_date.sum.yuan(),
            true,
            "/projects?sort=-planned_investment",
        ),
        (
            "dash.large",
            st.large.count,
            last.large.count,
            false,
            "/projects?min_investment=1&sort=-planned_investment",
        ),
    ];
    rows.into_iter()
        .map(|(label, now, before, money, href)| {
            let change = change_percent(now, before);
            Kpi {
                label: lang.t(label),
                value: if money {
                    yi_text(Money::from_yuan(now))
                } else {
                    now.to_string()
                },
                unit: if money { yi } else { count },
                href,
                change_class: change.as_ref().map(|c| c.1).unwrap_or(""),
                change: change.map(|c| c.0),
            }
        })
        .collect()
}

fn funnel_chart(lang: Lang, st: &ProjectStats, width: i64) -> String {
    let unit = lang.t("dash.count_unit");
    let bars: Vec<Bar> = st
        .reached
        .iter()
        .filter(|r| r.stage.is_main_line())
        .map(|r| Bar {
            label: labels::stage(lang, r.stage).to_owned(),
            size: r.totals.count,
            text: format!("{}{unit}", r.totals.count),
            href: Some(format!("/projects?reached={}", r.stage.code())),
        })
        .collect();
    funnel(lang.t("dash.funnel"), &bars, width)
}

fn category_chart(lang: Lang, st: &ProjectStats, width: i64) -> String {
    let unit = lang.t("dash.count_unit");
    let yi = lang.t("unit.yi");
    let bars: Vec<Bar> = st
        .by_category
        .iter()
        .map(|c| Bar {
            label: labels::category(lang, c.category).to_owned(),
            size: c.totals.count,
            text: format!(
                "{}{unit} · {}{yi}",
                c.totals.count,
                yi_text(c.totals.planned_investment.sum)
            ),
            href: Some(format!("/projects?category={}", c.category.code())),
        })
        .collect();
    hbars(lang.t("dash.by_category"), &bars, width)
}

/// Planned investment by host region: the provinces, or the cities of the one province that
/// holds every project the user reads.
async fn region_chart(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    width: i64,
) -> Result<Option<String>, duikou_store::StoreError> {
    let scoped = s.store.scoped(&u.access);
    let today = s.today();
    let mut parent: Option<String> = None;
    let mut bars = Vec::new();
    for _depth in 0..3 {
        let filter = duikou_store::RegionFilter {
            parent_code: parent.clone(),
            ..Default::default()
        };
        let mut regions = s.store.regions(&filter).await?;
        if parent.is_none() {
            regions.retain(|r| r.parent_code.is_none());
        }
        bars.clear();
        for r in regions.iter().take(40) {
            let q = StatsQuery {
                scope: StatsScope::HostRegion(r.code.clone()),
                as_of: today,
                category: None,
                min_planned_investment: None,
                period: None,
            };
            let st = scoped.project_stats(&q).await?;
            if st.total.count > 0 {
                bars.push((r.code.clone(), lang.data(&r.name).into_owned(), st));
            }
        }
        match bars.as_slice() {
            [(code, _, _)] => parent = Some(code.clone()),
            _ => break,
        }
    }
    if bars.is_empty() {
        return Ok(None);
    }
    bars.sort_by_key(|(_, _, st)| std::cmp::Reverse(st.total.planned_investment.sum));
    let bars: Vec<Bar> = bars
        .into_iter()
        .take(12)
        .map(|(code, name, st)| Bar {
            label: name,
            size: st.total.planned_investment.sum.yuan(),
            text: yi_text(st.total.planned_investment.sum),
            href: Some(format!("/projects?region={code}")),
        })
        .collect();
    Ok(Some(hbars(lang.t("dash.by_region"), &bars, width)))
}

async fn figures(s: &AppState, u: &PageUser, lang: Lang, width: i64) -> PageResult<Figures> {
    let scoped = s.store.scoped(&u.access);
    let today = s.today();
    let q = StatsQuery {
        scope: StatsScope::All,
        as_of: today,
        category: None,
        min_planned_investment: None,
        period: None,
    };
    let st = scoped.project_stats(&q).await?;
    let year_ago = today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today);
    let last = scoped
        .project_stats(&StatsQuery {
            as_of: year_ago,
            ..q.clone()
        })
        .await?;
    let latest = scoped
        .projects(
            &ProjectFilter::default(),
            ProjectSort::StageSince,
            true,
            8,
            &duikou_store::ProjectStart::Offset(0),
        )
        .await?;
    let counts = scoped.warning_counts(&WarningFilter::default()).await?;
    let warn_counts = vec![
        CountLink {
            label: lang.t("warn.red"),
            class: "warn-red",
            value: counts.red,
            href: "/warnings?level=red".to_owned(),
            active: false,
        },
        CountLink {
            label: lang.t("warn.yellow"),
            class: "warn-yellow",
            value: counts.yellow,
            href: "/warnings?level=yellow".to_owned(),
            active: false,
        },
        CountLink {
            label: lang.t("warnings.total_active"),
            class: "",
            value: counts.total,
            href: "/warnings".to_owned(),
            active: false,
        },
    ];
    let mine = scoped
        .warnings(
            &WarningFilter {
                status: Some(WarningStatus::Open),
                mine: true,
                ..WarningFilter::default()
            },
            10,
            0,
        )
        .await?;
    let red = scoped
        .warnings(
            &WarningFilter {
                level: Some(Level::Red),
                ..WarningFilter::default()
            },
            8,
            0,
        )
        .await?;
    Ok(Figures {
        warn_counts,
        my_warnings: mine.items.iter().map(|w| warning_row(lang, w)).collect(),
        my_total: mine.total,
        notice_due: match u.access.admin {
            true => s.store.calendar().await?.notice_due(today).map(|y| {
                lang.t("calendar.notice_due")
                    .replace("{year}", &y.to_string())
            }),
            false => None,
        },
        requests: match u.access.supervise.is_empty() {
            true => None,
            false => Some(
                scoped
                    .stage_requests(
                        &duikou_store::RequestFilter {
                            status: Some(duikou_core::stage_request::RequestStatus::Pending),
                            project_id: None,
                            to_decide: true,
                        },
                        1,
                        0,
                    )
                    .await?
                    .total,
            ),
        },
        red_list: red.items.iter().map(|w| warning_row(lang, w)).collect(),
        as_of: fmt::date_prose(lang, today),
        kpis: kpis(lang, &st, &last),
        funnel: funnel_chart(lang, &st, width),
        by_region: region_chart(s, u, lang, width).await?,
        by_category: category_chart(lang, &st, width),
        latest: latest_changes(s, u, lang, &latest.items).await?,
    })
}

/// The latest stage changes: the projects whose stage changed last, each with the stage it
/// left.
async fn latest_changes(
    s: &AppState,
    u: &PageUser,
    lang: Lang,
    projects: &[duikou_core::project::Project],
) -> PageResult<Vec<Latest>> {
    let scoped = s.store.scoped(&u.access);
    let mut out = Vec::with_capacity(projects.len());
    for p in projects {
        let changes = scoped.stage_changes(p.id).await?;
        let from = changes
            .iter()
            .max_by_key(|c| c.effective_date)
            .and_then(|c| c.from_stage)
            .map(|f| labels::stage(lang, f))
            .unwrap_or("—");
        out.push(Latest {
            id: p.id,
            name: lang.data(&p.fields.name).into_owned(),
            from,
            stage: labels::stage(lang, p.stage),
            stage_code: p.stage.code(),
            date: fmt::date(p.stage_since),
        });
    }
    Ok(out)
}

pub async fn dashboard(State(s): State<AppState>, u: PageUser, lang: Lang, uri: Uri) -> PageResult {
    let f = figures(&s, &u, lang, 560).await?;
    let page = Page::build(
        &s,
        &u,
        lang,
        Section::Dashboard,
        lang.t("dash.title").into(),
        &uri,
    )
    .await;
    html(&DashboardPage { page, f })
}

pub async fn screen(State(s): State<AppState>, u: PageUser, lang: Lang, uri: Uri) -> PageResult {
    let f = figures(&s, &u, lang, 620).await?;
    let mut page = Page::build(
        &s,
        &u,
        lang,
        Section::Dashboard,
        lang.t("screen.title").into(),
        &uri,
    )
    .await;
    page.screen = true;
    let now = duikou_core::dates::china_time(chrono::Utc::now());
    html(&ScreenPage {
        page,
        f,
        updated: now.format("%Y-%m-%d %H:%M").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::change_percent;

    #[test]
    fn the_change_on_last_year_rounds_in_integers() {
        assert_eq!(change_percent(1123, 1000), Some(("+12.3%".into(), "up")));
        assert_eq!(change_percent(900, 1000), Some(("-10.0%".into(), "down")));
        assert_eq!(change_percent(1000, 1000), Some(("0.0%".into(), "")));
        assert_eq!(change_percent(2, 3), Some(("-33.3%".into(), "down")));
        assert_eq!(change_percent(5, 0), None);
        assert_eq!(
            change_percent(i64::MAX, 1),
            Some((format!("+{}.0%", (i128::from(i64::MAX) - 1) * 100), "up"))
        );
    }
}
