//! Browser tests: the real server and a headless Chromium driven through WebDriver. They skip
//! with a message where chromium or chromedriver is not installed.
#![allow(clippy::unwrap_used)]

mod frictions;
mod month;
mod scenarios;
mod screenshots;
mod steps;
mod support;
