//! Headline statistics "as of" a date, read from the stage history and the progress reports
//! (not from today's values), grouped in SQL and assembled by `duikou_core::stats`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use duikou_core::project::Category;
use duikou_core::rollup::{self, Dim, Figures};
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

    /// Statistics counted directly from the stage history and the reports, bypassing the
    /// rollup: slower, the reference the rollup is checked against (tests, `duikou stats
    /// check`).
    pub async fn project_stats_direct(&self, q: &StatsQuery) -> Result<ProjectStats, StoreError> {
        let groups = self.direct_groups(q, None, q.as_of).await?;
        let period = match q.period {
            Some((from, to)) => Some(self.entered(q, None, from, to).await?),
            None => None,
        };
        Ok(assemble(q.as_of, &groups, period))
    }

    /// Statistics over what `visible` scopes hold (`None`: everything): from the rollup when
    /// it can answer the question, else counted directly.
    pub(crate) async fn project_stats_visible(
        &self,
        q: &StatsQuery,
        visible: Option<&[duikou_core::auth::ResolvedScope]>,
    ) -> Result<ProjectStats, StoreError> {
        let groups = match self.rollup_node(q, visible).await? {
            Some((dim, node)) => self.rollup_groups(q, visible, dim, &node).await?,
            None => self.direct_groups(q, visible, q.as_of).await?,
        };
        let period = match q.period {
            Some((from, to)) => Some(self.entered(q, visible, from, to).await?),
            None => None,
        };
        Ok(assemble(q.as_of, &groups, period))
    }

    /// The groups of the projects in scope as of `as_of`, counted one project at a time.
    async fn direct_groups(
        &self,
        q: &StatsQuery,
        visible: Option<&[duikou_core::auth::ResolvedScope]>,
        as_of: NaiveDate,
    ) -> Result<Vec<GroupRow>, StoreError> {
        let mut w = self.stats_where(q, visible).await?;
        let asof = w.text(date_text(as_of));
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
        rows.iter().map(read_group).collect()
    }

    /// The change, from the day before `from` to `to`, of the projects in scope that changed
    /// stage within [from, to]: their groups as of `to` added, as of the day before taken
    /// away. A span ends the day the next one starts, so the projects whose spans start in the
    /// range are all that changed stage in it; reports end on month ends, so none falls inside
    /// a month before its last day.
    ///
    /// The candidates are the projects of the scope among those with a change in the range,
    /// both read from indexes alone (`stage_changes_day`; the scope's path index), each as one
    /// string of ids, and intersected here. SQLite has no hash join, and probing one set for
    /// every member of the other cost more than both reads together; PostgreSQL, asked to
    /// join them, estimated the result at thousands of rows and read every project to hash
    /// them (600 ms). The few hundred left go back as a list of ids, which both plan exactly.
    async fn changed_within(
        &self,
        q: &StatsQuery,
        visible: Option<&[duikou_core::auth::ResolvedScope]>,
        from: NaiveDate,
        to: NaiveDate,
        sums: &mut BTreeMap<(Stage, Category, bool), Figures>,
    ) -> Result<(), StoreError> {
        let Some(before) = from.pred_opt() else {
            return Ok(());
        };
        // One set of bound values serves the three statements below; each uses some of them
        // (both backends accept values a statement does not refer to).
        let mut w = Where::new();
        self.push_scope(q, &mut w).await?;
        let scope = w.take_conds();
        let lo = w.text(date_text(from));
        let hi = w.text(date_text(to));
        let changed = format!(
            "SELECT project_id AS id FROM stage_changes \
             WHERE effective_date >= {lo} AND effective_date <= {hi}"
        );
        let list_of = |col: &str| match self.backend {
            crate::Backend::Sqlite => format!("group_concat({col})"),
            crate::Backend::Postgres => format!("string_agg(CAST({col} AS TEXT), ',')"),
        };
        let changed = self
            .id_list(
                &w,
                &format!("SELECT {} FROM ({changed}) AS x", list_of("id")),
            )
            .await?;
        if changed.is_empty() {
            return Ok(());
        }
        let in_scope = self
            .id_list(
                &w,
                &format!("SELECT {} FROM projects p WHERE {scope}", list_of("p.id")),
            )
            .await?;
        let changed: std::collections::HashSet<i64> = changed.into_iter().collect();
        let mut both: Vec<i64> = in_scope
            .into_iter()
            .filter(|id| changed.contains(id))
            .collect();
        if both.is_empty() {
            return Ok(());
        }
        both.sort_unstable();
        let list: Vec<String> = both.iter().map(i64::to_string).collect();
        let candidates = format!(
            "WITH c AS (SELECT p.id AS id FROM projects p WHERE p.id IN ({}))",
            list.join(",")
        );
        self.push_filters(q, visible, &mut w);
        let filters = w.take_conds();
        let prev = w.text(date_text(before));
        let large = w.int(LARGE_PROJECT_YUAN);
        // SQLite: CROSS JOIN keeps the candidates first.
        let first = match self.backend {
            crate::Backend::Sqlite => "CROSS JOIN",
            crate::Backend::Postgres => "JOIN",
        };
        // One pass per candidate: its stage at both dates, its money once (the latest report
        // is the same at both: none ends inside the month).
        let span = |alias: &str, at: &str| {
            format!(
                "LEFT JOIN stage_changes {alias} ON {alias}.project_id = p.id \
                 AND {alias}.effective_date <= {at} \
                 AND ({alias}.until_date IS NULL OR {alias}.until_date > {at})"
            )
        };
        let sql = format!(
            "{candidates} SELECT h1.to_stage AS stage, h0.to_stage AS before_stage, \
             p.category AS category, \
             CASE WHEN p.planned_investment >= {large} THEN 1 ELSE 0 END AS large, {sums} \
             FROM c {first} projects p ON p.id = c.id {now} {then} {latest} \
             WHERE {filters} \
             GROUP BY h1.to_stage, h0.to_stage, p.category, \
             CASE WHEN p.planned_investment >= {large} THEN 1 ELSE 0 END",
            sums = sums_sql(),
            now = span("h1", &hi),
            then = span("h0", &prev),
            latest = LATEST_REPORT.replace("{asof}", &hi),
        );
        let rows = w.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        for row in &rows {
            let r = RowReader::new(row, "stage_changes");
            let f = Figures::from_totals(&read_totals(&r)?);
            let category = r.code("category", Category::parse)?;
            let large = r.i64("large")? != 0;
            let now = r.opt_text("stage")?;
            let then = r.opt_text("before_stage")?;
            if now == then {
                continue;
            }
            for (stage, added) in [(now, true), (then, false)] {
                let Some(code) = stage else { continue };
                let stage = Stage::parse(&code)
                    .ok_or_else(|| crate::rows::corrupt("stage_changes", "to_stage", &code))?;
                let entry = sums.entry((stage, category, large)).or_default();
                if added {
                    entry.add(&f);
                } else {
                    entry.sub(&f);
                }
            }
        }
        Ok(())
    }

    /// The ids one string of comma-separated ids holds (`group_concat` / `string_agg`): one
    /// row instead of a row per id, which costs far less to hand over.
    async fn id_list(&self, w: &Where, sql: &str) -> Result<Vec<i64>, StoreError> {
        let row = w.bind(sqlx::query(sql)).fetch_one(&self.pool).await?;
        let text: Option<String> = sqlx::Row::try_get(&row, 0)?;
        text.as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_err(|_| crate::rows::corrupt("projects", "id", s))
            })
            .collect()
    }

    /// The rollup node that answers `q` for a reader of `visible`, if any: the rollup is
    /// built, the size filter is none or ≥1亿, the scope has a node (regions: provinces and
    /// cities) and lies wholly within what the reader sees.
    async fn rollup_node(
        &self,
        q: &StatsQuery,
        visible: Option<&[duikou_core::auth::ResolvedScope]>,
    ) -> Result<Option<(Dim, String)>, StoreError> {
        use duikou_core::auth::ResolvedScope as S;
        if q.min_planned_investment
            .is_some_and(|m| m != LARGE_PROJECT_YUAN)
        {
            return Ok(None);
        }
        if !self.stats_rollup_built().await? {
            return Ok(None);
        }
        let (dim, path) = match &q.scope {
            StatsScope::All => (Dim::All, String::new()),
            StatsScope::Partnership(id) => (Dim::Partnership, self.partnership(*id).await?.path),
            StatsScope::HostRegion(code) => (Dim::Host, self.region(code).await?.path),
            StatsScope::SourceRegion(code) => (Dim::Source, self.region(code).await?.path),
        };
        if matches!(dim, Dim::Host | Dim::Source) && rollup::depth(&path) > rollup::REGION_DEPTH {
            return Ok(None);
        }
        let covered = match visible {
            None => true,
            Some(v) if v.contains(&S::All) => true,
            Some(v) => v.iter().any(|s| match (s, dim) {
                (S::PartnershipPath(p), Dim::Partnership) => path.starts_with(p.as_str()),
                (S::RegionPath(p), Dim::Host | Dim::Source) => path.starts_with(p.as_str()),
                _ => false,
            }),
        };
        Ok(covered.then_some((dim, path)))
    }

    /// The groups as of `q.as_of` from the rollup: the years before the date's year, its
    /// months before the date's month, and that month up to the date (the whole month at its
    /// last day; the country's daily rows; or, for a smaller scope, the change of the projects
    /// that changed stage in it).
    async fn rollup_groups(
        &self,
        q: &StatsQuery,
        visible: Option<&[duikou_core::auth::ResolvedScope]>,
        dim: Dim,
        node: &str,
    ) -> Result<Vec<GroupRow>, StoreError> {
        let d = q.as_of;
        let y0 = rollup::year_start(d);
        let m0 = rollup::month_start(d);
        let whole_month = rollup::is_month_end(d);
        let mut sums: BTreeMap<(Stage, Category, bool), Figures> = BTreeMap::new();
        // Every node `rollup_node` picks has yearly rows; any other is counted directly.
        let Some(yearly) = dim.yearly() else {
            return self.direct_groups(q, visible, d).await;
        };
        self.add_rollup_rows(q, &mut sums, yearly, node, "bucket < $3", &[y0])
            .await?;
        let months = if whole_month { "<=" } else { "<" };
        self.add_rollup_rows(
            q,
            &mut sums,
            dim,
            node,
            &format!("bucket >= $3 AND bucket {months} $4"),
            &[y0, m0],
        )
        .await?;
        if !whole_month {
            if dim == Dim::All {
                self.add_rollup_rows(
                    q,
                    &mut sums,
                    Dim::Day,
                    "",
                    "bucket >= $3 AND bucket <= $4",
                    &[m0, d],
                )
                .await?;
            } else {
                self.changed_within(q, visible, m0, d, &mut sums).await?;
            }
        }
        Ok(sums
            .into_iter()
            .filter(|(_, f)| !f.is_zero())
            .map(|((stage, category, large), f)| GroupRow {
                stage,
                category,
                large,
                totals: f.to_totals(),
            })
            .collect())
    }

    /// Adds the rollup rows of one node whose buckets meet `cond` (dates bound from $3 on).
    async fn add_rollup_rows(
        &self,
        q: &StatsQuery,
        sums: &mut BTreeMap<(Stage, Category, bool), Figures>,
        dim: Dim,
        node: &str,
        cond: &str,
        dates: &[NaiveDate],
    ) -> Result<(), StoreError> {
        let mut sql = String::from("SELECT stage, category, large, CAST(SUM(n) AS BIGINT) AS n");
        for c in [
            "s0", "s1", "s2", "s3", "s4", "s5", "c0", "c1", "c2", "c3", "c4", "c5",
        ] {
            sql.push_str(&format!(", CAST(SUM({c}) AS BIGINT) AS {c}"));
        }
        sql.push_str(&format!(
            " FROM stats_rollup WHERE dim = $1 AND node = $2 AND {cond}"
        ));
        if q.category.is_some() {
            sql.push_str(&format!(" AND category = ${}", 3 + dates.len()));
        }
        if q.min_planned_investment == Some(LARGE_PROJECT_YUAN) {
            sql.push_str(" AND large = 1");
        }
        sql.push_str(" GROUP BY stage, category, large");
        let mut query = sqlx::query(&sql).bind(dim.code()).bind(node);
        for d in dates {
            query = query.bind(date_text(*d));
        }
        if let Some(c) = q.category {
            query = query.bind(c.code());
        }
        for row in query.fetch_all(&self.pool).await? {
            let r = RowReader::new(&row, "stats_rollup");
            let mut f = Figures::default();
            f.0[0] = r.i64("n")?;
            for i in 0..6 {
                f.0[1 + i] = r.i64(&format!("s{i}"))?;
                f.0[7 + i] = r.i64(&format!("c{i}"))?;
            }
            sums.entry((
                r.code("stage", Stage::parse)?,
                r.code("category", Category::parse)?,
                r.i64("large")? != 0,
            ))
            .or_default()
            .add(&f);
        }
        Ok(())
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
        self.push_scope(q, &mut w).await?;
        self.push_filters(q, visible, &mut w);
        Ok(w)
    }

    /// The scope's condition on the projects `p`.
    async fn push_scope(&self, q: &StatsQuery, w: &mut Where) -> Result<(), StoreError> {
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
        Ok(())
    }

    /// What the reader sees, and the category and size filters, on the projects `p`.
    fn push_filters(
        &self,
        q: &StatsQuery,
        visible: Option<&[duikou_core::auth::ResolvedScope]>,
        w: &mut Where,
    ) {
        if let Some(v) = visible {
            w.visible("p.", v);
        }
        if let Some(c) = q.category {
            let p = w.text(c.code());
            w.push(format!("p.category = {p}"));
        }
        if let Some(m) = q.min_planned_investment {
            let p = w.int(m);
            w.push(format!("p.planned_investment >= {p}"));
        }
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
