//! Delivery end to end: a fresh SQLite store per test, receivers (robots, webhooks, an SMTP
//! sink) served by the test on 127.0.0.1, and deliverers that fail, restart and crash.
//!
//! Time: `deliver_once(now)` takes the clock as an argument, so retries and leases are driven
//! by moving `now` forward rather than by sleeping; only `run` uses the real clock, and its
//! test waits for arrival by polling with a generous deadline.

// A failed call is a failed test: helpers outside `#[test]` functions unwrap as the tests do.
#![allow(clippy::unwrap_used)]

mod support;

mod crash;
mod dingtalk;
mod email;
mod restart;
mod robots;
