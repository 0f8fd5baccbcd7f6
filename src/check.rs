//! The result of `dossier check` in its stable JSON shape.
//!
//! ```json
//! {
//!   "version": 1,
//!   "errors": 1, "warnings": 0,
//!   "engagements": [
//!     { "file": "samples/x.yaml", "id": "X-1", "errors": 1, "warnings": 0,
//!       "diagnostics": [
//!         { "severity": "error", "rule": "lead-time", "clause": "§3, §6",
//!           "file": "samples/x.yaml", "line": 30, "column": 14,
//!           "message": "…", "hints": ["…"], "reports": ["startup", "plan"] } ] } ]
//! }
//! ```

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};

/// Format version of the JSON output.
pub const JSON_VERSION: u32 = 1;

/// Every engagement checked, with its diagnostics.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    /// One entry per engagement, in the order checked.
    pub engagements: Vec<CheckedEngagement>,
}

/// One checked engagement.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedEngagement {
    /// The YAML file.
    pub file: PathBuf,
    /// The engagement id, when the file could be read.
    pub id: Option<String>,
    /// How many errors.
    pub errors: usize,
    /// How many warnings.
    pub warnings: usize,
    /// What was found.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckReport {
    /// Adds the diagnostics of one engagement.
    pub fn add(&mut self, file: &Path, id: Option<&str>, diagnostics: Vec<Diagnostic>) {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        self.engagements.push(CheckedEngagement {
            file: file.to_path_buf(),
            id: id.map(str::to_string),
            errors,
            warnings: diagnostics.len() - errors,
            diagnostics,
        });
    }

    /// Total errors and warnings.
    pub fn counts(&self) -> (usize, usize) {
        self.engagements
            .iter()
            .fold((0, 0), |(e, w), x| (e + x.errors, w + x.warnings))
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        let (errors, warnings) = self.counts();
        let value = serde_json::json!({
            "version": JSON_VERSION,
            "errors": errors,
            "warnings": warnings,
            "engagements": self.engagements,
        });
        serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into())
    }
}
