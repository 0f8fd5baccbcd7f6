//! Checking the signatures of a PDF, as a customer's validator would: the
//! byte range covers the whole file but the signature, the digest of those
//! bytes is the one signed, the signature verifies with the signer's
//! certificate, and — given trust anchors — the certificate chains to one
//! of them, each certificate valid when the document was signed.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::{Decode, Encode, SliceReader};
use lopdf::{Document, Object};
use pkcs8::DecodePublicKey;
use x509_cert::Certificate;

use super::keys::name_of;
use super::pdf::parse_date;
use super::revisions::{later_changes, revision_ends, signature_fields};
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
    /// Whether the certificate chains to a given trust anchor (`None`
    /// when none was given).
    pub trusted: Option<bool>,
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
    let signer_info = data
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or("the signature has no signer")?;
    let attrs = signer_info
        .signed_attrs
        .as_ref()
        .ok_or("the signature has no signed attributes")?;
    let signed_digest = attrs
        .iter()
        .find(|a| a.oid == const_oid::db::rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| der::asn1::OctetStringRef::try_from(v).ok())
        .ok_or("the signature has no message digest")?;
    if signed_digest.as_bytes() != digest {
        return Err("the file's bytes differ from the bytes signed (digest mismatch): it was changed after signing".into());
    }
    let message = attrs.to_der().map_err(|e| e.to_string())?;
    verify_with(
        &cert,
        signer_info.signature_algorithm.oid,
        &message,
        signer_info.signature.as_bytes(),
    )
    .map_err(|e| format!("the signature does not verify with the signer's certificate: {e}"))?;
    let when = signature
        .get(b"M")
        .and_then(Object::as_str)
        .ok()
        .and_then(parse_date);
    let trusted = if anchors.is_empty() {
        None
    } else {
        let at = when.as_ref().map(|(unix, _)| *unix);
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

/// The CMS SignedData of a signature's `/Contents`.
fn signed_data(contents: &[u8]) -> Result<SignedData, String> {
    let mut reader = SliceReader::new(contents).map_err(|e| e.to_string())?;
    let info =
        ContentInfo::decode(&mut reader).map_err(|e| format!("the signature is not CMS: {e}"))?;
    info.content
        .decode_as()
        .map_err(|e| format!("the signature is not CMS SignedData: {e}"))
}

/// The signer's certificate, found by issuer and serial number among the
/// certificates the signature carries, and all of those.
fn signer_certificate(data: &SignedData) -> Result<(Certificate, Vec<Certificate>), String> {
    let signer_info = data
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or("the signature has no signer")?;
    let certs: Vec<Certificate> = data
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let SignerIdentifier::IssuerAndSerialNumber(sid) = &signer_info.sid else {
        return Err("the signer is not identified by issuer and serial number".into());
    };
    let cert = certs
        .iter()
        .find(|c| {
            c.tbs_certificate.issuer == sid.issuer
                && c.tbs_certificate.serial_number == sid.serial_number
        })
        .ok_or("the signature does not carry the signer's certificate")?
        .clone();
    Ok((cert, certs))
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

/// Verifies `signature` over `message` with the public key of `cert`, for
/// ECDSA P-256 and RSA PKCS #1 v1.5, both with SHA-256.
fn verify_with(
    cert: &Certificate,
    algorithm: der::oid::ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    use signature::Verifier;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| e.to_string())?;
    match algorithm {
        const_oid::db::rfc5912::ECDSA_WITH_SHA_256 => {
            let key =
                p256::ecdsa::VerifyingKey::from_public_key_der(&spki).map_err(|e| e.to_string())?;
            let signature =
                p256::ecdsa::DerSignature::from_bytes(signature).map_err(|e| e.to_string())?;
            key.verify(message, &signature).map_err(|e| e.to_string())
        }
        const_oid::db::rfc5912::SHA_256_WITH_RSA_ENCRYPTION
        | const_oid::db::rfc5912::RSA_ENCRYPTION => {
            let key = rsa::RsaPublicKey::from_public_key_der(&spki).map_err(|e| e.to_string())?;
            let key = rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(key);
            let signature =
                rsa::pkcs1v15::Signature::try_from(signature).map_err(|e| e.to_string())?;
            key.verify(message, &signature).map_err(|e| e.to_string())
        }
        other => Err(format!("unsupported signature algorithm {other}")),
    }
}
