//! `dossier verify`.

use std::process::ExitCode;

use dossier::ops::verify::{SignatureOutcome, Signatures, Verified, VerifyReport, verify};
use dossier::pipeline::sign::ValidSignature;
use serde_json::{Value, json};

use crate::cli::{VerifyArgs, VerifyFormat};
use crate::term::{exit, fail, out, plural, say};

pub fn run(args: &VerifyArgs) -> ExitCode {
    let report = match verify(&args.dirs, &args.trust, args.at) {
        Ok(report) => report,
        Err(err) => return fail(err),
    };
    match args.format {
        VerifyFormat::Human => human(&report),
        VerifyFormat::Json => {
            out(serde_json::to_string_pretty(&as_json(&report)).unwrap_or_default())
        }
    }
    exit(report.passed())
}

fn human(report: &VerifyReport) {
    for item in &report.items {
        match item {
            Verified::Bundle { dir, id, reports } => {
                let n = plural(reports.len(), "report");
                out(format!(
                    "ok: {} ({id}, {n} matching the manifest)",
                    dir.display()
                ));
                reports.iter().for_each(signatures);
            }
            Verified::Mismatched { dir, mismatches } => {
                for m in mismatches {
                    say!("error: {}", dir.join(&m.file).display());
                    say!("  {m}");
                }
                let n = plural(mismatches.len(), "file");
                say!("error: {}: {n} not matching the manifest", dir.display());
            }
            Verified::Unreadable { error } => say!("error: {error}"),
            Verified::File(file) => signatures(file),
        }
    }
}

/// Says what the signatures of one PDF are.
fn signatures(found: &Signatures) {
    let file = found.file.display();
    match &found.outcome {
        SignatureOutcome::Unreadable(err) => say!("error: {file}: cannot read: {err}"),
        SignatureOutcome::Invalid(problem) => say!("error: {file}: signature invalid: {problem}"),
        SignatureOutcome::Unsigned => say!("error: {file}: not signed"),
        SignatureOutcome::Signed(all) => {
            for s in all {
                let signed = describe(s);
                match (s.trusted, s.timestamp_trusted) {
                    (Some(false), _) => say!(
                        "error: {file}: {signed}; does NOT chain to a certificate given with --trust"
                    ),
                    (_, Some(false)) => say!(
                        "error: {file}: {signed}; its time-stamping authority does NOT chain to a certificate given with --trust (give the authority's root too)"
                    ),
                    (Some(true), _) => out(format!(
                        "ok: {file}: {signed}, intact; chains to a trusted certificate"
                    )),
                    (None, _) => out(format!(
                        "ok: {file}: {signed}, intact; not checked against a trust anchor (give --trust CA.pem)"
                    )),
                }
            }
        }
    }
}

/// One signature or document time-stamp, as a line says it.
fn describe(s: &ValidSignature) -> String {
    let (revision, of) = s.revision;
    if s.document_timestamp {
        return format!(
            "document time-stamp by {} at {} (revision {revision} of {of})",
            s.signer,
            s.timestamp.as_ref().map_or("", |t| t.time.as_str())
        );
    }
    let what = if s.certifies { "certified" } else { "signed" };
    let stamp = s.timestamp.as_ref().map_or(String::new(), |t| {
        format!(", time-stamped {} by {}", t.time, t.authority)
    });
    let level = s.level.map_or(String::new(), |l| format!("; PAdES {l}"));
    format!(
        "{what} by {} on {} (revision {revision} of {of}{level}{stamp})",
        s.signer, s.signed_at
    )
}

/// The report as one JSON document.
fn as_json(report: &VerifyReport) -> Value {
    let items: Vec<Value> = report
        .items
        .iter()
        .map(|item| match item {
            Verified::Bundle { dir, id, reports } => json!({
                "path": dir,
                "kind": "bundle",
                "id": id,
                "ok": reports.iter().all(Signatures::passed),
                "files": reports.iter().map(file_json).collect::<Vec<_>>(),
            }),
            Verified::Mismatched { dir, mismatches } => json!({
                "path": dir,
                "kind": "bundle",
                "ok": false,
                "mismatches": mismatches
                    .iter()
                    .map(|m| json!({ "file": m.file, "problem": m.to_string() }))
                    .collect::<Vec<_>>(),
            }),
            Verified::Unreadable { error } => json!({
                "kind": "bundle",
                "ok": false,
                "error": error.to_string(),
            }),
            Verified::File(file) => {
                let mut value = file_json(file);
                value["kind"] = json!("file");
                value
            }
        })
        .collect();
    json!({ "ok": report.passed(), "items": items })
}

fn file_json(found: &Signatures) -> Value {
    let (signatures, error) = match &found.outcome {
        SignatureOutcome::Signed(all) => (all.clone(), None),
        SignatureOutcome::Unsigned => (Vec::new(), Some("not signed".to_string())),
        SignatureOutcome::Invalid(problem) => (Vec::new(), Some(problem.clone())),
        SignatureOutcome::Unreadable(err) => (Vec::new(), Some(format!("cannot read: {err}"))),
    };
    json!({
        "path": found.file,
        "ok": found.passed(),
        "error": error,
        "signatures": signatures,
    })
}
