//! Reading back what a report carries: the acceptance report attaches the
//! engagement file as written and every file it refers to, so that the data
//! a bundle was made from can be recovered from the bundle alone.
//!
//! The PDF is input from anywhere: attachment names are written only as
//! relative paths inside the target folder, attachments are bounded in
//! size and number, and nothing is written unless everything can be.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::pipeline::load::attached::relative_path;
pub use crate::pipeline::load::attached::{Attachment, attachments};

/// What `extract` wrote.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// The folder written into.
    pub dir: PathBuf,
    /// The files written, in name order.
    pub files: Vec<PathBuf>,
}

/// Why a PDF's attachments could not be extracted.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        /// The PDF.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a PDF that can be read.
    #[error("{}: not a readable PDF: {message}", file.display())]
    Parse {
        /// The PDF.
        file: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// The PDF carries no attachments.
    #[error(
        "{}: carries no attached files; a final or draft acceptance report rendered without --no-attach carries its engagement",
        file.display()
    )]
    Nothing {
        /// The PDF.
        file: PathBuf,
    },
    /// An attachment cannot be written where its name says.
    #[error("{}: attachment {name:?}: {reason}", file.display())]
    Attachment {
        /// The PDF.
        file: PathBuf,
        /// The attachment's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No folder was given and none could be named after the engagement.
    #[error(
        "{}: the engagement's id cannot be read from the attached engagement file; name the folder with -o DIR",
        file.display()
    )]
    NoId {
        /// The PDF.
        file: PathBuf,
    },
    /// A file to be written exists already.
    #[error("{}: exists already; choose another -o DIR, or add --force to overwrite", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// A file could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Writes the files attached to the PDF `file` into `dir`, or, when `dir`
/// is `None`, into a folder named after the engagement's id in the current
/// directory. Files that exist are overwritten only with `force`; nothing
/// is written when one of them cannot be.
pub fn extract(file: &Path, dir: Option<&Path>, force: bool) -> Result<Extracted, ExtractError> {
    let bytes = std::fs::read(file).map_err(|source| ExtractError::Read {
        file: file.to_path_buf(),
        source,
    })?;
    let attachments = attachments(&bytes).map_err(|message| ExtractError::Parse {
        file: file.to_path_buf(),
        message,
    })?;
    if attachments.is_empty() {
        return Err(ExtractError::Nothing {
            file: file.to_path_buf(),
        });
    }
    let mut seen = BTreeSet::new();
    for a in &attachments {
        let problem = if let Err(reason) = relative_path(&a.name) {
            Some(reason)
        } else if !seen.insert(a.name.to_lowercase()) {
            Some("attached twice".to_string())
        } else {
            None
        };
        if let Some(reason) = problem {
            return Err(ExtractError::Attachment {
                file: file.to_path_buf(),
                name: a.name.clone(),
                reason,
            });
        }
    }
    let dir = match dir {
        Some(dir) => dir.to_path_buf(),
        None => PathBuf::from(
            engagement_id(&attachments).ok_or_else(|| ExtractError::NoId {
                file: file.to_path_buf(),
            })?,
        ),
    };
    let targets: Vec<(PathBuf, &Attachment)> = attachments
        .iter()
        .map(|a| (dir.join(a.name.split('/').collect::<PathBuf>()), a))
        .collect();
    if !force
        && let Some((path, _)) = targets
            .iter()
            .find(|(path, _)| path.symlink_metadata().is_ok())
    {
        return Err(ExtractError::Exists { path: path.clone() });
    }
    let mut files = Vec::new();
    for (path, attachment) in targets {
        crate::base::atomic::write_atomic(&path, &attachment.bytes).map_err(|source| {
            ExtractError::Write {
                path: path.clone(),
                source,
            }
        })?;
        files.push(path);
    }
    Ok(Extracted { dir, files })
}

/// The engagement id written in the attached engagement file, when it can
/// name a folder.
fn engagement_id(attachments: &[Attachment]) -> Option<String> {
    attachments
        .iter()
        .filter(|a| a.name.ends_with(".yaml") || a.name.ends_with(".yml"))
        .find_map(|a| crate::pipeline::load::id_of(&a.bytes))
        .filter(|id| relative_path(id).is_ok() && !id.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_inside_the_folder() {
        for good in ["engagement.yaml", "evidence/a b.png", "深/圖.svg"] {
            assert!(relative_path(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a/.",
            "C:evil",
            "a\\b",
            "a\u{0}b",
        ] {
            assert!(relative_path(bad).is_err(), "{bad:?}");
        }
    }
}
