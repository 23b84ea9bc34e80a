//! The store's contract, one integration-test binary run against each backend: SQLite always,
//! PostgreSQL too when `DUIKOU_TEST_POSTGRES` holds a URL (see `helpers`, and `.ci/postgres.sh`
//! for a server):
//!
//! ```sh
//! export DUIKOU_TEST_POSTGRES="$(bash .ci/postgres.sh)"
//! cargo test -p duikou-store --test store
//! ```

// A failed call is a failed test: the helpers outside `#[test]` functions unwrap as freely as
// the tests do (clippy.toml's allow-unwrap-in-tests covers only the latter).
#![allow(clippy::unwrap_used)]

mod fixtures;
mod helpers;

mod audit;
mod audit_keyed;
mod calendar;
mod concurrency;
mod history;
mod keyset;
mod lists;
mod migration_trees;
mod org_merge;
mod orgs;
mod problems;
mod progress_reports;
mod project_names;
mod projects;
mod regions;
mod rollup;
mod stage_requests;
mod stats;
mod step_lists;
mod transactions;
mod transitions;
mod warnings;
