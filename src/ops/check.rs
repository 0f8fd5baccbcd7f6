//! `dossier check`: engagements against the contract's rules, without
//! rendering; the result in its stable JSON shape.
//!
//! ```json
//! {
//!   "version": 1,
//!   "errors": 1, "warnings": 0,
//!   "engagements": [
//!     { "file": "samples/x.yaml", "id": "X-1", "errors": 1, "warnings": 0,
//!       "drafts": ["startup", "plan"],
//!       "diagnostics": [
//!         { "severity": "error", "rule": "lead-time", "clause": "§3, §6",
//!           "file": "samples/x.yaml", "line": 30, "column": 14,
//!           "message": "…", "hints": ["…"], "reports": ["startup", "plan"] } ] } ]
//! }
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{OpError, engagements, one_base_each};
use crate::base::diagnostic::{Diagnostic, Severity};
use crate::base::report::ReportKey;
use crate::engine::Plan;
use crate::pipeline::fill::Filler;
use crate::pipeline::load::load;
use crate::pipeline::load::versions::{BaseSpec, compare};
use crate::pipeline::render::{RenderError, measure};
use crate::pipeline::validate::validate_since;

/// Format version of the JSON output.
pub(crate) const JSON_VERSION: u32 = 1;

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
    /// The reports that would be rendered as drafts, in delivery order;
    /// empty when every report would be final (or the file could not be
    /// read: see `errors`).
    pub drafts: Vec<ReportKey>,
    /// What was found.
    pub diagnostics: Vec<Diagnostic>,
    /// The YAML's text, when it could be read, to show the diagnostics at
    /// their lines.
    #[serde(skip)]
    pub text: Option<String>,
}

impl CheckReport {
    /// Adds the diagnostics of one engagement, and the reports they keep
    /// drafts.
    pub fn add(
        &mut self,
        file: &Path,
        id: Option<&str>,
        drafts: Vec<ReportKey>,
        diagnostics: Vec<Diagnostic>,
        text: Option<String>,
    ) {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        self.engagements.push(CheckedEngagement {
            file: file.to_path_buf(),
            id: id.map(str::to_string),
            errors,
            warnings: diagnostics.len() - errors,
            drafts,
            diagnostics,
            text,
        });
    }

    /// Total errors and warnings.
    pub fn counts(&self) -> (usize, usize) {
        self.engagements
            .iter()
            .fold((0, 0), |(e, w), x| (e + x.errors, w + x.warnings))
    }

    /// Whether `check` fails: any error, or under `strict` any engagement
    /// that would have a draft.
    pub fn fails(&self, strict: bool) -> bool {
        self.engagements
            .iter()
            .any(|e| e.errors > 0 || (strict && !e.drafts.is_empty()))
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let (errors, warnings) = self.counts();
        let value = serde_json::json!({
            "version": JSON_VERSION,
            "errors": errors,
            "warnings": warnings,
            "engagements": self.engagements,
        });
        serde_json::to_string_pretty(&value)
    }

    /// The diagnostics as GitHub Actions workflow commands, one line each
    /// (`::error file=…,line=…,col=…,title=…::message`), which GitHub shows
    /// as annotations on the YAML lines of a pull request.
    pub fn to_github(&self) -> String {
        let mut out = String::new();
        for d in self.engagements.iter().flat_map(|e| &e.diagnostics) {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut properties = vec![format!(
                "file={}",
                github_property(&d.file.to_string_lossy().replace('\\', "/"))
            )];
            if d.pos.line > 0 {
                properties.push(format!("line={}", d.pos.line));
                properties.push(format!("col={}", d.pos.column.max(1)));
            }
            let title = match (d.rule, d.clause) {
                (Some(rule), Some(clause)) => format!("{rule} ({clause})"),
                (Some(rule), None) => rule.to_string(),
                _ => "dossier".to_string(),
            };
            properties.push(format!("title={}", github_property(&title)));
            let mut message = d.message.clone();
            for hint in &d.hints {
                message.push_str("\nhelp: ");
                message.push_str(hint);
            }
            out.push_str(&format!(
                "::{command} {}::{}\n",
                properties.join(","),
                github_data(&message)
            ));
        }
        out
    }
}

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckRequest {
    /// Engagement directories, engagement files, or folders to search.
    pub paths: Vec<PathBuf>,
    /// The previous version to compare with, for the version rules.
    pub since: Option<BaseSpec>,
}

/// Checks every engagement `request` names against the contract's rules,
/// and says which reports each would render as drafts.
pub fn check(request: &CheckRequest) -> Result<CheckReport, OpError> {
    let found = engagements(&request.paths, None)?;
    one_base_each(request.since.as_ref(), found.len())?;
    // The batch's own refusals, as `render` makes them: an id used twice.
    let refused: HashMap<PathBuf, Diagnostic> = Plan::new(&found, None)
        .refused
        .into_iter()
        .filter_map(|(job, err)| match err {
            RenderError::DuplicateId { diagnostic, .. } => Some((job.path, *diagnostic)),
            _ => None,
        })
        .collect();
    let mut report = CheckReport::default();
    let filler = request
        .since
        .as_ref()
        .map(|_| Filler::new(Default::default()));
    for path in &found {
        match load(path) {
            Ok(loaded) => {
                let mut since = request
                    .since
                    .as_ref()
                    .map(|spec| compare(spec, &loaded))
                    .transpose()
                    .map_err(|source| OpError::Base {
                        file: loaded.file.clone(),
                        source,
                    })?;
                if let (Some(since), Some(filler), Some(spec)) =
                    (&mut since, &filler, &request.since)
                {
                    measure(filler, spec, since, &loaded);
                }
                let mut validation = validate_since(&loaded, since.as_ref());
                if let Some(duplicate) = refused.get(path) {
                    validation.diagnostics.insert(0, duplicate.clone());
                }
                validation
                    .diagnostics
                    .extend(super::countersigned::check(&loaded));
                let drafts = ReportKey::ALL
                    .into_iter()
                    .filter(|key| !validation.is_final(*key))
                    .collect();
                report.add(
                    &loaded.file,
                    Some(&loaded.engagement.engagement.id.value),
                    drafts,
                    validation.diagnostics,
                    Some(loaded.source),
                );
            }
            Err(err) => {
                let file = err.diagnostic.file.clone();
                report.add(&file, None, Vec::new(), vec![*err.diagnostic], err.text);
            }
        }
    }
    Ok(report)
}

/// Escapes the message of a workflow command.
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}
