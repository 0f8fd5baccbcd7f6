//! Proof that a certificate was not revoked, for long-term validation
//! (PAdES B-LT): an OCSP response (RFC 6960) or a CRL (RFC 5280) about it,
//! signed by its issuer (or, for OCSP, a responder its issuer named),
//! given as a file or fetched from the addresses the certificate names.

use std::time::Duration;

use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};
use x509_ocsp::{BasicOcspResponse, CertStatus, OcspResponse, OcspResponseStatus};

use super::http::exchange;
use super::signed::{name_of, verify_with};

/// Where the validation data of `--ltv` comes from: the files given
/// first, then the addresses in the certificates.
#[derive(Debug, Clone, Default)]
pub struct Ltv {
    /// How long to wait for each responder or distribution point.
    pub timeout: Duration,
    /// CRLs given as files, DER.
    pub crls: Vec<Vec<u8>>,
    /// OCSP responses given as files, DER.
    pub ocsps: Vec<Vec<u8>>,
}

impl Ltv {
    /// Validation data fetched within `timeout`, after that in `crls` and
    /// `ocsps` (files, PEM or DER).
    pub fn new(
        timeout: Duration,
        crls: &[std::path::PathBuf],
        ocsps: &[std::path::PathBuf],
    ) -> Result<Self, UnreadableFile> {
        let read = |files: &[std::path::PathBuf]| -> Result<Vec<Vec<u8>>, UnreadableFile> {
            files
                .iter()
                .map(|file| {
                    let bytes = std::fs::read(file).map_err(|e| UnreadableFile {
                        file: file.clone(),
                        message: e.to_string(),
                    })?;
                    Ok(match der::pem::decode_vec(&bytes) {
                        Ok((_, der)) => der,
                        Err(_) => bytes,
                    })
                })
                .collect()
        };
        Ok(Ltv {
            timeout,
            crls: read(crls)?,
            ocsps: read(ocsps)?,
        })
    }
}

/// A file of validation data that could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: cannot read: {message}", file.display())]
pub struct UnreadableFile {
    /// The file.
    pub file: std::path::PathBuf,
    /// Why.
    pub message: String,
}

/// Validation data about one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Proof {
    /// An OCSP response, DER.
    Ocsp(Vec<u8>),
    /// A CRL, DER.
    Crl(Vec<u8>),
}

/// What a proof says of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Status {
    /// Not revoked when the proof was made (Unix seconds).
    Good { as_of: i64 },
    /// Revoked at that time (Unix seconds).
    Revoked { at: i64 },
}

/// A proof checked: what it says, until when its issuer vouches for it
/// (its next update, Unix seconds, when it names one), and the certificate
/// of the OCSP responder its issuer named, when that is not the issuer.
#[derive(Debug, Clone)]
pub(super) struct Checked {
    pub(super) status: Status,
    pub(super) next_update: Option<i64>,
    pub(super) responder: Option<Certificate>,
}

impl Checked {
    /// Whether its issuer stopped vouching for it before `now`.
    pub(super) fn expired(&self, now: i64) -> bool {
        self.next_update.is_some_and(|next| next < now)
    }
}

impl Proof {
    /// What it is, as a message names it.
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Proof::Ocsp(_) => "OCSP response",
            Proof::Crl(_) => "CRL",
        }
    }
}

/// `id-kp-OCSPSigning`.
const OCSP_SIGNING: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");
/// `id-pkix-ocsp-basic`.
const OCSP_BASIC: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// `id-ad-ocsp` and `id-ad-caIssuers`, access methods of the AIA.
const AD_OCSP: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
const AD_CA_ISSUERS: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");
/// `id-sha1`, the hash of the CertID dossier sends (RFC 5019).
const SHA1: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("1.3.14.3.2.26");

/// What `proof` says of `cert`, issued by `issuer`; `None` when it is not
/// about `cert`. `Err` when it is about `cert` but does not hold.
pub(super) fn check(
    proof: &Proof,
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<Option<Checked>, String> {
    match proof {
        Proof::Ocsp(der) => check_ocsp(der, cert, issuer),
        Proof::Crl(der) => check_crl(der, cert, issuer),
    }
}

/// Whether `cert` is issued by `issuer`: names match and the signature
/// verifies with the issuer's key.
pub(super) fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    issuer.tbs_certificate.subject == cert.tbs_certificate.issuer
        && verify_with(
            issuer,
            cert.signature_algorithm.oid,
            &cert.tbs_certificate.to_der().unwrap_or_default(),
            cert.signature.raw_bytes(),
        )
        .is_ok()
}

/// Whether `cert` is its own issuer (a root).
pub(super) fn self_issued(cert: &Certificate) -> bool {
    cert.tbs_certificate.subject == cert.tbs_certificate.issuer
}

fn check_ocsp(
    der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<Option<Checked>, String> {
    let response = OcspResponse::from_der(der).map_err(|e| format!("not an OCSP response: {e}"))?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err(format!(
            "the OCSP responder answered {:?}",
            response.response_status
        ));
    }
    let bytes = response
        .response_bytes
        .filter(|b| b.response_type == OCSP_BASIC)
        .ok_or("the OCSP response is not a basic response")?;
    let basic = BasicOcspResponse::from_der(bytes.response.as_bytes())
        .map_err(|e| format!("the OCSP response cannot be read: {e}"))?;
    let key_hash_of = |algorithm: der::oid::ObjectIdentifier| -> Option<Vec<u8>> {
        let key = issuer
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes();
        match algorithm {
            SHA1 => Some(sha1(key).to_vec()),
            const_oid::db::rfc5912::ID_SHA_256 => Some(crate::base::digest::sha256(key).to_vec()),
            _ => None,
        }
    };
    let Some(single) = basic.tbs_response_data.responses.iter().find(|r| {
        r.cert_id.serial_number == cert.tbs_certificate.serial_number
            && key_hash_of(r.cert_id.hash_algorithm.oid).as_deref()
                == Some(r.cert_id.issuer_key_hash.as_bytes())
    }) else {
        return Ok(None);
    };
    let responder = responder_of(&basic, cert, issuer)?;
    let status = match &single.cert_status {
        CertStatus::Good(_) => Status::Good {
            as_of: seconds(&single.this_update.0),
        },
        CertStatus::Revoked(info) => Status::Revoked {
            at: seconds(&info.revocation_time.0),
        },
        CertStatus::Unknown(_) => {
            return Err(format!(
                "the OCSP responder does not know the certificate of {}",
                name_of(cert)
            ));
        }
    };
    Ok(Some(Checked {
        status,
        next_update: single.next_update.as_ref().map(|t| seconds(&t.0)),
        responder,
    }))
}

/// Who signed `basic`, an OCSP response about `cert`: `None` when its
/// issuer did, else the responder the issuer named (a certificate it issued
/// for OCSP signing, which the response carries).
fn responder_of(
    basic: &BasicOcspResponse,
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<Option<Certificate>, String> {
    let message = basic
        .tbs_response_data
        .to_der()
        .map_err(|e| e.to_string())?;
    let signed_by = |signer: &Certificate| {
        verify_with(
            signer,
            basic.signature_algorithm.oid,
            &message,
            basic.signature.raw_bytes(),
        )
        .is_ok()
    };
    if signed_by(issuer) {
        return Ok(None);
    }
    basic
        .certs
        .iter()
        .flatten()
        .find(|c| issued_by(c, issuer) && for_ocsp_signing(c) && signed_by(c))
        .cloned()
        .map(Some)
        .ok_or_else(|| {
            format!(
                "the OCSP response about {} is signed neither by its issuer nor by a responder its issuer named",
                name_of(cert)
            )
        })
}

fn check_crl(
    der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<Option<Checked>, String> {
    let crl = CertificateList::from_der(der).map_err(|e| format!("not a CRL: {e}"))?;
    if crl.tbs_cert_list.issuer != cert.tbs_certificate.issuer {
        return Ok(None);
    }
    let message = crl.tbs_cert_list.to_der().map_err(|e| e.to_string())?;
    verify_with(
        issuer,
        crl.signature_algorithm.oid,
        &message,
        crl.signature.raw_bytes(),
    )
    .map_err(|e| {
        format!(
            "the CRL of {} does not verify with its key: {e}",
            name_of(issuer)
        )
    })?;
    let revoked = crl
        .tbs_cert_list
        .revoked_certificates
        .iter()
        .flatten()
        .find(|r| r.serial_number == cert.tbs_certificate.serial_number);
    let status = match revoked {
        Some(entry) => Status::Revoked {
            at: entry.revocation_date.to_unix_duration().as_secs() as i64,
        },
        None => Status::Good {
            as_of: crl.tbs_cert_list.this_update.to_unix_duration().as_secs() as i64,
        },
    };
    Ok(Some(Checked {
        status,
        next_update: crl
            .tbs_cert_list
            .next_update
            .map(|t| t.to_unix_duration().as_secs() as i64),
        responder: None,
    }))
}

/// A proof about `cert` fetched from the OCSP responders its AIA names,
/// then from its CRL distribution points; `Err` says what each answered.
pub(super) fn fetch(
    cert: &Certificate,
    issuer: &Certificate,
    timeout: Duration,
) -> Result<(Proof, Checked), String> {
    let mut tried = Vec::new();
    for url in access(cert, AD_OCSP) {
        let request = ocsp_request(cert, issuer)?;
        let answer = exchange(&url, timeout, Some(("application/ocsp-request", &request)))
            .map_err(|e| e.to_string())
            .and_then(|der| {
                let proof = Proof::Ocsp(der);
                match check(&proof, cert, issuer)? {
                    Some(checked) => Ok((proof, checked)),
                    None => Err("the response is about another certificate".into()),
                }
            });
        match answer {
            Ok(found) => return Ok(found),
            Err(e) => tried.push(format!("OCSP {url}: {e}")),
        }
    }
    for url in distribution_points(cert) {
        let answer = exchange(&url, timeout, None)
            .map_err(|e| e.to_string())
            .and_then(|der| {
                let proof = Proof::Crl(der);
                match check(&proof, cert, issuer)? {
                    Some(checked) => Ok((proof, checked)),
                    None => Err("the CRL is another authority's".into()),
                }
            });
        match answer {
            Ok(found) => return Ok(found),
            Err(e) => tried.push(format!("CRL {url}: {e}")),
        }
    }
    if tried.is_empty() {
        return Err(format!(
            "the certificate of {} names no OCSP responder and no CRL distribution point: give its revocation data with --crl or --ocsp",
            name_of(cert)
        ));
    }
    Err(format!(
        "no revocation data for the certificate of {}: {}",
        name_of(cert),
        tried.join("; ")
    ))
}

/// The certificate of the authority that issued `cert`, from the
/// addresses its AIA names.
pub(super) fn fetch_issuer(cert: &Certificate, timeout: Duration) -> Option<Certificate> {
    access(cert, AD_CA_ISSUERS).iter().find_map(|url| {
        let der = exchange(url, timeout, None).ok()?;
        Certificate::from_der(&der)
            .ok()
            .filter(|issuer| issued_by(cert, issuer))
    })
}

/// An OCSP request for `cert`, its CertID hashed with SHA-1 as RFC 5019
/// has responders expect.
fn ocsp_request(cert: &Certificate, issuer: &Certificate) -> Result<Vec<u8>, String> {
    let fail = |e: der::Error| format!("cannot build an OCSP request: {e}");
    let name = issuer.tbs_certificate.subject.to_der().map_err(fail)?;
    let key = issuer
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    let cert_id = x509_ocsp::CertId {
        hash_algorithm: spki::AlgorithmIdentifierOwned {
            oid: SHA1,
            parameters: Some(der::asn1::Null.into()),
        },
        issuer_name_hash: der::asn1::OctetString::new(sha1(&name).to_vec()).map_err(fail)?,
        issuer_key_hash: der::asn1::OctetString::new(sha1(key).to_vec()).map_err(fail)?,
        serial_number: cert.tbs_certificate.serial_number.clone(),
    };
    x509_ocsp::OcspRequest {
        tbs_request: x509_ocsp::TbsRequest {
            version: x509_ocsp::Version::V1,
            requestor_name: None,
            request_list: vec![x509_ocsp::Request {
                req_cert: cert_id,
                single_request_extensions: None,
            }],
            request_extensions: None,
        },
        optional_signature: None,
    }
    .to_der()
    .map_err(fail)
}

/// The URLs of `cert`'s AIA for `method`.
fn access(cert: &Certificate, method: der::oid::ObjectIdentifier) -> Vec<String> {
    extension::<AuthorityInfoAccessSyntax>(
        cert,
        const_oid::db::rfc5280::ID_PE_AUTHORITY_INFO_ACCESS,
    )
    .map(|aia| {
        aia.0
            .iter()
            .filter(|d| d.access_method == method)
            .filter_map(|d| uri(&d.access_location))
            .collect()
    })
    .unwrap_or_default()
}

/// The URLs of `cert`'s CRL distribution points.
fn distribution_points(cert: &Certificate) -> Vec<String> {
    extension::<CrlDistributionPoints>(cert, const_oid::db::rfc5280::ID_CE_CRL_DISTRIBUTION_POINTS)
        .map(|points| {
            points
                .0
                .iter()
                .filter_map(|p| match &p.distribution_point {
                    Some(DistributionPointName::FullName(names)) => Some(names),
                    _ => None,
                })
                .flatten()
                .filter_map(uri)
                .collect()
        })
        .unwrap_or_default()
}

fn uri(name: &GeneralName) -> Option<String> {
    match name {
        GeneralName::UniformResourceIdentifier(uri) => {
            let text = uri.to_string();
            (text.starts_with("http://") || text.starts_with("https://")).then_some(text)
        }
        _ => None,
    }
}

fn extension<'a, T: Decode<'a>>(
    cert: &'a Certificate,
    oid: der::oid::ObjectIdentifier,
) -> Option<T> {
    cert.tbs_certificate
        .extensions
        .as_deref()?
        .iter()
        .find(|e| e.extn_id == oid)
        .and_then(|e| T::from_der(e.extn_value.as_bytes()).ok())
}

/// Whether `cert`'s extended key usage allows signing OCSP responses.
fn for_ocsp_signing(cert: &Certificate) -> bool {
    extension::<x509_cert::ext::pkix::ExtendedKeyUsage>(
        cert,
        const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE,
    )
    .is_some_and(|usage| usage.0.contains(&OCSP_SIGNING))
}

/// The present, in Unix seconds.
pub(super) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn seconds(time: &der::asn1::GeneralizedTime) -> i64 {
    time.to_unix_duration().as_secs() as i64
}

fn sha1(data: &[u8]) -> [u8; 20] {
    use sha1::Digest;
    sha1::Sha1::digest(data).into()
}
