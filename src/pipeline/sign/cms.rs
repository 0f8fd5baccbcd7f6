//! The CMS SignedData of a PAdES baseline B-B signature (ETSI EN 319 142-1):
//! detached (the PDF's byte ranges are the content), SHA-256, the signed
//! attributes content-type, message-digest and signing-certificate-v2, and
//! no signing-time attribute (the signing time is the signature
//! dictionary's `/M`); for B-T, a time-stamp over the signature value as
//! an unsigned attribute.

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, SignatureBitStringEncoding};
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

use super::keys::{Key, Signer};
use super::tsa::Tsa;
use crate::base::digest::sha256;

/// `id-aa-signingCertificateV2` (RFC 5035).
const SIGNING_CERTIFICATE_V2: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }`.
#[derive(Clone, Debug, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// `ESSCertIDv2`, its hash algorithm left at the default, SHA-256.
#[derive(Clone, Debug, Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

/// `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber }`.
#[derive(Clone, Debug, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

/// The DER of a detached CMS SignedData over content whose SHA-256 is
/// `digest`, signed by `signer`, carrying its certificate and chain.
pub(super) fn signed_data(signer: &Signer, digest: &[u8; 32]) -> Result<Vec<u8>, String> {
    let info = match &signer.key {
        Key::P256(key) => build::<_, p256::ecdsa::DerSignature>(key, signer, digest),
        Key::Rsa(key) => build::<_, rsa::pkcs1v15::Signature>(&**key, signer, digest),
    }?;
    let info = match signer.tsa() {
        Some(tsa) => time_stamped(info, tsa)?,
        None => info,
    };
    info.to_der()
        .map_err(|e| format!("cannot build the CMS encoding: {e}"))
}

/// `info` with a time-stamp from `tsa` over its signature value, as the
/// signature-time-stamp unsigned attribute (PAdES B-T).
fn time_stamped(info: ContentInfo, tsa: &Tsa) -> Result<ContentInfo, String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot add the time-stamp: {e}");
    let mut data: SignedData = info.content.decode_as().map_err(|e| fail(&e))?;
    let mut infos = data.signer_infos.0.into_vec();
    let first = infos.first_mut().ok_or("the signature has no signer")?;
    let token = tsa
        .stamp(first.signature.as_bytes())
        .map_err(|e| e.to_string())?;
    let value = Any::from_der(&token.der).map_err(|e| fail(&e))?;
    let attribute = Attribute {
        oid: super::signed::SIGNATURE_TIME_STAMP,
        values: SetOfVec::try_from(vec![value]).map_err(|e| fail(&e))?,
    };
    first.unsigned_attrs = Some(SetOfVec::try_from(vec![attribute]).map_err(|e| fail(&e))?);
    data.signer_infos =
        cms::signed_data::SignerInfos(SetOfVec::try_from(infos).map_err(|e| fail(&e))?);
    Ok(ContentInfo {
        content_type: info.content_type,
        content: Any::encode_from(&data).map_err(|e| fail(&e))?,
    })
}

fn build<S, Sig>(key: &S, signer: &Signer, digest: &[u8; 32]) -> Result<ContentInfo, String>
where
    S: signature::Keypair + DynSignatureAlgorithmIdentifier + signature::Signer<Sig>,
    Sig: SignatureBitStringEncoding,
{
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("cannot build the CMS {what}: {e}");
    let sha256_id = AlgorithmIdentifierOwned {
        oid: const_oid::db::rfc5912::ID_SHA_256,
        parameters: None,
    };
    let content = EncapsulatedContentInfo {
        econtent_type: const_oid::db::rfc5911::ID_DATA,
        econtent: None,
    };
    let tbs = &signer.cert.tbs_certificate;
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: tbs.issuer.clone(),
        serial_number: tbs.serial_number.clone(),
    });
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(sha256(
                &signer.cert.to_der().map_err(|e| fail("attributes", &e))?,
            ))
            .map_err(|e| fail("attributes", &e))?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(tbs.issuer.clone())],
                serial_number: tbs.serial_number.clone(),
            },
        }],
    };
    let ess = Any::encode_from(&ess).map_err(|e| fail("attributes", &e))?;
    let attribute = Attribute {
        oid: SIGNING_CERTIFICATE_V2,
        values: SetOfVec::try_from(vec![ess]).map_err(|e| fail("attributes", &e))?,
    };
    let mut info = SignerInfoBuilder::new(
        key,
        sid,
        sha256_id.clone(),
        &content,
        Some(digest.as_slice()),
    )
    .map_err(|e| fail("signer info", &e))?;
    info.add_signed_attribute(attribute)
        .map_err(|e| fail("signer info", &e))?;
    let mut data = SignedDataBuilder::new(&content);
    data.add_digest_algorithm(sha256_id)
        .map_err(|e| fail("signed data", &e))?;
    for cert in std::iter::once(&signer.cert).chain(&signer.chain) {
        data.add_certificate(CertificateChoices::Certificate(cert.clone()))
            .map_err(|e| fail("signed data", &e))?;
    }
    data.add_signer_info::<S, Sig>(info)
        .map_err(|e| fail("signature", &e))?;
    data.build().map_err(|e| fail("signed data", &e))
}
