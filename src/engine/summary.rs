//! The end of a batch as one document: the summary `render --summary`
//! writes, the merge of the summaries of a batch's shards, and the batch as
//! a Markdown table (for a CI job's summary or a merge request's note).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::done::{Done, Status, SummaryEntry};
use super::plan::Shard;
use crate::pipeline::deliver::manifest;

/// The end of a batch, in the stable shape written by `--summary`.
///
/// ```json
/// {
///   "version": 1,
///   "shard": "1/3",
///   "totals": { "engagements": 3, "final": 1, "draft": 1, "failed": 1, "unchanged": 0,
///               "skipped": 0 },
///   "engagements": [
///     { "file": "samples/a", "id": "A-1", "status": "final", "changed": true, "skipped": false,
///       "dir": "out/A-1", "errors": 0, "warnings": 0, "error": null, "diagnostics": [],
///       "reports": [ { "key": "startup", "file": "out/A-1/01-startup.pdf", "pages": 5,
///                      "status": "final", "sha256": "…" } ] } ]
/// }
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// Format version; currently 1.
    pub version: u32,
    /// The shard rendered, as `K/N`, if any.
    pub shard: Option<String>,
    /// The shards a merged summary is made of, as `K/N`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<String>,
    /// The shards a partial merge lacks, as `K/N`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Not changed: left alone (up to date), or rendered to the bytes its
    /// files already held.
    pub unchanged: usize,
    /// Left alone, its bundle up to date with its inputs.
    #[serde(default)]
    pub skipped: usize,
}

impl Totals {
    /// The counts of `entries`.
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a SummaryEntry>) -> Self {
        let mut totals = Totals::default();
        for entry in entries {
            totals.engagements += 1;
            match entry.status {
                Status::Final => totals.finals += 1,
                Status::Draft => totals.draft += 1,
                Status::Failed => totals.failed += 1,
            }
            if entry.status != Status::Failed && !entry.changed {
                totals.unchanged += 1;
            }
            totals.skipped += usize::from(entry.skipped);
        }
        totals
    }
}

impl Summary {
    /// The summary of the engagements `done`, in plan order.
    pub fn new(done: &[Done], shard: Option<Shard>) -> Self {
        Self {
            version: 1,
            shard: shard.map(|s| s.to_string()),
            shards: Vec::new(),
            missing: Vec::new(),
            totals: Totals::of(done.iter().map(|d| &d.entry)),
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

/// Why shard summaries could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No summary was given.
    #[error("no summary to merge")]
    Empty,
    /// A summary of a format this build does not read.
    #[error("{}: a summary of format version {version}; this dossier reads version 1", file.display())]
    Version {
        /// The summary.
        file: PathBuf,
        /// Its version.
        version: u32,
    },
    /// A summary is of a whole batch, not of a shard.
    #[error("{}: not the summary of a shard (it has no `shard`); render with --shard K/N", file.display())]
    NotAShard {
        /// The summary.
        file: PathBuf,
    },
    /// A summary names a shard that cannot be read.
    #[error("{}: `{shard}` is not a shard", file.display())]
    BadShard {
        /// The summary.
        file: PathBuf,
        /// What it says.
        shard: String,
    },
    /// Two summaries split the batch in different numbers of shards.
    #[error("{} is shard {a} and {} is shard {b}: the batch was split in different numbers of shards", first.display(), second.display())]
    Counts {
        /// One summary.
        first: PathBuf,
        /// Its shard.
        a: String,
        /// Another.
        second: PathBuf,
        /// Its shard.
        b: String,
    },
    /// Two summaries are of the same shard, or hold the same engagement.
    #[error("{} and {} overlap: {what}", first.display(), second.display())]
    Overlap {
        /// One summary.
        first: PathBuf,
        /// Another.
        second: PathBuf,
        /// What they both hold.
        what: String,
    },
    /// Shards are missing, and a partial batch was not accepted.
    #[error("shard {} missing; merge every shard, or pass --partial to accept a partial batch", missing.join(", "))]
    Missing {
        /// The shards missing, as `K/N`.
        missing: Vec<String>,
    },
}

impl Summary {
    /// The summaries of the shards of one batch (each with the file it was
    /// read from), merged into one: its engagements shard by shard, its
    /// totals counted anew. Summaries of different splits, of one shard
    /// twice, or holding one engagement twice are refused; so is a batch
    /// with shards missing, unless `partial`, and the merge then names them.
    pub fn merge(summaries: Vec<(PathBuf, Summary)>, partial: bool) -> Result<Self, MergeError> {
        let mut by_index: BTreeMap<u32, (PathBuf, Summary)> = BTreeMap::new();
        let mut count: Option<(PathBuf, Shard)> = None;
        for (file, summary) in summaries {
            if summary.version != 1 {
                return Err(MergeError::Version {
                    file,
                    version: summary.version,
                });
            }
            let Some(text) = summary.shard.clone() else {
                return Err(MergeError::NotAShard { file });
            };
            let shard: Shard = text.parse().map_err(|_| MergeError::BadShard {
                file: file.clone(),
                shard: text.clone(),
            })?;
            match &count {
                Some((first, seen)) if seen.count != shard.count => {
                    return Err(MergeError::Counts {
                        first: first.clone(),
                        a: seen.to_string(),
                        second: file,
                        b: text,
                    });
                }
                Some(_) => {}
                None => count = Some((file.clone(), shard)),
            }
            if let Some((first, _)) = by_index.get(&shard.index) {
                return Err(MergeError::Overlap {
                    first: first.clone(),
                    second: file,
                    what: format!("both are shard {text}"),
                });
            }
            by_index.insert(shard.index, (file, summary));
        }
        let Some((_, shard)) = count else {
            return Err(MergeError::Empty);
        };
        let missing: Vec<String> = (1..=shard.count)
            .filter(|k| !by_index.contains_key(k))
            .map(|k| format!("{k}/{}", shard.count))
            .collect();
        if !missing.is_empty() && !partial {
            return Err(MergeError::Missing { missing });
        }
        let mut held: BTreeMap<String, PathBuf> = BTreeMap::new();
        let mut engagements = Vec::new();
        let mut shards = Vec::new();
        for (file, summary) in by_index.into_values() {
            for entry in &summary.engagements {
                // By file: two files with one id fail in the same shard.
                let key = entry.file.display().to_string();
                if let Some(first) = held.insert(key.clone(), file.clone()) {
                    return Err(MergeError::Overlap {
                        first,
                        second: file,
                        what: format!("both hold {key}"),
                    });
                }
            }
            shards.extend(summary.shard);
            engagements.extend(summary.engagements);
        }
        Ok(Self {
            version: 1,
            shard: None,
            shards,
            missing,
            totals: Totals::of(&engagements),
            engagements,
        })
    }

    /// The batch as Markdown: a line of totals, then a table with a row per
    /// engagement (for `$GITHUB_STEP_SUMMARY` or a merge request's note).
    pub fn to_markdown(&self) -> String {
        let t = &self.totals;
        let mut text = format!(
            "### dossier: {} {}: {} all final, {} with drafts, {} failed, {} unchanged\n\n",
            t.engagements,
            if t.engagements == 1 {
                "engagement"
            } else {
                "engagements"
            },
            t.finals,
            t.draft,
            t.failed,
            t.unchanged,
        );
        if let Some(shard) = &self.shard {
            let _ = writeln!(text, "Shard {shard} of the batch.\n");
        }
        if !self.shards.is_empty() {
            let _ = writeln!(text, "Merged from shards {}.", self.shards.join(", "));
            if !self.missing.is_empty() {
                let _ = write!(
                    text,
                    " **Partial: shards {} missing.**",
                    self.missing.join(", ")
                );
            }
            text.push_str("\n\n");
        }
        text.push_str("| Engagement | File | Status | Reports | Errors | Warnings | Bundle |\n");
        text.push_str("|---|---|---|---|---|---|---|\n");
        let mut rows: Vec<&SummaryEntry> = self.engagements.iter().collect();
        rows.sort_by_key(|e| (e.id.clone(), e.file.clone()));
        for entry in rows {
            let _ = writeln!(text, "{}", markdown_row(entry));
        }
        text
    }
}

/// One engagement as a row of the Markdown table.
fn markdown_row(entry: &SummaryEntry) -> String {
    let finals = entry
        .reports
        .iter()
        .filter(|r| r.status == manifest::Status::Final)
        .count();
    let (status, reports) = match entry.status {
        Status::Failed => ("failed", "none".to_string()),
        Status::Final => ("final", format!("{finals} final")),
        Status::Draft => (
            "draft",
            format!("{finals} final, {} draft", entry.reports.len() - finals),
        ),
    };
    let bundle = match (&entry.error, entry.skipped, entry.changed) {
        (Some(error), _, _) => format!("not rendered: {error}"),
        (None, true, _) => "up to date".to_string(),
        (None, false, true) if !entry.altered.is_empty() => {
            format!("rendered over altered files: {}", entry.altered.join("; "))
        }
        (None, false, true) => "rendered".to_string(),
        (None, false, false) => "unchanged".to_string(),
    };
    format!(
        "| {} | {} | {status} | {reports} | {} | {} | {} |",
        cell(entry.id.as_deref().unwrap_or("—")),
        cell(&entry.file.display().to_string()),
        entry.errors,
        entry.warnings,
        cell(&bundle),
    )
}

/// `text` as one Markdown table cell: pipes escaped, lines joined.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}
