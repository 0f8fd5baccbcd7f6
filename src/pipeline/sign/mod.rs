//! Digital signatures a customer can check with common tools: PAdES
//! baselines (ETSI EN 319 142-1) on the final reports — B-B, with a
//! time-stamp B-T, with validation data in a document security store B-LT,
//! with a document time-stamp over it B-LTA — each added as an incremental
//! update that keeps their PDF/A and PDF/UA claims; the acceptance report
//! certified (DocMDP) with an empty field prepared for the customer's
//! countersignature; and the checks a validator makes, for `dossier
//! verify`.
//!
//! The signing time is when the signature is made, or `SOURCE_DATE_EPOCH`
//! for a reproducible build; ECDSA is deterministic (RFC 6979), so the same
//! report, key, certificate and time give the same bytes.

mod signed;
mod http;
mod tsa;
mod revocation;
mod keys;
mod cms;
mod incremental;
mod revisions;
mod dss;
mod pdf;
mod trust;
mod verify;

pub use incremental::SignError;
pub use keys::{KeyError, PASSWORD_VARIABLE, Signer, SignerFiles, signing_time};
pub use pdf::{Kind, countersign_pdf, sign_pdf, timestamp_pdf};
pub use revocation::{Ltv, UnreadableFile};
pub use tsa::{DEFAULT_TIMEOUT as TSA_TIMEOUT, Tsa, TsaError};
pub use verify::{Level, Stamp, ValidSignature, load_anchors, verify_pdf, verify_pdf_at};
