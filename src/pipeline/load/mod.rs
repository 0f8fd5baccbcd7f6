//! YAML → model: read an engagement file, keep positions, explain failures.

mod errors;
pub mod comments;
mod nearest;
mod named;
pub mod assets;
pub mod attached;
pub mod versions;

use std::path::{Path, PathBuf};

use serde_saphyr::Error as YamlError;

pub(crate) use errors::closest;

use crate::base::diagnostic::Diagnostic;
use crate::base::model::{Engagement, Pos, Spanned};
use crate::base::scalars::{Scalar, scalars};

/// The largest engagement file read, in bytes.
pub(crate) const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// An engagement read from disk, with what is needed to point into it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The YAML file.
    pub file: PathBuf,
    /// The engagement directory: assets are resolved inside it.
    pub root: PathBuf,
    /// The file's text, for diagnostics.
    pub source: String,
    /// The file's bytes as written (the manifest's digest is of these).
    pub bytes: Vec<u8>,
    /// The parsed engagement.
    pub engagement: Engagement,
    /// Every scalar of the file with its keys and position, for the checks
    /// that look at all of the text.
    pub scalars: Vec<Scalar>,
    /// The files it refers to, by their `/`-separated paths relative to
    /// `root`, when they are held in memory (an acceptance report's
    /// attachments) rather than read from `root` on disk.
    pub files: Option<std::sync::Arc<std::collections::BTreeMap<String, Vec<u8>>>>,
}

impl Loaded {
    /// The engagement file's path relative to the engagement directory,
    /// `/`-separated (`engagement.yaml`, `northwind.yaml`): the name the
    /// acceptance report attaches it under.
    pub fn name(&self) -> String {
        self.file
            .strip_prefix(&self.root)
            .ok()
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .or_else(|| Some(self.file.file_name()?.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "engagement.yaml".to_string())
    }
}

/// Why an engagement could not be loaded.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{diagnostic}")]
pub struct LoadError {
    /// What went wrong and where.
    pub diagnostic: Box<Diagnostic>,
    /// The file's text, when it could be read.
    pub text: Option<String>,
}

/// The YAML file of the engagement at `path`: `path` itself, or the
/// `engagement.yaml` inside a directory.
pub fn engagement_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("engagement.yaml")
    } else {
        path.to_path_buf()
    }
}

/// An engagement's id, where it is written, and its YAML file.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    /// The engagement id.
    pub id: String,
    /// Where the id is written.
    pub pos: Pos,
    /// The YAML file.
    pub file: PathBuf,
}

/// Reads just the id of the engagement at `path`, much faster than
/// [`load`]; `None` when the file cannot be read that far (then [`load`]
/// says why).
pub(crate) fn identify(path: &Path) -> Option<Identity> {
    let file = engagement_file(path);
    if std::fs::metadata(&file).ok()?.len() > MAX_FILE_BYTES {
        return None;
    }
    identify_bytes(file.clone(), &std::fs::read(&file).ok()?)
}

/// Reads just the id of the engagement file `file` whose contents are
/// `bytes` (as an editor holds them, saved or not).
pub(crate) fn identify_bytes(file: PathBuf, bytes: &[u8]) -> Option<Identity> {
    let id = read_id(bytes)?;
    Some(Identity {
        id: id.value,
        pos: id.pos,
        file,
    })
}

/// The engagement id written in the engagement file `bytes`, if it can be
/// read that far.
pub(crate) fn id_of(bytes: &[u8]) -> Option<String> {
    Some(read_id(bytes)?.value)
}

fn read_id(bytes: &[u8]) -> Option<Spanned<String>> {
    #[derive(serde::Deserialize)]
    struct File {
        engagement: Header,
    }
    #[derive(serde::Deserialize)]
    struct Header {
        id: Spanned<String>,
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return None;
    }
    let source = decode(bytes).ok()?;
    let parsed: File = serde_saphyr::from_str_with_options(&source, options()).ok()?;
    Some(parsed.engagement.id)
}

/// Reads the engagement at `path`: an `engagement.yaml` file, a directory
/// holding one, or any single-file engagement.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let file = engagement_file(path);
    let fail = |message: String| LoadError {
        diagnostic: Box::new(Diagnostic::error(&file, Pos::default(), message)),
        text: None,
    };
    let meta = std::fs::metadata(&file).map_err(|e| fail(format!("cannot read file: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(format!(
            "file is {} bytes; an engagement file may hold at most {MAX_FILE_BYTES}",
            meta.len()
        )));
    }
    let bytes = std::fs::read(&file).map_err(|e| fail(format!("cannot read file: {e}")))?;
    let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
    from_bytes(file, root, bytes)
}

/// Reads an engagement from `bytes` that did not come from its own file (a
/// git revision, a PDF's attachment); `file` names where they came from in
/// diagnostics, `root` is the directory its assets would be in.
pub(crate) fn from_bytes(
    file: PathBuf,
    root: PathBuf,
    bytes: Vec<u8>,
) -> Result<Loaded, LoadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError {
            diagnostic: Box::new(Diagnostic::error(
                &file,
                Pos::default(),
                format!(
                    "file is {} bytes; an engagement file may hold at most {MAX_FILE_BYTES}",
                    bytes.len()
                ),
            )),
            text: None,
        });
    }
    let source = decode(&bytes).map_err(|(pos, message)| LoadError {
        diagnostic: Box::new(Diagnostic::error(&file, pos, message)),
        text: None,
    })?;
    match parse(&source) {
        Ok(engagement) => Ok(Loaded {
            scalars: scalars(&source),
            files: None,
            bytes,
            file,
            root,
            source,
            engagement,
        }),
        Err(err) => Err(LoadError {
            diagnostic: Box::new(errors::describe(&file, &source, &err)),
            text: Some(source),
        }),
    }
}

/// Reads the engagement among `attachments`, the files an acceptance
/// report carries, as if they stood in the folder `root`: the YAML file
/// that holds an engagement, whose images are then served from the other
/// attachments, never from disk. `None` when no attachment is an
/// engagement.
pub(crate) fn from_attachments(
    root: &Path,
    attachments: Vec<attached::Attachment>,
) -> Option<Result<Loaded, LoadError>> {
    let mut seen = std::collections::BTreeSet::new();
    for a in &attachments {
        let problem = match attached::relative_path(&a.name) {
            Err(reason) => Some(reason),
            Ok(()) if !seen.insert(a.name.to_lowercase()) => {
                Some("another attachment has the same name".to_string())
            }
            Ok(()) => None,
        };
        if let Some(problem) = problem {
            let message = format!("the attachment `{}` cannot be read back: {problem}", a.name);
            return Some(Err(LoadError {
                diagnostic: Box::new(Diagnostic::error(root, Pos::default(), message)),
                text: None,
            }));
        }
    }
    let name = attachments
        .iter()
        .find(|a| {
            (a.name.ends_with(".yaml") || a.name.ends_with(".yml")) && id_of(&a.bytes).is_some()
        })?
        .name
        .clone();
    let mut files: std::collections::BTreeMap<String, Vec<u8>> =
        attachments.into_iter().map(|a| (a.name, a.bytes)).collect();
    let bytes = files.remove(&name)?;
    Some(
        from_bytes(root.join(&name), root.to_path_buf(), bytes).map(|loaded| Loaded {
            files: Some(std::sync::Arc::new(files)),
            ..loaded
        }),
    )
}

/// The text of an engagement file: UTF-8, with or without the byte-order
/// mark many Windows editors write, or UTF-16 or UTF-32 announced by theirs.
/// `Err` says where the text stops being valid and what it was read as.
pub fn decode(bytes: &[u8]) -> Result<String, (Pos, String)> {
    let units = |size: usize, big_endian: bool, body: &[u8]| -> Vec<u32> {
        body.chunks(size)
            .map(|c| {
                let mut v = 0u32;
                for i in 0..size {
                    let b = u32::from(
                        c.get(if big_endian { i } else { size - 1 - i })
                            .copied()
                            .unwrap_or(0),
                    );
                    v = (v << 8) | b;
                }
                v
            })
            .collect()
    };
    let utf16 = |body: &[u8], big_endian: bool, name: &str| {
        let units: Vec<u16> = units(2, big_endian, body)
            .into_iter()
            .map(|u| u as u16)
            .collect();
        if !body.len().is_multiple_of(2) {
            return Err((
                Pos::default(),
                format!("file is not valid {name}: it ends in half a character"),
            ));
        }
        String::from_utf16(&units)
            .map_err(|_| (Pos::default(), format!("file is not valid {name}")))
    };
    match bytes {
        [0x00, 0x00, 0xFE, 0xFF, body @ ..] | [0xFF, 0xFE, 0x00, 0x00, body @ ..] => {
            let big_endian = bytes[0] == 0;
            let name = if big_endian { "UTF-32BE" } else { "UTF-32LE" };
            if !body.len().is_multiple_of(4) {
                return Err((
                    Pos::default(),
                    format!("file is not valid {name}: it ends in part of a character"),
                ));
            }
            units(4, big_endian, body)
                .into_iter()
                .map(char::from_u32)
                .collect::<Option<String>>()
                .ok_or_else(|| (Pos::default(), format!("file is not valid {name}")))
        }
        [0xFE, 0xFF, body @ ..] => utf16(body, true, "UTF-16BE"),
        [0xFF, 0xFE, body @ ..] => utf16(body, false, "UTF-16LE"),
        _ => {
            let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
            std::str::from_utf8(body).map(str::to_string).map_err(|e| {
                let text = String::from_utf8_lossy(body);
                (
                    Pos::of_byte(&text, e.valid_up_to()),
                    "file is not valid UTF-8; save it as UTF-8".to_string(),
                )
            })
        }
    }
}

/// Parses engagement YAML with the limits and strictness dossier applies.
pub fn parse(source: &str) -> Result<Engagement, YamlError> {
    let mut engagement: Engagement = serde_saphyr::from_str_with_options(source, options())?;
    // A service item written as a bare key has its position on the entry.
    for entry in engagement.acceptance.items.value.iter_mut() {
        if !entry.value.item.pos.is_known() {
            entry.value.item.pos = entry.pos;
        }
    }
    Ok(engagement)
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_nodes: 200_000,
            max_depth: 32,
            max_documents: 1,
            max_total_scalar_bytes: MAX_FILE_BYTES as usize,
        },
        strict_booleans: true,
    }
}
