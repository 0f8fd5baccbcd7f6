//! `dossier verify`.

use std::process::ExitCode;

use dossier::ops::verify::{SignatureOutcome, Signatures, Verified, verify};

use crate::cli::VerifyArgs;
use crate::term::{exit, fail, out, plural, say};

pub fn run(args: &VerifyArgs) -> ExitCode {
    let report = match verify(&args.dirs, &args.trust) {
        Ok(report) => report,
        Err(err) => return fail(err),
    };
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
    exit(report.passed())
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
                let (signer, at) = (&s.signer, &s.signed_at);
                let what = if s.certifies { "certified" } else { "signed" };
                let (revision, of) = s.revision;
                let stamp = s.timestamp.as_ref().map_or(String::new(), |t| {
                    format!(", time-stamped {} by {}", t.time, t.authority)
                });
                let signed = format!(
                    "{what} by {signer} on {at} (revision {revision} of {of}; PAdES {}{stamp})",
                    s.level
                );
                match s.trusted {
                    Some(false) => say!(
                        "error: {file}: {signed}; does NOT chain to a certificate given with --trust"
                    ),
                    Some(true) => out(format!(
                        "ok: {file}: {signed}, intact; chains to a trusted certificate"
                    )),
                    None => out(format!(
                        "ok: {file}: {signed}, intact; not checked against a trust anchor (give --trust CA.pem)"
                    )),
                }
            }
        }
    }
}
