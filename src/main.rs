//! The `dossier` command: parses arguments, calls the library, maps the
//! outcome to an exit code.

mod cli;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use cli::{Args, CheckArgs, CheckFormat, Command, RenderArgs};
use dossier::discover::discover;
use dossier::load::load;
use dossier::validate::validate;
use dossier::{Diagnostic, RenderError, Renderer, Severity};

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Command::Render(render) => run_render(&render),
        Command::Check(check) => run_check(&check),
        Command::Schema => {
            let schema = dossier::schema::json_schema();
            let _ = writeln!(std::io::stdout().lock(), "{schema}");
            ExitCode::SUCCESS
        }
    }
}

/// Whether stderr wants colour.
fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print_diagnostics(diagnostics: &[Diagnostic], source: Option<&str>) {
    for diagnostic in diagnostics {
        eprintln!("{}", diagnostic.render(source, color()));
    }
}

fn engagements(paths: &[PathBuf], skip: Option<&std::path::Path>) -> Option<Vec<PathBuf>> {
    let found = discover(paths, skip);
    if found.is_empty() {
        eprintln!("error: no engagement found under the given paths");
        return None;
    }
    Some(found)
}

fn run_render(args: &RenderArgs) -> ExitCode {
    let options = args.options();
    let Some(engagements) = engagements(&args.paths, Some(&options.out)) else {
        return ExitCode::FAILURE;
    };
    let renderer = Renderer::new(options);
    let mut failed = 0;
    let mut stdout = std::io::stdout().lock();
    for path in &engagements {
        match renderer.render(path) {
            Ok(done) => {
                if !args.quiet {
                    print_diagnostics(&done.validation.diagnostics, Some(&done.text));
                }
                let finals = done.reports.iter().filter(|r| r.is_final).count();
                let drafts = done.reports.len() - finals;
                if !args.quiet {
                    // A closed pipe is not an error worth reporting.
                    let _ = writeln!(
                        stdout,
                        "rendered {} → {} ({finals} final, {drafts} draft)",
                        done.id,
                        done.dir.display()
                    );
                }
            }
            Err(RenderError::Invalid { validation, text }) => {
                failed += 1;
                print_diagnostics(&validation.diagnostics, Some(&text));
                eprintln!(
                    "error: {}: not rendered because of the errors above",
                    path.display()
                );
            }
            Err(err) => {
                failed += 1;
                match err.diagnostic() {
                    Some((diagnostic, source)) => {
                        eprintln!("{}", diagnostic.render(source, color()))
                    }
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

fn run_check(args: &CheckArgs) -> ExitCode {
    let Some(engagements) = engagements(&args.paths, None) else {
        return ExitCode::FAILURE;
    };
    let mut report = dossier::check::CheckReport::default();
    for path in &engagements {
        match load(path) {
            Ok(loaded) => {
                let validation = validate(&loaded);
                if args.format == CheckFormat::Human {
                    print_diagnostics(&validation.diagnostics, Some(&loaded.source));
                }
                report.add(
                    &loaded.file,
                    Some(&loaded.engagement.engagement.id.value),
                    validation.diagnostics,
                );
            }
            Err(err) => {
                if args.format == CheckFormat::Human {
                    print_diagnostics(std::slice::from_ref(&err.diagnostic), err.text.as_deref());
                }
                let file = err.diagnostic.file.clone();
                report.add(&file, None, vec![*err.diagnostic]);
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        CheckFormat::Json => {
            let _ = writeln!(stdout, "{}", report.to_json());
        }
        CheckFormat::Human => {
            let (errors, warnings) = report.counts();
            let _ = writeln!(
                stdout,
                "checked {}: {}, {}",
                plural(engagements.len(), "engagement"),
                plural(errors, "error"),
                plural(warnings, "warning")
            );
        }
    }
    let has_errors = report
        .engagements
        .iter()
        .flat_map(|e| &e.diagnostics)
        .any(|d| d.severity == Severity::Error);
    if has_errors {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `n thing` or `n things`.
fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}
