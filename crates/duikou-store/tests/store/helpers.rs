//! The harness: every test body runs on a fresh SQLite database in a temporary directory and,
//! when `DUIKOU_TEST_POSTGRES` holds the URL of a database the user owns, once more in a fresh
//! PostgreSQL schema made for it and dropped after it (whether it passed or not).
//!
//! A body is a closure `|store| async move { ... }` (or `|db: TestDb| ...` when it needs the
//! URL, to open the store again). Output is captured by the test runner and shown on failure,
//! where it tells which backend failed.

use std::future::Future;

use duikou_store::{Backend, Store};

pub const POSTGRES_ENV: &str = "DUIKOU_TEST_POSTGRES";

/// A fresh store and the URL it was opened with.
pub struct TestDb {
    pub store: Store,
    pub url: String,
}

/// What a test body may take: the store alone, or the store with its URL.
pub trait FromTestDb: Send + 'static {
    fn from_test_db(db: TestDb) -> Self;
}

impl FromTestDb for Store {
    fn from_test_db(db: TestDb) -> Self {
        db.store
    }
}

impl FromTestDb for TestDb {
    fn from_test_db(db: TestDb) -> Self {
        db
    }
}

/// `TEST_LOG=debug` (or any filter) shows the service's logs under each test, every line with
/// its request and the writes it made; without it the tests are quiet.
pub fn init_test_log() {
    if let Ok(filter) = std::env::var("TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    }
}

/// Runs `body` on SQLite (unless `DUIKOU_TEST_SKIP_SQLITE=1`: CI's second pass) and, when
/// `DUIKOU_TEST_POSTGRES` is set, on PostgreSQL.
pub async fn on_each_backend<T, F, Fut>(body: F)
where
    T: FromTestDb,
    F: Fn(T) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    init_test_log();
    let test = std::thread::current()
        .name()
        .unwrap_or("store test")
        .to_owned();
    if std::env::var("DUIKOU_TEST_SKIP_SQLITE").map_or(true, |v| v != "1") {
        on_sqlite(&test, &body).await;
    }
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.trim().is_empty() => on_postgres(&test, url.trim(), &body).await,
        _ => eprintln!("{test}: PostgreSQL skipped ({POSTGRES_ENV} is not set)"),
    }
}

async fn on_sqlite<T, F, Fut>(test: &str, body: &F)
where
    T: FromTestDb,
    F: Fn(T) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::TempDir::new().expect("a temporary directory");
    let url = format!("sqlite:{}/t.db", dir.path().display());
    eprintln!("{test}: on SQLite ({url})");
    let store = duikou_store::testing::fresh_sqlite(&dir.path().join("t.db"))
        .await
        .expect("open SQLite");
    assert_eq!(store.backend(), Backend::Sqlite);
    run(body, TestDb { store, url }, || async {}).await;
    drop(dir);
}

async fn on_postgres<T, F, Fut>(test: &str, admin_url: &str, body: &F)
where
    T: FromTestDb,
    F: Fn(T) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (store, name) = duikou_store::testing::fresh_postgres(admin_url)
        .await
        .unwrap_or_else(|e| panic!("a test database on {POSTGRES_ENV}: {e}"));
    eprintln!("{test}: on PostgreSQL (database {name})");
    assert_eq!(store.backend(), Backend::Postgres);
    let url = duikou_store::testing::with_database(admin_url, &name);
    run(body, TestDb { store, url }, || async {
        if let Err(e) = duikou_store::testing::drop_postgres(admin_url, &name).await {
            eprintln!("could not drop database {name}: {e}");
        }
    })
    .await;
}

/// Runs the body in a task of its own so that a panic comes back here: the store is closed and
/// `cleanup` runs before the panic goes on to fail the test.
async fn run<T, F, Fut, C, CFut>(body: &F, db: TestDb, cleanup: C)
where
    T: FromTestDb,
    F: Fn(T) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
    C: FnOnce() -> CFut,
    CFut: Future<Output = ()>,
{
    let store = db.store.clone();
    let outcome = tokio::spawn(body(T::from_test_db(db))).await;
    store.close().await;
    cleanup().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("test body did not finish: {e}"),
        }
    }
}
