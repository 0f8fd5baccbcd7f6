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
use crate::engine::{Plan, duplicate_id};
use crate::pipeline::fill::Filler;
use crate::pipeline::load::versions::{BaseSpec, Since, compare};
use crate::pipeline::load::{LoadError, Loaded, from_bytes, identify_bytes, load};
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

impl CheckedEngagement {
    /// One engagement's diagnostics, counted, and the reports they keep
    /// drafts.
    pub fn new(
        file: &Path,
        id: Option<&str>,
        drafts: Vec<ReportKey>,
        diagnostics: Vec<Diagnostic>,
        text: Option<String>,
    ) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Self {
            file: file.to_path_buf(),
            id: id.map(str::to_string),
            errors,
            warnings: diagnostics.len() - errors,
            drafts,
            diagnostics,
            text,
        }
    }

    /// What `check` finds in `loaded`, with `more` diagnostics found
    /// beside the rules (an id another engagement uses) listed first.
    fn of(loaded: Loaded, since: Option<&Since>, more: Option<Diagnostic>) -> Self {
        let mut validation = validate_since(&loaded, since);
        validation.diagnostics.splice(0..0, more);
        validation
            .diagnostics
            .extend(super::countersigned::check(&loaded));
        let drafts = ReportKey::ALL
            .into_iter()
            .filter(|key| !validation.is_final(*key))
            .collect();
        Self::new(
            &loaded.file,
            Some(&loaded.engagement.engagement.id.value),
            drafts,
            validation.diagnostics,
            Some(loaded.source),
        )
    }

    /// What `check` finds in a file that cannot be read as an engagement.
    fn unreadable(err: LoadError) -> Self {
        let file = err.diagnostic.file.clone();
        Self::new(&file, None, Vec::new(), vec![*err.diagnostic], err.text)
    }
}

/// Checks the engagement `text`, the contents of `file` as an editor holds
/// them (saved or not), as `check` would check the file: its assets are
/// looked for beside `file`, and an id that one of `others` (the other
/// engagement files of its workspace, with the ids they use) uses too is
/// an error.
pub fn check_text(file: &Path, text: &str, others: &[(PathBuf, String)]) -> CheckedEngagement {
    let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let duplicate = identify_bytes(file.to_path_buf(), text.as_bytes()).and_then(|identity| {
        let mut all: Vec<PathBuf> = others
            .iter()
            .filter(|(other, id)| *id == identity.id && other != file)
            .map(|(other, _)| other.clone())
            .collect();
        if all.is_empty() {
            return None;
        }
        all.insert(0, file.to_path_buf());
        Some(duplicate_id(&identity, &all))
    });
    match from_bytes(file.to_path_buf(), root, text.as_bytes().to_vec()) {
        Ok(loaded) => CheckedEngagement::of(loaded, None, duplicate),
        Err(err) => CheckedEngagement::unreadable(err),
    }
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
        self.engagements
            .push(CheckedEngagement::new(file, id, drafts, diagnostics, text));
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
        let checked = match load(path) {
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
                let duplicate = refused.get(path).cloned();
                CheckedEngagement::of(loaded, since.as_ref(), duplicate)
            }
            Err(err) => CheckedEngagement::unreadable(err),
        };
        report.engagements.push(checked);
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
