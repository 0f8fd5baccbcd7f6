//! Asking a server of the signer's public key infrastructure — a
//! time-stamping authority, an OCSP responder, a CRL distribution point —
//! over HTTP or HTTPS, within a time limit and an answer size.

use std::time::Duration;

/// The largest answer read.
const MAX_ANSWER: u64 = 8 << 20;

/// Why a server gave no usable answer.
#[derive(Debug, Clone)]
pub(super) enum Failure {
    /// It did not answer within the time limit.
    Timeout(Duration),
    /// It answered with an HTTP error status.
    Status(u16),
    /// It could not be reached, or the answer could not be read.
    Other(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Timeout(limit) => write!(f, "no answer within {} s", limit.as_secs()),
            Failure::Status(status) => write!(f, "answered HTTP {status}"),
            Failure::Other(message) => f.write_str(message),
        }
    }
}

/// The body of the answer to a POST of `body` (of MIME type `kind`) to
/// `url`, or to a GET when there is no body.
pub(super) fn exchange(
    url: &str,
    timeout: Duration,
    body: Option<(&str, &[u8])>,
) -> Result<Vec<u8>, Failure> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let answer = match body {
        Some((kind, body)) => agent.post(url).header("Content-Type", kind).send(body),
        None => agent.get(url).call(),
    };
    let mut response = answer.map_err(|e| match e {
        ureq::Error::Timeout(_) => Failure::Timeout(timeout),
        other => Failure::Other(other.to_string()),
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(Failure::Status(status.as_u16()));
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_vec()
        .map_err(|e| Failure::Other(e.to_string()))
}
