//! `dossier render`: engagements into their bundles, as a batch.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{OpError, engagements, fresh, one_base_each};
use crate::base::atomic::write_atomic;
use crate::base::timings::{Timings, process_cpu_time};
use crate::engine::{Done, Engine, Plan, Shard, Summary};
use crate::pipeline::render::RenderOptions;

/// What to render, and how.
#[derive(Debug, Clone)]
pub struct RenderRequest {
    /// Engagement directories, engagement files, or folders to search.
    pub paths: Vec<PathBuf>,
    /// How each engagement is rendered.
    pub options: RenderOptions,
    /// The slice of the batch to render, if split across machines.
    pub shard: Option<Shard>,
    /// Where to write the batch summary as JSON, if anywhere.
    pub summary: Option<PathBuf>,
}

/// A rendered batch.
#[derive(Debug)]
pub struct Rendered {
    /// Each engagement, in plan order.
    pub done: Vec<Done>,
    /// The counts and entries, as `--summary` writes them.
    pub summary: Summary,
    /// From the start of the plan to the end of the last engagement.
    pub elapsed: Duration,
    /// Time spent per stage, over every worker.
    pub timings: Timings,
    /// CPU time over every process, where the platform tells.
    pub cpu: Option<Duration>,
    /// The largest process's peak resident memory, in bytes.
    pub peak: u64,
}

impl Rendered {
    /// Whether every engagement rendered.
    pub fn succeeded(&self) -> bool {
        self.summary.totals.failed == 0
    }
}

/// The engagements `request` names, their ids read, duplicates refused
/// and the shard applied.
pub fn plan(request: &RenderRequest) -> Result<Plan, OpError> {
    let found = engagements(&request.paths, Some(&request.options.out))?;
    one_base_each(request.options.since.as_ref(), found.len())?;
    Ok(Plan::new(&found, request.shard))
}

/// Renders `plan` on `engine`; `done` sees each engagement as it ends.
/// The summary is written where `request` asks.
pub fn render(
    request: &RenderRequest,
    plan: Plan,
    engine: &Engine,
    done: impl Fn(&Done) + Sync,
) -> Result<Rendered, OpError> {
    let started = Instant::now();
    let sorted = fresh::sort(plan, &request.options);
    sorted.skipped.iter().for_each(&done);
    // What was found of a bundle is said when its engagement is done.
    let (altered, changed) = (sorted.altered, sorted.changed);
    let with_altered = |d: &mut Done| {
        if let Some(files) = altered.get(&d.index) {
            d.entry.altered = files.clone();
        }
        if let Some(changes) = changed.get(&d.index) {
            d.entry.outdated = changes.clone();
        }
    };
    let mut ran = engine.run(sorted.plan, &request.options, |d| {
        if altered.contains_key(&d.index) || changed.contains_key(&d.index) {
            let mut d = d.clone();
            with_altered(&mut d);
            done(&d);
        } else {
            done(d);
        }
    });
    ran.done.iter_mut().for_each(with_altered);
    ran.done.extend(sorted.skipped);
    ran.done.sort_by_key(|d| d.index);
    let summary = Summary::new(&ran.done, request.shard);
    if let Some(file) = &request.summary {
        summary
            .to_json()
            .map_err(std::io::Error::other)
            .and_then(|json| write_atomic(file, json.as_bytes()))
            .map_err(|source| OpError::Write {
                path: file.clone(),
                source,
            })?;
    }
    let timings = Timings::default();
    for d in &ran.done {
        d.cost.add_to(&timings);
    }
    // In one process, the process's CPU time is the batch's; worker
    // processes report their own.
    let cpu = process_cpu_time().map(|own| {
        if ran.processes {
            own + ran
                .done
                .iter()
                .map(|d| Duration::from_nanos(d.cost.cpu))
                .sum::<Duration>()
        } else {
            own
        }
    });
    let peak = ran.done.iter().map(|d| d.cost.peak).max().unwrap_or(0);
    Ok(Rendered {
        done: ran.done,
        summary,
        elapsed: started.elapsed(),
        timings,
        cpu,
        peak,
    })
}
