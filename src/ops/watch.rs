//! `dossier watch`: re-renders engagements on every save of their YAML, one
//! of their images or a user template.
//!
//! The process stays up, so the fonts stay parsed; a [`Memo`] keeps each
//! report's last PDF, and a report whose Typst source and files did not
//! change is not typeset again. A save that does not load (broken YAML)
//! renders nothing, so the last good PDFs stay in place.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::fresh;
use crate::base::discover::discover;
use crate::base::report::ReportKey;
use crate::engine::LocalWorker;
use crate::pipeline::render::{
    RenderError, RenderOptions, RenderedEngagement, Renderer, TypesetCache,
};
use crate::pipeline::typeset::Typeset;

/// How long a burst of file events may last before it is acted on: editors
/// write a file in several steps.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(30);

/// What to watch and how to render.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Engagement directories, engagement files, or folders to search.
    pub paths: Vec<PathBuf>,
    /// How to render (output directory, templates, format, …).
    pub render: RenderOptions,
}

/// Why watching could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The paths given hold no engagement.
    #[error("no engagement found under the given paths")]
    NoEngagement,
    /// The threads to render on could not start.
    #[error("cannot start the rendering threads: {0}")]
    Threads(std::io::Error),
    /// The file watcher failed.
    #[error("cannot watch {}: {message}", path.display())]
    Watch {
        /// What was to be watched.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// One render of one engagement, as the watch reports it.
pub struct WatchRender<'a> {
    /// The engagement's path as discovered.
    pub path: &'a Path,
    /// What became of it.
    pub outcome: &'a Result<RenderedEngagement, RenderError>,
    /// From the end of the save (the debounced event) to the written files.
    pub elapsed: Duration,
}

/// Renders every engagement under `options.paths` once, then again on each
/// change, calling `report` after each render. Returns only when the
/// watcher itself fails.
pub fn watch(
    options: &WatchOptions,
    mut report: impl FnMut(WatchRender<'_>),
) -> Result<(), WatchError> {
    if discover(&options.paths, Some(&options.render.out)).is_empty() {
        return Err(WatchError::NoEngagement);
    }
    // Threads that can start once can start again: a failure shows here.
    LocalWorker::new(Renderer::new(options.render.clone()), 1).map_err(WatchError::Threads)?;
    let memo = Arc::new(Memo::default());
    let out = options
        .render
        .out
        .canonicalize()
        .unwrap_or_else(|_| options.render.out.clone());
    let render_all = |changed: Option<&[PathBuf]>, report: &mut dyn FnMut(WatchRender<'_>)| {
        let started = Instant::now();
        // A new renderer each time: user templates are read afresh.
        let renderer = Renderer::new(options.render.clone()).with_cache(memo.clone());
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let worker = match LocalWorker::new(renderer, threads) {
            Ok(worker) => worker.keeping_warm(),
            Err(_) => return,
        };
        // At the start, a bundle up to date with its engagement is kept.
        let checking = (changed.is_none() && !options.render.force)
            .then(|| Renderer::new(options.render.clone()));
        for path in discover(&options.paths, Some(&options.render.out)) {
            if let Some(changed) = changed
                && !changed.iter().any(|c| affects(c, &path, &options.render))
            {
                continue;
            }
            let outcome = match checking.as_ref().and_then(|r| fresh::up_to_date(r, &path)) {
                Some(kept) => Ok(kept),
                None => worker.render(&path),
            };
            report(WatchRender {
                path: &path,
                outcome: &outcome,
                elapsed: started.elapsed(),
            });
        }
    };
    // Watching starts before the first render, so that no save is missed.
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut roots: Vec<PathBuf> = options.paths.clone();
    if let Some(dir) = &options.render.templates.dir {
        roots.push(dir.clone());
    }
    let _debouncer = start_watching(&roots, tx)?;
    render_all(None, &mut report);
    loop {
        let events = match rx.recv() {
            Ok(Ok(events)) => events,
            Ok(Err(errors)) => {
                return Err(WatchError::Watch {
                    path: roots.first().cloned().unwrap_or_default(),
                    message: errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                });
            }
            Err(mpsc::RecvError) => return Ok(()),
        };
        let changed: Vec<PathBuf> = events
            .iter()
            .filter(|e| !e.kind.is_access())
            .flat_map(|e| e.paths.iter())
            .filter(|p| !p.starts_with(&out) && !is_scratch(p))
            .cloned()
            .collect();
        if !changed.is_empty() {
            render_all(Some(&changed), &mut report);
        }
    }
}

/// Watches `roots` (a file through its folder), sending each burst of
/// events to `tx`; watching lasts as long as the returned debouncer.
fn start_watching(
    roots: &[PathBuf],
    tx: mpsc::Sender<DebounceEventResult>,
) -> Result<Debouncer<RecommendedWatcher, RecommendedCache>, WatchError> {
    let mut debouncer = new_debouncer(DEBOUNCE, None, tx).map_err(|e| WatchError::Watch {
        path: PathBuf::from("."),
        message: e.to_string(),
    })?;
    for root in roots {
        // A file is watched through its folder: editors replace a file
        // when they save it, and a watch on the old file would go quiet.
        let (target, mode) = if root.is_file() {
            let parent = root.parent().filter(|p| !p.as_os_str().is_empty());
            (
                parent.unwrap_or(Path::new(".")),
                RecursiveMode::NonRecursive,
            )
        } else {
            (root.as_path(), RecursiveMode::Recursive)
        };
        debouncer
            .watch(target, mode)
            .map_err(|e| WatchError::Watch {
                path: root.clone(),
                message: e.to_string(),
            })?;
    }
    Ok(debouncer)
}

/// Whether a change of `changed` can alter the reports of the engagement at
/// `engagement`: its YAML, an image in its directory, or a user template.
fn affects(changed: &Path, engagement: &Path, options: &RenderOptions) -> bool {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let changed = canonical(changed);
    if let Some(dir) = &options.templates.dir
        && changed.starts_with(canonical(dir))
    {
        return true;
    }
    let engagement = canonical(engagement);
    let (yaml, root) = if engagement.is_dir() {
        (
            engagement.join(crate::base::discover::ENGAGEMENT_FILE),
            engagement,
        )
    } else {
        let root = engagement
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        (engagement, root)
    };
    let image = changed
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| matches!(e.as_str(), "png" | "jpg" | "jpeg" | "svg"));
    changed == yaml || (image && changed.starts_with(&root))
}

/// Editors' scratch files: hidden files, backups and swap files.
fn is_scratch(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name == "4913"
}

/// The last typeset result of each report, for renders that follow one
/// another: a report whose Typst source and files did not change is not
/// typeset again.
#[derive(Default)]
pub(crate) struct Memo {
    reports: Mutex<HashMap<(PathBuf, ReportKey), (String, Typeset)>>,
}

impl TypesetCache for Memo {
    fn get(&self, file: &Path, report: ReportKey, inputs: &str) -> Option<Typeset> {
        let reports = self.reports.lock().ok()?;
        reports
            .get(&(file.to_path_buf(), report))
            .filter(|(known, _)| known == inputs)
            .map(|(_, typeset)| typeset.clone())
    }

    fn put(&self, file: &Path, report: ReportKey, inputs: String, typeset: Typeset) {
        if let Ok(mut reports) = self.reports.lock() {
            reports.insert((file.to_path_buf(), report), (inputs, typeset));
        }
    }
}
