//! `dossier render`.

use std::process::{Command, ExitCode};

use dossier::engine::{self, Engine};
use dossier::ops::render;

use crate::cli::RenderArgs;
use crate::term::{Progress, exit, fail, out, plural, say};

pub fn run(args: &RenderArgs) -> ExitCode {
    let request = match args.request() {
        Ok(request) => request,
        Err(err) => return fail(err),
    };
    if args.worker {
        return match engine::serve(request.options) {
            Ok(()) => ExitCode::SUCCESS,
            // The batch went away: nobody is left to tell.
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::FAILURE,
            Err(err) => fail(format!("worker: {err}")),
        };
    }
    let plan = match render::plan(&request) {
        Ok(plan) => plan,
        Err(err) => return fail(err),
    };
    let progress = Progress::new(plan.len(), args.quiet);
    let engine = Engine::new(args.jobs()).with_processes(Box::new(worker));
    let rendered = render::render(&request, plan, &engine, |done| progress.report(done));
    progress.finish();
    let rendered = match rendered {
        Ok(rendered) => rendered,
        Err(err) => return fail(err),
    };
    let totals = rendered.summary.totals;
    if !args.quiet {
        let mut line = format!(
            "rendered {} in {:.1} s: {} all final, {} with drafts, {} failed",
            plural(totals.engagements, "engagement"),
            rendered.elapsed.as_secs_f64(),
            totals.finals,
            totals.draft,
            totals.failed,
        );
        if let Some(shard) = args.shard {
            line.push_str(&format!(" (shard {shard})"));
        }
        if totals.skipped > 0 {
            line.push_str(&format!("; {} up to date, left alone", totals.skipped));
        }
        let unchanged = totals.unchanged - totals.skipped;
        if unchanged > 0 {
            line.push_str(&format!("; {unchanged} rendered to the same files"));
        }
        out(line);
    }
    for line in rendered.done.iter().filter_map(|d| d.failure()) {
        say!("{line}");
    }
    if args.timings {
        say!(
            "{}",
            rendered.timings.report(rendered.cpu, rendered.elapsed)
        );
        if rendered.peak > 0 {
            let mib = rendered.peak.div_ceil(1 << 20);
            say!("peak memory: {mib} MiB (the largest process)");
        }
    }
    exit(rendered.succeeded())
}

/// A worker process of the batch: this program, with this command line
/// and `--worker` right after `render` (before any `--` that ends the
/// options); `None` when this program cannot tell where it is.
fn worker() -> Option<Command> {
    let program = std::env::current_exe().ok()?;
    let mut args = std::env::args_os().skip(1);
    let mut command = Command::new(program);
    // The arguments up to the subcommand, the subcommand, then the flag.
    for arg in args.by_ref() {
        let subcommand = arg == "render";
        command.arg(arg);
        if subcommand {
            break;
        }
    }
    command.arg("--worker").args(args);
    Some(command)
}
