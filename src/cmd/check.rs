//! `dossier check`.

use std::process::ExitCode;

use dossier::Diagnostic;
use dossier::base::diagnostic::{RuleId, Severity, by_rule};
use dossier::ops::check::{CheckReport, CheckRequest, check};

use crate::cli::{CheckArgs, CheckFormat};
use crate::term::{diagnostics, exit, fail, out, plural, print, say};

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

/// Each engagement's errors at their lines, its warnings grouped by rule
/// (a rule's several warnings one line each under a count), then the
/// counts and the reports that would be drafts.
fn human(report: &CheckReport, strict: bool) {
    for e in &report.engagements {
        let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) = e
            .diagnostics
            .iter()
            .partition(|d| d.severity == Severity::Error);
        let errors: Vec<Diagnostic> = errors.into_iter().cloned().collect();
        diagnostics(&errors, e.text.as_deref());
        for (rule, group) in by_rule(warnings) {
            match (rule, group.as_slice()) {
                (Some(rule), [_, _, ..]) => grouped(rule, &group),
                _ => {
                    let group: Vec<Diagnostic> = group.into_iter().cloned().collect();
                    diagnostics(&group, e.text.as_deref());
                }
            }
        }
    }
    let (errors, warnings) = report.counts();
    out(format!(
        "checked {}: {}, {}",
        plural(report.engagements.len(), "engagement"),
        plural(errors, "error"),
        plural(warnings, "warning")
    ));
    let mut drafts = 0;
    for e in report.engagements.iter().filter(|e| !e.drafts.is_empty()) {
        drafts += 1;
        let keys: Vec<&str> = e.drafts.iter().map(|k| k.key()).collect();
        let what = if keys.len() == 1 { "a draft" } else { "drafts" };
        out(format!(
            "not final: {} would render {} as {what}",
            e.file.display(),
            keys.join(", "),
        ));
    }
    if drafts == 0 && errors == 0 && !report.engagements.is_empty() {
        out("every report would be rendered final");
    } else if !strict && errors == 0 {
        out("(a pending step is not an error: `check --strict` fails on it too)");
    }
}

/// Several warnings of one rule: a line with the rule and the count, then
/// one line per warning with its place and its help.
fn grouped(rule: RuleId, group: &[&Diagnostic]) {
    let clause = rule.clause().map(|c| format!(", {c}")).unwrap_or_default();
    let mut reports: Vec<&str> = Vec::new();
    for key in group.iter().flat_map(|d| &d.reports) {
        if !reports.contains(&key.key()) {
            reports.push(key.key());
        }
    }
    let keeps = match reports.is_empty() {
        true => String::new(),
        false => format!(", keeping {} drafts", reports.join(", ")),
    };
    say!(
        "warning: {} [{rule}{clause}]{keeps}",
        plural(group.len(), "warning")
    );
    for d in group {
        say!("  --> {}: {}", d.location(), d.message);
        for hint in &d.hints {
            say!("      help: {hint}");
        }
    }
}
