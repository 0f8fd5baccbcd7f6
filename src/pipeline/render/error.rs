//! Why an engagement was not rendered.

use crate::base::diagnostic::Diagnostic;
use crate::base::report::ReportKey;
use crate::pipeline::deliver::DeliverError;
use crate::pipeline::fill::FillError;
use crate::pipeline::load::LoadError;
use crate::pipeline::typeset::TypesetError;
use crate::pipeline::validate::{Refused, Validation};

/// Why an engagement was not rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The YAML could not be read.
    #[error("{}", .0.diagnostic)]
    Load(#[from] LoadError),
    /// Validation found errors that stop rendering: any error under
    /// `strict`, and always an id that cannot name a folder.
    #[error("{} validation errors", validation.counts().0)]
    Invalid {
        /// What validation found.
        validation: Validation,
        /// The YAML's text, for showing the diagnostics.
        text: String,
    },
    /// Another engagement of the batch has the same id.
    #[error("{diagnostic}")]
    DuplicateId {
        /// Where the id is, naming the other file.
        diagnostic: Box<Diagnostic>,
        /// The YAML's text, for showing the diagnostic.
        text: String,
    },
    /// A template failed.
    #[error("{report}: {source}")]
    Fill {
        /// The report being filled.
        report: ReportKey,
        /// What failed.
        source: FillError,
    },
    /// Typst failed.
    #[error("{report}: {source}")]
    Typeset {
        /// The report being typeset.
        report: ReportKey,
        /// What failed.
        source: TypesetError,
    },
    /// A final report could not be signed.
    #[error("{report}: {source}")]
    Sign {
        /// The report being signed.
        report: ReportKey,
        /// What failed.
        source: crate::pipeline::sign::SignError,
    },
    /// dossier itself failed; a bug, reported instead of stopping the batch.
    #[error("internal error: {message}")]
    Internal {
        /// What the failure said.
        message: String,
    },
    /// The bundle could not be written: it is signed off, its manifest is
    /// unreadable, or a file could not be written.
    #[error(transparent)]
    Deliver(#[from] DeliverError),
    /// The previous version named by `--since` could not be read.
    #[error(transparent)]
    Base(#[from] crate::pipeline::load::versions::BaseError),
}

impl RenderError {
    /// The diagnostics of a YAML problem, with the YAML's text, when that is
    /// what failed.
    pub fn diagnostics(&self) -> Option<(Vec<&Diagnostic>, Option<&str>)> {
        match self {
            RenderError::Load(e) => Some((vec![&e.diagnostic], e.text.as_deref())),
            RenderError::DuplicateId { diagnostic, text } => {
                Some((vec![diagnostic], Some(text.as_str())))
            }
            RenderError::Invalid { validation, text } => {
                Some((validation.diagnostics.iter().collect(), Some(text.as_str())))
            }
            _ => None,
        }
    }

    /// The first error diagnostic, when the YAML is what failed.
    pub fn diagnostic(&self) -> Option<(&Diagnostic, Option<&str>)> {
        let (diagnostics, text) = self.diagnostics()?;
        let first = diagnostics
            .iter()
            .find(|d| d.severity == crate::Severity::Error)
            .or(diagnostics.first())?;
        Some((first, text))
    }
}

impl From<Refused> for RenderError {
    fn from(refused: Refused) -> Self {
        RenderError::Invalid {
            validation: refused.validation,
            text: refused.text,
        }
    }
}
