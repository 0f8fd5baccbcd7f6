//! Where the time goes: a running total per pipeline stage, shared by every
//! thread of a batch.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A stage of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and parsing the YAML.
    Load,
    /// Checking the contract's rules.
    Validate,
    /// Building the context and running the templates.
    Fill,
    /// Typst: evaluation and layout.
    Layout,
    /// Typst: PDF export.
    Export,
    /// Hashing, comparing and writing files and manifests.
    Write,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 6] = [
        Stage::Load,
        Stage::Validate,
        Stage::Fill,
        Stage::Layout,
        Stage::Export,
        Stage::Write,
    ];

    /// The stage's name, as printed.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Validate => "validate",
            Stage::Fill => "fill",
            Stage::Layout => "typeset",
            Stage::Export => "pdf",
            Stage::Write => "write",
        }
    }

    /// Whether the stage is Typst's own work.
    pub(crate) fn is_typst(self) -> bool {
        matches!(self, Stage::Layout | Stage::Export)
    }
}

thread_local! {
    /// The time of the stages timed so far inside the innermost stage
    /// running on this thread.
    static NESTED: std::cell::Cell<Duration> = const { std::cell::Cell::new(Duration::ZERO) };
}

/// Time spent per stage, summed over all threads.
#[derive(Debug, Default)]
pub struct Timings {
    nanos: [AtomicU64; 6],
}

impl Timings {
    /// Runs `f`, adding its duration to `stage`, less the time of the
    /// stages timed inside it on the same thread: a thread waiting inside
    /// Typst's parallel PDF export runs other reports' layout meanwhile
    /// (rayon's work stealing), which is layout, not export.
    pub fn time<T>(&self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let outer = NESTED.replace(Duration::ZERO);
        let start = Instant::now();
        let out = f();
        let elapsed = start.elapsed();
        self.add(stage, elapsed.saturating_sub(NESTED.get()));
        NESTED.set(outer + elapsed);
        out
    }

    /// Adds `elapsed` to `stage`.
    pub fn add(&self, stage: Stage, elapsed: Duration) {
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.nanos[stage as usize].fetch_add(nanos, Ordering::Relaxed);
    }

    /// The time spent in `stage` so far.
    pub fn get(&self, stage: Stage) -> Duration {
        Duration::from_nanos(self.nanos[stage as usize].load(Ordering::Relaxed))
    }

    /// The time of every stage so far.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(std::array::from_fn(|i| {
            self.nanos[i].load(Ordering::Relaxed)
        }))
    }

    /// The time spent in all stages.
    pub fn total(&self) -> Duration {
        Stage::ALL.iter().map(|s| self.get(*s)).sum()
    }
}

/// The time of every stage at one moment, in nanoseconds.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot([u64; 6]);

impl Snapshot {
    /// The nanoseconds each stage gained from this moment to `later`, in
    /// [`Stage::ALL`] order.
    pub(crate) fn spent_until(&self, later: &Snapshot) -> [u64; 6] {
        std::array::from_fn(|i| later.0[i].saturating_sub(self.0[i]))
    }
}

impl Timings {
    /// A table of the stages. Typst parallelises inside a document, so the
    /// times of its two stages overlap when several threads run; what the
    /// other stages cost is therefore compared with the process's CPU time
    /// (`cpu`), and Typst's share is what remains, split between layout
    /// and PDF export in proportion to their measured times.
    pub fn report(&self, cpu: Option<Duration>, wall: Duration) -> String {
        let ours: Vec<(Stage, f64)> = Stage::ALL
            .iter()
            .filter(|s| !s.is_typst())
            .map(|s| (*s, self.get(*s).as_secs_f64()))
            .collect();
        let outside: f64 = ours.iter().map(|(_, t)| t).sum();
        let layout = self.get(Stage::Layout).as_secs_f64();
        let export = self.get(Stage::Export).as_secs_f64();
        let cpu = cpu.map_or(outside + layout + export, |c| c.as_secs_f64());
        let typst = (cpu - outside).max(0.0);
        let split = layout + export;
        let (layout, export) = if split > 0.0 {
            (typst * layout / split, typst * export / split)
        } else {
            (0.0, 0.0)
        };
        let total = cpu.max(f64::MIN_POSITIVE);
        let mut rows: Vec<(&str, f64)> = ours.iter().map(|(s, t)| (s.name(), *t)).collect();
        rows.insert(3, (Stage::Layout.name(), layout));
        rows.insert(4, (Stage::Export.name(), export));
        let mut out = format!("{:<10} {:>9} {:>7}\n", "stage", "cpu s", "share");
        for (name, secs) in rows {
            out.push_str(&format!(
                "{name:<10} {secs:>9.3} {:>6.1}%\n",
                100.0 * secs / total
            ));
        }
        out.push_str(&format!("{:<10} {cpu:>9.3}\n", "total"));
        out.push_str(&format!(
            "outside Typst: {:.1}% of the CPU time; wall clock {:.3} s",
            100.0 * outside / total,
            wall.as_secs_f64()
        ));
        out
    }
}

/// The most memory this process has held so far (its peak resident set
/// size), where the platform tells.
pub(crate) fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The CPU time this process has used so far (all threads, user and
/// system), where the platform tells.
pub(crate) fn process_cpu_time() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        use rustix::time::{ClockId, clock_gettime};
        let t = clock_gettime(ClockId::ProcessCPUTime);
        Some(Duration::new(
            u64::try_from(t.tv_sec).ok()?,
            u32::try_from(t.tv_nsec).ok()?,
        ))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_timed_inside_another_is_counted_once_in_its_own() {
        let timings = Timings::default();
        let pause = Duration::from_millis(30);
        timings.time(Stage::Export, || {
            timings.time(Stage::Layout, || std::thread::sleep(pause));
        });
        // The layout's time is the layout's, not the export's too.
        assert!(timings.get(Stage::Layout) >= pause);
        assert!(timings.get(Stage::Export) < pause);
        assert!(timings.total() >= pause);
    }
}
