//! For test suites: a fresh store for each test without running the migrations again for
//! each. The first call of a process migrates one database — on SQLite a file whose bytes are
//! kept, on PostgreSQL a template database — and every call copies it (a file written, a
//! `CREATE DATABASE … TEMPLATE`) and opens the copy, finding nothing left to migrate.

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

/// A migrated, empty PostgreSQL database of the test's own, copied from a template migrated
/// once per process (`CREATE DATABASE … TEMPLATE`): the store and the database's name (for
/// [`drop_postgres`]). `admin_url` names a role that may create databases.
pub async fn fresh_postgres(admin_url: &str) -> Result<(Store, String), StoreError> {
    let template = PG_TEMPLATE
        .get_or_try_init(|| make_pg_template(admin_url))
        .await?;
    let name = unique_name("t");
    let mut admin = pg_admin(admin_url).await?;
    let sql = format!("CREATE DATABASE {name} TEMPLATE {template}");
    // A copy can find the template busy for a moment while another copy starts.
    let mut tries = 0;
    while let Err(e) = sqlx::query(&sql).execute(&mut admin).await {
        tries += 1;
        if tries > 50 || !e.to_string().contains("being accessed by other users") {
            return Err(e.into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let store = Store::open(&with_database(admin_url, &name)).await?;
    Ok((store, name))
}

/// Drops a database [`fresh_postgres`] made, closing whatever is still connected to it.
pub async fn drop_postgres(admin_url: &str, name: &str) -> Result<(), StoreError> {
    let mut admin = pg_admin(admin_url).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await?;
    Ok(())
}

/// The URL of database `name` on the server of `url`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let server = match base.rsplit_once('/') {
        Some((server, _)) if server.contains("//") && !server.ends_with('/') => server,
        _ => base.trim_end_matches('/'),
    };
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{server}/{name}{query}")
}

static PG_TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// Migrates the process's template database, after dropping those left by processes that
/// have ended.
async fn make_pg_template(admin_url: &str) -> Result<String, StoreError> {
    let mut admin = pg_admin(admin_url).await?;
    let left: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'duikou\\_tpl\\_%'")
            .fetch_all(&mut admin)
            .await?;
    for name in left {
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| !std::path::Path::new(&format!("/proc/{p}")).exists()) {
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let _ = sqlx::query(&drop).execute(&mut admin).await;
        }
    }
    let name = unique_name("duikou_tpl");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    let store = Store::open(&with_database(admin_url, &name)).await?;
    store.close().await;
    Ok(name)
}

async fn pg_admin(admin_url: &str) -> Result<sqlx::PgConnection, StoreError> {
    use sqlx::Connection;
    Ok(sqlx::PgConnection::connect(admin_url).await?)
}

/// `<prefix>_<pid>_<counter>_<nanos>`: unique across the tests of a run and across runs.
fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn a_database_url_names_the_other_database() {
        let cases = [
            ("postgres://u:p@h:5432/duikou", "postgres://u:p@h:5432/t1"),
            (
                "postgres://u:p@h:5432/duikou?sslmode=disable",
                "postgres://u:p@h:5432/t1?sslmode=disable",
            ),
            ("postgres://u:p@h:5432", "postgres://u:p@h:5432/t1"),
            ("postgres://u:p@h:5432/", "postgres://u:p@h:5432/t1"),
        ];
        for (url, want) in cases {
            assert_eq!(with_database(url, "t1"), want, "{url}");
        }
    }
}
