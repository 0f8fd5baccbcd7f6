//! Checking the signatures of a PDF, as a customer's validator would: the
//! byte range covers the whole file but the signature, the digest of those
//! bytes is the one signed, the signature verifies with the signer's
//! certificate, and — given trust anchors — the certificate chains to one
//! of them, each certificate valid when the document was signed.

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{Decode, Encode, SliceReader};
use lopdf::{Document, Object};
use x509_cert::Certificate;

use super::pdf::parse_date;
use super::revisions::{later_changes, revision_ends, signature_fields};
use super::signed::{Mismatch, check_signed_attributes, name_of, signer_certificate, verify_with};
use crate::base::digest::sha256_of;

/// A signature that checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSignature {
    /// The signature field's name.
    pub field: String,
    /// Whether it certifies the document (DocMDP), or approves it.
    pub certifies: bool,
    /// The revision of the file it signs, from 1 (the file as first
    /// written), and how many revisions the file has.
    pub revision: (usize, usize),
    /// The length of that revision, in bytes.
    pub covers: usize,
    /// Who signed, as the certificate names them.
    pub signer: String,
    /// When, as the signature dictionary says.
    pub signed_at: String,
    /// Its PAdES baseline level.
    pub level: Level,
    /// The trusted time a time-stamping authority gave it, for B-T.
    pub timestamp: Option<Stamp>,
    /// Whether the certificate chains to a given trust anchor (`None`
    /// when none was given), at the trusted time when there is one, else
    /// at the time the signer claims.
    pub trusted: Option<bool>,
}

/// A PAdES baseline level (ETSI EN 319 142-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Level {
    /// A signature with its signer's certificate.
    #[serde(rename = "B-B")]
    BB,
    /// And a time-stamp over it from a time-stamping authority.
    #[serde(rename = "B-T")]
    BT,
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Level::BB => "B-B",
            Level::BT => "B-T",
        })
    }
}

/// A time-stamp: when, and by which authority.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stamp {
    /// ISO 8601, UTC.
    pub time: String,
    /// The time-stamping authority, as its certificate names it.
    pub authority: String,
}

/// The signatures of `pdf`, each checked; `Err` says what is wrong with
/// the first that does not check out. A PDF without signatures gives an
/// empty list.
///
/// A signature may sign an earlier revision of the file than the last:
/// the revisions after the first signed one may then only fill a
/// prepared, empty signature field and add validation data or document
/// timestamps — what a customer's countersignature of a certified report
/// does. Anything else appended (an annotation, a changed page, a new
/// field) is reported as a change after signing.
pub fn verify_pdf(pdf: &[u8], anchors: &[Certificate]) -> Result<Vec<ValidSignature>, String> {
    let doc = Document::load_mem(pdf).map_err(|e| format!("not a readable PDF: {e}"))?;
    let ends = revision_ends(pdf);
    let mut found = Vec::new();
    let mut first_end = None::<usize>;
    for (_, field) in signature_fields(&doc) {
        let Some(signature) = field
            .get(b"V")
            .ok()
            .and_then(|v| doc.dereference(v).ok())
            .and_then(|(_, v)| v.as_dict().ok())
        else {
            continue;
        };
        let (valid, end) = check(pdf, &ends, signature, anchors)?;
        first_end = Some(first_end.map_or(end, |e| e.min(end)));
        found.push(ValidSignature {
            field: field
                .get(b"T")
                .ok()
                .and_then(|t| t.as_str().ok())
                .map(|t| String::from_utf8_lossy(t).into_owned())
                .unwrap_or_default(),
            ..valid
        });
    }
    if let Some(end) = first_end
        && end < pdf.len()
    {
        let before = Document::load_mem(&pdf[..end])
            .map_err(|e| format!("the signed revision is not a readable PDF: {e}"))?;
        later_changes(&before, &doc)?;
    }
    found.sort_by_key(|s| s.revision);
    Ok(found)
}

/// Reads trust anchors from PEM or DER certificate files.
pub fn load_anchors(files: &[std::path::PathBuf]) -> Result<Vec<Certificate>, super::KeyError> {
    let mut anchors = Vec::new();
    for file in files {
        anchors.extend(super::keys::certificates(file)?);
    }
    Ok(anchors)
}

/// Checks one signature of `pdf`: it covers the whole file but its own
/// contents, its CMS digest is the file's, it verifies with the signer's
/// certificate, and (when anchors are given) that chains to one.
fn check(
    pdf: &[u8],
    ends: &[usize],
    signature: &lopdf::Dictionary,
    anchors: &[Certificate],
) -> Result<(ValidSignature, usize), String> {
    let (digest, end) = covered_digest(pdf, ends, signature)?;
    let contents = signature
        .get(b"Contents")
        .and_then(Object::as_str)
        .map_err(|_| "a signature without /Contents".to_string())?;
    let data = signed_data(contents)?;
    let (cert, certs) = signer_certificate(&data)?;
    check_signed_attributes(&data, &cert, &digest).map_err(|e| match e {
        Mismatch::Digest => "the file's bytes differ from the bytes signed (digest mismatch): it was changed after signing".to_string(),
        Mismatch::Other(e) => e,
    })?;
    let timestamp = timestamp_of(&data)?;
    let when = signature
        .get(b"M")
        .and_then(Object::as_str)
        .ok()
        .and_then(parse_date);
    let trusted = if anchors.is_empty() {
        None
    } else {
        // A trusted time, when the signature has one, else the time the
        // signer claims.
        let at = timestamp
            .as_ref()
            .map(|t| t.time)
            .or(when.as_ref().map(|(unix, _)| *unix));
        Some(chains_to(&cert, &certs, anchors, at)?)
    };
    let certifies = signature
        .get(b"Reference")
        .and_then(Object::as_array)
        .is_ok_and(|refs| {
            refs.iter().filter_map(|r| r.as_dict().ok()).any(|r| {
                r.get(b"TransformMethod").and_then(Object::as_name).ok() == Some(b"DocMDP")
            })
        });
    let revision = ends.iter().position(|e| *e == end).map_or(0, |i| i + 1);
    Ok((
        ValidSignature {
            field: String::new(),
            certifies,
            revision: (revision, ends.len()),
            covers: end,
            signer: name_of(&cert),
            signed_at: when.map(|(_, text)| text).unwrap_or_default(),
            level: if timestamp.is_some() {
                Level::BT
            } else {
                Level::BB
            },
            timestamp: timestamp.map(|t| Stamp {
                time: iso_time(t.time),
                authority: t.authority,
            }),
            trusted,
        },
        end,
    ))
}

/// The SHA-256 of the bytes the signature's `/ByteRange` covers, once the
/// range is shown to be a whole revision of the file but exactly the
/// signature's contents, and where that revision ends.
fn covered_digest(
    pdf: &[u8],
    ends: &[usize],
    signature: &lopdf::Dictionary,
) -> Result<([u8; 32], usize), String> {
    let range: Vec<i64> = signature
        .get(b"ByteRange")
        .and_then(Object::as_array)
        .map_err(|_| "a signature without /ByteRange".to_string())?
        .iter()
        .filter_map(|n| n.as_i64().ok())
        .collect();
    let [0, a, b, c] = range[..] else {
        return Err(format!(
            "a signature whose /ByteRange {range:?} does not start at 0"
        ));
    };
    let (a, b, c) = (a as usize, b as usize, c as usize);
    let end = b.checked_add(c);
    if a >= b || !end.is_some_and(|end| ends.contains(&end)) {
        return Err("the signature does not cover a whole revision of the file: bytes were added or removed after signing".into());
    }
    let end = b + c;
    if pdf.get(a) != Some(&b'<') || pdf.get(b - 1) != Some(&b'>') {
        return Err("the signature's byte range does not exclude exactly its contents".into());
    }
    Ok((sha256_of(&[&pdf[..a], &pdf[b..end]]), end))
}

/// The signature time-stamp of the first SignerInfo of `data`, checked
/// against its signature value; none when it has none.
fn timestamp_of(data: &SignedData) -> Result<Option<super::tsa::Token>, String> {
    let Some(signer_info) = data.signer_infos.0.iter().next() else {
        return Ok(None);
    };
    let Some(token) = signer_info
        .unsigned_attrs
        .as_ref()
        .and_then(|attrs| {
            attrs
                .iter()
                .find(|a| a.oid == super::cms::SIGNATURE_TIME_STAMP)
        })
        .and_then(|a| a.values.iter().next())
    else {
        return Ok(None);
    };
    let token: ContentInfo = token
        .decode_as()
        .map_err(|e| format!("the signature's time-stamp is not a token: {e}"))?;
    let imprint = crate::base::digest::sha256(signer_info.signature.as_bytes());
    super::tsa::check_token(&token, &imprint, None)
        .map(Some)
        .map_err(|e| format!("the signature's time-stamp does not hold: the authority {e}"))
}

/// `unix` seconds as ISO 8601 in UTC.
fn iso_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map_or_else(
        || unix.to_string(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// The CMS SignedData of a signature's `/Contents`.
fn signed_data(contents: &[u8]) -> Result<SignedData, String> {
    let mut reader = SliceReader::new(contents).map_err(|e| e.to_string())?;
    let info =
        ContentInfo::decode(&mut reader).map_err(|e| format!("the signature is not CMS: {e}"))?;
    info.content
        .decode_as()
        .map_err(|e| format!("the signature is not CMS SignedData: {e}"))
}

/// Whether `cert` chains through `pool` to one of `anchors`, each
/// certificate verifying with its issuer's key and valid at `at`.
fn chains_to(
    cert: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: Option<i64>,
) -> Result<bool, String> {
    let mut current = cert.clone();
    for _ in 0..8 {
        valid_at(&current, at)?;
        if anchors.iter().any(|a| a == &current) {
            return Ok(true);
        }
        let issued_by = |issuer: &&Certificate| {
            issuer.tbs_certificate.subject == current.tbs_certificate.issuer
                && verify_with(
                    issuer,
                    current.signature_algorithm.oid,
                    &current.tbs_certificate.to_der().unwrap_or_default(),
                    current.signature.raw_bytes(),
                )
                .is_ok()
        };
        if let Some(anchor) = anchors.iter().find(issued_by) {
            valid_at(anchor, at)?;
            return Ok(true);
        }
        match pool.iter().filter(|c| *c != &current).find(issued_by) {
            Some(issuer) => current = issuer.clone(),
            None => return Ok(false),
        }
    }
    Ok(false)
}

fn valid_at(cert: &Certificate, at: Option<i64>) -> Result<(), String> {
    let Some(at) = at else { return Ok(()) };
    let validity = &cert.tbs_certificate.validity;
    let from = validity.not_before.to_unix_duration().as_secs() as i64;
    let to = validity.not_after.to_unix_duration().as_secs() as i64;
    if (from..=to).contains(&at) {
        Ok(())
    } else {
        Err(format!(
            "the certificate of {} was not valid when the document was signed (valid from {} to {})",
            name_of(cert),
            validity.not_before,
            validity.not_after
        ))
    }
}
