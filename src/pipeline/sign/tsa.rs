//! Trusted time (RFC 3161): a time-stamp token from a time-stamping
//! authority (TSA) over a signature's value, checked before it is embedded:
//! the answer is granted, the token is a SignedData over a `TSTInfo` whose
//! message imprint is the SHA-256 of what was sent and whose nonce is the
//! one sent, signed by a certificate for time-stamping that the token
//! carries.

use std::time::Duration;

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{Int, OctetString};
use der::{Any, Decode, Encode, Sequence, Tagged};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_tsp::{Accuracy, MessageImprint, TimeStampReq, TimeStampResp, TspVersion};

use crate::base::digest::sha256;

/// How long dossier waits for a time-stamping authority, unless told.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// `id-ct-TSTInfo` (RFC 3161).
const TST_INFO: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// `id-kp-timeStamping` (RFC 5280).
const TIME_STAMPING: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// `TSTInfo` (RFC 3161), its time read leniently: authorities write
/// fractions of a second, which `GeneralizedTime` in DER allows but the
/// `der` crate does not read.
#[derive(Clone, Debug, Sequence)]
struct TstInfo {
    version: u8,
    policy: der::oid::ObjectIdentifier,
    message_imprint: MessageImprint,
    serial_number: Int,
    gen_time: Any,
    #[asn1(optional = "true")]
    accuracy: Option<Accuracy>,
    #[asn1(default = "Default::default")]
    ordering: bool,
    #[asn1(optional = "true")]
    nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    tsa: Option<Any>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    extensions: Option<x509_cert::ext::Extensions>,
}

/// A `GeneralizedTime`'s value (`YYYYMMDDHHMMSS[.f…]Z`) as Unix seconds.
fn generalized_time(value: &Any) -> Option<i64> {
    if value.tag() != der::Tag::GeneralizedTime {
        return None;
    }
    let text = std::str::from_utf8(value.value()).ok()?;
    let text = text.strip_suffix('Z')?;
    let whole = text.split(['.', ',']).next()?;
    let time = chrono::NaiveDateTime::parse_from_str(whole, "%Y%m%d%H%M%S").ok()?;
    Some(time.and_utc().timestamp())
}

/// A time-stamping authority: where to ask, and how long to wait.
#[derive(Debug, Clone)]
pub struct Tsa {
    /// Its address (`http://` or `https://`).
    pub url: String,
    /// How long to wait for its answer.
    pub timeout: Duration,
}

/// Why no time-stamp token could be had.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TsaError {
    /// The authority could not be reached, or did not answer in time.
    #[error("the time-stamping authority {url} could not be asked: {message}")]
    Unreachable {
        /// Its address.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The authority refused, or its answer is not a token dossier accepts.
    #[error("the time-stamping authority {url} {problem}")]
    Refused {
        /// Its address.
        url: String,
        /// What it did.
        problem: String,
    },
}

/// A token and what it says.
#[derive(Debug, Clone)]
pub struct Token {
    /// The token: a CMS ContentInfo holding SignedData, DER-encoded.
    pub der: Vec<u8>,
    /// When the authority says it saw the data, in Unix seconds.
    pub time: i64,
    /// The authority's name, as its certificate gives it.
    pub authority: String,
    /// The authority's certificate, then the others the token carries.
    pub(super) certificates: Vec<Certificate>,
}

impl Tsa {
    /// Asks the authority for a token over `data` (its SHA-256) and checks
    /// the answer.
    pub fn stamp(&self, data: &[u8]) -> Result<Token, TsaError> {
        self.stamp_digest(&sha256(data))
    }

    /// Asks the authority for a token over data whose SHA-256 is `imprint`
    /// and checks the answer.
    pub fn stamp_digest(&self, imprint: &[u8; 32]) -> Result<Token, TsaError> {
        let nonce = nonce();
        let request = TimeStampReq {
            version: TspVersion::V1,
            message_imprint: MessageImprint {
                hash_algorithm: sha256_id(),
                hashed_message: OctetString::new(imprint.to_vec()).map_err(|e| self.bad(e))?,
            },
            req_policy: None,
            nonce: Some(Int::new(&nonce).map_err(|e| self.bad(e))?),
            cert_req: true,
            extensions: None,
        };
        let body = request.to_der().map_err(|e| self.bad(e))?;
        let answer = self.post(&body)?;
        let response = TimeStampResp::from_der(&answer).map_err(|e| {
            self.refused(format!(
                "answered with something other than a time-stamp response: {e}"
            ))
        })?;
        let status = response.status.status as u8;
        if status > 1 {
            let text = response
                .status
                .status_string
                .as_ref()
                .map(|s| {
                    s.iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            return Err(self.refused(
                format!("refused the request (status {status}) {text}")
                    .trim_end()
                    .to_string(),
            ));
        }
        let token = response
            .time_stamp_token
            .ok_or_else(|| self.refused("granted the request but sent no token".into()))?;
        let der = token.to_der().map_err(|e| self.bad(e))?;
        let checked = check_token(&token, imprint, Some(&nonce)).map_err(|e| self.refused(e))?;
        Ok(Token { der, ..checked })
    }

    fn post(&self, body: &[u8]) -> Result<Vec<u8>, TsaError> {
        use super::http::{Failure, exchange};
        exchange(
            &self.url,
            self.timeout,
            Some(("application/timestamp-query", body)),
        )
        .map_err(|e| match e {
            Failure::Status(_) => self.refused(e.to_string()),
            Failure::Timeout(_) => TsaError::Unreachable {
                url: self.url.clone(),
                message: format!("{e} (--tsa-timeout)"),
            },
            Failure::Other(message) => TsaError::Unreachable {
                url: self.url.clone(),
                message,
            },
        })
    }

    fn refused(&self, problem: String) -> TsaError {
        TsaError::Refused {
            url: self.url.clone(),
            problem,
        }
    }

    fn bad(&self, e: impl std::fmt::Display) -> TsaError {
        self.refused(format!("could not be asked: {e}"))
    }
}

/// Checks a time-stamp token over data whose SHA-256 is `imprint`: its
/// `TSTInfo` names that imprint (and `nonce`, when one was sent), and its
/// signature verifies with the certificate it carries, which is for
/// time-stamping. The token's time and authority, its DER left empty.
pub(super) fn check_token(
    token: &ContentInfo,
    imprint: &[u8],
    nonce: Option<&[u8]>,
) -> Result<Token, String> {
    let data: SignedData = token
        .content
        .decode_as()
        .map_err(|e| format!("sent a token that is not CMS SignedData: {e}"))?;
    if data.encap_content_info.econtent_type != TST_INFO {
        return Err("sent a token that holds no TSTInfo".into());
    }
    let content = data
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or("sent a token without its TSTInfo")?;
    let content = der::asn1::OctetStringRef::try_from(content)
        .map_err(|e| format!("sent a token whose TSTInfo cannot be read: {e}"))?
        .as_bytes();
    let info = TstInfo::from_der(content)
        .map_err(|e| format!("sent a token whose TSTInfo cannot be read: {e}"))?;
    if info.message_imprint.hash_algorithm.oid != const_oid::db::rfc5912::ID_SHA_256
        || info.message_imprint.hashed_message.as_bytes() != imprint
    {
        return Err(
            "sent a token over other data than the signature (message imprint mismatch)".into(),
        );
    }
    if let Some(nonce) = nonce {
        let echoed = info.nonce.as_ref().map(|n| trim(n.as_bytes()));
        if echoed != Some(trim(nonce)) {
            return Err("sent a token that does not carry the request's nonce (a replayed or foreign answer)".into());
        }
    }
    let (cert, carried) = super::signed::signer_certificate(&data)
        .map_err(|e| format!("sent a token whose signer cannot be found: {e}"))?;
    if !for_time_stamping(&cert) {
        return Err(format!(
            "signed the token with a certificate that is not for time-stamping ({})",
            super::signed::name_of(&cert)
        ));
    }
    super::signed::check_signed_attributes(&data, &cert, &sha256(content))
        .map_err(|e| format!("sent a token whose signature does not verify: {e}"))?;
    let time = generalized_time(&info.gen_time).ok_or("sent a token whose time cannot be read")?;
    let authority = super::signed::name_of(&cert);
    let mut certificates = vec![cert.clone()];
    certificates.extend(carried.into_iter().filter(|c| c != &cert));
    Ok(Token {
        der: Vec::new(),
        time,
        authority,
        certificates,
    })
}

/// Whether `cert`'s extended key usage allows time-stamping.
fn for_time_stamping(cert: &Certificate) -> bool {
    use der::Decode as _;
    cert.tbs_certificate
        .extensions
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .filter(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE)
        .filter_map(|e| {
            x509_cert::ext::pkix::ExtendedKeyUsage::from_der(e.extn_value.as_bytes()).ok()
        })
        .any(|usage| usage.0.contains(&TIME_STAMPING))
}

/// A positive integer's bytes without leading zeros.
fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Sixteen unpredictable bytes, the first below 0x80 so that the integer
/// is positive.
fn nonce() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap_or_else(|_| {
        // No system randomness: the clock's nanoseconds, hashed.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes.copy_from_slice(&sha256(&now.to_le_bytes())[..16]);
    });
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    bytes
}

fn sha256_id() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: const_oid::db::rfc5912::ID_SHA_256,
        parameters: None,
    }
}
