//! Duikou's domain: the types and rules of cross-regional cooperation and major-project
//! tracking. Pure Rust — no I/O, no async, no SQL — so that every rule can be tested alone.
//!
//! Names follow the glossary of PRODUCT.md: a Chinese term, its code name and its table are
//! one hop apart.
#![forbid(unsafe_code)]

pub mod actor;
pub mod auth;
pub mod calendar;
pub mod dates;
pub mod error;
pub mod input;
pub mod merge;
pub mod money;
pub mod notify;
#[cfg(feature = "openapi")]
mod openapi;
pub mod org;
pub mod partnership;
pub mod problem;
pub mod progress_report;
pub mod project;
pub mod project_code;
pub mod region;
pub mod rollup;
pub mod slip;
pub mod stage;
pub mod stage_request;
pub mod stats;
pub mod steps;
pub mod text;
pub mod validate;
pub mod warnings;

pub use actor::Actor;
pub use error::{FieldError, ValidationError};
pub use money::{Currency, Money, MoneyUnit, ParsedMoney};
pub use project::Category;
pub use stage::Stage;
