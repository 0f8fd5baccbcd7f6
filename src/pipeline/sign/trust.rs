//! Whether a certificate can be trusted at a time: it chains to a trust
//! anchor, each certificate on the way valid then and, by the revocation
//! data at hand, not revoked by then; and whether that data covers a
//! chain, as long-term validation asks.

use x509_cert::Certificate;

use super::revocation::{Proof, Status, check, issued_by, self_issued};
use super::signed::{iso_time, name_of};

/// The longest chain followed.
const MAX_DEPTH: usize = 8;

/// Whether `cert` chains through `pool` to one of `anchors`, each
/// certificate valid at `at` and not revoked by then as `proofs` tell;
/// `Err` says which certificate was not.
pub(super) fn chains_to(
    cert: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    proofs: &[Proof],
    at: i64,
) -> Result<bool, String> {
    let mut current = cert.clone();
    for _ in 0..MAX_DEPTH {
        valid_at(&current, at)?;
        if anchors.contains(&current) {
            return Ok(true);
        }
        let issuer = anchors
            .iter()
            .find(|a| issued_by(&current, a))
            .or_else(|| issuer_in(&current, pool));
        let Some(issuer) = issuer else {
            return Ok(false);
        };
        not_revoked(&current, issuer, proofs, at)?;
        if anchors.contains(issuer) {
            valid_at(issuer, at)?;
            return Ok(true);
        }
        current = issuer.clone();
    }
    Ok(false)
}

/// Whether each certificate of `cert`'s chain in `pool` but its root has
/// revocation data among `proofs`.
pub(super) fn proven(cert: &Certificate, pool: &[Certificate], proofs: &[Proof]) -> bool {
    let mut current = cert.clone();
    for _ in 0..MAX_DEPTH {
        if self_issued(&current) {
            return true;
        }
        let Some(issuer) = issuer_in(&current, pool) else {
            return false;
        };
        if !proofs
            .iter()
            .any(|p| matches!(check(p, &current, issuer), Ok(Some(_))))
        {
            return false;
        }
        current = issuer.clone();
    }
    false
}

fn issuer_in<'a>(cert: &Certificate, pool: &'a [Certificate]) -> Option<&'a Certificate> {
    pool.iter()
        .filter(|c| *c != cert)
        .find(|c| issued_by(cert, c))
}

fn not_revoked(
    cert: &Certificate,
    issuer: &Certificate,
    proofs: &[Proof],
    at: i64,
) -> Result<(), String> {
    for proof in proofs {
        if let Ok(Some(checked)) = check(proof, cert, issuer)
            && let Status::Revoked { at: when } = checked.status
            && when <= at
        {
            return Err(format!(
                "the certificate of {} was revoked on {}",
                name_of(cert),
                iso_time(when)
            ));
        }
    }
    Ok(())
}

fn valid_at(cert: &Certificate, at: i64) -> Result<(), String> {
    let validity = &cert.tbs_certificate.validity;
    let from = validity.not_before.to_unix_duration().as_secs() as i64;
    let to = validity.not_after.to_unix_duration().as_secs() as i64;
    if (from..=to).contains(&at) {
        Ok(())
    } else {
        Err(format!(
            "the certificate of {} is valid from {} to {}, not at {}, the time it is validated at",
            name_of(cert),
            validity.not_before,
            validity.not_after,
            iso_time(at)
        ))
    }
}
