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
    /// Whether it was left alone, its bundle up to date with its inputs:
    /// nothing was typeset.
    #[serde(default)]
    pub skipped: bool,
    /// The files of its bundle that no longer matched their manifest
    /// before this render (and how), rendered anew.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub altered: Vec<String>,
    /// What changed since its bundle was written (`engagement.yaml`,
    /// `template style.typ`, `option only`, …), when it had one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outdated: Vec<String>,
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
            skipped: false,
            altered: Vec::new(),
            outdated: Vec::new(),
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
            skipped: false,
            altered: Vec::new(),
            outdated: Vec::new(),
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
