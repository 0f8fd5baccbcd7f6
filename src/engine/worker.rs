//! The workers of a batch: one in this process, or worker processes that
//! each run one in theirs. Both take a [`Job`] and answer with a [`Done`];
//! the worker in this process is the one place that decides when Typst's
//! memoised results are dropped.

use std::io::{self, BufRead, BufReader, Write};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use super::done::{Cost, Done, nanos};
use super::plan::Job;
use crate::base::timings::{peak_memory, process_cpu_time};
use crate::pipeline::render::{RenderError, RenderOptions, RenderedEngagement, Renderer};
use crate::pipeline::typeset;

/// Stack size of a rendering thread. Deeply nested documents need more
/// than the default, and untouched stack costs nothing but address space.
const STACK_SIZE: usize = 16 << 20;

/// Something that renders the jobs of a batch one at a time.
pub(super) trait Worker: Send {
    /// Renders `job`; an error means the worker itself failed.
    fn run(&mut self, job: &Job) -> io::Result<Done>;
    /// Ends the worker once it has no more jobs.
    fn stop(self: Box<Self>);
}

/// Renders engagements in this process, one at a time, typesetting the
/// reports of each on its own threads.
pub struct LocalWorker {
    renderer: Renderer,
    pool: rayon::ThreadPool,
    /// How many renders Typst's memoised results may go unused.
    keep: usize,
}

impl LocalWorker {
    /// A worker rendering with `renderer` whose reports are typeset on
    /// `threads` threads.
    pub fn new(renderer: Renderer, threads: usize) -> io::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .stack_size(STACK_SIZE)
            .thread_name(|i| format!("dossier-{i}"))
            .build()
            .map_err(io::Error::other)?;
        Ok(Self {
            renderer,
            pool,
            keep: 0,
        })
    }

    /// Keeps Typst's memoised results that the last few renders used, for
    /// a process that renders the same engagements again and again
    /// (`dossier watch`); a batch keeps none.
    pub(crate) fn keeping_warm(mut self) -> Self {
        self.keep = typeset::WARM_CACHE_AGE;
        self
    }

    /// The renderer this worker renders with.
    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// Renders the engagement at `path`, turning a panic into a failure of
    /// that engagement alone. Typst's memoised results of earlier renders
    /// are dropped first (all of them, or those the last few renders did
    /// not use): a batch holds one engagement's at a time, and a process
    /// about to exit does not spend time dropping the last one's.
    pub fn render(&self, path: &Path) -> Result<RenderedEngagement, RenderError> {
        self.run(|renderer| {
            std::panic::catch_unwind(AssertUnwindSafe(|| renderer.render(path))).unwrap_or_else(
                |panic| {
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown cause".into());
                    Err(RenderError::Internal { message })
                },
            )
        })
    }

    /// Runs `work` with this worker's renderer on its threads, once Typst's
    /// memoised results of earlier work are dropped (as [`LocalWorker::render`]
    /// does): for a caller of the library that typesets otherwise, e.g.
    /// [`Renderer::sources`].
    pub fn run<T: Send>(&self, work: impl FnOnce(&Renderer) -> T + Send) -> T {
        typeset::evict_cache(self.keep);
        self.pool.install(|| work(&self.renderer))
    }

    /// Renders `job` and says what became of it and what it cost.
    pub fn done(&self, job: &Job) -> Done {
        let before = self.renderer.timings().snapshot();
        let cpu = process_cpu_time().unwrap_or_default();
        let outcome = self.render(&job.path);
        let cost = Cost {
            stages: before.spent_until(&self.renderer.timings().snapshot()),
            cpu: nanos(process_cpu_time().unwrap_or_default().saturating_sub(cpu)),
            peak: peak_memory().unwrap_or(0),
        };
        Done::of(job, outcome, cost)
    }
}

impl Worker for LocalWorker {
    fn run(&mut self, job: &Job) -> io::Result<Done> {
        Ok(self.done(job))
    }

    fn stop(self: Box<Self>) {}
}

/// A worker process: this program started again as a worker, talking
/// through its standard input and output, one JSON line each way per job.
pub(super) struct ProcessWorker {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl ProcessWorker {
    /// Starts `command` as a worker; its standard error stays the caller's.
    pub(super) fn start(mut command: Command) -> io::Result<Self> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other("the worker process has no pipes"));
        };
        Ok(Self {
            child,
            input,
            output: BufReader::new(output),
        })
    }
}

impl Worker for ProcessWorker {
    fn run(&mut self, job: &Job) -> io::Result<Done> {
        let answer = send(&mut self.input, job).and_then(|()| {
            let mut reply = String::new();
            if self.output.read_line(&mut reply)? == 0 {
                let status = self.child.wait()?;
                return Err(io::Error::other(format!(
                    "the worker process ended ({status}) while rendering it"
                )));
            }
            serde_json::from_str(&reply).map_err(io::Error::other)
        });
        if answer.is_err() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        answer
    }

    fn stop(self: Box<Self>) {
        let ProcessWorker {
            mut child, input, ..
        } = *self;
        drop(input);
        let _ = child.wait();
    }
}

/// Writes `value` as one line of JSON and flushes it.
fn send(to: &mut impl Write, value: &impl serde::Serialize) -> io::Result<()> {
    let mut line = serde_json::to_string(value).map_err(io::Error::other)?;
    line.push('\n');
    to.write_all(line.as_bytes())?;
    to.flush()
}

/// The worker process's side: renders the jobs that come in on standard
/// input, one JSON line each, with `options`, one at a time on one thread,
/// and answers each with a [`Done`] on standard output, until the input
/// ends. A worker outlives no batch: when the process that started it
/// ends (killed, say), it stops too, rather than go on writing bundles.
pub fn serve(options: RenderOptions) -> io::Result<()> {
    watch_parent();
    let worker = LocalWorker::new(Renderer::new(options), 1)?;
    answer(io::stdin().lock(), io::stdout().lock(), |job| {
        worker.done(job)
    })
}

/// Reads jobs from `input` and writes what `render` makes of each to
/// `output`, until `input` ends.
fn answer(
    input: impl BufRead,
    mut output: impl Write,
    mut render: impl FnMut(&Job) -> Done,
) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let job: Job = serde_json::from_str(&line).map_err(io::Error::other)?;
        send(&mut output, &render(&job))?;
    }
    Ok(())
}

/// Ends this process when the one that started it is gone.
fn watch_parent() {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if std::os::unix::process::parent_id() != parent {
                    std::process::exit(1);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(index: usize) -> Job {
        Job {
            index,
            path: format!("e{index}").into(),
            id: Some(format!("E-{index}")),
        }
    }

    #[test]
    fn a_worker_answers_each_job_in_turn() {
        let input: String = (0..3)
            .map(|i| serde_json::to_string(&job(i)).unwrap() + "\n")
            .collect();
        let mut output = Vec::new();
        let lost = io::Error::other("test");
        answer(input.as_bytes(), &mut output, |job| Done::lost(job, &lost)).unwrap();
        let replies: Vec<Done> = String::from_utf8(output)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            replies.iter().map(|d| d.index).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(replies[1].entry.id.as_deref(), Some("E-1"));
        assert_eq!(replies[2].entry.file, Path::new("e2"));
    }
}
