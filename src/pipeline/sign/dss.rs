//! The document security store (`/DSS`, ISO 32000-2 §12.8.4.3, PAdES
//! B-LT): the certificates of every signature and time-stamp of a PDF, up
//! to their roots, with proof that none was revoked, added by an
//! incremental update so that the signatures can be validated after their
//! certificates expire and their responders are gone.

use der::{Decode, Encode};
use lopdf::{Dictionary, Document, Object, ObjectId};
use x509_cert::Certificate;

use super::incremental::{SignError, Update, catalog_id, fail, write_update};
use super::revisions::signature_fields;
use super::revocation::{Ltv, Proof, Status, check, fetch, fetch_issuer, issued_by, self_issued};
use super::signed::{iso_time, name_of, signed_data_of, signer_certificate, time_stamp_token};

/// One entry of the store: its bytes, and its object when the file has
/// it already.
#[derive(Debug, Clone)]
struct Entry {
    der: Vec<u8>,
    id: Option<ObjectId>,
}

/// What a store holds.
#[derive(Debug, Clone, Default)]
pub(super) struct Store {
    certs: Vec<Entry>,
    ocsps: Vec<Entry>,
    crls: Vec<Entry>,
    /// The store's own object, when it is one.
    id: Option<ObjectId>,
    /// The store's dictionary as the file has it (with any `/VRI` or
    /// `/TS`), kept when it is rewritten.
    dict: Dictionary,
}

impl Store {
    /// The store of `doc`, empty when it has none.
    pub(super) fn of(doc: &Document) -> Store {
        let Some(dss) = doc.catalog().ok().and_then(|c| c.get(b"DSS").ok()) else {
            return Store::default();
        };
        let id = dss.as_reference().ok();
        let Ok((_, Object::Dictionary(dss))) = doc.dereference(dss) else {
            return Store::default();
        };
        let dict = dss.clone();
        let entries = |key: &[u8]| -> Vec<Entry> {
            dss.get(key)
                .ok()
                .and_then(|list| doc.dereference(list).ok())
                .and_then(|(_, list)| list.as_array().ok())
                .into_iter()
                .flatten()
                .filter_map(|item| {
                    let id = item.as_reference().ok();
                    let (_, object) = doc.dereference(item).ok()?;
                    let stream = object.as_stream().ok()?;
                    let der = stream
                        .decompressed_content()
                        .unwrap_or_else(|_| stream.content.clone());
                    Some(Entry { der, id })
                })
                .collect()
        };
        Store {
            certs: entries(b"Certs"),
            ocsps: entries(b"OCSPs"),
            crls: entries(b"CRLs"),
            id,
            dict,
        }
    }

    /// The certificates it holds.
    pub(super) fn certificates(&self) -> Vec<Certificate> {
        self.certs
            .iter()
            .filter_map(|e| Certificate::from_der(&e.der).ok())
            .collect()
    }

    /// The OCSP responses and CRLs it holds.
    pub(super) fn proofs(&self) -> Vec<Proof> {
        let ocsps = self.ocsps.iter().map(|e| Proof::Ocsp(e.der.clone()));
        ocsps
            .chain(self.crls.iter().map(|e| Proof::Crl(e.der.clone())))
            .collect()
    }

    fn add_cert(&mut self, cert: &Certificate) -> bool {
        add(&mut self.certs, cert.to_der().unwrap_or_default())
    }

    fn add_proof(&mut self, proof: Proof) -> bool {
        match proof {
            Proof::Ocsp(der) => add(&mut self.ocsps, der),
            Proof::Crl(der) => add(&mut self.crls, der),
        }
    }
}

fn add(entries: &mut Vec<Entry>, der: Vec<u8>) -> bool {
    if der.is_empty() || entries.iter().any(|e| e.der == der) {
        return false;
    }
    entries.push(Entry { der, id: None });
    true
}

/// A signer found in a PDF: a signature's, its time-stamp's or a document
/// time-stamp's, with the certificates its CMS carries and the signer of
/// the signature it belongs to.
pub(super) struct SignedBy {
    pub(super) cert: Certificate,
    pub(super) pool: Vec<Certificate>,
    pub(super) of: Certificate,
}

/// Every signer of `doc`: of each signature, of its time-stamp and of each
/// document time-stamp.
pub(super) fn signers(doc: &Document) -> Result<Vec<SignedBy>, String> {
    let mut found = Vec::new();
    for (_, field) in signature_fields(doc) {
        let Some(contents) = field
            .get(b"V")
            .ok()
            .and_then(|v| doc.dereference(v).ok())
            .and_then(|(_, v)| v.as_dict().ok())
            .and_then(|v| v.get(b"Contents").ok())
            .and_then(|c| c.as_str().ok())
        else {
            continue;
        };
        let data = signed_data_of(contents)?;
        let (cert, pool) = signer_certificate(&data)?;
        let of = cert.clone();
        found.push(SignedBy {
            cert,
            pool,
            of: of.clone(),
        });
        if let Some((token, _)) = time_stamp_token(&data)? {
            let data: cms::signed_data::SignedData = token
                .content
                .decode_as()
                .map_err(|e| format!("the signature's time-stamp is not SignedData: {e}"))?;
            let (cert, pool) = signer_certificate(&data)?;
            found.push(SignedBy { cert, pool, of });
        }
    }
    Ok(found)
}

/// `pdf` with the validation data of every signature and time-stamp in a
/// store added by an incremental update; `pdf` as it is when the store
/// holds all of it already.
///
/// With `only`, the signer signing now: a certificate of its chain (or of
/// its time-stamp's) that was revoked, or whose status can be had neither
/// from the files given nor from the addresses it names, is an error; the
/// other signatures get what can be had. Without (a document time-stamp
/// over signatures made earlier), every certificate's status must be had,
/// and a revocation is stored as it is: whether it came before the time
/// that signature can be trusted at is for the validator to judge.
pub(super) fn with_validation_data(
    pdf: &[u8],
    ltv: &Ltv,
    only: Option<&Certificate>,
) -> Result<Vec<u8>, SignError> {
    let doc = Document::load_mem(pdf).map_err(|e| fail(e.to_string()))?;
    let mut store = Store::of(&doc);
    let mut signed = signers(&doc).map_err(SignError::Validation)?;
    let required = |s: &SignedBy| only.is_none_or(|c| c == &s.of);
    signed.sort_by_key(|s| !required(s));
    let mut gathering = Gathering {
        pool: store.certificates(),
        given: ltv
            .ocsps
            .iter()
            .map(|d| Proof::Ocsp(d.clone()))
            .chain(ltv.crls.iter().map(|d| Proof::Crl(d.clone())))
            .collect(),
        held: store.proofs(),
        done: Vec::new(),
        ltv,
    };
    gathering
        .pool
        .extend(signed.iter().flat_map(|s| s.pool.iter().cloned()));
    let mut changed = false;
    for signer in &signed {
        let signing_now = only.is_some_and(|c| c == &signer.of);
        match gathering.chain(&mut store, &signer.cert, signing_now) {
            Ok(added) => changed |= added,
            Err(e) if required(signer) => return Err(SignError::Validation(e)),
            Err(_) => {}
        }
    }
    if !changed {
        return Ok(pdf.to_vec());
    }
    let mut new = Update::new(&doc);
    write_store(&doc, &mut new, &store)?;
    write_update(pdf, doc, new)
}

/// What validation data is gathered from: the certificates known, the
/// proofs given as files and those the store holds, and the certificates
/// done with.
struct Gathering<'a> {
    pool: Vec<Certificate>,
    given: Vec<Proof>,
    held: Vec<Proof>,
    done: Vec<Certificate>,
    ltv: &'a Ltv,
}

impl Gathering<'_> {
    /// Adds to `store` the chain of `cert` and a proof for each of its
    /// certificates but the root; whether anything was added. A revoked
    /// certificate is an error when `signing_now`.
    fn chain(
        &mut self,
        store: &mut Store,
        cert: &Certificate,
        signing_now: bool,
    ) -> Result<bool, String> {
        let mut changed = false;
        let mut cert = cert.clone();
        while !self.done.contains(&cert) {
            self.done.push(cert.clone());
            changed |= store.add_cert(&cert);
            if self_issued(&cert) {
                break;
            }
            let issuer = self.issuer(&cert)?;
            let (proof, checked) = prove(&cert, &issuer, &self.given, &self.held, self.ltv)?;
            if let Status::Revoked { at } = checked.status
                && signing_now
            {
                return Err(format!(
                    "the certificate of {} was revoked on {}",
                    name_of(&cert),
                    iso_time(at)
                ));
            }
            if let Some(responder) = &checked.responder {
                changed |= store.add_cert(responder);
            }
            changed |= store.add_proof(proof);
            cert = issuer;
        }
        Ok(changed)
    }

    /// The certificate of the authority that issued `cert`: known, or
    /// fetched from the address its AIA names.
    fn issuer(&mut self, cert: &Certificate) -> Result<Certificate, String> {
        if let Some(issuer) = self.pool.iter().find(|c| issued_by(cert, c)) {
            return Ok(issuer.clone());
        }
        let issuer = fetch_issuer(cert, self.ltv.timeout).ok_or_else(|| {
            format!(
                "the certificate of the authority that issued {}'s is not in the file and cannot be fetched from an address it names: sign with the issuers' certificates (--sign-chain, --chain)",
                name_of(cert)
            )
        })?;
        self.pool.push(issuer.clone());
        Ok(issuer)
    }
}

/// A proof about `cert`: from the files given, else fetched, else the one
/// the store holds already.
fn prove(
    cert: &Certificate,
    issuer: &Certificate,
    given: &[Proof],
    held: &[Proof],
    ltv: &Ltv,
) -> Result<(Proof, super::revocation::Checked), String> {
    for proof in given {
        let checked = check(proof, cert, issuer)
            .map_err(|e| format!("a CRL or OCSP response given as a file: {e}"))?;
        if let Some(checked) = checked {
            if checked.expired(super::revocation::now()) {
                return Err(format!(
                    "the {} given as a file for {} is out of date: get a current one",
                    proof.kind(),
                    name_of(cert)
                ));
            }
            return Ok((proof.clone(), checked));
        }
    }
    fetch(cert, issuer, ltv.timeout).or_else(|fetched| {
        held.iter()
            .find_map(|p| {
                check(p, cert, issuer)
                    .ok()
                    .flatten()
                    .map(|c| (p.clone(), c))
            })
            .ok_or(fetched)
    })
}

/// Writes `store` into the update: its new entries as streams, the store
/// as its own object, the catalog pointing at it.
fn write_store(doc: &Document, new: &mut Update, store: &Store) -> Result<(), SignError> {
    let mut dss = match store.id {
        Some(id) => new.dictionary(doc, id)?,
        None => store.dict.clone(),
    };
    let mut list = |entries: &[Entry]| -> Object {
        Object::Array(
            entries
                .iter()
                .map(|e| {
                    let id = e.id.unwrap_or_else(|| {
                        let id = new.new_object_id();
                        let stream = lopdf::Stream::new(Dictionary::new(), e.der.clone());
                        new.objects.insert(id, Object::Stream(stream));
                        id
                    });
                    Object::Reference(id)
                })
                .collect(),
        )
    };
    dss.set("Type", Object::Name(b"DSS".to_vec()));
    dss.set("Certs", list(&store.certs));
    dss.set("OCSPs", list(&store.ocsps));
    dss.set("CRLs", list(&store.crls));
    let dss_id = store.id.unwrap_or_else(|| new.new_object_id());
    new.objects.insert(dss_id, Object::Dictionary(dss));
    let catalog_id = catalog_id(doc)?;
    let mut catalog = new.dictionary(doc, catalog_id)?;
    if store.id.is_none() {
        catalog.set("DSS", Object::Reference(dss_id));
        new.objects.insert(catalog_id, Object::Dictionary(catalog));
    }
    Ok(())
}
