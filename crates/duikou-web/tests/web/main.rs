//! The web crate's integration tests, one binary: the JSON API (`api`), the pages over plain
//! HTTP (`ui`) and the pages in a headless browser (`browser`), each against the real server
//! on a random port.
#![allow(clippy::unwrap_used)]

mod api;
mod browser;
mod ui;
