//! Renders a batch of engagements, one engine whatever the batch's size.
//!
//! A [`Plan`] reads every engagement's id first: ids used twice fail
//! before anything renders, and `--shard` keeps a slice. The plan's jobs
//! go, one at a time, to whichever worker is free; a worker renders one
//! engagement and answers with a [`Done`], the typed account of what became
//! of it, which the caller sees as it comes (only the caller prints).
//!
//! One engagement, or `jobs` = 1, renders on one worker in this process,
//! its reports typeset on `jobs` threads. Several engagements on several
//! cores render on worker processes, this program started again (see
//! [`Engine::with_processes`] and [`serve`]), each typesetting on one
//! thread: Typst memoises its work in caches a whole process shares, one
//! reader-writer lock for each memoised function, and two threads
//! typesetting at once wait on each other there; processes share nothing
//! but the pages of the binary. Both kinds of worker go through the same
//! dispatch loop.

mod plan;
mod done;
mod summary;
mod worker;

use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use done::{Cost, Done, Status, SummaryEntry, SummaryReport};
pub(crate) use plan::duplicate_id;
pub use plan::{Job, Plan, Shard};
pub use summary::{MergeError, Summary, Totals};
pub use worker::{LocalWorker, serve};
use worker::{ProcessWorker, Worker};

use crate::pipeline::render::{RenderOptions, Renderer};

/// Makes the command that starts one worker process; `None` when this
/// program cannot start itself (the batch then renders in this process).
pub type Spawn = Box<dyn Fn() -> Option<Command> + Send + Sync>;

/// How a batch runs: on how many cores, and how worker processes start.
pub struct Engine {
    jobs: usize,
    spawn: Option<Spawn>,
}

/// What a batch did.
#[derive(Debug)]
pub struct Ran {
    /// Each engagement, in plan order.
    pub done: Vec<Done>,
    /// Whether worker processes rendered it (their costs are in `done`).
    pub processes: bool,
}

impl Engine {
    /// A batch rendering `jobs` engagements at once (at least one).
    pub fn new(jobs: usize) -> Self {
        Self {
            jobs: jobs.max(1),
            spawn: None,
        }
    }

    /// Renders on worker processes that `spawn` starts, when there are
    /// several engagements and several jobs; each runs [`serve`].
    pub fn with_processes(mut self, spawn: Spawn) -> Self {
        self.spawn = Some(spawn);
        self
    }

    /// Renders `plan` with `options`, calling `done` as each engagement
    /// finishes (those failed before rendering first). A failing
    /// engagement — even one that makes the renderer panic, or kills its
    /// worker process — never stops the others.
    pub fn run(&self, plan: Plan, options: &RenderOptions, done: impl Fn(&Done) + Sync) -> Ran {
        let Plan { jobs, refused } = plan;
        let all = Mutex::new(Vec::with_capacity(jobs.len() + refused.len()));
        let keep = |d: Done| {
            done(&d);
            all.lock().unwrap_or_else(|e| e.into_inner()).push(d);
        };
        for (job, error) in &refused {
            keep(Done::failed(job, error));
        }
        if jobs.is_empty() {
            let done = all.into_inner().unwrap_or_else(|e| e.into_inner());
            return Ran {
                done,
                processes: false,
            };
        }
        let mut workers = self.processes(jobs.len());
        let processes = !workers.is_empty();
        if workers.is_empty() {
            match LocalWorker::new(Renderer::new(options.clone()), self.jobs) {
                Ok(worker) => workers.push(Box::new(worker)),
                Err(err) => jobs.iter().for_each(|job| keep(Done::lost(job, &err))),
            }
        }
        if !workers.is_empty() {
            dispatch(workers, &jobs, &keep);
        }
        let mut done = all.into_inner().unwrap_or_else(|e| e.into_inner());
        done.sort_by_key(|d| d.index);
        Ran { done, processes }
    }

    /// The worker processes for `count` jobs: none for a single job or a
    /// single core, or when none starts.
    fn processes(&self, count: usize) -> Vec<Box<dyn Worker>> {
        let (Some(spawn), n) = (&self.spawn, self.jobs.min(count)) else {
            return Vec::new();
        };
        if n < 2 {
            return Vec::new();
        }
        (0..n)
            .filter_map(|_| ProcessWorker::start(spawn()?).ok())
            .map(|w| Box::new(w) as Box<dyn Worker>)
            .collect()
    }
}

/// Renders `jobs` on `workers`: each worker takes the next job when done
/// with one, and `done` sees each job's [`Done`] as it comes back. A worker
/// that fails (its process crashed, or answered nonsense) is dropped and
/// its job reported lost; the others go on, and jobs no worker is left to
/// take are reported lost too.
fn dispatch(workers: Vec<Box<dyn Worker>>, jobs: &[Job], done: &(impl Fn(Done) + Sync)) {
    let next = AtomicUsize::new(0);
    let answered = Mutex::new(vec![false; jobs.len()]);
    let mark = |k: usize| {
        if let Ok(mut answered) = answered.lock() {
            answered[k] = true;
        }
    };
    let serve = |mut worker: Box<dyn Worker>| {
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(k) else {
                worker.stop();
                return;
            };
            let answer = worker.run(job);
            mark(k);
            match answer {
                Ok(answer) => done(answer),
                Err(err) => return done(Done::lost(job, &err)),
            }
        }
    };
    match workers.len() {
        // One worker needs no thread of its own.
        1 => workers.into_iter().for_each(serve),
        _ => std::thread::scope(|scope| {
            for worker in workers {
                scope.spawn(|| serve(worker));
            }
        }),
    }
    let answered = answered.into_inner().unwrap_or_else(|e| e.into_inner());
    let orphaned = std::io::Error::other("no worker process was left to render it");
    for (job, _) in jobs.iter().zip(answered).filter(|(_, a)| !a) {
        done(Done::lost(job, &orphaned));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_of_workers_that_cannot_answer_are_reported_lost() {
        // `true` reads nothing and ends at once: every job is lost, none twice.
        let workers: Vec<Box<dyn Worker>> = (0..2)
            .filter_map(|_| ProcessWorker::start(Command::new("true")).ok())
            .map(|w| Box::new(w) as Box<dyn Worker>)
            .collect();
        assert_eq!(workers.len(), 2);
        let jobs: Vec<Job> = (0..5)
            .map(|index| Job {
                index,
                path: format!("e{index}").into(),
                id: None,
            })
            .collect();
        let seen = Mutex::new(Vec::new());
        dispatch(workers, &jobs, &|d: Done| {
            seen.lock().unwrap().push((d.index, d.entry.status))
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort_by_key(|(i, _)| *i);
        assert_eq!(
            seen,
            (0..5).map(|i| (i, Status::Failed)).collect::<Vec<_>>()
        );
    }
}
