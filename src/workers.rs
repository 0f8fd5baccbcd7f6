//! A batch rendered by worker processes, one per core.
//!
//! Typst memoises its work in caches that a whole process shares, one
//! reader-writer lock for each memoised function; two threads typesetting
//! at once wait on each other there, and over a batch a core in ten stays
//! idle. Processes share nothing but the pages of the binary, so each core
//! typesets undisturbed. The process that runs the batch hands the
//! engagements out in plan order, one at a time, to whichever worker is
//! free, and reads back what became of each: a [`Job`] goes down a worker's
//! standard input as one line of JSON, a [`Finished`] comes back up its
//! standard output the same way.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::batch::{Finished, Job};

/// A running worker process.
pub struct Worker {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Worker {
    /// Starts `command` as a worker, talking to it through pipes; its
    /// standard error stays the caller's.
    pub fn start(mut command: Command) -> io::Result<Self> {
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

    /// Has the worker render `job` and waits for what became of it.
    fn ask(&mut self, job: &Job) -> io::Result<Finished> {
        let mut line = serde_json::to_string(job).map_err(io::Error::other)?;
        line.push('\n');
        self.input.write_all(line.as_bytes())?;
        self.input.flush()?;
        let mut reply = String::new();
        if self.output.read_line(&mut reply)? == 0 {
            let status = self.child.wait()?;
            return Err(io::Error::other(format!(
                "the worker process ended ({status}) while rendering it"
            )));
        }
        serde_json::from_str(&reply).map_err(io::Error::other)
    }

    /// Closes the worker's input, which ends it, and waits for it.
    fn stop(self) {
        let Worker {
            mut child, input, ..
        } = self;
        drop(input);
        let _ = child.wait();
    }

    /// Ends a worker that stopped answering.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Renders `jobs` on `workers`: each worker takes the next job when done
/// with one, and `done` sees each job's [`Finished`] as it comes back (from
/// the thread that talked to that worker). A worker that fails — it
/// crashed, or answered nonsense — is stopped and its job reported by
/// `lost`; the others go on, and jobs no worker is left to take are
/// reported by `lost` too.
pub fn dispatch(
    workers: Vec<Worker>,
    jobs: &[Job],
    lost: impl Fn(&Job, &io::Error) -> Finished + Sync,
    done: impl Fn(Finished) + Sync,
) {
    let next = AtomicUsize::new(0);
    let answered = Mutex::new(vec![false; jobs.len()]);
    let mark = |k: usize| {
        if let Ok(mut answered) = answered.lock() {
            answered[k] = true;
        }
    };
    std::thread::scope(|scope| {
        for mut worker in workers {
            let (next, lost, done, mark) = (&next, &lost, &done, &mark);
            scope.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(k) else {
                        worker.stop();
                        return;
                    };
                    match worker.ask(job) {
                        Ok(finished) => {
                            mark(k);
                            done(finished);
                        }
                        Err(err) => {
                            mark(k);
                            done(lost(job, &err));
                            worker.kill();
                            return;
                        }
                    }
                }
            });
        }
    });
    let answered = answered.into_inner().unwrap_or_else(|e| e.into_inner());
    let orphaned = io::Error::other("no worker process was left to render it");
    for (job, _) in jobs.iter().zip(answered).filter(|(_, a)| !a) {
        done(lost(job, &orphaned));
    }
}

/// The worker's side: reads jobs from `input`, one JSON line each, and
/// writes what `render` makes of each to `output`, one JSON line each,
/// until `input` ends.
pub fn serve(
    input: impl BufRead,
    mut output: impl Write,
    mut render: impl FnMut(&Job) -> Finished,
) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let job: Job = serde_json::from_str(&line).map_err(io::Error::other)?;
        let finished = render(&job);
        let mut reply = serde_json::to_string(&finished).map_err(io::Error::other)?;
        reply.push('\n');
        output.write_all(reply.as_bytes())?;
        output.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(job: &Job, status: &str) -> Finished {
        Finished {
            index: job.index,
            id: job.id.clone(),
            status: status.into(),
            changed: true,
            entry: serde_json::json!({ "file": job.path }),
            out: Some(format!("rendered {}", job.path.display())),
            err: String::new(),
            failure: None,
        }
    }

    #[test]
    fn a_worker_answers_each_job_in_turn() {
        let jobs: Vec<Job> = (0..3)
            .map(|index| Job {
                index,
                path: format!("e{index}").into(),
                id: Some(format!("E-{index}")),
            })
            .collect();
        let input: String = jobs
            .iter()
            .map(|j| serde_json::to_string(j).unwrap() + "\n")
            .collect();
        let mut output = Vec::new();
        serve(input.as_bytes(), &mut output, |job| finished(job, "final")).unwrap();
        let replies: Vec<Finished> = String::from_utf8(output)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            replies.iter().map(|f| f.index).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(replies[1].id.as_deref(), Some("E-1"));
        assert_eq!(replies[2].out.as_deref(), Some("rendered e2"));
    }

    #[test]
    fn jobs_of_a_worker_that_cannot_answer_are_reported_lost() {
        // `true` reads nothing and ends at once: every job is lost, none twice.
        let workers = (0..2)
            .filter_map(|_| Worker::start(Command::new("true")).ok())
            .collect::<Vec<_>>();
        assert_eq!(workers.len(), 2);
        let jobs: Vec<Job> = (0..5)
            .map(|index| Job {
                index,
                path: format!("e{index}").into(),
                id: None,
            })
            .collect();
        let seen = Mutex::new(Vec::new());
        dispatch(
            workers,
            &jobs,
            |job, _| finished(job, "failed"),
            |f| seen.lock().unwrap().push((f.index, f.status)),
        );
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(
            seen,
            (0..5)
                .map(|i| (i, "failed".to_string()))
                .collect::<Vec<_>>()
        );
    }
}
