//! `dossier summary`: the summaries `render --summary` writes, read,
//! merged across the shards of a batch, and printed.

use std::path::{Path, PathBuf};

use crate::base::atomic::write_atomic;
use crate::engine::{MergeError, Summary};

/// Why a summary could not be read, merged or written.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not a summary.
    #[error("{}:{}:{}: not a dossier summary: {source}", path.display(), source.line(), source.column())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The summaries do not make one batch.
    #[error(transparent)]
    Merge(#[from] MergeError),
}

/// Reads the summary in `path`.
pub fn read(path: &Path) -> Result<Summary, SummaryError> {
    let text = std::fs::read_to_string(path).map_err(|source| SummaryError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| SummaryError::Parse {
        path: path.to_path_buf(),
        source,
    })
}

/// Merges the shard summaries in `files` (see [`Summary::merge`]) and
/// writes the result to `output`; nothing is written when they do not
/// make one batch.
pub fn merge(files: &[PathBuf], partial: bool, output: &Path) -> Result<Summary, SummaryError> {
    let summaries = files
        .iter()
        .map(|file| Ok((file.clone(), read(file)?)))
        .collect::<Result<Vec<_>, SummaryError>>()?;
    let merged = Summary::merge(summaries, partial)?;
    let json = merged.to_json().map_err(|source| SummaryError::Parse {
        path: output.to_path_buf(),
        source,
    })?;
    write_atomic(output, json.as_bytes()).map_err(|source| SummaryError::Io {
        path: output.to_path_buf(),
        source,
    })?;
    Ok(merged)
}
