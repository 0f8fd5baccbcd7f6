//! The files a PDF carries (its `/EmbeddedFiles` name tree): the
//! acceptance report attaches the engagement file as written and every file
//! it refers to. The PDF is input from anywhere: attachments are bounded in
//! size and number, and a name tree's depth is bounded.

use std::path::{Component, Path};

use lopdf::{Dictionary, Document, Object};

use crate::pipeline::load::MAX_FILE_BYTES;
use crate::pipeline::load::assets::MAX_IMAGE_BYTES;

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
pub fn relative_path(name: &str) -> Result<(), String> {
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
