//! dossier turns one expert-service engagement, written in YAML, into the
//! five deliverable reports its contract promises, as print-ready PDF.
//!
//! The pipeline, one module per stage:
//! [`load`] (YAML → [`model`], positions kept) → [`fill`] (minijinja
//! templates → Typst source) → [`typeset`] (embedded Typst → PDF) →
//! [`output`] (atomic writes, [`manifest`]). [`render`] runs it for one
//! engagement, [`batch`] for many at once.

#![warn(missing_docs)]

pub mod assets;
pub mod atomic;
pub mod attached;
pub mod batch;
pub mod calendar;
pub mod check;
pub mod code;
pub mod diagnostic;
pub mod digest;
pub mod discover;
pub mod extract;
pub mod fill;
pub mod fonts;
pub mod glyphs;
pub mod init;
pub mod load;
pub mod locale;
pub mod manifest;
pub mod model;
pub mod output;
pub mod render;
pub mod report;
pub mod scalars;
pub mod schema;
pub mod sign;
pub mod sign_bundle;
pub mod templates;
pub mod timings;
pub mod typeset;
pub mod validate;
pub mod versions;
pub mod watch;
pub mod workers;

pub use diagnostic::{Diagnostic, Severity};
pub use render::{RenderError, RenderOptions, RenderedEngagement, Renderer};
pub use report::ReportKey;
