//! What the features share: authentication, request decoding and errors, list bodies, page
//! chrome and forms, formatting, charts, labels, the message catalogues and the assets.

pub(crate) mod api;
pub(crate) mod assets;
pub mod auth;
pub mod auth_cache;
pub(crate) mod changes;
pub(crate) mod charts;
pub mod decode;
pub mod error;
pub mod extract;
pub(crate) mod fmt;
pub(crate) mod forms;
pub(crate) mod health;
pub(crate) mod history;
pub mod i18n;
pub(crate) mod labels;
pub(crate) mod merge;
pub(crate) mod money_chart;
pub(crate) mod page;
pub(crate) mod params;
pub mod path;
pub(crate) mod refs;
