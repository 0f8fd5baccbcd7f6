//! A finding's history: its status is its last retest's (and agrees with a
//! status written beside the retests), a fix is claimed only once a retest
//! found it fixed, and a risk the customer accepts names who accepted it.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::model::{Finding, FindingStatus, RetestResult};
use crate::pipeline::validate::{Input, Sink};

/// Checks every finding's history, one finding after another.
pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    for f in input.e.findings.iter() {
        status_or_retest(f, sink);
        retests_in_order(f, sink);
        status_agrees(f, sink);
        acceptances_named(f, sink);
        closure_retested(f, sink);
        open_owned(f, sink);
    }
}

/// A finding still open at acceptance says who closes it and by when: the
/// acceptance report lists it among the open items.
fn open_owned(f: &Finding, sink: &mut Sink<'_>) {
    let status = f.current_status();
    if !matches!(status, FindingStatus::Open | FindingStatus::InProgress) {
        return;
    }
    let owned = f.owner.as_deref().is_some_and(|o| !o.trim().is_empty()) && f.due.is_some();
    if owned {
        return;
    }
    let id = &f.id.value;
    let diagnostic = sink
        .report(
            RuleId::Retests,
            Code::OpenUnowned,
            f.id.pos,
            format!("finding {id} is still `{status}` but names no owner and date to close it"),
        )
        .arg("id", id)
        .hint("resolve it and retest, record the customer's acceptance of the risk, or add `owner:` and `due:` for the open item the acceptance report lists")
        .pending(RuleId::Retests);
    diagnostic.reports = vec![crate::base::report::ReportKey::Acceptance];
}

/// A finding has a status, written or decided by a retest.
fn status_or_retest(f: &Finding, sink: &mut Sink<'_>) {
    let id = &f.id.value;
    if f.status.is_none() && f.retests.is_empty() {
        sink.report(
            RuleId::Retests,
            Code::StatusMissing,
            f.id.pos,
            format!("finding {id} has neither a status nor a retest"),
        )
        .arg("id", id)
        .hint("add `status:` (open, in-progress, resolved or accepted), or `retests:` once the fix was checked");
    }
}

/// Retests are listed oldest first.
fn retests_in_order(f: &Finding, sink: &mut Sink<'_>) {
    let id = &f.id.value;
    for pair in f.retests.windows(2) {
        if pair[1].date.value < pair[0].date.value {
            sink.report(
                RuleId::Retests,
                Code::RetestOrder,
                pair[1].date.pos,
                format!(
                    "finding {id}: the retest of {} is listed after the one of {}",
                    pair[1].date.value, pair[0].date.value
                ),
            )
            .arg("id", id)
            .hint("list retests oldest first: the last one decides the finding's status");
        }
    }
}

/// A status written beside the retests is the one the last retest found.
fn status_agrees(f: &Finding, sink: &mut Sink<'_>) {
    let id = &f.id.value;
    if let (Some(last), Some(status)) = (f.retests.last(), &f.status)
        && last.result.status() != status.value
    {
        sink.report(
            RuleId::Retests,
            Code::StatusRetest,
            status.pos,
            format!(
                "finding {id} is `{}`, but its last retest ({}) found it `{}`",
                status.value, last.date.value, last.result.value
            ),
        )
        .arg("id", id)
        .arg("status", status.value)
        .arg("result", last.result.value)
        .hint(format!(
            "leave `status:` out (the last retest decides it) or write `status: {}`",
            last.result.status()
        ));
    }
}

/// A retest that records an accepted risk names who accepted it.
fn acceptances_named(f: &Finding, sink: &mut Sink<'_>) {
    let id = &f.id.value;
    for retest in &f.retests {
        let named = retest
            .accepted_by
            .as_ref()
            .is_some_and(|who| !who.trim().is_empty());
        if retest.result.value == RetestResult::RiskAccepted && !named {
            sink.report(
                RuleId::Retests,
                Code::AcceptedUnnamed,
                retest.result.pos,
                format!("finding {id}: the accepted risk does not say who accepted it"),
            )
            .arg("id", id)
            .hint("add `accepted_by:` with the customer's name and title")
            .pending(RuleId::Retests);
        }
    }
}

/// A finding resolved or accepted without any retest lacks the retest that
/// found it fixed or recorded who accepted the risk.
fn closure_retested(f: &Finding, sink: &mut Sink<'_>) {
    let id = &f.id.value;
    match (f.current_status(), f.retests.last()) {
        (FindingStatus::Resolved, None) => {
            sink.report(
                RuleId::Retests,
                Code::FixedUnretested,
                f.status_pos(),
                format!("finding {id} is resolved without a retest that found it fixed"),
            )
            .arg("id", id)
            .hint("add a `retests:` entry with `date`, `by`, `result: fixed` and its `evidence`")
            .warning();
        }
        (FindingStatus::Accepted, None) => {
            sink.report(
                RuleId::Retests,
                Code::AcceptedUnnamed,
                f.status_pos(),
                format!("finding {id}: the accepted risk does not say who accepted it"),
            )
            .arg("id", id)
            .hint("add a `retests:` entry with `result: risk-accepted` and `accepted_by:` (the customer's name and title)")
            .pending(RuleId::Retests);
        }
        _ => {}
    }
}
