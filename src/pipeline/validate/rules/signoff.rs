//! §7 一.1, §8: the customer confirms the acceptance report online in its
//! cloud account console, and the customer's stamp or signature (e-mail
//! included) on it is the completion mark. The acceptance report
//! whose only missing steps are these is final: it is the document the
//! customer signs, so their absence is worth a warning and no more. A
//! sign-off dated before the work it accepts is an error.

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
        .hint("the acceptance report is final and awaits the customer's signature; once given, add `acceptance.signoff` with `by`, `title`, `on` and `method` (email, stamp or signature)")
        .warning();
        return;
    };
    completion_mark(input, signoff, sink);
    after_the_work(input, signoff, sink);
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

/// §8: a console confirmation alone is not the completion mark; §7 一.1
/// (and 二, for solutions that prove themselves once implemented): the
/// customer also confirms the report online in the cloud account console.
fn completion_mark(input: &Input<'_>, signoff: &crate::base::model::Signoff, sink: &mut Sink<'_>) {
    if *signoff.method == SignoffMethod::Console {
        sink.report(
            RuleId::Signoff,
            Code::SignoffConsoleOnly,
            signoff.method.pos,
            "a console confirmation alone is not the completion mark: the contract asks for the customer's stamp or signature, e-mail included",
        )
        .hint("record the stamp, signature or e-mail as the sign-off's `method` and `reference`, and the console confirmation under `acceptance.console` with `on` and `reference`")
        .warning();
        return;
    }
    if input.e.acceptance.console.is_none() {
        sink.report(
            RuleId::Signoff,
            Code::ConsoleMissing,
            signoff.method.pos,
            "the customer's confirmation of the acceptance report in the cloud account console is not recorded",
        )
        .hint("once the customer confirms the acceptance report in the cloud account console, add `acceptance.console` with `on` and `reference`")
        .warning();
    }
}

/// The sign-off accepts the work: it is dated on or after the last day of
/// the assessment and inspection activities, and the first issue of the
/// service report (a later re-issue is a new version of what was accepted).
fn after_the_work(input: &Input<'_>, signoff: &crate::base::model::Signoff, sink: &mut Sink<'_>) {
    let e = input.e;
    let phases = &e.plan.phases;
    let work = phases
        .assessment
        .iter()
        .chain(&phases.inspection)
        .map(|a| (*a.to, "the last day of the planned work"));
    let report = e
        .history
        .iter()
        .filter(|r| r.concerns(crate::base::report::ReportKey::Service))
        .map(|r| r.date.value)
        .min()
        .map(|date| (date, "the service report's first issue"));
    let Some((last, what)) = work.chain(report).max_by_key(|(date, _)| *date) else {
        return;
    };
    if *signoff.on < last {
        sink.report(
            RuleId::Signoff,
            Code::SignoffEarly,
            signoff.on.pos,
            format!(
                "the sign-off is dated {}, before {what}, {last}: it cannot accept work not yet done",
                *signoff.on
            ),
        )
        .arg("on", *signoff.on)
        .arg("last", last)
        .hint("record the day the customer actually signed, on or after the work it accepts");
    }
}
