//! The command line's tests, in one binary (one link of the whole stack): `duikou audit`,
//! the demo, `duikou gen`, `duikou steps`.
#![allow(clippy::unwrap_used)]

mod audit_command;
mod demo;
mod demo_command;
mod gen;
mod steps_command;
