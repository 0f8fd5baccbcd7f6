//! What every stage stands on: the data model, the five reports, diagnostics,
//! calendars, catalogues, fonts, the built-in templates, and small tools
//! (atomic writes, digests, timings). Nothing here knows of a stage.

pub(crate) mod atomic;
pub mod digest;
pub mod timings;
pub mod fonts;
pub mod report;
pub mod model;
pub mod code;
pub mod scalars;
pub mod diagnostic;
pub mod calendar;
pub mod locale;
pub mod schema;
pub mod templates;
pub(crate) mod discover;
