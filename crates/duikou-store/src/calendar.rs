//! Holiday notices loaded at run time (`duikou calendar load`), merged over the calendar shipped
//! in the binary, so that next year's notice needs no rebuild.

use chrono::NaiveDate;
use duikou_core::calendar::{CalendarEntry, DayKind, WorkCalendar};
use serde::Serialize;

use crate::rows::{date_text, RowReader, Tx};
use crate::write::{Create, Kind, Place, Stamp};
use crate::{Scoped, Store, StoreError};

/// The shipped calendar merged with the notices loaded into this database.
pub(crate) async fn calendar_in(tx: &mut Tx) -> Result<WorkCalendar, StoreError> {
    let rows = sqlx::query("SELECT date, kind, name, year FROM calendar_entries ORDER BY date")
        .fetch_all(&mut **tx)
        .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let r = RowReader::new(row, "calendar_entries");
        entries.push(CalendarEntry {
            date: r.date("date")?,
            kind: r.code("kind", |k| match k {
                "off" => Some(DayKind::Off),
                "work" => Some(DayKind::Work),
                _ => None,
            })?,
            name: r.text("name")?,
            year: i32::try_from(r.i64("year")?).unwrap_or_default(),
        });
    }
    let corrupt = |e: duikou_core::calendar::CalendarError| StoreError::Corrupt {
        table: "calendar_entries",
        message: e.to_string(),
    };
    let loaded = WorkCalendar::from_entries(entries).map_err(corrupt)?;
    WorkCalendar::official().merged(&loaded).map_err(corrupt)
}

/// The notices of some years as loaded: reference data, for administrators. Loading stores
/// them over earlier loads of the same years, after checking that they merge with the
/// calendar in force; its key names the years (`2025,2026`).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct Notices(pub Vec<i32>);

fn years_label(years: &[i32]) -> String {
    years
        .iter()
        .map(|y| y.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

impl Kind for Notices {
    const NAME: &'static str = "calendar";
    type Parent = ();
    type Key = String;
    type Fields = WorkCalendar;

    fn place(_: (), _: Option<&String>) -> Place {
        Place::Reference
    }

    fn version(&self) -> i64 {
        1
    }

    async fn get(
        tx: &mut Tx,
        _: (),
        key: &String,
        _: NaiveDate,
    ) -> Result<Option<Self>, StoreError> {
        let years: Vec<i32> = key.split(',').filter_map(|y| y.parse().ok()).collect();
        let held: Vec<i32> = calendar_in(tx).await?.covered_years().collect();
        Ok(years
            .iter()
            .all(|y| held.contains(y))
            .then_some(Notices(years)))
    }

    async fn check(
        tx: &mut Tx,
        _: (),
        notices: &WorkCalendar,
        _before: Option<&Self>,
    ) -> Result<(), StoreError> {
        let current = calendar_in(tx).await?;
        current.merged(notices).map_err(|e| {
            StoreError::Invalid(duikou_core::ValidationError::one(
                "file",
                "calendar",
                e.to_string(),
            ))
        })?;
        Ok(())
    }
}

impl Create for Notices {
    type New = WorkCalendar;
    const CREATED: &'static str = "load";

    fn fields_of(notices: &WorkCalendar) -> Option<&WorkCalendar> {
        Some(notices)
    }

    async fn insert(
        tx: &mut Tx,
        _: (),
        notices: &WorkCalendar,
        stamp: &Stamp,
    ) -> Result<String, StoreError> {
        let years: Vec<i32> = notices.covered_years().collect();
        for y in &years {
            sqlx::query("DELETE FROM calendar_entries WHERE year = $1")
                .bind(i64::from(*y))
                .execute(&mut **tx)
                .await?;
        }
        for e in notices.entries() {
            sqlx::query(
                "INSERT INTO calendar_entries (date, kind, name, year, loaded_at, loaded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(date_text(e.date))
            .bind(e.kind.as_str())
            .bind(&e.name)
            .bind(i64::from(e.year))
            .bind(&stamp.now)
            .bind(&stamp.actor.name)
            .execute(&mut **tx)
            .await?;
        }
        Ok(years_label(&years))
    }
}

impl Scoped<'_> {
    /// Stores the notices of `notices` (replacing earlier loads of the same notice years);
    /// the years loaded.
    pub async fn load_calendar(&self, notices: &WorkCalendar) -> Result<Vec<i32>, StoreError> {
        let loaded = self
            .store()
            .create::<Notices>(self.access(), (), notices)
            .await;
        self.store().forget_calendar();
        Ok(loaded?.0)
    }

    /// Adds, changes or (with `day` = `None`) removes one day of the notice of `year`,
    /// keeping its other days: the year's rows in force (shipped or loaded) with the change
    /// are stored as that year's notice, checked as a loaded notice is. A notice keeps at
    /// least one day.
    pub async fn set_calendar_day(
        &self,
        year: i32,
        date: NaiveDate,
        day: Option<(DayKind, String)>,
    ) -> Result<(), StoreError> {
        let current = self.store().calendar().await?;
        let of_year: Vec<CalendarEntry> = current
            .entries()
            .filter(|e| e.year == year)
            .cloned()
            .collect();
        let mut entries: Vec<CalendarEntry> =
            of_year.iter().filter(|e| e.date != date).cloned().collect();
        match day {
            Some((kind, name)) => entries.push(CalendarEntry {
                date,
                kind,
                name: name.trim().to_owned(),
                year,
            }),
            None if entries.len() == of_year.len() => {
                return Err(StoreError::not_found("calendar_day", date))
            }
            None if entries.is_empty() => {
                return Err(StoreError::invalid(
                    "date",
                    "last_day",
                    format!("{year}年的放假安排至少保留一天"),
                ))
            }
            None => {}
        }
        let notice = WorkCalendar::from_entries(entries)
            .map_err(|e| StoreError::invalid("date", "calendar", e.to_string()))?;
        self.load_calendar(&notice).await?;
        Ok(())
    }
}

impl Store {
    /// The working-day calendar: the shipped notices with the loaded ones merged over them.
    pub async fn calendar(&self) -> Result<WorkCalendar, StoreError> {
        let mut tx = self.begin().await?;
        let c = calendar_in(&mut tx).await;
        tx.commit().await?;
        c
    }
}
