//! API tests: the real server on a random port over a fresh database per test (SQLite in a
//! temporary folder; PostgreSQL too when `DUIKOU_TEST_POSTGRES` is set).
#![allow(clippy::unwrap_used)]

mod accounts;
mod credentials;
mod forgery;
mod helpers;
mod limits;
mod openapi;
mod permissions;
mod projects;
mod query_fuzz;
mod reference;
mod stats;
mod steps;
mod throttle;
mod validation;
mod warnings;
mod write_scopes;
