//! What each command does, as a library operation: it takes a request and
//! returns a typed report, and prints nothing. The command line parses its
//! arguments, calls one operation, prints the report and maps it to an exit
//! code; another program can call the same operations.

mod countersigned;
pub mod verify;
pub mod check;
pub mod countersign;
pub mod diff;
pub mod extract;
pub mod fresh;
pub mod init;
pub mod render;
pub mod sign;
pub mod summary;
pub mod timestamp;
pub mod watch;
pub mod status;
pub mod lsp;

use std::path::{Path, PathBuf};

use crate::base::discover::discover;
use crate::pipeline::load::versions::{BaseError, BaseSpec};

/// Why an operation could not run at all (what goes wrong with one
/// engagement is part of the operation's report instead).
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// The paths given hold no engagement.
    #[error("no engagement found under the given paths")]
    NoEngagement,
    /// One previous version was named for several engagements.
    #[error(
        "--since {spec} is one previous version, but {count} engagements were found; name one engagement, or use --since git:REV"
    )]
    OneBase {
        /// The previous version named.
        spec: String,
        /// How many engagements were found.
        count: usize,
    },
    /// The previous version of an engagement could not be read.
    #[error("{}: {source}", file.display())]
    Base {
        /// The engagement.
        file: PathBuf,
        /// What failed.
        source: BaseError,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

/// The engagements under `paths`, skipping the output folder `skip`.
fn engagements(paths: &[PathBuf], skip: Option<&Path>) -> Result<Vec<PathBuf>, OpError> {
    let found = discover(paths, skip);
    if found.is_empty() {
        return Err(OpError::NoEngagement);
    }
    Ok(found)
}

/// Whether `since` can serve `count` engagements: a file or a PDF is the
/// previous version of one engagement; a git revision serves each.
fn one_base_each(since: Option<&BaseSpec>, count: usize) -> Result<(), OpError> {
    match since {
        Some(spec @ BaseSpec::Path(_)) if count > 1 => Err(OpError::OneBase {
            spec: spec.to_string(),
            count,
        }),
        _ => Ok(()),
    }
}
