//! The revisions of a signed PDF: where each ends, its signature fields,
//! and what the revisions after a signed one changed. A customer's
//! countersignature may only fill the field prepared for it (and add
//! validation data or document timestamps); anything else is a change
//! after signing, said as a reader would see it.

use lopdf::{Document, Object};

/// Where each revision of `pdf` ends: after each `%%EOF` and the end of
/// line that follows it.
pub(super) fn revision_ends(pdf: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut from = 0;
    while let Some(at) = find(&pdf[from..], b"%%EOF") {
        let marker = from + at;
        let mut end = marker + 5;
        if pdf.get(end) == Some(&b'\r') {
            end += 1;
        }
        if pdf.get(end) == Some(&b'\n') {
            end += 1;
        }
        // A revision ends `startxref`, its offset, `%%EOF`: the bytes
        // `%%EOF` inside a stream do not end one.
        if ends_a_revision(&pdf[..marker]) {
            ends.push(end);
        }
        from = end;
    }
    if ends.last() != Some(&pdf.len()) {
        ends.push(pdf.len());
    }
    ends
}

/// Whether `before` ends with `startxref`, an offset and white space.
fn ends_a_revision(before: &[u8]) -> bool {
    let text = &before[before.len().saturating_sub(40)..];
    let trimmed = text.trim_ascii_end();
    let digits = trimmed
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    digits > 0
        && trimmed[..trimmed.len() - digits]
            .trim_ascii_end()
            .ends_with(b"startxref")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The keys a countersignature may change in the prepared field it fills
/// (those pyHanko's difference analysis allows too).
const FILLED_FIELD_KEYS: &[&[u8]] = &[b"V", b"AP", b"AS", b"F", b"DA", b"Q", b"Ff", b"Type"];

/// Checks what the revisions after a signed one changed (`before` is the
/// signed revision, `after` the whole file): only the filling of
/// prepared, empty signature fields, validation data (`/DSS`) and
/// document timestamps are allowed.
pub(super) fn later_changes(before: &Document, after: &Document) -> Result<(), String> {
    let problem = page_changes(before, after)
        .or_else(|| object_changes(before, after))
        .or_else(|| field_changes(before, after));
    match problem {
        Some(what) => Err(format!("the file was changed after it was signed: {what}")),
        None => Ok(()),
    }
}

/// The objects of `before` a later revision may change, and how.
struct Changeable {
    /// The prepared, empty signature fields.
    empty: Vec<lopdf::ObjectId>,
    catalog: Option<lopdf::ObjectId>,
    form: Option<lopdf::ObjectId>,
    info: Option<lopdf::ObjectId>,
    metadata: Option<lopdf::ObjectId>,
}

impl Changeable {
    fn of(before: &Document) -> Self {
        let catalog = before
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .ok();
        let entry = |key: &[u8]| {
            catalog
                .and_then(|c| before.get_dictionary(c).ok())
                .and_then(|c| c.get(key).ok())
                .and_then(|f| f.as_reference().ok())
        };
        Changeable {
            empty: signature_fields(before)
                .into_iter()
                .filter(|(_, f)| !f.has(b"V"))
                .map(|(id, _)| id)
                .collect(),
            form: entry(b"AcroForm"),
            metadata: entry(b"Metadata"),
            info: before
                .trailer
                .get(b"Info")
                .and_then(Object::as_reference)
                .ok(),
            catalog,
        }
    }

    /// The keys of `id` a later revision may change; `None` when it may
    /// not change at all.
    fn keys(&self, id: lopdf::ObjectId) -> Option<&'static [&'static [u8]]> {
        if self.empty.contains(&id) {
            Some(FILLED_FIELD_KEYS)
        } else if Some(id) == self.catalog {
            Some(&[b"DSS", b"AcroForm", b"Version", b"Extensions"])
        } else if Some(id) == self.form {
            Some(&[b"Fields", b"SigFlags", b"DR", b"DA", b"NeedAppearances"])
        } else if Some(id) == self.info {
            // Signing tools note themselves and the time.
            Some(&[b"ModDate", b"Producer"])
        } else {
            None
        }
    }
}

/// The first object a later revision added, changed or removed that it
/// may not have.
fn object_changes(before: &Document, after: &Document) -> Option<String> {
    let changeable = Changeable::of(before);
    for (id, object) in &after.objects {
        let Some(old) = before.objects.get(id) else {
            if let Some(problem) = added(after, object, None) {
                return Some(problem);
            }
            continue;
        };
        if same(old, object) {
            continue;
        }
        // Signing tools note themselves and the time in the XMP metadata
        // too, as PDF/A asks them to.
        if Some(*id) == changeable.metadata
            && let Object::Stream(stream) = object
            && type_of(&stream.dict) == Some(b"Metadata")
        {
            continue;
        }
        let (Ok(old), Ok(new)) = (old.as_dict(), object.as_dict()) else {
            return Some(describe(before, *id, old));
        };
        if matches!(type_of(old), Some(b"DSS" | b"VRI")) {
            continue;
        }
        let Some(allowed) = changeable.keys(*id) else {
            return Some(describe(before, *id, &Object::Dictionary(old.clone())));
        };
        if let Some(key) = differing_key(old, new, allowed) {
            let what = match type_of(old) {
                Some(b"Catalog") => "the document catalog".to_string(),
                _ if changeable.empty.contains(id) => "the prepared signature field".to_string(),
                _ if Some(*id) == changeable.info => "the document information".to_string(),
                _ => format!("object {} {}", id.0, id.1),
            };
            return Some(format!(
                "/{} of {what} changed",
                String::from_utf8_lossy(&key)
            ));
        }
    }
    before
        .objects
        .keys()
        .find(|id| !after.objects.contains_key(id))
        .map(|id| format!("object {} {} was removed", id.0, id.1))
}

/// A form field a later revision added: only document timestamps may be.
fn field_changes(before: &Document, after: &Document) -> Option<String> {
    let fields_before = field_ids(before);
    let signature_ids: Vec<lopdf::ObjectId> = signature_fields(after)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    for (id, field) in signature_fields(after) {
        if fields_before.contains(&id) {
            continue;
        }
        let timestamp = field
            .get(b"V")
            .ok()
            .and_then(|v| after.dereference(v).ok())
            .and_then(|(_, v)| v.as_dict().ok())
            .is_some_and(|v| type_of(v) == Some(b"DocTimeStamp"));
        if !timestamp {
            return Some(format!(
                "a new signature field {} was added; only the prepared field may be signed",
                name_of_field(&field)
            ));
        }
    }
    field_ids(after)
        .iter()
        .any(|id| !fields_before.contains(id) && !signature_ids.contains(id))
        .then(|| "a form field was added".to_string())
}

/// What changed on the pages, said as a reader sees it: a page added or
/// removed, its content changed, an annotation or a field added to it.
fn page_changes(before: &Document, after: &Document) -> Option<String> {
    let (old, new) = (before.get_pages(), after.get_pages());
    if old.len() != new.len() {
        return Some(format!(
            "the number of pages changed from {} to {}",
            old.len(),
            new.len()
        ));
    }
    for (number, id) in &new {
        let (Ok(page), Some(Ok(was))) = (
            after.get_dictionary(*id),
            old.get(number).map(|id| before.get_dictionary(*id)),
        ) else {
            continue;
        };
        let contents = |doc: &Document, page_id| -> Vec<Object> {
            doc.get_page_contents(page_id)
                .iter()
                .filter_map(|c| doc.get_object(*c).ok().cloned())
                .collect()
        };
        let (a, b) = (contents(before, old[number]), contents(after, *id));
        if a.len() != b.len() || a.iter().zip(&b).any(|(x, y)| !same(x, y)) {
            return Some(format!("the content of page {number} was changed"));
        }
        let annots = |doc: &Document, page: &lopdf::Dictionary| -> Vec<lopdf::ObjectId> {
            page.get(b"Annots")
                .ok()
                .and_then(|a| doc.dereference(a).ok())
                .and_then(|(_, a)| a.as_array().ok().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|a| a.as_reference().ok())
                .collect()
        };
        let known = annots(before, was);
        for annot in annots(after, page).iter().filter(|a| !known.contains(a)) {
            let Ok(dict) = after.get_dictionary(*annot) else {
                continue;
            };
            if let Some(problem) = added(after, &Object::Dictionary(dict.clone()), Some(*number)) {
                return Some(problem);
            }
        }
    }
    None
}

/// What an object new in a later revision is, when it may not be added:
/// an annotation or a page; document timestamp widgets are allowed.
fn added(doc: &Document, object: &Object, page: Option<u32>) -> Option<String> {
    let on = page.map(|n| format!(" on page {n}")).unwrap_or_default();
    let dict = object.as_dict().ok()?;
    if type_of(dict) == Some(b"Page") {
        return Some("a page was added".into());
    }
    let subtype = dict.get(b"Subtype").and_then(Object::as_name).ok();
    let annotation = type_of(dict) == Some(b"Annot")
        || (dict.has(b"Rect") && subtype.is_some() && !dict.has(b"BBox"));
    if !annotation {
        return None;
    }
    let timestamp = dict
        .get(b"V")
        .ok()
        .and_then(|v| doc.dereference(v).ok())
        .and_then(|(_, v)| v.as_dict().ok())
        .is_some_and(|v| type_of(v) == Some(b"DocTimeStamp"));
    if subtype == Some(b"Widget") {
        return match dict.get(b"FT").and_then(Object::as_name).ok() {
            Some(b"Sig") => (!timestamp).then(|| {
                format!(
                    "a new signature field {} was added{on}; only the prepared field may be signed",
                    name_of_field(dict)
                )
            }),
            _ => Some(format!(
                "a new form field {} was added{on}",
                name_of_field(dict)
            )),
        };
    }
    Some(format!(
        "an annotation (/{}) was added{on}",
        String::from_utf8_lossy(subtype.unwrap_or(b"Annot"))
    ))
}

/// The first key of `old` or `new` outside `allowed` whose value differs.
fn differing_key(
    old: &lopdf::Dictionary,
    new: &lopdf::Dictionary,
    allowed: &[&[u8]],
) -> Option<Vec<u8>> {
    old.iter()
        .map(|(k, _)| k)
        .chain(new.iter().map(|(k, _)| k))
        .find(|k| {
            !allowed.contains(&k.as_slice())
                && match (old.get(k), new.get(k)) {
                    (Ok(a), Ok(b)) => !same(a, b),
                    (Err(_), Err(_)) => false,
                    _ => true,
                }
        })
        .cloned()
}

/// Whether two objects are the same, however their strings are written
/// (literal or hexadecimal) and in whatever order their keys come.
fn same(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::String(x, _), Object::String(y, _)) => x == y,
        (Object::Array(x), Object::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Object::Dictionary(x), Object::Dictionary(y)) => same_dict(x, y),
        (Object::Stream(x), Object::Stream(y)) => {
            same_dict(&x.dict, &y.dict) && x.content == y.content
        }
        (Object::Real(x), Object::Real(y)) => (x - y).abs() < 1e-4,
        (Object::Integer(x), Object::Real(y)) | (Object::Real(y), Object::Integer(x)) => {
            (*x as f32 - y).abs() < 1e-4
        }
        _ => a == b,
    }
}

fn same_dict(x: &lopdf::Dictionary, y: &lopdf::Dictionary) -> bool {
    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_ok_and(|w| same(v, w)))
}

/// A changed object, as a message names it.
fn describe(doc: &Document, id: lopdf::ObjectId, object: &Object) -> String {
    if doc.get_pages().values().any(|p| *p == id) {
        let number = doc
            .get_pages()
            .iter()
            .find(|(_, p)| **p == id)
            .map_or(0, |(n, _)| *n);
        return format!("page {number} was changed (its content, resources or annotations)");
    }
    if let Object::Stream(_) = object {
        let on_page = doc
            .get_pages()
            .iter()
            .find_map(|(n, p)| doc.get_page_contents(*p).contains(&id).then_some(*n));
        if let Some(number) = on_page {
            return format!("the content of page {number} was changed");
        }
    }
    match object.as_dict().ok().and_then(type_of) {
        Some(b"Annot") => "an annotation was changed".into(),
        Some(kind) => format!(
            "a /{} object ({} {}) was changed",
            String::from_utf8_lossy(kind),
            id.0,
            id.1
        ),
        None => format!("object {} {} was changed", id.0, id.1),
    }
}

pub(super) fn type_of(dict: &lopdf::Dictionary) -> Option<&[u8]> {
    dict.get(b"Type").and_then(Object::as_name).ok()
}

fn name_of_field(field: &lopdf::Dictionary) -> String {
    field
        .get(b"T")
        .ok()
        .and_then(|t| t.as_str().ok())
        .map(|t| format!("“{}”", String::from_utf8_lossy(t)))
        .unwrap_or_default()
}

/// The ids of every field of the document's form.
fn field_ids(doc: &Document) -> Vec<lopdf::ObjectId> {
    form_fields(doc)
        .iter()
        .filter_map(|f| f.as_reference().ok())
        .collect()
}

/// The fields of the document's form, as its `/Fields` lists them.
fn form_fields(doc: &Document) -> Vec<Object> {
    doc.catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_dict().ok())
        .and_then(|f| f.get(b"Fields").ok())
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_array().ok())
        .cloned()
        .unwrap_or_default()
}

/// The document's signature fields, signed or not, with their ids.
pub(super) fn signature_fields(doc: &Document) -> Vec<(lopdf::ObjectId, lopdf::Dictionary)> {
    form_fields(doc)
        .iter()
        .filter_map(|field| {
            let id = field.as_reference().ok()?;
            let dict = doc.get_dictionary(id).ok()?;
            (dict.get(b"FT").ok() == Some(&Object::Name(b"Sig".to_vec())))
                .then(|| (id, dict.clone()))
        })
        .collect()
}
