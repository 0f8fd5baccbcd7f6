//! Reading back what a report carries: the acceptance report attaches the
//! engagement file as written and every file it refers to, so that the data
//! a bundle was made from can be recovered from the bundle alone.
//!
//! The PDF is input from anywhere: attachment names are written only as
//! relative paths inside the target folder, attachments are bounded in
//! size and number, and nothing is written unless everything can be.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use lopdf::{Dictionary, Document, Object};

use crate::assets::MAX_IMAGE_BYTES;
use crate::load::MAX_FILE_BYTES;

/// The most files one PDF may carry for `extract` to write them.
const MAX_ATTACHMENTS: usize = 10_000;

/// How deep a name tree may nest.
const MAX_DEPTH: usize = 32;

/// A file attached to a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its name: a relative, `/`-separated path.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// What the PDF says it is.
    pub description: Option<String>,
}

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
        crate::atomic::write_atomic(&path, &attachment.bytes).map_err(|source| {
            ExtractError::Write {
                path: path.clone(),
                source,
            }
        })?;
        files.push(path);
    }
    Ok(Extracted { dir, files })
}

/// The files attached to a PDF (its `/EmbeddedFiles` name tree), in the
/// order of their names.
pub fn attachments(pdf: &[u8]) -> Result<Vec<Attachment>, String> {
    let doc = Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let catalog = doc.catalog().map_err(|e| e.to_string())?;
    let Some(tree) = dict(&doc, catalog.get(b"Names").ok())
        .and_then(|names| dict(&doc, names.get(b"EmbeddedFiles").ok()))
    else {
        return Ok(Vec::new());
    };
    let mut entries = Vec::new();
    walk(&doc, tree, 0, &mut entries)?;
    entries
        .into_iter()
        .map(|(key, spec)| attachment(&doc, &key, spec))
        .collect::<Result<Vec<_>, _>>()
        .map(|mut list| {
            list.sort_by(|a, b| a.name.cmp(&b.name));
            list
        })
}

/// Collects the `(name, file specification)` pairs of a name tree node.
fn walk<'a>(
    doc: &'a Document,
    node: &'a Dictionary,
    depth: usize,
    out: &mut Vec<(String, &'a Object)>,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("the attachments' name tree nests too deep".into());
    }
    if let Ok(Object::Array(pairs)) = doc
        .dereference(node.get(b"Names").unwrap_or(&Object::Null))
        .map(|(_, o)| o)
    {
        for pair in pairs.chunks(2) {
            if let [key, spec] = pair {
                let key = doc
                    .dereference(key)
                    .ok()
                    .and_then(|(_, k)| lopdf::decode_text_string(k).ok())
                    .unwrap_or_default();
                out.push((key, spec));
                if out.len() > MAX_ATTACHMENTS {
                    return Err(format!("more than {MAX_ATTACHMENTS} attachments"));
                }
            }
        }
    }
    if let Ok(Object::Array(kids)) = doc
        .dereference(node.get(b"Kids").unwrap_or(&Object::Null))
        .map(|(_, o)| o)
    {
        for kid in kids {
            if let Some(kid) = dict(doc, Some(kid)) {
                walk(doc, kid, depth + 1, out)?;
            }
        }
    }
    Ok(())
}

/// One attachment from its file specification; `key` is its name in the
/// tree, used when the specification names no file.
fn attachment(doc: &Document, key: &str, spec: &Object) -> Result<Attachment, String> {
    let spec = dict(doc, Some(spec)).ok_or_else(|| format!("{key:?}: not a file specification"))?;
    let text = |name: &[u8]| {
        spec.get(name)
            .ok()
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| lopdf::decode_text_string(o).ok())
    };
    let name = text(b"UF")
        .or_else(|| text(b"F"))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| key.to_string());
    let ef =
        dict(doc, spec.get(b"EF").ok()).ok_or_else(|| format!("{name:?}: no embedded file"))?;
    let stream = ef
        .get(b"UF")
        .or_else(|_| ef.get(b"F"))
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_stream().ok())
        .ok_or_else(|| format!("{name:?}: no embedded file stream"))?;
    let limit = MAX_FILE_BYTES.max(MAX_IMAGE_BYTES) as usize;
    let bytes = if stream.dict.get(b"Filter").is_ok() {
        stream
            .decompressed_content_with_limit(limit)
            .map_err(|e| format!("{name:?}: {e}"))?
    } else if stream.content.len() > limit {
        return Err(format!("{name:?}: larger than {limit} bytes"));
    } else {
        stream.content.clone()
    };
    Ok(Attachment {
        description: text(b"Desc"),
        name,
        bytes,
    })
}

fn dict<'a>(doc: &'a Document, object: Option<&'a Object>) -> Option<&'a Dictionary> {
    doc.dereference(object?).ok()?.1.as_dict().ok()
}

/// Checks that an attachment's name is a relative path that stays inside
/// the folder it is written into.
fn relative_path(name: &str) -> Result<(), String> {
    let unsafe_char = name
        .chars()
        .any(|c| c == '\\' || c == ':' || c.is_control());
    let parts: Vec<&str> = name.split('/').collect();
    let bad_part = parts.iter().any(|p| {
        p.is_empty()
            || !matches!(Path::new(p).components().next(), Some(Component::Normal(_)))
            || Path::new(p).components().count() != 1
    });
    if name.is_empty() || unsafe_char || bad_part {
        Err("its name is not a relative path inside the folder (empty, absolute, `..`, or with `\\`, `:` or control characters)".into())
    } else {
        Ok(())
    }
}

/// The engagement id written in the attached engagement file, when it can
/// name a folder.
fn engagement_id(attachments: &[Attachment]) -> Option<String> {
    attachments
        .iter()
        .filter(|a| a.name.ends_with(".yaml") || a.name.ends_with(".yml"))
        .find_map(|a| crate::load::id_of(&a.bytes))
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
