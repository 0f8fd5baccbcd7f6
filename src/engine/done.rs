//! What became of one engagement of a batch, as typed data: the message a
//! worker sends back, the engagement's entry in the batch summary, and all
//! the caller needs to print.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::plan::Job;
use crate::base::diagnostic::{Diagnostic, Severity};
use crate::base::report::ReportKey;
use crate::base::timings::{Stage, Timings};
use crate::pipeline::deliver::manifest;
use crate::pipeline::render::{Attached, RenderError, RenderedEngagement};

/// How an engagement of a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Rendered, every report final.
    Final,
    /// Rendered, at least one report a draft.
    Draft,
    /// Not rendered.
    Failed,
}

/// One engagement of a batch, done: its entry in the summary, the YAML's
/// text to show its diagnostics at their lines, and what it cost. A worker
/// process sends it back as one line of JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Done {
    /// Its place in the plan.
    pub index: usize,
    /// Its entry in the summary.
    pub entry: SummaryEntry,
    /// The YAML's text, when it could be read.
    pub text: Option<String>,
    /// What rendering it cost.
    pub cost: Cost,
}

/// One engagement in the summary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryEntry {
    /// Its YAML file or directory.
    pub file: PathBuf,
    /// Its id, when known.
    pub id: Option<String>,
    /// How it ended.
    pub status: Status,
    /// Whether any file was written.
    pub changed: bool,
    /// Its output folder, when rendered.
    pub dir: Option<PathBuf>,
    /// How many validation errors.
    pub errors: usize,
    /// How many validation warnings.
    pub warnings: usize,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// Validation findings, or the problem that stopped it.
    pub diagnostics: Vec<Diagnostic>,
    /// The files written.
    pub reports: Vec<SummaryReport>,
    /// What the acceptance report carries, when it attaches its source.
    pub attached: Option<Attached>,
}

/// One report in the summary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryReport {
    /// Which report.
    pub key: ReportKey,
    /// Its file.
    pub file: PathBuf,
    /// Its page count (0 for Typst sources).
    pub pages: usize,
    /// Final or draft.
    pub status: manifest::Status,
    /// SHA-256 of the file.
    pub sha256: String,
}

/// What rendering one engagement cost its worker.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Cost {
    /// Nanoseconds spent in each stage, in [`Stage::ALL`] order.
    pub stages: [u64; 6],
    /// Nanoseconds of CPU time the worker's process used meanwhile.
    pub cpu: u64,
    /// The worker process's peak resident memory so far, in bytes.
    pub peak: u64,
}

impl Cost {
    /// Adds this cost's stage times to `timings`.
    pub(crate) fn add_to(&self, timings: &Timings) {
        for (nanos, stage) in self.stages.iter().zip(Stage::ALL) {
            timings.add(stage, Duration::from_nanos(*nanos));
        }
    }
}

/// A duration in whole nanoseconds.
pub(super) fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Done {
    /// What became of `job`, rendered (or not) as `outcome`.
    pub fn of(job: &Job, outcome: Result<RenderedEngagement, RenderError>, cost: Cost) -> Self {
        match outcome {
            Ok(done) => Self::rendered(job.index, done, cost),
            Err(error) => Self {
                cost,
                ..Self::failed(job, &error)
            },
        }
    }

    fn rendered(index: usize, done: RenderedEngagement, cost: Cost) -> Self {
        let (errors, warnings) = done.validation.counts();
        let status = if done.is_final() {
            Status::Final
        } else {
            Status::Draft
        };
        let reports = done
            .reports
            .iter()
            .map(|r| SummaryReport {
                key: r.key,
                file: r.file.clone(),
                pages: r.pages,
                status: manifest::Status::of(r.is_final),
                sha256: r.sha256.clone(),
            })
            .collect();
        let entry = SummaryEntry {
            file: done.source,
            id: Some(done.id),
            status,
            changed: done.changed,
            dir: Some(done.dir),
            errors,
            warnings,
            error: None,
            diagnostics: done.validation.diagnostics,
            reports,
            attached: done.attached,
        };
        Self {
            index,
            entry,
            text: Some(done.text),
            cost,
        }
    }

    /// `job`, not rendered because of `error`.
    pub fn failed(job: &Job, error: &RenderError) -> Self {
        let (diagnostics, text) = match error.diagnostics() {
            Some((list, text)) => (
                list.into_iter().cloned().collect(),
                text.map(str::to_string),
            ),
            None => (Vec::new(), None),
        };
        let errors = diagnostics
            .iter()
            .filter(|d: &&Diagnostic| d.severity == Severity::Error)
            .count();
        let entry = SummaryEntry {
            file: job.path.clone(),
            id: job.id.clone(),
            status: Status::Failed,
            changed: false,
            dir: None,
            errors,
            warnings: diagnostics.len() - errors,
            error: Some(error.to_string()),
            diagnostics,
            reports: Vec::new(),
            attached: None,
        };
        Self {
            index: job.index,
            entry,
            text,
            cost: Cost::default(),
        }
    }

    /// `job`, lost with the worker process that was rendering it.
    pub fn lost(job: &Job, why: &std::io::Error) -> Self {
        let error = RenderError::Internal {
            message: why.to_string(),
        };
        Self::failed(job, &error)
    }

    /// The one line that says why it failed, naming the YAML position of
    /// the problem where there is one; `None` when it did not fail.
    pub fn failure(&self) -> Option<String> {
        let error = self.entry.error.as_ref()?;
        let diagnostics = &self.entry.diagnostics;
        let first = diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .or(diagnostics.first());
        let why = match first {
            Some(d) => format!(
                "{}:{}:{}: {}",
                d.file.display(),
                d.pos.line,
                d.pos.column,
                d.message
            ),
            None => error.clone(),
        };
        Some(format!("failed: {}: {why}", self.entry.file.display()))
    }
}

/// The end of a batch, in the stable shape written by `--summary`.
///
/// ```json
/// {
///   "version": 1,
///   "shard": "1/3",
///   "totals": { "engagements": 3, "final": 1, "draft": 1, "failed": 1, "unchanged": 0 },
///   "engagements": [
///     { "file": "samples/a", "id": "A-1", "status": "final", "changed": true,
///       "dir": "out/A-1", "errors": 0, "warnings": 0, "error": null, "diagnostics": [],
///       "reports": [ { "key": "startup", "file": "out/A-1/01-startup.pdf", "pages": 5,
///                      "status": "final", "sha256": "…" } ] } ]
/// }
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Format version; currently 1.
    pub version: u32,
    /// The shard rendered, as `K/N`, if any.
    pub shard: Option<String>,
    /// Counts.
    pub totals: Totals,
    /// One entry per engagement, in plan order, its keys in alphabetical
    /// order.
    #[serde(serialize_with = "keys_sorted")]
    pub engagements: Vec<SummaryEntry>,
}

/// Writes `entries` with the keys of each in alphabetical order, the
/// summary's stable shape.
fn keys_sorted<S: serde::Serializer>(entries: &[SummaryEntry], s: S) -> Result<S::Ok, S::Error> {
    let values = entries
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(serde::ser::Error::custom)?;
    serde::Serialize::serialize(&values, s)
}

/// How many engagements ended how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// All engagements of the batch (of the shard).
    pub engagements: usize,
    /// Rendered with every report final.
    #[serde(rename = "final")]
    pub finals: usize,
    /// Rendered with at least one draft.
    pub draft: usize,
    /// Not rendered.
    pub failed: usize,
    /// Rendered, but every file already held the same bytes.
    pub unchanged: usize,
}

impl Summary {
    /// The summary of the engagements `done`, in plan order.
    pub fn new(done: &[Done], shard: Option<super::Shard>) -> Self {
        let mut totals = Totals {
            engagements: done.len(),
            ..Totals::default()
        };
        for entry in done.iter().map(|d| &d.entry) {
            match entry.status {
                Status::Final => totals.finals += 1,
                Status::Draft => totals.draft += 1,
                Status::Failed => totals.failed += 1,
            }
            if entry.status != Status::Failed && !entry.changed {
                totals.unchanged += 1;
            }
        }
        Self {
            version: 1,
            shard: shard.map(|s| s.to_string()),
            totals,
            engagements: done.iter().map(|d| d.entry.clone()).collect(),
        }
    }

    /// The summary as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }
}
