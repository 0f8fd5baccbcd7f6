//! Signing a PDF: an incremental update that adds an invisible signature
//! field and its signature dictionary, then the CMS over every byte of the
//! file but the signature's own.
//!
//! The provider's signature is an invisible field; on the acceptance report
//! it certifies the document and an empty field is prepared, visible on
//! the customer's signature block, which a countersignature fills. The
//! updates keep the file's archival and accessibility claims (see
//! [`super::incremental`]); the metadata stream is left as it is.

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

use super::cms::signed_data;
use super::dss::with_validation_data;
use super::incremental::{
    SignError, Update, add_form_element, add_widget, appearance, catalog_id, catalog_with, fail,
    page_id, rect_of, write_update,
};
use super::keys::Signer;
use super::revocation::Ltv;
use super::tsa::Tsa;
use crate::base::digest::sha256_of;
use crate::pipeline::typeset::FieldPlace;

/// Room for the CMS: an RSA-4096 signature with a chain of a few
/// certificates fits with margin.
const CONTENTS_BYTES: usize = 24 * 1024;

/// The `/ByteRange` written first and replaced in place: four numbers of
/// ten digits each can hold any offset of a file up to 9.9 GB.
const BYTE_RANGE_PLACEHOLDER: [i64; 4] = [0, 9_999_999_999, 9_999_999_999, 9_999_999_999];

/// What a signature of the provider says about later changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind<'a> {
    /// An approval signature: the document as it is.
    Approval,
    /// A certification signature (DocMDP, P=2): later revisions may only
    /// fill form fields and add signatures. Each place becomes a prepared,
    /// empty signature field, for the customer's countersignature.
    Certification(&'a [FieldPlace]),
}

/// `pdf` with a PAdES baseline B-B signature by `signer` added as an
/// incremental update, at the signer's time.
pub fn sign_pdf(pdf: &[u8], signer: &Signer, kind: Kind<'_>) -> Result<Vec<u8>, SignError> {
    let doc = Document::load_mem(pdf).map_err(|e| fail(e.to_string()))?;
    let date = pdf_date(signer.at())?;
    let catalog_id = catalog_id(&doc)?;
    let page_id = page_id(&doc, 1)?;
    // Every object of the update is made from the parsed document first;
    // the document then moves into the update, without a copy.
    let mut new = Update::new(&doc);
    let signature_id = new.new_object_id();
    let mut signature = signature_dictionary(&date, signer);
    if let Kind::Certification(_) = kind {
        signature.set(
            "Reference",
            Object::Array(vec![Object::Dictionary(doc_mdp())]),
        );
    }
    new.objects
        .insert(signature_id, Object::Dictionary(signature));
    let widget_id = new.new_object_id();
    let form_id = new.new_object_id();
    let struct_parent = add_form_element(&doc, &mut new, page_id, widget_id, form_id)?;
    let widget = widget(signer, signature_id, page_id, struct_parent);
    new.objects.insert(widget_id, Object::Dictionary(widget));
    add_widget(&doc, &mut new, catalog_id, page_id, widget_id)?;
    if let Kind::Certification(places) = kind {
        for place in places {
            prepare_field(&doc, &mut new, catalog_id, place)?;
        }
        let mut catalog = new.dictionary(&doc, catalog_id)?;
        let mut perms = Dictionary::new();
        perms.set("DocMDP", Object::Reference(signature_id));
        catalog.set("Perms", Object::Dictionary(perms));
        new.objects.insert(catalog_id, Object::Dictionary(catalog));
    }
    finish(pdf, doc, new, signer)
}

/// `pdf`, certified by the provider, with its prepared, empty signature
/// field filled by `signer`'s signature at the signer's time: an
/// incremental update that changes nothing else.
pub fn countersign_pdf(pdf: &[u8], signer: &Signer) -> Result<Vec<u8>, SignError> {
    let doc = Document::load_mem(pdf).map_err(|e| fail(e.to_string()))?;
    let date = pdf_date(signer.at())?;
    let empty: Vec<ObjectId> = super::revisions::signature_fields(&doc)
        .into_iter()
        .filter(|(_, field)| !field.has(b"V"))
        .map(|(id, _)| id)
        .collect();
    let field_id = match empty[..] {
        [id] => id,
        [] => {
            return Err(fail(
                "the PDF has no empty signature field to sign: only an acceptance report certified by the provider prepares one"
                    .into(),
            ));
        }
        _ => {
            return Err(fail(
                "the PDF has more than one empty signature field".into(),
            ));
        }
    };
    let mut new = Update::new(&doc);
    let signature_id = new.new_object_id();
    new.objects.insert(
        signature_id,
        Object::Dictionary(signature_dictionary(&date, signer)),
    );
    let mut field = new.dictionary(&doc, field_id)?;
    field.set("V", Object::Reference(signature_id));
    // The field shows that it is signed: a frame with a tick.
    let [left, bottom, right, top] = rect_of(&field);
    let appearance_id = new.new_object_id();
    new.objects
        .insert(appearance_id, appearance(right - left, top - bottom, true));
    let mut ap = Dictionary::new();
    ap.set("N", Object::Reference(appearance_id));
    field.set("AP", Object::Dictionary(ap));
    new.objects.insert(field_id, Object::Dictionary(field));
    finish(pdf, doc, new, signer)
}

/// Writes `new` as an incremental update of `pdf` (parsed as `doc`) and
/// signs it; then, when the signer embeds validation data, adds it.
fn finish(pdf: &[u8], doc: Document, new: Update, signer: &Signer) -> Result<Vec<u8>, SignError> {
    let mut out = write_update(pdf, doc, new)?;
    fill_contents(&mut out, pdf.len(), |digest| {
        signed_data(signer, digest).map_err(SignError::Pdf)
    })?;
    match signer.ltv() {
        Some(ltv) => with_validation_data(&out, ltv, Some(&signer.cert)),
        None => Ok(out),
    }
}

/// `pdf` with a document time-stamp from `tsa` over all of it (PAdES
/// B-LTA), added as an incremental update after the validation data of
/// its signatures and time-stamps, from `ltv`: run again later, it adds
/// the data of the last time-stamp and a new one over it, extending the
/// time the signatures can be validated.
pub fn timestamp_pdf(pdf: &[u8], tsa: &Tsa, ltv: &Ltv) -> Result<Vec<u8>, SignError> {
    let pdf = with_validation_data(pdf, ltv, None)?;
    let doc = Document::load_mem(&pdf).map_err(|e| fail(e.to_string()))?;
    let catalog_id = catalog_id(&doc)?;
    let stamps = super::revisions::signature_fields(&doc).len();
    let mut new = Update::new(&doc);
    let signature_id = new.new_object_id();
    let mut signature = placeholders();
    signature.set("Type", Object::Name(b"DocTimeStamp".to_vec()));
    signature.set("SubFilter", Object::Name(b"ETSI.RFC3161".to_vec()));
    new.objects
        .insert(signature_id, Object::Dictionary(signature));
    // An invisible field whose widget is on no page: it shows nothing,
    // so the pages, their annotations and their structure stay as signed.
    let field_id = new.new_object_id();
    let mut field = Dictionary::new();
    field.set("Type", Object::Name(b"Annot".to_vec()));
    field.set("Subtype", Object::Name(b"Widget".to_vec()));
    field.set("Rect", Object::Array(vec![Object::Integer(0); 4]));
    field.set("F", Object::Integer(4 | 128));
    field.set("FT", Object::Name(b"Sig".to_vec()));
    field.set(
        "T",
        lopdf::text_string(&format!("DocumentTimeStamp{}", stamps + 1)),
    );
    field.set("TU", lopdf::text_string("Document time-stamp"));
    field.set("V", Object::Reference(signature_id));
    field.set("Ff", Object::Integer(0));
    new.objects.insert(field_id, Object::Dictionary(field));
    let catalog = catalog_with(&doc, &new, catalog_id, field_id)?;
    new.objects.insert(catalog_id, Object::Dictionary(catalog));
    let mut out = write_update(&pdf, doc, new)?;
    fill_contents(&mut out, pdf.len(), |digest| {
        Ok(tsa.stamp_digest(digest)?.der)
    })?;
    Ok(out)
}

/// The `/Reference` entry of a certification signature: DocMDP with P=2
/// (filling in forms and signing allowed).
fn doc_mdp() -> Dictionary {
    let mut params = Dictionary::new();
    params.set("Type", Object::Name(b"TransformParams".to_vec()));
    params.set("P", Object::Integer(2));
    params.set("V", Object::Name(b"1.2".to_vec()));
    let mut reference = Dictionary::new();
    reference.set("Type", Object::Name(b"SigRef".to_vec()));
    reference.set("TransformMethod", Object::Name(b"DocMDP".to_vec()));
    reference.set("TransformParams", Object::Dictionary(params));
    reference
}

/// Adds an empty signature field at `place`: a visible, printable widget
/// with an empty appearance, a `Form` element of the structure tree and
/// a description.
fn prepare_field(
    doc: &Document,
    new: &mut Update,
    catalog_id: ObjectId,
    place: &FieldPlace,
) -> Result<(), SignError> {
    let page_id = page_id(doc, place.page)?;
    let widget_id = new.new_object_id();
    let form_id = new.new_object_id();
    let appearance_id = new.new_object_id();
    let struct_parent = add_form_element(doc, new, page_id, widget_id, form_id)?;
    let [left, bottom, right, top] = place.rect;
    new.objects
        .insert(appearance_id, appearance(right - left, top - bottom, false));
    let mut ap = Dictionary::new();
    ap.set("N", Object::Reference(appearance_id));
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", lopdf::text_string(&place.name));
    widget.set("TU", lopdf::text_string(&place.tip));
    widget.set(
        "Rect",
        Object::Array(place.rect.iter().map(|n| Object::Real(*n as f32)).collect()),
    );
    widget.set("F", Object::Integer(4));
    widget.set("P", Object::Reference(page_id));
    widget.set("AP", Object::Dictionary(ap));
    if let Some(key) = struct_parent {
        widget.set("StructParent", Object::Integer(key));
    }
    new.objects.insert(widget_id, Object::Dictionary(widget));
    add_widget(doc, new, catalog_id, page_id, widget_id)
}

/// `unix` seconds as a PDF date, in UTC.
fn pdf_date(unix: i64) -> Result<Vec<u8>, SignError> {
    let time = chrono::DateTime::from_timestamp(unix, 0)
        .ok_or_else(|| fail("the signing time is out of range".into()))?;
    Ok(time
        .format("D:%Y%m%d%H%M%S+00'00'")
        .to_string()
        .into_bytes())
}

/// The signature dictionary, with placeholders for its byte range and
/// contents.
fn signature_dictionary(date: &[u8], signer: &Signer) -> Dictionary {
    let mut signature = placeholders();
    signature.set("Type", Object::Name(b"Sig".to_vec()));
    signature.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    signature.set("M", Object::String(date.to_vec(), StringFormat::Literal));
    signature.set("Name", lopdf::text_string(&signer.name()));
    signature
}

/// A signature dictionary's filter, and placeholders for its byte range
/// and contents.
fn placeholders() -> Dictionary {
    let mut signature = Dictionary::new();
    signature.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
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
    signature
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

/// Replaces the placeholders written after `from`: the byte range with the
/// file's, the contents with what `contents` makes of those bytes' SHA-256
/// (a CMS signature, or a time-stamp token).
fn fill_contents(
    out: &mut [u8],
    from: usize,
    contents: impl FnOnce(&[u8; 32]) -> Result<Vec<u8>, SignError>,
) -> Result<(), SignError> {
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
    let cms = contents(&digest)?;
    if cms.len() > CONTENTS_BYTES {
        return Err(fail("the signature is larger than the room kept for it"));
    }
    let encoded: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    out[contents_at + 1..contents_at + 1 + encoded.len()].copy_from_slice(encoded.as_bytes());
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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
