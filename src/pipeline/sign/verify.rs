//! Checking the signatures of a PDF, as a customer's validator would: the
//! byte range covers a whole revision of the file but the signature, the
//! digest of those bytes is the one signed, the signature verifies with
//! the signer's certificate, and — given trust anchors — the certificate
//! chains to one of them, each certificate valid and not revoked at a time
//! that can be trusted: its time-stamp's, a later document time-stamp's,
//! or the validation time.

use lopdf::{Document, Object};
use x509_cert::Certificate;

use super::dss::Store;
use super::pdf::parse_date;
use super::revisions::{later_changes, revision_ends, signature_fields};
use super::revocation::Proof;
use super::signed::{
    Mismatch, check_signed_attributes, content_info_of, iso_time, signed_data_of,
    signer_certificate, time_stamp_token,
};
use super::trust::{chains_to, proven};
use super::tsa::{Token, check_token};
use crate::base::digest::{sha256, sha256_of};

/// A signature or document time-stamp that checked out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidSignature {
    /// The signature field's name.
    pub field: String,
    /// Whether it certifies the document (DocMDP), or approves it.
    pub certifies: bool,
    /// Whether it is a document time-stamp (PAdES B-LTA) rather than a
    /// signature: its signer is the time-stamping authority.
    pub document_timestamp: bool,
    /// The revision of the file it signs, from 1 (the file as first
    /// written), and how many revisions the file has.
    pub revision: (usize, usize),
    /// The length of that revision, in bytes.
    pub covers: usize,
    /// Who signed, as the certificate names them.
    pub signer: String,
    /// When, as the signature dictionary says (for a document time-stamp,
    /// the authority's time).
    pub signed_at: String,
    /// Its PAdES baseline level; none for a document time-stamp.
    pub level: Option<Level>,
    /// The trusted time a time-stamping authority gave it.
    pub timestamp: Option<Stamp>,
    /// Whether the signer's certificate chains to a given trust anchor
    /// (`None` when none was given), each certificate valid and not
    /// revoked at the time that can be trusted.
    pub trusted: Option<bool>,
    /// Whether the certificate of its time-stamp's authority chains to a
    /// given trust anchor likewise (`None` without a time-stamp or
    /// anchors).
    pub timestamp_trusted: Option<bool>,
}

/// A PAdES baseline level (ETSI EN 319 142-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Level {
    /// A signature with its signer's certificate.
    #[serde(rename = "B-B")]
    BB,
    /// And a time-stamp over it from a time-stamping authority.
    #[serde(rename = "B-T")]
    BT,
    /// And, in the document security store, the certificates and
    /// revocation data that validate the signature and its time-stamp.
    #[serde(rename = "B-LT")]
    BLT,
    /// And a document time-stamp over that data.
    #[serde(rename = "B-LTA")]
    BLTA,
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Level::BB => "B-B",
            Level::BT => "B-T",
            Level::BLT => "B-LT",
            Level::BLTA => "B-LTA",
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

/// The signatures of `pdf`, validated now; see [`verify_pdf_at`].
pub fn verify_pdf(pdf: &[u8], anchors: &[Certificate]) -> Result<Vec<ValidSignature>, String> {
    verify_pdf_at(pdf, anchors, super::revocation::now())
}

/// The signatures and document time-stamps of `pdf`, each checked, as
/// validated at `now` (Unix seconds); `Err` says what is wrong with the
/// first that does not check out. A PDF without signatures gives an empty
/// list.
///
/// A signature's certificates must be valid at its time-stamp's time,
/// else at the time of the first document time-stamp after it, else at
/// `now`; a time-stamp's certificates likewise at the next document
/// time-stamp's time, else at `now`. Revocation data in the file's
/// document security store must not show any of them revoked by then.
///
/// A signature may sign an earlier revision of the file than the last:
/// the revisions after the first signed one may then only fill a
/// prepared, empty signature field and add validation data or document
/// timestamps — what a customer's countersignature of a certified report
/// does. Anything else appended (an annotation, a changed page, a new
/// field) is reported as a change after signing.
pub fn verify_pdf_at(
    pdf: &[u8],
    anchors: &[Certificate],
    now: i64,
) -> Result<Vec<ValidSignature>, String> {
    let doc = Document::load_mem(pdf).map_err(|e| format!("not a readable PDF: {e}"))?;
    let ends = revision_ends(pdf);
    let mut parsed = Vec::new();
    for (_, field) in signature_fields(&doc) {
        let Some(signature) = field
            .get(b"V")
            .ok()
            .and_then(|v| doc.dereference(v).ok())
            .and_then(|(_, v)| v.as_dict().ok())
        else {
            continue;
        };
        let name = field
            .get(b"T")
            .ok()
            .and_then(|t| t.as_str().ok())
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .unwrap_or_default();
        parsed.push(parse(pdf, &ends, name, signature)?);
    }
    none_removed(pdf, &ends, &doc)?;
    let context = Context::new(pdf, &doc, &parsed, anchors, now);
    let mut found = parsed
        .iter()
        .map(|p| context.judge(p, &ends))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(end) = parsed.iter().map(|p| p.end).min()
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

/// Checks that the certificate of a signature without validation data has
/// not expired by `at`, the validation time: once it has, its authority no
/// longer says whether it was revoked before the signature, and the file
/// does not either.
fn unproven_after_expiry(cert: &Certificate, at: i64) -> Result<(), String> {
    let expiry = cert
        .tbs_certificate
        .validity
        .not_after
        .to_unix_duration()
        .as_secs() as i64;
    if expiry >= at {
        return Ok(());
    }
    Err(format!(
        "the certificate of {} expired on {} and the file carries no validation data for it (PAdES B-LT): whether it was revoked before it signed can no longer be told",
        super::signed::name_of(cert),
        iso_time(expiry)
    ))
}

/// Checks that no later revision took a signature out of the form: each
/// field signed in an earlier revision is there, with the same signature,
/// in the last.
fn none_removed(pdf: &[u8], ends: &[usize], doc: &Document) -> Result<(), String> {
    let signed = |d: &Document| -> Vec<(lopdf::ObjectId, lopdf::ObjectId)> {
        signature_fields(d)
            .into_iter()
            .filter_map(|(id, f)| Some((id, f.get(b"V").ok()?.as_reference().ok()?)))
            .collect()
    };
    let last = signed(doc);
    let earlier = ends.iter().enumerate().take(ends.len().saturating_sub(1));
    for (i, end) in earlier {
        let bytes = &pdf[..*end];
        // A revision that has never held a signature field needs no look.
        if !bytes.windows(4).any(|w| w == b"/Sig") {
            continue;
        }
        let Ok(before) = Document::load_mem(bytes) else {
            continue;
        };
        if signed(&before).iter().any(|field| !last.contains(field)) {
            return Err(format!(
                "a signature of revision {} was taken out of the form by a later revision",
                i + 1
            ));
        }
    }
    Ok(())
}

/// A signature or document time-stamp whose bytes check out, before its
/// certificates are judged.
struct Parsed {
    field: String,
    certifies: bool,
    document_timestamp: bool,
    /// Where the revision it covers ends.
    end: usize,
    /// The signer's certificate (a document time-stamp's: the
    /// authority's) and the certificates its CMS carries.
    cert: Certificate,
    pool: Vec<Certificate>,
    /// The time the signature dictionary claims.
    claimed: Option<(i64, String)>,
    /// The signature's time-stamp, or the document time-stamp itself.
    token: Option<Token>,
}

/// Checks one signature's bytes: it covers a whole revision but its own
/// contents, and its CMS digest is that revision's; a signature verifies
/// with the signer's certificate, a document time-stamp's token is over
/// the revision's digest, a signature's time-stamp over its value.
fn parse(
    pdf: &[u8],
    ends: &[usize],
    field: String,
    signature: &lopdf::Dictionary,
) -> Result<Parsed, String> {
    let (digest, end) = covered_digest(pdf, ends, signature)?;
    let contents = signature
        .get(b"Contents")
        .and_then(Object::as_str)
        .map_err(|_| "a signature without /Contents".to_string())?;
    let name = |key: &[u8]| signature.get(key).and_then(Object::as_name).ok();
    if name(b"Type") == Some(b"DocTimeStamp") || name(b"SubFilter") == Some(b"ETSI.RFC3161") {
        let token = check_token(&content_info_of(contents)?, &digest, None)
            .map_err(|e| format!("a document time-stamp does not hold: the authority {e}"))?;
        return Ok(Parsed {
            field,
            certifies: false,
            document_timestamp: true,
            end,
            cert: token.certificates[0].clone(),
            pool: token.certificates.clone(),
            claimed: Some((token.time, iso_time(token.time))),
            token: Some(token),
        });
    }
    let data = signed_data_of(contents)?;
    let (cert, pool) = signer_certificate(&data)?;
    check_signed_attributes(&data, &cert, &digest).map_err(|e| match e {
        Mismatch::Digest => "the file's bytes differ from the bytes signed (digest mismatch): it was changed after signing".to_string(),
        Mismatch::Other(e) => e,
    })?;
    let token = match time_stamp_token(&data)? {
        Some((token, value)) => {
            Some(check_token(&token, &sha256(&value), None).map_err(|e| {
                format!("the signature's time-stamp does not hold: the authority {e}")
            })?)
        }
        None => None,
    };
    let certifies = signature
        .get(b"Reference")
        .and_then(Object::as_array)
        .is_ok_and(|refs| {
            refs.iter().filter_map(|r| r.as_dict().ok()).any(|r| {
                r.get(b"TransformMethod").and_then(Object::as_name).ok() == Some(b"DocMDP")
            })
        });
    Ok(Parsed {
        field,
        certifies,
        document_timestamp: false,
        end,
        cert,
        pool,
        claimed: signature
            .get(b"M")
            .and_then(Object::as_str)
            .ok()
            .and_then(parse_date),
        token,
    })
}

/// What the signatures of a file are judged with: the trust anchors, the
/// validation time, the document security store, and each document
/// time-stamp with the store as it stood in the revision it covers.
struct Context<'a> {
    anchors: &'a [Certificate],
    now: i64,
    proofs: Vec<Proof>,
    certs: Vec<Certificate>,
    stamps: Vec<StampedStore>,
}

/// A document time-stamp: the end of the revision it covers, its time,
/// and the store of that revision.
struct StampedStore {
    end: usize,
    time: i64,
    proofs: Vec<Proof>,
    certs: Vec<Certificate>,
}

impl<'a> Context<'a> {
    fn new(
        pdf: &[u8],
        doc: &Document,
        parsed: &[Parsed],
        anchors: &'a [Certificate],
        now: i64,
    ) -> Self {
        let store = Store::of(doc);
        let stamps = parsed
            .iter()
            .filter(|p| p.document_timestamp)
            .filter_map(|p| {
                let then = Document::load_mem(&pdf[..p.end]).ok()?;
                let store = Store::of(&then);
                Some(StampedStore {
                    end: p.end,
                    time: p.token.as_ref()?.time,
                    proofs: store.proofs(),
                    certs: store.certificates(),
                })
            })
            .collect();
        Context {
            anchors,
            now,
            proofs: store.proofs(),
            certs: store.certificates(),
            stamps,
        }
    }

    /// The time what the revision ending at `end` holds can be trusted
    /// at: the first document time-stamp's after it, else the validation
    /// time.
    fn after(&self, end: usize) -> i64 {
        self.stamps
            .iter()
            .filter(|s| s.end > end)
            .map(|s| s.time)
            .min()
            .unwrap_or(self.now)
    }

    fn judge(&self, p: &Parsed, ends: &[usize]) -> Result<ValidSignature, String> {
        let mut pool = p.pool.clone();
        pool.extend(self.certs.iter().cloned());
        let later = self.after(p.end);
        let level = (!p.document_timestamp).then(|| self.level(p, &pool));
        let (trusted, timestamp_trusted) = if self.anchors.is_empty() {
            (None, None)
        } else {
            if !p.document_timestamp && !proven(&p.cert, &pool, &self.proofs) {
                unproven_after_expiry(&p.cert, self.now)?;
            }
            let (signer_at, stamp) = match (&p.token, p.document_timestamp) {
                (Some(token), false) => (token.time, Some(token)),
                _ => (later, None),
            };
            let trusted = chains_to(&p.cert, &pool, self.anchors, &self.proofs, signer_at)?;
            let timestamp_trusted = match stamp {
                Some(token) => {
                    let mut pool = token.certificates.clone();
                    pool.extend(self.certs.iter().cloned());
                    Some(chains_to(
                        &token.certificates[0],
                        &pool,
                        self.anchors,
                        &self.proofs,
                        later,
                    )?)
                }
                None => None,
            };
            (Some(trusted), timestamp_trusted)
        };
        let revision = ends.iter().position(|e| *e == p.end).map_or(0, |i| i + 1);
        Ok(ValidSignature {
            field: p.field.clone(),
            certifies: p.certifies,
            document_timestamp: p.document_timestamp,
            revision: (revision, ends.len()),
            covers: p.end,
            signer: super::signed::name_of(&p.cert),
            signed_at: p
                .claimed
                .as_ref()
                .map(|(_, text)| text.clone())
                .unwrap_or_default(),
            level,
            timestamp: p.token.as_ref().map(|t| Stamp {
                time: iso_time(t.time),
                authority: t.authority.clone(),
            }),
            trusted,
            timestamp_trusted,
        })
    }

    /// The PAdES level of the signature `p`, whose certificates are in
    /// `pool`.
    fn level(&self, p: &Parsed, pool: &[Certificate]) -> Level {
        let Some(token) = &p.token else {
            return Level::BB;
        };
        let covered = |proofs: &[Proof], certs: &[Certificate]| {
            let mut all = pool.to_vec();
            all.extend(certs.iter().cloned());
            all.extend(token.certificates.iter().cloned());
            proven(&p.cert, &all, proofs) && proven(&token.certificates[0], &all, proofs)
        };
        if !covered(&self.proofs, &self.certs) {
            Level::BT
        } else if self
            .stamps
            .iter()
            .any(|s| s.end > p.end && covered(&s.proofs, &s.certs))
        {
            Level::BLTA
        } else {
            Level::BLT
        }
    }
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
