//! The one place where rights are enforced: a view of the store for one user's `Access`.
//! Pages, API and CLI acting for a user go through it, so they cannot disagree.
//!
//! A record the user may not read is reported as not found (its existence does not leak); a
//! record they read but may not change answers `Forbidden`. Lists and statistics hold only
//! what the user may read.

use std::borrow::Cow;

use duikou_core::auth::Access;
use duikou_core::project::Project;
use duikou_core::Actor;

use crate::rows::RowReader;
use crate::write::{project_place_in, ProjectPlace};
use crate::{Store, StoreError};

pub struct Scoped<'a> {
    store: &'a Store,
    access: Cow<'a, Access>,
}

fn forbidden() -> StoreError {
    StoreError::Forbidden("无权修改此记录（只读）".to_owned())
}

impl Store {
    /// The store as seen by one user.
    pub fn scoped<'a>(&'a self, access: &'a Access) -> Scoped<'a> {
        Scoped {
            store: self,
            access: Cow::Borrowed(access),
        }
    }

    /// The store as the system (an operator, the demo, an import) sees it: every right,
    /// through the same write path as a user's, with `name` in the change log.
    pub fn as_system(&self, name: &str) -> Scoped<'_> {
        self.with_access(Access::system(name))
    }

    /// The store as seen by the holder of `access`, owned (a test's or a tool's actor).
    pub fn with_access(&self, access: Access) -> Scoped<'_> {
        Scoped {
            store: self,
            access: Cow::Owned(access),
        }
    }

    async fn project_paths(&self, id: i64) -> Result<ProjectPlace, StoreError> {
        let mut tx = self.begin().await?;
        let place = project_place_in(&mut tx, id).await;
        tx.commit().await?;
        place
    }

    /// A project and where it sits, in one read (a project page or API read checks access
    /// and answers from the same row).
    async fn project_and_paths(&self, id: i64) -> Result<(Project, ProjectPlace), StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {}, host_region_path, source_region_path, partnership_path \
             FROM projects WHERE id = $1",
            crate::projects::COLS
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found("project", id))?;
        let place = ProjectPlace::read(&RowReader::new(&row, "projects"))?;
        Ok((crate::projects::read(&row)?, place))
    }
}

impl Scoped<'_> {
    /// The store behind the view, for the store's own modules.
    pub(crate) fn store(&self) -> &Store {
        self.store
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    pub fn actor(&self) -> Actor {
        self.access.actor()
    }

    /// Only administrators manage reference data, users, templates and the calendar.
    pub fn require_admin(&self) -> Result<(), StoreError> {
        if self.access.admin {
            Ok(())
        } else {
            Err(StoreError::Forbidden("仅系统管理员可执行此操作".to_owned()))
        }
    }

    /// Checks that the user reads project `id` (not found otherwise).
    pub async fn readable(&self, id: i64) -> Result<(), StoreError> {
        let paths = self.store.project_paths(id).await?;
        if self.access.can_read(&paths.as_ref()) {
            Ok(())
        } else {
            Err(StoreError::not_found("project", id))
        }
    }

    /// Whether the user supervises project `id` (督办, approvals); false when they do not read
    /// it either.
    pub async fn supervises(&self, id: i64) -> Result<bool, StoreError> {
        let paths = self.store.project_paths(id).await?;
        let r = paths.as_ref();
        Ok(self.access.can_read(&r) && self.access.can_supervise(&r))
    }

    /// Checks that the user changes project `id` (not found when they do not even read it).
    pub async fn editable(&self, id: i64) -> Result<(), StoreError> {
        let paths = self.store.project_paths(id).await?;
        let r = paths.as_ref();
        if !self.access.can_read(&r) {
            Err(StoreError::not_found("project", id))
        } else if !self.access.can_edit(&r) {
            Err(forbidden())
        } else {
            Ok(())
        }
    }
}

mod admin;
mod projects;
mod stage_requests;
mod steps;
mod warnings;
