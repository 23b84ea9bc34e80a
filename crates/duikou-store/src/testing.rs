//! For test suites: a fresh SQLite store in a file without running the migrations again for
//! each test. The first call of a process migrates one database and keeps its bytes; every
//! call writes those bytes to its own file and opens it (finding nothing left to migrate).

use std::path::Path;

use tokio::sync::OnceCell;

use crate::{Store, StoreError};

static TEMPLATE: OnceCell<Vec<u8>> = OnceCell::const_new();

/// A migrated, empty SQLite store in the file `path` (which must not exist yet).
pub async fn fresh_sqlite(path: &Path) -> Result<Store, StoreError> {
    let bytes = TEMPLATE
        .get_or_try_init(|| async {
            let made = path.with_extension("template");
            let store = Store::open(&url_of(&made)).await?;
            store.close().await;
            let bytes = std::fs::read(&made).map_err(io)?;
            std::fs::remove_file(&made).map_err(io)?;
            Ok::<_, StoreError>(bytes)
        })
        .await?;
    std::fs::write(path, bytes).map_err(io)?;
    Store::open(&url_of(path)).await
}

fn url_of(path: &Path) -> String {
    format!("sqlite:{}", path.display())
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Config(format!("test database file: {e}"))
}
