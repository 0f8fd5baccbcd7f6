//! §7 一.1, §8: the customer's sign-off (console confirmation, email,
//! stamp or signature) completes the acceptance. The acceptance report
//! whose only missing step is the sign-off is final: it is the document
//! the customer signs, so its absence is worth a warning and no more.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::model::SignoffMethod;
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let acceptance = &input.e.acceptance;
    let Some(signoff) = &acceptance.signoff else {
        sink.report(
            RuleId::Signoff,
            Code::SignoffMissing,
            acceptance.items.pos,
            "the acceptance report has no customer sign-off",
        )
        .hint("the acceptance report is final and awaits the customer's signature; once given, add `acceptance.signoff` with `by`, `title`, `on` and `method` (console, email, stamp or signature)")
        .warning();
        return;
    };
    if let Some(version) = &signoff.version {
        let issued = input.e.history.iter().any(|r| {
            r.concerns(crate::base::report::ReportKey::Acceptance)
                && r.version.value == version.value
                && r.date.value <= *signoff.on
        });
        if !issued {
            sink.report(
                RuleId::Signoff,
                Code::SignoffVersion,
                version.pos,
                format!(
                    "the sign-off confirms version {} of the acceptance report, which the history does not list as issued by {}",
                    version.value, signoff.on.value
                ),
            )
            .arg("version", &version.value)
            .hint("name a version of the acceptance report from `history`, issued on or before the sign-off");
        }
    }
    let needs_reference = matches!(
        *signoff.method,
        SignoffMethod::Console | SignoffMethod::Email
    );
    if needs_reference
        && signoff
            .reference
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
    {
        sink.report(
            RuleId::Signoff,
            Code::SignoffReference,
            signoff.method.pos,
            format!(
                "a {} sign-off needs a `reference` the customer can check",
                signoff.method.value
            ),
        )
        .arg("method", signoff.method.value)
        .hint("add `reference:` with the console confirmation number or the email's Message-ID")
        .warning();
    }
}
