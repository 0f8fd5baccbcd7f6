//! `dossier verify`: delivered bundles against their manifests, and the
//! signatures of their reports against the trust anchors given.

use std::path::{Path, PathBuf};

use crate::pipeline::deliver::manifest::{self, Mismatch, Problem, Status};
use crate::pipeline::sign::{KeyError, ValidSignature, load_anchors, verify_pdf_at};

/// What `verify` found, path by path, in the order given.
#[derive(Debug, Default)]
pub struct VerifyReport {
    /// Each bundle or file given.
    pub items: Vec<Verified>,
}

/// One bundle or file given to `verify`.
#[derive(Debug)]
pub enum Verified {
    /// A bundle whose files match its manifest, with its reports' signatures.
    Bundle {
        /// The bundle.
        dir: PathBuf,
        /// The engagement id its manifest names.
        id: String,
        /// Each report of the manifest, with what its signatures say.
        reports: Vec<Signatures>,
    },
    /// A bundle some of whose files do not match its manifest.
    Mismatched {
        /// The bundle.
        dir: PathBuf,
        /// The files that do not match.
        mismatches: Vec<Mismatch>,
    },
    /// A bundle whose manifest cannot be read.
    Unreadable {
        /// What failed.
        error: manifest::ManifestError,
    },
    /// A single PDF, with what its signatures say.
    File(Signatures),
}

/// The signatures of one PDF.
#[derive(Debug)]
pub struct Signatures {
    /// The PDF.
    pub file: PathBuf,
    /// What its signatures say.
    pub outcome: SignatureOutcome,
}

/// What the signatures of one PDF say.
#[derive(Debug)]
pub enum SignatureOutcome {
    /// Every signature is intact (possibly none).
    Signed(Vec<ValidSignature>),
    /// It carries no signature, though it must: a final report checked
    /// against trust anchors.
    Unsigned,
    /// A signature does not check out.
    Invalid(String),
    /// The file could not be read.
    Unreadable(String),
}

impl Signatures {
    /// Whether the file passes: every signature intact and, where anchors
    /// were given, chaining to one.
    pub fn passed(&self) -> bool {
        match &self.outcome {
            SignatureOutcome::Signed(all) => all
                .iter()
                .all(|s| s.trusted != Some(false) && s.timestamp_trusted != Some(false)),
            _ => false,
        }
    }
}

impl VerifyReport {
    /// Whether every bundle and file passed.
    pub fn passed(&self) -> bool {
        self.items.iter().all(|item| match item {
            Verified::Bundle { reports, .. } => reports.iter().all(Signatures::passed),
            Verified::File(signatures) => signatures.passed(),
            Verified::Mismatched { .. } | Verified::Unreadable { .. } => false,
        })
    }
}

/// Verifies each of `paths`: a bundle folder against its manifest and its
/// reports' signatures, a PDF by its signatures. With trust anchors (the
/// certificates in `trust`), every final report of a bundle must be
/// signed, and every signature must chain to one of them. Validated now,
/// or at `at` (Unix seconds): what carries no trusted time must be valid
/// then.
pub fn verify(
    paths: &[PathBuf],
    trust: &[PathBuf],
    at: Option<i64>,
) -> Result<VerifyReport, KeyError> {
    let anchors = load_anchors(trust)?;
    let now = at.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    });
    let checker = Checker {
        anchors: &anchors,
        now,
    };
    let mut report = VerifyReport::default();
    for path in paths {
        let item = if path.is_file() {
            Verified::File(checker.signatures(path, true))
        } else {
            checker.bundle(path)
        };
        report.items.push(item);
    }
    Ok(report)
}

/// The trust anchors and the validation time.
struct Checker<'a> {
    anchors: &'a [x509_cert::Certificate],
    now: i64,
}

impl Checker<'_> {
    fn bundle(&self, dir: &Path) -> Verified {
        let anchors = self.anchors;
        match manifest::verify(dir) {
            Ok((manifest, mismatches))
                if mismatches
                    .iter()
                    .all(|m| matches!(m.problem, Problem::Extended { .. })) =>
            {
                Verified::Bundle {
                    dir: dir.to_path_buf(),
                    reports: manifest
                        .reports
                        .iter()
                        .map(|report| {
                            let must_be_signed =
                                !anchors.is_empty() && report.status == Status::Final;
                            let file = dir.join(&report.file);
                            let mut found = self.signatures(&file, must_be_signed);
                            let delivered = mismatches.iter().find_map(|m| match m.problem {
                                Problem::Extended { length } if m.file == report.file => {
                                    Some(length)
                                }
                                _ => None,
                            });
                            if let Some(length) = delivered {
                                found.outcome = delivered_revision(found.outcome, length);
                            }
                            found
                        })
                        .collect(),
                    id: manifest.engagement.id,
                }
            }
            Ok((_, mismatches)) => Verified::Mismatched {
                dir: dir.to_path_buf(),
                mismatches: mismatches
                    .into_iter()
                    .filter(|m| !matches!(m.problem, Problem::Extended { .. }))
                    .collect(),
            },
            Err(error) => Verified::Unreadable { error },
        }
    }

    /// The signatures of the PDF `file`.
    fn signatures(&self, file: &Path, must_be_signed: bool) -> Signatures {
        let outcome = match std::fs::read(file) {
            Err(err) => SignatureOutcome::Unreadable(err.to_string()),
            Ok(bytes) => match verify_pdf_at(&bytes, self.anchors, self.now) {
                Err(problem) => SignatureOutcome::Invalid(problem),
                Ok(all) if all.iter().all(|s| s.document_timestamp) && must_be_signed => {
                    SignatureOutcome::Unsigned
                }
                Ok(all) => SignatureOutcome::Signed(all),
            },
        };
        Signatures {
            file: file.to_path_buf(),
            outcome,
        }
    }
}

/// A file the manifest lists as its first `length` bytes, with revisions
/// appended: it passes when the delivered revision is the one its first
/// signature signs, or a later one (the later revisions were checked with
/// the signatures: they may only fill the prepared field and add
/// validation data and document time-stamps).
fn delivered_revision(outcome: SignatureOutcome, length: usize) -> SignatureOutcome {
    match outcome {
        SignatureOutcome::Signed(all) if all.first().is_some_and(|s| s.covers <= length) => {
            SignatureOutcome::Signed(all)
        }
        SignatureOutcome::Signed(_) | SignatureOutcome::Unsigned => SignatureOutcome::Invalid(
            "revisions were appended to the delivered file, and the delivered file is not the revision its first signature signs".into(),
        ),
        other => other,
    }
}
