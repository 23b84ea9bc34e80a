//! Headline statistics "as of" a date, read from the stage history and the progress reports
//! (not from today's values), grouped in SQL and assembled by `duikou_core::stats`.

use chrono::NaiveDate;
use duikou_core::project::Category;
use duikou_core::stats::{
    assemble, entered_by_stage, GroupRow, MoneyField, PeriodStats, ProjectStats, Totals,
    LARGE_PROJECT_YUAN,
};
use duikou_core::Stage;
use sqlx::any::AnyRow;

use crate::query::Where;
use crate::rows::{date_text, RowReader};
use crate::{Store, StoreError};

/// Which projects a statistic covers. A project is credited to its host (receiving) side and
/// attributed to its source (sending) side; any one scope counts it once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsScope {
    All,
    /// A partnership and those nested under it.
    Partnership(i64),
    /// Projects hosted in a region's subtree (credited).
    HostRegion(String),
    /// Projects whose source lies in a region's subtree (attributed).
    SourceRegion(String),
}

#[derive(Debug, Clone)]
pub struct StatsQuery {
    pub scope: StatsScope,
    pub as_of: NaiveDate,
    pub category: Option<Category>,
    pub min_planned_investment: Option<i64>,
    /// Count the stages entered within [from, to] (both inclusive).
    pub period: Option<(NaiveDate, NaiveDate)>,
}

/// The SELECT list of count and money sums, in `MoneyField::ALL` order. Money of projects not
/// kept in CNY is left out of the sums (it is not yuan), but the projects are counted.
fn sums_sql() -> String {
    let col = |f: MoneyField| match f {
        MoneyField::PlannedInvestment => "p.planned_investment",
        MoneyField::AgreementAmount => "p.agreement_amount",
        MoneyField::InvestedToDate => "r.invested_to_date",
        MoneyField::FundsInPlace => "r.funds_in_place",
        MoneyField::TradeVolume => "r.trade_volume",
        MoneyField::OutputValue => "r.output_value",
    };
    let mut s = String::from("COUNT(*) AS n");
    for (i, f) in MoneyField::ALL.into_iter().enumerate() {
        let c = col(f);
        s.push_str(&format!(
            ", CAST(COALESCE(SUM(CASE WHEN p.currency = 'CNY' THEN {c} END), 0) AS BIGINT) AS s{i}, \
             COUNT(CASE WHEN p.currency = 'CNY' THEN {c} END) AS c{i}"
        ));
    }
    s
}

fn read_totals(r: &RowReader<'_>) -> Result<Totals, StoreError> {
    let mut t = Totals {
        count: r.i64("n")?,
        ..Totals::default()
    };
    for (i, f) in MoneyField::ALL.into_iter().enumerate() {
        t.set(f, r.i64(&format!("s{i}"))?, r.i64(&format!("c{i}"))?);
    }
    Ok(t)
}

/// The latest report of each project as of the date: exactly one, even when reports of
/// different lengths end the same day (2018-12, 2018-Q4 and 2018 all end on 2018-12-31); then
/// the one filed last.
const LATEST_REPORT: &str = "LEFT JOIN progress_reports r ON r.id = \
    (SELECT r2.id FROM progress_reports r2 WHERE r2.project_id = p.id AND r2.period_end <= {asof} \
     ORDER BY r2.period_end DESC, r2.id DESC LIMIT 1)";

impl Store {
    pub async fn project_stats(&self, q: &StatsQuery) -> Result<ProjectStats, StoreError> {
        self.project_stats_visible(q, None).await
    }

    /// Statistics over what `visible` scopes hold (`None`: everything).
    pub(crate) async fn project_stats_visible(
        &self,
        q: &StatsQuery,
        visible: Option<&[duikou_core::auth::ResolvedScope]>,
    ) -> Result<ProjectStats, StoreError> {
        let mut w = self.stats_where(q, visible).await?;
        let asof = w.text(date_text(q.as_of));
        w.push(format!(
            "h.effective_date <= {asof} AND (h.until_date IS NULL OR h.until_date > {asof})"
        ));
        let large = w.int(LARGE_PROJECT_YUAN);
        let sql = format!(
            "SELECT h.to_stage AS stage, p.category AS category, \
             CASE WHEN p.planned_investment >= {large} THEN 1 ELSE 0 END AS large, {sums} \
             FROM projects p JOIN stage_changes h ON h.project_id = p.id {latest} \
             WHERE {cond} GROUP BY h.to_stage, p.category, \
             CASE WHEN p.planned_investment >= {large} THEN 1 ELSE 0 END",
            sums = sums_sql(),
            latest = LATEST_REPORT.replace("{asof}", &asof),
            cond = w.sql(),
        );
        let rows = w.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let groups = rows.iter().map(read_group).collect::<Result<Vec<_>, _>>()?;
        let period = match q.period {
            Some((from, to)) => Some(self.entered(q, visible, from, to).await?),
            None => None,
        };
        Ok(assemble(q.as_of, &groups, period))
    }

    /// The projects that entered each stage within [from, to], with their money as of `to`.
    async fn entered(
        &self,
        q: &StatsQuery,
        visible: Option<&[duikou_core::auth::ResolvedScope]>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<PeriodStats, StoreError> {
        let mut w = self.stats_where(q, visible).await?;
        let lo = w.text(date_text(from));
        let hi = w.text(date_text(to));
        w.push(format!(
            "h.effective_date >= {lo} AND h.effective_date <= {hi}"
        ));
        let sql = format!(
            "SELECT h.to_stage AS stage, {sums} FROM projects p \
             JOIN stage_changes h ON h.project_id = p.id {latest} \
             WHERE {cond} GROUP BY h.to_stage",
            sums = sums_sql(),
            latest = LATEST_REPORT.replace("{asof}", &hi),
            cond = w.sql(),
        );
        let rows = w.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let mut entered = Vec::with_capacity(rows.len());
        for row in &rows {
            let r = RowReader::new(row, "stage_changes");
            entered.push((r.code("stage", Stage::parse)?, read_totals(&r)?));
        }
        Ok(PeriodStats {
            from,
            to,
            entered: entered_by_stage(&entered),
        })
    }

    async fn stats_where(
        &self,
        q: &StatsQuery,
        visible: Option<&[duikou_core::auth::ResolvedScope]>,
    ) -> Result<Where, StoreError> {
        let mut w = Where::new();
        if let Some(v) = visible {
            w.visible("p.", v);
        }
        match &q.scope {
            StatsScope::All => {}
            StatsScope::Partnership(id) => {
                let p = self.partnership(*id).await?;
                w.subtree("p.partnership_path", &p.path);
            }
            StatsScope::HostRegion(code) => {
                let r = self.region(code).await?;
                w.subtree("p.host_region_path", &r.path);
            }
            StatsScope::SourceRegion(code) => {
                let r = self.region(code).await?;
                w.subtree("p.source_region_path", &r.path);
            }
        }
        if let Some(c) = q.category {
            let p = w.text(c.code());
            w.push(format!("p.category = {p}"));
        }
        if let Some(m) = q.min_planned_investment {
            let p = w.int(m);
            w.push(format!("p.planned_investment >= {p}"));
        }
        Ok(w)
    }
}

fn read_group(row: &AnyRow) -> Result<GroupRow, StoreError> {
    let r = RowReader::new(row, "projects");
    Ok(GroupRow {
        stage: r.code("stage", Stage::parse)?,
        category: r.code("category", Category::parse)?,
        large: r.i64("large")? != 0,
        totals: read_totals(&r)?,
    })
}
