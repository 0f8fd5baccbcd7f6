//! The `dossier` command: parses arguments, calls the library, maps the
//! outcome to an exit code.

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use cli::{Args, Command, RenderArgs};
use dossier::Renderer;
use dossier::discover::discover;

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Command::Render(render) => run_render(&render),
    }
}

fn run_render(args: &RenderArgs) -> ExitCode {
    let options = args.options();
    let engagements = discover(&args.paths, Some(&options.out));
    if engagements.is_empty() {
        eprintln!("error: no engagement found under the given paths");
        return ExitCode::FAILURE;
    }
    let renderer = Renderer::new(options);
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut failed = 0;
    let mut stdout = std::io::stdout().lock();
    for path in &engagements {
        match renderer.render(path) {
            Ok(done) => {
                if !args.quiet {
                    // A closed pipe is not an error worth reporting.
                    let _ = writeln!(
                        stdout,
                        "rendered {} → {} ({} reports)",
                        done.id,
                        done.dir.display(),
                        done.reports.len()
                    );
                }
            }
            Err(err) => {
                failed += 1;
                match err.diagnostic() {
                    Some((diagnostic, source)) => eprintln!("{}", diagnostic.render(source, color)),
                    None => eprintln!("error: {}: {err}", path.display()),
                }
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} engagements failed",
            engagements.len()
        );
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
