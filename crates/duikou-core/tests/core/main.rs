//! Core's integration tests, in one binary: the working-day calendar, parsers that never
//! panic, steps and their schedule, the warning rules and their engine.

mod calendar;
mod chains;
mod never_panics;
mod stage_request;
mod steps;
mod warnings;
mod warnings_engine;
mod year_plan;
