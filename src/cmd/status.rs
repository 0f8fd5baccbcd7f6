//! `dossier status`.

use std::process::ExitCode;

use dossier::ops::status::{
    Bundle, BundleState, EngagementStatus, Gap, State, StatusReport, StatusRequest, status,
};

use crate::cli::{StatusArgs, StatusFormat};
use crate::term::{exit, fail, out, plural};

pub fn run(args: &StatusArgs) -> ExitCode {
    let request = StatusRequest {
        paths: args.paths.clone(),
        options: args.options(),
    };
    let report = match status(&request) {
        Ok(report) => report,
        Err(err) => return fail(err),
    };
    match args.format {
        StatusFormat::Json => match report.to_json() {
            Ok(json) => out(json),
            Err(err) => return fail(format!("cannot write the status as JSON: {err}")),
        },
        StatusFormat::Human => human(&report),
    }
    exit(report.engagements.iter().all(|e| e.unreadable.is_none()))
}

fn human(report: &StatusReport) {
    for (i, e) in report.engagements.iter().enumerate() {
        if i > 0 {
            out("");
        }
        engagement(e);
    }
}

fn engagement(e: &EngagementStatus) {
    let file = e.file.display();
    if let Some(problem) = &e.unreadable {
        out(format!("{file}: cannot be read"));
        out(format!("  {problem}"));
        return;
    }
    let id = e.id.as_deref().unwrap_or_default();
    let finals = e.reports.iter().filter(|r| r.state == State::Final).count();
    out(format!(
        "{id} ({file}): {finals} of 5 reports final; {}, {}",
        plural(e.errors, "error"),
        plural(e.warnings, "warning")
    ));
    for problem in &e.problems {
        out(format!("  {problem}"));
    }
    for r in &e.reports {
        match r.state {
            State::Final => out(format!("  {:<18} final", r.file)),
            State::Draft => {
                let rules: Vec<String> = r
                    .gaps
                    .iter()
                    .map(|g| {
                        let rule = g.rule.map_or("file".to_string(), |r| r.to_string());
                        match g.items.len() {
                            1 => rule,
                            n => format!("{rule} ×{n}"),
                        }
                    })
                    .collect();
                out(format!("  {:<18} draft: {}", r.file, rules.join(", ")));
            }
        }
    }
    gaps(e);
    if let Some(a) = &e.attachments {
        if a.attached {
            let comments = serde_json::to_value(a.comments)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let mut files = vec![format!("{} (comments {comments})", a.engagement)];
            files.extend(a.files.iter().cloned());
            out(format!("  attaches: {}", files.join(", ")));
        } else {
            out("  attaches: nothing (--no-attach)");
        }
    }
    bundle(&e.bundle);
}

/// A gap and the reports it keeps drafts.
type Concerned<'a> = (&'a Gap, Vec<&'static str>);

/// Each gap once, under its rule (in the order of the file), with the
/// reports it keeps drafts.
fn gaps(e: &EngagementStatus) {
    // (rule, clause, [(gap, reports)]) in the order first found.
    let mut rules: Vec<(String, String, Vec<Concerned<'_>>)> = Vec::new();
    for r in &e.reports {
        for g in &r.gaps {
            let rule = g.rule.map_or("file".to_string(), |r| r.to_string());
            let at = match rules.iter().position(|(name, ..)| *name == rule) {
                Some(at) => at,
                None => {
                    let clause = g.clause.map(|c| format!(" ({c})")).unwrap_or_default();
                    rules.push((rule, clause, Vec::new()));
                    rules.len() - 1
                }
            };
            for item in &g.items {
                let found = &mut rules[at].2;
                match found.iter_mut().find(|(gap, _)| *gap == item) {
                    Some((_, reports)) => reports.push(r.report.key()),
                    None => found.push((item, vec![r.report.key()])),
                }
            }
        }
    }
    if !rules.is_empty() {
        out("  what keeps them drafts, by rule (the reports each gap concerns):");
    }
    for (rule, clause, found) in &mut rules {
        found.sort_by_key(|(gap, _)| (gap.line, gap.column));
        out(format!("    {rule}{clause}:"));
        for (gap, reports) in found.iter() {
            let at = match gap.line {
                0 => String::new(),
                _ => format!("{}:{}: ", gap.line, gap.column),
            };
            out(format!(
                "      {at}{} [{}]",
                gap.message,
                reports.join(", ")
            ));
        }
    }
}

fn bundle(b: &Bundle) {
    let dir = b.dir.display();
    let unsigned = b
        .reports
        .iter()
        .all(|r| r.signatures.is_empty() && r.problem.is_none());
    let signed = match (unsigned, b.reports.is_empty()) {
        (true, false) => "; not signed",
        _ => "",
    };
    match b.state {
        BundleState::Absent => out(format!("  bundle {dir}: not rendered yet")),
        BundleState::UpToDate => out(format!("  bundle {dir}: up to date{signed}")),
        BundleState::Outdated => out(format!(
            "  bundle {dir}: outdated, changed since: {}{signed}",
            b.reasons.join(", ")
        )),
        BundleState::Altered => out(format!(
            "  bundle {dir}: altered since rendered: {}",
            b.reasons.join("; ")
        )),
    }
    if unsigned {
        return;
    }
    for r in &b.reports {
        if let Some(problem) = &r.problem {
            out(format!("    {:<18} signature invalid: {problem}", r.file));
            continue;
        }
        if r.signatures.is_empty() {
            out(format!("    {:<18} not signed", r.file));
            continue;
        }
        let each: Vec<String> = r
            .signatures
            .iter()
            .map(|s| {
                let what = match (s.document_timestamp, s.certifies, s.countersignature) {
                    (true, ..) => "document time-stamp",
                    (false, true, _) => "certified",
                    (false, false, true) => "countersigned",
                    (false, false, false) => "signed",
                };
                let level = s
                    .level
                    .and_then(|l| serde_json::to_value(l).ok())
                    .and_then(|v| v.as_str().map(|l| format!(", {l}")))
                    .unwrap_or_default();
                format!("{what} by {} ({}{level})", s.signer, s.signed_at)
            })
            .collect();
        out(format!("    {:<18} {}", r.file, each.join("; ")));
    }
}
