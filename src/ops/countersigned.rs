//! The countersigned acceptance report a sign-off records
//! (`acceptance.signoff.file`), checked as `check` checks the rest: its
//! signatures verify, the customer's countersignature fills the field the
//! provider's certification prepared, it is this engagement's report, and
//! the customer who signed is the one the sign-off names.

use std::path::Path;

use crate::base::code::RuleId;
use crate::base::diagnostic::{Diagnostic, Severity};
use crate::base::model::{Pos, SignoffMethod};
use crate::pipeline::load::{Loaded, attached, from_attachments};
use crate::pipeline::sign::{ValidSignature, verify_pdf};

/// What is wrong with the countersigned file the sign-off of `loaded`
/// records, if it records one.
pub(crate) fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    let Some(signoff) = &loaded.engagement.acceptance.signoff else {
        return Vec::new();
    };
    let Some(file) = &signoff.file else {
        return Vec::new();
    };
    let at = At {
        engagement: &loaded.file,
        pos: file.pos,
    };
    if signoff.method.value != SignoffMethod::Signature {
        return vec![at.error(
            format!(
                "a countersigned file records a digital signature, but the sign-off's method is `{}`",
                signoff.method.value
            ),
            "give `method: signature`, or drop `file`",
        )];
    }
    let dir = loaded.file.parent().unwrap_or(Path::new("."));
    let (bytes, certification, customer) = match signatures(&at, &dir.join(&file.value), file) {
        Ok(found) => found,
        Err(problem) => return vec![*problem],
    };
    let mut found = Vec::new();
    let id = &loaded.engagement.engagement.id.value;
    let carried = attached::attachments(&bytes[..certification.covers])
        .ok()
        .and_then(|carried| from_attachments(dir, carried))
        .and_then(Result::ok)
        .map(|signed| signed.engagement.engagement.id.value);
    if carried.as_deref() != Some(id.as_str()) {
        let why = match carried {
            Some(other) => format!("it certifies the reports of {other}"),
            None => "it carries no engagement file".to_string(),
        };
        found.push(at.error(
            format!(
                "`{}` is not the acceptance report of {id}: {why}",
                file.value
            ),
            "record this engagement's countersigned acceptance report",
        ));
    }
    let by = signoff.by.trim();
    if !customer.signer.contains(by) && !by.contains(customer.signer.as_str()) {
        let mut warning = at.error(
            format!(
                "`{}` is countersigned by {}, but the sign-off names {by}",
                file.value, customer.signer
            ),
            "record in `by` who signed, as the certificate names them",
        );
        warning.severity = Severity::Warning;
        found.push(warning);
    }
    found
}

/// Where the sign-off names its file, for diagnostics.
struct At<'a> {
    engagement: &'a Path,
    pos: Pos,
}

impl At<'_> {
    fn error(&self, message: String, hint: &str) -> Diagnostic {
        let mut d = Diagnostic::error(self.engagement, self.pos, message).with_hint(hint);
        d.rule = Some(RuleId::Signoff);
        d.clause = RuleId::Signoff.clause();
        d
    }

    fn boxed(&self, message: String, hint: &str) -> Box<Diagnostic> {
        Box::new(self.error(message, hint))
    }
}

/// The file's bytes, the provider's certification and the customer's
/// countersignature after it; or what is wrong.
fn signatures(
    at: &At<'_>,
    path: &Path,
    name: &str,
) -> Result<(Vec<u8>, ValidSignature, ValidSignature), Box<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|err| {
        at.boxed(
            format!("cannot read the countersigned report `{name}`: {err}"),
            "`file` is the path of the countersigned acceptance report, from the engagement file's folder",
        )
    })?;
    let signatures = verify_pdf(&bytes, &[]).map_err(|problem| {
        at.boxed(
            format!("the countersigned report `{name}` does not verify: {problem}"),
            "ask the customer for the file as they signed it",
        )
    })?;
    let certification = signatures.iter().find(|s| s.certifies).ok_or_else(|| {
        at.boxed(
            format!(
                "`{name}` is not certified by the provider: it is not an acceptance report prepared for a countersignature"
            ),
            "record the acceptance report the provider signed and the customer countersigned",
        )
    })?;
    let customer = signatures
        .iter()
        .find(|s| !s.certifies && !s.document_timestamp && s.revision.0 > certification.revision.0)
        .ok_or_else(|| {
            at.boxed(
                format!("`{name}` carries no countersignature by the customer"),
                "the customer signs it with Acrobat, pyHanko or `dossier countersign`",
            )
        })?;
    Ok((bytes, certification.clone(), customer.clone()))
}
