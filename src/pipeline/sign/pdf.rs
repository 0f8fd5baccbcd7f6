//! Signing a PDF: an incremental update that adds an invisible signature
//! field and its signature dictionary, then the CMS over every byte of the
//! file but the signature's own.
//!
//! The update keeps the file's archival and accessibility claims: the field
//! is a zero-size widget (no appearance needed), printable and locked, with
//! a `/TU` description, inside a `Form` structure element of the document's
//! structure tree, on a page whose tab order follows the structure. The
//! metadata stream is left as it is.

use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, StringFormat};

use super::cms::signed_data;
use super::keys::{KeyError, Signer};
use crate::base::digest::sha256_of;

/// Room for the CMS: an RSA-4096 signature with a chain of a few
/// certificates fits with margin.
const CONTENTS_BYTES: usize = 24 * 1024;

/// The `/ByteRange` written first and replaced in place: four numbers of
/// ten digits each can hold any offset of a file up to 9.9 GB.
const BYTE_RANGE_PLACEHOLDER: [i64; 4] = [0, 9_999_999_999, 9_999_999_999, 9_999_999_999];

/// Why a PDF could not be signed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SignError {
    /// The signer cannot sign this document.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The PDF is not one dossier can sign.
    #[error("cannot sign: {0}")]
    Pdf(String),
}

/// `pdf` with a PAdES baseline B-B signature by `signer` added as an
/// incremental update, its signing time the document's date.
pub fn sign_pdf(pdf: &[u8], signer: &Signer) -> Result<Vec<u8>, SignError> {
    let doc = Document::load_mem(pdf).map_err(|e| fail(e.to_string()))?;
    let date = signing_date(&doc, signer)?;
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| fail(format!("no catalog: {e}")))?;
    let page_id = *doc
        .get_pages()
        .get(&1)
        .ok_or_else(|| fail("the PDF has no page".into()))?;
    // Every object of the update is made from the parsed document first;
    // the document then moves into the update, without a copy.
    let mut new = Update {
        next: doc.max_id,
        objects: std::collections::BTreeMap::new(),
    };
    let signature_id = new.new_object_id();
    new.objects.insert(
        signature_id,
        Object::Dictionary(signature_dictionary(&date, signer)),
    );
    let widget_id = new.new_object_id();
    let form_id = new.new_object_id();
    let struct_parent = add_form_element(&doc, &mut new, page_id, widget_id, form_id)?;
    let widget = widget(signer, signature_id, page_id, struct_parent);
    new.objects.insert(widget_id, Object::Dictionary(widget));
    let page = page_with(&doc, page_id, widget_id)?;
    new.objects.insert(page_id, Object::Dictionary(page));
    let catalog = catalog_with(&doc, catalog_id, widget_id)?;
    new.objects.insert(catalog_id, Object::Dictionary(catalog));

    let mut inc = IncrementalDocument::create_from(pdf.to_vec(), doc);
    inc.new_document.max_id = new.next;
    inc.new_document.objects = new.objects;
    let mut out = Vec::with_capacity(pdf.len() + 2 * CONTENTS_BYTES + 4096);
    inc.save_to(&mut out).map_err(|e| fail(e.to_string()))?;
    crate::pipeline::typeset::end_line(&mut out);
    fill_signature(&mut out, pdf.len(), signer)?;
    Ok(out)
}

/// A PDF that cannot be signed, and why.
fn fail(message: String) -> SignError {
    SignError::Pdf(message)
}

/// The time to sign `doc` at, as written in PDF: its creation date, at
/// which the signer's certificate must be valid.
fn signing_date(doc: &Document, signer: &Signer) -> Result<Vec<u8>, SignError> {
    let date =
        creation_date(doc).ok_or_else(|| fail("the PDF has no creation date to sign at".into()))?;
    let (unix, readable) =
        parse_date(&date).ok_or_else(|| fail(format!("unreadable creation date {date:?}")))?;
    signer.check_valid_at(unix, &readable)?;
    Ok(date)
}

/// The signature dictionary, with placeholders for its byte range and
/// contents.
fn signature_dictionary(date: &[u8], signer: &Signer) -> Dictionary {
    let mut signature = Dictionary::new();
    signature.set("Type", Object::Name(b"Sig".to_vec()));
    signature.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    signature.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    signature.set(
        "ByteRange",
        Object::Array(
            BYTE_RANGE_PLACEHOLDER
                .iter()
                .map(|n| Object::Integer(*n))
                .collect(),
        ),
    );
    signature.set(
        "Contents",
        Object::String(vec![0; CONTENTS_BYTES], StringFormat::Hexadecimal),
    );
    signature.set("M", Object::String(date.to_vec(), StringFormat::Literal));
    signature.set("Name", lopdf::text_string(&signer.name()));
    signature
}

/// Adds to the structure tree, when `doc` has one, a `Form` element for
/// the widget `widget_id` under the document's top element (found through
/// the parent tree's next key); returns the widget's `StructParent`.
fn add_form_element(
    doc: &Document,
    new: &mut Update,
    page_id: ObjectId,
    widget_id: ObjectId,
    form_id: ObjectId,
) -> Result<Option<i64>, SignError> {
    let tree_id = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"StructTreeRoot").ok())
        .and_then(|o| o.as_reference().ok());
    let Some(tree_id) = tree_id else {
        return Ok(None);
    };
    let mut tree = doc
        .get_dictionary(tree_id)
        .map_err(|e| fail(e.to_string()))?
        .clone();
    let key = tree
        .get(b"ParentTreeNextKey")
        .and_then(Object::as_i64)
        .unwrap_or(0);
    // The element the Form joins: the root's single top element, when it
    // is an object of its own; the root otherwise.
    let top = match tree.get(b"K") {
        Ok(Object::Reference(id)) => Some(*id),
        Ok(Object::Array(kids)) if kids.len() == 1 => kids[0].as_reference().ok(),
        _ => None,
    };
    let form = form_element(top.unwrap_or(tree_id), page_id, widget_id);
    new.objects.insert(form_id, Object::Dictionary(form));
    if let Some(top) = top {
        let mut element = doc
            .get_dictionary(top)
            .map_err(|e| fail(e.to_string()))?
            .clone();
        append(&mut element, b"K", Object::Reference(form_id));
        new.objects.insert(top, Object::Dictionary(element));
    } else {
        append(&mut tree, b"K", Object::Reference(form_id));
    }
    // The parent tree maps the widget's StructParent to the Form.
    match tree.get(b"ParentTree") {
        Ok(Object::Reference(parent_tree_id)) => {
            let mut parent_tree = doc
                .get_dictionary(*parent_tree_id)
                .map_err(|e| fail(e.to_string()))?
                .clone();
            add_number(&mut parent_tree, key, form_id, new)?;
            new.objects
                .insert(*parent_tree_id, Object::Dictionary(parent_tree));
        }
        Ok(Object::Dictionary(parent_tree)) => {
            let mut parent_tree = parent_tree.clone();
            add_number(&mut parent_tree, key, form_id, new)?;
            tree.set("ParentTree", Object::Dictionary(parent_tree));
        }
        _ => return Err(fail("the structure tree has no parent tree".into())),
    }
    tree.set("ParentTreeNextKey", Object::Integer(key + 1));
    new.objects.insert(tree_id, Object::Dictionary(tree));
    Ok(Some(key))
}

/// The `Form` structure element of the widget `widget_id`, under `parent`.
fn form_element(parent: ObjectId, page_id: ObjectId, widget_id: ObjectId) -> Dictionary {
    let mut form = Dictionary::new();
    form.set("Type", Object::Name(b"StructElem".to_vec()));
    form.set("S", Object::Name(b"Form".to_vec()));
    form.set("P", Object::Reference(parent));
    form.set("Pg", Object::Reference(page_id));
    let mut objr = Dictionary::new();
    objr.set("Type", Object::Name(b"OBJR".to_vec()));
    objr.set("Obj", Object::Reference(widget_id));
    objr.set("Pg", Object::Reference(page_id));
    form.set("K", Object::Dictionary(objr));
    form
}

/// The field: an invisible, printable, locked widget on the first page.
fn widget(
    signer: &Signer,
    signature_id: ObjectId,
    page_id: ObjectId,
    struct_parent: Option<i64>,
) -> Dictionary {
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", lopdf::text_string("Signature1"));
    widget.set(
        "TU",
        lopdf::text_string(&format!("Digital signature of {}", signer.name())),
    );
    widget.set("V", Object::Reference(signature_id));
    widget.set("Rect", Object::Array(vec![Object::Integer(0); 4]));
    widget.set("F", Object::Integer(4 | 128));
    widget.set("P", Object::Reference(page_id));
    if let Some(key) = struct_parent {
        widget.set("StructParent", Object::Integer(key));
    }
    widget
}

/// The page `page_id` with the widget among its annotations and its tab
/// order following the structure.
fn page_with(
    doc: &Document,
    page_id: ObjectId,
    widget_id: ObjectId,
) -> Result<Dictionary, SignError> {
    let mut page = doc
        .get_dictionary(page_id)
        .map_err(|e| fail(e.to_string()))?
        .clone();
    let annots = match page.get(b"Annots") {
        Ok(Object::Reference(id)) => doc.get_object(*id).ok().cloned(),
        Ok(other) => Some(other.clone()),
        Err(_) => None,
    };
    let mut annots = match annots {
        Some(Object::Array(list)) => list,
        _ => Vec::new(),
    };
    annots.push(Object::Reference(widget_id));
    page.set("Annots", Object::Array(annots));
    page.set("Tabs", Object::Name(b"S".to_vec()));
    Ok(page)
}

/// The catalog with the field in its form, which now holds signatures.
fn catalog_with(
    doc: &Document,
    catalog_id: ObjectId,
    widget_id: ObjectId,
) -> Result<Dictionary, SignError> {
    let mut catalog = doc
        .get_dictionary(catalog_id)
        .map_err(|e| fail(e.to_string()))?
        .clone();
    let mut form = match catalog.get(b"AcroForm") {
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(Object::Reference(id)) => doc
            .get_dictionary(*id)
            .map_err(|e| fail(e.to_string()))?
            .clone(),
        _ => Dictionary::new(),
    };
    append(&mut form, b"Fields", Object::Reference(widget_id));
    form.set("SigFlags", Object::Integer(3));
    catalog.set("AcroForm", Object::Dictionary(form));
    Ok(catalog)
}

/// The objects an incremental update adds or replaces, and the last
/// object number in use.
struct Update {
    next: u32,
    objects: std::collections::BTreeMap<ObjectId, Object>,
}

impl Update {
    fn new_object_id(&mut self) -> ObjectId {
        self.next += 1;
        (self.next, 0)
    }
}

/// Replaces the placeholders written after `from`: the byte range with the
/// file's, the contents with the CMS over those bytes.
fn fill_signature(out: &mut [u8], from: usize, signer: &Signer) -> Result<(), SignError> {
    let fail = |m: &str| SignError::Pdf(m.to_string());
    let placeholder = BYTE_RANGE_PLACEHOLDER
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    let range_at = find(&out[from..], placeholder.as_bytes())
        .map(|i| i + from)
        .ok_or_else(|| fail("the byte range placeholder is missing"))?;
    let zeros = vec![b'0'; 2 * CONTENTS_BYTES];
    let mut hex = Vec::with_capacity(zeros.len() + 2);
    hex.push(b'<');
    hex.extend_from_slice(&zeros);
    hex.push(b'>');
    let contents_at = find(&out[from..], &hex)
        .map(|i| i + from)
        .ok_or_else(|| fail("the contents placeholder is missing"))?;
    let after = contents_at + hex.len();
    let ranges = [0, contents_at, after, out.len() - after];
    let written = ranges.map(|n| n.to_string()).join(" ");
    if written.len() > placeholder.len() {
        return Err(fail("the file is too large to sign"));
    }
    let padded = format!("{written:<width$}", width = placeholder.len());
    out[range_at..range_at + placeholder.len()].copy_from_slice(padded.as_bytes());
    let digest = sha256_of(&[&out[..contents_at], &out[after..]]);
    let cms = signed_data(signer, &digest).map_err(SignError::Pdf)?;
    if cms.len() > CONTENTS_BYTES {
        return Err(fail("the signature is larger than the room kept for it"));
    }
    let encoded: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    out[contents_at + 1..contents_at + 1 + encoded.len()].copy_from_slice(encoded.as_bytes());
    Ok(())
}

/// Appends `value` to the array under `key` (a single value becomes an
/// array of two).
fn append(dict: &mut Dictionary, key: &[u8], value: Object) {
    let list = match dict.get(key) {
        Ok(Object::Array(list)) => {
            let mut list = list.clone();
            list.push(value);
            list
        }
        Ok(other) => vec![other.clone(), value],
        Err(_) => vec![value],
    };
    dict.set(key, Object::Array(list));
}

/// Adds `key → value` to a number tree whose keys are all below `key`: to
/// its `/Nums`, or as a new last leaf under its `/Kids`.
fn add_number(
    tree: &mut Dictionary,
    key: i64,
    value: ObjectId,
    new: &mut Update,
) -> Result<(), SignError> {
    if tree.has(b"Nums") {
        let mut nums = tree
            .get(b"Nums")
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default();
        nums.push(Object::Integer(key));
        nums.push(Object::Reference(value));
        tree.set("Nums", Object::Array(nums));
        return Ok(());
    }
    let Ok(kids) = tree.get(b"Kids").and_then(Object::as_array).cloned() else {
        return Err(SignError::Pdf(
            "the parent tree has neither /Nums nor /Kids".into(),
        ));
    };
    let mut leaf = Dictionary::new();
    leaf.set(
        "Limits",
        Object::Array(vec![Object::Integer(key), Object::Integer(key)]),
    );
    leaf.set(
        "Nums",
        Object::Array(vec![Object::Integer(key), Object::Reference(value)]),
    );
    let leaf_id = new.new_object_id();
    new.objects.insert(leaf_id, Object::Dictionary(leaf));
    let mut kids = kids;
    kids.push(Object::Reference(leaf_id));
    tree.set("Kids", Object::Array(kids));
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The raw `/CreationDate` of the document information dictionary.
fn creation_date(doc: &Document) -> Option<Vec<u8>> {
    let info = doc.trailer.get(b"Info").ok()?;
    let info = doc.dereference(info).ok()?.1.as_dict().ok()?;
    info.get(b"CreationDate")
        .ok()?
        .as_str()
        .ok()
        .map(<[u8]>::to_vec)
}

/// A PDF date (`D:YYYYMMDDHHmmSS` with an optional offset) as Unix seconds
/// and as an ISO 8601 text.
pub(super) fn parse_date(date: &[u8]) -> Option<(i64, String)> {
    let text = std::str::from_utf8(date).ok()?;
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let field = |at: usize, len: usize, default: u32| -> Option<u32> {
        match digits.get(at..at + len) {
            Some(s) => s.parse().ok(),
            None => Some(default),
        }
    };
    let date =
        chrono::NaiveDate::from_ymd_opt(field(0, 4, 0)? as i32, field(4, 2, 1)?, field(6, 2, 1)?)?;
    let time =
        chrono::NaiveTime::from_hms_opt(field(8, 2, 0)?, field(10, 2, 0)?, field(12, 2, 0)?)?;
    let mut seconds = date.and_time(time).and_utc().timestamp();
    let rest = &text[digits.len()..];
    if let Some(sign @ ('+' | '-')) = rest.chars().next() {
        let offset: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
        let hours: i64 = offset.get(0..2).and_then(|s| s.parse().ok()).unwrap_or(0);
        let minutes: i64 = offset.get(2..4).and_then(|s| s.parse().ok()).unwrap_or(0);
        let shift = hours * 3600 + minutes * 60;
        seconds += if sign == '+' { -shift } else { shift };
    }
    let readable = chrono::DateTime::from_timestamp(seconds, 0)?
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string();
    Some((seconds, readable))
}
