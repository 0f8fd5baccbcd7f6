//! `dossier diff`.

use std::process::ExitCode;

use dossier::ops::diff::{DiffError, diff};

use crate::cli::{DiffArgs, DiffFormat};
use crate::term::{diagnostics, exit, fail, out, plural, print};

pub fn run(args: &DiffArgs) -> ExitCode {
    let diffed = match diff(&args.base, &args.new) {
        Ok(diffed) => diffed,
        Err(DiffError::Load(err)) => {
            diagnostics(std::slice::from_ref(&err.diagnostic), err.text.as_deref());
            return ExitCode::FAILURE;
        }
        Err(err) => return fail(err),
    };
    let since = &diffed.since;
    match args.format {
        DiffFormat::Json => match since.to_json() {
            Ok(json) => out(json),
            Err(err) => return fail(format!("cannot write the changes as JSON: {err}")),
        },
        DiffFormat::Text => {
            match diffed.text() {
                Ok(text) => print(text),
                Err(err) => return fail(err),
            }
            let reports = diffed.reports();
            out(format!(
                "{} since {}; {}",
                plural(since.changes.len(), "change"),
                since.label,
                match reports.len() {
                    0 => "no report's content changed".to_string(),
                    _ => format!("content changed: {}", reports.join(", ")),
                }
            ));
        }
    }
    exit(!args.exit_code || since.changes.is_empty())
}
