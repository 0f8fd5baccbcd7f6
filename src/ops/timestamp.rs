//! `dossier timestamp`: the signed reports of delivered bundles kept
//! verifiable for years (PAdES B-LTA). Each gets the validation data of
//! its signatures and time-stamps, then a document time-stamp over all of
//! it, as incremental updates; run again before the last time-stamp's
//! certificate expires, it adds that time-stamp's data and a new one.

use std::path::{Path, PathBuf};

use crate::pipeline::deliver::manifest::{self, Problem, Status};
use crate::pipeline::sign::{Ltv, SignError, Tsa, ValidSignature, timestamp_pdf, verify_pdf};

/// Why a file was not time-stamped.
#[derive(Debug, thiserror::Error)]
pub enum TimestampError {
    /// The file could not be read or written.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// The file's signatures do not check out: a time-stamp would vouch
    /// for a changed document.
    #[error("{}: not time-stamped, its signatures do not check out: {problem}", file.display())]
    Invalid {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The file is not signed: there is nothing to keep valid.
    #[error("{}: not signed; a document time-stamp keeps signatures valid: sign it first", file.display())]
    Unsigned {
        /// The file.
        file: PathBuf,
    },
    /// The bundle's files do not match its manifest.
    #[error("{}: its files do not match its manifest (`dossier verify` says which)", dir.display())]
    Mismatched {
        /// The bundle.
        dir: PathBuf,
    },
    /// The validation data or the time-stamp could not be had.
    #[error("{}: {source}", file.display())]
    Sign {
        /// The file.
        file: PathBuf,
        /// What failed.
        source: Box<SignError>,
    },
}

/// A file time-stamped, with every signature and time-stamp it now has.
#[derive(Debug)]
pub struct Stamped {
    /// The file.
    pub file: PathBuf,
    /// Its signatures and time-stamps, as `verify` reads them.
    pub signatures: Vec<ValidSignature>,
}

/// Time-stamps each of `paths`: a bundle folder (its signed final
/// reports) or a signed PDF. Each file is written anew only when it
/// succeeds; one file's failure leaves the others to go on.
pub fn timestamp(paths: &[PathBuf], tsa: &Tsa, ltv: &Ltv) -> Vec<Result<Stamped, TimestampError>> {
    let mut results = Vec::new();
    for path in paths {
        if path.is_dir() {
            match signed_reports(path) {
                Ok(files) => results.extend(files.iter().map(|f| one(f, tsa, ltv))),
                Err(e) => results.push(Err(e)),
            }
        } else {
            results.push(one(path, tsa, ltv));
        }
    }
    results
}

/// The final reports of the bundle `dir`, which are the signed ones.
fn signed_reports(dir: &Path) -> Result<Vec<PathBuf>, TimestampError> {
    let (manifest, mismatches) = manifest::verify(dir).map_err(|e| TimestampError::Io {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    if mismatches
        .iter()
        .any(|m| !matches!(m.problem, Problem::Extended { .. }))
    {
        return Err(TimestampError::Mismatched {
            dir: dir.to_path_buf(),
        });
    }
    Ok(manifest
        .reports
        .iter()
        .filter(|r| r.status == Status::Final)
        .map(|r| dir.join(&r.file))
        .collect())
}

fn one(file: &Path, tsa: &Tsa, ltv: &Ltv) -> Result<Stamped, TimestampError> {
    let io = |e: std::io::Error| TimestampError::Io {
        path: file.to_path_buf(),
        message: e.to_string(),
    };
    let invalid = |problem| TimestampError::Invalid {
        file: file.to_path_buf(),
        problem,
    };
    let bytes = std::fs::read(file).map_err(io)?;
    let before = verify_pdf(&bytes, &[]).map_err(invalid)?;
    if before.iter().all(|s| s.document_timestamp) {
        return Err(TimestampError::Unsigned {
            file: file.to_path_buf(),
        });
    }
    let stamped = timestamp_pdf(&bytes, tsa, ltv).map_err(|source| TimestampError::Sign {
        file: file.to_path_buf(),
        source: Box::new(source),
    })?;
    let signatures = verify_pdf(&stamped, &[]).map_err(invalid)?;
    crate::base::atomic::write_atomic(file, &stamped).map_err(io)?;
    Ok(Stamped {
        file: file.to_path_buf(),
        signatures,
    })
}
