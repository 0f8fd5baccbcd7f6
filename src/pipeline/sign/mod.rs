//! Digital signatures a customer can check with common tools: PAdES
//! baseline B-B (ETSI EN 319 142-1) on the final reports, added as an
//! incremental update that keeps their PDF/A and PDF/UA claims; the
//! acceptance report certified (DocMDP) with an empty field prepared for
//! the customer's countersignature; and the checks a validator makes, for
//! `dossier verify`.
//!
//! The signing time is the document's date, and ECDSA is deterministic
//! (RFC 6979): the same report, key and certificate give the same bytes.

mod keys;
mod cms;
mod incremental;
mod revisions;
mod pdf;
mod verify;

pub use incremental::SignError;
pub use keys::{KeyError, PASSWORD_VARIABLE, Signer, SignerFiles};
pub use pdf::{Kind, countersign_pdf, sign_pdf};
pub use verify::{ValidSignature, load_anchors, verify_pdf};
