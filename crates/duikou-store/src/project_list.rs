//! The project list: its filters, orders and paging (by offset or by cursor), and its bounded
//! total.

use chrono::{DateTime, Utc};
use duikou_core::project::{Category, Project};
use duikou_core::Stage;

use crate::projects::{read, COLS};
use crate::query::{like_literal, Where};
use crate::rows::RowReader;
use crate::{Store, StoreError};

/// The filters of the project list; every one optional.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// This partnership and the partnerships nested under it.
    pub partnership_id: Option<i64>,
    /// Host region (or zone) and its subtree.
    pub host_region: Option<String>,
    /// Source region and its subtree.
    pub source_region: Option<String>,
    pub stage: Option<Stage>,
    /// At this main-line stage or beyond it today (the funnel's 签约及以后 ...).
    pub reached: Option<Stage>,
    /// Only the projects whose agreement amount the statistics count (`Stage::counts_agreement`).
    pub agreed: bool,
    pub category: Option<Category>,
    pub industry: Option<String>,
    pub min_planned_investment: Option<i64>,
    pub name_contains: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
    pub generated: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProjectSort {
    #[default]
    Id,
    Name,
    PlannedInvestment,
    AgreementAmount,
    StageSince,
    UpdatedAt,
}

impl ProjectSort {
    /// A sort as the API and the pages write it: a key, `-` before it for descending.
    pub fn parse_signed(text: &str) -> Option<(ProjectSort, bool)> {
        match text.strip_prefix('-') {
            Some(key) => ProjectSort::parse(key).map(|s| (s, true)),
            None => ProjectSort::parse(text).map(|s| (s, false)),
        }
    }

    pub fn parse(s: &str) -> Option<ProjectSort> {
        Some(match s {
            "id" => ProjectSort::Id,
            "name" => ProjectSort::Name,
            "planned_investment" => ProjectSort::PlannedInvestment,
            "agreement_amount" => ProjectSort::AgreementAmount,
            "stage_since" => ProjectSort::StageSince,
            "updated_at" => ProjectSort::UpdatedAt,
            _ => return None,
        })
    }
    /// The name the API and cursors use.
    pub fn code(self) -> &'static str {
        self.column()
    }
    fn column(self) -> &'static str {
        match self {
            ProjectSort::Id => "id",
            ProjectSort::Name => "name",
            ProjectSort::PlannedInvestment => "planned_investment",
            ProjectSort::AgreementAmount => "agreement_amount",
            ProjectSort::StageSince => "stage_since",
            ProjectSort::UpdatedAt => "updated_at",
        }
    }
    /// Money may be missing; the other sort columns are never NULL.
    fn nullable(self) -> bool {
        matches!(
            self,
            ProjectSort::PlannedInvestment | ProjectSort::AgreementAmount
        )
    }
    /// The sort column's value in a row, as the database holds it.
    fn key_of(self, row: &sqlx::any::AnyRow) -> Result<SortValue, StoreError> {
        let r = RowReader::new(row, "projects");
        Ok(match self {
            ProjectSort::Id => SortValue::Null,
            ProjectSort::PlannedInvestment | ProjectSort::AgreementAmount => r
                .opt_i64(self.column())?
                .map_or(SortValue::Null, SortValue::Int),
            _ => SortValue::Text(r.text(self.column())?),
        })
    }
}

/// Where a page of the project list starts.
#[derive(Debug, Clone, PartialEq)]
pub enum ProjectStart {
    /// After skipping this many matches (page numbers).
    Offset(i64),
    /// Right after the row a cursor names (`None`: from the first row).
    After(Option<ProjectCursor>),
}

/// The place of a row in one order of the project list: its sort column's value and its id.
/// Rows are in a total order (NULLs last in both directions, ties broken by id in the same
/// direction), so walking by cursors visits every match once.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProjectCursor {
    /// The sort key the cursor belongs to (`ProjectSort::code`).
    #[serde(rename = "s")]
    pub sort: String,
    #[serde(rename = "d")]
    pub descending: bool,
    #[serde(rename = "k")]
    pub key: SortValue,
    #[serde(rename = "i")]
    pub id: i64,
}

impl ProjectCursor {
    /// Whether the cursor belongs to this order and its key has the sort column's type.
    pub fn fits(&self, sort: ProjectSort, descending: bool) -> bool {
        let key_fits = match (&self.key, sort) {
            (_, ProjectSort::Id) => true,
            (SortValue::Int(_) | SortValue::Null, s) => s.nullable(),
            (SortValue::Text(_), s) => !s.nullable(),
        };
        self.sort == sort.code() && self.descending == descending && key_fits
    }
}

/// A sort column's value in a cursor.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum SortValue {
    Null,
    Int(i64),
    Text(String),
}

/// `total` is exact up to this many matches; beyond, counting stops ("10 000+").
pub const TOTAL_BOUND: i64 = 10_000;

/// A page of the project list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProjectPage {
    pub items: Vec<Project>,
    /// The number of matches when `total_exact`; otherwise a lower bound ([`TOTAL_BOUND`] or
    /// the end of this page, whichever is larger).
    pub total: i64,
    pub total_exact: bool,
    pub limit: i64,
    /// The offset asked for (0 for cursor paging).
    pub offset: i64,
    /// The cursor of the last row when more rows follow; `None` at the end.
    pub next: Option<ProjectCursor>,
}

impl Store {
    pub async fn projects(
        &self,
        filter: &ProjectFilter,
        sort: ProjectSort,
        descending: bool,
        limit: i64,
        offset: i64,
    ) -> Result<ProjectPage, StoreError> {
        let start = ProjectStart::Offset(offset);
        self.projects_visible(filter, None, sort, descending, limit, &start)
            .await
    }

    /// The project list from a cursor (`None`: the first page).
    pub async fn projects_after(
        &self,
        filter: &ProjectFilter,
        sort: ProjectSort,
        descending: bool,
        limit: i64,
        after: Option<ProjectCursor>,
    ) -> Result<ProjectPage, StoreError> {
        let start = ProjectStart::After(after);
        self.projects_visible(filter, None, sort, descending, limit, &start)
            .await
    }

    /// How many projects match, counted exactly (however many there are).
    pub async fn project_count(&self, filter: &ProjectFilter) -> Result<i64, StoreError> {
        let w = self.project_where(filter, true).await?;
        let sql = format!("SELECT COUNT(*) FROM projects WHERE {}", w.sql());
        let row = w.bind(sqlx::query(&sql)).fetch_one(&self.pool).await?;
        Ok(sqlx::Row::try_get(&row, 0)?)
    }

    /// The project list restricted to what `visible` scopes hold (`None`: everything).
    pub(crate) async fn projects_visible(
        &self,
        filter: &ProjectFilter,
        visible: Option<&[duikou_core::auth::ResolvedScope]>,
        sort: ProjectSort,
        descending: bool,
        limit: i64,
        start: &ProjectStart,
    ) -> Result<ProjectPage, StoreError> {
        // Paths as lists (see `subtree_cond`) for a page in id order and for every count;
        // a page in another order keeps the ranges, which its order's index checks as it goes.
        let by_id = sort == ProjectSort::Id;
        let mut w = self.project_where(filter, by_id).await?;
        if let Some(v) = visible {
            w.visible("", v);
        }
        let limit = limit.clamp(0, 1000);
        let order = Order { sort, descending };
        let (mut rows, offset) = match start {
            ProjectStart::Offset(o) => {
                let o = (*o).max(0);
                (
                    self.rows_from(&w, order, limit + 1, Skip::Rows(o)).await?,
                    o,
                )
            }
            ProjectStart::After(c) => {
                let skip = c.as_ref().map_or(Skip::Rows(0), Skip::Past);
                (self.rows_from(&w, order, limit + 1, skip).await?, 0)
            }
        };
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next = match rows.last() {
            Some(last) if more => Some(ProjectCursor {
                sort: sort.code().to_owned(),
                descending,
                key: sort.key_of(last)?,
                id: RowReader::new(last, "projects").i64("id")?,
            }),
            _ => None,
        };
        // An offset page that reaches the end tells the total without counting.
        let reached_end =
            matches!(start, ProjectStart::Offset(_)) && !more && (offset == 0 || !rows.is_empty());
        let (total, total_exact) = if reached_end {
            (offset + rows.len() as i64, true)
        } else if by_id {
            self.bounded_count(&w).await?
        } else {
            let mut counted = self.project_where(filter, true).await?;
            if let Some(v) = visible {
                counted.visible("", v);
            }
            self.bounded_count(&counted).await?
        };
        let seen = offset + rows.len() as i64 + i64::from(more);
        Ok(ProjectPage {
            items: rows.iter().map(read).collect::<Result<_, _>>()?,
            total: if total_exact { total } else { total.max(seen) },
            total_exact,
            limit,
            offset,
            next,
        })
    }

    /// The number of matches up to [`TOTAL_BOUND`], and whether that is all of them.
    async fn bounded_count(&self, w: &Where) -> Result<(i64, bool), StoreError> {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM projects WHERE {} LIMIT {}) AS m",
            w.sql(),
            TOTAL_BOUND + 1
        );
        let row = w.bind(sqlx::query(&sql)).fetch_one(&self.pool).await?;
        let n: i64 = sqlx::Row::try_get(&row, 0)?;
        Ok((n.min(TOTAL_BOUND), n <= TOTAL_BOUND))
    }

    /// Rows in the list's order from a start. A nullable sort column is read in two parts,
    /// its values and then its NULLs (by id), so that each part can follow an index in order
    /// and stop after `limit` rows (`OR col IS NULL`, or `NULLS LAST`, would make SQLite sort
    /// every match first).
    async fn rows_from(
        &self,
        w: &Where,
        order: Order,
        limit: i64,
        skip: Skip<'_>,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let col = order.sort.column();
        let (lt, dir) = if order.descending {
            ("<", "DESC")
        } else {
            (">", "ASC")
        };
        let in_nulls = matches!(skip, Skip::Past(c) if c.key == SortValue::Null);
        let nullable = order.sort.nullable();
        let mut rows = Vec::new();
        let mut values = w.clone();
        if order.sort == ProjectSort::Id || !in_nulls {
            match (order.sort, &skip) {
                (ProjectSort::Id, Skip::Past(c)) => {
                    let i = values.int(c.id);
                    values.push(format!("id {lt} {i}"));
                }
                (ProjectSort::Id, _) => {}
                (_, Skip::Past(c)) => {
                    let v = match &c.key {
                        SortValue::Int(n) => Some(values.int(*n)),
                        SortValue::Text(t) => Some(values.text(t.clone())),
                        SortValue::Null => None,
                    };
                    if let Some(v) = v {
                        let i = values.int(c.id);
                        values.push(format!("({col}, id) {lt} ({v}, {i})"));
                    }
                }
                // A range on the sort column that every value satisfies: money is never
                // negative, text is never below ''. It says "not NULL" and lets SQLite's
                // planner see that following the sort column's index is cheap.
                (_, Skip::Rows(_)) if nullable => {
                    values.push(format!("{col} BETWEEN 0 AND {}", i64::MAX));
                }
                (_, Skip::Rows(_)) => values.push(format!("{col} >= ''")),
            }
            if nullable {
                values.push(format!("{col} IS NOT NULL"));
            }
            let by = if order.sort == ProjectSort::Id {
                format!("id {dir}")
            } else {
                format!("{col} {dir}, id {dir}")
            };
            let offset = match skip {
                Skip::Rows(o) => o,
                Skip::Past(_) => 0,
            };
            rows = self.fetch_ordered(&values, &by, limit, offset).await?;
        }
        let want = limit - rows.len() as i64;
        if !nullable || want <= 0 {
            return Ok(rows);
        }
        let mut nulls = w.clone();
        nulls.push(format!("{col} IS NULL"));
        let offset = match skip {
            Skip::Past(c) => {
                if in_nulls {
                    let i = nulls.int(c.id);
                    nulls.push(format!("id {lt} {i}"));
                }
                0
            }
            Skip::Rows(o) if o > 0 && rows.is_empty() => {
                // The page starts past the values: skip what is left of the offset.
                let sql = format!("SELECT COUNT(*) FROM projects WHERE {}", values.sql());
                let row = values.bind(sqlx::query(&sql)).fetch_one(&self.pool).await?;
                let n: i64 = sqlx::Row::try_get(&row, 0)?;
                (o - n).max(0)
            }
            Skip::Rows(_) => 0,
        };
        rows.extend(
            self.fetch_ordered(&nulls, &format!("id {dir}"), want, offset)
                .await?,
        );
        Ok(rows)
    }

    async fn fetch_ordered(
        &self,
        w: &Where,
        by: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        // The page's ids first, then their rows: when the order needs a sort, SQLite sorts
        // ids read from an index instead of whole rows.
        let sql = format!(
            "SELECT {COLS} FROM projects WHERE id IN (SELECT id FROM projects WHERE {} \
             ORDER BY {by} LIMIT {limit} OFFSET {offset}) ORDER BY {by}",
            w.sql()
        );
        Ok(w.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?)
    }

    /// The list's conditions; `path_lists`: subtrees as lists of paths (see `subtree_cond`).
    pub(crate) async fn project_where(
        &self,
        f: &ProjectFilter,
        path_lists: bool,
    ) -> Result<Where, StoreError> {
        let mut w = Where::new();
        if let Some(p) = f.partnership_id {
            let p = self.partnership(p).await?;
            self.subtree_cond(&mut w, "partnership_path", &p.path, path_lists)
                .await?;
        }
        if let Some(code) = &f.host_region {
            let r = self.region(code).await?;
            self.subtree_cond(&mut w, "host_region_path", &r.path, path_lists)
                .await?;
        }
        if let Some(code) = &f.source_region {
            let r = self.region(code).await?;
            self.subtree_cond(&mut w, "source_region_path", &r.path, path_lists)
                .await?;
        }
        if let Some(s) = f.stage {
            let p = w.text(s.code());
            w.push(format!("stage = {p}"));
        }
        if let Some(s) = f.reached {
            let codes: Vec<String> = s.reached_in().iter().map(|s| w.text(s.code())).collect();
            if codes.is_empty() {
                w.push("1 = 0".to_owned());
            } else {
                w.push(format!("stage IN ({})", codes.join(", ")));
            }
        }
        if f.agreed {
            let codes: Vec<String> = Stage::ALL
                .into_iter()
                .filter(|s| s.counts_agreement())
                .map(|s| w.text(s.code()))
                .collect();
            w.push(format!("stage IN ({})", codes.join(", ")));
        }
        if let Some(c) = f.category {
            let p = w.text(c.code());
            w.push(format!("category = {p}"));
        }
        if let Some(i) = &f.industry {
            let p = w.text(i.clone());
            w.push(format!("industry = {p}"));
        }
        if let Some(m) = f.min_planned_investment {
            let p = w.int(m);
            w.push(format!("planned_investment >= {p}"));
        }
        if let Some(n) = f.name_contains.as_deref().filter(|n| n.contains('\0')) {
            // No name holds a NUL (texts refuse it), and LIKE would stop reading at one.
            let _ = n;
            w.push("1 = 0".to_owned());
        } else if let Some(n) = &f.name_contains {
            let p = w.text(like_literal(n));
            w.push(format!("LOWER(name) LIKE LOWER({p}) ESCAPE '\\'"));
        }
        if let Some(t) = f.updated_since {
            let p = w.text(crate::time_text(t));
            w.push(format!("updated_at >= {p}"));
        }
        if let Some(g) = f.generated {
            let p = w.int(i64::from(g));
            w.push(format!("generated = {p}"));
        }
        Ok(w)
    }

    /// Projects whose path column `col` lies in the subtree of `path`. With `as_list` on
    /// SQLite, written as `col IN (each path the subtree's projects have)`, which SQLite
    /// serves with one equality seek per path: a list in id order then reads each path's
    /// entries of the `(path, id)` index in id order and stops once it has a page, where a
    /// range made it read and sort every match (8 ms for the 58 000 projects of a province
    /// pairing, on every page); and a count with stage and category seeks `(path, category,
    /// stage)` instead of walking every project of the stage (34 ms). The paths are read
    /// from the path's own index, one seek each, so no project falls outside them; a subtree
    /// with very many paths keeps the range.
    async fn subtree_cond(
        &self,
        w: &mut Where,
        col: &str,
        path: &str,
        as_list: bool,
    ) -> Result<(), StoreError> {
        const MAX_PATHS: usize = 200;
        if !as_list || self.backend != crate::Backend::Sqlite {
            w.subtree(col, path);
            return Ok(());
        }
        let end = crate::rows::subtree_end(path);
        let sql = format!(
            "WITH RECURSIVE d(v) AS (\
             SELECT (SELECT MIN({col}) FROM projects WHERE {col} >= $1 AND {col} < $2) \
             UNION ALL \
             SELECT (SELECT MIN({col}) FROM projects WHERE {col} > d.v AND {col} < $2) \
             FROM d WHERE d.v IS NOT NULL) \
             SELECT v FROM d WHERE v IS NOT NULL LIMIT {}",
            MAX_PATHS + 1
        );
        let rows = sqlx::query(&sql)
            .bind(path)
            .bind(&end)
            .fetch_all(&self.pool)
            .await?;
        if rows.len() > MAX_PATHS {
            w.subtree(col, path);
            return Ok(());
        }
        if rows.is_empty() {
            w.push("1 = 0".to_owned());
            return Ok(());
        }
        let mut marks = Vec::with_capacity(rows.len());
        for row in &rows {
            let v: String = sqlx::Row::try_get(row, 0)?;
            marks.push(w.text(v));
        }
        w.push(format!("{col} IN ({})", marks.join(", ")));
        Ok(())
    }
}

/// The order of a list: its sort column and direction.
#[derive(Debug, Clone, Copy)]
struct Order {
    sort: ProjectSort,
    descending: bool,
}

/// Where the rows of a page start.
#[derive(Debug, Clone, Copy)]
enum Skip<'a> {
    /// After this many rows.
    Rows(i64),
    /// After the row a cursor names.
    Past(&'a ProjectCursor),
}
