//! `dossier check`.

use std::process::ExitCode;

use dossier::ops::check::{CheckReport, CheckRequest, check};

use crate::cli::{CheckArgs, CheckFormat};
use crate::term::{diagnostics, exit, fail, out, plural, print};

pub fn run(args: &CheckArgs) -> ExitCode {
    let request = CheckRequest {
        paths: args.paths.clone(),
        since: args.since.clone(),
    };
    let report = match check(&request) {
        Ok(report) => report,
        Err(err) => return fail(err),
    };
    match args.format {
        CheckFormat::Json => match report.to_json() {
            Ok(json) => out(json),
            Err(err) => return fail(format!("cannot write the report as JSON: {err}")),
        },
        CheckFormat::Github => print(report.to_github()),
        CheckFormat::Human => human(&report, args.strict),
    }
    exit(!report.fails(args.strict))
}

/// Each engagement's diagnostics at their lines, then the counts and,
/// under `--strict`, the reports that would be drafts.
fn human(report: &CheckReport, strict: bool) {
    for e in &report.engagements {
        diagnostics(&e.diagnostics, e.text.as_deref());
    }
    let (errors, warnings) = report.counts();
    out(format!(
        "checked {}: {}, {}",
        plural(report.engagements.len(), "engagement"),
        plural(errors, "error"),
        plural(warnings, "warning")
    ));
    if strict {
        for e in report.engagements.iter().filter(|e| !e.drafts.is_empty()) {
            let drafts: Vec<&str> = e.drafts.iter().map(|k| k.key()).collect();
            let what = if drafts.len() == 1 {
                "a draft"
            } else {
                "drafts"
            };
            out(format!(
                "not final: {} would render {} as {what}",
                e.file.display(),
                drafts.join(", "),
            ));
        }
    }
}
