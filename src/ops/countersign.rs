//! `dossier countersign`: the customer's signature on a certified
//! acceptance report, in the empty field the provider prepared for it. The
//! provider's revision stays byte for byte what was delivered; the
//! countersignature is an incremental update after it.

use std::path::{Path, PathBuf};

use crate::pipeline::sign::{SignError, Signer, ValidSignature, countersign_pdf, verify_pdf};

/// Why a file could not be countersigned.
#[derive(Debug, thiserror::Error)]
pub enum CountersignError {
    /// The file could not be read or written.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// The file's signatures do not check out as they are: countersigning
    /// would vouch for a changed document.
    #[error("{}: not countersigned, its signatures do not check out: {problem}", file.display())]
    Invalid {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The file is not certified by the provider.
    #[error("{}: not certified by the provider (no certification signature); only a certified acceptance report can be countersigned", file.display())]
    NotCertified {
        /// The file.
        file: PathBuf,
    },
    /// The signature could not be added.
    #[error("{}: {source}", file.display())]
    Sign {
        /// The file.
        file: PathBuf,
        /// What failed.
        source: Box<SignError>,
    },
}

/// Countersigns the certified acceptance report `file` with `signer`, at
/// the signer's time, writing the result to `out` (or over `file`);
/// returns every signature of the result.
pub fn countersign(
    file: &Path,
    out: Option<&Path>,
    signer: &Signer,
) -> Result<Vec<ValidSignature>, CountersignError> {
    let io = |path: &Path, e: std::io::Error| CountersignError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let bytes = std::fs::read(file).map_err(|e| io(file, e))?;
    let invalid = |problem| CountersignError::Invalid {
        file: file.to_path_buf(),
        problem,
    };
    let before = verify_pdf(&bytes, &[]).map_err(invalid)?;
    if !before.iter().any(|s| s.certifies) {
        return Err(CountersignError::NotCertified {
            file: file.to_path_buf(),
        });
    }
    let signed = countersign_pdf(&bytes, signer).map_err(|source| CountersignError::Sign {
        file: file.to_path_buf(),
        source: Box::new(source),
    })?;
    let after = verify_pdf(&signed, &[]).map_err(invalid)?;
    let target = out.unwrap_or(file);
    crate::base::atomic::write_atomic(target, &signed).map_err(|e| io(target, e))?;
    Ok(after)
}
