//! `dossier sign`: signing a bundle rendered elsewhere (CI renders, a
//! locked-down machine holds the key). The engagement its acceptance
//! report carries is rendered again, in memory; only if that gives the
//! bundle's very files are its final reports signed and the bundle written
//! anew, so signing adds signatures and nothing else.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::report::ReportKey;
use crate::pipeline::load::{attached, comments, from_attachments};
use crate::pipeline::render::{RenderError, RenderOptions, Renderer};
use crate::pipeline::sign::{Signer, verify_pdf};

/// Why a bundle could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignBundleError {
    /// The acceptance report carries no engagement to render again.
    #[error("{}: carries no engagement file; sign a bundle rendered by dossier with its source attached", file.display())]
    NoSource {
        /// The acceptance report.
        file: PathBuf,
    },
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
    /// A file could not be read.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
}

/// Signs the final reports of the bundle in `bundle` with `signer`; returns
/// the files written, manifest last.
pub fn sign(bundle: &Path, signer: Arc<Signer>) -> Result<Vec<PathBuf>, SignBundleError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| SignBundleError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    };
    let rendering = |source: RenderError| SignBundleError::Render {
        bundle: bundle.to_path_buf(),
        source: Box::new(source),
    };
    let acceptance = bundle.join(ReportKey::Acceptance.file_name("pdf"));
    let carried =
        attached::attachments(&read(&acceptance)?).map_err(|message| SignBundleError::Io {
            path: acceptance.clone(),
            message,
        })?;
    let loaded = from_attachments(bundle, carried)
        .ok_or_else(|| SignBundleError::NoSource {
            file: acceptance.clone(),
        })?
        .map_err(|e| rendering(e.into()))?;
    // The bundle is written as it is, signed off or not: its content was
    // just shown to be what its source renders to. A file that still has
    // comments was attached as written.
    let renderer = Renderer::new(RenderOptions {
        force: true,
        attach_verbatim: !comments::is_stripped(&loaded.source),
        ..RenderOptions::default()
    });
    let checked = renderer.check(loaded).map_err(rendering)?;
    let unsigned = renderer.produce(&checked, &|_| {}).map_err(rendering)?;
    for report in &unsigned.reports {
        let delivered = bundle.join(report.filled.key.file_name("pdf"));
        let bytes = read(&delivered)?;
        if verify_pdf(&bytes, &[]).is_ok_and(|s| !s.is_empty()) {
            return Err(SignBundleError::Signed { file: delivered });
        }
        if report.typeset.as_ref().map(|pdf| &pdf.bytes) != Some(&bytes) {
            return Err(SignBundleError::Differs { file: delivered });
        }
    }
    let signed = renderer
        .sign_production(&checked, unsigned, &signer)
        .map_err(rendering)?;
    // Delivered as a render that signs delivers: its manifest records the
    // signer.
    let delivering = Renderer::new(RenderOptions {
        sign: Some(signer.clone()),
        ..renderer.options().clone()
    });
    let rendered = delivering
        .deliver_to(checked, signed, bundle.to_path_buf())
        .map_err(rendering)?;
    Ok(rendered
        .reports
        .iter()
        .map(|r| r.file.clone())
        .chain(std::iter::once(
            bundle.join(crate::pipeline::deliver::manifest::MANIFEST_FILE),
        ))
        .collect())
}
