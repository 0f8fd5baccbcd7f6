//! dossier turns one expert-service engagement, written in YAML, into the
//! five deliverable reports its contract promises, as print-ready PDF.
//!
//! The crate is layered, lowest first: [`base`] (the data model and what
//! every stage needs), [`pipeline`] (the stages of one engagement: load →
//! validate → fill → typeset → sign → deliver), [`engine`] (a batch of
//! engagements on workers) and [`ops`] (one operation per command).

#![warn(missing_docs)]

pub mod base;
pub mod pipeline;
pub mod engine;
pub mod ops;

pub use base::diagnostic::{Diagnostic, Severity};
pub use base::report::ReportKey;
pub use pipeline::render::{RenderError, RenderOptions, RenderedEngagement, Renderer};
