//! Threshold sets per organisation and year, and the annual investment plans 序时进度 is
//! measured against.

use duikou_core::warnings::{AnnualPlan, Thresholds};

use super::{corrupt, ThresholdSet};
use crate::rows::{RowReader, Tx};
use crate::{Store, StoreError};

/// The stored set in force: the newest set for (org, year), else for (all, year), else the
/// newest of earlier years likewise. None: the shipped defaults are in force.
pub fn set_in_force(sets: &[ThresholdSet], org: Option<i64>, year: i32) -> Option<&ThresholdSet> {
    let best = |org_match: &dyn Fn(Option<i64>) -> bool| {
        sets.iter()
            .filter(|s| org_match(s.org_id) && s.year <= year)
            .max_by_key(|s| (s.year, s.id))
    };
    let this_year = |s: &&ThresholdSet| s.year == year;
    org.and_then(|o| best(&|x| x == Some(o)).filter(this_year))
        .or_else(|| best(&|x| x.is_none()).filter(this_year))
        .or_else(|| org.and_then(|o| best(&|x| x == Some(o))))
        .or_else(|| best(&|x| x.is_none()))
}

pub(super) fn pick_thresholds<'a>(
    sets: &'a [ThresholdSet],
    org: Option<i64>,
    year: i32,
    default: &'a Thresholds,
) -> &'a Thresholds {
    set_in_force(sets, org, year).map_or(default, |s| &s.thresholds)
}

/// The thresholds in force for an organisation's projects in a year, as the transaction
/// sees them.
pub(crate) async fn thresholds_in(
    tx: &mut Tx,
    org: Option<i64>,
    year: i32,
) -> Result<Thresholds, StoreError> {
    let sets = threshold_sets(tx).await?;
    let default = Thresholds::default();
    Ok(pick_thresholds(&sets, org, year, &default).clone())
}

pub(super) async fn threshold_sets(tx: &mut Tx) -> Result<Vec<ThresholdSet>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, org_id, year, body, created_at, created_by FROM warning_thresholds ORDER BY id",
    )
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|row| {
            let r = RowReader::new(row, "warning_thresholds");
            Ok(ThresholdSet {
                id: r.i64("id")?,
                org_id: r.opt_i64("org_id")?,
                year: i32::try_from(r.i64("year")?).unwrap_or_default(),
                thresholds: serde_json::from_str(&r.text("body")?)
                    .map_err(|e| corrupt("warning_thresholds", e))?,
                created_at: r.time("created_at")?,
                created_by: r.text("created_by")?,
            })
        })
        .collect()
}

impl Store {
    /// Every stored threshold set, oldest first.
    pub async fn threshold_sets(&self) -> Result<Vec<ThresholdSet>, StoreError> {
        let mut tx = self.begin().await?;
        let sets = threshold_sets(&mut tx).await?;
        tx.commit().await?;
        Ok(sets)
    }

    /// The thresholds in force for an organisation's projects in a year.
    pub async fn thresholds_for(
        &self,
        org_id: Option<i64>,
        year: i32,
    ) -> Result<Thresholds, StoreError> {
        let sets = self.threshold_sets().await?;
        let default = Thresholds::default();
        Ok(pick_thresholds(&sets, org_id, year, &default).clone())
    }

    pub async fn annual_plans(&self, project_id: i64) -> Result<Vec<AnnualPlan>, StoreError> {
        let mut tx = self.begin().await?;
        let plans = annual_plans_in(&mut tx, project_id).await?;
        tx.commit().await?;
        Ok(plans)
    }
}

pub(super) async fn annual_plans_in(
    tx: &mut Tx,
    project_id: i64,
) -> Result<Vec<AnnualPlan>, StoreError> {
    let rows = sqlx::query(
        "SELECT year, amount, curve FROM annual_plans WHERE project_id = $1 ORDER BY year",
    )
    .bind(project_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|row| {
            let r = RowReader::new(row, "annual_plans");
            Ok(AnnualPlan {
                year: i32::try_from(r.i64("year")?).unwrap_or_default(),
                amount_yuan: r.i64("amount")?,
                curve: match r.opt_text("curve")? {
                    Some(t) => {
                        Some(serde_json::from_str(&t).map_err(|e| corrupt("annual_plans", e))?)
                    }
                    None => None,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(id: i64, org: Option<i64>, year: i32, version: &str) -> ThresholdSet {
        ThresholdSet {
            id,
            org_id: org,
            year,
            thresholds: Thresholds {
                version: version.into(),
                ..Thresholds::default()
            },
            created_at: chrono::Utc::now(),
            created_by: "t".into(),
        }
    }

    #[test]
    fn the_org_and_year_set_wins_then_all_then_earlier_years() {
        let d = Thresholds::default();
        let sets = vec![
            set(1, None, 2025, "all-2025"),
            set(2, Some(7), 2025, "org7-2025"),
            set(3, None, 2026, "all-2026"),
            set(4, Some(7), 2026, "org7-2026-a"),
            set(5, Some(7), 2026, "org7-2026-b"),
        ];
        assert_eq!(
            pick_thresholds(&sets, Some(7), 2026, &d).version,
            "org7-2026-b"
        );
        assert_eq!(
            pick_thresholds(&sets, Some(8), 2026, &d).version,
            "all-2026"
        );
        assert_eq!(
            pick_thresholds(&sets, Some(7), 2025, &d).version,
            "org7-2025"
        );
        assert_eq!(pick_thresholds(&sets, None, 2027, &d).version, "all-2026");
        assert_eq!(
            pick_thresholds(&sets, Some(7), 2027, &d).version,
            "org7-2026-b"
        );
        assert_eq!(
            pick_thresholds(&sets, None, 2024, &d).version,
            "default-2026"
        );
        assert_eq!(
            pick_thresholds(&[], Some(7), 2026, &d).version,
            "default-2026"
        );
    }
}
