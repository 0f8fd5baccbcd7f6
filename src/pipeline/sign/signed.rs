//! Checking a CMS SignedData's signer, for signatures and time-stamp
//! tokens alike: its certificate, found among those it carries; its
//! signed attributes' message digest; its signature, ECDSA P-256 or RSA
//! PKCS #1 v1.5 with SHA-256.

use cms::cert::CertificateChoices;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::Encode;
use pkcs8::DecodePublicKey;
use x509_cert::Certificate;

/// Why a SignerInfo's signed attributes do not hold.
pub(super) enum Mismatch {
    /// The message digest is not the content's.
    Digest,
    /// Anything else.
    Other(String),
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::Digest => {
                f.write_str("the signed data's digest is not the signed attributes' message digest")
            }
            Mismatch::Other(e) => f.write_str(e),
        }
    }
}

/// Checks the first SignerInfo of `data`: its message-digest attribute is
/// `digest` and its signature over the signed attributes verifies with
/// `cert`.
pub(super) fn check_signed_attributes(
    data: &SignedData,
    cert: &Certificate,
    digest: &[u8],
) -> Result<(), Mismatch> {
    let other = |e: &str| Mismatch::Other(e.to_string());
    let signer_info = data
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| other("the signature has no signer"))?;
    let attrs = signer_info
        .signed_attrs
        .as_ref()
        .ok_or_else(|| other("the signature has no signed attributes"))?;
    let signed_digest = attrs
        .iter()
        .find(|a| a.oid == const_oid::db::rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| der::asn1::OctetStringRef::try_from(v).ok())
        .ok_or_else(|| other("the signature has no message digest"))?;
    if signed_digest.as_bytes() != digest {
        return Err(Mismatch::Digest);
    }
    let message = attrs.to_der().map_err(|e| Mismatch::Other(e.to_string()))?;
    verify_with(
        cert,
        signer_info.signature_algorithm.oid,
        &message,
        signer_info.signature.as_bytes(),
    )
    .map_err(|e| {
        Mismatch::Other(format!(
            "the signature does not verify with the signer's certificate: {e}"
        ))
    })
}

/// The signer's certificate, found by issuer and serial number among the
/// certificates the signature carries, and all of those.
pub(super) fn signer_certificate(
    data: &SignedData,
) -> Result<(Certificate, Vec<Certificate>), String> {
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

/// Verifies `signature` over `message` with the public key of `cert`, for
/// ECDSA P-256 and RSA PKCS #1 v1.5, both with SHA-256.
pub(super) fn verify_with(
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

/// The common name of a certificate's subject, or the whole name.
pub(super) fn name_of(cert: &Certificate) -> String {
    let subject = &cert.tbs_certificate.subject;
    subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == const_oid::db::rfc4519::CN)
        .and_then(|atv| {
            der::asn1::Utf8StringRef::try_from(&atv.value)
                .map(|s| s.as_str().to_string())
                .or_else(|_| {
                    der::asn1::PrintableStringRef::try_from(&atv.value)
                        .map(|s| s.as_str().to_string())
                })
                .ok()
        })
        .unwrap_or_else(|| subject.to_string())
}

/// The CMS ContentInfo of a signature's `/Contents` (a signature, or a
/// document time-stamp's token), without the padding after it.
pub(super) fn content_info_of(contents: &[u8]) -> Result<cms::content_info::ContentInfo, String> {
    use der::Decode;
    let mut reader = der::SliceReader::new(contents).map_err(|e| e.to_string())?;
    cms::content_info::ContentInfo::decode(&mut reader)
        .map_err(|e| format!("the signature is not CMS: {e}"))
}

/// The CMS SignedData of a signature's `/Contents`.
pub(super) fn signed_data_of(contents: &[u8]) -> Result<SignedData, String> {
    content_info_of(contents)?
        .content
        .decode_as()
        .map_err(|e| format!("the signature is not CMS SignedData: {e}"))
}

/// The signature time-stamp token of the first SignerInfo of `data`, and
/// the signature value it stamps; none when it has none.
pub(super) fn time_stamp_token(
    data: &SignedData,
) -> Result<Option<(cms::content_info::ContentInfo, Vec<u8>)>, String> {
    let Some(signer_info) = data.signer_infos.0.iter().next() else {
        return Ok(None);
    };
    let Some(token) = signer_info
        .unsigned_attrs
        .as_ref()
        .and_then(|attrs| attrs.iter().find(|a| a.oid == SIGNATURE_TIME_STAMP))
        .and_then(|a| a.values.iter().next())
    else {
        return Ok(None);
    };
    let token = token
        .decode_as()
        .map_err(|e| format!("the signature's time-stamp is not a token: {e}"))?;
    Ok(Some((token, signer_info.signature.as_bytes().to_vec())))
}

/// `id-aa-signatureTimeStampToken` (RFC 3161, appendix A): the unsigned
/// attribute that holds a time-stamp over the signature value.
pub(super) const SIGNATURE_TIME_STAMP: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

/// `unix` seconds as ISO 8601 in UTC.
pub(super) fn iso_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map_or_else(
        || unix.to_string(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}
