//! Many engagements in one process: discovery, duplicate ids, sharding,
//! parallel rendering, and the batch summary.

use std::collections::BTreeMap;
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Identity, identify};
use crate::render::{RenderError, RenderedEngagement, Renderer};
use crate::timings::Stage;

/// One slice of a batch split across machines: the `index`-th of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, from 1.
    pub index: u32,
    /// How many slices.
    pub count: u32,
}

impl Shard {
    /// Whether the engagement keyed `key` (its id) falls in this slice.
    /// The slice depends on the key alone, so every machine agrees.
    pub fn contains(&self, key: &str) -> bool {
        let digest = Sha256::digest(key.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard; write K/N with 1 ≤ K ≤ N, e.g. 2/3");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What happened to one engagement of a batch.
#[derive(Debug)]
pub enum Outcome {
    /// Its reports were rendered (final, draft, or unchanged).
    Rendered(RenderedEngagement),
    /// It was not rendered.
    Failed {
        /// Its YAML file or directory.
        path: PathBuf,
        /// Its id, when it could be read.
        id: Option<String>,
        /// Why.
        error: RenderError,
    },
}

impl Outcome {
    /// The engagement's id, when known.
    pub fn id(&self) -> Option<&str> {
        match self {
            Outcome::Rendered(done) => Some(&done.id),
            Outcome::Failed { id, .. } => id.as_deref(),
        }
    }
}

/// One engagement of a plan to render: its place in the plan, its path
/// and, when it could be read, its id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    /// Its place in the plan.
    pub index: usize,
    /// Its YAML file or directory.
    pub path: PathBuf,
    /// Its id, when it could be read.
    pub id: Option<String>,
}

impl Job {
    /// Renders the engagement, turning a failure — even a panic of the
    /// renderer — into an outcome of its own. Typst's memoised results are
    /// left to the caller ([`Renderer::release_cache`]).
    pub fn render(&self, renderer: &Renderer) -> Outcome {
        match render_guarded(renderer, &self.path) {
            Ok(rendered) => Outcome::Rendered(rendered),
            Err(error) => Outcome::Failed {
                id: self.id.clone(),
                path: self.path.clone(),
                error,
            },
        }
    }
}

/// An engagement to render, or one already failed before rendering.
#[derive(Debug)]
enum Planned {
    Render(PathBuf, Option<String>),
    Failed(Outcome),
}

/// The engagements of a batch, in discovery order, after duplicate ids
/// are refused and the shard is applied.
#[derive(Debug)]
pub struct Plan {
    planned: Vec<Planned>,
}

impl Plan {
    /// Reads the id of every engagement in `paths`, refuses ids used twice
    /// (naming both files), and keeps those in `shard`. An engagement whose
    /// id cannot be read falls in the shard its path falls in, and its
    /// rendering reports what is wrong with it.
    pub fn new(
        batch: &Batch,
        renderer: &Renderer,
        paths: &[PathBuf],
        shard: Option<Shard>,
    ) -> Self {
        let read: Vec<(PathBuf, Option<Identity>)> = batch.pool.install(|| {
            paths
                .par_iter()
                .map(|path| {
                    let identity = renderer.timings().time(Stage::Load, || identify(path));
                    (path.clone(), identity)
                })
                .collect()
        });
        let mut by_id: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
        for identity in read.iter().filter_map(|(_, i)| i.as_ref()) {
            by_id
                .entry(identity.id.as_str())
                .or_default()
                .push(&identity.file);
        }
        let duplicates: BTreeMap<String, Vec<PathBuf>> = by_id
            .into_iter()
            .filter(|(_, files)| files.len() > 1)
            .map(|(id, files)| {
                (
                    id.to_string(),
                    files.iter().map(|f| f.to_path_buf()).collect(),
                )
            })
            .collect();
        let planned = read
            .into_iter()
            .filter(|(path, identity)| {
                let key = match identity {
                    Some(identity) => identity.id.clone(),
                    None => path.to_string_lossy().into_owned(),
                };
                shard.is_none_or(|s| s.contains(&key))
            })
            .map(|(path, identity)| match identity {
                None => Planned::Render(path, None),
                Some(identity) => match duplicates.get(&identity.id) {
                    Some(files) => Planned::Failed(Outcome::Failed {
                        path,
                        error: duplicate(&identity, files),
                        id: Some(identity.id),
                    }),
                    None => Planned::Render(path, Some(identity.id)),
                },
            })
            .collect();
        Self { planned }
    }

    /// How many engagements the plan holds.
    pub fn len(&self) -> usize {
        self.planned.len()
    }

    /// Whether the plan is empty (nothing found, or nothing in this shard).
    pub fn is_empty(&self) -> bool {
        self.planned.is_empty()
    }

    /// How many of the plan's engagements are to be rendered (the others
    /// failed before: an id used twice).
    pub fn to_render(&self) -> usize {
        self.planned
            .iter()
            .filter(|p| matches!(p, Planned::Render(..)))
            .count()
    }

    /// The plan's engagements: those that failed before rendering (an id
    /// used twice), with their outcome, and those to render.
    pub fn split(self) -> (Vec<(usize, Outcome)>, Vec<Job>) {
        let mut failed = Vec::new();
        let mut jobs = Vec::new();
        for (index, planned) in self.planned.into_iter().enumerate() {
            match planned {
                Planned::Failed(outcome) => failed.push((index, outcome)),
                Planned::Render(path, id) => jobs.push(Job { index, path, id }),
            }
        }
        (failed, jobs)
    }

    /// Renders the plan, calling `done` with its place in the plan as each
    /// engagement finishes (from the thread that rendered it; those that
    /// failed before rendering first). A failing engagement — even one that
    /// makes the renderer panic — never stops the others.
    ///
    /// Each of the batch's `jobs` workers takes the next engagement when it
    /// is done with one, and typesets its reports on the batch's thread
    /// pool. So at most `jobs` engagements are in memory at once: were the
    /// engagements themselves items of a parallel iterator, a thread waiting
    /// inside Typst would start another engagement on top of the first, and
    /// memory would grow with the size of the batch.
    ///
    /// Typst's memoised results are released after each engagement that
    /// another follows; those of the last ones stay, for the process is
    /// usually about to end ([`Renderer::release_cache`] drops them).
    pub fn run(self, batch: &Batch, renderer: &Renderer, done: impl Fn(usize, &Outcome) + Sync) {
        let (failed, jobs) = self.split();
        for (index, outcome) in &failed {
            done(*index, outcome);
        }
        let next = AtomicUsize::new(0);
        let work = || {
            while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                let outcome = batch.pool.install(|| job.render(renderer));
                // Typst's memoised results stay when no engagement follows:
                // the process is about to end.
                if next.load(Ordering::Relaxed) < jobs.len() {
                    renderer.release_cache();
                }
                done(job.index, &outcome);
            }
        };
        std::thread::scope(|scope| {
            let workers = batch.jobs.min(jobs.len());
            let spawned = (0..workers)
                .filter(|w| {
                    std::thread::Builder::new()
                        .name(format!("dossier-worker-{w}"))
                        .stack_size(STACK_SIZE)
                        .spawn_scoped(scope, work)
                        .is_ok()
                })
                .count();
            if spawned == 0 {
                work();
            }
        });
    }
}

/// Renders one engagement, turning a panic into a failure of that
/// engagement alone.
fn render_guarded(renderer: &Renderer, path: &Path) -> Result<RenderedEngagement, RenderError> {
    std::panic::catch_unwind(AssertUnwindSafe(|| renderer.render_retaining(path))).unwrap_or_else(
        |panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            Err(RenderError::Internal { message })
        },
    )
}

/// The threads a batch runs on.
pub struct Batch {
    pool: rayon::ThreadPool,
    jobs: usize,
}

/// Stack size of a batch thread. Deeply nested documents need more than
/// the default, and untouched stack costs nothing but address space.
const STACK_SIZE: usize = 16 << 20;

impl Batch {
    /// Runs `work` on the batch's threads, whose stacks are deep enough for
    /// Typst, and waits for it.
    pub fn install<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        self.pool.install(work)
    }

    /// A batch running `jobs` documents at once.
    pub fn new(jobs: usize) -> Result<Self, rayon::ThreadPoolBuildError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .stack_size(STACK_SIZE)
            .thread_name(|i| format!("dossier-{i}"))
            .build()?;
        Ok(Self {
            pool,
            jobs: jobs.max(1),
        })
    }
}

fn duplicate(identity: &Identity, all: &[PathBuf]) -> RenderError {
    let Identity { id, pos, file } = identity;
    let others: Vec<String> = all
        .iter()
        .filter(|f| f != &file)
        .map(|f| f.display().to_string())
        .collect();
    let mut diagnostic = Diagnostic::error(
        file,
        *pos,
        format!("engagement id `{id}` is also used by {}", others.join(", ")),
    );
    diagnostic.hints.push(
        "the id names the output folder, so each engagement needs its own; rename one of them"
            .into(),
    );
    RenderError::DuplicateId {
        diagnostic: Box::new(diagnostic),
        text: std::fs::read_to_string(file).unwrap_or_default(),
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
    /// One entry per engagement, in discovery order (each a
    /// [`SummaryEntry`]).
    pub engagements: Vec<serde_json::Value>,
}

/// One engagement of a batch as the command line reports it: what it
/// prints and the engagement's entry in the summary. A worker process
/// sends it, as one line of JSON, to the process that runs the batch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finished {
    /// Its place in the plan.
    pub index: usize,
    /// Its id, when known.
    pub id: Option<String>,
    /// `final`, `draft` or `failed`.
    pub status: String,
    /// Whether any file was written.
    pub changed: bool,
    /// Its [`SummaryEntry`].
    pub entry: serde_json::Value,
    /// The line it prints on standard output, if any.
    pub out: Option<String>,
    /// What it prints on standard error as it finishes.
    pub err: String,
    /// The line that repeats its failure at the end of the batch.
    pub failure: Option<String>,
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

/// One engagement in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryEntry {
    /// Its YAML file or directory.
    pub file: PathBuf,
    /// Its id, when known.
    pub id: Option<String>,
    /// `final`, `draft` or `failed`.
    pub status: &'static str,
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
}

/// One report in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryReport {
    /// Which report.
    pub key: crate::ReportKey,
    /// Its file.
    pub file: PathBuf,
    /// Its page count (0 for Typst sources).
    pub pages: usize,
    /// `final` or `draft`.
    pub status: crate::manifest::Status,
    /// SHA-256 of the file.
    pub sha256: String,
}

impl SummaryEntry {
    /// The summary entry of `outcome`.
    pub fn of(outcome: &Outcome) -> Self {
        match outcome {
            Outcome::Rendered(done) => {
                let (errors, warnings) = done.validation.counts();
                SummaryEntry {
                    file: done.source.clone(),
                    id: Some(done.id.clone()),
                    status: if done.is_final() { "final" } else { "draft" },
                    changed: done.changed,
                    dir: Some(done.dir.clone()),
                    errors,
                    warnings,
                    error: None,
                    diagnostics: done.validation.diagnostics.clone(),
                    reports: done
                        .reports
                        .iter()
                        .map(|r| SummaryReport {
                            key: r.key,
                            file: r.file.clone(),
                            pages: r.pages,
                            status: crate::manifest::Status::of(r.is_final),
                            sha256: r.sha256.clone(),
                        })
                        .collect(),
                }
            }
            Outcome::Failed { path, id, error } => {
                let diagnostics: Vec<Diagnostic> = error
                    .diagnostics()
                    .map(|(list, _)| list.into_iter().cloned().collect())
                    .unwrap_or_default();
                let errors = diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                SummaryEntry {
                    file: path.clone(),
                    id: id.clone(),
                    status: "failed",
                    changed: false,
                    dir: None,
                    errors,
                    warnings: diagnostics.len() - errors,
                    error: Some(error.to_string()),
                    diagnostics,
                    reports: Vec::new(),
                }
            }
        }
    }
}

impl Summary {
    /// The summary of the engagements `finished`, in plan order.
    pub fn new(finished: &[Finished], shard: Option<Shard>) -> Self {
        let mut totals = Totals {
            engagements: finished.len(),
            ..Totals::default()
        };
        for f in finished {
            match f.status.as_str() {
                "final" => totals.finals += 1,
                "draft" => totals.draft += 1,
                _ => totals.failed += 1,
            }
            if f.status != "failed" && !f.changed {
                totals.unchanged += 1;
            }
        }
        Self {
            version: 1,
            shard: shard.map(|s| s.to_string()),
            totals,
            engagements: finished.iter().map(|f| f.entry.clone()).collect(),
        }
    }

    /// The summary as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_key_into_exactly_one_slice() {
        let keys: Vec<String> = (0..300).map(|i| format!("ENG-{i:04}")).collect();
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for key in &keys {
            let holding = shards.iter().filter(|s| s.contains(key)).count();
            assert_eq!(holding, 1, "{key}");
        }
        for shard in &shards {
            let n = keys.iter().filter(|k| shard.contains(k)).count();
            assert!((60..=140).contains(&n), "{shard} holds {n} of 300");
        }
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
