//! Signing a bundle rendered elsewhere: CI renders, a locked-down machine
//! holds the key. The bundle is rendered again from the source its
//! acceptance report carries; only if that gives the bundle's very files
//! are they replaced by signed ones, so signing adds signatures and nothing
//! else.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::extract::{ExtractError, extract};
use crate::render::{RenderError, RenderOptions, Renderer};
use crate::report::ReportKey;
use crate::sign::{Signer, verify_pdf};

/// Why a bundle could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignBundleError {
    /// The acceptance report's source could not be read.
    #[error(transparent)]
    Extract(#[from] ExtractError),
    /// Rendering the source failed.
    #[error("{}: {source}", bundle.display())]
    Render {
        /// The bundle.
        bundle: PathBuf,
        /// What failed.
        source: Box<RenderError>,
    },
    /// A file of the bundle is signed already.
    #[error("{}: signed already", file.display())]
    Signed {
        /// The file.
        file: PathBuf,
    },
    /// A file of the bundle is not what its source renders to.
    #[error(
        "{}: differs from what the source its acceptance report carries renders to with this dossier; signing adds signatures only: render and sign it anew with `dossier render --sign-key`",
        file.display()
    )]
    Differs {
        /// The file.
        file: PathBuf,
    },
    /// A file could not be read, written or a work folder made.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What failed.
        message: String,
    },
}

/// Signs the final reports of the bundle in `bundle` with `signer`; returns
/// the files replaced, manifest last.
pub fn sign_bundle(bundle: &Path, signer: Arc<Signer>) -> Result<Vec<PathBuf>, SignBundleError> {
    let work = Work::new()?;
    let result = sign_in(bundle, signer, &work.0);
    drop(work);
    result
}

fn sign_in(
    bundle: &Path,
    signer: Arc<Signer>,
    work: &Path,
) -> Result<Vec<PathBuf>, SignBundleError> {
    let io = |path: &Path, e: &dyn std::fmt::Display| SignBundleError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let acceptance = bundle.join(ReportKey::Acceptance.file_name("pdf"));
    let source = work.join("source");
    extract(&acceptance, Some(&source), false)?;
    let render = |out: &str, sign: Option<Arc<Signer>>| {
        Renderer::new(RenderOptions {
            out: work.join(out),
            sign,
            ..RenderOptions::default()
        })
        .render(&source)
        .map_err(|source| SignBundleError::Render {
            bundle: bundle.to_path_buf(),
            source: Box::new(source),
        })
    };
    let unsigned = render("unsigned", None)?;
    for report in &unsigned.reports {
        let name = report.key.file_name("pdf");
        let delivered = bundle.join(&name);
        let bytes = std::fs::read(&delivered).map_err(|e| io(&delivered, &e))?;
        if verify_pdf(&bytes, &[]).is_ok_and(|s| !s.is_empty()) {
            return Err(SignBundleError::Signed { file: delivered });
        }
        let rendered = std::fs::read(&report.file).map_err(|e| io(&report.file, &e))?;
        if rendered != bytes {
            return Err(SignBundleError::Differs { file: delivered });
        }
    }
    let signed = render("signed", Some(signer))?;
    let mut written = Vec::new();
    let names = signed
        .reports
        .iter()
        .map(|r| r.key.file_name("pdf"))
        .chain(std::iter::once(crate::manifest::MANIFEST_FILE.to_string()));
    for name in names {
        let from = signed.dir.join(&name);
        let to = bundle.join(&name);
        let bytes = std::fs::read(&from).map_err(|e| io(&from, &e))?;
        crate::atomic::write_atomic(&to, &bytes).map_err(|e| io(&to, &e))?;
        written.push(to);
    }
    Ok(written)
}

/// A private work folder, removed when dropped.
struct Work(PathBuf);

impl Work {
    fn new() -> Result<Self, SignBundleError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!(".dossier-sign-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| SignBundleError::Io {
            path: dir.clone(),
            message: e.to_string(),
        })?;
        Ok(Work(dir))
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
